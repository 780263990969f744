//! The outside systems, one module each: how to check a credential online, and what each
//! system reads or writes besides (Ivideon's camera list and SQL/CSV, Vision's ПВЗ list).

pub mod elma365;
mod http;
pub mod ivideon;
pub mod vision_pvz;

use std::collections::BTreeMap;

pub use http::{ClientOptions, MAX_RETRIES, Timeouts, client, retry_after};

pub use crate::model::{CheckRecord, Outcome, OutcomeKind, Service};
use crate::model::{Connection, Secret};

/// A check a flow may name with `check = "…"`: which service answers and what it needs.
#[derive(Debug)]
pub struct CheckSpec {
    pub name: &'static str,
    pub service: Service,
    /// Non-secret fields the check reads.
    pub fields: &'static [&'static str],
    /// Secret fields the check reads from the keyring.
    pub secrets: &'static [&'static str],
}

/// Every online check, by the name flow files use. Adding a system with a check adds a row.
pub const CHECKS: &[CheckSpec] = &[CheckSpec {
    name: "elma365",
    service: Service::Elma365,
    fields: &["address"],
    secrets: &["token"],
}];

/// The check a flow names.
pub fn check_named(name: &str) -> Option<&'static CheckSpec> {
    CHECKS.iter().find(|c| c.name == name)
}

/// Runs the check a flow names (`check = "…"`) with a connection's values.
pub async fn run_named(
    name: &str,
    options: &ClientOptions,
    fields: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, Secret>,
) -> Outcome {
    let client = match client(options) {
        Ok(c) => c,
        Err(o) => return o,
    };
    let run = async {
        match check_named(name)?.service {
            Service::Elma365 => {
                let (address, token) = (fields.get("address")?, secrets.get("token")?);
                Some(elma365::check(&client, options, address, token).await)
            }
            // Ivideon's camera list is a wizard action, not a saved connection's check.
            Service::Ivideon => None,
        }
    };
    run.await.unwrap_or_else(|| {
        Outcome::new(OutcomeKind::ServiceError, "для проверки не хватает данных")
    })
}

/// Checks a saved connection: its secrets are read with `read` (connection id, field) off the
/// async threads — it may block on the keyring — then [`run_named`] runs.
pub async fn check_saved(
    name: &str,
    options: &ClientOptions,
    connection: &Connection,
    read: impl Fn(&str, &str) -> Result<Secret, String> + Send + 'static,
) -> Outcome {
    let (_, secret_ids) = inputs_of(name);
    let id = connection.id.clone();
    let read = tokio::task::spawn_blocking(move || {
        secret_ids
            .iter()
            .map(|f| read(&id, f).map(|s| ((*f).to_owned(), s)))
            .collect::<Result<BTreeMap<_, _>, _>>()
    })
    .await;
    match read {
        Ok(Ok(values)) => run_named(name, options, &connection.fields.to_map(), &values).await,
        Ok(Err(e)) => Outcome::new(OutcomeKind::NoSecret, e),
        Err(_) => Outcome::new(
            OutcomeKind::NoSecret,
            "не удалось прочитать хранилище паролей",
        ),
    }
}

/// What a named check needs: (non-secret fields, secret fields).
pub fn inputs_of(name: &str) -> (&'static [&'static str], &'static [&'static str]) {
    check_named(name).map_or((&[], &[]), |c| (c.fields, c.secrets))
}

/// A service's own text, fit to show and to save: `None` when it repeats the secret in any
/// form — upper-cased, without hyphens or spaces — so it is dropped rather than redacted in part.
pub(crate) fn scrub(text: &str, secret: &str) -> Option<String> {
    fn squash(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }
    let (text_squashed, secret_squashed) = (squash(text), squash(secret));
    let echoed = text.contains(secret)
        || (secret_squashed.chars().count() >= 4 && text_squashed.contains(&secret_squashed));
    (!echoed).then(|| clip(text))
}

/// Keeps a service's message short enough for one line on screen.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 300;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
