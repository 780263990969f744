//! What an online check found: the kinds a user can act on, and the record saved with a
//! connection.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which service answered a check: advice differs between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Elma365,
    /// The camera list of an Ivideon account («Заполнить из аккаунта Ivideon»).
    Ivideon,
}

impl Service {
    pub const ALL: [Self; 2] = [Self::Elma365, Self::Ivideon];
}

/// What a check found, in the terms a user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Ok,
    /// The service answered and refused the credential (401/403).
    Rejected,
    /// Nothing like the service at this address (404, unknown host, not the expected answer).
    WrongAddress,
    /// The service is there but failing (5xx, or it reported an error).
    ServiceError,
    RateLimited,
    Timeout,
    /// The connection was refused or broken.
    Unreachable,
    /// The secure connection could not be set up; the detail says which certificate problem.
    Tls,
    /// The check never reached the service: the secret could not be read on this computer
    /// (not in the keyring, as after an import, or the keyring is locked or missing).
    NoSecret,
}

impl OutcomeKind {
    pub const ALL: [Self; 9] = [
        Self::Ok,
        Self::Rejected,
        Self::WrongAddress,
        Self::ServiceError,
        Self::RateLimited,
        Self::Timeout,
        Self::Unreachable,
        Self::Tls,
        Self::NoSecret,
    ];

    pub fn title(self) -> &'static str {
        match self {
            // What a passing check proves: the service accepted the credential for one request.
            Self::Ok => "Токен принят",
            Self::Rejected => "Токен не принят",
            Self::WrongAddress => "Неверный адрес",
            Self::ServiceError => "Ошибка на стороне сервиса",
            Self::RateLimited => "Слишком много запросов",
            Self::Timeout => "Сервис не ответил вовремя",
            Self::Unreachable => "Нет связи с сервисом",
            Self::Tls => "Небезопасное соединение",
            Self::NoSecret => "Секрет не прочитан",
        }
    }

    /// What the user should do about it, in words that fit the service that answered.
    pub fn advice(self, service: Service) -> &'static str {
        match (self, service) {
            (Self::Ok, Service::Elma365) => {
                "ELMA365 приняла токен: ответила на запрос с ним. Хватит ли прав пользователя \
                 токена тому, что будет делать внешняя система, эта проверка не показывает."
            }
            (Self::Ok, Service::Ivideon) => "Ivideon принял токен доступа и отдал список камер.",
            (Self::Rejected, Service::Elma365) => {
                "ELMA365 не приняла токен. Проверьте, что скопировали его целиком, что он не удалён \
                 в «Администрирование» → «Токены» и что его пользователь не заблокирован. Если не \
                 помогло — создайте новый токен."
            }
            (Self::Rejected, Service::Ivideon) => {
                "Ivideon не принял токен доступа. Проверьте, что скопировали его целиком и что он \
                 выдан для аккаунта этого клиента. Без токена камеры можно внести вручную."
            }
            (Self::WrongAddress, Service::Elma365) => {
                "По этому адресу нет ELMA365. Проверьте адрес компании: его можно взять из \
                 адресной строки браузера, когда вы вошли в ELMA365."
            }
            (Self::WrongAddress, Service::Ivideon) => {
                "По этому адресу Ivideon не ответил. Проверьте поле «Адрес API Ivideon» или \
                 внесите камеры вручную."
            }
            (Self::ServiceError, _) => {
                "Сервис сейчас работает с ошибками. Попробуйте проверить позже."
            }
            (Self::RateLimited, _) => "Сервис просит подождать. Повторите проверку через минуту.",
            (Self::Timeout, _) => {
                "Сервис не ответил за отведённое время. Проверьте подключение к интернету и \
                 повторите проверку; если сервер в вашей сети — убедитесь, что он включён."
            }
            (Self::Unreachable, _) => {
                "Не удалось связаться с сервером. Проверьте подключение к интернету и не мешает \
                 ли прокси или брандмауэр, затем повторите проверку; если сервер в вашей сети — \
                 включён ли он."
            }
            (Self::Tls, _) => {
                "Сертификат сервера не прошёл проверку, поэтому токен не был отправлен. \
                 Проверьте адрес; если сервер ваш — попросите администратора исправить сертификат."
            }
            (Self::NoSecret, _) => {
                "Проверка не дошла до сервиса: секрет не удалось прочитать из хранилища паролей \
                 этого компьютера. Подключения, загруженные из файла, приходят без секретов: \
                 введите его заново — кнопка «Ввести секрет» в строке подключения."
            }
        }
    }

    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }
}

/// One check's result. `detail` is for the user (HTTP status, the service's error text) and
/// never contains the credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub kind: OutcomeKind,
    pub detail: Option<String>,
    /// Advice for this particular answer in place of the kind's general one — a refusal that
    /// may be a missing right, the service's own explanation. Shown with the result, not saved.
    pub advice: Option<String>,
    /// The network library's own words for a failure (English), for support: shown under
    /// «Подробнее» and written to the log, never in the sentence a person reads, never saved.
    pub technical: Option<String>,
}

impl Outcome {
    pub fn new(kind: OutcomeKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: Some(detail.into()),
            advice: None,
            technical: None,
        }
    }

    /// The same outcome with advice of its own.
    #[must_use]
    pub fn with_advice(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }

    /// What to do: this answer's own advice, or the kind's.
    pub fn advice(&self, service: Service) -> &str {
        self.advice
            .as_deref()
            .unwrap_or_else(|| self.kind.advice(service))
    }

    pub fn ok() -> Self {
        Self {
            kind: OutcomeKind::Ok,
            detail: None,
            advice: None,
            technical: None,
        }
    }

    /// The same outcome with the library's text for «Подробнее».
    #[must_use]
    pub fn with_technical(mut self, text: impl Into<String>) -> Self {
        self.technical = Some(text.into());
        self
    }

    /// Makes the record saved with the connection.
    pub fn record(&self, at: DateTime<Utc>) -> CheckRecord {
        CheckRecord {
            at,
            kind: self.kind,
            detail: self.detail.clone(),
        }
    }
}

/// The last check of a saved connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub at: DateTime<Utc>,
    pub kind: OutcomeKind,
    #[serde(default)]
    pub detail: Option<String>,
}
