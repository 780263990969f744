//! Export and import of saved connections: a versioned JSON file with metadata only — never a
//! secret. Import checks every record by the flow's own rules, takes the good ones, reports
//! each bad one with its reason, and never overwrites an existing connection.

use chrono::{DateTime, Utc};
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::storage::{Storage, edit};
use crate::flow::rules::{self, Verdict};
use crate::flow::{Catalog, FieldKind, FlowKind};
use crate::model::Connection;
use crate::model::names::Taken;
use crate::store::StoreError;

/// What the file says it is, so a wrong file is named as such.
pub const FORMAT: &str = "klyuchnik-connections";
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u32,
    exported: DateTime<Utc>,
    connections: Vec<Connection>,
}

/// The export file's text.
pub fn export_json(connections: &[Connection]) -> String {
    let file = ExportFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        exported: Utc::now(),
        connections: connections.to_vec(),
    };
    // Serialising plain data cannot fail; an empty string would be refused on import anyway.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Names of the connections added.
    pub added: Vec<String>,
    /// (record number from 1, name if known, reason).
    pub rejected: Vec<(usize, String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("Это не файл выгрузки Ключника: {0}")]
    NotAnExport(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The largest file imported: 50,000 connections take about 25 MB; a bigger file is not an
/// export of this program, and reading it whole would only cost memory.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Writes every connection (no secret) to `path`, replacing it; returns how many. The caller
/// has asked before replacing a file (the system's save dialog, or `--force`).
pub fn export_to(storage: &dyn Storage, path: &std::path::Path) -> std::io::Result<usize> {
    let list = storage.list();
    crate::store::write_user_file(path, export_json(&list).as_bytes())?;
    Ok(list.len())
}

/// The hand-over file's extension: opened with Ключник by a double-click once installed (its
/// content is an ordinary export, which «Загрузить…» reads too).
pub const HANDOVER_EXTENSION: &str = "klyuchnik";

/// Writes one connection (no secret) to `path`: the hand-over file a colleague opens in their
/// own Ключник to go on with it. `NotFound` when it is gone.
pub fn export_one(storage: &dyn Storage, id: &str, path: &std::path::Path) -> std::io::Result<()> {
    let one: Vec<Connection> = storage
        .list()
        .iter()
        .filter(|c| c.id == id)
        .cloned()
        .collect();
    if one.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "подключения больше нет",
        ));
    }
    crate::store::write_user_file(path, export_json(&one).as_bytes())
}

/// A file name made of `name` that every system accepts: the characters Windows refuses in
/// names become «_».
pub fn file_name(name: &str, extension: &str) -> String {
    let safe: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || r#"<>:"/\|?*"#.contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(100)
        .collect();
    format!("{}.{extension}", safe.trim_end_matches(['.', ' ']))
}

/// Imports `text`. Every record is checked and normalised before the store is locked, so the
/// window is not held up; under the lock only names and ids are compared.
pub fn import(
    storage: &dyn Storage,
    catalog: &Catalog,
    text: &str,
) -> Result<ImportReport, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::NotAnExport(format!(
            "файл больше {} МБ — выгрузки Ключника такими не бывают",
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    // Notepad and Excel save UTF-8 with a byte-order mark.
    let text = text.trim_start_matches('\u{FEFF}');
    let root: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ImportError::NotAnExport(format!("файл не разбирается как JSON ({e})")))?;
    if root.get("format").and_then(|v| v.as_str()) != Some(FORMAT) {
        return Err(ImportError::NotAnExport(format!(
            "нет поля \"format\": \"{FORMAT}\""
        )));
    }
    match root.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(ImportError::NotAnExport(format!(
                "версия {v}, эта программа читает версию {VERSION}"
            )));
        }
        None => return Err(ImportError::NotAnExport("нет номера версии".to_owned())),
    }
    let Some(records) = root.get("connections").and_then(|v| v.as_array()) else {
        return Err(ImportError::NotAnExport(
            "нет списка \"connections\"".to_owned(),
        ));
    };
    let today = Utc::now().date_naive();
    let checked: Vec<(usize, String, Result<Connection, String>)> = records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let name = record
                .get("name")
                .and_then(|v| v.as_str())
                .map(printable)
                .unwrap_or_default();
            (i + 1, name, accept(catalog, record, today))
        })
        .collect();
    let mut report = ImportReport::default();
    edit(storage, |list| {
        let mut ids: HashSet<String> = list.iter().map(|c| c.id.clone()).collect();
        // Names as read: a look-alike of a taken name is taken (model::names).
        let mut names: Taken = list.iter().map(|c| c.name.as_str()).collect();
        for (n, name, result) in checked {
            let c = match result {
                Ok(c) => c,
                Err(reason) => {
                    report.rejected.push((n, name, reason));
                    continue;
                }
            };
            let key = crate::model::names::NameKey::of(&c.name);
            if let Some(other) = names.get_key(&key) {
                let reason = if other.trim().to_lowercase() == c.name.trim().to_lowercase() {
                    format!("подключение «{other}» уже есть — не перезаписано")
                } else {
                    format!(
                        "уже есть подключение «{}», название которого выглядит так же — \
                         не перезаписано",
                        printable(other)
                    )
                };
                report.rejected.push((n, name, reason));
                continue;
            }
            if !ids.insert(c.id.clone()) {
                let reason = "запись с таким идентификатором уже есть — не перезаписана".to_owned();
                report.rejected.push((n, name, reason));
                continue;
            }
            names.insert_key(key, &c.name);
            report.added.push(c.name.clone());
            list.push(c);
        }
        Ok(())
    })?;
    Ok(report)
}

/// A name fit for a message: characters that do not show (a terminal's escape sequences among
/// them) shown as «�».
pub fn printable(s: &str) -> String {
    crate::model::invisible::mark_hidden(s)
}

/// One record, checked exactly as the wizard checks what is typed, and rebuilt from the
/// normalised values: what the file says about checks, progress or the system is not taken.
fn accept(
    catalog: &Catalog,
    record: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<Connection, String> {
    let c = Connection::deserialize(record).map_err(|e| format!("запись не разбирается ({e})"))?;
    let flow = catalog
        .get(&c.flow)
        .filter(|f| f.kind == FlowKind::Create)
        .ok_or_else(|| format!("неизвестная система «{}»", printable(&c.flow)))?;
    let id = uuid::Uuid::try_parse(&c.id)
        .map_err(|_| "неверный идентификатор записи".to_owned())?
        .hyphenated()
        .to_string();
    let name = match flow.name_field.as_deref().and_then(|n| flow.field(n)) {
        Some(rule) => match rules::check(rule, &c.name, today) {
            Verdict::Valid { value, .. } => value,
            Verdict::Empty => return Err("пустое название".to_owned()),
            Verdict::Invalid(m) => return Err(format!("название: {m}")),
        },
        None => return Err(format!("у мастера «{}» нет поля названия", flow.title)),
    };
    let mut fields = std::collections::BTreeMap::new();
    for (field_id, v) in c.fields.iter() {
        let field = flow.field(field_id).ok_or_else(|| {
            format!(
                "поле «{}» не из мастера «{}»",
                printable(field_id),
                flow.title
            )
        })?;
        if field.is_secret() {
            return Err(format!(
                "в файле секрет «{}» — секреты не переносятся",
                field.label
            ));
        }
        // Dates are taken as they were saved: an expired token is still a connection.
        let rule = crate::flow::Field {
            future: false,
            ..field.clone()
        };
        if let Some(value) = rules::check(&rule, v, today)
            .normalised()
            .map_err(|m| format!("«{}»: {m}", field.label))?
        {
            fields.insert(field_id.to_owned(), value);
        }
    }
    let mut tables = std::collections::BTreeMap::new();
    for (table_id, rows) in &c.tables {
        let field = flow
            .field(table_id)
            .filter(|f| f.kind == FieldKind::Table)
            .ok_or_else(|| format!("таблица «{}» не из мастера", printable(table_id)))?;
        let mut clean = Vec::with_capacity(rows.len());
        for (n, row) in rows.iter().enumerate() {
            let mut out = std::collections::BTreeMap::new();
            for (col_id, v) in row {
                let col = field
                    .columns
                    .iter()
                    .find(|c| &c.id == col_id)
                    .ok_or_else(|| {
                        format!(
                            "«{}», строка {}: нет столбца «{}»",
                            field.label,
                            n + 1,
                            printable(col_id)
                        )
                    })?;
                let rule = crate::flow::Field {
                    required: false,
                    ..col.clone()
                };
                if let Some(value) = rules::check(&rule, v, today)
                    .normalised()
                    .map_err(|m| format!("«{}», строка {}: {m}", field.label, n + 1))?
                {
                    out.insert(col_id.clone(), value);
                }
            }
            clean.push(out);
        }
        tables.insert(table_id.clone(), clean);
    }
    let mut secrets = Vec::new();
    for s in &c.secrets {
        if flow.field(s).is_none_or(|f| !f.is_secret()) {
            return Err(format!(
                "«{}» не секретное поле этого мастера",
                printable(s)
            ));
        }
        if !secrets.contains(s) {
            secrets.push(s.clone());
        }
    }
    // The expiry is the expiry field's date, as when the wizard saves.
    let expires = flow
        .expiry_field
        .as_deref()
        .and_then(|f| fields.get(f))
        .and_then(|v| rules::parse_date(v));
    // Checks and dates of change are not taken from the file: only what was set up, and how
    // far a setup paused part-way got (a hand-over file: the employee goes on from there).
    let mut taken = Connection {
        id,
        created: c.created.min(Utc::now()),
        fields: fields.into_iter().collect(),
        tables,
        secrets,
        expires,
        ..Connection::new(&flow.id, &flow.system, name)
    };
    if let Some(step) = c.pending_step {
        if step >= flow.steps.len() {
            return Err(format!(
                "настройка остановлена на шаге {}, а в мастере «{}» шагов {}",
                step + 1,
                flow.title,
                flow.steps.len()
            ));
        }
        taken.pending_step = Some(step);
        taken.pending_entry = c.pending_entry.map(|e| e.min(step));
        taken.pending_confirmed = c
            .pending_confirmed
            .into_iter()
            .filter(|key| {
                key.split_once('.')
                    .and_then(|(s, i)| Some((s.parse::<usize>().ok()?, i.parse::<usize>().ok()?)))
                    .is_some_and(|(s, i)| flow.steps.get(s).is_some_and(|st| i < st.confirm.len()))
            })
            .collect();
        // Secrets of a paused setup were on the other computer: none is in this keyring.
        taken.secrets.clear();
    }
    Ok(taken)
}

/// The connection a hand-over file brings: its id, when the file holds exactly one
/// connection paused part-way (what «Передать сотруднику ПВЗ» writes).
pub fn handed_over(text: &str) -> Option<String> {
    let file: ExportFile = serde_json::from_str(text.trim_start_matches('\u{FEFF}')).ok()?;
    match file.connections.as_slice() {
        [one] if one.pending_step.is_some() => Some(one.id.clone()),
        _ => None,
    }
}
