//! Where a saved connection stands: one place for the rules the home screen, the start-up
//! notice and `klyuchnik check` share.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::Connection;
use crate::model::{CheckRecord, OutcomeKind};

/// Expiry within this many days is announced at start-up and makes `check` ask for attention.
pub const SOON_DAYS: i64 = 30;
pub const VERY_SOON_DAYS: i64 = 7;

/// A connection's standing, worst first in `Ord`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Expired,
    ExpiresIn7Days,
    CheckFailed,
    /// Set up in part: awaits its token (a ПВЗ from a batch import).
    Pending,
    ExpiresIn30Days,
    NotChecked,
    /// Stored, but the service has no online check.
    Uncheckable,
    Ok,
}

impl Status {
    pub const ALL: [Self; 8] = [
        Self::Expired,
        Self::ExpiresIn7Days,
        Self::CheckFailed,
        Self::Pending,
        Self::ExpiresIn30Days,
        Self::NotChecked,
        Self::Uncheckable,
        Self::Ok,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Ok => "В порядке",
            Self::NotChecked => "Не проверялось",
            Self::Uncheckable => "Без проверки онлайн",
            Self::CheckFailed => "Проверка не прошла",
            Self::Pending => "Настройка не закончена",
            Self::ExpiresIn30Days => "Истекает в течение 30 дней",
            Self::ExpiresIn7Days => "Истекает в течение 7 дней",
            Self::Expired => "Срок истёк",
        }
    }

    /// [`Self::title`] said for the day: the last days of a key are named, not counted in a
    /// week («Истекает сегодня», not «в течение 7 дней»). `days_left` as [`days_left`] gives.
    pub fn title_on(self, days_left: Option<i64>) -> &'static str {
        match (self, days_left) {
            (Self::ExpiresIn7Days, Some(0)) => "Истекает сегодня",
            (Self::ExpiresIn7Days, Some(1)) => "Истекает завтра",
            _ => self.title(),
        }
    }

    /// Whether someone should act on it (what `klyuchnik check` exits 1 for).
    pub fn needs_attention(self) -> bool {
        !matches!(self, Self::Ok | Self::NotChecked | Self::Uncheckable)
    }
}

/// Days until the connection expires (negative: expired that many days ago).
pub fn days_left(connection: &Connection, today: NaiveDate) -> Option<i64> {
    connection.expires.map(|d| (d - today).num_days())
}

/// Said wherever a connection's standing is shown when one of its addresses is plain http.
pub const PLAIN_HTTP_NOTE: &str = "адрес без https: токен идёт по сети открытым текстом";

/// Whether any address of `connection` is plain http (allowed only with a warning).
pub fn plain_http(connection: &Connection) -> bool {
    connection.fields.values().any(|v| v.starts_with("http://"))
}

/// The standing of `connection` today. Expiry outranks the last check: an expired token is
/// expired even if it worked yesterday. A connection whose flow has no online check has no
/// check result either, even if an older version saved one (ЕИС identifiers were once
/// "checked" against a service that could not judge them).
pub fn status(connection: &Connection, checkable: bool, today: NaiveDate) -> Status {
    if connection.pending_step.is_some() {
        return Status::Pending;
    }
    match days_left(connection, today) {
        Some(d) if d < 0 => return Status::Expired,
        Some(d) if d <= VERY_SOON_DAYS => return Status::ExpiresIn7Days,
        _ => {}
    }
    let checked = last_check(connection, checkable).map(|r| r.kind);
    if checked.is_some_and(|k| k != OutcomeKind::Ok) {
        return Status::CheckFailed;
    }
    if days_left(connection, today).is_some_and(|d| d <= SOON_DAYS) {
        return Status::ExpiresIn30Days;
    }
    match (checked, checkable) {
        (Some(_), _) => Status::Ok,
        (None, true) => Status::NotChecked,
        (None, false) => Status::Uncheckable,
    }
}

/// The last check result that still means something: none for a flow without a check.
pub fn last_check(connection: &Connection, checkable: bool) -> Option<&CheckRecord> {
    connection.last_check.as_ref().filter(|_| checkable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(expires: Option<NaiveDate>, check: Option<OutcomeKind>) -> Connection {
        Connection {
            id: "x".into(),
            tables: std::collections::BTreeMap::default(),
            expires,
            last_check: check.map(|kind| CheckRecord {
                at: chrono::Utc::now(),
                kind,
                detail: None,
            }),
            ..Connection::new("eis-token", "ЕИС", "x")
        }
    }

    #[test]
    fn expiry_outranks_the_last_check() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let day = |n: i64| Some(today + chrono::Duration::days(n));
        assert_eq!(
            status(&conn(day(-1), Some(OutcomeKind::Ok)), true, today),
            Status::Expired
        );
        assert_eq!(
            status(&conn(day(0), None), true, today),
            Status::ExpiresIn7Days
        );
        assert_eq!(
            status(&conn(day(7), None), true, today),
            Status::ExpiresIn7Days
        );
        assert_eq!(
            status(&conn(day(8), Some(OutcomeKind::Ok)), true, today),
            Status::ExpiresIn30Days
        );
        assert_eq!(
            status(&conn(day(30), None), true, today),
            Status::ExpiresIn30Days
        );
        assert_eq!(
            status(&conn(day(31), Some(OutcomeKind::Ok)), true, today),
            Status::Ok
        );
        assert_eq!(
            status(&conn(day(20), Some(OutcomeKind::Rejected)), true, today),
            Status::CheckFailed
        );
        assert_eq!(status(&conn(None, None), true, today), Status::NotChecked);
        assert_eq!(status(&conn(None, None), false, today), Status::Uncheckable);
        // The last days are named.
        let said = |n: i64| {
            let c = conn(day(n), None);
            status(&c, true, today).title_on(days_left(&c, today))
        };
        assert_eq!(said(0), "Истекает сегодня");
        assert_eq!(said(1), "Истекает завтра");
        assert_eq!(said(2), "Истекает в течение 7 дней");
        assert_eq!(said(-1), "Срок истёк");
        assert!(Status::ExpiresIn30Days.needs_attention() && !Status::NotChecked.needs_attention());
        // A result saved by an older version for a flow that has no check any more is ignored.
        assert_eq!(
            status(&conn(day(200), Some(OutcomeKind::Rejected)), false, today),
            Status::Uncheckable
        );
        assert_eq!(
            status(&conn(day(20), Some(OutcomeKind::Ok)), false, today),
            Status::ExpiresIn30Days
        );
    }
}
