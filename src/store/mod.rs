//! Saved connections: metadata in a file, secrets in the OS keyring.

mod atomic;
pub use atomic::{remove_stale_temps, write as write_atomic, write_user_file};
mod connections;
mod home;
mod opening;
mod secrets;

pub use connections::{FILE_VERSION, OpenNotice, Store, StoreError};
pub use home::{HOME_ENV, Home};
pub use opening::Opening;
pub use secrets::{Backend, KEYRING_ENV, MAX_SECRET_BYTES, SERVICE, SecretError, Secrets};

use crate::model::{Connection, Secret};

use std::collections::BTreeMap;

/// Why saving or removing a connection failed.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Saves a connection: secrets into the keyring first, then the metadata. If either part
/// fails, what was written is taken back, so there is never a half-saved connection.
pub fn save_connection(
    store: &Store,
    secrets: &Secrets,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    save_with(store, secrets, connection, values, Store::add)
}

/// [`save_connection`] for a connection set up in part: `NotFound` if it was removed
/// meanwhile, and nothing is written then.
pub fn save_completion(
    store: &Store,
    secrets: &Secrets,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    save_with(store, secrets, connection, values, Store::complete)
}

fn save_with(
    store: &Store,
    secrets: &Secrets,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
    write: fn(&Store, Connection) -> Result<(), StoreError>,
) -> Result<(), SaveError> {
    if store.name_taken_by_other(&connection.name, &connection.id) {
        return Err(StoreError::DuplicateName(connection.name).into());
    }
    let mut written = Vec::new();
    for (field, value) in values {
        if let Err(e) = secrets.set(&connection.id, field, value) {
            roll_back(secrets, &connection.id, &written);
            return Err(e.into());
        }
        written.push(field.clone());
    }
    let id = connection.id.clone();
    write(store, connection).map_err(|e| {
        roll_back(secrets, &id, &written);
        SaveError::from(e)
    })
}

fn roll_back(secrets: &Secrets, id: &str, fields: &[String]) {
    for field in fields {
        if let Err(e) = secrets.delete(id, field) {
            tracing::warn!(
                connection = id,
                field,
                "could not roll back a keyring entry: {e}"
            );
        }
    }
}

/// Removes a connection: its metadata first (committed to the file), then its secrets from the
/// keyring. A keyring entry that cannot be deleted is left orphaned — harmless, and found by
/// `klyuchnik doctor` — rather than a connection whose secrets are gone.
pub fn remove_connection(
    store: &Store,
    secrets: &Secrets,
    id: &str,
) -> Result<Connection, SaveError> {
    let connection = store.remove(id)?;
    let mut failed = None;
    for field in &connection.secrets {
        if let Err(e) = secrets.delete(id, field) {
            tracing::warn!(connection = id, field, "keyring entry left behind: {e}");
            failed.get_or_insert(e);
        }
    }
    match failed {
        None => Ok(connection),
        Some(e) => Err(SaveError::Secret(e)),
    }
}
