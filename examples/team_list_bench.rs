//! How long the team store's list takes with 1,000 connections: starts a `bao server -dev`
//! (OpenBao 2.7.2 from scripts/install-deps.sh, or `KLYUCHNIK_BAO=/path/to/bao`), writes 1,000
//! connections with realistic fields through the app's own store code, then reads the whole list
//! (`Team::read_now`, one detailed-metadata call) 20 times and one secret 20 times, and prints
//! min / median / max in ms.
//!
//!     cargo run --release --example team_list_bench

use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use klyuchnik::model::{CheckRecord, Connection, Fields, OutcomeKind, Secret};
use klyuchnik::ops::{self, Storage as _, team::Team};
use klyuchnik::store::openbao::Bao;

const ROOT: &str = "root-token-for-the-bench";
const CONNECTIONS: usize = 1000;
const READS: usize = 20;

/// The dev server, stopped (by its PID) however the bench ends.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("FAIL: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bao_binary() -> Result<std::path::PathBuf, String> {
    if let Some(path) = std::env::var_os("KLYUCHNIK_BAO") {
        return Ok(path.into());
    }
    let home = std::env::var_os("HOME").ok_or("no HOME")?;
    Ok(std::path::Path::new(&home).join(".cache/klyuchnik/openbao-venv/bin/bao"))
}

fn http() -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())
}

/// `bao server -dev` on a free loopback port, answering.
fn start() -> Result<Server, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let bao = bao_binary()?;
    let child = Command::new(&bao)
        .args([
            "server",
            "-dev",
            &format!("-dev-root-token-id={ROOT}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "{} not started ({e}): scripts/install-deps.sh installs it",
                bao.display()
            )
        })?;
    let server = Server {
        child,
        addr: format!("http://127.0.0.1:{port}"),
    };
    let client = http()?;
    let started = Instant::now();
    while !client
        .get(format!("{}/v1/sys/health", server.addr))
        .send()
        .is_ok_and(|r| r.status().is_success())
    {
        if started.elapsed() > Duration::from_secs(15) {
            return Err("bao did not start within 15 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(server)
}

/// An administrator's request with the root token, again while a new mount upgrades.
fn admin(
    server: &Server,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> Result<(), String> {
    let client = http()?;
    let started = Instant::now();
    loop {
        let r = client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?,
                format!("{}/v1/{path}", server.addr),
            )
            .header("X-Vault-Token", ROOT)
            .json(body)
            .send()
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = r.status();
        let text = r.text().unwrap_or_default();
        if status.is_success() {
            return Ok(());
        }
        if !text.contains("Upgrading") || started.elapsed() > Duration::from_secs(10) {
            return Err(format!("{method} {path}: {status} {text}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn set_up(server: &Server) -> Result<(), String> {
    let policy = r#"
path "klyuchnik/data/teams/bench/*" { capabilities = ["create", "read", "update", "delete"] }
path "klyuchnik/metadata/teams/bench/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "klyuchnik/detailed-metadata/teams/bench/*" { capabilities = ["read", "list"] }
"#;
    let steps = [
        (
            "POST",
            "sys/mounts/klyuchnik",
            serde_json::json!({"type": "kv", "options": {"version": "2"}}),
        ),
        (
            "POST",
            "klyuchnik/config",
            serde_json::json!({"cas_required": true}),
        ),
        (
            "POST",
            "sys/auth/userpass",
            serde_json::json!({"type": "userpass"}),
        ),
        (
            "PUT",
            "sys/policies/acl/klyuchnik-team-bench",
            serde_json::json!({ "policy": policy }),
        ),
        (
            "POST",
            "auth/userpass/users/bench",
            serde_json::json!({"password": "bench-pw", "token_policies": "klyuchnik-team-bench"}),
        ),
    ];
    for (method, path, body) in &steps {
        admin(server, method, path, body)?;
    }
    Ok(())
}

/// Connection `i`, as the wizards leave them: three kinds, their fields, an expiry, a check.
fn connection(i: usize) -> Connection {
    let today = chrono::Utc::now();
    let mut c = match i % 3 {
        0 => Connection {
            fields: Fields::from_iter([
                ("address", format!("https://company{i}.elma365.ru").as_str()),
                ("user", "Интеграция 1С"),
                ("token_name", "Обмен с 1С: склад и заказы"),
            ]),
            secrets: vec!["token".to_owned()],
            ..Connection::new("elma365", "ELMA365", format!("ELMA365 — филиал {i}"))
        },
        1 => Connection {
            fields: Fields::from_iter([
                ("ivideon_login", format!("kpp{i}@example.ru").as_str()),
                ("pass24_address", "https://api.pass24online.ru"),
                (
                    "object",
                    format!("ЖК «Северный», корпус {}", i % 17).as_str(),
                ),
            ]),
            secrets: vec!["ivideon_password".to_owned(), "pass24_key".to_owned()],
            ..Connection::new(
                "ivideon-pass24",
                "Ivideon → PASS24.online",
                format!("КПП {i} — въезд"),
            )
        },
        _ => Connection {
            fields: Fields::from_iter([
                ("address", format!("https://vision{i}.ellcom.ru").as_str()),
                ("login", "integration"),
                ("contract", format!("Договор № {i}/2026-ИНТ").as_str()),
            ]),
            secrets: vec!["password".to_owned()],
            ..Connection::new(
                "vision-ellcom",
                "Vision (Эллком)",
                format!("Vision — дом {i}"),
            )
        },
    };
    c.expires = Some(today.date_naive() + chrono::Days::new(30 + (i as u64 % 300)));
    c.last_check = Some(CheckRecord {
        at: today,
        kind: OutcomeKind::Ok,
        detail: Some("сервис ответил 200 за 0,4 с".to_owned()),
    });
    c
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// min / median / max of `times`, in ms.
fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}

fn run() -> Result<(), String> {
    let server = start()?;
    set_up(&server)?;
    let bao = Bao::login_userpass(
        std::slice::from_ref(&server.addr),
        "klyuchnik",
        "bench",
        &Secret::new("bench-pw"),
        &[],
    )
    .map_err(|e| e.to_string())?;
    let team = Team::new(bao, "bench", "bench").map_err(|e| e.to_string())?;

    // Written as the app writes: through the storage seam, 100 connections a change.
    let started = Instant::now();
    for batch in 0..CONNECTIONS / 100 {
        ops::edit(&team, |list| {
            list.extend((batch * 100..(batch + 1) * 100).map(connection));
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    println!(
        "written: {CONNECTIONS} connections in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let first = team.list().first().cloned().ok_or("the list is empty")?;
    let field = first.secrets[0].clone();
    team.set_secret(&first.id, &field, &Secret::new("tok-Bench-Secret-1"))
        .map_err(|e| e.to_string())?;

    let mut times = Vec::with_capacity(READS);
    let mut size = (0, 0);
    for _ in 0..READS {
        let started = Instant::now();
        let list = team.read_now().map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        let bytes: usize = list
            .iter()
            .map(|c| serde_json::to_string(c).map_or(0, |j| j.len()))
            .sum();
        size = (list.len(), bytes);
    }
    if size.0 != CONNECTIONS {
        return Err(format!("read {} connections, not {CONNECTIONS}", size.0));
    }
    println!(
        "Team::read_now, {} connections ({} KiB of connection JSON), {READS} reads: {}",
        size.0,
        size.1 / 1024,
        summary(&mut times)
    );

    let mut times = Vec::with_capacity(READS);
    for _ in 0..READS {
        let started = Instant::now();
        let value = team.secret(&first.id, &field).map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        if value.expose() != "tok-Bench-Secret-1" {
            return Err("the secret read back is not the one written".to_owned());
        }
    }
    println!(
        "Team::secret, one value, {READS} reads: {}",
        summary(&mut times)
    );
    Ok(())
}
