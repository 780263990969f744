//! Secrets in real stores: the Linux kernel keyring always, Secret Service when CI provides
//! one (`KLYUCHNIK_TEST_SECRET_SERVICE=1` under dbus-run-session with gnome-keyring-daemon).

use crate::support;

use klyuchnik::model::Fields;
use std::collections::BTreeMap;

use klyuchnik::model::{Connection, Secret};
use klyuchnik::ops::save::{remove, save};
use klyuchnik::ops::{Local, SaveError};
use klyuchnik::store::{Backend, SecretError, Secrets, Store};

fn connection(name: &str) -> Connection {
    Connection {
        fields: Fields::from_iter([("address", "https://acme.elma365.ru")]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", name)
    }
}

#[cfg(target_os = "linux")]
fn round_trip(secrets: &Secrets) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("connections.json"));
    let c = connection("Тест хранилища");
    let id = c.id.clone();
    let token = Secret::new(format!("{}-{}", support::TOKEN, id));
    let values = BTreeMap::from([("token".to_owned(), token.clone())]);
    save(&Local::new(store.clone(), secrets.clone()), c, &values).unwrap();
    assert_eq!(secrets.get(&id, "token").unwrap(), token);
    let file = std::fs::read_to_string(dir.path().join("connections.json")).unwrap();
    assert!(file.contains("Тест хранилища"));
    assert!(
        !file.contains(token.expose()),
        "the secret reached the metadata file"
    );

    remove(&Local::new(store.clone(), secrets.clone()), &id).unwrap();
    assert!(store.get(&id).is_none());
    assert!(matches!(
        secrets.get(&id, "token"),
        Err(SecretError::Missing(_))
    ));
}

#[cfg(target_os = "linux")]
#[test]
fn kernel_keyring_round_trip() {
    let secrets = Secrets::open(Some("keyutils"));
    assert_eq!(
        secrets.backend(),
        Some(Backend::KernelKeyring),
        "{:?}",
        secrets.unavailable_reason()
    );
    assert!(
        !secrets.is_persistent(),
        "the kernel keyring is said to be non-persistent"
    );
    round_trip(&secrets);
}

#[cfg(target_os = "linux")]
/// The Secret Service tests share one store: `doctor --fix` must not run beside a round trip.
static SECRET_SERVICE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn secret_service_round_trip_when_available() {
    let _one_at_a_time = SECRET_SERVICE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let required = std::env::var("KLYUCHNIK_TEST_SECRET_SERVICE").is_ok_and(|v| v == "1");
    let secrets = Secrets::open(Some("secret-service"));
    match secrets.backend() {
        Some(Backend::SecretService) => {
            assert!(secrets.is_persistent());
            round_trip(&secrets);
        }
        _ if required => panic!(
            "Secret Service required but unavailable: {:?}",
            secrets.unavailable_reason()
        ),
        _ => eprintln!(
            "Secret Service not available here; set KLYUCHNIK_TEST_SECRET_SERVICE=1 to require it"
        ),
    }
}

#[test]
fn no_store_is_a_clear_russian_error_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("connections.json"));
    let secrets = Secrets::open(Some("none"));
    let values = BTreeMap::from([("token".to_owned(), Secret::new(support::TOKEN))]);
    let err = save(
        &Local::new(store.clone(), secrets.clone()),
        connection("Без хранилища"),
        &values,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, SaveError::Secret(SecretError::NoStore { .. })),
        "{err:?}"
    );
    assert!(
        msg.contains("Хранилище паролей системы недоступно"),
        "{msg}"
    );
    assert!(!msg.contains(support::TOKEN));
    assert!(store.snapshot().is_empty());
    assert!(
        !dir.path().join("connections.json").exists(),
        "no file written without the secret"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn failed_metadata_write_takes_the_secret_back() {
    let dir = tempfile::tempdir().unwrap();
    // The data folder is a file: the metadata cannot be written.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let (store, _) = Store::open(&blocker.join("connections.json"));
    let secrets = Secrets::open(Some("keyutils"));
    let c = connection("Не записано");
    let id = c.id.clone();
    let values = BTreeMap::from([("token".to_owned(), Secret::new(support::TOKEN))]);
    let err = save(&Local::new(store.clone(), secrets.clone()), c, &values).unwrap_err();
    assert!(matches!(err, SaveError::Store(_)), "{err:?}");
    assert!(
        matches!(secrets.get(&id, "token"), Err(SecretError::Missing(_))),
        "rolled back"
    );
}

#[test]
fn secret_debug_never_shows_the_value() {
    let s = Secret::new(support::TOKEN);
    assert!(!format!("{s:?}").contains(support::TOKEN));
    assert!(!format!("{:?}", Some(&s)).contains("3f2504e0"));
}

/// `klyuchnik doctor` finds keyring entries no connection owns (a crash between the keyring
/// and the file, an old version) and removes them with `--fix`, leaving owned ones alone.
#[test]
fn doctor_finds_and_removes_orphaned_entries() {
    let _one_at_a_time = SECRET_SERVICE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let required = std::env::var("KLYUCHNIK_TEST_SECRET_SERVICE").is_ok_and(|v| v == "1");
    let secrets = Secrets::open(Some("secret-service"));
    if secrets.backend() != Some(Backend::SecretService) {
        assert!(!required, "Secret Service required but unavailable");
        eprintln!("Secret Service not available here: doctor not exercised");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        support::run_cli_with(home.path(), "secret-service", args, stdin)
    };
    let added = run(
        &support::add_elma_args("Доктор", "https://doctor.elma365.ru")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &format!("{}\n", support::TOKEN),
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let orphan = uuid::Uuid::new_v4().to_string();
    secrets
        .set_secret(&orphan, "token", &Secret::new("осиротевший-токен"))
        .unwrap();
    let found = run(&["doctor"], "");
    let text = String::from_utf8_lossy(&found.stdout).into_owned();
    assert_eq!(found.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("{orphan}/token")), "{text}");
    assert!(
        !text.contains("осиротевший-токен"),
        "no secret in the output"
    );
    let (store, _) = Store::open(&home.path().join("connections.json"));
    let owned = store.snapshot()[0].id.clone();
    assert!(
        !text.contains(&owned),
        "an owned entry is not an orphan: {text}"
    );
    let fixed = run(&["doctor", "--fix"], "");
    assert!(fixed.status.success());
    assert!(secrets.get(&orphan, "token").is_err(), "orphan removed");
    assert!(secrets.get(&owned, "token").is_ok(), "owned entry kept");
    let again = run(&["doctor"], "");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("Записей без подключения нет"));
    let _ = secrets.delete_secret(&owned, "token");
}
