//! Secrets in the OS keyring, through the keyring project's stores. Never anywhere else.

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialPersistence, CredentialStore, Error as KeyringError};

use crate::model::Secret;

/// Keyring "service" under which every secret of Ключник is filed.
pub const SERVICE: &str = "klyuchnik";

/// The largest secret stored, in bytes of UTF-8.
pub const MAX_SECRET_BYTES: usize = 2560;

/// Which store holds the secrets; shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    SecretService,
    KernelKeyring,
    WindowsCredentialManager,
    MacKeychain,
    /// In-memory store from keyring-core, for tests only.
    Mock,
}

impl Backend {
    pub fn title(self) -> &'static str {
        match self {
            Self::SecretService => "хранилище паролей системы (Secret Service)",
            Self::KernelKeyring => "связка ключей ядра Linux",
            Self::WindowsCredentialManager => "диспетчер учётных данных Windows",
            Self::MacKeychain => "связка ключей macOS",
            Self::Mock => "тестовое хранилище в памяти",
        }
    }
}

/// Why the keyring did not do what was asked. The words fit wherever it happens — the wizard,
/// the card, the command line — so none says where the typed data is: the caller adds that.
/// A platform's own text (often English) comes last, after «Подробнее:».
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    #[error(
        "Хранилище паролей системы недоступно. Ключник хранит секреты только в нём, \
         не в обычных файлах. Подробнее: {reason}"
    )]
    NoStore { reason: String },
    #[error(
        "Хранилище паролей заблокировано или не дало доступа. Разблокируйте его (войдите в систему заново \
         или откройте «Пароли и ключи») и попробуйте ещё раз."
    )]
    Locked,
    #[error(
        "Значение слишком длинное для хранилища паролей (предел — {limit} байт). Проверьте, что скопировано \
         именно оно."
    )]
    TooLong { limit: usize },
    #[error("Хранилище паролей ответило ошибкой. Подробнее: {0}")]
    Failed(String),
    #[error(
        "В хранилище паролей этого компьютера нет секрета подключения: оно загружено из файла \
         (секреты в файл не выгружаются) или секрет удалили. Подробнее: поле {0}"
    )]
    Missing(String),
}

/// Said after a keyring error in the wizard: nothing typed is lost.
pub const KEPT_IN_WIZARD: &str = "Введённые данные остались в мастере.";

impl SecretError {
    fn from_keyring(e: &KeyringError, field: &str) -> Self {
        match e {
            KeyringError::NoStorageAccess(_) => Self::Locked,
            KeyringError::TooLong(_, limit) => Self::TooLong {
                limit: usize::try_from(*limit).unwrap_or(MAX_SECRET_BYTES),
            },
            KeyringError::NoEntry => Self::Missing(field.to_owned()),
            KeyringError::NoDefaultStore => Self::NoStore {
                reason: "хранилище не выбрано".to_owned(),
            },
            // Platform messages describe the store, never the secret; keyring-core's other
            // variants that carry data (BadEncoding…) are not formatted with it.
            KeyringError::PlatformFailure(p) => Self::Failed(p.to_string()),
            other => Self::Failed(variant_name(other)),
        }
    }
}

fn variant_name(e: &KeyringError) -> String {
    match e {
        KeyringError::BadEncoding(_) => "значение не в UTF-8".to_owned(),
        KeyringError::BadDataFormat(..) => "данные повреждены".to_owned(),
        KeyringError::BadStoreFormat(r) => format!("хранилище повреждено: {r}"),
        KeyringError::Invalid(attr, reason) => format!("недопустимое значение {attr}: {reason}"),
        KeyringError::Ambiguous(items) => format!("найдено {} совпадающих записей", items.len()),
        KeyringError::NotSupportedByStore(r) => format!("не поддерживается: {r}"),
        _ => "неизвестная ошибка".to_owned(),
    }
}

/// The keyring, or the reason there is none. Cheap to clone and safe to use from any thread.
#[derive(Clone)]
pub struct Secrets {
    store: Result<(Arc<CredentialStore>, Backend), String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("backend", &self.backend())
            .finish()
    }
}

impl Secrets {
    pub fn with_store(store: Arc<CredentialStore>, backend: Backend) -> Self {
        Self {
            store: Ok((store, backend)),
        }
    }

    /// No usable store; every operation fails with this reason.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self {
            store: Err(reason.into()),
        }
    }

    /// An in-memory store, for tests.
    pub fn mock() -> Self {
        match keyring_core::mock::Store::new() {
            Ok(store) => Self::with_store(store, Backend::Mock),
            Err(e) => Self::unavailable(e.to_string()),
        }
    }

    /// A store by name (`secret-service`, `keyutils`, `none`), or the platform's best one.
    pub fn open(choice: Option<&str>) -> Self {
        match choice {
            Some("none") => Self::unavailable("отключено переменной KLYUCHNIK_KEYRING"),
            other => platform::open(other),
        }
    }

    pub fn backend(&self) -> Option<Backend> {
        self.store.as_ref().ok().map(|(_, b)| *b)
    }

    /// Why there is no store, if there is none.
    pub fn unavailable_reason(&self) -> Option<&str> {
        self.store.as_ref().err().map(String::as_str)
    }

    /// True when secrets vanish at reboot (the kernel keyring): the UI warns about it.
    pub fn is_persistent(&self) -> bool {
        match &self.store {
            Ok((s, _)) => matches!(
                s.persistence(),
                CredentialPersistence::UntilDelete | CredentialPersistence::Unspecified
            ),
            Err(_) => false,
        }
    }

    /// Every entry Ключник keeps in this store, as (connection id, field) pairs. The kernel
    /// keyring cannot list its keys: `Err` with the reason.
    pub fn entries(&self) -> Result<Vec<(String, String)>, SecretError> {
        let (store, backend) = self
            .store
            .as_ref()
            .map_err(|r| SecretError::NoStore { reason: r.clone() })?;
        // Windows Credential Manager is searched by a pattern over target names; the others by
        // the `service` attribute.
        let key = if *backend == Backend::WindowsCredentialManager {
            "pattern"
        } else {
            "service"
        };
        let spec = std::collections::HashMap::from([(key, SERVICE)]);
        let found = store
            .search(&spec)
            .map_err(|e| SecretError::from_keyring(&e, "*"))?;
        let mut pairs: Vec<(String, String)> = found
            .iter()
            .filter_map(keyring_core::Entry::get_specifiers)
            .filter(|(service, _)| service == SERVICE)
            .filter_map(|(_, user)| {
                user.split_once('/')
                    .map(|(c, f)| (c.to_owned(), f.to_owned()))
            })
            .collect();
        pairs.sort();
        pairs.dedup();
        Ok(pairs)
    }

    /// The connections of `list` with a secret field whose value is not in this store (one
    /// loaded from a file, or whose entry was removed). One search of the store where it can
    /// list its entries; the kernel keyring, which cannot, is asked entry by entry. `None` when
    /// the store cannot tell (it is unavailable or locked).
    pub fn missing(
        &self,
        list: &[crate::model::Connection],
    ) -> Option<std::collections::HashSet<String>> {
        let wanted = || {
            list.iter()
                .flat_map(|c| c.secrets.iter().map(move |f| (c, f.as_str())))
        };
        let missing = match self.entries() {
            Ok(pairs) => {
                let have: std::collections::HashSet<(&str, &str)> = pairs
                    .iter()
                    .map(|(c, f)| (c.as_str(), f.as_str()))
                    .collect();
                wanted()
                    .filter(|(c, f)| !have.contains(&(c.id.as_str(), *f)))
                    .map(|(c, _)| c.id.clone())
                    .collect()
            }
            Err(_) if self.backend() == Some(Backend::KernelKeyring) => {
                let mut missing = std::collections::HashSet::new();
                for (c, f) in wanted() {
                    match self.get(&c.id, f) {
                        Ok(_) => {}
                        Err(SecretError::Missing(_)) => {
                            missing.insert(c.id.clone());
                        }
                        Err(_) => return None,
                    }
                }
                missing
            }
            Err(_) => return None,
        };
        Some(missing)
    }

    fn entry(&self, connection: &str, field: &str) -> Result<keyring_core::Entry, SecretError> {
        let (store, _) = self
            .store
            .as_ref()
            .map_err(|r| SecretError::NoStore { reason: r.clone() })?;
        store
            .build(SERVICE, &format!("{connection}/{field}"), None)
            .map_err(|e| SecretError::from_keyring(&e, field))
    }

    /// Writes a secret. Only `ops` calls this (through `ops::Storage`), with its rollback rule.
    pub fn set_secret(
        &self,
        connection: &str,
        field: &str,
        value: &Secret,
    ) -> Result<(), SecretError> {
        // Windows Credential Manager holds at most 2,560 bytes; the same limit everywhere keeps
        // a connection portable between machines.
        if value.expose().len() > MAX_SECRET_BYTES {
            return Err(SecretError::TooLong {
                limit: MAX_SECRET_BYTES,
            });
        }
        self.entry(connection, field)?
            .set_password(value.expose())
            .map_err(|e| SecretError::from_keyring(&e, field))
    }

    pub fn get(&self, connection: &str, field: &str) -> Result<Secret, SecretError> {
        self.entry(connection, field)?
            .get_password()
            .map(Secret::new)
            .map_err(|e| SecretError::from_keyring(&e, field))
    }

    /// Deletes a secret; one that is already gone counts as deleted. Only `ops` calls this.
    pub fn delete_secret(&self, connection: &str, field: &str) -> Result<(), SecretError> {
        match self.entry(connection, field)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::from_keyring(&e, field)),
        }
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use std::collections::HashMap;

    use super::{Backend, Secrets};

    pub fn open(choice: Option<&str>) -> Secrets {
        match choice {
            Some("keyutils") => keyutils(),
            Some("secret-service") => secret_service().unwrap_or_else(Secrets::unavailable),
            Some(other) => Secrets::unavailable(format!("неизвестное хранилище «{other}»")),
            // Secret Service keeps secrets across reboots; the kernel keyring is the fallback.
            None => secret_service().unwrap_or_else(|_| keyutils()),
        }
    }

    fn secret_service() -> Result<Secrets, String> {
        let store = dbus_secret_service_keyring_store::Store::new()
            .map_err(|e| format!("Secret Service: {e}"))?;
        // Reading an entry that does not exist tells whether the collection is usable
        // without creating anything.
        let probe = store
            .build(super::SERVICE, "probe", None)
            .and_then(|entry| entry.get_password().map(drop));
        match probe {
            Ok(()) | Err(keyring_core::Error::NoEntry) => {
                Ok(Secrets::with_store(store, Backend::SecretService))
            }
            Err(e) => Err(format!("Secret Service: {e}")),
        }
    }

    fn keyutils() -> Secrets {
        let config = HashMap::from([("service_no_divider", "true")]);
        match linux_keyutils_keyring_store::Store::new_with_configuration(&config) {
            Ok(store) => Secrets::with_store(store, Backend::KernelKeyring),
            Err(e) => Secrets::unavailable(format!("связка ключей ядра: {e}")),
        }
    }

    use keyring_core::api::CredentialStoreApi as _;
}

#[cfg(windows)]
mod platform {
    use super::{Backend, Secrets};

    pub fn open(_choice: Option<&str>) -> Secrets {
        match windows_native_keyring_store::Store::new() {
            Ok(store) => Secrets::with_store(store, Backend::WindowsCredentialManager),
            Err(e) => Secrets::unavailable(format!("диспетчер учётных данных: {e}")),
        }
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::{Backend, Secrets};

    pub fn open(_choice: Option<&str>) -> Secrets {
        match apple_native_keyring_store::keychain::Store::new() {
            Ok(store) => Secrets::with_store(store, Backend::MacKeychain),
            Err(e) => Secrets::unavailable(format!("связка ключей: {e}")),
        }
    }
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod platform {
    use super::Secrets;

    pub fn open(_choice: Option<&str>) -> Secrets {
        Secrets::unavailable("хранилище паролей для этой системы не поддерживается")
    }
}
