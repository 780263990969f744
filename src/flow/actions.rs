//! The actions and checks a flow file may name.
//!
//! The behaviour lives in Rust (`crate::integrations`, the UI); the flow only names it. A name
//! that is not listed here fails when the flow is read, so a typo fails at start-up tests, not
//! in front of a user.

use serde::{Deserialize, Deserializer};

/// An action button on a wizard page (`actions = ["check"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// «Проверить»: the flow's online check on the typed values.
    Check,
    /// «Заполнить из аккаунта Ivideon»: the account's cameras into the table.
    IvideonCameras,
    /// Ivideon's SQL script for `ivideon_cameras.direction`.
    ExportSql,
    /// The same table as CSV.
    ExportCsv,
}

impl Action {
    pub const ALL: [Self; 4] = [
        Self::Check,
        Self::IvideonCameras,
        Self::ExportSql,
        Self::ExportCsv,
    ];

    /// The name flow files use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Check => "check",
            Self::IvideonCameras => "ivideon_cameras",
            Self::ExportSql => "export_sql",
            Self::ExportCsv => "export_csv",
        }
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Check => "Проверить",
            Self::IvideonCameras => "Заполнить из аккаунта Ivideon",
            Self::ExportSql => "Сохранить SQL-скрипт…",
            Self::ExportCsv => "Сохранить файл для разработчиков (CSV)…",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("неизвестное действие «{name}»")))
    }
}

/// Online checks that connections can name with `check = "…"`.
pub const CHECKS: &[&str] = &["elma365"];
