//! `klyuchnik doctor`: secrets no connection owns.

use std::collections::BTreeSet;

use super::storage::Storage;
use crate::store::SecretError;

/// A secret no connection owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub connection: String,
    pub field: String,
    /// The connection with that id, when it exists but does not keep this field.
    pub owner: Option<String>,
}

/// What the secret store holds against the list.
#[derive(Debug)]
pub struct Examination {
    pub entries: usize,
    pub connections: usize,
    pub orphans: Vec<Orphan>,
}

/// Finds secrets of Ключник that no connection owns. `in_progress` is the connection id of an
/// unfinished wizard: the secrets it saved early are still in use, not orphans.
pub fn examine(
    storage: &dyn Storage,
    in_progress: Option<&str>,
) -> Result<Examination, SecretError> {
    let entries = storage.secret_entries()?;
    let list = storage.list();
    let owned: BTreeSet<(&str, &str)> = list
        .iter()
        .flat_map(|c| c.secrets.iter().map(|f| (c.id.as_str(), f.as_str())))
        .collect();
    let orphans = entries
        .iter()
        .filter(|(c, f)| !owned.contains(&(c.as_str(), f.as_str())) && in_progress != Some(c))
        // The team store's login is Ключник's own entry, not a connection's.
        .filter(|(c, _)| !c.starts_with(super::team::TOKEN_ID))
        .map(|(c, f)| Orphan {
            connection: c.clone(),
            field: f.clone(),
            owner: list.iter().find(|x| &x.id == c).map(|x| x.name.clone()),
        })
        .collect();
    Ok(Examination {
        entries: entries.len(),
        connections: list.len(),
        orphans,
    })
}

/// Deletes the orphans; returns the ones that could not be deleted, with the reason.
pub fn remove_orphans(storage: &dyn Storage, orphans: &[Orphan]) -> Vec<(Orphan, SecretError)> {
    orphans
        .iter()
        .filter_map(|o| {
            storage
                .delete_secret(&o.connection, &o.field)
                .err()
                .map(|e| (o.clone(), e))
        })
        .collect()
}
