//! «Проверить»: run the online checks of saved connections and record what they found.

use std::sync::Arc;

use chrono::Utc;

use super::save::record_checks;
use super::storage::Storage;
use crate::flow::Catalog;
use crate::integrations::{self, ClientOptions};
use crate::model::{Connection, Outcome};
use crate::store::StoreError;

/// How many checks run at once.
pub const CONCURRENCY: usize = 32;

/// A saved connection and the check its flow names.
pub type CheckJob = (Connection, String);

/// The connections among `chosen` that have an online check, with its name.
pub fn checkable(catalog: &Catalog, chosen: impl IntoIterator<Item = Connection>) -> Vec<CheckJob> {
    chosen
        .into_iter()
        .filter_map(|c| {
            let name = catalog.get(&c.flow)?.check.clone()?;
            Some((c, name))
        })
        .collect()
}

/// What a round of checks found, and whether it could be recorded.
#[derive(Debug)]
pub struct CheckReport {
    /// (connection id, outcome), in the order the checks finished.
    pub outcomes: Vec<(String, Outcome)>,
    /// The results could not be saved with the connections (they were still found).
    pub record_error: Option<StoreError>,
}

/// Runs the checks, at most [`CONCURRENCY`] at once — secrets read through `storage`, off the
/// async threads — then records every outcome in one change of the list.
pub async fn check_and_record(
    storage: Arc<dyn Storage>,
    options: Arc<ClientOptions>,
    jobs: Vec<CheckJob>,
) -> CheckReport {
    let limit = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut set = tokio::task::JoinSet::new();
    for (connection, name) in jobs {
        let (limit, options, storage) = (
            Arc::clone(&limit),
            Arc::clone(&options),
            Arc::clone(&storage),
        );
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let read =
                move |id: &str, field: &str| storage.secret(id, field).map_err(|e| e.to_string());
            let outcome = integrations::check_saved(&name, &options, &connection, read).await;
            (connection.id, outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Ok(r) = done {
            outcomes.push(r);
        }
    }
    let now = Utc::now();
    let records = outcomes
        .iter()
        .map(|(id, o)| (id.clone(), o.record(now)))
        .collect::<Vec<_>>();
    let record_error = tokio::task::spawn_blocking(move || record_checks(&*storage, &records))
        .await
        .unwrap_or_else(|e| {
            Err(StoreError::Write {
                path: std::path::PathBuf::new(),
                source: std::io::Error::other(e.to_string()),
            })
        })
        .err();
    CheckReport {
        outcomes,
        record_error,
    }
}
