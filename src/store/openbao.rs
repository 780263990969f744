//! The team store's server: OpenBao (or HashiCorp Vault) over its documented HTTP API — login
//! with a login and password (userpass), a KV v2 mount with check-and-set, the detailed list
//! (every key with its metadata in one call), metadata, deletion. Several nodes: a node that
//! cannot answer for the cluster (down, a standby's `307` to the leader, `500 … active cluster
//! node not found`, sealed) sends the request on to the next; a redirect is never followed,
//! so the token is sent only to the nodes the person configured.
//!
//! Blocking: the storage seam is synchronous and runs on background threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::model::Secret;

/// Why the server did not do what was asked. Messages in Russian, never with a secret; the
/// server's or the library's own words (English) after «Подробнее:».
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaoError {
    /// `403`: no right to this, or the login has expired (`lookup-self` tells them apart).
    #[error("хранилище команды отказало: нет прав или вход истёк. Подробнее: {0}")]
    Denied(String),
    /// Login and password not accepted (or the account is locked after failed attempts).
    #[error(
        "хранилище команды не приняло логин и пароль. После пяти неверных попыток вход \
         блокируется на время — если пароль верный, обратитесь к администратору хранилища. \
         Подробнее: {0}"
    )]
    BadLogin(String),
    /// Someone else wrote it since it was read: the version is not the one the write carried.
    #[error("запись изменили после того, как она была прочитана (версия {seen})")]
    Conflict { seen: u64 },
    /// Every node is sealed.
    #[error("хранилище команды запечатано — обратитесь к администратору хранилища")]
    Sealed,
    /// No node answered for the cluster (each reason, node by node).
    #[error("хранилище команды недоступно. Подробнее: {0}")]
    Unreachable(String),
    /// The certificate of a node is not trusted: nothing was sent.
    #[error("сертификату хранилища команды нет доверия; ничего не отправлено. Подробнее: {0}")]
    Tls(String),
    /// Another answer, with the server's own words.
    #[error("хранилище команды ответило ошибкой {status}. Подробнее: {message}")]
    Other { status: u16, message: String },
}

/// One entry of the detailed list: its key, current version and custom metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub version: u64,
    pub metadata: BTreeMap<String, String>,
}

/// A KV v2 secret as read: its version and data.
#[derive(Debug, Clone)]
pub struct Read {
    pub version: u64,
    pub data: BTreeMap<String, Secret>,
}

/// How long a request is retried while the cluster has no leader (a new one is being chosen):
/// measured ~2 s with `performance_multiplier = 1`, 13.5 s with the default.
const LEADER_WAIT: Duration = Duration::from_secs(15);

/// What the person may do in a folder, as the server says (`sys/capabilities-self`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per right the server names"
)]
pub struct Rights {
    /// Read secret values (and the long connections kept in the data).
    pub read: bool,
    /// Write a new connection or change one.
    pub write: bool,
    pub delete: bool,
    /// See the list.
    pub list: bool,
}

impl Rights {
    pub const ALL: Self = Self {
        read: true,
        write: true,
        delete: true,
        list: true,
    };
}

/// A connection to the team store's server, logged in.
pub struct Bao {
    nodes: Vec<String>,
    mount: String,
    /// Replaced when the person logs in again in the same session.
    token: RwLock<Secret>,
    client: Client,
    /// Set while requests wait for the cluster to choose a new leader.
    switching: Arc<AtomicBool>,
}

impl std::fmt::Debug for Bao {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bao")
            .field("nodes", &self.nodes)
            .field("mount", &self.mount)
            .finish_non_exhaustive()
    }
}

/// The HTTP client for the server: no redirects (a standby's `307` goes to the next configured
/// node instead), bounded waits, extra trusted roots (a company CA) on top of the system's.
fn client(extra_roots_pem: &[Vec<u8>]) -> Result<Client, BaoError> {
    let mut builder = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20));
    for pem in extra_roots_pem {
        let cert = reqwest::Certificate::from_pem(pem)
            .map_err(|e| BaoError::Tls(format!("корневой сертификат не читается: {e}")))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| BaoError::Unreachable(e.to_string()))
}

impl Bao {
    /// Logs in with userpass at the first node that answers for the cluster.
    pub fn login_userpass(
        nodes: &[String],
        mount: &str,
        user: &str,
        password: &Secret,
        extra_roots_pem: &[Vec<u8>],
    ) -> Result<Self, BaoError> {
        let bao = Self {
            nodes: nodes
                .iter()
                .map(|n| n.trim_end_matches('/').to_owned())
                .collect(),
            mount: mount.to_owned(),
            token: RwLock::default(),
            client: client(extra_roots_pem)?,
            switching: Arc::default(),
        };
        let user = percent_encoding::utf8_percent_encode(user, percent_encoding::NON_ALPHANUMERIC);
        let answer = bao.send(|c, node| {
            c.post(format!("{node}/v1/auth/userpass/login/{user}"))
                .json(&json!({ "password": password.expose() }))
        });
        bao.set_token(login_token(answer)?);
        Ok(bao)
    }

    /// Starts a browser login (OIDC, as `bao login -method=oidc` does): the identity provider's
    /// page to open, for `redirect_uri` on this computer. `role` empty: the server's default.
    pub fn oidc_start(
        nodes: &[String],
        mount: &str,
        role: &str,
        redirect_uri: &str,
        client_nonce: &str,
        extra_roots_pem: &[Vec<u8>],
    ) -> Result<(Self, String), BaoError> {
        let bao = Self::with_token(nodes, mount, Secret::default(), extra_roots_pem)?;
        let mut body = json!({ "redirect_uri": redirect_uri, "client_nonce": client_nonce });
        if !role.is_empty() {
            body["role"] = json!(role);
        }
        let answer = bao.send(|c, node| {
            c.post(format!("{node}/v1/auth/oidc/oidc/auth_url"))
                .json(&body)
        })?;
        let url = answer
            .pointer("/data/auth_url")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| BaoError::Other {
                status: 200,
                message: "хранилище не дало адрес входа через браузер (проверьте роль OIDC и \
                          разрешённые адреса возврата)"
                    .to_owned(),
            })?
            .to_owned();
        Ok((bao, url))
    }

    /// Finishes a browser login with what the identity provider sent back to this computer.
    pub fn oidc_finish(&self, state: &str, code: &str, client_nonce: &str) -> Result<(), BaoError> {
        let answer = self.send(|c, node| {
            let url = reqwest::Url::parse_with_params(
                &format!("{node}/v1/auth/oidc/oidc/callback"),
                &[
                    ("state", state),
                    ("code", code),
                    ("client_nonce", client_nonce),
                ],
            );
            match url {
                Ok(url) => c.get(url),
                Err(_) => c.get(format!("{node}/v1/auth/oidc/oidc/callback")),
            }
        });
        self.set_token(login_token(answer)?);
        Ok(())
    }

    /// Logs in again with login and password: the same connection, a new token.
    pub fn relogin_userpass(&self, user: &str, password: &Secret) -> Result<(), BaoError> {
        let fresh = Self::login_userpass(&self.nodes, &self.mount, user, password, &[])?;
        self.set_token(fresh.token());
        Ok(())
    }

    /// Takes the token of a fresh login (logging in again through the browser).
    pub fn set_token(&self, token: Secret) {
        if let Ok(mut t) = self.token.write() {
            *t = token;
        }
    }

    /// A connection with a token already held (kept in the OS keyring between sessions).
    pub fn with_token(
        nodes: &[String],
        mount: &str,
        token: Secret,
        extra_roots_pem: &[Vec<u8>],
    ) -> Result<Self, BaoError> {
        Ok(Self {
            nodes: nodes
                .iter()
                .map(|n| n.trim_end_matches('/').to_owned())
                .collect(),
            mount: mount.to_owned(),
            token: RwLock::new(token),
            client: client(extra_roots_pem)?,
            switching: Arc::default(),
        })
    }

    /// The node addresses, in the order they are tried.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// The KV v2 mount.
    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// True while requests wait for the cluster to choose a new leader.
    pub fn is_switching(&self) -> bool {
        self.switching.load(Ordering::Relaxed)
    }

    /// Extends the login by `increment` seconds (as far as its role allows); the seconds left.
    pub fn renew_self(&self, increment: u64) -> Result<u64, BaoError> {
        let answer = self.send(|c, node| {
            self.auth(c.post(format!("{node}/v1/auth/token/renew-self")))
                .json(&json!({ "increment": format!("{increment}s") }))
        })?;
        Ok(answer
            .pointer("/auth/lease_duration")
            .and_then(Value::as_u64)
            .unwrap_or(0))
    }

    /// What the token may do with the secrets under `folder` (a connection in it stands for all).
    pub fn rights(&self, folder: &str) -> Result<Rights, BaoError> {
        let data = format!("{}/data/{folder}/x", self.mount);
        let meta = format!("{}/metadata/{folder}/x", self.mount);
        let list = format!("{}/metadata/{folder}", self.mount);
        let answer = self.send(|c, node| {
            self.auth(c.post(format!("{node}/v1/sys/capabilities-self")))
                .json(&json!({ "paths": [data, meta, list] }))
        })?;
        let has = |path: &str, wanted: &[&str]| {
            answer
                .pointer("/data")
                .and_then(|d| d.get(path))
                .or_else(|| answer.get(path))
                .and_then(Value::as_array)
                .is_some_and(|caps| {
                    caps.iter()
                        .filter_map(Value::as_str)
                        .any(|c| c == "root" || wanted.contains(&c))
                })
        };
        Ok(Rights {
            read: has(&data, &["read"]),
            write: has(&data, &["create", "update"]) && has(&meta, &["create", "update", "patch"]),
            delete: has(&meta, &["delete"]),
            list: has(&list, &["list"]),
        })
    }

    /// Who the token belongs to and how many seconds it has left: also tells an expired login
    /// (`403`) from a missing right.
    pub fn lookup_self(&self) -> Result<(String, u64), BaoError> {
        let answer =
            self.send(|c, node| self.auth(c.get(format!("{node}/v1/auth/token/lookup-self"))))?;
        let name = answer
            .pointer("/data/display_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let ttl = answer
            .pointer("/data/ttl")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        Ok((name, ttl))
    }

    /// The token, to keep in the OS keyring.
    pub fn token(&self) -> Secret {
        self.token.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// Reads the secret at `path` (inside the mount): `None` when there is none.
    pub fn read(&self, path: &str) -> Result<Option<Read>, BaoError> {
        let url = |node: &str| format!("{node}/v1/{}/data/{path}", self.mount);
        match self.send(|c, node| self.auth(c.get(url(node)))) {
            Ok(answer) => {
                let version = answer
                    .pointer("/data/metadata/version")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let data = answer
                    .pointer("/data/data")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), Secret::new(s))))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Some(Read { version, data }))
            }
            Err(BaoError::Other { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes `data` at `path` if its current version is `cas` (0: only if there is none yet).
    /// Returns the new version; [`BaoError::Conflict`] when someone wrote it meanwhile.
    pub fn write(
        &self,
        path: &str,
        data: &BTreeMap<String, Secret>,
        cas: u64,
    ) -> Result<u64, BaoError> {
        let body: serde_json::Map<String, Value> = data
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.expose().to_owned())))
            .collect();
        let url = |node: &str| format!("{node}/v1/{}/data/{path}", self.mount);
        written(
            self.send(|c, node| {
                self.auth(c.post(url(node)))
                    .json(&json!({ "options": { "cas": cas }, "data": body }))
            }),
            cas,
        )
    }

    /// Changes some keys of the data at `path` without reading it (JSON merge patch; `None`
    /// removes a key) if its current version is `cas`: for a role that may deposit a secret
    /// without reading the others (needs the `patch` right). Returns the new version.
    pub fn patch(
        &self,
        path: &str,
        changes: &BTreeMap<String, Option<Secret>>,
        cas: u64,
    ) -> Result<u64, BaoError> {
        let body: serde_json::Map<String, Value> = changes
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_ref()
                    .map_or(Value::Null, |v| Value::String(v.expose().to_owned()));
                (k.clone(), v)
            })
            .collect();
        let url = |node: &str| format!("{node}/v1/{}/data/{path}", self.mount);
        written(
            self.send(|c, node| {
                self.auth(c.patch(url(node)))
                    .header("Content-Type", "application/merge-patch+json")
                    .body(json!({ "options": { "cas": cas }, "data": body }).to_string())
            }),
            cas,
        )
    }

    /// Replaces the custom metadata of `path` (at most 64 keys of 512 bytes each — the
    /// server refuses more).
    pub fn set_metadata(
        &self,
        path: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<(), BaoError> {
        let url = |node: &str| format!("{node}/v1/{}/metadata/{path}", self.mount);
        self.send(|c, node| {
            self.auth(c.post(url(node)))
                .json(&json!({ "custom_metadata": metadata }))
        })
        .map(drop)
    }

    /// Every key under `folder` with its current version and custom metadata, in one call.
    pub fn list_detailed(&self, folder: &str) -> Result<Vec<Entry>, BaoError> {
        let url = |node: &str| format!("{node}/v1/{}/detailed-metadata/{folder}", self.mount);
        let answer = match self.send(|c, node| {
            self.auth(c.request(
                reqwest::Method::from_bytes(b"LIST").unwrap_or_default(),
                url(node),
            ))
        }) {
            Ok(answer) => answer,
            // An empty folder does not exist yet.
            Err(BaoError::Other { status: 404, .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let Some(keys) = answer.pointer("/data/key_info").and_then(Value::as_object) else {
            return Ok(Vec::new());
        };
        Ok(keys
            .iter()
            .filter(|(key, _)| !key.ends_with('/'))
            .map(|(key, info)| Entry {
                key: key.clone(),
                version: info
                    .get("current_version")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                metadata: info
                    .get("custom_metadata")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// Deletes `path` with every version and its metadata.
    pub fn delete(&self, path: &str) -> Result<(), BaoError> {
        let url = |node: &str| format!("{node}/v1/{}/metadata/{path}", self.mount);
        self.send(|c, node| self.auth(c.delete(url(node))))
            .map(drop)
    }

    fn auth(&self, request: RequestBuilder) -> RequestBuilder {
        request.header("X-Vault-Token", self.token().expose())
    }

    /// [`Self::send_once`], again for up to [`LEADER_WAIT`] while the nodes answer but none
    /// for the cluster (a new leader is being chosen); [`Self::is_switching`] says so meanwhile.
    fn send(&self, build: impl Fn(&Client, &str) -> RequestBuilder) -> Result<Value, BaoError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(200);
        let result = loop {
            match self.send_once(&build) {
                Err(Answer::Leaderless(reason)) if started.elapsed() < LEADER_WAIT => {
                    self.switching.store(true, Ordering::Relaxed);
                    tracing::debug!("team store: no leader yet ({reason}); retrying");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                Err(Answer::Leaderless(reason)) => break Err(BaoError::Unreachable(reason)),
                Err(Answer::Final(e)) => break Err(e),
                Ok(v) => break Ok(v),
            }
        };
        self.switching.store(false, Ordering::Relaxed);
        result
    }

    /// Sends the request built by `build` to each node in turn until one answers for the
    /// cluster. The JSON answer (`Null` for an empty one), or the error of the last node.
    fn send_once(&self, build: &impl Fn(&Client, &str) -> RequestBuilder) -> Result<Value, Answer> {
        let mut reasons = Vec::new();
        // Nodes that answered without being able to serve (a standby, no active node): the
        // cluster is there and choosing a leader.
        let mut standing_by = 0;
        let mut sealed = 0;
        for node in &self.nodes {
            let response = match build(&self.client, node).send() {
                Ok(r) => r,
                Err(e) => {
                    if is_tls(&e) {
                        return Err(Answer::Final(BaoError::Tls(format!(
                            "{node}: {}",
                            plain(&e)
                        ))));
                    }
                    reasons.push(format!("{node}: {}", plain(&e)));
                    continue;
                }
            };
            let status = response.status();
            if status.is_redirection() {
                // A standby pointing at the leader: the leader is one of the nodes we know.
                reasons.push(format!("{node}: резервный узел ({status})"));
                standing_by += 1;
                continue;
            }
            let body = read_body(response);
            let message = server_message(&body);
            if status == StatusCode::SERVICE_UNAVAILABLE && message.contains("sealed") {
                sealed += 1;
                reasons.push(format!("{node}: запечатан"));
                continue;
            }
            if status.is_server_error() {
                // `active cluster node not found` while a new leader is chosen, or a node
                // that cannot serve: try the next one.
                reasons.push(format!("{node}: {status} {message}"));
                if message.contains("active cluster node not found") || message.contains("standby")
                {
                    standing_by += 1;
                }
                continue;
            }
            return match status {
                s if s.is_success() => Ok(body),
                StatusCode::FORBIDDEN => Err(Answer::Final(BaoError::Denied(message))),
                s => Err(Answer::Final(BaoError::Other {
                    status: s.as_u16(),
                    message,
                })),
            };
        }
        if sealed > 0 && sealed == self.nodes.len() {
            return Err(Answer::Final(BaoError::Sealed));
        }
        let reason = if reasons.is_empty() {
            "не задан ни один адрес".to_owned()
        } else {
            reasons.join("; ")
        };
        Err(if standing_by > 0 {
            Answer::Leaderless(reason)
        } else {
            Answer::Final(BaoError::Unreachable(reason))
        })
    }
}

/// The new version of a write over version `cas`; someone else's write in between is
/// [`BaoError::Conflict`].
fn written(answer: Result<Value, BaoError>, cas: u64) -> Result<u64, BaoError> {
    let answer = answer.map_err(|e| match e {
        BaoError::Other {
            status: 400,
            message,
        } if message.contains("check-and-set") => BaoError::Conflict { seen: cas },
        other => other,
    })?;
    Ok(answer
        .pointer("/data/version")
        .and_then(Value::as_u64)
        .unwrap_or(cas + 1))
}

/// The token of a login's answer; a refusal of the login itself is [`BaoError::BadLogin`].
fn login_token(answer: Result<Value, BaoError>) -> Result<Secret, BaoError> {
    let answer = answer.map_err(|e| match e {
        BaoError::Other {
            status: 400,
            message,
        }
        | BaoError::Denied(message) => BaoError::BadLogin(message),
        other => other,
    })?;
    answer
        .pointer("/auth/client_token")
        .and_then(Value::as_str)
        .map(Secret::new)
        .ok_or_else(|| BaoError::Other {
            status: 200,
            message: "в ответе на вход нет токена".to_owned(),
        })
}

/// Why one round over the nodes did not give an answer.
enum Answer {
    /// Nodes answered, none for the cluster: worth asking again shortly.
    Leaderless(String),
    Final(BaoError),
}

/// The body as JSON (`Null` when empty or not JSON), at most 8 MB: a list of thousands of
/// connections is a few MB; a hostile server streaming without end is cut off.
fn read_body(response: Response) -> Value {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    let _ = response.take(8 * 1024 * 1024).read_to_end(&mut bytes);
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// The server's own words: `errors` joined (never request data: OpenBao's messages do not
/// repeat secret values).
fn server_message(body: &Value) -> String {
    body.get("errors")
        .and_then(Value::as_array)
        .map(|e| {
            e.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

fn is_tls(e: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        let text = s.to_string().to_lowercase();
        // The certificate itself (rustls: «invalid peer certificate: UnknownIssuer»…); not any
        // TLS word — a node killed mid-request is «peer closed connection without sending TLS
        // close_notify», a dropped connection to try the next node for.
        if text.contains("certificate") || text.contains("unknownissuer") {
            return true;
        }
        source = s.source();
    }
    false
}

/// A transport error without the URL (which has no secret, but is long) and with its cause.
fn plain(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "нет ответа вовремя".to_owned()
    } else if e.is_connect() {
        "не удалось подключиться".to_owned()
    } else {
        "ошибка связи".to_owned()
    };
    if let Some(cause) = std::error::Error::source(e) {
        out = format!("{out} ({cause})");
    }
    out
}
