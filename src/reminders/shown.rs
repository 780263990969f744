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
    /// Takes the lock (waiting for another run to finish). A lock that cannot be taken is
    /// logged: reminders are still shown, at worst twice.
    pub fn open(home: &Home) -> Self {
        let path = home.reminders_file();
        let lock = std::fs::File::create(path.with_extension("json.lock"))
            .and_then(|file| file.lock().map(|()| file))
            .map_err(|e| tracing::warn!("reminders lock: {e}"))
            .ok();
        Self { path, _lock: lock }
    }

    /// What was shown so far; nothing when the file is missing or unreadable.
    pub fn read(&self) -> Shown {
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Keeps `next` (from [`super::collect`]) once the notification was shown.
    pub fn write(&self, next: &Shown) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(next).map_err(std::io::Error::other)?;
        crate::store::write_atomic(&self.path, &bytes)
    }
}
