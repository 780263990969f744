//! `export` and `import`: connections to and from a file, without secrets.

use std::path::Path;

use super::output::{failed, quoted, say, usage};
use super::{Env, Fail};
use crate::ops::transfer::{self, printable};
use crate::store::ReadError;

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
    let text = crate::store::read_user_file(file, transfer::MAX_IMPORT_BYTES).map_err(|e| {
        let message = format!("не удалось прочитать {}: {e}", file.display());
        match e {
            // Reading stopped at the limit: a file this big is no export, and nothing is taken.
            ReadError::TooLarge { .. } => failed(format!(
                "{message} — выгрузки Ключника такими не бывают; ничего не загружено"
            )),
            // A wrong path or a file of another kind: the command line names the wrong thing.
            ReadError::NotText => usage(message),
            ReadError::Io(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                ) =>
            {
                usage(message)
            }
            ReadError::Io(_) => failed(message),
        }
    })?;
    // A file that is not an export is the caller's to fix (2); a list that could not be
    // written — full disk, read-only folder, a lock — failed (1).
    let report = transfer::import(&*env.storage, &env.catalog, &text).map_err(|e| match e {
        transfer::ImportError::NotAnExport(_) => usage(e.to_string()),
        transfer::ImportError::Store(_) => failed(e.to_string()),
    })?;
    for name in &report.added {
        say_fmt!("добавлено: {}", printable(name));
    }
    for (n, name, reason) in &report.rejected {
        eprintln!(
            "запись {n} «{}» пропущена: {}",
            quoted(name),
            printable(reason)
        );
    }
    say_fmt!(
        "Добавлено: {}, пропущено: {}. Секреты не переносятся — введите их заново.",
        report.added.len(),
        report.rejected.len()
    );
    // A hand-over file: the setup goes on in the window, at the colleague's step.
    if let Some(c) = transfer::handed_over(&text).and_then(|id| {
        env.storage
            .list()
            .iter()
            .find(|c| c.id == id && c.pending_step.is_some())
            .cloned()
    }) {
        say_fmt!(
            "«{}» — настройка не закончена: продолжите её в окне — klyuchnik open «{}» или «{}» в строке.",
            printable(&c.name),
            printable(&c.name),
            env.catalog.get(&c.flow).map_or_else(
                || "Продолжить настройку".to_owned(),
                |f| f.paused(c.pending_step.unwrap_or(0)).resume
            )
        );
    }
    Ok(u8::from(!report.rejected.is_empty()))
}
