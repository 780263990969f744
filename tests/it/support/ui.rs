//! Driving the real UI through its AccessKit tree.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use klyuchnik::integrations::{ClientOptions, Timeouts};
use klyuchnik::reminders::schedule::Scheduler;
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
    App::new(config(home, secrets, opened, save_to, open_from))
}

/// What the test apps are made of: the data folder, loopback-speed timeouts, recording
/// browser and file dialogs, reminders in the data folder.
pub fn config(
    home: &Path,
    secrets: Secrets,
    opened: &Opened,
    save_to: Option<PathBuf>,
    open_from: &OpenFrom,
) -> AppConfig {
    let opened = Arc::clone(opened);
    let open_from = Arc::clone(open_from);
    AppConfig {
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
        opener: Arc::new(move |url: &str| {
            opened.lock().unwrap().push(url.to_owned());
            Ok(())
        }),
        save_dialog: Arc::new(move |name: &str| save_to.as_ref().map(|dir| dir.join(name))),
        open_dialog: Arc::new(move || open_from.lock().unwrap().take()),
        // «Напоминать о сроках…» writes an autostart entry inside the test's data folder.
        scheduler: Scheduler::autostart_in(
            &home.join("config"),
            Path::new(env!("CARGO_BIN_EXE_klyuchnik")),
        ),
        focus: None,
        open_file: None,
        renew: false,
        opening: None,
        oidc_port: klyuchnik::ops::team::OIDC_PORT,
    }
}

/// Every UI test uses the same window size: a 1366×768 office screen minus the taskbar.
pub fn harness(app: App) -> Harness<'static, App> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(2);
    h
}

/// The app as the real window runs it: themed at creation, each frame through `eframe::App`,
/// and with no frame of the harness's own around it.
pub fn eframe_harness(app: App) -> Harness<'static, App> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_eframe(|cc| app.with_theme(&cc.egui_ctx));
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

/// The system clipboard is one for the whole screen, and every test runs in this one process:
/// whoever copies, pastes or reads it takes a turn.
/// A test that holds its turn may take it again (a paste test that copies with [`click_copy`]).
pub fn clipboard_turn() -> ClipboardTurn {
    static CLIPBOARD: Mutex<()> = Mutex::new(());
    if HELD.with(std::cell::Cell::get) {
        return ClipboardTurn(None);
    }
    let turn = CLIPBOARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    HELD.with(|held| held.set(true));
    ClipboardTurn(Some(turn))
}

thread_local! {
    static HELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// This thread's turn at the system clipboard, until dropped.
pub struct ClipboardTurn(Option<std::sync::MutexGuard<'static, ()>>);

impl Drop for ClipboardTurn {
    fn drop(&mut self) {
        if self.0.is_some() {
            HELD.with(|held| held.set(false));
        }
    }
}

/// Clicks the `nth` button named `label` and returns what the app put on the clipboard.
pub fn click_copy(h: &mut Harness<'_, App>, label: &str, nth: usize) -> Option<String> {
    let _turn = clipboard_turn();
    let before = system_clipboard();
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
    // A secret goes to the system clipboard directly, not through egui.
    let start = Instant::now();
    while copied.is_none() && start.elapsed() < Duration::from_secs(2) {
        let now = system_clipboard();
        if now.is_some() && now != before {
            copied = now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    copied
}

/// The text on the system clipboard, if there is one and it holds text.
pub fn system_clipboard() -> Option<String> {
    arboard::Clipboard::new().ok()?.get_text().ok()
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

/// How much of the window the last frame's triangles cover inside their clip rectangles,
/// overdraw counted: 1.0 is one full layer. Software renderers (RDP, VMs without a GPU) pay for
/// every covered pixel. A triangle cut by its clip rectangle counts by the share of its bounding
/// box left inside.
pub fn painted_share(h: &Harness<'_, App>) -> f32 {
    let out = h.output();
    let shapes = out.shapes.clone();
    let window = h.ctx.content_rect().area();
    let mut area = 0.0;
    for prim in h.ctx.tessellate(shapes, out.pixels_per_point) {
        let clip = prim.clip_rect;
        if let egui::epaint::Primitive::Mesh(mesh) = prim.primitive {
            for tri in mesh.indices.chunks_exact(3) {
                let [a, b, c] = [0, 1, 2].map(|i| mesh.vertices[tri[i] as usize].pos);
                let bounds = egui::Rect::from_points(&[a, b, c]);
                if bounds.area() <= 0.0 {
                    continue;
                }
                let cut = bounds.intersect(clip);
                let inside = if cut.is_positive() {
                    cut.area() / bounds.area()
                } else {
                    0.0
                };
                let full = ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0;
                area += full * inside.clamp(0.0, 1.0);
            }
        }
    }
    area / window
}

/// Ticks every unticked confirmation on the page.
pub fn tick_all(h: &mut Harness<'_, App>) {
    use egui_kittest::kittest::NodeT as _;
    let labels: Vec<String> = h
        .query_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::CheckBox))
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    for label in labels {
        if h.get_by_label(&label).accesskit_node().toggled() != Some(egui::accesskit::Toggled::True)
        {
            click(h, &label);
        }
    }
}
