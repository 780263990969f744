//! `{field}` placeholders in link addresses and texts.

use std::sync::LazyLock;

use regex::Regex;

#[expect(clippy::unwrap_used, reason = "a constant pattern, covered by tests")]
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{([a-z0-9_]+)\}").unwrap());

/// The field ids a template refers to.
pub fn placeholders(template: &str) -> Vec<&str> {
    PLACEHOLDER
        .captures_iter(template)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect()
}

/// `text` with a saved connection's values in its placeholders (`{name}` is its name); a
/// value it does not have is shown as «…». Dates, saved as ГГГГ-ММ-ДД, read as ДД.ММ.ГГГГ, as
/// in the wizard.
pub fn fill_from(text: &str, c: &crate::model::Connection) -> String {
    fill(text, |id| {
        Some(if id == "name" {
            c.name.clone()
        } else {
            let value = c.fields.get(id).unwrap_or("…");
            match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(date) if value.len() == 10 => date.format("%d.%m.%Y").to_string(),
                _ => value.to_owned(),
            }
        })
    })
    .unwrap_or_else(|| text.to_owned())
}

/// Fills every placeholder; `None` when a value is missing.
pub fn fill(template: &str, mut lookup: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut missing = false;
    let out = PLACEHOLDER.replace_all(template, |c: &regex::Captures<'_>| {
        let id = c.get(1).map_or("", |m| m.as_str());
        lookup(id).unwrap_or_else(|| {
            missing = true;
            String::new()
        })
    });
    (!missing).then(|| out.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_reports_missing() {
        assert_eq!(placeholders("{address}/admin/{x_1}"), ["address", "x_1"]);
        let got = fill("{address}/admin/tokens", |id| {
            (id == "address").then(|| "https://a.ru".into())
        });
        assert_eq!(got.as_deref(), Some("https://a.ru/admin/tokens"));
        assert_eq!(fill("{nope}", |_| None), None);
        assert_eq!(
            fill("no placeholders {}", |_| None).as_deref(),
            Some("no placeholders {}")
        );
    }

    #[test]
    fn saved_dates_read_as_people_write_them() {
        let mut c = crate::model::Connection::new("eis-token", "ЕИС", "x");
        c.fields.insert("expires", "2026-12-26");
        c.fields.insert("code", "2026-12-26-A");
        assert_eq!(
            fill_from("до {expires} ({code})", &c),
            "до 26.12.2026 (2026-12-26-A)"
        );
    }
}
