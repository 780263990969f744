//! Ключник: step-by-step setup of integration credentials, kept in the OS keyring.

pub mod batch;
pub mod check;
pub mod cli;
pub mod export;
pub mod flow;
pub mod logging;
pub mod model;

pub mod notify;
pub mod ops;
pub mod os;
pub mod reminders;
pub mod schedule;

pub mod store;
pub mod ui;
pub mod wizard;
