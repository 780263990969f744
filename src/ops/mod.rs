//! What the window and the command line both do with saved connections: save, remove,
//! check and record, export, import. Each returns a report; the caller words it.

pub mod transfer;
