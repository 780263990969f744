//! Keyring faults: a locked store, an over-long value. Each gives a clear Russian message, the
//! wizard keeps what was typed, and nothing falls back to a plain file.

use crate::support;

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Entry, Error as KeyringError};
use klyuchnik::model::Secret;
use klyuchnik::store::{Backend, MAX_SECRET_BYTES, SecretError, Secrets};
use support::ui::{Opened, app, click, harness, shows, type_into, wait_for};

/// A store that refuses access, like a locked login keyring.
#[derive(Debug)]
struct LockedStore;

#[derive(Debug)]
struct LockedCred;

fn locked() -> KeyringError {
    KeyringError::NoStorageAccess("the collection is locked".into())
}

impl CredentialApi for LockedCred {
    fn set_secret(&self, _: &[u8]) -> keyring_core::Result<()> {
        Err(locked())
    }
    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        Err(locked())
    }
    fn delete_credential(&self) -> keyring_core::Result<()> {
        Err(locked())
    }
    fn get_credential(&self) -> keyring_core::Result<Option<Arc<keyring_core::Credential>>> {
        Ok(None)
    }
    fn get_specifiers(&self) -> Option<(String, String)> {
        None
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl CredentialStoreApi for LockedStore {
    fn vendor(&self) -> String {
        "test: locked".to_owned()
    }
    fn id(&self) -> String {
        "locked".to_owned()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Ok(Entry::new_with_credential(Arc::new(LockedCred)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn locked_secrets() -> Secrets {
    Secrets::with_store(Arc::new(LockedStore), Backend::Mock)
}

#[test]
fn a_locked_store_is_named_and_nothing_is_saved() {
    let secrets = locked_secrets();
    let err = secrets
        .set_secret("id", "token", &Secret::new(support::TOKEN))
        .unwrap_err();
    assert!(matches!(err, SecretError::Locked));
    let msg = err.to_string();
    // The error itself names no wizard: the command line has none. The wizard adds it.
    assert!(
        msg.contains("Хранилище паролей заблокировано") && !msg.contains("мастер"),
        "{msg}"
    );

    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), locked_secrets(), &Opened::default()));
    click(&mut h, "Новое подключение");
    click(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    for confirm in [
        "Режим «Настройка взаимодействия с сервисами ЕИС» открыт",
        "Во вкладке «Сервисы РИС» установлен флаг «Разрешить использование сервисов отдачи»",
        "Раздел открыт под учётной записью администратора организации",
    ] {
        click(&mut h, confirm);
        click(&mut h, "Далее");
    }
    type_into(&mut h, "Идентификатор *", support::TOKEN);
    let future = (chrono::Local::now().date_naive() + chrono::Duration::days(500))
        .format("%d.%m.%Y")
        .to_string();
    type_into(&mut h, "Срок действия *", &future);
    click(&mut h, "Далее");
    type_into(
        &mut h,
        "Название подключения в Ключнике *",
        "Заблокированное",
    );
    click(
        &mut h,
        "В РИС заполнены «Идентификатор» и «Срок действия», нажата кнопка «Сохранить»",
    );
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "the keyring error", |h| {
        shows(h, "Хранилище паролей заблокировано")
    });
    assert!(shows(&h, "Введённые данные остались в мастере"));
    assert!(shows(&h, "Шаг 5 из 5"));
    assert!(h.state().store().unwrap().snapshot().is_empty());
    assert_eq!(
        h.state().draft().unwrap().secrets["identifier"].expose(),
        support::TOKEN
    );
    assert!(!home.path().join("connections.json").exists());
}

#[test]
fn an_over_long_secret_is_refused_before_the_store() {
    // Emoji are four bytes each: within the field's 1,000 characters, over the store's limit.
    let long = "🔑".repeat(MAX_SECRET_BYTES / 4 + 1);
    let err = Secrets::mock()
        .set_secret("id", "password", &Secret::new(long.clone()))
        .unwrap_err();
    assert!(matches!(
        err,
        SecretError::TooLong {
            limit: MAX_SECRET_BYTES
        }
    ));
    assert!(err.to_string().contains("слишком длинное") && err.to_string().contains("2560"));
    assert!(!err.to_string().contains("🔑"));
    let ok = Secrets::mock().set_secret(
        "id",
        "password",
        &Secret::new("🔑".repeat(MAX_SECRET_BYTES / 4)),
    );
    assert!(ok.is_ok(), "exactly at the limit is fine");
}
