//! The catalogue of named actions and checks a flow file may reference.
//!
//! The behaviour lives in Rust (`crate::integrations`, the UI); the flow only names it. Loading a flow
//! rejects names that are not listed here, so a typo fails at start-up tests, not in front of a user.

/// An action button on a wizard page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub name: &'static str,
    /// Button label.
    pub label: &'static str,
}

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "check",
        label: "Проверить",
    },
    ActionSpec {
        name: "ivideon_cameras",
        label: "Заполнить из аккаунта Ivideon",
    },
    ActionSpec {
        name: "export_sql",
        label: "Сохранить SQL-скрипт…",
    },
    ActionSpec {
        name: "export_csv",
        label: "Сохранить файл для разработчиков (CSV)…",
    },
];

/// Online checks that connections can name with `check = "…"`.
pub const CHECKS: &[&str] = &["elma365"];

pub fn action(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|a| a.name == name)
}
