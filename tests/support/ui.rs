//! Driving the real UI through its AccessKit tree.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use klyuchnik::check::{ClientOptions, Timeouts};
use klyuchnik::store::{Home, Secrets};
use klyuchnik::ui::{App, AppConfig};

/// Links the app "opened" in the browser.
pub type Opened = Arc<Mutex<Vec<String>>>;

pub fn app(home: &Path, secrets: Secrets, opened: &Opened) -> App {
    app_saving_to(home, secrets, opened, None)
}

/// An app whose save dialog answers with `save_to` (files are written into that folder under
/// the suggested name), or is cancelled when `None`.
pub fn app_saving_to(
    home: &Path,
    secrets: Secrets,
    opened: &Opened,
    save_to: Option<PathBuf>,
) -> App {
    app_with_files(home, secrets, opened, save_to, &Arc::default())
}

/// The file the open dialog will answer with next (taken once).
pub type OpenFrom = Arc<Mutex<Option<PathBuf>>>;

pub fn app_with_files(
    home: &Path,
    secrets: Secrets,
    opened: &Opened,
    save_to: Option<PathBuf>,
    open_from: &OpenFrom,
) -> App {
    let opened = Arc::clone(opened);
    let open_from = Arc::clone(open_from);
    App::new(AppConfig {
        home: Home::new(home),
        secrets,
        checks: ClientOptions {
            timeouts: Timeouts {
                connect: Duration::from_secs(2),
                overall: Duration::from_millis(1500),
            },
            backoff: Duration::from_millis(50),
            ..ClientOptions::default()
        },
        opener: Arc::new(move |url: &str| opened.lock().unwrap().push(url.to_owned())),
        save_dialog: Arc::new(move |name: &str| save_to.as_ref().map(|dir| dir.join(name))),
        open_dialog: Arc::new(move || open_from.lock().unwrap().take()),
    })
}

/// Every UI test uses the same window size: a 1366×768 office screen minus the taskbar.
pub fn harness(app: App) -> Harness<'static, App> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h
}

/// The kernel keyring: a real store that needs no desktop session.
pub fn real_keyring() -> Secrets {
    let s = Secrets::open(Some("keyutils"));
    assert!(
        s.backend().is_some(),
        "kernel keyring unavailable: {:?}",
        s.unavailable_reason()
    );
    s
}

pub fn settle(h: &mut Harness<'_, App>) {
    h.run_steps(3);
}

/// Scrolls the button into view (a long page scrolls under the navigation bar) and clicks it.
pub fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    settle(h);
    h.get_by_label(label).click();
    settle(h);
}

/// Focuses the field named `label`, selects what is there, and types `text` over it.
pub fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    settle(h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_by_label(label).type_text(text);
    settle(h);
}

pub fn shows(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Steps frames until `cond` holds, for results of background jobs.
pub fn wait_for(h: &mut Harness<'_, App>, what: &str, cond: impl Fn(&Harness<'_, App>) -> bool) {
    let start = Instant::now();
    while !cond(h) {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    settle(h);
}

/// Clicks the `nth` button named `label` and returns what the app put on the clipboard.
pub fn click_copy(h: &mut Harness<'_, App>, label: &str, nth: usize) -> Option<String> {
    h.get_all_by_label(label).nth(nth).unwrap().scroll_to_me();
    settle(h);
    h.get_all_by_label(label).nth(nth).unwrap().click();
    let mut copied = None;
    for _ in 0..4 {
        h.step();
        copied = copied.or_else(|| {
            h.output()
                .platform_output
                .commands
                .iter()
                .find_map(|c| match c {
                    egui::OutputCommand::CopyText(t) => Some(t.clone()),
                    _ => None,
                })
        });
    }
    copied
}

/// Types into the `nth` input named `label` (table cells share their table's name).
pub fn type_into_nth(h: &mut Harness<'_, App>, label: &str, nth: usize, text: &str) {
    h.get_all_by_label(label).nth(nth).unwrap().focus();
    settle(h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_all_by_label(label).nth(nth).unwrap().type_text(text);
    settle(h);
}

/// Opens the drop-down named `combo` and picks `option` in it (the option, not a same-named
/// label elsewhere on the page).
pub fn choose(h: &mut Harness<'_, App>, combo: &str, option: &str) {
    use egui_kittest::kittest::NodeT as _;
    let is_option = |h: &Harness<'_, App>| {
        h.query_all_by_label(option)
            .any(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
    };
    for _ in 0..3 {
        if is_option(h) {
            break;
        }
        click(h, combo);
    }
    let node = h
        .query_all_by_label(option)
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
        .unwrap_or_else(|| panic!("no option «{option}» in «{combo}»"));
    node.click();
    settle(h);
}
