//! The connections file survives a killed process, and a damaged one is moved aside (never
//! deleted) with the previous version offered back.
#![allow(clippy::unwrap_used)] // A panic is how a test reports failure.

mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use klyuchnik::store::{Connection, Secrets, Store, transfer};
use support::ui::{Opened, app, click, harness, shows};

fn connections(n: usize, tag: &str) -> Vec<Connection> {
    (0..n)
        .map(|i| Connection {
            id: uuid::Uuid::new_v4().to_string(),
            name: format!("{tag} {i:05}"),
            flow: "elma365".to_owned(),
            system: "ELMA365".to_owned(),
            created: Utc::now(),
            fields: BTreeMap::from([("address".to_owned(), format!("https://c{i}.elma365.ru"))]),
            tables: BTreeMap::new(),
            secrets: vec!["token".to_owned()],
            expires: None,
            last_check: None,
            pending_step: None,
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
        let mut child = Command::new(env!("CARGO_BIN_EXE_klyuchnik"))
            .args(["import", export.to_str().unwrap()])
            .env("KLYUCHNIK_HOME", home.path())
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
        store.add(c).unwrap();
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
    assert!(shows(
        &h,
        "Восстановлено из резервной копии: 2 подключений."
    ));
    assert!(shows(&h, "Было 00000") && shows(&h, "Было 00001"));
    let (reopened, notice) = Store::open(&path);
    assert!(notice.is_none());
    assert_eq!(reopened.snapshot().len(), 2);
}

#[test]
fn the_cli_starts_on_a_damaged_file_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    for junk in [
        &b""[..],
        b"\xff\xfe\xfd",
        b"[]",
        br#"{"version": 7, "connections": []}"#,
    ] {
        std::fs::write(home.path().join("connections.json"), junk).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_klyuchnik"))
            .args(["list", "--json"])
            .env("KLYUCHNIK_HOME", home.path())
            .output()
            .unwrap();
        assert!(o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("файл подключений не прочитан"), "{err}");
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    }
}
