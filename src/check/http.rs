//! The HTTP client and the translation of transport failures into outcome kinds.

use std::error::Error as _;
use std::time::Duration;

use super::{Outcome, OutcomeKind};

/// How long a check may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub overall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            overall: Duration::from_secs(20),
        }
    }
}

/// A client with the given timeouts; TLS verification is always on.
pub fn client(timeouts: Timeouts) -> Result<reqwest::Client, Outcome> {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.overall)
        .user_agent(concat!("Klyuchnik/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            Outcome::new(
                OutcomeKind::Tls,
                format!("не удалось подготовить защищённое соединение: {e}"),
            )
        })
}

/// Classifies a failed request. The URL is dropped from the text: it can carry a token in
/// services that take it as a query parameter.
pub fn classify(err: reqwest::Error) -> Outcome {
    let err = err.without_url();
    let chain = chain_text(&err);
    let lower = chain.to_lowercase();
    if err.is_timeout() || lower.contains("timed out") {
        return Outcome::new(OutcomeKind::Timeout, "время ожидания истекло");
    }
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return Outcome::new(OutcomeKind::Tls, tls_reason(&chain));
    }
    if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            "такого адреса нет (имя сервера не найдено)",
        );
    }
    if lower.contains("refused") {
        return Outcome::new(OutcomeKind::Unreachable, "сервер отказал в соединении");
    }
    if lower.contains("reset")
        || lower.contains("closed")
        || lower.contains("incomplete")
        || lower.contains("broken pipe")
    {
        return Outcome::new(OutcomeKind::Unreachable, "соединение оборвалось");
    }
    if err.is_connect() {
        return Outcome::new(OutcomeKind::Unreachable, "не удалось соединиться");
    }
    Outcome::new(OutcomeKind::Unreachable, chain)
}

fn chain_text(err: &reqwest::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// A Russian name for the certificate problem rustls reported.
fn tls_reason(chain: &str) -> String {
    let reason = if chain.contains("UnknownIssuer") {
        "сертификат выдан неизвестным удостоверяющим центром"
    } else if chain.contains("NotValidForName") {
        "сертификат выдан для другого адреса"
    } else if chain.contains("Expired") {
        "срок действия сертификата истёк"
    } else if chain.contains("NotValidYet") {
        "сертификат ещё не действует"
    } else if chain.contains("Revoked") {
        "сертификат отозван"
    } else if chain.contains("BadSignature") {
        "подпись сертификата неверна"
    } else {
        "не удалось установить защищённое соединение"
    };
    reason.to_owned()
}
