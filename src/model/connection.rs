//! One set-up integration, as saved: what the list shows and the store writes.

use std::collections::BTreeMap;
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
    /// Set up only in part (a ПВЗ from a batch import awaiting its token): the wizard resumes
    /// at this step (0-based), and saving it replaces this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_step: Option<usize>,
}

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
            pending_step: None,
        }
    }
}
