//! A copied secret: on the system clipboard only, marked for clipboard managers to skip, wiped
//! when Ключник closes; never copied when the system clipboard is unavailable.
//! scripts/test.sh gives the tests an Xvfb screen, so the clipboard is X11's.
#![cfg(target_os = "linux")]

use crate::support;

use egui_kittest::kittest::Queryable as _;
use support::ui::{Opened, app, click, click_copy, harness, shows, system_clipboard};

const ID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/// The ЕИС token wizard on its last page, where «Копировать» copies the identifier.
fn on_last_page(home: &std::path::Path) -> egui_kittest::Harness<'static, klyuchnik::ui::App> {
    let expires = (chrono::Local::now().date_naive() + chrono::Duration::days(400))
        .format("%d.%m.%Y")
        .to_string();
    let flow = klyuchnik::flow::Catalog::embedded().unwrap();
    let flow = flow.get("eis-token").unwrap();
    let mut draft = klyuchnik::flow::draft::Draft::starting_at(flow, None, 0);
    draft.step = 4;
    draft.values.insert("expires".into(), expires);
    std::fs::write(
        klyuchnik::store::Home::new(home).draft_file(),
        serde_json::to_vec(&draft).unwrap(),
    )
    .unwrap();
    let mut h = harness(app(home, support::ui::real_keyring(), &Opened::default()));
    assert!(shows(&h, "Шаг 5 из 5"));
    click(&mut h, "Назад");
    support::ui::type_into(&mut h, "Идентификатор *", ID);
    click(&mut h, "Далее");
    h
}

#[test]
fn a_copied_secret_skips_clipboard_history_and_is_wiped_at_exit() {
    if std::env::var_os("DISPLAY").is_none() {
        assert!(
            std::env::var_os("KLYUCHNIK_TEST_SECRET_SERVICE").is_none(),
            "scripts/test.sh should provide a screen"
        );
        eprintln!("no display: the system clipboard is not exercised");
        return;
    }
    let _turn = support::ui::clipboard_turn();
    let home = tempfile::tempdir().unwrap();
    let mut h = on_last_page(home.path());
    assert_eq!(click_copy(&mut h, "Копировать", 0).as_deref(), Some(ID));
    assert!(shows(&h, "очистится через 30 секунд и при закрытии"));
    // The hint clipboard managers (KDE's Klipper and others) read to keep it out of history.
    let targets = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-t", "TARGETS", "-o"])
        .output()
        .unwrap();
    let targets = String::from_utf8_lossy(&targets.stdout);
    assert!(targets.contains("x-kde-passwordManagerHint"), "{targets}");
    assert!(klyuchnik::ui::kit::clipboard::holds_secret());
    // Closing Ключник wipes it.
    klyuchnik::ui::kit::clipboard::clear_on_exit();
    assert_ne!(system_clipboard().as_deref(), Some(ID), "wiped at exit");
}

/// Without a system clipboard the secret is not copied at all (no unwiped fallback), and the
/// page says so. Runs in a child process with no display, as the environment is process-wide.
#[test]
fn without_a_system_clipboard_a_secret_is_not_copied() {
    if std::env::var_os("KLYUCHNIK_CLIPBOARD_CHILD").is_none() {
        let o = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "clipboard::without_a_system_clipboard_a_secret_is_not_copied",
                "--nocapture",
            ])
            .env("KLYUCHNIK_CLIPBOARD_CHILD", "1")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("1 passed"));
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut h = on_last_page(home.path());
    assert_eq!(click_copy(&mut h, "Копировать", 0), None, "nothing copied");
    assert!(shows(&h, "Не скопировано"));
    assert!(!klyuchnik::ui::kit::clipboard::holds_secret());
    assert!(h.query_by_label_contains("Скопировано.").is_none());
}

/// Puts `text` on the system clipboard from another program, as a browser would.
fn set_clipboard_elsewhere(text: &str) {
    use std::io::Write as _;
    let mut xclip = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    xclip
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(xclip.wait().unwrap().success());
    // xclip serves the text from a process of its own; wait until it answers.
    for _ in 0..50 {
        if system_clipboard().as_deref() == Some(text) || text.is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("xclip did not take the clipboard");
}

/// The Vision Ellcom wizard on step 4, the ПВЗ employee's «API-токен».
fn on_token_step(home: &std::path::Path) -> egui_kittest::Harness<'static, klyuchnik::ui::App> {
    let catalog = klyuchnik::flow::Catalog::embedded().unwrap();
    let flow = catalog.get("vision-ellcom").unwrap();
    let mut draft = klyuchnik::flow::draft::Draft::starting_at(flow, None, 2);
    draft.step = 3;
    std::fs::write(
        klyuchnik::store::Home::new(home).draft_file(),
        serde_json::to_vec(&draft).unwrap(),
    )
    .unwrap();
    let h = harness(app(
        home,
        klyuchnik::store::Secrets::mock(),
        &Opened::default(),
    ));
    assert!(shows(&h, "Шаг 4 из 4"));
    h
}

fn token(h: &egui_kittest::Harness<'static, klyuchnik::ui::App>) -> String {
    h.state().draft().unwrap().secrets["token"]
        .expose()
        .to_owned()
}

fn have_display() -> bool {
    if std::env::var_os("DISPLAY").is_none() {
        assert!(
            std::env::var_os("KLYUCHNIK_TEST_SECRET_SERVICE").is_none(),
            "scripts/test.sh should provide a screen"
        );
        eprintln!("no display: the system clipboard is not exercised");
        return false;
    }
    true
}

/// «Вставить» beside a secret field takes what another program copied, trims it, and says how
/// long it is without showing it.
#[test]
fn the_paste_button_takes_what_another_program_copied() {
    if !have_display() {
        return;
    }
    let _turn = support::ui::clipboard_turn();
    let home = tempfile::tempdir().unwrap();
    let mut h = on_token_step(home.path());
    set_clipboard_elsewhere(&format!("  {ID}\n"));
    click(&mut h, "Вставить");
    assert_eq!(token(&h), ID, "pasted and trimmed in the field itself");
    assert!(shows(&h, "Вставлено 36 знаков."));
    assert!(!shows(&h, ID), "the value stays hidden");
    assert!(!shows(&h, "по краям убраны"), "nothing left to trim");

    // A wrong clipboard is noticed before saving: the e-mail copied a step earlier.
    set_clipboard_elsewhere("pvz-10452@example.ru");
    click(&mut h, "Вставить");
    assert_eq!(token(&h), "pvz-10452@example.ru", "replaces the value");
    assert!(shows(&h, "похоже на e-mail, а не на «API-токен»"));
    assert!(!shows(&h, "pvz-10452"));

    // Typing clears the note about the paste.
    support::ui::type_into(&mut h, "API-токен *", "abc");
    assert!(!shows(&h, "похоже на e-mail"));

    set_clipboard_elsewhere("");
    click(&mut h, "Вставить");
    assert!(shows(&h, "Буфер обмена пуст"));
}

/// Ctrl+V (the window turns it into a paste event): the secret field says what arrived and
/// shows the value without the line break a browser copy brings along.
#[test]
fn a_paste_with_the_keyboard_is_described_and_trimmed() {
    let home = tempfile::tempdir().unwrap();
    let mut h = on_token_step(home.path());
    h.get_by_label("API-токен *").focus();
    support::ui::settle(&mut h);
    h.event(egui::Event::Paste(format!("{ID}\n")));
    support::ui::settle(&mut h);
    assert_eq!(token(&h), ID);
    assert!(shows(&h, "Вставлено 36 знаков."));
    assert!(!shows(&h, "по краям убраны"));
}
