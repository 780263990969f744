//! Every person-facing error and check text is Russian: each variant of each error type is
//! built with the payload it carries in real use (a library's or a server's English where
//! that is what goes in) and its words are searched for Latin letters. Allowed: product and
//! system names, the program's own command and variable names, addresses, paths the test
//! gave, code points; and whatever follows «Подробнее:» — the place for a library's or the
//! system's own text (the log keeps it too).

use std::path::PathBuf;

use klyuchnik::model::status::Status;
use klyuchnik::model::{OutcomeKind, Service};
use klyuchnik::ops::SaveError;
use klyuchnik::ops::edit::EditError;
use klyuchnik::ops::transfer::ImportError;
use klyuchnik::store::{SecretError, StoreError};

/// A path as the tests give it: stripped from the text before the search.
const PATH: &str = "/home/user/.config/klyuchnik/connections.json";

/// Names and words that stay Latin in Russian text.
const ALLOWED: &[&str] = &[
    "ELMA365",
    "Ivideon",
    "WB Point",
    "PASS24.online",
    "OpenBao",
    "Vision Ellcom",
    "Secret Service",
    "https",
    "http",
    "JSON",
    "CSV",
    "SQL",
    // As the services' own screens write them: «API-токен», «ID камеры».
    "API",
    "ID",
];

/// The words a person reads: before «Подробнее:», without the allowed names.
fn person_facing(text: &str) -> String {
    let words = text.split("Подробнее:").next().unwrap_or_default();
    let mut words = words.replace(PATH, " ");
    for name in ALLOWED {
        words = words.replace(name, " ");
    }
    let technical = regex::Regex::new(
        r"https?://\S+|U\+[0-9A-F]{4,6}|KLYUCHNIK_[A-Z_]+|klyuchnik( [a-z-]+)?|--[a-z-]+",
    )
    .unwrap();
    technical.replace_all(&words, " ").into_owned()
}

fn latin_in(text: &str) -> Option<String> {
    let words = person_facing(text);
    words
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .map(|w| format!("«{w}» in: {text}"))
}

fn assert_russian(what: &str, texts: impl IntoIterator<Item = String>) {
    let bad: Vec<String> = texts.into_iter().filter_map(|t| latin_in(&t)).collect();
    assert!(bad.is_empty(), "{what}: Latin text:\n{}", bad.join("\n"));
}

/// Real OS errors, as `std::io` words them (English on every system).
fn os_errors() -> Vec<std::io::Error> {
    vec![
        std::io::Error::from_raw_os_error(28), // no space left on device
        std::io::Error::from_raw_os_error(30), // read-only file system
        std::io::Error::from_raw_os_error(13), // permission denied
    ]
}

fn secret_errors() -> Vec<SecretError> {
    vec![
        SecretError::NoStore {
            reason: "Secret Service: org.freedesktop.DBus.Error.ServiceUnknown: The name \
                     org.freedesktop.secrets was not provided by any .service files"
                .to_owned(),
        },
        SecretError::Locked,
        SecretError::TooLong { limit: 2560 },
        SecretError::Failed("Platform secure storage failure: DBus error".to_owned()),
        SecretError::Missing("token".to_owned()),
    ]
}

#[test]
fn check_outcomes_and_standings_are_russian() {
    let mut texts = Vec::new();
    for kind in OutcomeKind::ALL {
        texts.push(kind.title().to_owned());
        for service in Service::ALL {
            texts.push(kind.advice(service).to_owned());
        }
    }
    for st in Status::ALL {
        for days in [None, Some(0), Some(1), Some(5)] {
            texts.push(st.title_on(days).to_owned());
        }
    }
    assert_russian("check outcomes and standings", texts);
}

#[test]
fn keyring_and_operation_errors_are_russian() {
    let mut texts: Vec<String> = secret_errors().iter().map(ToString::to_string).collect();
    for e in secret_errors() {
        texts.push(SaveError::Secret(e.clone()).to_string());
        texts.push(EditError::Secret(e).to_string());
    }
    for e in [
        EditError::Field {
            field: "address".to_owned(),
            label: "Адрес компании".to_owned(),
            message: "Это не похоже на адрес".to_owned(),
        },
        EditError::UnknownField("colour".to_owned()),
        EditError::SecretField("token".to_owned()),
        EditError::TableField("cameras".to_owned()),
    ] {
        // The field's id is what the person typed after --set: quoted, allowed.
        texts.push(
            e.to_string()
                .replace("colour", "")
                .replace("token", "")
                .replace("cameras", ""),
        );
    }
    texts.push(ImportError::NotAnExport("нет номера версии".to_owned()).to_string());
    texts.push(klyuchnik::platform::jobs::JobLost.to_string());
    for e in [
        klyuchnik::integrations::ivideon::export::ExportError::Empty,
        klyuchnik::integrations::ivideon::export::ExportError::BadRow {
            row: 2,
            reason: "нет ID камеры".to_owned(),
        },
    ] {
        texts.push(e.to_string());
    }
    assert_russian("keyring and operation errors", texts);
}

/// The connections file's errors, with the OS's own words as their source. Owned by the store
/// (src/store/connections.rs); listed here so they are walked like the rest.
#[test]
fn store_errors_are_russian() {
    let path = PathBuf::from(PATH);
    let mut errors = Vec::new();
    for source in os_errors() {
        errors.push(StoreError::Write {
            path: path.clone(),
            source,
        });
    }
    for source in os_errors() {
        errors.push(StoreError::Lock {
            path: path.clone(),
            source,
        });
    }
    errors.extend([
        StoreError::DuplicateName("ПВЗ 1".to_owned()),
        StoreError::NotFound,
        StoreError::ChangedUnreadable {
            path: path.clone(),
            reason: "строка 3: неожиданный конец".to_owned(),
        },
        StoreError::Unreadable {
            path,
            reason: "формат 7 новее этой версии".to_owned(),
        },
        StoreError::Conflict("«ПВЗ 1» изменено Анной 01.12.2026 в 10:00".to_owned()),
        StoreError::Team("хранилище команды недоступно".to_owned()),
    ]);
    let mut texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    texts.extend(errors.into_iter().map(|e| SaveError::Store(e).to_string()));
    assert_russian("store errors", texts);
}

/// The team store's refusals carry the server's words (OpenBao answers in English).
#[test]
fn team_store_errors_are_russian() {
    use klyuchnik::store::openbao::BaoError;
    let texts = [
        BaoError::Denied("1 error occurred: permission denied".to_owned()),
        BaoError::BadLogin("invalid username or password".to_owned()),
        BaoError::Conflict { seen: 3 },
        BaoError::Sealed,
        BaoError::Unreachable("error sending request: connection refused".to_owned()),
        BaoError::Tls("invalid peer certificate: UnknownIssuer".to_owned()),
        BaoError::Other {
            status: 500,
            message: "internal error".to_owned(),
        },
    ]
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>();
    assert_russian("team store errors", texts);
}
