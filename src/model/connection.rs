//! One set-up integration, as saved: what the list shows and the store writes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{CheckRecord, Fields};

/// One set-up integration. Secret values live in the keyring under (`id`, field id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub name: String,
    /// The flow that made it (`elma365`, …). This and the system are the same few words in
    /// every connection: one shared copy each.
    #[serde(deserialize_with = "super::fields::deserialize_shared")]
    pub flow: Arc<str>,
    #[serde(deserialize_with = "super::fields::deserialize_shared")]
    pub system: Arc<str>,
    pub created: DateTime<Utc>,
    /// Non-secret field values, normalised.
    #[serde(default)]
    pub fields: Fields,
    /// Table field values: rows of column id → value.
    #[serde(default)]
    pub tables: BTreeMap<String, Vec<BTreeMap<String, String>>>,
    /// Ids of the secret fields kept in the keyring.
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    #[serde(default)]
    pub last_check: Option<CheckRecord>,
    /// When it was last corrected («Изменить», a replaced secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<DateTime<Utc>>,
    /// The checks before `last_check`, oldest first; with it, the last [`CHECK_HISTORY`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_checks: Vec<CheckRecord>,
    /// Set up only in part — «Сохранить и продолжить позже», a ПВЗ handed over to its
    /// employee or from a list: the wizard resumes at this step (0-based), and finishing it
    /// replaces this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_step: Option<usize>,
    /// The step the paused run started at (0-based; earlier steps are another role's). Absent:
    /// the same as `pending_step`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_entry: Option<usize>,
    /// Confirmations ticked before the pause, as the wizard keys them (`"<step>.<index>"`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub pending_confirmed: BTreeSet<String>,
}

/// How many checks a connection keeps (the card lists them with their dates).
pub const CHECK_HISTORY: usize = 20;

impl Connection {
    /// A connection made by `flow` (for `system`) named `name`, with a fresh id, created now,
    /// and nothing else yet.
    pub fn new(flow: &str, system: &str, name: impl Into<String>) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.into(),
            flow: super::shared(flow),
            system: super::shared(system),
            created: Utc::now(),
            fields: Fields::default(),
            tables: BTreeMap::new(),
            secrets: Vec::new(),
            expires: None,
            last_check: None,
            changed: None,
            earlier_checks: Vec::new(),
            pending_step: None,
            pending_entry: None,
            pending_confirmed: BTreeSet::new(),
        }
    }

    /// Keeps a new check result; the one it replaces joins the history, the oldest beyond
    /// [`CHECK_HISTORY`] goes.
    pub fn record_check(&mut self, record: CheckRecord) {
        self.archive_last_check();
        self.last_check = Some(record);
    }

    /// Moves the last check into the history (a renewed key has none of its own yet), the
    /// oldest beyond [`CHECK_HISTORY`] going.
    pub fn archive_last_check(&mut self) {
        if let Some(previous) = self.last_check.take() {
            self.earlier_checks.push(previous);
        }
        let extra = (self.earlier_checks.len() + 1).saturating_sub(CHECK_HISTORY);
        self.earlier_checks.drain(..extra);
    }

    /// Every kept check, the newest first.
    pub fn checks(&self) -> impl Iterator<Item = &CheckRecord> {
        self.last_check
            .iter()
            .chain(self.earlier_checks.iter().rev())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OutcomeKind;

    #[test]
    fn the_check_history_keeps_the_last_twenty_newest_first() {
        let mut c = Connection::new("elma365", "ELMA365", "x");
        let start = Utc::now();
        for i in 0..25 {
            c.record_check(CheckRecord {
                at: start + chrono::Duration::minutes(i),
                kind: OutcomeKind::Ok,
                detail: Some(i.to_string()),
            });
        }
        let kept: Vec<&str> = c.checks().filter_map(|r| r.detail.as_deref()).collect();
        assert_eq!(kept.len(), CHECK_HISTORY);
        assert_eq!(kept.first(), Some(&"24"));
        assert_eq!(kept.last(), Some(&"5"));
    }
}
