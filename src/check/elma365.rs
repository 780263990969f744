//! ELMA365: `POST {base}/pub/v1/user/list` with the token; success is HTTP 200 and `"success": true`.

use serde::Deserialize;

use super::http::classify;
use super::{Outcome, OutcomeKind};
use crate::store::Secret;

#[derive(Deserialize)]
struct Reply {
    success: Option<bool>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// Asks for one user: the cheapest request that needs a valid token.
pub async fn check(client: &reqwest::Client, base: &str, token: &Secret) -> Outcome {
    let url = format!("{}/pub/v1/user/list", base.trim_end_matches('/'));
    let sent = client
        .post(&url)
        .bearer_auth(token.expose())
        .json(&serde_json::json!({ "from": 0, "size": 1 }))
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => return classify(e),
    };
    let status = response.status();
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return classify(e),
    };
    match status.as_u16() {
        401 | 403 => {
            return Outcome::new(OutcomeKind::Rejected, format!("сервер ответил {status}"));
        }
        404 => {
            return Outcome::new(
                OutcomeKind::WrongAddress,
                "по этому адресу нет API ELMA365 (404)",
            );
        }
        429 => return Outcome::new(OutcomeKind::RateLimited, "сервер ответил 429"),
        500..=599 => {
            return Outcome::new(
                OutcomeKind::ServiceError,
                format!("сервер ответил {status}"),
            );
        }
        200 => {}
        _ => {
            return Outcome::new(
                OutcomeKind::WrongAddress,
                format!("неожиданный ответ сервера: {status}"),
            );
        }
    }
    let Ok(reply) = serde_json::from_slice::<Reply>(&body) else {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но это не API ELMA365 (ответ не JSON)",
        );
    };
    match reply.success {
        Some(true) => Outcome::ok(),
        Some(false) => {
            let text = match reply.error {
                Some(serde_json::Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => "без пояснения".to_owned(),
            };
            Outcome::new(
                OutcomeKind::ServiceError,
                format!("ELMA365 сообщила об ошибке: {}", clip(&text)),
            )
        }
        None => Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но это не API ELMA365 (нет поля success)",
        ),
    }
}

/// Keeps a service's message short enough for one line on screen.
fn clip(s: &str) -> String {
    const MAX: usize = 300;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
