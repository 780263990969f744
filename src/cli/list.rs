//! `list [--json]`: the saved connections and their standing.

use chrono::{Local, Utc};
use serde::Serialize;

use crate::model::Connection;
use crate::model::OutcomeKind;
use crate::model::status::{self, Status};
use crate::ops::transfer::printable;

use super::Env;
use super::output::say;

#[derive(Serialize)]
pub(super) struct Row<'a> {
    name: &'a str,
    system: &'a str,
    flow: &'a str,
    status: Status,
    status_text: &'static str,
    pub(super) needs_attention: bool,
    last_check: Option<CheckJson>,
    /// For a flow without an online check: why, and how the connection is followed instead;
    /// for an address without https, that the token travels in clear text.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    expires: Option<chrono::NaiveDate>,
    days_left: Option<i64>,
}

#[derive(Serialize)]
pub(super) struct CheckJson {
    pub(super) at: chrono::DateTime<Utc>,
    result: OutcomeKind,
    pub(super) result_text: &'static str,
    pub(super) detail: Option<String>,
}

impl CheckJson {
    pub(super) fn of(r: &crate::model::CheckRecord) -> Self {
        Self {
            at: r.at,
            result: r.kind,
            result_text: r.kind.title(),
            detail: r.detail.clone(),
        }
    }
}

pub(super) fn row<'a>(env: &Env, c: &'a Connection) -> Row<'a> {
    let today = Local::now().date_naive();
    let flow = env.catalog.get(&c.flow);
    let checkable = flow.is_some_and(|f| f.check.is_some());
    let st = status::status(c, checkable, today);
    let days_left = status::days_left(c, today);
    Row {
        name: &c.name,
        system: &c.system,
        flow: &c.flow,
        status: st,
        status_text: st.title_on(days_left),
        needs_attention: st.needs_attention(),
        last_check: status::last_check(c, checkable).map(CheckJson::of),
        note: {
            let unchecked = flow
                .filter(|_| !checkable)
                .and_then(|f| f.unchecked_note.clone());
            // Said at every listing, not only once in the wizard.
            let plain = status::plain_http(c).then(|| status::PLAIN_HTTP_NOTE.to_owned());
            match (unchecked, plain) {
                (Some(a), Some(b)) => Some(format!("{a} Внимание: {b}.")),
                (a, b) => a.or(b),
            }
        },
        expires: c.expires,
        days_left,
    }
}

pub(super) fn print_rows(rows: &[Row<'_>], json: bool) {
    if json {
        say(&serde_json::to_string_pretty(rows).unwrap_or_default());
        return;
    }
    if rows.is_empty() {
        say_fmt!("Подключений нет.");
    }
    for r in rows {
        let expires = r
            .expires
            .map(|d| format!(", до {}", d.format("%d.%m.%Y")))
            .unwrap_or_default();
        let check = r.last_check.as_ref().map_or(String::new(), |c| {
            let detail = c
                .detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!(
                "; проверка {}: {}{detail}",
                c.at.with_timezone(&Local).format("%d.%m.%Y %H:%M"),
                c.result_text
            )
        });
        let note = r
            .note
            .as_deref()
            .map(|n| format!(". {n}"))
            .unwrap_or_default();
        // A name or a server's text never reaches the terminal with control characters in
        // it: an escape sequence could clear the screen or forge a «В порядке» line.
        say_fmt!(
            "{}",
            printable(&format!(
                "{} — {}: {}{expires}{check}{note}",
                r.name, r.system, r.status_text
            ))
        );
    }
}

pub(super) fn list(env: &Env, json: bool) -> u8 {
    let list = env.storage.list();
    let rows: Vec<Row<'_>> = list.iter().map(|c| row(env, c)).collect();
    print_rows(&rows, json);
    0
}
