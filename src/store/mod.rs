//! Persistence only: the connections file (lock, digest, atomic replace), the OS keyring, and
//! the data folder. Imports `model` and nothing else of the crate; `ops` decides what to write.

mod atomic;
pub use atomic::{remove_stale_temps, write as write_atomic, write_user_file};
pub use io_words::io_words;
mod connections;
pub mod file_lock;
mod home;
mod io_words;
pub mod limited;
pub mod openbao;
mod opening;
mod secrets;

pub use connections::{Backup, BackupCopy, FILE_VERSION, OpenNotice, Store, StoreError};
pub use home::Home;
pub use limited::{ReadError, read_user_file};
pub use opening::Opening;
pub use secrets::{Backend, KEPT_IN_WIZARD, MAX_SECRET_BYTES, SERVICE, SecretError, Secrets};
