//! `export` and `import`: connections to and from a file, without secrets.

use std::path::Path;

use super::output::{failed, say, usage};
use super::{Env, Fail};
use crate::ops::transfer::{self, printable};

/// `export ФАЙЛ [--force]`.
pub(super) fn export(env: &Env, file: &Path, force: bool) -> Result<u8, Fail> {
    if file.is_file() && !force {
        return Err(usage(format!(
            "файл {} уже есть; чтобы заменить его, добавьте --force",
            file.display()
        )));
    }
    let count = transfer::export_to(&*env.storage, file)
        .map_err(|e| failed(format!("не удалось записать {}: {e}", file.display())))?;
    say_fmt!(
        "Выгружено подключений: {count} → {} (без секретов).",
        file.display()
    );
    Ok(0)
}

/// `import ФАЙЛ`: every record checked; existing connections are never overwritten.
pub(super) fn import(env: &Env, file: &Path) -> Result<u8, Fail> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| usage(format!("не удалось прочитать {}: {e}", file.display())))?;
    let report =
        transfer::import(&*env.storage, &env.catalog, &text).map_err(|e| usage(e.to_string()))?;
    for name in &report.added {
        say_fmt!("добавлено: {}", printable(name));
    }
    for (n, name, reason) in &report.rejected {
        eprintln!(
            "запись {n} «{}» пропущена: {}",
            printable(name),
            printable(reason)
        );
    }
    say_fmt!(
        "Добавлено: {}, пропущено: {}. Секреты не переносятся — введите их заново.",
        report.added.len(),
        report.rejected.len()
    );
    Ok(u8::from(!report.rejected.is_empty()))
}
