//! «Войти через браузер» to the team store (OIDC), end to end with no mock: one real OpenBao is
//! both the organisation's identity provider (its OIDC provider, where the person is logged in)
//! and the team store (its `oidc` auth method trusting that provider). The "browser" is the
//! person's side: it opens the provider's page with their session and follows the redirect back
//! to Ключник's loopback port — what the provider's page does after «Войти».

use std::sync::{Arc, Mutex};

use klyuchnik::model::{Connection, Secret};
use klyuchnik::ops::team::{self, BrowserLogin};
use klyuchnik::ops::{self, Storage as _};
use klyuchnik::store::Home;

use crate::support;
use crate::team_store::{DevServer, admin, dev_server};
use support::ui::{
    OpenFrom, Opened, click, config, harness, real_keyring, shows, type_into, wait_for,
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Makes the server its own identity provider for Ключник coming back to `port`; returns the
/// session token of `ivan`, who is logged in at the provider.
fn identity_provider(server: &DevServer, port: u16) -> String {
    identity_provider_with_ttl(server, port, "1h")
}

/// The same, with logins through it lasting `ttl`.
fn identity_provider_with_ttl(server: &DevServer, port: u16, ttl: &str) -> String {
    admin(
        server,
        "POST",
        "auth/userpass/users/ivan",
        &serde_json::json!({"password": "ivan-pw", "token_policies": "default"}),
    );
    let login: serde_json::Value = http()
        .post(format!("{}/v1/auth/userpass/login/ivan", server.addr))
        .json(&serde_json::json!({"password": "ivan-pw"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let session = login["auth"]["client_token"].as_str().unwrap().to_owned();
    let redirect = format!("http://localhost:{port}/oidc/callback");
    admin(
        server,
        "POST",
        "identity/oidc/key/people",
        &serde_json::json!({"allowed_client_ids": "*", "algorithm": "RS256"}),
    );
    admin(
        server,
        "POST",
        "identity/oidc/client/klyuchnik",
        &serde_json::json!({"redirect_uris": [redirect], "assignments": ["allow_all"],
            "key": "people", "id_token_ttl": "30m", "access_token_ttl": "1h"}),
    );
    let client: serde_json::Value = http()
        .get(format!("{}/v1/identity/oidc/client/klyuchnik", server.addr))
        .header("X-Vault-Token", "root-token-for-tests")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let (id, secret) = (
        client["data"]["client_id"].as_str().unwrap().to_owned(),
        client["data"]["client_secret"].as_str().unwrap().to_owned(),
    );
    admin(
        server,
        "POST",
        "identity/oidc/provider/company",
        &serde_json::json!({"allowed_client_ids": [id], "issuer": server.addr}),
    );
    admin(
        server,
        "POST",
        "sys/auth/oidc",
        &serde_json::json!({"type": "oidc"}),
    );
    admin(
        server,
        "POST",
        "auth/oidc/config",
        &serde_json::json!({
            "oidc_discovery_url": format!("{}/v1/identity/oidc/provider/company", server.addr),
            "oidc_client_id": id, "oidc_client_secret": secret, "default_role": "team-a"}),
    );
    admin(
        server,
        "POST",
        "auth/oidc/role/team-a",
        &serde_json::json!({"allowed_redirect_uris": [redirect], "user_claim": "sub",
            "token_policies": "team-a", "role_type": "oidc", "oidc_scopes": ["openid"],
            "token_ttl": ttl, "token_max_ttl": ttl}),
    );
    session
}

/// The person's browser: the provider's page opened with their session (the API call its
/// page makes), then the redirect back to Ключник followed. Records what the page said.
fn browser(session: String, said: Arc<Mutex<Vec<String>>>) -> impl Fn(&str) -> Result<(), String> {
    move |url: &str| {
        let (url, session, said) = (
            url.replace("/ui/vault/", "/v1/"),
            session.clone(),
            Arc::clone(&said),
        );
        std::thread::spawn(move || {
            let answer: serde_json::Value = http()
                .get(&url)
                .header("X-Vault-Token", &session)
                .send()
                .unwrap()
                .json()
                .unwrap();
            let redirect = reqwest::Url::parse(&url).unwrap();
            let back = redirect
                .query_pairs()
                .find(|(k, _)| k == "redirect_uri")
                .map(|(_, v)| v.replace("localhost", "127.0.0.1"))
                .unwrap();
            let back = reqwest::Url::parse_with_params(
                &back,
                &[
                    ("code", answer["code"].as_str().unwrap()),
                    ("state", answer["state"].as_str().unwrap()),
                ],
            )
            .unwrap();
            let page = http().get(back).send().unwrap().text().unwrap();
            said.lock().unwrap().push(page);
        });
        Ok(())
    }
}

/// What the browser showed after its `n`-th login (0-based), waited for: it is recorded once
/// the page has been answered, which may be just after the login itself has gone through.
fn page(said: &Mutex<Vec<String>>, n: usize) -> String {
    let start = std::time::Instant::now();
    loop {
        if let Some(p) = said.lock().unwrap().get(n) {
            return p.clone();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the browser did not come back for login {n}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The command line's and the window's browser login underneath: the provider's page opened,
/// the answer taken on the loopback port, a token for the team's policy; the store works with
/// it, the browser is told to go back, `team.json` says it was a browser login, no token in a file.
#[test]
fn a_browser_login_goes_through_the_organisations_identity_provider() {
    let server = dev_server();
    let port = free_port();
    let session = identity_provider(&server, port);
    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let said = Arc::default();
    let open = browser(session, Arc::clone(&said));
    let login = BrowserLogin {
        port,
        wait: std::time::Duration::from_secs(20),
        open: &open,
    };
    let team = team::login_oidc(
        &Home::new(home.path()),
        &keyring,
        std::slice::from_ref(&server.addr),
        "klyuchnik",
        "a",
        &login,
    )
    .unwrap();
    assert!(page(&said, 0).contains("Вход выполнен"));
    assert!(team.user().starts_with("oidc-"), "{}", team.user());
    let c = Connection {
        secrets: vec!["password".to_owned()],
        ..Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "КПП 4")
    };
    let secret =
        std::collections::BTreeMap::from([("password".to_owned(), Secret::new("pw-Oidc-5"))]);
    ops::save::save(&team, c.clone(), &secret).unwrap();
    let config = std::fs::read_to_string(home.path().join("team.json")).unwrap();
    assert!(config.contains("\"oidc\": true"), "{config}");

    // The next start opens it with the kept token.
    let (again, _) = team::open(&Home::new(home.path()), &keyring)
        .unwrap()
        .unwrap();
    assert_eq!(again.list()[0], c);
    assert_eq!(
        again.secret(&c.id, "password").unwrap().expose(),
        "pw-Oidc-5"
    );
    for entry in std::fs::read_dir(home.path()).unwrap().flatten() {
        let text =
            String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default()).into_owned();
        assert!(
            !text.contains("pw-Oidc-5") && !text.contains("s."),
            "{}",
            entry.path().display()
        );
    }
    team::logout(&Home::new(home.path()), &keyring).unwrap();
}

/// «Войти через браузер» in the window: the address and the team typed, the provider's page
/// opened in the browser, the window on the team's list once the person has logged in there.
#[test]
fn the_window_logs_in_through_the_browser() {
    let server = dev_server();
    let port = free_port();
    let session = identity_provider(&server, port);
    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let said = Arc::default();
    let open = browser(session, Arc::clone(&said));
    let mut cfg = config(
        home.path(),
        keyring.clone(),
        &Opened::default(),
        None,
        &OpenFrom::default(),
    );
    cfg.opener = Arc::new(move |url: &str| open(url));
    cfg.oidc_port = port;
    let mut h = harness(klyuchnik::ui::App::new(cfg));
    click(&mut h, "Настройки");
    click(&mut h, "Хранилище…");
    click(&mut h, "Хранилище команды");
    type_into(&mut h, "Адрес хранилища", &server.addr);
    type_into(&mut h, "Команда", "a");
    click(&mut h, "Войти через браузер");
    wait_for(&mut h, "the team's list", |h| {
        shows(h, "Хранилище команды «a» — вы вошли как oidc-")
    });
    assert!(page(&said, 0).contains("Вход выполнен"));
    drop(h);
    team::logout(&Home::new(home.path()), &keyring).unwrap();
}

/// A browser login that expires: the banner offers «Войти снова через браузер» (no password
/// field — there is none to type), the browser goes through the provider again, and the same
/// store goes on.
#[test]
fn an_expired_browser_login_is_renewed_through_the_browser() {
    let server = dev_server();
    let port = free_port();
    let session = identity_provider_with_ttl(&server, port, "3s");
    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let said = Arc::default();
    let open = browser(session, Arc::clone(&said));
    let mut cfg = config(
        home.path(),
        keyring.clone(),
        &Opened::default(),
        None,
        &OpenFrom::default(),
    );
    cfg.opener = Arc::new(move |url: &str| open(url));
    cfg.oidc_port = port;
    let mut h = harness(klyuchnik::ui::App::new(cfg));
    click(&mut h, "Настройки");
    click(&mut h, "Хранилище…");
    click(&mut h, "Хранилище команды");
    type_into(&mut h, "Адрес хранилища", &server.addr);
    type_into(&mut h, "Команда", "a");
    click(&mut h, "Войти через браузер");
    wait_for(&mut h, "the team's list", |h| {
        shows(h, "вы вошли как oidc-")
    });
    let start = std::time::Instant::now();
    while !shows(&h, "Вход в хранилище команды истёк") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "no expiry banner"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
    }
    assert!(!shows(&h, "Войти снова") || shows(&h, "Войти снова через браузер"));
    click(&mut h, "Войти снова через браузер");
    wait_for(&mut h, "logged in again", |h| {
        !shows(h, "Вход в хранилище команды истёк")
    });
    assert!(
        page(&said, 1).contains("Вход выполнен"),
        "the provider's page opened a second time"
    );
    drop(h);
    team::logout(&Home::new(home.path()), &keyring).unwrap();
}
