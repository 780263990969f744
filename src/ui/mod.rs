//! The egui interface: shell, home screen, wizard page renderer, widgets and design tokens.
//! It reads state and sends commands; files, keyring and network run in background jobs.

mod app;
pub mod clipboard;
mod home;
mod picker;
mod reminder_switch;
pub mod theme;
pub mod widgets;
mod wizard_page;

pub use app::{App, AppConfig, Opener};
