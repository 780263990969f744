//! The state of one wizard run, apart from how it is drawn: values typed, steps done,
//! what may be saved. Serialisable for resuming, except secrets, which are never written.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::flow::rules::{self, Verdict};
use crate::flow::template;
use crate::flow::{Field, FieldKind, Flow, FlowKind};
use crate::model::{Connection, Secret};

/// Rows of a table field: column id → typed value.
pub type Rows = Vec<BTreeMap<String, String>>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub flow: String,
    /// Index of the current step; `steps.len()` is the finish page.
    pub step: usize,
    /// For removal flows: the connection being removed.
    pub target: Option<String>,
    /// Id the connection will be saved under; secrets saved early are filed under it.
    pub connection_id: String,
    /// The step this run started at (0-based): earlier steps belong to another role, so their
    /// confirmations are not asked for.
    pub entry: usize,
    /// Secret fields already in the keyring (saved early by a `save_secrets` step).
    pub stored: BTreeSet<String>,
    pub values: BTreeMap<String, String>,
    pub tables: BTreeMap<String, Rows>,
    /// Ticked confirmations, as `"<step>.<index>"`.
    pub confirmed: BTreeSet<String>,
    /// Completes a connection set up in part (a ПВЗ from a list) rather than making a new one.
    pub completes_pending: bool,
    /// «Обновить ключ»: saving replaces the saved connection's secrets and values, keeping
    /// its history.
    #[serde(default)]
    pub renews: bool,
    /// A removal flow run for a renewed connection's old key: it walks through deleting the key
    /// in the system, and nothing is removed from Ключник (`target` is the connection as it was
    /// before the renewal).
    #[serde(default)]
    pub old_key: bool,
    /// Typed secrets: kept in memory only.
    #[serde(skip)]
    pub secrets: BTreeMap<String, Secret>,
}

/// Why the wizard cannot move past a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepProblems {
    /// Field id → message.
    pub fields: BTreeMap<String, String>,
    /// Indexes of confirmations not yet ticked.
    pub unconfirmed: Vec<usize>,
}

impl StepProblems {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.unconfirmed.is_empty()
    }
}

impl Draft {
    /// A fresh run of `flow`, with defaults filled in.
    pub fn new(flow: &Flow, target: Option<&Connection>) -> Self {
        Self::starting_at(flow, target, 0)
    }

    /// A fresh run that starts at step `entry` (0-based), for a role that does only the later part.
    pub fn starting_at(flow: &Flow, target: Option<&Connection>, entry: usize) -> Self {
        let entry = entry.min(flow.steps.len().saturating_sub(1));
        let mut draft = Self {
            flow: flow.id.clone(),
            target: target.map(|c| c.id.clone()),
            connection_id: uuid::Uuid::new_v4().to_string(),
            entry,
            step: entry,
            ..Self::default()
        };
        for field in flow.fields() {
            match field.kind {
                FieldKind::Secret => {
                    draft.secrets.insert(field.id.clone(), Secret::default());
                }
                FieldKind::Table => {
                    draft.tables.insert(field.id.clone(), vec![BTreeMap::new()]);
                }
                _ => {
                    draft
                        .values
                        .insert(field.id.clone(), field.default.clone().unwrap_or_default());
                }
            }
        }
        draft
    }

    /// «Обновить ключ» for `connection`: from the flow's `renew_from` step, its values and
    /// tables filled in, the secrets and the expiry to be entered anew. `None` when the flow has
    /// no renewal.
    pub fn renewing(flow: &Flow, connection: &Connection) -> Option<Self> {
        let step = flow.renew_from?;
        let mut draft = Self::starting_at(flow, None, step - 1);
        draft.values.extend(connection.fields.to_map());
        if let Some(expiry) = &flow.expiry_field {
            draft.values.insert(expiry.clone(), String::new());
        }
        for (id, rows) in &connection.tables {
            draft.tables.insert(id.clone(), rows.clone());
        }
        draft.connection_id.clone_from(&connection.id);
        draft.renews = true;
        Some(draft)
    }

    /// Continues a connection saved part-way (`pending_step`): at its step, with what was
    /// entered and ticked, its secrets in the keyring counted as entered.
    pub fn resuming(flow: &Flow, connection: &Connection) -> Self {
        let step = connection.pending_step.unwrap_or(0);
        let entry = connection.pending_entry.unwrap_or(step).min(step);
        let mut draft = Self::starting_at(flow, None, entry);
        draft.step = step.min(flow.steps.len().saturating_sub(1));
        draft.values.extend(connection.fields.to_map());
        for (id, rows) in &connection.tables {
            draft.tables.insert(id.clone(), rows.clone());
        }
        draft.confirmed.clone_from(&connection.pending_confirmed);
        draft.stored = connection.secrets.iter().cloned().collect();
        draft.connection_id.clone_from(&connection.id);
        draft.completes_pending = true;
        draft
    }

    /// «Сохранить и продолжить позже»: the run as a connection paused at `step` (0-based),
    /// everything entered kept as typed (a value not yet valid too — it is checked when the
    /// run goes on), with the typed secrets to put in the keyring. The name is the name field's
    /// text, or the flow's title when it is empty.
    pub fn to_pending(
        &self,
        flow: &Flow,
        step: usize,
        today: NaiveDate,
    ) -> (Connection, BTreeMap<String, Secret>) {
        let mut connection = Connection::new(&flow.id, &flow.system, "");
        if !self.connection_id.is_empty() {
            connection.id.clone_from(&self.connection_id);
        }
        let mut secrets = BTreeMap::new();
        for field in flow.fields() {
            match field.kind {
                FieldKind::Secret => {
                    let typed = self.raw(field);
                    if !typed.trim().is_empty() {
                        // Kept as typed, like the other values; checked on going on.
                        let value = rules::check(field, typed, today)
                            .value()
                            .map_or_else(|| Secret::new(typed), Secret::new);
                        secrets.insert(field.id.clone(), value);
                        connection.secrets.push(field.id.clone());
                    } else if self.stored.contains(&field.id) {
                        connection.secrets.push(field.id.clone());
                    }
                }
                FieldKind::Table => {
                    let rows: Rows = self
                        .tables
                        .get(&field.id)
                        .into_iter()
                        .flatten()
                        .filter(|r| r.values().any(|v| !v.trim().is_empty()))
                        .cloned()
                        .collect();
                    if !rows.is_empty() {
                        connection.tables.insert(field.id.clone(), rows);
                    }
                }
                _ => {
                    let typed = self.raw(field).trim();
                    if !typed.is_empty() {
                        connection.fields.insert(&field.id, typed);
                    }
                }
            }
        }
        connection.name = flow
            .name_field
            .as_ref()
            .and_then(|n| connection.fields.get(n))
            .map_or_else(|| flow.title.clone(), str::to_owned);
        connection.pending_step = Some(step);
        connection.pending_entry = Some(self.entry.min(step));
        connection.pending_confirmed = self
            .confirmed
            .iter()
            .filter(|k| {
                k.split_once('.')
                    .and_then(|(s, _)| s.parse::<usize>().ok())
                    .is_some_and(|s| s < flow.steps.len())
            })
            .cloned()
            .collect();
        (connection, secrets)
    }

    pub fn is_finished(&self, flow: &Flow) -> bool {
        self.step >= flow.steps.len()
    }

    /// The text of a non-table field as typed.
    pub fn raw(&self, field: &Field) -> &str {
        if field.is_secret() {
            self.secrets.get(&field.id).map_or("", Secret::expose)
        } else {
            self.values.get(&field.id).map_or("", String::as_str)
        }
    }

    pub fn verdict(&self, field: &Field, today: NaiveDate) -> Verdict {
        let v = rules::check(field, self.raw(field), today);
        if v == Verdict::Empty && field.is_secret() && self.stored.contains(&field.id) {
            // Saved in the keyring earlier; the buffer is empty after a restart.
            return Verdict::Valid {
                value: String::new(),
                note: Some("Сохранено в хранилище паролей.".to_owned()),
                warning: None,
            };
        }
        v
    }

    /// `field` with `required` as it stands now: `required_if` looks at another field's value.
    pub fn effective(&self, flow: &Flow, field: &Field) -> Field {
        let mut f = field.clone();
        if let Some(cond) = &field.required_if {
            let other = flow.field(&cond.field).map_or("", |o| self.raw(o));
            f.required = other.trim() == cond.equals;
        }
        f
    }

    /// The fields a step asks for: its own, then those it shows again from other steps.
    pub fn step_fields(flow: &Flow, step: usize) -> Vec<&Field> {
        let Some(s) = flow.steps.get(step) else {
            return Vec::new();
        };
        s.fields
            .iter()
            .chain(s.show.iter().filter_map(|id| flow.field(id)))
            .collect()
    }

    /// A table's problems, as one message for the field.
    fn table_problem(&self, field: &Field, today: NaiveDate) -> Option<String> {
        let rows = self
            .tables
            .get(&field.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let filled: Vec<_> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.values().any(|v| !v.trim().is_empty()))
            .collect();
        if filled.is_empty() && field.required {
            return Some(format!("Добавьте хотя бы одну строку в «{}».", field.label));
        }
        for (n, row) in filled {
            for col in &field.columns {
                let v = rules::check(col, row.get(&col.id).map_or("", String::as_str), today);
                if let Some(msg) = v.error(col) {
                    return Some(format!("Строка {}: {msg}", n + 1));
                }
            }
        }
        None
    }

    pub fn confirm_key(step: usize, index: usize) -> String {
        format!("{step}.{index}")
    }

    /// What stops the user from leaving step `step`.
    pub fn problems(&self, flow: &Flow, step: usize, today: NaiveDate) -> StepProblems {
        let mut out = StepProblems {
            fields: BTreeMap::new(),
            unconfirmed: Vec::new(),
        };
        let Some(s) = flow.steps.get(step) else {
            return out;
        };
        for field in Self::step_fields(flow, step) {
            let field = self.effective(flow, field);
            let msg = if field.kind == FieldKind::Table {
                self.table_problem(&field, today)
            } else {
                self.verdict(&field, today).error(&field)
            };
            if let Some(msg) = msg {
                out.fields.insert(field.id.clone(), msg);
            }
        }
        if step < self.entry {
            // Another role's step: what it asks them to tick is theirs to confirm.
            return out;
        }
        for i in 0..s.confirm.len() {
            if !self.confirmed.contains(&Self::confirm_key(step, i)) {
                out.unconfirmed.push(i);
            }
        }
        out
    }

    /// The first step (up to and including `upto`) that is not complete.
    pub fn first_incomplete(&self, flow: &Flow, upto: usize, today: NaiveDate) -> Option<usize> {
        (0..=upto.min(flow.steps.len().saturating_sub(1)))
            .find(|&i| !self.problems(flow, i, today).is_empty())
    }

    /// The text a field is typed into: a secret's in-memory buffer, or the plain value.
    pub fn buffer_mut(&mut self, field: &Field) -> &mut String {
        if field.is_secret() {
            self.secrets
                .entry(field.id.clone())
                .or_default()
                .buffer_mut()
        } else {
            self.values.entry(field.id.clone()).or_default()
        }
    }

    /// True when leaving would lose something the user typed or ticked. `start` is the run as
    /// it began (a ПВЗ from a list comes with its code and e-mail; a paused setup with what was
    /// entered and ticked before): only a change from it is lost. Ticks in a removal flow are
    /// not: nothing is removed yet.
    pub fn has_input(&self, flow: &Flow, start: &Self) -> bool {
        let filled = |rows: Option<&Rows>| -> Rows {
            rows.into_iter()
                .flatten()
                .filter(|r| r.values().any(|v| !v.trim().is_empty()))
                .cloned()
                .collect()
        };
        let typed = flow.fields().any(|f| match f.kind {
            FieldKind::Secret => {
                !self.raw(f).trim().is_empty()
                    || (self.stored.contains(&f.id) && !start.stored.contains(&f.id))
            }
            FieldKind::Table => filled(self.tables.get(&f.id)) != filled(start.tables.get(&f.id)),
            _ => {
                let before = start
                    .values
                    .get(&f.id)
                    .map(String::as_str)
                    .or(f.default.as_deref())
                    .unwrap_or("");
                self.raw(f).trim() != before.trim()
            }
        });
        typed || (flow.kind == crate::flow::FlowKind::Create && self.confirmed != start.confirmed)
    }

    /// The normalised value of a valid, non-secret field; for removal flows also the values
    /// saved with the target connection. Used to fill `{field}` in texts and links.
    pub fn lookup(
        &self,
        flow: &Flow,
        target: Option<&Connection>,
        id: &str,
        today: NaiveDate,
    ) -> Option<String> {
        if let Some(field) = flow.field(id) {
            if field.is_secret() {
                return None;
            }
            let value = self.verdict(field, today).value().map(str::to_owned)?;
            // Dates are stored as yyyy-mm-dd and read by people as dd.mm.yyyy.
            if field.kind == FieldKind::Date
                && let Some(d) = rules::parse_date(&value)
            {
                return Some(d.format("%d.%m.%Y").to_string());
            }
            return Some(value);
        }
        target.and_then(|c| {
            if id == "name" {
                Some(c.name.clone())
            } else {
                c.fields.get(id).map(str::to_owned)
            }
        })
    }

    /// Fills a text's placeholders; a placeholder without a value is shown as «…».
    pub fn fill_text(
        &self,
        flow: &Flow,
        target: Option<&Connection>,
        text: &str,
        today: NaiveDate,
    ) -> String {
        template::fill(text, |id| {
            Some(
                self.lookup(flow, target, id, today)
                    .unwrap_or_else(|| "…".to_owned()),
            )
        })
        .unwrap_or_default()
    }

    /// The normalised value of a typed secret field, if valid (not one only in the keyring).
    pub fn secret_value(&self, flow: &Flow, id: &str, today: NaiveDate) -> Option<Secret> {
        let field = flow.field(id).filter(|f| f.is_secret())?;
        rules::check(field, self.raw(field), today)
            .value()
            .map(Secret::new)
    }

    /// The connection to save and its secrets. Fails with the first problem, naming its step.
    pub fn to_connection(
        &self,
        flow: &Flow,
        today: NaiveDate,
    ) -> Result<(Connection, BTreeMap<String, Secret>), String> {
        if flow.kind != FlowKind::Create {
            return Err("этот мастер ничего не сохраняет".to_owned());
        }
        if let Some(step) = self.first_incomplete(flow, flow.steps.len(), today) {
            return Err(format!("Шаг {} не завершён.", step + 1));
        }
        let mut fields = BTreeMap::new();
        let mut secrets = BTreeMap::new();
        let mut tables = BTreeMap::new();
        let mut secret_ids = Vec::new();
        for field in flow.fields() {
            match field.kind {
                FieldKind::Secret => {
                    if let Some(v) = self.secret_value(flow, &field.id, today) {
                        secrets.insert(field.id.clone(), v);
                        secret_ids.push(field.id.clone());
                    } else if self.stored.contains(&field.id) {
                        secret_ids.push(field.id.clone());
                    }
                }
                FieldKind::Table => {
                    let rows: Rows = self
                        .tables
                        .get(&field.id)
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|r| r.values().any(|v| !v.trim().is_empty()))
                        .map(|r| {
                            r.into_iter()
                                .map(|(k, v)| {
                                    let col = field.columns.iter().find(|c| c.id == k);
                                    let norm = col.and_then(|c| {
                                        rules::check(c, &v, today).value().map(str::to_owned)
                                    });
                                    (k, norm.unwrap_or(v))
                                })
                                .collect()
                        })
                        .collect();
                    tables.insert(field.id.clone(), rows);
                }
                _ => {
                    if let Some(v) = self.verdict(field, today).value() {
                        fields.insert(field.id.clone(), v.to_owned());
                    }
                }
            }
        }
        let name = flow
            .name_field
            .as_ref()
            .and_then(|n| fields.get(n))
            .cloned()
            .unwrap_or_else(|| flow.title.clone());
        let expires = flow
            .expiry_field
            .as_ref()
            .and_then(|f| fields.get(f))
            .and_then(|d| rules::parse_date(d));
        let id = if self.connection_id.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            self.connection_id.clone()
        };
        let connection = Connection {
            id,
            fields: fields.into(),
            tables,
            secrets: secret_ids,
            expires,
            ..Connection::new(&flow.id, &flow.system, name)
        };
        Ok((connection, secrets))
    }
}
