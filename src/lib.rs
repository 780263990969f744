//! Ключник: step-by-step setup of integration credentials, kept in the OS keyring.
//!
//! The layers, from the bottom (docs/architecture.md): `model` and `flow` are data and rules;
//! `store` keeps them (file and keyring); `integrations` knows each outside system; `ops` is
//! what the window and the command line both do; `reminders` and `platform` are the OS side;
//! `cli` and `ui` are the two faces.

pub mod cli;
pub mod flow;
pub mod integrations;
pub mod model;
pub mod ops;
pub mod platform;
pub mod reminders;
pub mod store;
pub mod ui;
