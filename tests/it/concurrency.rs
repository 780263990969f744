//! Several writers at once — `klyuchnik` commands, another window, a scheduled check — on one
//! data folder: nothing any of them did is lost, the window sees the others' changes, and a
//! process killed while holding the lock does not block the rest.

use crate::support;

use klyuchnik::model::Fields;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use chrono::Utc;
use klyuchnik::model::Connection;
use klyuchnik::model::{CheckRecord, OutcomeKind};
use klyuchnik::ops::transfer;
use klyuchnik::store::Store;
use support::ui::{Opened, app, harness, real_keyring, shows, wait_for};

fn connection(name: String) -> Connection {
    Connection::new("eis-bft", "ЕИС → БФТ.Закупки", name)
}

fn batch(tag: &str, n: usize) -> Vec<Connection> {
    (0..n)
        .map(|i| connection(format!("{tag} {i:04}")))
        .collect()
}

fn klyuchnik(home: &Path, args: &[&str]) -> Output {
    crate::support::klyuchnik(home)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn names(home: &Path) -> BTreeSet<String> {
    let (store, notice) = Store::open(&home.join("connections.json"));
    assert!(notice.is_none(), "the file is whole: {notice:?}");
    store.snapshot().iter().map(|c| c.name.clone()).collect()
}

/// Four processes import 250 connections each, at the same moment, while a fifth removes
/// ones that were there before and a sixth is killed in the middle of its import: every
/// import that finished is all there, every removal stuck, and nothing else changed.
#[test]
fn processes_writing_at_once_lose_nothing() {
    for round in 0..3 {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        let (seed, _) = Store::open(&h.join("connections.json"));
        let old = batch("Было", 20);
        seed.modify(|list| {
            list.extend(old.clone());
            Ok(())
        })
        .unwrap();
        let files: Vec<_> = (0..5)
            .map(|p| {
                let file = h.join(format!("batch{p}.json"));
                let tag = format!("Процесс {p}");
                std::fs::write(&file, transfer::export_json(&batch(&tag, 250))).unwrap();
                file
            })
            .collect();
        let importers: Vec<_> = files[..4]
            .iter()
            .map(|file| {
                let (h, file) = (h.to_owned(), file.clone());
                std::thread::spawn(move || klyuchnik(&h, &["import", file.to_str().unwrap()]))
            })
            .collect();
        let removed: Vec<String> = old.iter().take(5).map(|c| c.name.clone()).collect();
        let removing = {
            let (h, removed) = (h.to_owned(), removed.clone());
            std::thread::spawn(move || {
                removed
                    .iter()
                    .map(|name| klyuchnik(&h, &["remove", name]))
                    .collect::<Vec<_>>()
            })
        };
        let mut victim = crate::support::klyuchnik(h)
            .args(["import", files[4].to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + 15 * round));
        let _ = victim.kill();
        let victim_finished = victim.wait().unwrap().success();
        for t in importers {
            let out = t.join().unwrap();
            assert!(
                out.status.success(),
                "import: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for out in removing.join().unwrap() {
            assert!(
                out.status.success(),
                "remove: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let got = names(h);
        let mut expected: BTreeSet<String> = old.iter().map(|c| c.name.clone()).collect();
        for name in &removed {
            expected.remove(name);
        }
        for p in 0..4 {
            expected.extend(
                batch(&format!("Процесс {p}"), 250)
                    .into_iter()
                    .map(|c| c.name),
            );
        }
        let victim_names: BTreeSet<String> = batch("Процесс 4", 250)
            .into_iter()
            .map(|c| c.name)
            .collect();
        let extra: BTreeSet<_> = got.difference(&expected).cloned().collect();
        assert!(
            extra.is_empty() || (extra == victim_names),
            "round {round}: only the killed import may add, and all or nothing: {} extra",
            extra.len()
        );
        if victim_finished {
            assert_eq!(
                extra, victim_names,
                "round {round}: a finished import is all there"
            );
        }
        let missing: Vec<_> = expected.difference(&got).collect();
        assert!(
            missing.is_empty(),
            "round {round}: lost {} connections, e.g. {:?}",
            missing.len(),
            missing.first()
        );
    }
}

/// Two handles on one file, as two processes have: each change is made to the other's latest
/// list, never to a stale copy.
#[test]
fn a_stale_handle_writes_on_top_of_the_latest_list() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("connections.json");
    let (window, _) = Store::open(&path);
    support::add(&window, connection("Окно".to_owned()));
    let id = window.snapshot()[0].id.clone();
    let (command, _) = Store::open(&path);
    for c in batch("Команда", 300) {
        support::add(&command, c);
    }
    // The window had not looked yet; its check result lands on the list of 301.
    let ok = || CheckRecord {
        at: Utc::now(),
        kind: OutcomeKind::Ok,
        detail: None,
    };
    klyuchnik::ops::save::record_checks(&support::local(&window), &[(id.clone(), ok())]).unwrap();
    assert!(window.get(&id).unwrap().last_check.is_some());
    assert_eq!(window.snapshot().len(), 301);
    let (again, _) = Store::open(&path);
    assert_eq!(again.snapshot().len(), 301);
    // A removal made elsewhere: a late check result is dropped, not a panic or a resurrection.
    klyuchnik::ops::save::remove(&support::local(&command), &id).unwrap();
    klyuchnik::ops::save::record_checks(&support::local(&window), &[(id.clone(), ok())]).unwrap();
    assert!(window.get(&id).is_none());
    assert_eq!(Store::open(&path).0.snapshot().len(), 300);
    // Threads with their own handles, like processes: 4 × 50 adds at once, all kept.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let (store, _) = Store::open(&path);
                for c in batch(&format!("Поток {t}"), 50) {
                    support::add(&store, c);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(Store::open(&path).0.snapshot().len(), 500);
}

/// The window open while a command adds and removes: the list shows it within about a second,
/// and the window's own next write (a removal) keeps what the command did.
#[test]
fn the_window_sees_other_processes_and_keeps_their_changes() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (seed, _) = Store::open(&h.join("connections.json"));
    support::add(&seed, connection("Из окна".to_owned()));
    let mut ui = harness(app(h, real_keyring(), &Opened::default()));
    assert!(shows(&ui, "показано 1 из 1"));
    let file = h.join("batch.json");
    std::fs::write(&file, transfer::export_json(&batch("Из команды", 30))).unwrap();
    let out = klyuchnik(h, &["import", file.to_str().unwrap()]);
    assert!(out.status.success());
    let out = klyuchnik(h, &["remove", "Из команды 0000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = std::time::Instant::now();
    wait_for(&mut ui, "the window to see the import", |ui| {
        shows(ui, "показано 30 из 30")
    });
    assert!(started.elapsed() < Duration::from_secs(3));
    // The window removes its own connection; the 29 from the command stay.
    support::ui::type_into(&mut ui, "Поиск:", "Из окна");
    ui.query_all_by_label("Удалить").next().unwrap().focus();
    ui.run_steps(2);
    ui.key_press(egui::Key::Enter);
    ui.run_steps(2);
    let confirm = ui
        .query_all_by_label("Удалить")
        .filter(|n| {
            use egui_kittest::kittest::NodeT as _;
            n.accesskit_node().role() == egui::accesskit::Role::Button
        })
        .count();
    ui.query_all_by_label("Удалить")
        .nth(confirm - 1)
        .unwrap()
        .focus();
    ui.run_steps(2);
    ui.key_press(egui::Key::Enter);
    wait_for(&mut ui, "the removal", |ui| {
        ui.state().store().unwrap().snapshot().len() == 29
    });
    let left = names(h);
    assert_eq!(left.len(), 29);
    assert!(!left.contains("Из окна"));
}

use egui_kittest::kittest::Queryable as _;

/// A ПВЗ «set up in part» is being finished in the window while a command removes it: saving
/// says so instead of quietly bringing it back; asked again, it is saved as a new connection.
#[test]
fn finishing_a_connection_removed_elsewhere_says_so() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut pending = connection("ПВЗ 101".to_owned());
    pending.flow = "vision-ellcom".into();
    pending.system = "Vision Ellcom → WB Point".into();
    pending.fields = Fields::from_iter([
        ("pvz_name".to_owned(), "ПВЗ 101".to_owned()),
        ("email".to_owned(), "pvz-101@example.ru".to_owned()),
    ]);
    pending.pending_step = Some(2);
    let (seed, _) = Store::open(&h.join("connections.json"));
    support::add(&seed, pending.clone());
    let secrets = real_keyring();
    let mut ui = harness(app(h, secrets.clone(), &Opened::default()));
    support::ui::click(&mut ui, "Продолжить настройку");
    assert!(shows(&ui, "Шаг 3 из 4"));
    let out = klyuchnik(h, &["remove", "ПВЗ 101"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    support::ui::click(
        &mut ui,
        "Вход в Vision Ellcom под учётной записью pvz-101@example.ru выполнен",
    );
    support::ui::click(&mut ui, "Далее");
    support::ui::type_into(&mut ui, "API-токен *", "token-for-pvz-101");
    support::ui::click(&mut ui, "Сохранить подключение");
    // Saving runs in the background: wait for its answer.
    wait_for(&mut ui, "the removal reported", |ui| {
        shows(ui, "тем временем удалили")
    });
    assert!(names(h).is_empty(), "nothing brought back yet");
    support::ui::click(&mut ui, "Сохранить подключение");
    wait_for(&mut ui, "saved as new", |ui| {
        shows(ui, "ПВЗ подключён к Vision Ellcom")
    });
    let (store, _) = Store::open(&h.join("connections.json"));
    let list = store.snapshot();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].pending_step, None);
    secrets.delete_secret(&list[0].id, "token").unwrap();
}
