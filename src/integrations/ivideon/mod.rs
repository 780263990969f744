//! Ivideon: the account's cameras (`POST {api_host}/cameras?op=FIND&access_token=…`), to fill
//! the camera-direction table instead of typing ids by hand.

pub mod export;

use serde::Deserialize;

use super::http::{ClientOptions, send, status_outcome};
use super::{Outcome, OutcomeKind, scrub};
use crate::model::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Camera {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
struct Envelope {
    success: Option<bool>,
    #[serde(default)]
    result: Option<ResultItems>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct ResultItems {
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    #[serde(default)]
    name: String,
}

/// The cameras of the account the access token belongs to.
pub async fn cameras(
    client: &reqwest::Client,
    options: &ClientOptions,
    api_host: &str,
    access_token: &Secret,
) -> Result<Vec<Camera>, Outcome> {
    let mut url =
        url::Url::parse(&format!("{}/cameras", api_host.trim_end_matches('/'))).map_err(|_| {
            Outcome::new(
                OutcomeKind::WrongAddress,
                "«Адрес API Ivideon» не похож на адрес сайта",
            )
        })?;
    url.query_pairs_mut()
        .append_pair("op", "FIND")
        .append_pair("access_token", access_token.expose());
    let reply = send(options, || {
        client
            .post(url.clone())
            .json(&serde_json::json!({ "limit": 100 }))
    })
    .await?;
    if let Some(o) = status_outcome(reply.status) {
        return Err(o);
    }
    let parsed: Envelope = serde_json::from_slice(&reply.body).map_err(|_| {
        Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но его ответ не похож на ответ Ivideon",
        )
    })?;
    match parsed.success {
        Some(true) => Ok(parsed
            .result
            .map(|r| r.items)
            .unwrap_or_default()
            .into_iter()
            .map(|i| Camera {
                id: i.id,
                name: i.name,
            })
            .collect()),
        Some(false) => {
            let msg = parsed.message.unwrap_or_else(|| "без пояснения".to_owned());
            let detail = match scrub(&msg, access_token.expose()) {
                Some(text) => format!("Ivideon сообщил об ошибке: {text}"),
                None => "Ivideon сообщил об ошибке; его текст не показан: в нём повторён токен"
                    .to_owned(),
            };
            Err(Outcome::new(OutcomeKind::ServiceError, detail))
        }
        None => Err(Outcome::new(
            OutcomeKind::WrongAddress,
            "сервер ответил, но в ответе нет отметки об успехе, какую даёт Ivideon",
        )),
    }
}
