//! Field values: what the user typed, checked and normalised by the rules in the flow data.
//!
//! The same function serves the wizard (as you type) and, later, the CLI, so both accept
//! exactly the same input.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use chrono::NaiveDate;
use regex::Regex;

use super::model::{Field, FieldKind, SecretFormat};

/// Default length limit; keeps every secret well under Windows' 2,560-byte credential limit.
pub const DEFAULT_MAX_LEN: usize = 1000;

/// The result of checking one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing typed (only spaces count as nothing).
    Empty,
    /// Acceptable; `value` is the normalised form to store, `note` tells what was changed,
    /// `warning` what looks unusual without being known to be wrong (a guessed format).
    Valid {
        value: String,
        note: Option<String>,
        warning: Option<String>,
    },
    /// Not acceptable; a Russian message that says what is wrong and how to fix it.
    Invalid(String),
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }

    /// The value to store: `Some` when valid, `None` when empty; the message when invalid.
    pub fn normalised(self) -> Result<Option<String>, String> {
        match self {
            Self::Valid { value, .. } => Ok(Some(value)),
            Self::Empty => Ok(None),
            Self::Invalid(msg) => Err(msg),
        }
    }

    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Valid { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The message to show next to the field, if any: an error, or for a required
    /// field that is empty, a request to fill it.
    pub fn error(&self, field: &Field) -> Option<String> {
        match self {
            Self::Invalid(msg) => Some(msg.clone()),
            Self::Empty if field.required => Some(format!("Заполните поле «{}».", field.label)),
            _ => None,
        }
    }

    /// Acceptable for moving on: valid, or empty and optional.
    pub fn passes(&self, field: &Field) -> bool {
        match self {
            Self::Valid { .. } => true,
            Self::Empty => !field.required,
            Self::Invalid(_) => false,
        }
    }
}

/// Checks `raw` against the rules of `field`. `today` is passed in so tests can fix it.
pub fn check(field: &Field, raw: &str, today: NaiveDate) -> Verdict {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Verdict::Empty;
    }
    let max = field.max_len.unwrap_or(DEFAULT_MAX_LEN);
    let len = trimmed.chars().count();
    if len > max {
        return Verdict::Invalid(format!(
            "Слишком длинное значение: {len} символов, допустимо не больше {max}."
        ));
    }
    if let Some(hidden) = crate::model::invisible::first_hidden(trimmed) {
        return Verdict::Invalid(hidden_message(hidden));
    }
    // A password is kept as typed: spaces at its edges may be part of
    // it. Only a pasted line ending is removed, and edge spaces are pointed out instead.
    let keep_as_typed =
        field.kind == FieldKind::Secret && field.format == Some(SecretFormat::Password);
    if keep_as_typed {
        let value = raw.trim_end_matches(['\r', '\n']);
        let warning = (value != value.trim()).then(|| {
            format!(
                "В начале или в конце поля «{}» есть пробелы — они сохранятся как часть значения. \
                 Если они попали случайно, уберите их.",
                field.label
            )
        });
        return Verdict::Valid {
            value: value.to_owned(),
            note: None,
            warning,
        };
    }
    let trim_note = (trimmed.len() != raw.len())
        .then(|| "Пробелы и переносы строк по краям убраны.".to_owned());

    // A shape rule that is a guess (no document describes the format) warns instead of refusing:
    // the user's real value may look different.
    let shape = |checked: Checked| match checked {
        Err(msg) if field.format_is_assumed() => {
            Ok((trimmed.to_owned(), None, Some(assumed(&msg))))
        }
        Ok((value, note)) => Ok((value, note, None)),
        Err(msg) => Err(msg),
    };
    let checked = match field.kind {
        FieldKind::Text | FieldKind::Table => Ok((trimmed.to_owned(), None, None)),
        FieldKind::Secret => match field.format.unwrap_or(SecretFormat::Text) {
            SecretFormat::Text | SecretFormat::Password => Ok((trimmed.to_owned(), None, None)),
            SecretFormat::Uuid => shape(uuid(trimmed, &field.label)),
        },
        FieldKind::Uuid => shape(uuid(trimmed, &field.label)),
        // An address that is no address is wrong whatever the source: these always refuse.
        FieldKind::Email => email(trimmed).map(|(v, n)| (v, n, None)),
        FieldKind::Url => url(trimmed, field.company_domain.as_deref()),
        FieldKind::Date => date(trimmed, field.future, today).map(|(v, n)| (v, n, None)),
        FieldKind::Digits => shape(digits(trimmed, &field.label)),
        FieldKind::Choice => choice(trimmed, field).map(|(v, n)| (v, n, None)),
    };
    let (value, note, mut warning) = match checked {
        Ok(ok) => ok,
        Err(msg) => return Verdict::Invalid(msg),
    };
    if let Some(pattern) = &field.pattern
        && !pattern_matches(pattern, &value)
    {
        let msg = field
            .pattern_message
            .clone()
            .unwrap_or_else(|| format!("Значение поля «{}» имеет неверный вид.", field.label));
        if !field.format_is_assumed() {
            return Verdict::Invalid(msg);
        }
        warning.get_or_insert(assumed(&msg));
    }
    let note = match (trim_note, note) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    };
    Verdict::Valid {
        value,
        note,
        warning,
    }
}

/// Why a value that fails an assumed format rule is still accepted. Screens show it under
/// «Подробнее», after the one sentence on what is probably wrong; the command line prints both.
pub const ASSUMED_NOTE: &str = "Формат этого значения не описан в инструкции — это \
    предположение Ключника, поэтому значение принято. Если вы скопировали его целиком и в \
    системе оно именно такое, всё в порядке.";

/// The warning for a value that fails a format rule Ключник only assumes.
fn assumed(msg: &str) -> String {
    format!("Обратите внимание: {msg} {ASSUMED_NOTE}")
}

/// Patterns from flow files, compiled once: fields are checked on every frame.
static PATTERNS: LazyLock<Mutex<HashMap<String, Option<Regex>>>> = LazyLock::new(Mutex::default);

fn pattern_matches(pattern: &str, value: &str) -> bool {
    let mut cache = PATTERNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Patterns are checked when the flow is loaded, so a bad one only comes from a hand-made
    // field; it matches nothing.
    let re = cache
        .entry(pattern.to_owned())
        .or_insert_with(|| Regex::new(pattern).ok());
    re.as_ref().is_some_and(|re| re.is_match(value))
}

/// Why a value with a character that does not show is refused, naming the character by its
/// code (the value itself may be a secret).
fn hidden_message(hidden: crate::model::invisible::Hidden) -> String {
    format!(
        "Значение содержит {}: на экране его не видно, и значение выглядит не тем, что в нём \
         на самом деле. Введите значение заново вручную.",
        hidden.describe()
    )
}

type Checked = Result<(String, Option<String>), String>;

fn uuid(s: &str, label: &str) -> Checked {
    let inner = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s)
        .trim();
    // Only the hyphenated form: it is what every system shows, and it keeps a short random
    // word from passing as an identifier.
    let shaped = inner.len() == 36 && inner.chars().filter(|&c| c == '-').count() == 4;
    match uuid::Uuid::try_parse(inner) {
        Ok(id) if shaped => {
            let value = id.hyphenated().to_string();
            let note = (value != s)
                .then(|| "Приведено к виду xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.".to_owned());
            Ok((value, note))
        }
        _ => Err(format!(
            "«{label}» ожидается в виде 8-4-4-4-12 знаков (цифры 0–9 и латинские буквы a–f), \
             например 3f2504e0-4f89-11d3-9a0c-0305e82c3301. Скопируйте значение целиком."
        )),
    }
}

fn email(s: &str) -> Checked {
    let bad = || {
        Err(
            "Адрес электронной почты должен выглядеть так: name@example.ru (без пробелов)."
                .to_owned(),
        )
    };
    let Some((local, domain)) = s.split_once('@') else {
        return bad();
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-'".contains(c));
    if domain_ok && local_ok {
        Ok((s.to_owned(), None))
    } else {
        bad()
    }
}

/// Cloud services that answer only over https: ELMA365's company addresses (`*.elma365.ru`,
/// docs/sources/elma365-tokens.md) and Ivideon's API (`api.ivideon.com`, Ivideon API documentation). A plain
/// `http://` address there would send the token in clear text over the internet.
const HTTPS_ONLY: [&str; 3] = ["elma365.ru", "elma365.com", "ivideon.com"];

/// The warning shown for a plain-http address (and kept in the connection's status).
pub const PLAIN_HTTP_WARNING: &str = "Адрес начинается с http:// — соединение без шифрования, \
    токен пойдёт по сети открытым текстом. Так можно только для сервера в вашей локальной сети; \
    если у адреса есть https://, введите его.";

fn url(
    s: &str,
    company_domain: Option<&str>,
) -> Result<(String, Option<String>, Option<String>), String> {
    if let Some(domain) = company_domain {
        let is_bare_name =
            s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !s.starts_with('-');
        if is_bare_name {
            let value = format!("https://{}.{domain}", s.to_ascii_lowercase());
            return Ok((
                value.clone(),
                Some(format!("Адрес компании: {value}")),
                None,
            ));
        }
    }
    let with_scheme = if s.contains("://") {
        s.to_owned()
    } else {
        format!("https://{s}")
    };
    let example = company_domain.map_or_else(
        || "https://example.ru".to_owned(),
        |d| format!("https://company.{d} — или имя компании из адресной строки браузера (то, что перед .{d})"),
    );
    let bad = || {
        Err(format!(
            "Это не похоже на адрес сайта. Введите адрес вида {example}."
        ))
    };
    let Ok(parsed) = url::Url::parse(&with_scheme) else {
        return bad();
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return bad();
    }
    let Some(host) = parsed.host_str() else {
        return bad();
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // In «https://name@host» the server is what follows «@»; a pasted address like that
        // hides where the token would go.
        return Err(format!(
            "В адресе есть «…@» перед сервером: настоящий сервер здесь — «{host}». Введите адрес \
             без имени и пароля перед «@»."
        ));
    }
    let host_lower = host.to_ascii_lowercase();
    let cloud = HTTPS_ONLY
        .iter()
        .chain(company_domain.iter())
        .find(|d| host_lower == **d || host_lower.ends_with(&format!(".{d}")));
    let plain_http = parsed.scheme() == "http";
    if plain_http && let Some(domain) = cloud {
        return Err(format!(
            "Ключник отправляет токен на адреса {domain} только по https: введите адрес, \
             начинающийся с https://."
        ));
    }
    let warning = plain_http.then(|| PLAIN_HTTP_WARNING.to_owned());
    if !host.contains('.')
        && host != "localhost"
        && parsed
            .host()
            .is_some_and(|h| matches!(h, url::Host::Domain(_)))
    {
        return bad();
    }
    if company_domain.is_some() {
        // A company address is the site's origin; the API paths are added to it.
        let origin = parsed.origin().ascii_serialization();
        let note = (parsed.path() != "/" || parsed.query().is_some())
            .then(|| format!("Берётся только адрес сайта: {origin}"));
        return Ok((origin, note, warning));
    }
    let value = parsed.as_str().trim_end_matches('/').to_owned();
    Ok((value, None, warning))
}

/// Parses `dd.mm.yyyy` or `yyyy-mm-dd`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = date_parts(s)?;
    NaiveDate::from_ymd_opt(y, m, d).filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
}

/// Year, month and day of the ways people write a date: 31.12.2027, 31/12/2027, 31-12-2027,
/// 31 12 2027, 31.12.27, 31122027, 311227, and 2027-12-31 as Ключник stores it. A two-digit
/// year is 20xx (an expiry date). No check that the day exists: that is [`parse_date`]'s.
fn date_parts(s: &str) -> Option<(i32, u32, u32)> {
    let parts: Vec<&str> = s
        .trim()
        .split(['.', '/', '-', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let num = |p: &str| p.parse::<u32>().ok();
    let year = |p: &str| {
        let y = i32::try_from(num(p)?).ok()?;
        match p.len() {
            2 => Some(2000 + y),
            4 => Some(y),
            _ => None,
        }
    };
    let short = |p: &str| (1..=2).contains(&p.len());
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && short(m) && short(d) => Some((year(y)?, num(m)?, num(d)?)),
        [d, m, y] if short(d) && short(m) => Some((year(y)?, num(m)?, num(d)?)),
        [all] if all.len() == 8 || all.len() == 6 => {
            Some((year(&all[4..])?, num(&all[2..4])?, num(&all[..2])?))
        }
        _ => None,
    }
}

fn date(s: &str, future: bool, today: NaiveDate) -> Checked {
    let Some(d) = parse_date(s) else {
        return Err(if date_parts(s).is_some() {
            format!("Такой даты нет в календаре: {s}. Проверьте день и месяц.")
        } else {
            "Введите дату в виде ДД.ММ.ГГГГ, например 31.12.2027.".to_owned()
        });
    };
    if future && d <= today {
        return Err(format!(
            "Срок должен быть позже сегодняшнего дня ({}).",
            today.format("%d.%m.%Y")
        ));
    }
    let shown = d.format("%d.%m.%Y").to_string();
    // Typed another way: say which date Ключник took, in the form the screens show.
    let note =
        (s != shown && s != d.format("%Y-%m-%d").to_string()).then(|| format!("Дата: {shown}."));
    Ok((d.format("%Y-%m-%d").to_string(), note))
}

fn digits(s: &str, label: &str) -> Checked {
    if s.chars().all(|c| c.is_ascii_digit()) {
        Ok((s.to_owned(), None))
    } else {
        Err(format!("В поле «{label}» ожидаются только цифры."))
    }
}

fn choice(s: &str, field: &Field) -> Checked {
    // With `other`, a value typed by the user (as the target system's list shows it) is fine.
    if field.choices.iter().any(|c| c == s) || field.other.is_some() {
        Ok((s.to_owned(), None))
    } else {
        Err(format!(
            "Выберите одно из значений: {}.",
            field.choices.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> Field {
        Field {
            id: "f".into(),
            label: "Поле".into(),
            kind,
            required: true,
            ..Field::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
    }

    fn value(f: &Field, raw: &str) -> Option<String> {
        check(f, raw, today()).value().map(str::to_owned)
    }

    #[test]
    fn empty_and_spaces_only_are_empty() {
        let f = field(FieldKind::Text);
        assert_eq!(check(&f, "", today()), Verdict::Empty);
        assert_eq!(check(&f, " \t\n ", today()), Verdict::Empty);
        assert_eq!(
            check(&f, "  ", today()).error(&f).as_deref(),
            Some("Заполните поле «Поле».")
        );
    }

    #[test]
    fn uuid_tolerates_braces_case_and_spaces_and_rejects_the_rest() {
        let f = field(FieldKind::Uuid);
        let want = Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301".to_owned());
        assert_eq!(value(&f, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"), want);
        assert_eq!(
            value(&f, "  {3F2504E0-4F89-11D3-9A0C-0305E82C3301}\n"),
            want
        );
        for bad in [
            "3f2504e04f8911d39a0c0305e82c3301",
            "3f2504e0-4f89-11d3-9a0c",
            "привет",
            "3f2504e0-4f89-11d3-9a0c-0305e82c330g",
            "'; drop table x; --",
        ] {
            assert!(
                matches!(check(&f, bad, today()), Verdict::Invalid(_)),
                "{bad}"
            );
        }
    }

    #[test]
    fn company_address_accepts_bare_name_and_full_url() {
        let mut f = field(FieldKind::Url);
        f.company_domain = Some("elma365.ru".into());
        assert_eq!(value(&f, "Acme"), Some("https://acme.elma365.ru".into()));
        assert_eq!(
            value(&f, "https://acme.elma365.ru/admin/tokens"),
            Some("https://acme.elma365.ru".into())
        );
        assert_eq!(
            value(&f, "elma.corp.local:8443"),
            Some("https://elma.corp.local:8443".into())
        );
        assert_eq!(
            value(&f, "http://127.0.0.1:8080/"),
            Some("http://127.0.0.1:8080".into())
        );
        for bad in [
            "acme company",
            "ftp://acme.ru",
            "https://",
            "<script>",
            "acme_co",
        ] {
            assert!(
                matches!(check(&f, bad, today()), Verdict::Invalid(_)),
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_parse_both_forms_and_reject_impossible_and_past() {
        let mut f = field(FieldKind::Date);
        f.future = true;
        assert_eq!(value(&f, "31.12.2027"), Some("2027-12-31".into()));
        assert_eq!(value(&f, "2027-12-31"), Some("2027-12-31".into()));
        // The ways people write it, each taken as the same day and shown as ДД.ММ.ГГГГ.
        for typed in [
            "31/12/2027",
            "31.12.27",
            "31 12 2027",
            "31122027",
            "311227",
            "31-12-2027",
            "31. 12. 2027",
        ] {
            assert_eq!(value(&f, typed), Some("2027-12-31".into()), "{typed}");
            match check(&f, typed, today()) {
                Verdict::Valid { note, .. } => {
                    assert_eq!(note.as_deref(), Some("Дата: 31.12.2027."), "{typed}");
                }
                other => panic!("{typed}: {other:?}"),
            }
        }
        assert!(
            matches!(check(&f, "31/02/2027", today()), Verdict::Invalid(m) if m.contains("нет в календаре"))
        );
        for bad in [
            "31.02.2026",
            "29.02.2027",
            "23.11.2026",
            "01.01.2020",
            "завтра",
            "2027/12/31/1",
            "3112202",
        ] {
            assert!(
                matches!(check(&f, bad, today()), Verdict::Invalid(_)),
                "{bad}"
            );
        }
        let Verdict::Invalid(msg) = check(&f, "31.02.2027", today()) else {
            panic!()
        };
        assert!(msg.contains("нет в календаре"), "{msg}");
    }

    #[test]
    fn email_digits_choice() {
        let f = field(FieldKind::Email);
        assert!(check(&f, "pvz-101@example.ru", today()).is_valid());
        for bad in [
            "pvz",
            "a@b",
            "a b@c.ru",
            "@c.ru",
            "a@c..ru",
            "a@c.ru<script>",
        ] {
            assert!(!check(&f, bad, today()).is_valid(), "{bad}");
        }
        let f = field(FieldKind::Digits);
        assert!(check(&f, "123456", today()).is_valid());
        assert!(!check(&f, "12a", today()).is_valid());
        let mut f = field(FieldKind::Choice);
        f.choices = vec!["5".into(), "6".into()];
        assert!(check(&f, "5", today()).is_valid());
        assert!(!check(&f, "7", today()).is_valid());
    }

    #[test]
    fn hostile_text_is_rejected_or_kept_verbatim() {
        let f = field(FieldKind::Text);
        assert!(!check(&f, "abc\u{202E}def", today()).is_valid());
        assert!(!check(&f, "a\u{0007}b", today()).is_valid());
        assert!(!check(&f, &"я".repeat(DEFAULT_MAX_LEN + 1), today()).is_valid());
        // Emoji and SQL/HTML metacharacters are ordinary text here; escaping is the exporter's job.
        assert_eq!(value(&f, "ПВЗ 🚚 '\"<b>"), Some("ПВЗ 🚚 '\"<b>".into()));
    }

    #[test]
    fn secret_is_trimmed_with_a_note() {
        let mut f = field(FieldKind::Secret);
        f.format = Some(SecretFormat::Uuid);
        let Verdict::Valid { value, note, .. } =
            check(&f, " 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n", today())
        else {
            panic!("valid")
        };
        assert_eq!(value, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        assert!(note.is_some_and(|n| n.contains("Пробелы")));
    }

    #[test]
    fn pattern_rule_uses_its_message() {
        let mut f = field(FieldKind::Text);
        f.pattern = Some(r"^\d{3}$".into());
        f.pattern_message = Some("Три цифры.".into());
        assert_eq!(
            check(&f, "12", today()),
            Verdict::Invalid("Три цифры.".into())
        );
        assert!(check(&f, "123", today()).is_valid());
    }
}
