//! When to remind about an expiry: 30, 7 and 1 days before it, and once it has passed — one
//! reminder per connection per threshold, so a daily run does not nag.

pub mod notify;
pub mod schedule;
pub mod shown;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Connection;

/// A step on the way to expiry, from the earliest to the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Days30,
    Days7,
    Days1,
    Expired,
}

impl Threshold {
    /// The threshold reached with `days_left` days to go (negative: expired), if any.
    pub fn reached(days_left: i64) -> Option<Self> {
        match days_left {
            d if d < 0 => Some(Self::Expired),
            d if d <= 1 => Some(Self::Days1),
            d if d <= crate::model::status::VERY_SOON_DAYS => Some(Self::Days7),
            d if d <= crate::model::status::SOON_DAYS => Some(Self::Days30),
            _ => None,
        }
    }
}

/// The last reminder shown for a connection: for which expiry date and which threshold. A new
/// expiry date (a renewed token) starts the thresholds again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminded {
    pub expires: NaiveDate,
    pub threshold: Threshold,
}

/// The reminder due for `connection` today, if one is: a threshold reached and more urgent
/// than the last one shown for the same expiry date. A clock set back only makes the
/// threshold less urgent, so it never repeats a reminder.
pub fn due(connection: &Connection, last: Option<Reminded>, today: NaiveDate) -> Option<Threshold> {
    let expires = connection.expires?;
    let reached = Threshold::reached((expires - today).num_days())?;
    match last {
        Some(r) if r.expires == expires && r.threshold >= reached => None,
        _ => Some(reached),
    }
}

/// How an expiry reads in a sentence, the same in the start-up notice and in a notification:
/// «name» — через 5 дн., 07.12.2026 / — истекает сегодня / — срок истёк 01.12.2026.
pub fn phrase(name: &str, days_left: i64, expires: NaiveDate) -> String {
    let date = expires.format("%d.%m.%Y");
    match days_left {
        d if d < 0 => format!("«{name}» — срок истёк {date}"),
        0 => format!("«{name}» — истекает сегодня"),
        d => format!("«{name}» — через {d} дн., {date}"),
    }
}

/// Reminders shown so far, per connection id; kept in the data folder.
pub type Shown = std::collections::BTreeMap<String, Reminded>;

/// The reminders due today for `list`, most urgent first, and the record to keep after
/// showing them.
pub fn collect(
    list: &[Connection],
    shown: &Shown,
    today: NaiveDate,
) -> (Vec<(Connection, Threshold)>, Shown) {
    let mut due_now: Vec<(Connection, Threshold)> = list
        .iter()
        .filter_map(|c| due(c, shown.get(&c.id).copied(), today).map(|t| (c.clone(), t)))
        .collect();
    due_now.sort_by_key(|(c, t)| (std::cmp::Reverse(*t), c.expires));
    let mut next: Shown = shown
        .iter()
        .filter(|(id, _)| list.iter().any(|c| &c.id == *id))
        .map(|(id, r)| (id.clone(), *r))
        .collect();
    for (c, t) in &due_now {
        if let Some(expires) = c.expires {
            next.insert(
                c.id.clone(),
                Reminded {
                    expires,
                    threshold: *t,
                },
            );
        }
    }
    (due_now, next)
}

/// Where a new key is entered, for a flow without its own advice.
pub const RENEW_ADVICE: &str =
    "Новый ключ вводится кнопкой «Обновить ключ» в карточке подключения.";

/// Title and text of the one notification a run shows: what, which connections, how many days,
/// what to do. `advice` gives a connection's flow's own words on where a new key comes from and
/// goes (the flow file's `renew_advice`).
pub fn notification(
    due_now: &[(Connection, Threshold)],
    today: NaiveDate,
    advice: impl Fn(&Connection) -> Option<String>,
) -> (String, String) {
    const SHOWN: usize = 3;
    let expired = due_now
        .iter()
        .filter(|(_, t)| *t == Threshold::Expired)
        .count();
    let title = if expired > 0 {
        format!(
            "Ключник: истёк срок ключей — {expired} из {}",
            due_now.len()
        )
    } else {
        format!("Ключник: скоро истекает срок ключей — {}", due_now.len())
    };
    let mut lines: Vec<String> = due_now
        .iter()
        .take(SHOWN)
        .filter_map(|(c, _)| {
            let e = c.expires?;
            Some(phrase(&c.name, (e - today).num_days(), e))
        })
        .collect();
    if due_now.len() > SHOWN {
        lines.push(format!("и ещё {}", due_now.len() - SHOWN));
    }
    let mut advices: Vec<String> = due_now.iter().filter_map(|(c, _)| advice(c)).collect();
    advices.dedup();
    if advices.is_empty() {
        advices.push(RENEW_ADVICE.to_owned());
    }
    lines.push(format!(
        "Получите новые ключи заранее. {}",
        advices.join(" ")
    ));
    (title, lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expiring(on: NaiveDate) -> Connection {
        Connection {
            id: "c".into(),
            expires: Some(on),
            ..Connection::new("eis-token", "ЕИС → РИС", "ЕИС — РИС")
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, d).unwrap_or_default()
    }

    #[test]
    fn thresholds_at_30_7_1_days_and_expired() {
        assert_eq!(Threshold::reached(31), None);
        assert_eq!(Threshold::reached(30), Some(Threshold::Days30));
        assert_eq!(Threshold::reached(8), Some(Threshold::Days30));
        assert_eq!(Threshold::reached(7), Some(Threshold::Days7));
        assert_eq!(Threshold::reached(2), Some(Threshold::Days7));
        assert_eq!(Threshold::reached(1), Some(Threshold::Days1));
        assert_eq!(Threshold::reached(0), Some(Threshold::Days1));
        assert_eq!(Threshold::reached(-1), Some(Threshold::Expired));
    }

    #[test]
    fn once_per_threshold_and_again_after_renewal() {
        let c = expiring(day(31));
        let shown = |threshold| {
            Some(Reminded {
                expires: day(31),
                threshold,
            })
        };
        assert_eq!(due(&c, None, day(1)), Some(Threshold::Days30));
        assert_eq!(
            due(&c, shown(Threshold::Days30), day(2)),
            None,
            "a day later: quiet"
        );
        assert_eq!(
            due(&c, shown(Threshold::Days30), day(24)),
            Some(Threshold::Days7)
        );
        assert_eq!(
            due(&c, shown(Threshold::Days7), day(30)),
            Some(Threshold::Days1)
        );
        assert_eq!(
            due(&expiring(day(20)), shown(Threshold::Expired), day(25)),
            Some(Threshold::Expired),
            "another expiry date starts again"
        );
    }

    #[test]
    fn a_clock_set_back_does_not_repeat() {
        let c = expiring(day(31));
        let shown = Some(Reminded {
            expires: day(31),
            threshold: Threshold::Days7,
        });
        assert_eq!(
            due(&c, shown, day(3)),
            None,
            "back to 28 days: already past that"
        );
        assert_eq!(due(&c, shown, day(25)), None);
    }
}
