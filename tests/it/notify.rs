//! `klyuchnik check --notify` on a private D-Bus session with a notification server of our own
//! on it (the freedesktop `org.freedesktop.Notifications` interface): what it sends, and that
//! a second run the same day sends nothing.
// A panic is how a test reports failure; zbus's interface macro reads the `_`-named
// arguments of the D-Bus methods.
#![allow(clippy::used_underscore_binding)]
#![cfg(target_os = "linux")]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Local;
use klyuchnik::model::Connection;

/// One `Notify` call: summary, body, urgency hint.
type Call = (String, String, Option<u8>);

struct Server {
    calls: Arc<Mutex<Vec<Call>>>,
}

// D-Bus methods take their arguments by value and may ignore `self`.
#[allow(clippy::needless_pass_by_value, clippy::unused_self)]
#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)] // the interface's own signature
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let urgency = hints
            .get("urgency")
            .and_then(|v| v.downcast_ref::<u8>().ok());
        let mut calls = self.calls.lock().unwrap();
        calls.push((summary, body, urgency));
        u32::try_from(calls.len()).unwrap()
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_owned()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "test".to_owned(),
            "klyuchnik".to_owned(),
            "1".to_owned(),
            "1.2".to_owned(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

fn expiring(name: &str, days: i64) -> Connection {
    Connection {
        expires: Some(Local::now().date_naive() + chrono::Duration::days(days)),
        ..Connection::new("eis-token", "ЕИС → РИС", name)
    }
}

fn run_notify(home: &std::path::Path) -> std::process::Output {
    crate::support::klyuchnik(home)
        .args(["check", "--notify"])
        .env("KLYUCHNIK_KEYRING", "keyutils")
        // The window a click opens finds no display and quits; its log line is the evidence.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

/// Waits for a line with all of `parts` in the data folder's log.
fn logged(home: &std::path::Path, parts: &[&str]) -> bool {
    logged_within(home, parts, Duration::from_secs(10))
}

fn logged_within(home: &std::path::Path, parts: &[&str], wait: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < wait {
        let found = std::fs::read_dir(home.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|f| {
                std::fs::read_to_string(f.path())
                    .unwrap_or_default()
                    .lines()
                    .any(|l| parts.iter().all(|p| l.contains(p)))
            });
        if found {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Clicks until the waiting copy hears it, for up to 10 s. It starts listening just after the
/// notification is up — a person's click comes seconds later, the test's at once — so a click
/// in that gap is missed the way a server's signal to nobody is; clicking again is what a
/// person would do.
fn click_until_heard(server: &zbus::blocking::Connection, id: u32, home: &std::path::Path) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        click(server, id);
        if logged_within(home, &["notification clicked"], Duration::from_millis(500)) {
            return true;
        }
    }
    false
}

/// A click on the notification (the server's `ActionInvoked` with the "default" action).
fn click(server: &zbus::blocking::Connection, id: u32) {
    server
        .emit_signal(
            None::<()>,
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "ActionInvoked",
            &(id, "default"),
        )
        .unwrap();
}

#[test]
fn check_notify_shows_one_notification_per_threshold() {
    // scripts/test.sh runs the tests in a private session bus; without one there is nothing
    // to talk to.
    let in_session = std::env::var("KLYUCHNIK_TEST_SECRET_SERVICE").is_ok_and(|v| v == "1");
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(!in_session, "scripts/test.sh should provide a session bus");
        eprintln!("no session bus: check --notify not exercised");
        return;
    }
    let calls = Arc::new(Mutex::new(Vec::new()));
    let server = zbus::blocking::connection::Builder::session()
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            Server {
                calls: Arc::clone(&calls),
            },
        )
        .unwrap()
        .build()
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let list = vec![
        expiring("ЕИС — РИС область", 5),
        expiring("ЕИС — РИС город", -2),
        expiring("ЕИС — РИС район", 200),
    ];
    crate::support::seed(home.path(), &list);

    let out = run_notify(home.path());
    assert_eq!(out.status.code(), Some(1), "something needs attention");
    let start = Instant::now();
    while calls.lock().unwrap().is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let got = calls.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "one notification per run: {got:?}");
    let (summary, body, urgency) = &got[0];
    assert_eq!(summary, "Ключник: истёк срок ключей — 1 из 2");
    assert!(body.contains("«ЕИС — РИС город» — срок истёк"), "{body}");
    assert!(body.contains("«ЕИС — РИС область» — через 5 дн."), "{body}");
    assert!(!body.contains("район"), "200 days away is not due: {body}");
    assert!(body.contains("Получите новые ключи"), "{body}");
    // Where the new identifier goes: ЕИС's own words from its flow file.
    assert!(
        body.contains("в РИС (вкладка «Сервисы РИС») и в Ключник — «Обновить ключ»"),
        "{body}"
    );
    assert_eq!(*urgency, Some(2), "an expired key is critical");
    // Clicked: with two connections due, the window opens on the list.
    assert!(
        click_until_heard(&server, 1, home.path()),
        "the click is heard after check --notify has exited"
    );
    assert!(
        logged(home.path(), &["Ключник starting"]),
        "the window is started"
    );

    // The same day again: nothing new to say.
    let again = run_notify(home.path());
    assert_eq!(again.status.code(), Some(1));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(calls.lock().unwrap().len(), 1, "no second notification");

    // One connection due: the click opens the window on it (`klyuchnik open <id>`).
    let home = tempfile::tempdir().unwrap(); // a second data folder
    let due = expiring("ЕИС — РИС завтра", 1);
    crate::support::seed(home.path(), std::slice::from_ref(&due));
    let out = run_notify(home.path());
    assert_eq!(out.status.code(), Some(1));
    let got = calls.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].0, "Ключник: скоро истекает срок ключей — 1");
    assert_eq!(got[1].2, Some(2), "one day left is critical too");
    assert!(click_until_heard(&server, 2, home.path()));
    assert!(
        logged(
            home.path(),
            &["Ключник starting", &format!("open=\"{}\"", due.id)]
        ) || logged(
            home.path(),
            &["Ключник starting", &format!("open={}", due.id)]
        ),
        "the window opens on the connection"
    );

    // Two runs at once (the logon trigger and the daily one): one notification between them.
    let home = tempfile::tempdir().unwrap();
    crate::support::seed(home.path(), &[expiring("ЕИС — РИС месяц", 30)]);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let home = home.path().to_owned();
            std::thread::spawn(move || run_notify(&home))
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap().status.code(), Some(1));
    }
    let got = calls.lock().unwrap().clone();
    assert_eq!(
        got.len(),
        3,
        "one notification for two runs at once: {got:?}"
    );
    assert_eq!(got[2].2, Some(1), "30 days left: normal urgency");

    // The results cannot be saved (another program holds the file's lock for good): the
    // reminder goes out all the same, and the failure to save is said beside it.
    let home = tempfile::tempdir().unwrap();
    let checked = Connection {
        fields: klyuchnik::model::Fields::from_iter([
            ("address".to_owned(), crate::support::refused_url()),
            ("user".to_owned(), "Интеграция".to_owned()),
        ]),
        secrets: vec!["token".to_owned()],
        expires: Some(Local::now().date_naive() + chrono::Duration::days(5)),
        ..Connection::new("elma365", "ELMA365", "ELMA365 склад")
    };
    crate::support::seed(home.path(), &[checked]);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(home.path().join("connections.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = crate::support::klyuchnik(home.path())
        .args(["check", "--notify"])
        .env("KLYUCHNIK_LOCK_WAIT", "1")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("занят другой программой"), "{err}");
    let start = Instant::now();
    while calls.lock().unwrap().len() < 4 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let got = calls.lock().unwrap().clone();
    assert_eq!(
        got.len(),
        4,
        "the reminder is sent although nothing could be saved: {got:?}"
    );
    assert!(
        got[3].1.contains("«ELMA365 склад» — через 5 дн."),
        "{got:?}"
    );
}
