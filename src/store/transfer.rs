//! Export and import of saved connections: a versioned JSON file with metadata only — never a
//! secret. Import checks every record by the flow's own rules, takes the good ones, reports
//! each bad one with its reason, and never overwrites an existing connection.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Connection, Store, StoreError};
use crate::flow::value::{self, Verdict};
use crate::flow::{Catalog, FieldKind, FlowKind};

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

/// Imports `text` into `store`.
pub fn import(store: &Store, catalog: &Catalog, text: &str) -> Result<ImportReport, ImportError> {
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
    let mut report = ImportReport::default();
    store.modify(|list| {
        for (i, record) in records.iter().enumerate() {
            let name = record
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            match accept(catalog, list, record) {
                Ok(c) => {
                    report.added.push(c.name.clone());
                    list.push(c);
                }
                Err(reason) => report.rejected.push((i + 1, name, reason)),
            }
        }
        Ok(())
    })?;
    Ok(report)
}

/// One record, checked; `existing` are the connections already there (and those added so far).
fn accept(
    catalog: &Catalog,
    existing: &[Connection],
    record: &serde_json::Value,
) -> Result<Connection, String> {
    let c: Connection = serde_json::from_value(record.clone())
        .map_err(|e| format!("запись не разбирается ({e})"))?;
    let flow = catalog
        .get(&c.flow)
        .filter(|f| f.kind == FlowKind::Create)
        .ok_or_else(|| format!("неизвестная система «{}»", c.flow))?;
    if uuid::Uuid::try_parse(&c.id).is_err() {
        return Err("неверный идентификатор записи".to_owned());
    }
    let name_rule = flow.name_field.as_deref().and_then(|n| flow.field(n));
    match name_rule.map(|f| value::check(f, &c.name, Utc::now().date_naive())) {
        Some(Verdict::Valid { value, .. }) if value == c.name => {}
        _ if c.name.trim().is_empty() => return Err("пустое название".to_owned()),
        Some(Verdict::Invalid(m)) => return Err(format!("название: {m}")),
        _ => {}
    }
    if let Some(other) = existing
        .iter()
        .find(|e| e.id == c.id || e.name.trim().to_lowercase() == c.name.trim().to_lowercase())
    {
        return Err(format!(
            "подключение «{}» уже есть — не перезаписано",
            other.name
        ));
    }
    for (id, v) in &c.fields {
        let field = flow
            .field(id)
            .ok_or_else(|| format!("поле «{id}» не из мастера «{}»", flow.title))?;
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
        if let Verdict::Invalid(m) = value::check(&rule, v, Utc::now().date_naive()) {
            return Err(format!("«{}»: {m}", field.label));
        }
    }
    for (id, rows) in &c.tables {
        let field = flow
            .field(id)
            .filter(|f| f.kind == FieldKind::Table)
            .ok_or_else(|| format!("таблица «{id}» не из мастера"))?;
        for (n, row) in rows.iter().enumerate() {
            for (col_id, v) in row {
                let col = field
                    .columns
                    .iter()
                    .find(|c| &c.id == col_id)
                    .ok_or_else(|| {
                        format!(
                            "«{}», строка {}: нет столбца «{col_id}»",
                            field.label,
                            n + 1
                        )
                    })?;
                if let Verdict::Invalid(m) = value::check(col, v, Utc::now().date_naive()) {
                    return Err(format!("«{}», строка {}: {m}", field.label, n + 1));
                }
            }
        }
    }
    if let Some(s) = c
        .secrets
        .iter()
        .find(|s| flow.field(s).is_none_or(|f| !f.is_secret()))
    {
        return Err(format!("«{s}» не секретное поле этого мастера"));
    }
    Ok(c)
}
