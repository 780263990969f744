//! Search, filters and sorting of the connection list — plain data, cached per change so a
//! list of 10,000 costs nothing on frames where nothing changed.

use chrono::NaiveDate;

use crate::flow::Catalog;
use crate::model::natural;
use crate::model::status::{self, Status};
use crate::model::{Connection, List};

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

/// What the list's filters need from one version of it, kept until the list changes.
#[derive(Debug, Default)]
pub struct Derived {
    /// The systems in the list, in natural order: the choices of the filter and the sort key.
    pub systems: Vec<String>,
    /// Each connection's searchable text in lower case, built at the first search: most
    /// people never search, and they need not pay for it in time or memory.
    haystacks: Option<Vec<Box<str>>>,
}

/// Separates the parts of a haystack; a search text containing it is matched part by part.
const SEP: char = '\u{1f}';

impl Derived {
    pub fn new(list: &List) -> Self {
        let set: std::collections::BTreeSet<&str> = list.iter().map(|c| &*c.system).collect();
        let mut systems: Vec<String> = set.into_iter().map(str::to_owned).collect();
        systems.sort_by(|a, b| natural::cmp(a, b));
        Self {
            systems,
            haystacks: None,
        }
    }

    fn haystacks(&mut self, list: &List) -> &[Box<str>] {
        self.haystacks.get_or_insert_with(|| {
            list.iter()
                .map(|c| {
                    let mut text = String::with_capacity(c.name.len() + c.system.len() + 64);
                    for part in searched(c) {
                        text.push_str(part);
                        text.push(SEP);
                    }
                    text.to_lowercase().into_boxed_str()
                })
                .collect()
        })
    }
}

/// What «Поиск» looks through: the name, the system and the non-secret values.
fn searched(c: &Connection) -> impl Iterator<Item = &str> {
    [c.name.as_str(), &c.system]
        .into_iter()
        .chain(c.fields.values())
}

/// The rows to show: indexes into the list, with each one's status.
pub fn select(
    list: &List,
    derived: &mut Derived,
    catalog: &Catalog,
    query: &Query,
    today: NaiveDate,
) -> Vec<(usize, Status)> {
    let needle = query.text.trim().to_lowercase();
    let haystacks = if needle.is_empty() || needle.contains(SEP) {
        None
    } else {
        Some(derived.haystacks(list))
    };
    let mut rows: Vec<(usize, Status)> = list
        .iter()
        .enumerate()
        .filter(|(_, c)| query.system.as_ref().is_none_or(|s| *c.system == **s))
        // Each word of the search is looked for on its own, in any field and order: «пвз
        // 10452» finds the ПВЗ whose name has one and whose code has the other.
        .filter(|(i, c)| {
            needle.split_whitespace().all(|word| match haystacks {
                Some(h) => h[*i].contains(word),
                None => searched(c).any(|v| v.to_lowercase().contains(word)),
            })
        })
        .map(|(i, c)| {
            let checkable = catalog.get(&c.flow).is_some_and(|f| f.check.is_some());
            (i, status::status(c, checkable, today))
        })
        .filter(|(_, s)| query.status.is_none_or(|want| *s == want))
        .collect();
    // Names were put in order once per version of the list: sorts compare numbers.
    let rank = list.rank();
    match query.sort {
        Sort::Attention => rows.sort_unstable_by_key(|&(i, s)| (s, rank[i])),
        Sort::Name => rows.sort_unstable_by_key(|&(i, _)| rank[i]),
        Sort::System => {
            let systems = &derived.systems;
            let place = |i: usize| systems.iter().position(|s| **s == *list[i].system);
            // The system's place is a search: once per row, not per comparison.
            rows.sort_by_cached_key(|&(i, _)| (place(i), rank[i]));
        }
        // Without an expiry last.
        Sort::Expiry => rows
            .sort_unstable_by_key(|&(i, _)| (list[i].expires.is_none(), list[i].expires, rank[i])),
    }
    rows
}

/// The start-up notice: what expires within [`status::SOON_DAYS`] days, soonest first.
pub fn expiring_soon(list: &List, today: NaiveDate) -> Option<String> {
    let soon = expiring(list, today);
    if soon.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = soon
        .iter()
        .take(EXPIRING_SHOWN)
        .map(|(c, d)| {
            // The same words as the notification of `klyuchnik check --notify`.
            crate::reminders::phrase(&c.name, *d, c.expires.unwrap_or(today))
        })
        .collect();
    if soon.len() > EXPIRING_SHOWN {
        parts.push(format!("и ещё {}", soon.len() - EXPIRING_SHOWN));
    }
    Some(format!(
        "Скоро истекают или истекли ({}): {}. Получите новые ключи заранее: «Обновить ключ».",
        soon.len(),
        parts.join("; ")
    ))
}

/// Names the expiry notice lists in full (and offers «Обновить ключ» for); the rest are
/// counted, so a short notice leaves room for the list.
pub const EXPIRING_SHOWN: usize = 3;

/// Connections expired or expiring within [`status::SOON_DAYS`], the soonest first (ties in
/// the list's order), with their days left. Paused setups have no key yet.
pub fn expiring(list: &List, today: NaiveDate) -> Vec<(&Connection, i64)> {
    let mut soon: Vec<(&Connection, i64, usize)> = list
        .iter()
        .zip(list.rank())
        .filter(|(c, _)| c.pending_step.is_none())
        .filter_map(|(c, &rank)| status::days_left(c, today).map(|d| (c, d, rank)))
        .filter(|(_, d, _)| *d <= status::SOON_DAYS)
        .collect();
    soon.sort_unstable_by_key(|&(_, d, rank)| (d, rank));
    soon.into_iter().map(|(c, d, _)| (c, d)).collect()
}
