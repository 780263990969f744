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

/// Fills every placeholder; `None` when a value is missing.
/// `text` with a saved connection's values in its placeholders (`{name}` is its name); a
/// value it does not have is shown as «…».
pub fn fill_from(text: &str, c: &crate::model::Connection) -> String {
    fill(text, |id| {
        Some(if id == "name" {
            c.name.clone()
        } else {
            c.fields.get(id).unwrap_or("…").to_owned()
        })
    })
    .unwrap_or_else(|| text.to_owned())
}

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
}
