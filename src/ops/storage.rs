//! The seam between the operations and where connections live.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::{Connection, List, Secret};
pub use crate::store::openbao::Rights;
use crate::store::{SecretError, Secrets, Store, StoreError};

/// Where the list is kept, for the window's header and `klyuchnik team status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// This computer: the connections file and the OS keyring.
    Local,
    /// A team's list on its OpenBao server, as `user`.
    Team { team: String, user: String },
}

/// How the store is doing, beyond its list: what the window says across the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Fine,
    /// The list has not been read yet.
    Reading,
    /// The cluster is choosing a new leader: requests wait for it.
    Switching,
    /// Not reachable: the list is the one read at `read_at` (local time, «ДД.ММ.ГГГГ ЧЧ:ММ»,
    /// empty when never), and nothing can be saved.
    Offline {
        read_at: String,
        reason: String,
    },
    /// The login has expired: log in again.
    LoginExpired,
    /// Logged in, but the list itself is refused: the person has no right to this team's list.
    Refused(String),
    /// Sealed: only its administrator can open it.
    Sealed,
    /// A save waits for another program that holds the connections file's lock.
    Waiting,
}

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

    /// [`Self::modify`] for what Ключник found rather than what the person changed (check
    /// results): where the store keeps a backup of the previous version, it stays as it was.
    fn record(
        &self,
        change: &mut dyn FnMut(&mut Vec<Connection>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.modify(change)
    }

    fn secret(&self, id: &str, field: &str) -> Result<Secret, SecretError>;

    fn set_secret(&self, id: &str, field: &str, value: &Secret) -> Result<(), SecretError>;

    /// Deletes a secret; one that is already gone counts as deleted.
    fn delete_secret(&self, id: &str, field: &str) -> Result<(), SecretError>;

    /// Every (connection id, field) the secret store holds for Ключник.
    fn secret_entries(&self) -> Result<Vec<(String, String)>, SecretError>;

    /// Grows with every change of the list; lets the window refresh what it drew from it.
    fn generation(&self) -> u64;

    /// Looks for changes made elsewhere (another process, a colleague); true when the list
    /// changed. A remote store does it over the network: call it off the UI thread.
    fn refresh(&self) -> bool;

    /// True when [`Self::refresh`] and every other call go over the network.
    fn is_remote(&self) -> bool {
        false
    }

    fn get(&self, id: &str) -> Option<Connection> {
        self.list().iter().find(|c| c.id == id).cloned()
    }

    /// The connections of `list` with a secret field whose value this store lacks (one loaded
    /// from a file); `None` when the store cannot tell.
    fn missing_secrets(&self, list: &[Connection]) -> Option<HashSet<String>> {
        let have: HashSet<(String, String)> = self.secret_entries().ok()?.into_iter().collect();
        Some(
            list.iter()
                .filter(|c| {
                    c.secrets
                        .iter()
                        .any(|f| !have.contains(&(c.id.clone(), f.clone())))
                })
                .map(|c| c.id.clone())
                .collect(),
        )
    }

    fn place(&self) -> Place {
        Place::Local
    }

    /// Who changed the connection last and when («коллегой alice в 05.12.2026 14:32»), where
    /// the store records it.
    fn changed_by(&self, _id: &str) -> Option<String> {
        None
    }

    fn health(&self) -> Health {
        Health::Fine
    }

    /// What the person may do here; everything on this computer.
    fn rights(&self) -> Rights {
        Rights::ALL
    }

    /// The team store, for logging in again and its status.
    fn as_team(&self) -> Option<&super::team::Team> {
        None
    }
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

    fn record(
        &self,
        change: &mut dyn FnMut(&mut Vec<Connection>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.store.modify_with(crate::store::Backup::Keep, change)
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

    fn generation(&self) -> u64 {
        self.store.generation()
    }

    fn refresh(&self) -> bool {
        self.store.refresh()
    }

    fn get(&self, id: &str) -> Option<Connection> {
        self.store.get(id)
    }

    fn missing_secrets(&self, list: &[Connection]) -> Option<HashSet<String>> {
        self.secrets.missing(list)
    }

    fn health(&self) -> Health {
        if crate::store::file_lock::someone_waits() {
            Health::Waiting
        } else {
            Health::Fine
        }
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
