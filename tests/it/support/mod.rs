//! Test helpers: local HTTP(S) servers on 127.0.0.1 that answer like the real services,
//! including their failures, and test certificates.
#![allow(clippy::missing_panics_doc)]

pub mod ui;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with each connection.
#[derive(Debug, Clone)]
pub enum Reply {
    Http {
        status: u16,
        content_type: &'static str,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Reads the request and never answers.
    Stall,
    /// Reads the request and resets the connection.
    Reset,
    /// 200 with a chunked JSON-looking body that never ends (until the client goes away).
    Endless,
    /// A reply computed from the request (a paging service answers by what was asked).
    Computed(Responder),
    /// Reads the request, waits, then gives the inner reply (a slow or overloaded server).
    Late(Duration, Box<Reply>),
    /// Reads the request, writes these bytes as they are, and closes (a broken server).
    Raw(Vec<u8>),
}

/// Computes a [`Reply`] from a request.
#[derive(Clone)]
pub struct Responder(pub Arc<dyn Fn(&Request) -> Reply + Send + Sync>);

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Responder")
    }
}

/// An Ivideon account with `count` cameras (`100-…:n`, named «Камера n») answering
/// `POST /cameras?op=FIND` as Ivideon does: `{"success":true,"result":{"items":[…]}}`, the body's
/// `skip` and `limit` choosing the page, at most `page_max` items per answer whatever is asked.
pub fn ivideon_account(count: usize, page_max: usize) -> Reply {
    Reply::Computed(Responder(Arc::new(move |req: &Request| {
        let asked: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let num = |k: &str| {
            asked
                .get(k)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        };
        let skip = num("skip").unwrap_or(0);
        let limit = num("limit").unwrap_or(page_max).min(page_max);
        let items: Vec<serde_json::Value> = (skip..count.min(skip.saturating_add(limit)))
            .map(|n| serde_json::json!({"id": ivideon_camera_id(n), "name": format!("Камера {n}")}))
            .collect();
        Reply::json(
            200,
            &serde_json::json!({"success": true, "result": {"items": items}}).to_string(),
        )
    })))
}

/// The id [`ivideon_account`] gives camera `n`: «100-» + 22 letters and digits, «:» + channel.
pub fn ivideon_camera_id(n: usize) -> String {
    format!("100-MmGJshcLzl2meHPvu1G{:03}:{}", n / 10, n % 10)
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self::Http {
            status,
            content_type: "application/json",
            body: body.to_owned(),
            headers: Vec::new(),
        }
    }

    pub fn html(status: u16, body: &str) -> Self {
        Self::Http {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.to_owned(),
            headers: Vec::new(),
        }
    }

    /// The same reply, given `after` the request was read.
    #[must_use]
    pub fn after(self, delay: Duration) -> Self {
        Self::Late(delay, Box::new(self))
    }

    /// The same reply with an extra header.
    #[must_use]
    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Self::Http {
                status,
                content_type,
                body,
                mut headers,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Self::Http {
                    status,
                    content_type,
                    body,
                    headers,
                }
            }
            other => other,
        }
    }
}

pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Starts a server on a free loopback port that gives `reply` to every request.
pub fn serve(reply: Reply) -> Server {
    serve_seq(vec![reply])
}

/// Gives the replies in order, one per connection; the last one repeats.
pub fn serve_seq(replies: Vec<Reply>) -> Server {
    serve_with(replies, None)
}

/// An HTTPS server with the given certificate chain and PKCS#8 key (DER).
pub fn serve_tls(replies: Vec<Reply>, chain: Vec<Vec<u8>>, key: Vec<u8>) -> Server {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let certs = chain
        .into_iter()
        .map(rustls::pki_types::CertificateDer::from)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.into());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    serve_with(replies, Some(Arc::new(config)))
}

fn serve_with(replies: Vec<Reply>, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&requests);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { continue };
            let reply = replies[n.min(replies.len() - 1)].clone();
            let log = Arc::clone(&log);
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                None => handle(stream, &reply, &log),
                Some(config) => {
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls_stream = rustls::StreamOwned::new(conn, stream);
                    handle(&mut tls_stream, &reply, &log);
                    tls_stream.conn.send_close_notify();
                    let _ = tls_stream.flush();
                }
            });
        }
    });
    Server { url, requests }
}

/// A server connection: read, write, and (plain TCP only) reset.
trait Conn: Read + Write {
    fn reset(&mut self) {}
}

impl Conn for TcpStream {
    fn reset(&mut self) {
        let _ = socket2::SockRef::from(&*self).set_linger(Some(Duration::ZERO));
    }
}

impl Conn for &mut rustls::StreamOwned<rustls::ServerConnection, TcpStream> {}

fn handle(mut stream: impl Conn, reply: &Reply, log: &Mutex<Vec<Request>>) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let computed;
    let reply = match reply {
        Reply::Computed(Responder(f)) => {
            computed = f(&request);
            &computed
        }
        other => other,
    };
    log.lock().unwrap().push(request);
    answer(stream, reply);
}

fn answer(mut stream: impl Conn, reply: &Reply) {
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(bytes);
        }
        Reply::Late(delay, inner) => {
            std::thread::sleep(*delay);
            answer(stream, inner);
        }
        Reply::Http {
            status,
            content_type,
            body,
            headers,
        } => {
            let extra = headers.iter().fold(String::new(), |mut out, (k, v)| {
                use std::fmt::Write as _;
                let _ = write!(out, "{k}: {v}\r\n");
                out
            });
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
        // Computed replies were turned into one of the others above.
        Reply::Computed(_) => {}
        Reply::Stall => std::thread::sleep(Duration::from_secs(30)),
        Reply::Reset => stream.reset(),
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let piece = format!("{:x}\r\n{}\r\n", 64 * 1024, "[".repeat(64 * 1024));
            while stream.write_all(piece.as_bytes()).is_ok() {}
        }
    }
}

fn read_request(stream: &mut impl Read) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// A loopback address where nothing listens.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// A throwaway certificate authority and certificates it signs, for the TLS tests.
pub struct TestCa {
    pub pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> Self {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A certificate for `names` that signs itself, as a server set up by hand often has:
    /// marked as an authority (what `openssl req -x509` makes by default) or not. (chain, key).
    pub fn self_signed(names: &[&str], authority: bool) -> (Vec<Vec<u8>>, Vec<u8>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(
            names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )
        .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        if authority {
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        }
        let cert = params.self_signed(&key).unwrap();
        (vec![cert.der().to_vec()], key.serialize_der())
    }

    /// A server certificate for `names` (DNS names or IP addresses): (chain, PKCS#8 key), DER.
    pub fn leaf(&self, names: &[&str]) -> (Vec<Vec<u8>>, Vec<u8>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(
            names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )
        .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (vec![cert.der().to_vec()], key.serialize_der())
    }
}

/// The built `klyuchnik`, the one way tests start it: its own data folder, the kernel keyring,
/// short check timeouts. A test changes what it needs (another keyring, no `PATH`, full
/// logging) before running it.
pub fn klyuchnik(home: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_klyuchnik"));
    command
        .env("KLYUCHNIK_HOME", home)
        .env("KLYUCHNIK_KEYRING", "keyutils")
        .env("KLYUCHNIK_CHECK_TIMEOUT", "2");
    command
}

/// Writes `list` as the connections file of the data folder `home`, as Ключник writes it.
pub fn seed(home: &std::path::Path, list: &[klyuchnik::model::Connection]) {
    let file = klyuchnik::store::Home::new(home).connections_file();
    let (store, _) = klyuchnik::store::Store::open(&file);
    store
        .modify(|all| {
            all.extend(list.iter().cloned());
            Ok(())
        })
        .unwrap();
}

/// Runs the built `klyuchnik` ([`klyuchnik`]) with full logging (the secret scan reads the
/// logs), feeding `stdin`.
pub fn run_cli(home: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    run_cli_with(home, "keyutils", args, stdin)
}

/// [`run_cli`] with another keyring (`secret-service`).
pub fn run_cli_with(
    home: &std::path::Path,
    keyring: &str,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    use std::process::Stdio;
    let mut child = klyuchnik(home)
        .args(args)
        .env("KLYUCHNIK_KEYRING", keyring)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `klyuchnik add elma365` with every field filled and the token read from standard input.
pub fn add_elma_args(name: &str, address: &str) -> Vec<String> {
    let address = format!("address={address}");
    [
        "add",
        "elma365",
        "--name",
        name,
        "--set",
        &address,
        "--set",
        "user=Интеграция",
        "--set",
        "token_name=Обмен",
        "--secret",
        "token",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The operations' view of a connections file alone (secrets in memory): for tests of the list.
pub fn local(store: &klyuchnik::store::Store) -> klyuchnik::ops::Local {
    klyuchnik::ops::Local::new(store.clone(), klyuchnik::store::Secrets::mock())
}

/// Adds a connection to the file as a wizard's save does (the same name rules).
pub fn add(store: &klyuchnik::store::Store, connection: klyuchnik::model::Connection) {
    klyuchnik::ops::save::add(&local(store), connection).unwrap();
}
