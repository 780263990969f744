//! What the window and the command line both do with saved connections: save, remove, check
//! and record, export, import, look for orphans. Each returns a report; the caller words it.
//!
//! Operations reach connections and secrets only through [`Storage`], and this is the only
//! module that writes or deletes a secret (a test in `tests/it/architecture.rs` holds to it).

pub mod check;
pub mod doctor;
pub mod duplicates;
pub mod edit;
pub mod pvz;
pub mod save;
mod storage;
pub mod team;
pub mod transfer;

pub use save::{SaveError, find_by_name, same_name};
pub use storage::{Health, Local, Place, Rights, Storage, edit};
