//! Ключник: step-by-step setup of integration credentials, kept in the OS keyring.

pub mod batch;
pub mod check;
pub mod cli;
pub mod export;
pub mod flow;
pub mod logging;
pub mod natural;
pub mod notify;
pub mod os;
pub mod reminders;
pub mod schedule;
pub mod status;
pub mod store;
pub mod ui;
pub mod wizard;
