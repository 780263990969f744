//! The connections file survives a killed process, and a damaged one is moved aside (never
//! deleted) with the previous version offered back.

use crate::support;

use klyuchnik::model::Fields;
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use klyuchnik::model::Connection;
use klyuchnik::ops::transfer;
use klyuchnik::store::{Secrets, Store};
use support::ui::{Opened, app, click, harness, shows, wait_for};

fn connections(n: usize, tag: &str) -> Vec<Connection> {
    (0..n)
        .map(|i| Connection {
            fields: Fields::from_iter([("address".to_owned(), format!("https://c{i}.elma365.ru"))]),
            secrets: vec!["token".to_owned()],
            ..Connection::new("elma365", "ELMA365", format!("{tag} {i:05}"))
        })
        .collect()
}

/// Imports a big file again and again, killing the process at varying moments: the file is
/// always a whole old or a whole new version.
#[test]
fn a_process_killed_while_saving_leaves_a_whole_file() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("connections.json");
    let mut killed_mid_way = 0;
    for round in 0..24u64 {
        let export = home.path().join(format!("batch{round}.json"));
        std::fs::write(
            &export,
            transfer::export_json(&connections(3000, &format!("Партия {round}"))),
        )
        .unwrap();
        let before = std::fs::read(&path).ok();
        let mut child = crate::support::klyuchnik(home.path())
            .args(["import", export.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + (round * 7) % 60));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_way += 1;
        }
        let after = std::fs::read(&path).ok();
        let (store, notice) = Store::open(&path);
        assert!(
            notice.is_none(),
            "round {round}: the file is damaged: {notice:?}"
        );
        let n = store.snapshot().len();
        let was = before.as_deref().map_or(0, |b| {
            serde_json::from_slice::<serde_json::Value>(b).unwrap()["connections"]
                .as_array()
                .unwrap()
                .len()
        });
        assert!(
            n == was || n == was + 3000,
            "round {round}: {was} → {n}: neither the old nor the new file"
        );
        if after == before {
            assert_eq!(n, was);
        }
    }
    assert!(
        killed_mid_way > 0,
        "no run was killed before it finished; the test proved nothing"
    );
}

#[test]
fn a_damaged_file_is_moved_aside_and_the_backup_offered() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("connections.json");
    let (store, _) = Store::open(&path);
    for c in connections(3, "Было") {
        support::add(&store, c);
    }
    // The last save kept the version before it as .bak; now the file itself gets damaged.
    std::fs::write(&path, b"{\"version\": 1, \"connections\": [ {\"id\": tru").unwrap();

    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    assert!(shows(&h, "Файл подключений не удалось прочитать"));
    let damaged: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(damaged.len(), 1, "moved aside, not deleted");
    assert!(
        std::fs::read(damaged[0].path())
            .unwrap()
            .starts_with(b"{\"version\": 1")
    );
    click(&mut h, "Восстановить из резервной копии (2 подключений)");
    // Restored off the UI thread (the write may wait for another program's lock).
    wait_for(&mut h, "the restore", |h| {
        shows(h, "Восстановлено из резервной копии: 2 подключений.")
    });
    assert!(shows(&h, "Было 00000") && shows(&h, "Было 00001"));
    let (reopened, notice) = Store::open(&path);
    assert!(notice.is_none());
    assert_eq!(reopened.snapshot().len(), 2);
}

#[test]
fn the_cli_starts_on_a_damaged_file_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    for junk in [&b""[..], b"\xff\xfe\xfd", b"[]"] {
        std::fs::write(home.path().join("connections.json"), junk).unwrap();
        let o = crate::support::klyuchnik(home.path())
            .args(["list", "--json"])
            .output()
            .unwrap();
        // It runs, and the exit code says something needs attention.
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("файл подключений не прочитан"), "{err}");
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    }
}

/// Files this version cannot judge are left exactly as they are: a read-only command says so
/// and exits 1, a write is refused, and nothing is moved aside.
#[test]
fn a_file_that_cannot_be_read_is_never_moved_or_overwritten() {
    let newer = br#"{"version": 99, "connections": [{"a": 1}]}"#;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("connections.json");
    std::fs::write(&file, newer).unwrap();
    let list = support::run_cli(home.path(), &["list"], "");
    assert_eq!(list.status.code(), Some(1));
    let err = String::from_utf8_lossy(&list.stderr);
    assert!(err.contains("более новой версией"), "{err}");
    assert!(!String::from_utf8_lossy(&list.stdout).contains("Подключений нет"));
    let args = support::add_elma_args("Новое", "https://acme.elma365.ru");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        support::run_cli(home.path(), &args, "x\n").status.code(),
        Some(1)
    );
    assert_eq!(std::fs::read(&file).unwrap(), newer, "left as it was");
    let names: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("damaged")), "{names:?}");

    // The window: a notice, and a save is refused until the file reads again.
    let (store, notice) = Store::open(&file);
    assert!(matches!(
        notice,
        Some(klyuchnik::store::OpenNotice::Unreadable { .. })
    ));
    let refused = klyuchnik::ops::save::add(&support::local(&store), connections(1, "x").remove(0))
        .unwrap_err();
    assert!(
        refused.to_string().contains("ничего в него не записывает"),
        "{refused}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), newer);
    let h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    assert!(shows(&h, "Ключник ничего не запишет в этот файл"));
    // Once readable (here: replaced by a file this version wrote), writes work again.
    std::fs::write(&file, br#"{"version": 1, "connections": []}"#).unwrap();
    support::add(&store, connections(1, "y").remove(0));
    assert_eq!(store.snapshot().len(), 1);

    // Not a file at all (an I/O error, as a denied access or a sharing violation would be).
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("connections.json")).unwrap();
    let list = support::run_cli(home.path(), &["list"], "");
    assert_eq!(list.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&list.stderr).contains("не прочитан"));
    assert!(
        home.path().join("connections.json").is_dir(),
        "left where it was"
    );
}

/// A damaged file is moved aside — and `list` says so with exit code 1, not «Подключений нет.»
/// and 0. When the move itself fails, the message does not claim it.
#[test]
fn a_damaged_file_is_moved_aside_and_said_so() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("connections.json");
    std::fs::write(&file, b"{not json").unwrap();
    let list = support::run_cli(home.path(), &["list"], "");
    assert_eq!(list.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&list.stderr).contains("он сохранён как"));
    assert!(!file.exists());

    // The place it would move to is taken (a folder of that name): nothing moves, nothing
    // is claimed, and the file stays.
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("connections.json");
    std::fs::write(&file, b"{not json").unwrap();
    let now = Utc::now();
    for s in -2..15 {
        let stamp = (now + chrono::Duration::seconds(s)).format("%Y%m%d-%H%M%S");
        std::fs::create_dir_all(
            home.path()
                .join(format!("connections.json.damaged-{stamp}/x")),
        )
        .unwrap();
    }
    let list = support::run_cli(home.path(), &["list"], "");
    assert_eq!(list.status.code(), Some(1));
    let err = String::from_utf8_lossy(&list.stderr);
    assert!(err.contains("отложить его в сторону не удалось"), "{err}");
    assert!(!err.contains("сохранён как"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"{not json");
}

/// Temporary files of a killed write are cleaned up when old; a write under way (a young one)
/// is left alone.
#[test]
fn stale_temporary_files_are_removed() {
    let home = tempfile::tempdir().unwrap();
    let old = home.path().join(".connections.json.tmpAbC123");
    let young = home.path().join(".connections.json.tmpXyZ789");
    std::fs::write(&old, b"half").unwrap();
    std::fs::write(&young, b"half").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_hours(2);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let _ = Store::open(&home.path().join("connections.json"));
    assert!(!old.exists(), "an hour-old temporary file is removed");
    assert!(young.exists(), "a fresh one may be another process's write");
}

/// `export` asks before replacing (`--force`), leaves no `.bak` beside the user's file, writes
/// through a link, and refuses a folder in Russian.
#[test]
fn export_treats_the_users_file_with_care() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("export.json");
    std::fs::write(&target, b"my notes").unwrap();
    let export = |path: &std::path::Path, force: bool| {
        let mut args = vec!["export", path.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        support::run_cli(home.path(), &args, "")
    };
    let o = export(&target, false);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read(&target).unwrap(), b"my notes");
    assert_eq!(export(&target, true).status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("klyuchnik-connections")
    );
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        ["export.json"],
        "no .bak or temporary files beside it"
    );

    #[cfg(unix)]
    {
        let link = out.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(export(&link, true).status.code(), Some(0));
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    }
    let o = export(out.path(), true);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("это папка, а не файл"));
}
