//! The HTTP client, retries, and the translation of transport failures into outcome kinds.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, StatusCode};

use super::{Outcome, OutcomeKind};

/// How long a check may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Setting up the connection (TCP and TLS).
    pub connect: Duration,
    /// One whole request, answer included.
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

/// Everything that shapes the checks' HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    pub timeouts: Timeouts,
    /// Root certificates (PEM) trusted on top of the platform's own; none by default (tests
    /// add their own test CA). No check talks to ЕИС, so the Минцифры roots are not trusted.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Waits before the first and the second retry when no `Retry-After` is given.
    pub backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the check reports the rate limit.
    pub max_wait: Duration,
    /// Host names answered from this table instead of the system's name lookup (tests: every
    /// name maps to loopback or is unknown). `None`: the system's lookup.
    pub hosts: Option<Arc<BTreeMap<String, SocketAddr>>>,
}

/// Retries after a 429 or a 5xx; at most this many.
pub const MAX_RETRIES: u32 = 2;

/// The largest answer read. The services' real answers are a few KB; a broken or hostile
/// server streaming without end must not fill the memory (32 checks run at once).
pub const MAX_BODY: usize = 256 * 1024;

/// Redirects followed, and only within the same origin (scheme, host, port): a redirect to
/// another host or from https to http would re-send the token (in the body after 307/308, in
/// the query string for Ivideon) where nobody checked it should go.
const MAX_REDIRECTS: usize = 3;

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeouts: Timeouts::default(),
            extra_roots_pem: Vec::new(),
            backoff: Duration::from_millis(800),
            max_wait: Duration::from_secs(15),
            hosts: None,
        }
    }
}

impl ClientOptions {
    /// The defaults with other timeouts.
    pub fn with_timeouts(timeouts: Timeouts) -> Self {
        Self {
            timeouts,
            ..Self::default()
        }
    }

    /// The defaults with a timeout setting in seconds (`None`: the defaults).
    pub fn with_timeout_setting(raw: Option<&str>) -> Result<Self, String> {
        /// Longer than any service takes; a bigger number is a typo, not a wish.
        const MAX_SECS: f64 = 3600.0;
        let mut options = Self::default();
        let Some(raw) = raw else {
            return Ok(options);
        };
        let secs = raw
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= MAX_SECS)
            .ok_or_else(|| {
                format!(
                    "KLYUCHNIK_CHECK_TIMEOUT={raw}: нужно число секунд больше 0 и не больше {MAX_SECS}, например 30"
                )
            })?;
        let d = Duration::from_secs_f64(secs);
        options.timeouts = Timeouts {
            connect: d,
            overall: d,
        };
        options.max_wait = d;
        Ok(options)
    }

    /// Also trusts `pem` as a root (tests use their own test CA this way).
    #[must_use]
    pub fn with_root(mut self, pem: &[u8]) -> Self {
        self.extra_roots_pem.push(pem.to_vec());
        self
    }
}

/// A client with the given options. Certificate verification is always on.
pub fn client(options: &ClientOptions) -> Result<reqwest::Client, Outcome> {
    let bad = |e: &dyn std::fmt::Display| {
        Outcome::new(
            OutcomeKind::Tls,
            "не удалось подготовить защищённое соединение",
        )
        .with_technical(e.to_string())
    };
    let mut roots = Vec::new();
    for pem in &options.extra_roots_pem {
        roots.extend(reqwest::Certificate::from_pem_bundle(pem).map_err(|e| bad(&e))?);
    }
    let mut builder = reqwest::Client::builder();
    if let Some(hosts) = &options.hosts {
        builder = builder.dns_resolver(Arc::new(HostTable(Arc::clone(hosts))));
    }
    builder
        .connect_timeout(options.timeouts.connect)
        .timeout(options.timeouts.overall)
        .user_agent(concat!("Klyuchnik/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .last()
                .is_some_and(|from| from.origin() == attempt.url().origin());
            if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        // A `Referer` would carry the previous URL, query-string token included.
        .referer(false)
        .tls_certs_merge(roots)
        .build()
        .map_err(|e| bad(&e))
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

/// Sends the request `make` builds; on 429 and 5xx waits (honouring `Retry-After`) and
/// sends it again, at most [`MAX_RETRIES`] times. Transport failures are classified at once.
/// The whole exchange — every try and every wait — fits in `options.timeouts.overall`.
pub async fn send(
    options: &ClientOptions,
    make: impl Fn() -> RequestBuilder,
) -> Result<Reply, Outcome> {
    send_until(options, Instant::now() + options.timeouts.overall, make).await
}

/// [`send`] within a time budget that ends at `deadline`: each try gets only what is left, and
/// a wait the server asks for that would not leave a try its share is not waited for — the
/// check ends at once with the server's answer («занят, попробуйте позже») instead of taking
/// several timeouts' worth (a server answering 503 slowly with `Retry-After` once made one
/// check take 87 s with a 20 s timeout).
pub async fn send_until(
    options: &ClientOptions,
    deadline: Instant,
    make: impl Fn() -> RequestBuilder,
) -> Result<Reply, Outcome> {
    let mut attempt = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(out_of_time(options));
        }
        let response = match make().timeout(left).send().await {
            Ok(r) => r,
            Err(e) if is_name_not_found(&e) => {
                let host = e.url().and_then(|u| u.host_str()).map(str::to_owned);
                return Err(name_not_found(options, deadline, host.as_deref()).await);
            }
            Err(e) => return Err(classify(e)),
        };
        let status = response.status();
        let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
        if retryable && attempt < MAX_RETRIES {
            let asked = retry_after(response.headers());
            let wait = asked.unwrap_or(options.backoff * 2u32.pow(attempt));
            let left = deadline.saturating_duration_since(Instant::now());
            // The try after the wait needs time too: a quarter of the budget at least.
            let fits = wait <= options.max_wait && wait + options.timeouts.overall / 4 <= left;
            if fits {
                drop(response);
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            if let Some(asked) = asked {
                return Err(busy(status, asked, options));
            }
        }
        if status.is_redirection() {
            return Err(redirected(&response));
        }
        let body = read_body(response).await?;
        return Ok(Reply { status, body });
    }
}

/// The check's time ran out between tries.
fn out_of_time(options: &ClientOptions) -> Outcome {
    Outcome::new(
        OutcomeKind::Timeout,
        format!(
            "ответ не пришёл за время, отведённое на проверку ({})",
            seconds(options.timeouts.overall)
        ),
    )
}

/// A 429 or 5xx whose `Retry-After` asks for longer than the check has left.
fn busy(status: StatusCode, asked: Duration, options: &ClientOptions) -> Outcome {
    let kind = if status == StatusCode::TOO_MANY_REQUESTS {
        OutcomeKind::RateLimited
    } else {
        OutcomeKind::ServiceError
    };
    Outcome::new(
        kind,
        format!(
            "сервер ответил {} и просит повторить через {} — дольше, чем отведено на проверку ({}); \
             повторите проверку позже",
            status.as_u16(),
            seconds(asked),
            seconds(options.timeouts.overall)
        ),
    )
}

/// «20 с», «2,5 с».
fn seconds(d: Duration) -> String {
    let tenths = (d.as_millis() + 50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{} с", tenths / 10)
    } else {
        format!("{},{} с", tenths / 10, tenths % 10)
    }
}

/// Reads the answer in chunks and stops at [`MAX_BODY`].
async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, Outcome> {
    let too_big = || {
        Outcome::new(
            OutcomeKind::WrongAddress,
            format!(
                "ответ сервера больше {} КБ — это не ответ проверяемого сервиса",
                MAX_BODY / 1024
            ),
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A redirect that was not followed: names the host it pointed to, never the whole address
/// (its query string may carry what was sent).
fn redirected(response: &reqwest::Response) -> Outcome {
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| response.url().join(loc).ok());
    let detail = match target {
        Some(url) => {
            let host = url.host_str().unwrap_or("?");
            let place = match url.port() {
                Some(port) => format!("{}://{host}:{port}", url.scheme()),
                None => format!("{}://{host}", url.scheme()),
            };
            format!(
                "сервер перенаправляет на другой адрес ({place}); Ключник туда ключ не отправил — проверьте адрес"
            )
        }
        None => format!(
            "сервер ответил перенаправлением ({}) без понятного адреса",
            response.status()
        ),
    };
    Outcome::new(OutcomeKind::WrongAddress, detail)
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The outcome for an HTTP status that is not a success, common to the services.
pub fn status_outcome(status: StatusCode) -> Option<Outcome> {
    let s = status.as_u16();
    Some(match s {
        401 | 403 => Outcome::new(OutcomeKind::Rejected, format!("сервер ответил {status}")),
        404 => Outcome::new(
            OutcomeKind::WrongAddress,
            format!("по этому адресу нет нужного сервиса ({status})"),
        ),
        429 => Outcome::new(OutcomeKind::RateLimited, format!("сервер ответил {status}")),
        500..=599 => Outcome::new(
            OutcomeKind::ServiceError,
            format!("сервер ответил {status}"),
        ),
        _ => return None,
    })
}

/// Classifies a failed request. The URL is dropped from the text: it can carry a token in
/// services that take it as a query parameter. The library's text (English) goes to the log
/// and to [`Outcome::technical`]; the detail says it in Russian.
pub fn classify(err: reqwest::Error) -> Outcome {
    let err = err.without_url();
    let chain = chain_text(&err);
    tracing::info!("check: transport failure: {chain}");
    classify_text(&err, &chain).with_technical(chain)
}

fn classify_text(err: &reqwest::Error, chain: &str) -> Outcome {
    let lower = chain.to_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return Outcome::new(OutcomeKind::Tls, tls_reason(chain));
    }
    if err.is_timeout() || lower.contains("timed out") {
        let what = if err.is_connect() {
            "соединение не установилось вовремя"
        } else {
            "ответ не пришёл вовремя"
        };
        return Outcome::new(OutcomeKind::Timeout, what);
    }
    if is_name_not_found(err) {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            "такого адреса нет (имя сервера не найдено)",
        );
    }
    if lower.contains("refused") {
        return Outcome::new(OutcomeKind::Unreachable, "сервер отказал в соединении");
    }
    Outcome::new(
        OutcomeKind::Unreachable,
        broken_answer(&lower, err.is_connect()),
    )
}

/// Russian words for what hyper reports about a broken exchange (its texts, lower-cased).
fn broken_answer(lower: &str, connect: bool) -> &'static str {
    let has = |w: &str| lower.contains(w);
    if has("message head is too large") || has("headers too large") {
        "сервер прислал слишком большие заголовки ответа — так проверяемые сервисы не отвечают"
    } else if has("invalid http") || has("invalid header") || has("invalid status") {
        "ответ сервера не похож на ответ веб-сервиса — проверьте адрес и порт"
    } else if has("end of file before message length")
        || has("incomplete")
        || has("before message completed")
    {
        "соединение оборвалось до конца ответа"
    } else if has("reset") || has("closed") || has("broken pipe") || has("unexpected eof") {
        "соединение оборвалось"
    } else if connect {
        "не удалось соединиться"
    } else {
        "ответ сервера не удалось прочитать"
    }
}

/// The server's name could not be looked up.
fn is_name_not_found(err: &reqwest::Error) -> bool {
    let lower = chain_text(err).to_lowercase();
    lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
}

/// A name that is not found means a wrong address only if other names are: with no network
/// (or no working name lookup) every name fails, and «Неверный адрес» would send the user to
/// retype a correct address. The test name is the address's parent domain (`elma365.ru` for
/// `acme.elma365.ru`): it exists whenever the address could, and is where the request would go.
async fn name_not_found(options: &ClientOptions, deadline: Instant, host: Option<&str>) -> Outcome {
    let Some(host) = host else {
        return Outcome::new(OutcomeKind::WrongAddress, "имя сервера не найдено");
    };
    let parent = host
        .split_once('.')
        .map(|(_, rest)| rest)
        .filter(|rest| rest.contains('.'));
    let Some(parent) = parent else {
        return Outcome::new(
            OutcomeKind::WrongAddress,
            format!("имя сервера {host} не найдено; проверьте адрес и подключение к сети"),
        );
    };
    let found = match &options.hosts {
        Some(table) => table.contains_key(parent),
        None => tokio::time::timeout(
            options
                .timeouts
                .connect
                .min(deadline.saturating_duration_since(Instant::now())),
            tokio::net::lookup_host((parent, 443)),
        )
        .await
        .is_ok_and(|r| r.is_ok_and(|mut addrs| addrs.next().is_some())),
    };
    if found {
        Outcome::new(
            OutcomeKind::WrongAddress,
            format!("имя сервера {host} не найдено, хотя {parent} находится"),
        )
    } else {
        Outcome::new(
            OutcomeKind::Unreachable,
            format!(
                "нет связи: не находится ни {host}, ни {parent} — похоже, компьютер не \
                 подключён к интернету или не работает поиск имён (DNS)"
            ),
        )
    }
}

/// [`ClientOptions::hosts`] as reqwest's name lookup.
struct HostTable(Arc<BTreeMap<String, SocketAddr>>);

impl reqwest::dns::Resolve for HostTable {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let found = self.0.get(name.as_str()).copied();
        Box::pin(async move {
            match found {
                Some(addr) => Ok(Box::new(std::iter::once(addr)) as reqwest::dns::Addrs),
                None => {
                    Err(format!("failed to lookup address information: {}", name.as_str()).into())
                }
            }
        })
    }
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

/// A Russian name for the certificate problem rustls reported. rustls writes the same
/// problem as `NotValidForName` or «not valid for name» depending on the variant, so the text
/// is compared without spaces and case.
fn tls_reason(chain: &str) -> String {
    let squashed: String = chain
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let has = |w: &str| squashed.contains(w);
    let reason = if has("causedasendentity") || has("selfsigned") {
        "сертификат сервера подписан им самим (самоподписанный): такому сертификату нельзя \
         доверять, не зная, чей он"
    } else if has("unknownissuer") {
        // A certificate that signs itself without the authority mark ends here too: the
        // error does not tell the two apart.
        "сертификат сервера выдан неизвестным удостоверяющим центром или подписан им самим"
    } else if has("notvalidforname") {
        "сертификат выдан для другого адреса"
    } else if has("expired") {
        "срок действия сертификата истёк"
    } else if has("notvalidyet") {
        "сертификат ещё не действует"
    } else if has("revoked") {
        "сертификат отозван"
    } else if has("badsignature") {
        "подпись сертификата неверна"
    } else {
        "не удалось установить защищённое соединение"
    };
    reason.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_setting_is_seconds_within_reason() {
        let o = ClientOptions::with_timeout_setting(Some(" 2.5 ")).expect("valid");
        assert_eq!(o.timeouts.overall, Duration::from_millis(2500));
        assert_eq!(o.timeouts.connect, Duration::from_millis(2500));
        assert_eq!(
            ClientOptions::with_timeout_setting(None).expect("none"),
            ClientOptions::default()
        );
        for bad in ["inf", "0", "-1", "3601", "тридцать", "NaN"] {
            let e = ClientOptions::with_timeout_setting(Some(bad)).expect_err(bad);
            assert!(e.contains("KLYUCHNIK_CHECK_TIMEOUT"), "{e}");
        }
    }

    /// What a person reads of a transport or certificate failure has no Latin letters: the
    /// library's text is kept apart (`Outcome::technical`, the log).
    #[test]
    fn transport_and_certificate_words_are_russian() {
        let latin = |t: &str| t.chars().any(|c| c.is_ascii_alphabetic());
        for text in [
            "message head is too large",
            "error reading a body from connection: end of file before message length reached",
            "invalid HTTP version parsed",
            "connection closed before message completed",
            "connection reset by peer",
            "something no one has seen yet",
        ] {
            for connect in [false, true] {
                let said = broken_answer(&text.to_lowercase(), connect);
                assert!(!latin(said), "{text}: {said}");
            }
        }
        for text in [
            "invalid peer certificate: UnknownIssuer",
            "invalid peer certificate: CaUsedAsEndEntity",
            "invalid peer certificate: NotValidForName",
            "invalid peer certificate: Expired",
            "received corrupt message of type InvalidContentType",
        ] {
            let said = tls_reason(text);
            assert!(!latin(&said), "{text}: {said}");
        }
        let options = ClientOptions::default();
        for said in [
            busy(
                StatusCode::SERVICE_UNAVAILABLE,
                Duration::from_mins(2),
                &options,
            ),
            out_of_time(&options),
        ] {
            let detail = said.detail.unwrap_or_default();
            assert!(!latin(&detail), "{detail}");
        }
    }
}
