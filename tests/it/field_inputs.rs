//! Every field kind against hostile input: empty, spaces only, very long, control characters,
//! right-to-left marks, emoji, SQL and HTML metacharacters, impossible dates.

use chrono::NaiveDate;
use klyuchnik::flow::rules::{Verdict, check};
use klyuchnik::flow::{Field, FieldKind, SecretFormat};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn field(kind: FieldKind) -> Field {
    let mut f = Field {
        id: "f".into(),
        label: "Поле".into(),
        kind,
        required: true,
        ..Field::default()
    };
    match kind {
        FieldKind::Choice => f.choices = vec!["Организационная".into(), "Иная".into()],
        FieldKind::Date => f.future = true,
        FieldKind::Url => f.company_domain = Some("elma365.ru".into()),
        _ => {}
    }
    f
}

/// What every kind must do with the inputs no kind accepts.
fn common_hostile() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "empty"),
        ("   \t  ".into(), "empty"),
        ("x".repeat(10_000), "invalid"),
        ("abc\u{0000}def".into(), "invalid"),
        ("abc\u{0007}".into(), "invalid"),
        ("line1\nline2".into(), "invalid"),
        ("abc\u{202E}fdp.exe".into(), "invalid"),
        ("\u{200F}abc".into(), "invalid"),
        ("\u{FEFF}abc".into(), "invalid"),
        ("a\u{2066}b".into(), "invalid"),
    ]
}

fn outcome(v: &Verdict) -> &'static str {
    match v {
        Verdict::Empty => "empty",
        Verdict::Valid { .. } => "valid",
        Verdict::Invalid(_) => "invalid",
    }
}

#[test]
fn hostile_input_for_every_kind() {
    let kinds = [
        FieldKind::Text,
        FieldKind::Email,
        FieldKind::Url,
        FieldKind::Secret,
        FieldKind::Uuid,
        FieldKind::Date,
        FieldKind::Digits,
        FieldKind::Choice,
    ];
    let specific: Vec<(FieldKind, &str, &str)> = vec![
        (FieldKind::Text, "ПВЗ 🚚 «Лесная»", "valid"),
        (FieldKind::Text, "'; DROP TABLE users; --", "valid"),
        (FieldKind::Text, "<script>alert(1)</script>", "valid"),
        (FieldKind::Email, "pvz@example.ru'--", "invalid"),
        (FieldKind::Email, "<a>@example.ru", "invalid"),
        (FieldKind::Email, "почта🙂@example.ru", "invalid"),
        (FieldKind::Email, "пвз@пример.рф", "valid"),
        (FieldKind::Url, "javascript:alert(1)", "invalid"),
        (FieldKind::Url, "https://acme.elma365.ru/'\"<x>", "valid"),
        (FieldKind::Url, "acme🙂", "invalid"),
        (FieldKind::Url, "file:///etc/passwd", "invalid"),
        (FieldKind::Secret, "p@ss w0rd 'quoted' <b> 🙂", "valid"),
        (
            FieldKind::Uuid,
            "3f2504e0-4f89-11d3-9a0c-0305e82c330'",
            "invalid",
        ),
        (
            FieldKind::Uuid,
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301 OR 1=1",
            "invalid",
        ),
        (
            FieldKind::Uuid,
            "３f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "invalid",
        ),
        (FieldKind::Date, "31.02.2026", "invalid"),
        (FieldKind::Date, "29.02.2027", "invalid"),
        (FieldKind::Date, "29.02.2028", "valid"),
        (FieldKind::Date, "00.01.2027", "invalid"),
        (FieldKind::Date, "31.12.9999", "valid"),
        (FieldKind::Date, "01.01.10000", "invalid"),
        (FieldKind::Date, "2027-12-31'); --", "invalid"),
        (FieldKind::Digits, "１２３", "invalid"),
        (FieldKind::Digits, "123 OR 1", "invalid"),
        (FieldKind::Digits, "-1", "invalid"),
        (FieldKind::Choice, "Организационная; DROP", "invalid"),
        (FieldKind::Choice, "организационная", "invalid"),
    ];
    let mut tried = 0;
    for kind in kinds {
        let f = field(kind);
        for (input, want) in common_hostile() {
            let v = check(&f, &input, today());
            assert_eq!(
                outcome(&v),
                want,
                "{kind:?} {:?}: {v:?}",
                input.chars().take(20).collect::<String>()
            );
            if let Verdict::Invalid(msg) = &v {
                assert!(
                    msg.chars().any(|c| ('а'..='я').contains(&c)),
                    "a Russian message: {msg}"
                );
                assert!(msg.chars().count() < 300, "a short message");
            }
            tried += 1;
        }
    }
    for (kind, input, want) in &specific {
        let mut f = field(*kind);
        if *kind == FieldKind::Secret {
            f.format = Some(SecretFormat::Text);
        }
        let v = check(&f, input, today());
        assert_eq!(outcome(&v), *want, "{kind:?} {input:?}: {v:?}");
        tried += 1;
    }
    // A secret's message never repeats the value.
    let mut f = field(FieldKind::Secret);
    f.format = Some(SecretFormat::Uuid);
    let Verdict::Invalid(msg) = check(&f, "my-secret-value-xyz", today()) else {
        panic!()
    };
    assert!(!msg.contains("my-secret-value-xyz"));
    println!("hostile field inputs tried: {tried}");
}

/// The stored value and the warning of a value that must be accepted.
fn accepted(f: &Field, raw: &str) -> (String, Option<String>) {
    match check(f, raw, today()) {
        Verdict::Valid { value, warning, .. } => (value, warning),
        other => panic!("{raw:?}: {other:?}"),
    }
}

/// A password is kept exactly as typed (edge spaces may be part of it, and are pointed out);
/// only a pasted line ending goes. A token still loses copy-and-paste spaces.
#[test]
fn passwords_keep_edge_spaces_and_say_so() {
    let mut password = field(FieldKind::Secret);
    password.label = "Пароль".into();
    password.format = Some(SecretFormat::Password);
    let (value, warning) = accepted(&password, "  Пар0ль с пробелом ");
    assert_eq!(value, "  Пар0ль с пробелом ");
    assert!(warning.unwrap().contains("есть пробелы"));
    assert_eq!(
        accepted(&password, "Пар0ль\r\n"),
        ("Пар0ль".to_owned(), None)
    );
    let mut token = field(FieldKind::Secret);
    token.format = Some(SecretFormat::Text);
    assert_eq!(check(&token, " abc-123 ", today()).value(), Some("abc-123"));
}

/// Addresses: no «name@» hiding the real host; cloud services only over https; plain http
/// elsewhere is accepted with a warning.
#[test]
fn addresses_refuse_hidden_hosts_and_plain_http_to_the_cloud() {
    let elma = field(FieldKind::Url);
    for hidden in [
        "https://acme.elma365.ru@evil.example",
        "https://user:pass@acme.elma365.ru",
        "acme.elma365.ru@127.0.0.1",
    ] {
        match check(&elma, hidden, today()) {
            Verdict::Invalid(msg) => assert!(msg.contains("«…@»"), "{hidden}: {msg}"),
            other => panic!("{hidden}: {other:?}"),
        }
    }
    match check(&elma, "http://acme.elma365.ru", today()) {
        Verdict::Invalid(msg) => assert!(msg.contains("только по https"), "{msg}"),
        other => panic!("{other:?}"),
    }
    let mut api = field(FieldKind::Url);
    api.company_domain = None;
    assert!(matches!(
        check(&api, "http://api.ivideon.com", today()),
        Verdict::Invalid(_)
    ));
    let (value, warning) = accepted(&elma, "http://elma.corp.local:8080");
    assert_eq!(value, "http://elma.corp.local:8080");
    assert!(warning.unwrap().contains("без шифрования"));
    assert_eq!(accepted(&elma, "https://elma.corp.local").1, None);
}
