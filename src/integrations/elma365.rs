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
    if let Some(outcome) = status_outcome(reply.status) {
        return outcome;
    }
    if reply.status.as_u16() != 200 {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            format!("неожиданный ответ сервера: {}", reply.status),
        );
    }
    let Ok(parsed) = serde_json::from_slice::<Reply>(&reply.body) else {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но его ответ не похож на ответ ELMA365",
        );
    };
    match parsed.success {
        Some(true) => Outcome::ok(),
        Some(false) => {
            let text = match parsed.error {
                Some(serde_json::Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => "без пояснения".to_owned(),
            };
            let detail = match scrub(&text, token.expose()) {
                Some(text) => format!("ELMA365 сообщила об ошибке: {text}"),
                None => "ELMA365 сообщила об ошибке; её текст не показан: в нём повторён токен"
                    .to_owned(),
            };
            Outcome::new(OutcomeKind::ServiceError, detail)
        }
        None => Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но в ответе нет отметки об успехе, какую даёт ELMA365",
        ),
    }
}
