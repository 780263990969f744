//! `check [--json] [--notify] [НАЗВАНИЕ…]`: online checks and expiry, recorded; reminders.

use std::sync::Arc;

use chrono::Local;

use crate::integrations::ClientOptions;
use crate::model::Connection;
use crate::ops;
use crate::platform::jobs::Runner;

use super::list::{Row, print_rows, row};
use super::output::{failed, usage, warn};
use super::{Env, Fail, find};

/// Runs the online checks with bounded concurrency, saves the results, prints the standing.
pub(super) fn check(env: &Env, json: bool, names: &[String]) -> Result<u8, Fail> {
    let all = env.storage.list();
    let chosen: Vec<Connection> = if names.is_empty() {
        all.to_vec()
    } else {
        names
            .iter()
            .map(|n| find(env, n))
            .collect::<Result<_, _>>()?
    };
    let options = Arc::new(check_options()?);
    let runner =
        Runner::new().map_err(|e| failed(format!("не удалось запустить проверки: {e}")))?;
    let jobs = ops::check::checkable(&env.catalog, chosen.iter().cloned());
    let report = runner.block_on(ops::check::check_and_record(
        Arc::clone(&env.storage),
        options,
        jobs,
    ));
    if let Some(e) = report.record_error {
        return Err(failed(e.to_string()));
    }
    let after = env.storage.list();
    let rows: Vec<Row<'_>> = chosen
        .iter()
        .filter_map(|c| after.iter().find(|a| a.id == c.id))
        .map(|c| row(env, c))
        .collect();
    print_rows(&rows, json);
    Ok(u8::from(rows.iter().any(|r| r.needs_attention)))
}

/// The checks' client, with `KLYUCHNIK_CHECK_TIMEOUT` if set (a bad value is a usage error).
pub(super) fn check_options() -> Result<ClientOptions, Fail> {
    crate::platform::env::check_options().map_err(usage)
}

/// `check --notify`: one notification for the expiry reminders due today, each threshold of a
/// connection shown once (remembered in the data folder). Never fails the command: a missing
/// notification service is a warning.
pub(super) fn notify_expiry(env: &Env) {
    let Some(home) = crate::platform::env::home() else {
        return;
    };
    let record = crate::reminders::shown::ShownFile::open(&home);
    let shown = record.read();
    let today = Local::now().date_naive();
    let (due, next) = crate::reminders::collect(&env.storage.list(), &shown, today);
    if due.is_empty() {
        tracing::info!("check --notify: nothing due");
        return;
    }
    let (title, body) = crate::reminders::notification(&due, today, |c| {
        env.catalog
            .get(&c.flow)
            .and_then(|f| f.renew_advice.clone())
    });
    let urgent = due
        .iter()
        .any(|(_, t)| *t >= crate::reminders::Threshold::Days1);
    let note = crate::reminders::notify::Note {
        title,
        body,
        urgent,
    };
    // With one connection due the click opens the window on it; with several, on the list.
    let open = match due.as_slice() {
        [(c, _)] => Some(c.id.as_str()),
        _ => None,
    };
    match crate::reminders::notify::show_detached(&note, open) {
        Ok(()) => {
            tracing::info!(reminders = due.len(), "check --notify: notification shown");
            if let Err(e) = record.write(&next) {
                warn(&format!("не удалось запомнить показанные напоминания: {e}"));
            }
        }
        Err(e) => {
            tracing::warn!("check --notify: no notification: {e}");
            warn(&format!("уведомление не показано: {e}"));
        }
    }
}
