//! «Изменить»: corrections to a saved connection — its non-secret values by the same rules and
//! messages as the wizard, a secret replaced — written through the store's locked change.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};

use super::save::{put_secrets, same_name};
use super::storage::{Storage, edit};
use crate::flow::rules::{self, Verdict};
use crate::flow::{Catalog, FieldKind};
use crate::model::{Connection, Secret};
use crate::store::{SecretError, StoreError};

/// Why a change was not made. Nothing is written when any value is refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// A value the field's rules refuse: shown beside that field.
    #[error("{label}: {message}")]
    Field {
        field: String,
        label: String,
        message: String,
    },
    #[error("у подключения нет поля «{0}»")]
    UnknownField(String),
    #[error("«{0}» — секрет: его меняют отдельно (klyuchnik secret), не вместе с другими полями")]
    SecretField(String),
    #[error("таблицу «{0}» меняют в окне программы")]
    TableField(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Refuses to go on when the connection is no longer as `seen` when «Изменить» was opened —
/// a colleague or another window changed it meanwhile — with who and when, where the store
/// knows. Check results do not count: scheduled checks record them last-write-wins.
pub fn unchanged_since(storage: &dyn Storage, seen: &Connection) -> Result<(), StoreError> {
    storage.refresh();
    let now = storage.get(&seen.id).ok_or(StoreError::NotFound)?;
    let plain = |c: &Connection| {
        let mut c = c.clone();
        c.last_check = None;
        c.earlier_checks.clear();
        c
    };
    if plain(&now) == plain(seen) {
        return Ok(());
    }
    let who = storage
        .changed_by(&seen.id)
        .unwrap_or_else(|| "в другом окне Ключника или командой klyuchnik".to_owned());
    Err(StoreError::Conflict(format!(
        "«{}» изменено {who} после того, как вы открыли «Изменить». На экране — то, что \
         сохранено сейчас; ваши исправления остались в полях: сохраните их снова, если они ещё \
         нужны.",
        now.name
    )))
}

/// Sets non-secret values (field id → what was typed) of the connection `id`, each checked
/// and normalised by its flow's rules; the flow's name field renames the connection. Returns
/// the warnings of values accepted with a doubt (a guessed format), as the wizard shows them.
pub fn set_values(
    storage: &dyn Storage,
    catalog: &Catalog,
    id: &str,
    changes: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<Vec<String>, EditError> {
    let (_, flow) = saved(storage, catalog, id)?;
    let (values, warnings) = check_values(flow, changes, today)?;
    let name_field = flow.name_field.clone();
    let expiry_field = flow.expiry_field.clone();
    edit(storage, |list| {
        let new_name = name_field
            .as_ref()
            .and_then(|n| values.get(n))
            .cloned()
            .flatten();
        if let Some(name) = &new_name
            && let Some(taken) = list.iter().find(|c| c.id != id && same_name(&c.name, name))
        {
            return Err(StoreError::DuplicateName(taken.name.clone()));
        }
        let c = list
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound)?;
        for (field, value) in &values {
            match value {
                Some(v) => c.fields.insert(field, v),
                None => c.fields.remove(field),
            }
            if expiry_field.as_ref() == Some(field) {
                c.expires = value.as_deref().and_then(rules::parse_date);
            }
        }
        if let Some(name) = new_name {
            c.name = name;
        }
        c.changed = Some(Utc::now());
        Ok(())
    })?;
    Ok(warnings)
}

/// Replaces the rows of table `table` (Ivideon's cameras and their directions) of the
/// connection `id`, every cell checked and normalised by its column's rules, as the wizard does.
pub fn set_rows(
    storage: &dyn Storage,
    catalog: &Catalog,
    id: &str,
    table: &str,
    rows: &[BTreeMap<String, String>],
    today: NaiveDate,
) -> Result<(), EditError> {
    let (_, flow) = saved(storage, catalog, id)?;
    let field = flow
        .field(table)
        .filter(|f| f.kind == FieldKind::Table)
        .ok_or_else(|| EditError::UnknownField(table.to_owned()))?;
    let mut clean = Vec::with_capacity(rows.len());
    for (n, row) in rows.iter().enumerate() {
        let mut out = BTreeMap::new();
        for col in &field.columns {
            let raw = row.get(&col.id).map_or("", String::as_str);
            match rules::check(col, raw, today) {
                Verdict::Valid { value, .. } => {
                    out.insert(col.id.clone(), value);
                }
                Verdict::Empty if !col.required => {}
                other => {
                    return Err(EditError::Field {
                        field: table.to_owned(),
                        label: field.label.clone(),
                        message: format!(
                            "Строка {}: {}",
                            n + 1,
                            other.error(col).unwrap_or_default()
                        ),
                    });
                }
            }
        }
        clean.push(out);
    }
    edit(storage, |list| {
        let c = list
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound)?;
        c.tables.insert(table.to_owned(), clean);
        c.changed = Some(Utc::now());
        Ok(())
    })?;
    Ok(())
}

/// Replaces secrets of the connection `id` (field id → new value), each checked by its
/// field's rules. The connection must still exist; its «changed» time is set.
pub fn replace_secrets(
    storage: &dyn Storage,
    catalog: &Catalog,
    id: &str,
    values: &BTreeMap<String, Secret>,
    today: NaiveDate,
) -> Result<Vec<String>, EditError> {
    let (_, flow) = saved(storage, catalog, id)?;
    let mut checked = BTreeMap::new();
    let mut warnings = Vec::new();
    for (field_id, value) in values {
        let field = flow
            .field(field_id)
            .filter(|f| f.is_secret())
            .ok_or_else(|| EditError::UnknownField(field_id.clone()))?;
        // The message never repeats the value: the rules speak of its form only.
        match rules::check(field, value.expose(), today) {
            Verdict::Valid { value, warning, .. } => {
                if let Some(w) = warning {
                    warnings.push(format!("{}: {w}", field.label));
                }
                checked.insert(field_id.clone(), Secret::new(value));
            }
            Verdict::Empty => {
                return Err(EditError::Field {
                    field: field_id.clone(),
                    label: field.label.clone(),
                    message: "Введите значение.".to_owned(),
                });
            }
            Verdict::Invalid(message) => {
                return Err(EditError::Field {
                    field: field_id.clone(),
                    label: field.label.clone(),
                    message,
                });
            }
        }
    }
    put_secrets(storage, id, &checked)?;
    edit(storage, |list| {
        let c = list
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound)?;
        for field in checked.keys() {
            if !c.secrets.contains(field) {
                c.secrets.push(field.clone());
            }
        }
        c.changed = Some(Utc::now());
        Ok(())
    })?;
    Ok(warnings)
}

/// Each change checked by its field's rules: the values to store (`None`: cleared) and the
/// warnings of values accepted with a doubt.
#[allow(clippy::type_complexity)] // a pair of plain maps, named where used
fn check_values(
    flow: &crate::flow::Flow,
    changes: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<(BTreeMap<String, Option<String>>, Vec<String>), EditError> {
    let mut values: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (field_id, raw) in changes {
        let field = flow
            .field(field_id)
            .ok_or_else(|| EditError::UnknownField(field_id.clone()))?;
        match field.kind {
            FieldKind::Secret => return Err(EditError::SecretField(field_id.clone())),
            FieldKind::Table => return Err(EditError::TableField(field_id.clone())),
            _ => {}
        }
        let refused = |message: String| EditError::Field {
            field: field_id.clone(),
            label: field.label.clone(),
            message,
        };
        match rules::check(field, raw, today) {
            Verdict::Invalid(message) => return Err(refused(message)),
            Verdict::Empty if field.required || flow.name_field.as_ref() == Some(field_id) => {
                return Err(refused("Заполните это поле.".to_owned()));
            }
            Verdict::Empty => {
                values.insert(field_id.clone(), None);
            }
            Verdict::Valid { value, warning, .. } => {
                if let Some(w) = warning {
                    warnings.push(format!("{}: {w}", field.label));
                }
                values.insert(field_id.clone(), Some(value));
            }
        }
    }
    Ok((values, warnings))
}

/// «Обновить ключ» without the wizard (`klyuchnik renew`): new secrets and values (the new
/// expiry) at once, each checked by its field's rules; saved as the wizard's renewal is — the
/// old checks become history, the old secrets are put back if anything fails.
pub fn renew_key(
    storage: &dyn Storage,
    catalog: &Catalog,
    id: &str,
    secrets: &BTreeMap<String, Secret>,
    changes: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<Vec<String>, EditError> {
    let (mut renewed, flow) = saved(storage, catalog, id)?;
    let (values, mut warnings) = check_values(flow, changes, today)?;
    for (field_id, value) in secrets {
        let field = flow
            .field(field_id)
            .filter(|f| f.is_secret())
            .ok_or_else(|| EditError::UnknownField(field_id.clone()))?;
        let refused = |message: String| EditError::Field {
            field: field_id.clone(),
            label: field.label.clone(),
            message,
        };
        match rules::check(field, value.expose(), today) {
            Verdict::Valid { warning, .. } => {
                warnings.extend(warning.map(|w| format!("{}: {w}", field.label)));
            }
            Verdict::Empty => return Err(refused("Введите значение.".to_owned())),
            Verdict::Invalid(message) => return Err(refused(message)),
        }
    }
    // The expiry is part of the key: a key with one gets a new date, or keeps none.
    if let Some(expiry) = &flow.expiry_field
        && !values.contains_key(expiry)
    {
        let field = flow
            .field(expiry)
            .map_or(expiry.as_str(), |f| f.label.as_str());
        return Err(EditError::Field {
            field: expiry.clone(),
            label: field.to_owned(),
            message: "Укажите новый срок действия.".to_owned(),
        });
    }
    for (field, value) in &values {
        match value {
            Some(v) => renewed.fields.insert(field, v),
            None => renewed.fields.remove(field),
        }
        if flow.expiry_field.as_ref() == Some(field) {
            renewed.expires = value.as_deref().and_then(rules::parse_date);
        }
        if flow.name_field.as_ref() == Some(field)
            && let Some(name) = value
        {
            renewed.name.clone_from(name);
        }
    }
    let normalised: BTreeMap<String, Secret> = secrets
        .iter()
        .filter_map(|(k, v)| {
            let field = flow.field(k)?;
            let value = rules::check(field, v.expose(), today).value()?.to_owned();
            Some((k.clone(), Secret::new(value)))
        })
        .collect();
    for field in normalised.keys() {
        if !renewed.secrets.contains(field) {
            renewed.secrets.push(field.clone());
        }
    }
    renewed.last_check = None;
    super::save::renew(storage, renewed, &normalised).map_err(|e| match e {
        super::SaveError::Secret(e) => EditError::Secret(e),
        super::SaveError::Store(e) => EditError::Store(e),
    })?;
    Ok(warnings)
}

/// The saved connection `id` and its flow; `NotFound` when it was removed meanwhile.
fn saved<'a>(
    storage: &dyn Storage,
    catalog: &'a Catalog,
    id: &str,
) -> Result<(Connection, &'a crate::flow::Flow), StoreError> {
    let c = storage
        .list()
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or(StoreError::NotFound)?;
    let flow = catalog.get(&c.flow).ok_or(StoreError::NotFound)?;
    Ok((c, flow))
}
