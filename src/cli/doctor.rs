//! `doctor [--fix]`: keyring entries of Ключник that no connection owns.

use crate::flow::draft::Draft;
use crate::ops::{self};

use super::output::{failed, say};
use super::{Env, Fail};

/// `doctor`: keyring entries of Ключник that no connection owns. Entries a wizard saved early
/// and is still using (its unfinished draft) are not orphans.
pub(super) fn doctor(env: &Env, fix: bool) -> Result<u8, Fail> {
    let draft = crate::platform::env::home()
        .and_then(|home| std::fs::read(home.draft_file()).ok())
        .and_then(|bytes| serde_json::from_slice::<Draft>(&bytes).ok());
    let found = ops::doctor::examine(
        &*env.storage,
        draft.as_ref().map(|d| d.connection_id.as_str()),
    )
    .map_err(|e| failed(format!("хранилище паролей не перечисляет записи: {e}")))?;
    say_fmt!(
        "Записей Ключника в хранилище паролей: {}; подключений: {}.",
        found.entries,
        found.connections
    );
    if found.orphans.is_empty() {
        say_fmt!("Записей без подключения нет.");
        return Ok(0);
    }
    for o in &found.orphans {
        let owner = o.owner.as_ref().map_or_else(
            || "подключения нет".to_owned(),
            |name| format!("подключение «{name}» этого поля не хранит"),
        );
        say_fmt!("без подключения: {}/{} ({owner})", o.connection, o.field);
    }
    if !fix {
        say_fmt!(
            "Найдено записей без подключения: {}. Удалить их: klyuchnik doctor --fix",
            found.orphans.len()
        );
        return Ok(1);
    }
    let failures = ops::doctor::remove_orphans(&*env.storage, &found.orphans);
    for (o, e) in &failures {
        eprintln!("Ключник: {}/{} не удалена: {e}", o.connection, o.field);
    }
    say_fmt!(
        "Удалено записей без подключения: {}.",
        found.orphans.len() - failures.len()
    );
    Ok(u8::from(!failures.is_empty()))
}
