//! ELMA365: `POST {base}/pub/v1/user/list` with the token; success is HTTP 200 and `"success": true`.

use serde::Deserialize;

use super::http::{ClientOptions, send, status_outcome};
use super::{Outcome, OutcomeKind, scrub};
use crate::model::Secret;

#[derive(Deserialize)]
struct Reply {
    success: Option<bool>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// Asks for one user: the cheapest request that needs a valid token.
pub async fn check(
    client: &reqwest::Client,
    options: &ClientOptions,
    base: &str,
    token: &Secret,
) -> Outcome {
    let url = format!("{}/pub/v1/user/list", base.trim_end_matches('/'));
    let reply = match send(options, || {
        client
            .post(&url)
            .bearer_auth(token.expose())
            .json(&serde_json::json!({ "from": 0, "size": 1 }))
    })
    .await
    {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    // 403 before the common table: the help page says a user without the right to an
    // operation gets an error, so a valid token of a user without access to the user list is
    // refused this way too — a different remedy than a token ELMA365 does not know (401).
    if reply.status == reqwest::StatusCode::FORBIDDEN {
        return Outcome::new(
            OutcomeKind::Rejected,
            format!("ELMA365 запретила запрос ({})", reply.status),
        )
        .with_advice(
            "ELMA365 запретила запрос списка пользователей (ответ 403). Так бывает, когда у \
             пользователя токена нет прав на это действие, — тогда токен верный, а прав не \
             хватает; так бывает и с токеном, который ELMA365 не принимает. Какой случай здесь, по \
             ответу не понять: проверьте права пользователя токена в ELMA365 и что токен не \
             удалён в «Администрирование» → «Токены».",
        );
    }
    if let Some(outcome) = status_outcome(reply.status) {
        return outcome;
    }
    if reply.status.as_u16() != 200 {
        // Not a code ELMA365 is known to give for this request: whether the address is wrong or
        // ELMA365 failed cannot be told from it, so neither is claimed.
        return Outcome::new(
            OutcomeKind::ServiceError,
            format!("неожиданный ответ сервера: {}", reply.status),
        )
        .with_advice(format!(
            "Сервер по этому адресу ответил кодом {}, которого Ключник от ELMA365 не ждёт. \
             Неверен ли адрес или ELMA365 не смогла выполнить запрос, по ответу не понять: сверьте \
             адрес с адресной строкой браузера, где открыта ELMA365, и проверьте снова; если \
             повторится — покажите этот код администратору ELMA365.",
            reply.status.as_u16()
        ));
    }
    let Ok(parsed) = serde_json::from_slice::<Reply>(&reply.body) else {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но его ответ не похож на ответ ELMA365",
        );
    };
    match parsed.success {
        Some(true) => Outcome::ok(),
        Some(false) => refused(parsed.error, token),
        None => Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но в ответе нет отметки об успехе, какую даёт ELMA365",
        ),
    }
}

/// `"success": false`: ELMA365 answered and said why not. Its own words are the advice (a
/// lapsed licence is not a fault to wait out), unless they repeat the token.
fn refused(error: Option<serde_json::Value>, token: &Secret) -> Outcome {
    let text = match error {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let text = text.trim();
    if text.is_empty() {
        return Outcome::new(
            OutcomeKind::ServiceError,
            "ELMA365 не выполнила запрос и не объяснила почему",
        )
        .with_advice(
            "ELMA365 ответила, но не выполнила запрос и не объяснила почему. Попросите \
             администратора ELMA365 посмотреть, в чём дело, и проверьте снова.",
        );
    }
    match scrub(text, token.expose()) {
        Some(said) => Outcome::new(
            OutcomeKind::ServiceError,
            format!("ELMA365 ответила: «{said}»"),
        )
        .with_advice(format!(
            "ELMA365 не выполнила запрос и ответила: «{said}». Что делать, зависит от этих \
             слов; если они непонятны, покажите их администратору ELMA365. Когда причина \
             устранена, проверьте снова."
        )),
        None => Outcome::new(
            OutcomeKind::ServiceError,
            "ELMA365 не выполнила запрос; её текст не показан: в нём повторён токен",
        )
        .with_advice(
            "ELMA365 не выполнила запрос. Её объяснение не показано: в нём повторён токен. \
             Попросите администратора ELMA365 посмотреть, в чём дело, и проверьте снова.",
        ),
    }
}
