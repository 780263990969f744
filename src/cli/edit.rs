//! `set НАЗВАНИЕ ПОЛЕ=ЗНАЧЕНИЕ…` and `secret НАЗВАНИЕ ПОЛЕ`: corrections by the wizard's rules.

use std::collections::BTreeMap;

use chrono::Local;

use super::output::{failed, quoted, say, secrets_from_stdin, usage, warn};
use super::{Env, Fail, find};
use crate::ops::edit::{self, EditError};
use crate::ops::transfer::printable;
use crate::store::StoreError;

/// A refused value or a taken name is the caller's to fix (code 2); the rest failed (code 1).
fn fail(e: EditError) -> Fail {
    match e {
        EditError::Field { .. }
        | EditError::UnknownField(_)
        | EditError::SecretField(_)
        | EditError::TableField(_)
        | EditError::Store(StoreError::DuplicateName(_)) => usage(e.to_string()),
        other => failed(other.to_string()),
    }
}

/// `ПОЛЕ=ЗНАЧЕНИЕ` pairs as a map.
fn pairs_of(pairs: &[String]) -> Result<BTreeMap<String, String>, Fail> {
    let mut changes = BTreeMap::new();
    for pair in pairs {
        let (field, value) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("нужно ПОЛЕ=ЗНАЧЕНИЕ, а не «{}»", quoted(pair))))?;
        changes.insert(field.trim().to_owned(), value.to_owned());
    }
    Ok(changes)
}

/// `set`: every value checked before anything is written.
pub(super) fn set(env: &Env, name: &str, pairs: &[String]) -> Result<u8, Fail> {
    let c = find(env, name)?;
    let changes = pairs_of(pairs)?;
    let today = Local::now().date_naive();
    let warnings =
        edit::set_values(&*env.storage, &env.catalog, &c.id, &changes, today).map_err(fail)?;
    for w in &warnings {
        warn(w);
    }
    say_fmt!("Подключение «{}» изменено.", printable(&c.name));
    Ok(0)
}

/// `secret`: the new value is the first line of standard input, never an argument.
pub(super) fn secret(env: &Env, name: &str, field: &str) -> Result<u8, Fail> {
    let c = find(env, name)?;
    let values = secrets_from_stdin(&[field.to_owned()])?;
    let today = Local::now().date_naive();
    let warnings =
        edit::replace_secrets(&*env.storage, &env.catalog, &c.id, &values, today).map_err(fail)?;
    for w in &warnings {
        warn(w);
    }
    say_fmt!(
        "Секрет «{field}» подключения «{}» заменён в хранилище паролей.",
        printable(&c.name)
    );
    Ok(0)
}

/// `renew`: a new key — its secrets from standard input, a new expiry with `--set` — saved as
/// «Обновить ключ» saves it: the old checks become history, the reminders start again.
pub(super) fn renew(
    env: &Env,
    name: &str,
    secrets: &[String],
    pairs: &[String],
) -> Result<u8, Fail> {
    let c = find(env, name)?;
    let changes = pairs_of(pairs)?;
    let values = secrets_from_stdin(secrets)?;
    let today = Local::now().date_naive();
    let warnings = edit::renew_key(&*env.storage, &env.catalog, &c.id, &values, &changes, today)
        .map_err(fail)?;
    for w in &warnings {
        warn(w);
    }
    say_fmt!("Ключ подключения «{}» обновлён.", printable(&c.name));
    Ok(0)
}
