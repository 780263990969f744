//! What the screens see of the shell: the services they use, the commands they send back, the
//! notices across the top. Screens import this, never `ui::app`.

use std::sync::Arc;

use chrono::NaiveDate;

use super::jobs::Jobs;
use crate::flow::Catalog;
use crate::integrations::ClientOptions;
use crate::ops::Storage;
use crate::reminders::schedule::Scheduler;
use crate::store::{Home, Secrets, Store};

/// Opens a link in the browser; tests pass one that records instead.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// Asks where to save a file (suggested name given); `None` when the user cancels. Runs off
/// the UI thread. Tests pass one that answers with a temporary path.
pub type SaveDialog = Arc<dyn Fn(&str) -> Option<std::path::PathBuf> + Send + Sync>;

/// Asks which file to open; `None` when the user cancels. Runs off the UI thread.
pub type OpenDialog = Arc<dyn Fn() -> Option<std::path::PathBuf> + Send + Sync>;

/// Handles shared by the screens.
pub struct Services {
    pub catalog: Catalog,
    pub home: Home,
    /// This computer's list and the OS keyring: also when a team store is in use (moving in,
    /// the team store's login token, restoring a backup copy).
    pub store: Store,
    pub secrets: Secrets,
    /// Where the connections are, as the operations see them: this computer's store, or the
    /// team's. Screens read the list through it only.
    pub storage: Arc<dyn Storage>,
    /// Every background job of the window (`ui::jobs`).
    pub jobs: std::cell::RefCell<Jobs>,
    pub checks: ClientOptions,
    pub opener: Opener,
    pub save_dialog: SaveDialog,
    pub open_dialog: OpenDialog,
    pub scheduler: Scheduler,
    /// Where a browser login to the team store comes back to (tests use a free port).
    pub oidc_port: u16,
}

impl Services {
    pub fn today() -> NaiveDate {
        chrono::Local::now().date_naive()
    }
}

/// A store to switch to, in a command (compared by identity).
#[derive(Clone)]
pub struct StorageHandle(pub Arc<dyn Storage>);

impl PartialEq for StorageHandle {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }
}

impl std::fmt::Debug for StorageHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StorageHandle({:?})", self.0.place())
    }
}

/// What a screen asks the shell to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    ShowHome,
    ShowPicker,
    /// «Хранилище…»: where the list lives, logging in to a team store.
    ShowStorage,
    /// Work on this store from now on (logged in to a team store, or out of it).
    UseStorage(StorageHandle),
    /// Opens a saved connection's card.
    OpenCard(String),
    /// «Обновить ключ»: the connection's wizard again, from where a new key is obtained.
    Renew(String),
    /// Starts a flow; `entry` is the 0-based step a role starts at.
    StartFlow {
        flow: String,
        target: Option<String>,
        entry: usize,
    },
    Check(String),
    CancelCheck(String),
    Delete(String),
    /// Removes keyring entries saved early by a wizard that was then abandoned.
    ForgetSecrets(Vec<(String, String)>),
    /// Stores secrets entered again for a saved connection, then checks it.
    SaveSecrets {
        id: String,
        values: Vec<(String, crate::model::Secret)>,
    },
    /// The removal wizard `flow` for the old key of a renewed connection, `old` as it was
    /// before the renewal; the connection itself stays.
    RemoveOldKey {
        flow: String,
        old: Box<crate::model::Connection>,
    },
    /// Continues a connection set up in part (a ПВЗ from a list) in its wizard.
    ResumePending(String),
    /// «Напоминать о сроках, даже когда Ключник закрыт» switched on or off.
    SetReminders(bool),
    Export,
    Import,
    /// «ПВЗ из CSV…», after the question whether the administrator's part is done for every
    /// ПВЗ of the list.
    ImportPvz {
        admin_done: bool,
    },
    /// Restores a backup copy: the one offered after the connections file could not be read
    /// (`None`), or the `.bak` chosen in «Настройки».
    RestoreBackup(Option<std::path::PathBuf>),
    DismissNotice(usize),
}

/// A message across the top of the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    /// The «expires within 30 days» notice: the reminders switch is offered beside it.
    pub expiry: bool,
}

impl Notice {
    /// Something went wrong.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_error: true,
            expiry: false,
        }
    }

    /// Something to know or to do.
    pub fn warning(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_error: false,
            expiry: false,
        }
    }
}
