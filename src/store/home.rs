//! Where Ключник keeps its files: the user's config directory, or `KLYUCHNIK_HOME`.

use std::path::{Path, PathBuf};

/// The folder with the connections file, the unfinished wizard and the UI state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The per-user config folder (`%APPDATA%\Klyuchnik` on Windows); `KLYUCHNIK_HOME`
    /// overrides it (`platform::env::home`).
    pub fn per_user() -> Option<Self> {
        directories::ProjectDirs::from("ru", "", "Klyuchnik").map(|d| Self::new(d.config_dir()))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn connections_file(&self) -> PathBuf {
        self.dir.join("connections.json")
    }

    /// Which expiry reminders were shown, per connection (`klyuchnik check --notify`).
    pub fn reminders_file(&self) -> PathBuf {
        self.dir.join("reminders.json")
    }

    /// Where the team store is (addresses, team, login — no secret), when one is used.
    pub fn team_file(&self) -> PathBuf {
        self.dir.join("team.json")
    }

    pub fn draft_file(&self) -> PathBuf {
        self.dir.join("draft.json")
    }

    /// Where eframe keeps window size and egui memory.
    pub fn ui_state_dir(&self) -> PathBuf {
        self.dir.join("ui")
    }
}
