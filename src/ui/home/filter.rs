//! Search, filters and sorting of the connection list — plain data, cached per change so a
//! list of 10,000 costs nothing on frames where nothing changed.

use chrono::NaiveDate;

use crate::flow::Catalog;
use crate::status::{self, Status};
use crate::store::Connection;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// What needs attention first, then by name.
    #[default]
    Attention,
    Name,
    System,
    Expiry,
}

impl Sort {
    pub const ALL: [Self; 4] = [Self::Attention, Self::Name, Self::System, Self::Expiry];

    pub fn title(self) -> &'static str {
        match self {
            Self::Attention => "сначала требующие внимания",
            Self::Name => "по названию",
            Self::System => "по системе",
            Self::Expiry => "по сроку действия",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Matched against the name, the system and the non-secret values (e-mail, code, address…).
    pub text: String,
    pub system: Option<String>,
    pub status: Option<Status>,
    pub sort: Sort,
}

/// The rows to show: indexes into the list, with each one's status.
pub fn select(
    list: &[Connection],
    catalog: &Catalog,
    query: &Query,
    today: NaiveDate,
) -> Vec<(usize, Status)> {
    let needle = query.text.trim().to_lowercase();
    let mut rows: Vec<(usize, Status)> = list
        .iter()
        .enumerate()
        .filter(|(_, c)| query.system.as_ref().is_none_or(|s| &c.system == s))
        .filter(|(_, c)| {
            needle.is_empty()
                || c.name.to_lowercase().contains(&needle)
                || c.system.to_lowercase().contains(&needle)
                || c.fields
                    .values()
                    .any(|v| v.to_lowercase().contains(&needle))
        })
        .map(|(i, c)| {
            let checkable = catalog.get(&c.flow).is_some_and(|f| f.check.is_some());
            (i, status::status(c, checkable, today))
        })
        .filter(|(_, s)| query.status.is_none_or(|want| *s == want))
        .collect();
    let name = |i: usize| natural_key(&list[i].name);
    match query.sort {
        Sort::Attention => rows.sort_by_cached_key(|(i, s)| (*s, name(*i))),
        Sort::Name => rows.sort_by_cached_key(|(i, _)| name(*i)),
        Sort::System => {
            rows.sort_by_cached_key(|(i, _)| (natural_key(&list[*i].system), name(*i)));
        }
        // Without an expiry last.
        Sort::Expiry => rows
            .sort_by_cached_key(|(i, _)| (list[*i].expires.is_none(), list[*i].expires, name(*i))),
    }
    rows
}

/// One piece of a name for sorting: a run of digits compares by value, other text by letters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chunk {
    /// Digits without leading zeros, as (how many, the digits): fewer digits is a smaller
    /// number, so any length compares right without parsing.
    Number(usize, String),
    Text(String),
}

/// The key that sorts names as people expect: «ПВЗ 2» before «ПВЗ 10», case ignored.
pub fn natural_key(name: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digits = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digits {
                break;
            }
            run.extend(c.to_lowercase());
            chars.next();
        }
        out.push(if digits {
            let trimmed = run.trim_start_matches('0');
            Chunk::Number(trimmed.len(), trimmed.to_owned())
        } else {
            Chunk::Text(run)
        });
    }
    out
}

/// The start-up notice: what expires within [`status::SOON_DAYS`] days, soonest first.
pub fn expiring_soon(list: &[Connection], today: NaiveDate) -> Option<String> {
    /// Names listed in full; the rest are counted (a short notice leaves room for the list).
    const SHOWN: usize = 3;
    let mut soon: Vec<(&Connection, i64)> = list
        .iter()
        .filter_map(|c| status::days_left(c, today).map(|d| (c, d)))
        .filter(|(_, d)| *d <= status::SOON_DAYS)
        .collect();
    if soon.is_empty() {
        return None;
    }
    soon.sort_by_cached_key(|(c, d)| (*d, natural_key(&c.name)));
    let mut parts: Vec<String> = soon
        .iter()
        .take(SHOWN)
        .map(|(c, d)| {
            // The same words as the notification of `klyuchnik check --notify`.
            crate::reminders::phrase(&c.name, *d, c.expires.unwrap_or(today))
        })
        .collect();
    if soon.len() > SHOWN {
        parts.push(format!("и ещё {}", soon.len() - SHOWN));
    }
    Some(format!(
        "Скоро истекают или истекли ({}): {}. Получите новые ключи заранее.",
        soon.len(),
        parts.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn numbers_in_names_sort_by_value() {
        let mut names = vec![
            "клиент 1000",
            "клиент 10",
            "Клиент 2",
            "клиент 1",
            "клиент 100",
            "ПВЗ 007",
            "ПВЗ 10",
            "пвз 9",
            "ELMA365 — склад",
            "ELMA365 — 1С",
        ];
        names.sort_by_cached_key(|n| natural_key(n));
        assert_eq!(
            names,
            [
                "ELMA365 — 1С",
                "ELMA365 — склад",
                "клиент 1",
                "Клиент 2",
                "клиент 10",
                "клиент 100",
                "клиент 1000",
                "ПВЗ 007",
                "пвз 9",
                "ПВЗ 10",
            ]
        );
        // Very long digit runs do not overflow.
        assert!(
            natural_key("a 99999999999999999999999999")
                < natural_key("a 100000000000000000000000000")
        );
    }
}
