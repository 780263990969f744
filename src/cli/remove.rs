//! `remove НАЗВАНИЕ`.

use super::output::{failed, say};
use super::{Env, Fail, find};
use crate::ops::{self, transfer::printable};

/// Removes the connection and its secrets.
pub(super) fn remove(env: &Env, name: &str) -> Result<u8, Fail> {
    let c = find(env, name)?;
    ops::save::remove(&*env.storage, &c.id).map_err(|e| failed(e.to_string()))?;
    say_fmt!(
        "Подключение «{}» удалено вместе с секретами.",
        printable(&c.name)
    );
    Ok(0)
}
