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

/// Cameras asked for per request: what public samples of this request use.
pub const PAGE: usize = 100;

/// Pages read at most (10,000 cameras): a server that never stops paging must not keep the
/// wizard busy for ever.
pub const MAX_PAGES: usize = 100;

/// The account's cameras, and whether that is all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraList {
    pub cameras: Vec<Camera>,
    /// `false` when Ivideon stopped giving new cameras before an empty page (it repeated a page,
    /// so it may not page the way it was asked) or [`MAX_PAGES`] were read: more may exist.
    pub complete: bool,
}

/// The cameras of the account the access token belongs to, page by page: `skip` and `limit` in
/// the request body, as public clients send them in Ivideon's `op=FIND` requests (the paging of
/// `cameras` itself is not publicly documented). Reading stops at an empty page; a page with
/// nothing new (a server that ignores `skip`) stops it too, and then the list says it may be
/// incomplete rather than passing the first page off as all.
pub async fn cameras(
    client: &reqwest::Client,
    options: &ClientOptions,
    api_host: &str,
    access_token: &Secret,
) -> Result<CameraList, Outcome> {
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
    let mut cameras: Vec<Camera> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut full_page = false;
    for _ in 0..MAX_PAGES {
        let page = page(client, options, &url, cameras.len(), access_token).await?;
        if page.is_empty() {
            return Ok(CameraList {
                cameras,
                complete: true,
            });
        }
        full_page |= page.len() >= PAGE;
        let before = cameras.len();
        cameras.extend(page.into_iter().filter(|c| seen.insert(c.id.clone())));
        if cameras.len() == before {
            // The same cameras again: `skip` is not honoured. If no answer was ever a full page,
            // the first one already held them all; otherwise more may be left unseen.
            return Ok(CameraList {
                cameras,
                complete: !full_page,
            });
        }
    }
    Ok(CameraList {
        cameras,
        complete: false,
    })
}

/// One page of cameras from `skip` on.
async fn page(
    client: &reqwest::Client,
    options: &ClientOptions,
    url: &url::Url,
    skip: usize,
    access_token: &Secret,
) -> Result<Vec<Camera>, Outcome> {
    let reply = send(options, || {
        client
            .post(url.clone())
            .json(&serde_json::json!({ "skip": skip, "limit": PAGE }))
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
