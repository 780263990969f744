//! What Ключник knows about: saved connections, their fields and secrets, check outcomes and
//! statuses. Plain data and rules; imports nothing else of the crate.

mod connection;
mod fields;
pub mod invisible;
mod list;
pub mod names;
pub mod natural;
mod outcome;
mod secret;
pub mod status;

pub use connection::{CHECK_HISTORY, Connection};
pub use fields::{Fields, shared};
pub use list::List;
pub use outcome::{CheckRecord, Outcome, OutcomeKind, Service};
pub use secret::Secret;
pub use status::Status;
