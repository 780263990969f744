//! The administrator's kit (scripts/team-server) and the team store under stress, against real
//! OpenBao 2.7.2 processes: the set-up script on a fresh server (with its audit log, which holds
//! paths but no secret or password in clear); a three-node Raft cluster built from
//! `cluster.hcl.example` (TLS with a company CA) whose leader is killed in the middle of 200
//! writes; four writers changing one connection a hundred times each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use klyuchnik::model::{Connection, Fields, Secret};
use klyuchnik::ops::{self, Health, Storage as _, team::Team};
use klyuchnik::store::StoreError;
use klyuchnik::store::openbao::Bao;
use serde_json::{Value, json};

use crate::team_store::{ROOT, bao_binary, bare_dev_server, dev_server, team};

const KIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/team-server");

/// What a run of `setup-team.sh` did.
struct Run {
    code: Option<i32>,
    out: String,
    err: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.out, self.err
        )
    }
}

/// Runs the kit's set-up script against `addr` with the root token (`ca`: the company CA).
fn setup_team(addr: &str, token: &str, ca: Option<&Path>, args: &[&str]) -> Run {
    let mut command = Command::new("bash");
    command
        .arg(Path::new(KIT).join("setup-team.sh"))
        .args(args)
        .env("BAO", bao_binary())
        .env("BAO_ADDR", addr)
        .env("BAO_TOKEN", token)
        .env_remove("BAO_NAMESPACE")
        .stdin(Stdio::null());
    if let Some(ca) = ca {
        command.env("BAO_CACERT", ca);
    }
    let o = command.output().unwrap();
    Run {
        code: o.status.code(),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name} {}", child.id());
}

fn get_json(client: &reqwest::blocking::Client, url: &str, token: &str) -> Option<Value> {
    let r = client.get(url).header("X-Vault-Token", token).send().ok()?;
    r.status().is_success().then(|| r.json().ok())?
}

fn plain_http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Waits up to `limit` for `done`; panics with `what` (and the last state) otherwise.
fn wait_for<T>(limit: Duration, what: &str, mut done: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = done() {
            return v;
        }
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The kit on a fresh dev server: the script asks for the audit device in the server's
/// configuration (OpenBao 2.x refuses it over the API) and changes nothing; with it added and
/// the configuration re-read, it sets the team up, twice without harm; members added with the
/// command it prints save and read a connection; the audit log names every request's path, and
/// has no secret, password or token in clear.
#[test]
fn setup_script_prepares_a_team_on_a_fresh_server() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("audit.hcl");
    std::fs::write(&config, "").unwrap();
    let audit = dir.path().join("audit.log");
    let audit_arg = audit.to_str().unwrap();
    let server = bare_dev_server(&[&format!("-config={}", config.display())]);
    let http = plain_http();

    // Wrong arguments: nothing asked of the server.
    let run = setup_team(&server.addr, ROOT, None, &["o p"]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.err.contains("только буквы, цифры"), "{run}");

    let run = setup_team(
        &server.addr,
        ROOT,
        None,
        &["ops", "--audit-file", audit_arg],
    );
    assert_eq!(run.code, Some(3), "{run}");
    assert!(run.out.contains("КАЖДОГО узла"), "{run}");
    let stanza: String = run
        .out
        .lines()
        .skip_while(|l| !l.contains("--- audit: begin"))
        .take_while(|l| !l.contains("--- audit: end"))
        .fold(String::new(), |all, l| all + l + "\n");
    assert!(
        stanza.contains(&format!("file_path = \"{audit_arg}\"")),
        "{run}"
    );
    assert!(
        get_json(
            &http,
            &format!("{}/v1/sys/mounts/klyuchnik", server.addr),
            ROOT
        )
        .is_none(),
        "nothing changed before the audit device is in place"
    );

    // The administrator adds it to the configuration and has it re-read.
    std::fs::write(&config, &stanza).unwrap();
    signal(&server.child, "HUP");
    wait_for(Duration::from_secs(15), "audit device after SIGHUP", || {
        get_json(&http, &format!("{}/v1/sys/audit", server.addr), ROOT)
            .filter(|v| v.to_string().contains(audit_arg))
    });

    let run = setup_team(
        &server.addr,
        ROOT,
        None,
        &["ops", "--audit-file", audit_arg],
    );
    assert_eq!(run.code, Some(0), "{run}");
    for said in [
        "Журнал аудита: уже пишется",
        "Раздел klyuchnik/: создан (KV v2)",
        "cas_required = true",
        "userpass): включён",
        "Политика klyuchnik-team-ops: записана",
    ] {
        assert!(run.out.contains(said), "«{said}» in\n{run}");
    }
    let add_user = run
        .out
        .lines()
        .find(|l| l.contains("bao write auth/userpass/users/"))
        .unwrap_or_else(|| panic!("how to add a member, in\n{run}"))
        .trim()
        .to_owned();
    assert!(
        add_user.contains("token_policies=klyuchnik-team-ops")
            && add_user.contains("token_ttl=8h")
            && add_user.contains("token_max_ttl=12h"),
        "{add_user}"
    );

    // Again: what is there stays, nothing fails.
    let again = setup_team(
        &server.addr,
        ROOT,
        None,
        &["ops", "--audit-file", audit_arg],
    );
    assert_eq!(again.code, Some(0), "{again}");
    assert!(again.out.contains("уже есть (KV v2)"), "{again}");
    assert!(again.out.contains("userpass): уже включён"), "{again}");

    let config_now =
        get_json(&http, &format!("{}/v1/klyuchnik/config", server.addr), ROOT).unwrap();
    assert_eq!(config_now["data"]["cas_required"], json!(true));

    // Members added exactly as printed (the password on standard input).
    for (user, password) in [("dana", "dana-Pw-77"), ("erik", "erik-Pw-78")] {
        let line = add_user.replace("ЛОГИН", user);
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("bao"), "{line}");
        let mut child = Command::new(bao_binary())
            .args(words)
            .env("BAO_ADDR", &server.addr)
            .env("BAO_TOKEN", ROOT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), password.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    let nodes = vec![server.addr.clone()];
    let login = |user: &str, password: &str| {
        Bao::login_userpass(&nodes, "klyuchnik", user, &Secret::new(password), &[]).unwrap()
    };
    let dana_bao = login("dana", "dana-Pw-77");
    let dana_token = dana_bao.token().expose().to_owned();
    assert!(dana_bao.lookup_self().unwrap().1 > 7 * 3600, "token_ttl=8h");
    let dana = Team::new(dana_bao, "ops", "dana").unwrap();
    let rights = dana.rights();
    assert!(
        rights.read && rights.write && rights.delete && rights.list,
        "{rights:?}"
    );
    let c = Connection {
        fields: Fields::from_iter([
            ("address", "https://ops.elma365.ru"),
            ("user", "Интеграция 1С"),
            ("token_name", "Обмен"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", "ELMA365 — эксплуатация")
    };
    let secrets = BTreeMap::from([("token".to_owned(), Secret::new("tok-Audit-Secret-42"))]);
    ops::save::save(&dana, c.clone(), &secrets).unwrap();

    let erik = Team::new(login("erik", "erik-Pw-78"), "ops", "erik").unwrap();
    assert_eq!(erik.list().iter().collect::<Vec<_>>(), [&c]);
    assert_eq!(
        erik.secret(&c.id, "token").unwrap().expose(),
        "tok-Audit-Secret-42"
    );
    // The policy is the team's, nothing more: another team's folder is refused.
    let other = login("erik", "erik-Pw-78");
    assert!(
        matches!(
            other.read("teams/other/conns/x"),
            Err(klyuchnik::store::openbao::BaoError::Denied(_))
        ),
        "another team's connections"
    );

    let log = std::fs::read_to_string(&audit).unwrap();
    for secret in [
        "tok-Audit-Secret-42",
        "dana-Pw-77",
        "erik-Pw-78",
        dana_token.as_str(),
    ] {
        assert!(!log.contains(secret), "{secret} in clear in the audit log");
    }
    for path in [
        format!("klyuchnik/data/teams/ops/conns/{}", c.id),
        "klyuchnik/detailed-metadata/teams/ops/conns".to_owned(),
        "auth/userpass/login/dana".to_owned(),
        "auth/userpass/users/erik".to_owned(),
    ] {
        assert!(log.contains(&path), "{path} not in the audit log");
    }
    assert!(log.contains("hmac-sha256:"), "values are kept as HMACs");
    println!(
        "audit log: {} lines, {} bytes",
        log.lines().count(),
        log.len()
    );
}

/// One OpenBao process of the cluster, killed (SIGKILL) when the cluster is dropped.
struct Node {
    child: Option<Child>,
    addr: String,
    log: PathBuf,
}

/// Three nodes on loopback, each with the kit's `cluster.hcl.example` filled in.
struct Cluster {
    nodes: Vec<Node>,
    dir: tempfile::TempDir,
    ca: PathBuf,
    ca_pem: String,
    root: String,
    http: reqwest::blocking::Client,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(child) = &mut node.child {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// The company CA and one certificate per node (for 127.0.0.1), as PEM files in `tls`.
fn write_tls(tls: &Path) -> String {
    std::fs::create_dir_all(tls).unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Корневой центр компании");
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_pem = params.self_signed(&ca_key).unwrap().pem();
    let issuer = rcgen::Issuer::new(params, ca_key);
    for n in 1..=3 {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut leaf =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .unwrap();
        leaf.distinguished_name
            .push(rcgen::DnType::CommonName, format!("bao{n}"));
        leaf.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        std::fs::write(tls.join(format!("bao{n}.pem")), cert.pem()).unwrap();
        std::fs::write(tls.join(format!("bao{n}-key.pem")), key.serialize_pem()).unwrap();
    }
    std::fs::write(tls.join("ca.pem"), &ca_pem).unwrap();
    ca_pem
}

/// `cluster.hcl.example` for node `i` (0-based) on loopback: its own lines (marked `bao1`) made
/// this node's, the three nodes' names and ports replaced, paths moved into `dir`.
fn node_config(example: &str, i: usize, api: &[u16], cluster: &[u16], dir: &Path) -> String {
    let me = i + 1;
    let mut out = String::new();
    for original in example.lines() {
        let mut line = original.to_owned();
        let key = original.trim_start();
        if [
            "node_id",
            "api_addr",
            "cluster_addr",
            "tls_cert_file",
            "tls_key_file",
        ]
        .iter()
        .any(|k| key.starts_with(k))
        {
            line = line.replace("bao1", &format!("bao{me}"));
        }
        for n in 1..=3 {
            line = line
                .replace(
                    &format!("bao{n}.example.ru:8200"),
                    &format!("127.0.0.1:{}", api[n - 1]),
                )
                .replace(
                    &format!("bao{n}.example.ru:8201"),
                    &format!("127.0.0.1:{}", cluster[n - 1]),
                )
                .replace(&format!("bao{n}.example.ru"), "127.0.0.1");
        }
        // The test only: autopilot looks at new nodes every second (10 s by default), so they
        // become voters sooner.
        if key.starts_with("performance_multiplier") {
            line.push_str(
                "\n  autopilot_reconcile_interval = \"1s\"\n  autopilot_update_interval = \"1s\"",
            );
        }
        line = line
            .replace("0.0.0.0:8200", &format!("127.0.0.1:{}", api[i]))
            .replace("0.0.0.0:8201", &format!("127.0.0.1:{}", cluster[i]))
            .replace(
                "/var/lib/openbao/raft",
                &dir.join(format!("raft{me}")).display().to_string(),
            )
            .replace("/etc/openbao/tls", &dir.join("tls").display().to_string())
            .replace("/var/log/openbao", &dir.display().to_string());
        out.push_str(&line);
        out.push('\n');
    }
    for placeholder in ["example.ru", "0.0.0.0", "/etc/", "/var/"] {
        assert!(
            !out.lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains(placeholder)),
            "{placeholder} left in the config:\n{out}"
        );
    }
    out
}

impl Cluster {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let example = std::fs::read_to_string(Path::new(KIT).join("cluster.hcl.example")).unwrap();
        // Six free ports, held together so none is given twice.
        let held: Vec<std::net::TcpListener> = (0..6)
            .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
            .collect();
        let ports: Vec<u16> = held
            .iter()
            .map(|l| l.local_addr().unwrap().port())
            .collect();
        drop(held);
        let (api, cluster_ports) = ports.split_at(3);
        let ca_pem = write_tls(&dir.path().join("tls"));
        let ca = dir.path().join("tls/ca.pem");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
            .build()
            .unwrap();
        let mut nodes = Vec::new();
        for i in 0..3 {
            let config = dir.path().join(format!("bao{}.hcl", i + 1));
            std::fs::write(
                &config,
                node_config(&example, i, api, cluster_ports, dir.path()),
            )
            .unwrap();
            std::fs::create_dir_all(dir.path().join(format!("raft{}", i + 1))).unwrap();
            let log = dir.path().join(format!("bao{}.log", i + 1));
            let out = std::fs::File::create(&log).unwrap();
            let child = Command::new(bao_binary())
                .arg("server")
                .arg(format!("-config={}", config.display()))
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out)
                .spawn()
                .unwrap_or_else(|e| panic!("bao not started ({e}): {}", bao_binary().display()));
            nodes.push(Node {
                child: Some(child),
                addr: format!("https://127.0.0.1:{}", api[i]),
                log,
            });
        }
        let mut cluster = Self {
            nodes,
            dir,
            ca,
            ca_pem,
            root: String::new(),
            http,
        };
        cluster.form();
        cluster
    }

    fn addrs(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.addr.clone()).collect()
    }

    /// The end of each node's log, for a failure's message.
    fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| {
                let text = std::fs::read_to_string(&n.log).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                format!(
                    "--- {}\n{}",
                    n.log.display(),
                    lines[lines.len().saturating_sub(15)..].join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn request(&self, node: usize, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/v1/{path}", self.nodes[node].addr),
            )
            .header("X-Vault-Token", &self.root);
        if let Some(body) = body {
            request = request.json(body);
        }
        match request.send() {
            Ok(r) => (r.status().as_u16(), r.json().unwrap_or(Value::Null)),
            Err(e) => (0, json!({ "errors": [e.to_string()] })),
        }
    }

    /// Waits up to `limit` for `done`, with the nodes' logs in the panic message.
    fn wait<T>(&self, limit: Duration, what: &str, mut done: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = done() {
                return v;
            }
            assert!(
                start.elapsed() < limit,
                "{what}: not within {limit:?}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Init (one key share), unseal every node, wait for three voters.
    fn form(&mut self) {
        let started = Instant::now();
        self.wait(Duration::from_secs(20), "nodes answering", || {
            (0..3)
                .all(|i| self.request(i, "GET", "sys/health", None).0 != 0)
                .then_some(())
        });
        let (status, init) = self.request(
            0,
            "PUT",
            "sys/init",
            Some(&json!({"secret_shares": 1, "secret_threshold": 1})),
        );
        assert_eq!(status, 200, "init: {init}\n{}", self.logs());
        init["root_token"]
            .as_str()
            .unwrap()
            .clone_into(&mut self.root);
        let key = init["keys"][0].as_str().unwrap().to_owned();
        let unseal = |i: usize| {
            self.wait(Duration::from_secs(30), "unsealed", || {
                let (_, v) = self.request(i, "PUT", "sys/unseal", Some(&json!({ "key": key })));
                (v["sealed"] == json!(false)).then_some(())
            });
        };
        let answering = started.elapsed();
        unseal(0);
        self.wait(Duration::from_secs(20), "the first node active", || {
            (self.request(0, "GET", "sys/leader", None).1["is_self"] == json!(true)).then_some(())
        });
        // New nodes become voters after they have been healthy this long (10 s by default).
        let (status, v) = self.request(
            0,
            "POST",
            "sys/storage/raft/autopilot/configuration",
            Some(&json!({"server_stabilization_time": "2s"})),
        );
        assert!(status < 300, "autopilot: {status} {v}");
        let active = started.elapsed();
        unseal(1);
        unseal(2);
        let unsealed = started.elapsed();
        self.wait(Duration::from_secs(45), "three voters", || {
            let (_, v) = self.request(0, "GET", "sys/storage/raft/autopilot/state", None);
            let voters = v["data"]["voters"].as_array().map_or(0, Vec::len);
            (voters == 3 && v["data"]["healthy"] == json!(true)).then_some(())
        });
        println!(
            "cluster formed in {:?} (answering {answering:?}, first active {active:?}, all \
             unsealed {unsealed:?})",
            started.elapsed()
        );
    }

    /// The node that is the active one now (asked of each node still running).
    fn leader(&self) -> Option<usize> {
        (0..3).find(|&i| {
            self.nodes[i].child.is_some()
                && self.request(i, "GET", "sys/leader", None).1["is_self"] == json!(true)
        })
    }
}

/// 200 writes, one after another, through a client that knows all three nodes; the leader is
/// killed (SIGKILL) after about 50. The client waits for the new leader: every write that said
/// it succeeded is there, one that failed says why and is either all there or not at all.
#[test]
fn a_leader_killed_during_writes_loses_nothing() {
    const WRITES: usize = 200;
    let test_started = Instant::now();
    let mut cluster = Cluster::start();

    let run = setup_team(
        &cluster.nodes[0].addr,
        &cluster.root,
        Some(&cluster.ca),
        &[
            "a",
            "--audit-file",
            cluster.dir.path().join("audit.log").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{run}\n{}", cluster.logs());
    assert!(run.out.contains("Журнал аудита: уже пишется"), "{run}");
    let (status, v) = cluster.request(
        0,
        "POST",
        "auth/userpass/users/alice",
        Some(&json!({"password": "alice-pw", "token_policies": "klyuchnik-team-a"})),
    );
    assert!(status < 300, "user: {status} {v}");

    let bao = Bao::login_userpass(
        &cluster.addrs(),
        "klyuchnik",
        "alice",
        &Secret::new("alice-pw"),
        &[cluster.ca_pem.as_bytes().to_vec()],
    )
    .unwrap();
    let team = Team::new(bao, "a", "alice").unwrap();

    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let switching_seen = AtomicUsize::new(0);
    let killed: Mutex<Option<(usize, Instant)>> = Mutex::new(None);
    let new_leader: Mutex<Option<(usize, Duration)>> = Mutex::new(None);
    let leader_pid = Mutex::new(None);
    {
        let leader = cluster
            .leader()
            .unwrap_or_else(|| panic!("no leader\n{}", cluster.logs()));
        *leader_pid.lock().unwrap() =
            Some((leader, cluster.nodes[leader].child.as_ref().unwrap().id()));
    }
    let connection = |i: usize| Connection {
        fields: Fields::from_iter([
            ("address", format!("https://n{i}.elma365.ru").as_str()),
            ("user", "Интеграция 1С"),
            ("token_name", "Обмен"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", format!("N {i}"))
    };
    let writes_started = Instant::now();
    let (written, failed, longest_gap) = std::thread::scope(|s| {
        // The killer: after about 50 writes, SIGKILL to the active node; then waits for another
        // node to become active.
        s.spawn(|| {
            let start = Instant::now();
            while done.load(Ordering::SeqCst) < 50 && !finished.load(Ordering::SeqCst) {
                assert!(start.elapsed() < Duration::from_mins(1), "50 writes");
                std::thread::sleep(Duration::from_millis(2));
            }
            let (leader, pid) = leader_pid.lock().unwrap().unwrap();
            let ok = Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .unwrap()
                .success();
            assert!(ok, "kill -9 {pid}");
            let at = Instant::now();
            *killed.lock().unwrap() = Some((leader, at));
            let found = (0..300).find_map(|_| {
                let next = (0..3).filter(|&i| i != leader).find(|&i| {
                    cluster.request(i, "GET", "sys/leader", None).1["is_self"] == json!(true)
                });
                if next.is_none() {
                    std::thread::sleep(Duration::from_millis(50));
                }
                next
            });
            *new_leader.lock().unwrap() = found.map(|i| (i, at.elapsed()));
        });
        s.spawn(|| {
            while !finished.load(Ordering::SeqCst) {
                if team.health() == Health::Switching {
                    switching_seen.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let writer = s.spawn(|| {
            let mut written = Vec::new();
            let mut failed = Vec::new();
            let mut last = Instant::now();
            let mut longest = (Duration::ZERO, 0);
            for i in 0..WRITES {
                let c = connection(i);
                let result = ops::save::add(&team, c.clone());
                let now = Instant::now();
                match result {
                    Ok(()) => {
                        if now - last > longest.0 {
                            longest = (now - last, i);
                        }
                        last = now;
                        written.push(c);
                    }
                    Err(e) => failed.push((c, e)),
                }
                done.fetch_add(1, Ordering::SeqCst);
            }
            finished.store(true, Ordering::SeqCst);
            (written, failed, longest)
        });
        writer.join().unwrap()
    });
    let total = writes_started.elapsed();
    // The killed node is reaped here; the others when the cluster is dropped.
    if let Some((leader, _)) = *killed.lock().unwrap()
        && let Some(mut child) = cluster.nodes[leader].child.take()
    {
        let _ = child.wait();
    }

    let killed = *killed.lock().unwrap();
    let new_leader = *new_leader.lock().unwrap();
    println!(
        "cluster: {WRITES} writes in {total:?}; written {}, failed {}; leader bao{} killed; \
         new leader {:?}; longest gap between two successful writes {:?} (before write {}); \
         switching seen {} times (is_switching observed: {}); test {:?}",
        written.len(),
        failed.len(),
        killed.map_or(0, |k| k.0 + 1),
        new_leader.map(|(i, after)| (format!("bao{}", i + 1), after)),
        longest_gap.0,
        longest_gap.1,
        switching_seen.load(Ordering::SeqCst),
        switching_seen.load(Ordering::SeqCst) > 0,
        test_started.elapsed()
    );
    let list = team
        .read_now()
        .unwrap_or_else(|e| panic!("list after the writes: {e}\n{}", cluster.logs()));
    let by_name: BTreeMap<&str, &Connection> = list.iter().map(|c| (c.name.as_str(), c)).collect();
    assert_eq!(by_name.len(), list.len(), "one connection per name");
    for c in &written {
        assert_eq!(
            by_name.get(c.name.as_str()),
            Some(&c),
            "«{}» said it was written",
            c.name
        );
    }
    for (c, e) in &failed {
        println!(
            "  failed: «{}»: {e} (in the list: {})",
            c.name,
            by_name.contains_key(c.name.as_str())
        );
    }
    for (c, e) in &failed {
        // Said clearly, never a half-written connection.
        let message = e.to_string();
        assert!(
            matches!(e, StoreError::Team(_) | StoreError::Conflict(_)) && !message.is_empty(),
            "«{}»: {e:?}",
            c.name
        );
        // The certificate was trusted for every write before: a node killed in the middle of a
        // request is not a certificate problem (and something may have been sent).
        assert!(
            !message.contains("нет доверия"),
            "«{}»: a node killed mid-request told as an untrusted certificate: {message}",
            c.name
        );
        if let Some(there) = by_name.get(c.name.as_str()) {
            assert_eq!(
                *there, c,
                "«{}» failed ({message}) and is there: whole",
                c.name
            );
        }
    }
    assert_eq!(
        list.len(),
        written.len()
            + failed
                .iter()
                .filter(|(c, _)| by_name.contains_key(c.name.as_str()))
                .count(),
        "nothing else in the list"
    );
    assert!(killed.is_some(), "the leader was killed");
    assert!(new_leader.is_some(), "a new leader\n{}", cluster.logs());
    assert!(
        failed.len() <= 2,
        "the client waits for the new leader: at most the write in flight fails, not {}",
        failed.len()
    );
}

/// Four members, each changing the same connection a hundred times at once: a change that
/// meets a colleague's is told as a conflict and made again over what is there now; at the end
/// every writer's counter is exactly 100 — no update lost.
#[test]
fn four_writers_a_hundred_changes_each_lose_nothing() {
    const CHANGES: u32 = 100;
    let server = dev_server();
    let first = team(&server, "alice");
    let c = Connection {
        fields: Fields::from_iter([("w0", "0"), ("w1", "0"), ("w2", "0"), ("w3", "0")]),
        ..Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "Счётчики")
    };
    ops::save::add(&first, c.clone()).unwrap();
    let id = c.id.as_str();
    let started = Instant::now();
    let conflicts: Vec<u32> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let server = &server;
                s.spawn(move || {
                    let me = team(server, if w % 2 == 0 { "alice" } else { "carol" });
                    let field = format!("w{w}");
                    let mut conflicts = 0;
                    for _ in 0..CHANGES {
                        loop {
                            let result = ops::edit(&me, |list| {
                                let c = list
                                    .iter_mut()
                                    .find(|c| c.id == id)
                                    .ok_or(StoreError::NotFound)?;
                                let n: u32 = c.fields.get(&field).unwrap_or("0").parse().unwrap();
                                c.fields.insert(&field, &(n + 1).to_string());
                                Ok(())
                            });
                            match result {
                                Ok(()) => break,
                                Err(StoreError::Conflict(_)) => conflicts += 1,
                                Err(e) => panic!("writer {w}: {e}"),
                            }
                            assert!(
                                conflicts < 20 * CHANGES,
                                "writer {w}: conflicts without end"
                            );
                        }
                    }
                    conflicts
                })
            })
            .collect();
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let list = first.read_now().unwrap();
    let counters: Vec<String> = (0..4)
        .map(|w| {
            list[0]
                .fields
                .get(&format!("w{w}"))
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    println!(
        "4 writers × {CHANGES} changes in {elapsed:?}: conflicts {conflicts:?} (total {}), \
         counters {counters:?}",
        conflicts.iter().sum::<u32>()
    );
    assert_eq!(list.len(), 1);
    assert_eq!(
        counters,
        ["100", "100", "100", "100"],
        "no update lost: every change that said it was written is there"
    );
}

/// A TLS server that reads one request and goes away as a killed process does: the connection
/// closed without TLS's `close_notify` and without an answer.
fn dies_mid_request(ca: &crate::support::TestCa) -> String {
    use std::io::Read as _;
    let (chain, key) = ca.leaf(&["127.0.0.1"]);
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            chain
                .into_iter()
                .map(rustls::pki_types::CertificateDer::from)
                .collect(),
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
            let Ok(conn) = rustls::ServerConnection::new(std::sync::Arc::clone(&config)) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            // The whole request read (until the client waits for the answer), then gone.
            let mut buf = [0; 4096];
            while tls.read(&mut buf).is_ok_and(|n| n > 0) {}
            drop(tls);
        }
    });
    url
}

/// A node killed in the middle of a request (the TLS connection just closes) is a node that is
/// gone, like one that refuses the connection: the next node is asked. It is not an untrusted
/// certificate — the certificate was checked and trusted.
#[test]
fn a_node_gone_mid_request_is_not_an_untrusted_certificate() {
    let ca = crate::support::TestCa::new("Корневой центр компании");
    let gone = dies_mid_request(&ca);
    let server = dev_server();
    let nodes = vec![gone, server.addr.clone()];
    let result = Bao::login_userpass(
        &nodes,
        "klyuchnik",
        "alice",
        &Secret::new("alice-pw"),
        &[ca.pem.as_bytes().to_vec()],
    );
    assert!(
        result.is_ok(),
        "the second node should have been asked: {:?}",
        result.err()
    );
}
