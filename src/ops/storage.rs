//! The seam between the operations and where connections live.

use std::sync::Arc;

use crate::model::{Connection, List, Secret};
use crate::store::{SecretError, Secrets, Store, StoreError};

/// Where connections and their secrets are kept. The operations see only this, so a second
/// place (a team's shared server) is a second implementation and no caller changes.
pub trait Storage: Send + Sync {
    /// The list as it is now: a shared snapshot, cheap to take.
    fn list(&self) -> Arc<List>;

    /// Applies `change` to the current list and keeps the result, all or nothing: the list is
    /// re-read under the store's lock (another process may have written it), changed, written.
    /// `change` runs once.
    fn modify(
        &self,
        change: &mut dyn FnMut(&mut Vec<Connection>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    fn secret(&self, id: &str, field: &str) -> Result<Secret, SecretError>;

    fn set_secret(&self, id: &str, field: &str, value: &Secret) -> Result<(), SecretError>;

    /// Deletes a secret; one that is already gone counts as deleted.
    fn delete_secret(&self, id: &str, field: &str) -> Result<(), SecretError>;

    /// Every (connection id, field) the secret store holds for Ключник.
    fn secret_entries(&self) -> Result<Vec<(String, String)>, SecretError>;
}

/// This computer: the connections file and the OS keyring.
#[derive(Debug, Clone)]
pub struct Local {
    pub store: Store,
    pub secrets: Secrets,
}

impl Local {
    pub fn new(store: Store, secrets: Secrets) -> Self {
        Self { store, secrets }
    }
}

impl Storage for Local {
    fn list(&self) -> Arc<List> {
        self.store.snapshot()
    }

    fn modify(
        &self,
        change: &mut dyn FnMut(&mut Vec<Connection>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.store.modify(change)
    }

    fn secret(&self, id: &str, field: &str) -> Result<Secret, SecretError> {
        self.secrets.get(id, field)
    }

    fn set_secret(&self, id: &str, field: &str, value: &Secret) -> Result<(), SecretError> {
        self.secrets.set_secret(id, field, value)
    }

    fn delete_secret(&self, id: &str, field: &str) -> Result<(), SecretError> {
        self.secrets.delete_secret(id, field)
    }

    fn secret_entries(&self) -> Result<Vec<(String, String)>, SecretError> {
        self.secrets.entries()
    }
}

/// [`Storage::modify`] with a change that runs once and gives back a value.
pub fn edit<T>(
    storage: &dyn Storage,
    change: impl FnOnce(&mut Vec<Connection>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut change = Some(change);
    let mut out = None;
    storage.modify(&mut |list| {
        let change = change.take().ok_or(StoreError::NotFound)?;
        out = Some(change(list)?);
        Ok(())
    })?;
    out.ok_or(StoreError::NotFound)
}
