//! The operating system's side: console and window helpers, code pages, logging, background
//! jobs, and the `KLYUCHNIK_*` settings.

pub mod console;
pub mod env;
pub mod jobs;
pub mod logging;
pub mod window;
#[cfg(windows)]
mod windows;
