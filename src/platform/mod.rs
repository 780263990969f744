//! The operating system's side: console and window helpers, code pages, logging, background
//! jobs, and the `KLYUCHNIK_*` settings.

pub mod jobs;
pub mod logging;
pub mod os;
