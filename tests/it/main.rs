//! Every integration test, in one binary: the library and its dependencies (eframe, wgpu,
//! reqwest, tokio) are linked once, not once per file. Each module is one area.
#![allow(clippy::unwrap_used)] // A panic is how a test reports failure.

mod support;

mod architecture;

mod check_elma365;
mod check_services;
mod cli;
mod clipboard;
mod concurrency;
mod docs_titles;
mod durability;
mod error_texts;
mod exports;
mod field_inputs;
mod flow_documents;
mod flows;
mod fuzz_loaders;
mod hostile_input;
mod keyring;
mod keyring_faults;
mod lock_and_backup;
mod notify;
mod secret_scan;
mod team_cluster;
mod team_oidc;
mod team_store;
mod theme_contrast;
mod ui_a11y;
mod ui_card;
mod ui_elma365;
mod ui_fit;
mod ui_home;
mod ui_keyboard;
mod ui_later;
mod ui_renew;
mod ui_team;
mod ui_vision_ellcom;
mod ui_wizards;
