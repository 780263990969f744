//! The reminders already shown, kept in the data folder, so each threshold of a connection is
//! shown once however often `check --notify` runs.

use std::path::PathBuf;

use super::Shown;
use crate::store::Home;

/// The record, held under its lock file while open: two runs at once (the logon trigger and
/// the daily one) must not both notify — the second waits and then finds them marked shown.
pub struct ShownFile {
    path: PathBuf,
    _lock: Option<std::fs::File>,
}

impl ShownFile {
    /// Takes the lock (waiting a bounded time for another run to finish). A lock that cannot
    /// be taken is logged: reminders are still shown, at worst twice.
    pub fn open(home: &Home) -> Self {
        let path = home.reminders_file();
        let lock = crate::store::file_lock::lock(&path)
            .map_err(|e| tracing::warn!("reminders lock: {e:?}"))
            .ok();
        Self { path, _lock: lock }
    }

    /// What was shown so far; nothing when the file is missing. An unusable record is logged
    /// (a scheduled run has no one reading its standard error) and shown as nothing.
    pub fn read(&self) -> Shown {
        match read(&self.path) {
            Ok(shown) => shown,
            Err(problem) => {
                tracing::error!("{problem}");
                Shown::default()
            }
        }
    }

    /// Keeps `next` (from [`super::collect`]) once the notification was shown.
    pub fn write(&self, next: &Shown) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(next).map_err(std::io::Error::other)?;
        crate::store::write_atomic(&self.path, &bytes)
    }
}

/// The record in `path`: nothing when missing; why it cannot be used otherwise, in words for
/// the window.
fn read(path: &std::path::Path) -> Result<Shown, String> {
    let unusable = |why: String| {
        format!(
            "Файл напоминаний {} не читается ({why}): напоминания о сроках будут приходить \
             заново при каждой проверке. Удалите или переименуйте его — Ключник создаст новый.",
            path.display()
        )
    };
    if path.is_dir() {
        return Err(unusable("на его месте папка".to_owned()));
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map_err(|_| unusable("он повреждён".to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Shown::default()),
        Err(e) => Err(unusable(crate::store::io_words(&e))),
    }
}

/// Why the reminders record in `home` cannot be used, if it cannot: the window says it.
pub fn problem(home: &Home) -> Option<String> {
    read(&home.reminders_file()).err()
}
