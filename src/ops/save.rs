//! Saving and removing connections and their secrets. The only place that writes or deletes
//! a secret: every write here has the same rule — what one call wrote is taken back if the
//! call fails, so there is never a half-saved connection.

use std::collections::BTreeMap;

use super::storage::{Storage, edit};
use crate::model::{CheckRecord, Connection, Secret};
use crate::store::{SecretError, StoreError};

/// Why saving or removing a connection failed.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Names are compared the way a person reads them: case, edge spaces, look-alike letters and
/// invisible characters aside (`model::names`).
pub use crate::model::names::same_name;

/// The connection with this name, as typed: case and edge spaces aside. Look-alikes do not
/// count here — a list written before they were refused may hold two, and a command must not
/// act on the wrong one.
pub fn find_by_name(storage: &dyn Storage, name: &str) -> Option<Connection> {
    let wanted = name.trim().to_lowercase();
    storage
        .list()
        .iter()
        .find(|c| c.name.trim().to_lowercase() == wanted)
        .cloned()
}

/// Adds a connection, or completes the pending one with the same id (a ПВЗ from a list).
pub fn add(storage: &dyn Storage, connection: Connection) -> Result<(), StoreError> {
    edit(storage, |list| {
        refuse_taken_name(list, &connection)?;
        match list.iter().position(|c| c.id == connection.id) {
            Some(i) if list[i].pending_step.is_some() => list[i] = connection,
            Some(_) => return Err(StoreError::DuplicateName(connection.name.clone())),
            None => list.push(connection),
        }
        Ok(())
    })
}

/// Completes the connection set up in part with the same id; `NotFound` when it was removed
/// meanwhile (by another window or a command), instead of bringing it back.
pub fn complete(storage: &dyn Storage, connection: Connection) -> Result<(), StoreError> {
    edit(storage, |list| {
        refuse_taken_name(list, &connection)?;
        let i = list
            .iter()
            .position(|c| c.id == connection.id)
            .ok_or(StoreError::NotFound)?;
        list[i] = connection;
        Ok(())
    })
}

/// Refuses a name that reads as another connection's; the error names that connection.
fn refuse_taken_name(list: &[Connection], connection: &Connection) -> Result<(), StoreError> {
    let key = crate::model::names::NameKey::of(&connection.name);
    match list
        .iter()
        .find(|c| c.id != connection.id && key.matches(&crate::model::names::NameKey::of(&c.name)))
    {
        Some(taken) => Err(StoreError::DuplicateName(taken.name.clone())),
        None => Ok(()),
    }
}

/// Saves a connection: secrets first, then the list. If either part fails, what was written
/// is taken back.
pub fn save(
    storage: &dyn Storage,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    save_with(storage, connection, values, add)
}

/// [`save`] for a connection set up in part: `NotFound` if it was removed meanwhile, and
/// nothing is written then.
pub fn save_completion(
    storage: &dyn Storage,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    save_with(storage, connection, values, complete)
}

fn save_with(
    storage: &dyn Storage,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
    write: fn(&dyn Storage, Connection) -> Result<(), StoreError>,
) -> Result<(), SaveError> {
    refuse_taken_name(&storage.list(), &connection)?;
    let id = connection.id.clone();
    let written = put_secrets(storage, &id, values)?;
    write(storage, connection).map_err(|e| {
        roll_back(storage, &id, &written);
        SaveError::from(e)
    })
}

/// «Сохранить и продолжить позже», «Передать сотруднику ПВЗ»: a run paused part-way, saved as
/// a connection with `pending_step` — its typed secrets into the keyring, the rest into the
/// list, in place of the same paused connection if it was paused before (its creation date
/// kept). A name another connection has is refused; if the list cannot be written, the secrets
/// this call added are taken out again.
pub fn save_for_later(
    storage: &dyn Storage,
    mut connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    debug_assert!(connection.pending_step.is_some());
    let list = storage.list();
    refuse_taken_name(&list, &connection)?;
    let before: Vec<String> = list
        .iter()
        .find(|c| c.id == connection.id)
        .map(|c| c.secrets.clone())
        .unwrap_or_default();
    let id = connection.id.clone();
    let written = put_secrets(storage, &id, values)?;
    let result = edit(storage, |list| {
        refuse_taken_name(list, &connection)?;
        match list.iter().position(|c| c.id == connection.id) {
            Some(i) if list[i].pending_step.is_some() => {
                connection.created = list[i].created;
                connection.changed = Some(chrono::Utc::now());
                list[i] = connection;
            }
            // A saved connection of the same id is finished: never replaced by a paused run.
            Some(_) => return Err(StoreError::DuplicateName(connection.name.clone())),
            None => list.push(connection),
        }
        Ok(())
    });
    result.map_err(|e| {
        let added: Vec<String> = written
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        roll_back(storage, &id, &added);
        SaveError::from(e)
    })
}

/// «Обновить ключ»: the connection as the wizard made it again, with its new secrets, in place
/// of the saved one of the same id. Its creation date stays; its checks become history (they
/// were of the old key). If the new secrets or the list cannot be written, the old secrets are
/// put back.
pub fn renew(
    storage: &dyn Storage,
    connection: Connection,
    values: &BTreeMap<String, Secret>,
) -> Result<(), SaveError> {
    refuse_taken_name(&storage.list(), &connection)?;
    let id = connection.id.clone();
    let old: BTreeMap<String, Secret> = values
        .keys()
        .filter_map(|f| storage.secret(&id, f).ok().map(|s| (f.clone(), s)))
        .collect();
    let put_back = |written: &[String]| {
        for field in written {
            let result = match old.get(field) {
                Some(value) => storage.set_secret(&id, field, value),
                None => storage.delete_secret(&id, field),
            };
            if let Err(e) = result {
                tracing::warn!(
                    connection = id,
                    field,
                    "could not put the old secret back: {e}"
                );
            }
        }
    };
    let mut written = Vec::new();
    for (field, value) in values {
        if let Err(e) = storage.set_secret(&id, field, value) {
            put_back(&written);
            return Err(e.into());
        }
        written.push(field.clone());
    }
    let result = edit(storage, |list| {
        let slot = list
            .iter_mut()
            .find(|c| c.id == connection.id)
            .ok_or(StoreError::NotFound)?;
        let mut renewed = connection;
        renewed.created = slot.created;
        let fresh = renewed.last_check.take();
        renewed.earlier_checks = std::mem::take(&mut slot.earlier_checks);
        renewed.last_check = slot.last_check.take();
        // The old key's last check is history now, not the new key's state.
        match fresh {
            Some(check) => renewed.record_check(check),
            None => renewed.archive_last_check(),
        }
        renewed.changed = Some(chrono::Utc::now());
        *slot = renewed;
        Ok(())
    });
    result.map_err(|e| {
        put_back(&written);
        SaveError::from(e)
    })
}

/// Writes `values` as `id`'s secrets — a wizard's early save, or secrets entered again for a
/// saved connection. All or none: if one cannot be written, the ones this call wrote are
/// deleted again. Returns the fields written.
pub fn put_secrets(
    storage: &dyn Storage,
    id: &str,
    values: &BTreeMap<String, Secret>,
) -> Result<Vec<String>, SecretError> {
    let mut written = Vec::new();
    for (field, value) in values {
        if let Err(e) = storage.set_secret(id, field, value) {
            roll_back(storage, id, &written);
            return Err(e);
        }
        written.push(field.clone());
    }
    Ok(written)
}

fn roll_back(storage: &dyn Storage, id: &str, fields: &[String]) {
    for field in fields {
        if let Err(e) = storage.delete_secret(id, field) {
            tracing::warn!(
                connection = id,
                field,
                "could not roll back a keyring entry: {e}"
            );
        }
    }
}

/// Deletes secrets a wizard saved early and then abandoned; tries every one.
pub fn forget_secrets(
    storage: &dyn Storage,
    entries: &[(String, String)],
) -> Result<(), SecretError> {
    let mut failed = None;
    for (id, field) in entries {
        if let Err(e) = storage.delete_secret(id, field) {
            tracing::warn!(connection = id, field, "keyring entry left behind: {e}");
            failed.get_or_insert(e);
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Removes a connection: from the list first (committed), then its secrets. A secret that
/// cannot be deleted is left orphaned — harmless, and found by `klyuchnik doctor` — rather
/// than a connection whose secrets are gone.
pub fn remove(storage: &dyn Storage, id: &str) -> Result<Connection, SaveError> {
    let connection = edit(storage, |list| {
        let pos = list
            .iter()
            .position(|c| c.id == id)
            .ok_or(StoreError::NotFound)?;
        Ok(list.remove(pos))
    })?;
    let entries: Vec<(String, String)> = connection
        .secrets
        .iter()
        .map(|f| (id.to_owned(), f.clone()))
        .collect();
    forget_secrets(storage, &entries)?;
    Ok(connection)
}

/// Records check results with their connections, in one change of the list. A connection
/// removed meanwhile is skipped.
pub fn record_checks(
    storage: &dyn Storage,
    records: &[(String, CheckRecord)],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    // A check result is added to the connection as it is now: a colleague's change in between
    // (the team store) is read again and the result added to it, a few times, rather than
    // reported — the result belongs with whatever the connection has become.
    let mut tries = 0;
    loop {
        let result = storage.record(&mut |list| {
            for (id, record) in records {
                if let Some(c) = list.iter_mut().find(|c| &c.id == id) {
                    c.record_check(record.clone());
                }
            }
            Ok(())
        });
        match result {
            Err(StoreError::Conflict(_)) if tries < 3 => tries += 1,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Local;
    use crate::store::{Secrets, Store};

    fn conn(name: &str) -> Connection {
        Connection {
            secrets: vec!["token".into()],
            ..Connection::new("elma365", "ELMA365", name)
        }
    }

    #[test]
    fn names_are_unique_as_a_person_reads_them_and_remove_takes_the_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = Store::open(&dir.path().join("connections.json"));
        let local = Local::new(store, Secrets::mock());
        let token = BTreeMap::from([("token".to_owned(), Secret::new("t-1"))]);
        let first = conn("Первое");
        save(&local, first.clone(), &token).expect("save");
        add(&local, conn("Второе")).expect("add");
        for taken in ["первое", "Второе ", " ВТОРОЕ"] {
            assert!(
                matches!(
                    save(&local, conn(taken), &token),
                    Err(SaveError::Store(StoreError::DuplicateName(_)))
                ),
                "{taken}"
            );
        }
        assert_eq!(local.list().len(), 2);
        assert_eq!(
            local.secret(&first.id, "token").expect("kept").expose(),
            "t-1"
        );
        remove(&local, &first.id).expect("remove");
        assert!(
            local.secret(&first.id, "token").is_err(),
            "secret removed too"
        );
        assert!(matches!(
            remove(&local, &first.id),
            Err(SaveError::Store(StoreError::NotFound))
        ));
    }
}
