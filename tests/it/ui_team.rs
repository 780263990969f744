//! The window on the team store, against a real OpenBao (`bao server -dev`): choosing the store
//! and logging in from «Хранилище…», the team's list, moving this computer's connections in,
//! a colleague's change while «Изменить» is open, a server that goes away, a login that
//! expires — with what is typed kept.

use std::collections::BTreeMap;

use egui_kittest::kittest::Queryable as _;
use klyuchnik::model::{Connection, Fields, Secret};
use klyuchnik::ops::{self, Storage as _};
use klyuchnik::ui::App;

use crate::support;
use crate::team_store::{DevServer, dev_server, team, walk};
use support::ui::{Opened, app, click, harness, real_keyring, shows, type_into, wait_for};

fn elma(name: &str) -> Connection {
    Connection {
        fields: Fields::from_iter([
            ("address", "https://sklad.elma365.ru"),
            ("user", "Интеграция 1С"),
            ("token_name", "Обмен"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", name)
    }
}

fn secrets_of(pairs: &[(&str, &str)]) -> BTreeMap<String, Secret> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Secret::new(*v)))
        .collect()
}

/// Logs in from «Хранилище…» as `user` of team `a`.
fn log_in(h: &mut egui_kittest::Harness<'static, App>, server: &DevServer, user: &str) {
    click(h, "Настройки");
    click(h, "Хранилище…");
    click(h, "Хранилище команды");
    type_into(h, "Адрес хранилища", &server.addr);
    type_into(h, "Команда", "a");
    type_into(h, "Логин", user);
    type_into(h, "Пароль", &format!("{user}-pw"));
    click(h, "Войти");
    wait_for(h, "the team's list", |h| {
        shows(h, &format!("Хранилище команды «a» — вы вошли как {user}"))
    });
}

/// A clerk logs in from the window: the team's list is there with its secret, this computer's
/// own connection moves in (keyring → server, read back, then removed here), and after a
/// restart the window opens on the team store again. No password, token or secret in a file.
#[test]
fn a_clerk_logs_in_from_the_window_and_moves_this_computers_connections_in() {
    let server = dev_server();
    let alice = team(&server, "alice");
    let shared = elma("ELMA365 — склад команды");
    ops::save::save(
        &alice,
        shared.clone(),
        &secrets_of(&[("token", "tok-Shared-1")]),
    )
    .unwrap();

    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let store = klyuchnik::store::Store::open(&home.path().join("connections.json")).0;
    let mine = elma("ELMA365 — мой склад");
    ops::save::save(
        &ops::Local::new(store.clone(), keyring.clone()),
        mine.clone(),
        &secrets_of(&[("token", "tok-Mine-2")]),
    )
    .unwrap();
    drop(store);

    let mut h = harness(app(home.path(), keyring.clone(), &Opened::default()));
    assert!(shows(&h, "ELMA365 — мой склад"));
    click(&mut h, "Настройки");
    assert!(shows(&h, "Хранилище: только этот компьютер"));
    click(&mut h, "Хранилище…");
    click(&mut h, "Хранилище команды");
    type_into(&mut h, "Адрес хранилища", "bao.example.ru");
    type_into(&mut h, "Команда", "a");
    type_into(&mut h, "Логин", "carol");
    type_into(&mut h, "Пароль", "x");
    click(&mut h, "Войти");
    assert!(
        shows(&h, "нужен вид https://сервер:порт"),
        "a bad address is said"
    );
    type_into(&mut h, "Адрес хранилища", &server.addr);
    type_into(&mut h, "Пароль", "wrong-pw");
    click(&mut h, "Войти");
    wait_for(&mut h, "the refusal", |h| {
        shows(h, "не приняло логин и пароль")
    });
    assert!(!home.path().join("team.json").exists());
    click(&mut h, "← К списку подключений");

    log_in(&mut h, &server, "carol");
    assert!(shows(&h, "ELMA365 — склад команды"));
    assert!(
        !shows(&h, "ELMA365 — мой склад"),
        "the team's list, not this computer's"
    );

    click(&mut h, "Хранилище…");
    click(
        &mut h,
        "Перенести подключения этого компьютера в хранилище команды",
    );
    click(&mut h, "Перенести");
    wait_for(&mut h, "the move", |h| {
        shows(h, "Перенесено в хранилище команды: 1 (ELMA365 — мой склад)")
    });
    let carol = team(&server, "carol");
    let moved = carol
        .list()
        .iter()
        .find(|c| c.id == mine.id)
        .cloned()
        .expect("moved");
    assert_eq!(moved, mine, "every field as it was");
    assert_eq!(
        carol.secret(&mine.id, "token").unwrap().expose(),
        "tok-Mine-2"
    );
    assert!(
        keyring.get(&mine.id, "token").is_err(),
        "the local secret is gone once the team has it"
    );
    let local = klyuchnik::store::Store::open(&home.path().join("connections.json")).0;
    assert!(local.snapshot().is_empty(), "the local copy is gone");
    click(&mut h, "← К списку подключений");
    wait_for(&mut h, "both in the list", |h| {
        shows(h, "ELMA365 — мой склад")
    });
    drop(h);

    // A restart: the team store again, its list read before the window shows.
    let h = harness(app(home.path(), keyring.clone(), &Opened::default()));
    assert!(
        shows(&h, "Хранилище команды «a» — вы вошли как carol"),
        "{:?}",
        h.state().notices()
    );
    assert!(shows(&h, "ELMA365 — склад команды"));
    for entry in walk(home.path()) {
        let content =
            String::from_utf8_lossy(&std::fs::read(&entry).unwrap_or_default()).into_owned();
        for secret in ["tok-Shared-1", "tok-Mine-2", "carol-pw", "hvs."] {
            assert!(!content.contains(secret), "{secret} in {}", entry.display());
        }
    }
    drop(h);
    klyuchnik::ops::team::logout(&klyuchnik::store::Home::new(home.path()), &keyring).unwrap();
}

/// «Изменить» open while a colleague renames the connection: saving says who changed it and
/// when, shows the colleague's name, keeps what was typed; saving again applies it.
#[test]
fn a_colleagues_change_while_editing_is_said_and_nothing_is_lost() {
    let server = dev_server();
    let alice = team(&server, "alice");
    let c = elma("ELMA365 — склад");
    ops::save::save(
        &alice,
        c.clone(),
        &secrets_of(&[("token", "tok-Conflict-3")]),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let mut h = harness(app(home.path(), keyring.clone(), &Opened::default()));
    log_in(&mut h, &server, "carol");
    click(&mut h, "ELMA365 — склад");
    click(&mut h, "Изменить");
    type_into(&mut h, "Пользователь", "Интеграция 1С — кэрол");

    ops::edit(&alice, |list| {
        list[0].name = "ELMA365 — склад Алисы".to_owned();
        Ok(())
    })
    .unwrap();
    click(&mut h, "Сохранить изменения");
    wait_for(&mut h, "the conflict", |h| {
        shows(h, "изменено коллегой (alice в ")
    });
    assert!(shows(&h, "ваши исправления остались в полях"));
    let list = alice.read_now().unwrap();
    assert_eq!(
        list[0].name, "ELMA365 — склад Алисы",
        "alice's change stands"
    );
    assert_eq!(
        list[0].fields.get("user"),
        Some("Интеграция 1С"),
        "carol's not written over it"
    );

    click(&mut h, "Сохранить изменения");
    wait_for(&mut h, "saved", |h| {
        !shows(h, "Сохраняю…") && !shows(h, "Сохранить изменения")
    });
    let list = alice.read_now().unwrap();
    assert_eq!(list[0].name, "ELMA365 — склад Алисы");
    assert_eq!(
        list[0].fields.get("user"),
        Some("Интеграция 1С — кэрол"),
        "re-applied: {:?}",
        list[0]
    );
    drop(h);
    klyuchnik::ops::team::logout(&klyuchnik::store::Home::new(home.path()), &keyring).unwrap();
}

/// The login expires with a wizard open: the banner says so on the wizard's screen, «Войти
/// снова» takes the password there, and what was typed in the wizard is still there.
#[test]
fn an_expired_login_is_renewed_over_an_open_wizard() {
    let server = dev_server();
    crate::team_store::admin(
        &server,
        "POST",
        "auth/userpass/users/erin",
        &serde_json::json!({"password": "erin-pw", "token_policies": "team-a",
            "token_ttl": "3s", "token_max_ttl": "3s"}),
    );
    let home = tempfile::tempdir().unwrap();
    let keyring = real_keyring();
    let mut h = harness(app(home.path(), keyring.clone(), &Opened::default()));
    log_in(&mut h, &server, "erin");
    click(&mut h, "Новое подключение");
    click(&mut h, "ELMA365: токен для интеграции");
    click(&mut h, "Я вхожу в группу «Администраторы» в ELMA365");
    click(&mut h, "Далее");
    type_into(&mut h, "Адрес компании в ELMA365 *", "sklad");
    let start = std::time::Instant::now();
    while !shows(&h, "Вход в хранилище команды истёк") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "no expiry banner"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
    }
    type_into(&mut h, "Пароль", "erin-pw");
    click(&mut h, "Войти снова");
    wait_for(&mut h, "logged in again", |h| {
        !shows(h, "Вход в хранилище команды истёк")
    });
    let typed = h
        .get_by_label("Адрес компании в ELMA365 *")
        .value()
        .unwrap_or_default();
    assert_eq!(typed, "sklad", "the wizard kept what was typed");
    drop(h);
    klyuchnik::ops::team::logout(&klyuchnik::store::Home::new(home.path()), &keyring).unwrap();
}
