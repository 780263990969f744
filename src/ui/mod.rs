//! The egui interface: the shell (`app`), what screens see of it (`command`), the screens, and
//! the kit (design tokens, widgets, clipboard). It reads state and sends commands; files,
//! keyring and network run in background jobs.

mod app;
pub mod command;
mod files;
pub mod jobs;
pub mod kit;
mod screens;

pub use app::{App, AppConfig};
pub use command::Opener;
