//! Hostile conditions around the connections file: a lock another program never lets go, a
//! write that fails half-way (a full disk), the `.bak` as a real backup, a symbolic link at the
//! file's place, an unusable reminders record.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use klyuchnik::model::{Connection, Fields};
use klyuchnik::ops::transfer;
use klyuchnik::store::{Home, Store};

use crate::support;
use egui_kittest::kittest::Queryable as _;
use support::ui::{Opened, app, click, harness, real_keyring, settle, shows, type_into, wait_for};

fn elma(name: &str, address: &str) -> Connection {
    Connection {
        fields: Fields::from_iter([
            ("address".to_owned(), address.to_owned()),
            ("user".to_owned(), "Интеграция".to_owned()),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", name)
    }
}

/// Holds the writers' lock of the connections file the way another program would: an
/// exclusive lock on its own handle, until dropped.
fn hold_lock(home: &Path) -> std::fs::File {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(home.join("connections.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

/// Runs `command`; fails the test if it has not ended within `limit` (and kills it).
fn run_within(command: &mut Command, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{command:?} did not end within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn bak(home: &Path) -> PathBuf {
    home.join("connections.json.bak")
}

fn names_in(path: &Path) -> Vec<String> {
    let (store, notice) = Store::open(path);
    assert!(notice.is_none(), "{}: {notice:?}", path.display());
    store.snapshot().iter().map(|c| c.name.clone()).collect()
}

#[test]
fn a_lock_never_released_neither_stops_readers_nor_hangs_writers() {
    let home = tempfile::tempdir().unwrap();
    support::seed(
        home.path(),
        &[
            elma("Склад", "https://a.elma365.ru"),
            elma("Офис", "https://b.elma365.ru"),
        ],
    );
    let file = home.path().join("connections.json");
    let before = std::fs::read(&file).unwrap();
    let _held = hold_lock(home.path());

    // Readers do not wait at all.
    let (list, took) = run_within(
        support::klyuchnik(home.path()).args(["list"]),
        Duration::from_secs(8),
    );
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    assert!(
        text(&list.stdout).contains("Склад"),
        "{}",
        text(&list.stdout)
    );
    eprintln!("list with the lock held: {took:?}");
    let out = home.path().join("out.json");
    let (export, _) = run_within(
        support::klyuchnik(home.path()).args(["export", out.to_str().unwrap()]),
        Duration::from_secs(8),
    );
    assert_eq!(export.status.code(), Some(0), "{}", text(&export.stderr));

    // A writer waits the time it is given, says so on the way, gives up clearly.
    let (remove, took) = run_within(
        support::klyuchnik(home.path())
            .args(["remove", "Склад"])
            .env("KLYUCHNIK_LOCK_WAIT", "2"),
        Duration::from_secs(15),
    );
    let err = text(&remove.stderr);
    assert_eq!(remove.status.code(), Some(1), "{err}");
    assert!(
        err.contains("занят другой программой, ждём до 2 с"),
        "{err}"
    );
    assert!(err.contains("ждали 2 с, он не освободился"), "{err}");
    assert!(err.contains("Ничего не записано"), "{err}");
    assert!(took >= Duration::from_secs(2), "gave up after {took:?}");
    eprintln!("remove with the lock held gave up after {took:?}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "nothing half-written"
    );

    // A bad wait setting is a usage error.
    let (bad, _) = run_within(
        support::klyuchnik(home.path())
            .args(["remove", "Склад"])
            .env("KLYUCHNIK_LOCK_WAIT", "навсегда"),
        Duration::from_secs(8),
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}

/// `remove Важное`, then checks: the `.bak` still holds «Важное» — check results do not
/// rotate it — and a change that changes nothing writes nothing.
#[test]
fn the_backup_keeps_the_version_before_the_persons_last_change() {
    let home = tempfile::tempdir().unwrap();
    let refused = support::refused_url();
    support::seed(
        home.path(),
        &[elma("Важное", &refused), elma("Второе", &refused)],
    );
    let file = home.path().join("connections.json");
    let removed = support::run_cli(home.path(), &["remove", "Важное"], "");
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed.stderr));
    assert_eq!(names_in(&bak(home.path())), ["Важное", "Второе"]);
    for _ in 0..2 {
        let check = support::run_cli(home.path(), &["check"], "");
        assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .contains("last_check"),
            "the check's result is recorded"
        );
        assert_eq!(
            names_in(&bak(home.path())),
            ["Важное", "Второе"],
            "a check does not make the backup a copy of the current file"
        );
    }

    // The backup is offered back in the window («Настройки») and restored from there; the
    // list it replaces becomes the backup.
    let opened = Opened::default();
    let mut h = harness(app(home.path(), real_keyring(), &opened));
    click(&mut h, "Настройки");
    assert!(
        shows(&h, "Резервная копия от"),
        "the backup is shown with its date: {:#?}",
        h.root()
    );
    assert!(shows(&h, "2 подключений"));
    click(&mut h, "Восстановить из резервной копии…");
    assert!(shows(
        &h,
        "Заменить нынешний список (1 подключений) резервной копией (2 подключений)?"
    ));
    click(&mut h, "Восстановить");
    wait_for(&mut h, "the restore", |h| {
        shows(h, "Восстановлено из резервной копии: 2")
    });
    assert_eq!(names_in(&file), ["Важное", "Второе"]);
    assert_eq!(
        names_in(&bak(home.path())),
        ["Второе"],
        "the replaced list is the backup"
    );
    drop(h);

    // The same list written again: the file is not touched, the backup not rotated.
    let stamp = std::fs::metadata(&file).unwrap().modified().unwrap();
    let (store, _) = Store::open(&file);
    store.modify(|_| Ok(())).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), stamp);
    assert_eq!(names_in(&bak(home.path())), ["Второе"]);
}

/// A write that fails for want of room leaves the file and its backup as they were, and says
/// so in Russian without naming a temporary file. The room is taken away with a file-size
/// limit (`ulimit -f`), which fails writes past it as a full disk does.
#[test]
fn a_write_that_fails_half_way_keeps_the_file_and_its_backup() {
    let home = tempfile::tempdir().unwrap();
    support::seed(home.path(), &[elma("Первое", "https://a.elma365.ru")]);
    support::seed(home.path(), &[elma("Второе", "https://b.elma365.ru")]);
    let file = home.path().join("connections.json");
    let (file_before, bak_before) = (
        std::fs::read(&file).unwrap(),
        std::fs::read(bak(home.path())).unwrap(),
    );
    // A batch far larger than the limit (64 KiB); both current files are far smaller.
    let batch: Vec<Connection> = (0..400)
        .map(|i| {
            elma(
                &format!("Партия {i:03}"),
                &format!("https://c{i}.elma365.ru"),
            )
        })
        .collect();
    let export = home.path().join("batch.json");
    std::fs::write(&export, transfer::export_json(&batch)).unwrap();
    let (out, _) = run_within(
        Command::new("bash")
            .args([
                "-c",
                "trap '' XFSZ; ulimit -f 64; exec \"$0\" import \"$1\"",
                env!("CARGO_BIN_EXE_klyuchnik"),
                export.to_str().unwrap(),
            ])
            .env("KLYUCHNIK_HOME", home.path())
            .env("KLYUCHNIK_KEYRING", "keyutils"),
        Duration::from_secs(30),
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Не удалось записать файл подключений"),
        "{err}"
    );
    assert!(err.contains("Ничего не изменено"), "{err}");
    assert!(
        !err.contains(".connections.json.tmp"),
        "no temporary file named: {err}"
    );
    for english in ["File too large", "No space", "os error"] {
        assert!(!err.contains(english), "the system's own text: {err}");
    }
    assert_eq!(
        std::fs::read(&file).unwrap(),
        file_before,
        "the file as it was"
    );
    assert_eq!(
        std::fs::read(bak(home.path())).unwrap(),
        bak_before,
        "the backup as it was, not replaced before the new file was in place"
    );
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".connections.json.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A symbolic link at the file's place is kept: its target receives every change.
#[cfg(unix)]
#[test]
fn a_linked_connections_file_stays_a_link_and_its_target_is_written() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("shared.json");
    support::seed(elsewhere.path(), &[elma("Склад", "https://a.elma365.ru")]);
    std::fs::rename(elsewhere.path().join("connections.json"), &target).unwrap();
    let link = home.path().join("connections.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = support::run_cli(home.path(), &["remove", "Склад"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "still a link"
    );
    assert!(
        names_in(&target).is_empty(),
        "the target received the change"
    );
    assert_eq!(
        names_in(&elsewhere.path().join("shared.json.bak")),
        ["Склад"],
        "the backup is beside the target"
    );
}

/// The window with another program holding the lock: it starts at once, stays responsive
/// (typed text kept), says that a removal waits, and then that it was not done.
#[test]
fn the_window_never_blocks_on_a_held_lock() {
    let home = tempfile::tempdir().unwrap();
    let eis = |name: &str| Connection::new("eis-token", "ЕИС → РИС", name);
    support::seed(home.path(), &[eis("ЕИС склад"), eis("ЕИС офис")]);
    let held = hold_lock(home.path());
    klyuchnik::store::file_lock::set_wait(Duration::from_secs(3));
    let opened = Opened::default();
    let start = Instant::now();
    let mut h = harness(app(home.path(), real_keyring(), &opened));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "started in {:?}",
        start.elapsed()
    );
    assert!(shows(&h, "ЕИС склад"));
    // «Удалить» on the card, then its confirmation.
    click(&mut h, "ЕИС склад");
    click(&mut h, "Удалить");
    assert!(shows(&h, "Удалить подключение?"));
    h.get_all_by_label("Удалить").last().unwrap().click();
    settle(&mut h);
    wait_for(&mut h, "the waiting banner", |h| {
        shows(h, "Файл подключений занят другой программой, ждём")
    });
    // The window answers meanwhile: every frame is quick, and typing works.
    let frame = Instant::now();
    type_into(&mut h, "Поиск:", "офис");
    assert!(
        frame.elapsed() < Duration::from_secs(1),
        "{:?}",
        frame.elapsed()
    );
    wait_for(&mut h, "the refusal", |h| {
        shows(h, "Подключение не удалено")
    });
    assert!(shows(&h, "занят другой программой: ждали 3 с"));
    assert!(shows(&h, "офис"), "the typed search is kept");
    assert!(
        !shows(&h, "ждём ("),
        "the banner is gone once the wait ended"
    );
    drop(held);
    klyuchnik::store::file_lock::set_wait(klyuchnik::store::file_lock::DEFAULT_WAIT);
    assert_eq!(
        names_in(&Home::new(home.path()).connections_file()).len(),
        2
    );
}

/// `reminders.json` that cannot be used (a folder at its place) is said in the window and in
/// the log, not only on the standard error a scheduled run never shows.
#[test]
fn an_unusable_reminders_record_is_said_in_the_window_and_the_log() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("reminders.json")).unwrap();
    let opened = Opened::default();
    let h = harness(app(home.path(), real_keyring(), &opened));
    assert!(shows(&h, "Файл напоминаний"), "said in the window");
    assert!(shows(&h, "на его месте папка"));
    drop(h);

    let soon = Connection {
        expires: Some(chrono::Local::now().date_naive() + chrono::Duration::days(5)),
        ..Connection::new("eis-token", "ЕИС → РИС", "ЕИС область")
    };
    support::seed(home.path(), &[soon]);
    let out = support::run_cli(home.path(), &["check", "--notify"], "");
    assert_eq!(out.status.code(), Some(1));
    let logged = std::fs::read_dir(home.path().join("logs"))
        .unwrap()
        .flatten()
        .any(|f| {
            std::fs::read_to_string(f.path())
                .unwrap_or_default()
                .contains("на его месте папка")
        });
    assert!(logged, "logged for the scheduled run");
}
