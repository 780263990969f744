//! What a screen reader meets: a named window, Russian names only, a wizard page read in
//! order (title, text, fields, navigation, then the list of steps), and text that grows with
//! Ctrl + and with the system's text size.

use crate::support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _, by};
use klyuchnik::flow::Catalog;
use klyuchnik::flow::draft::Draft;
use klyuchnik::ui::kit::theme;
use support::ui::{Opened, app, click, harness, real_keyring, settle, shows};

type H = egui_kittest::Harness<'static, klyuchnik::ui::App>;

/// Names of systems and formats, written as their owners write them, and the exact values a
/// user types or finds in a target system (the PASS24.online columns, an example address).
const PROPER: [&str; 24] = [
    "ELMA",
    "ELMA365",
    "Vision",
    "Ellcom",
    "WB",
    "Point",
    "Ivideon",
    "PASS24",
    "online",
    "API",
    "URL",
    "SQL",
    "CSV",
    "ID",
    "mail",
    "HTTPS",
    "UUID",
    "Secret",
    "Service",
    "Linux",
    "direction",
    "forward",
    "reverse",
    "acme",
];

/// Latin words in the names, descriptions and values of every node, less proper names,
/// addresses, paths and e-mails (which are data, not labels).
fn english(h: &H) -> Vec<String> {
    let mut found = Vec::new();
    for node in h.query_all(by()) {
        let n = node.accesskit_node();
        for text in [n.label(), n.description(), n.value()]
            .into_iter()
            .flatten()
        {
            for token in text.split_whitespace() {
                if token.contains(['/', '@', '.', '\\', '_', ':']) && token.len() > 3 {
                    continue; // an address, a path, an e-mail, a file name
                }
                for word in token
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
                {
                    if !PROPER.contains(&word) {
                        found.push(format!("«{word}» in «{text}» ({:?})", n.role()));
                    }
                }
            }
        }
    }
    found
}

fn window_name(h: &H) -> String {
    h.root().accesskit_node().label().unwrap_or_default()
}

#[test]
fn the_window_is_named_and_speaks_russian_on_every_screen() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    let mut found = Vec::new();
    assert_eq!(window_name(&h), "Ключник");
    found.extend(english(&h));
    click(&mut h, "Настройки");
    found.extend(english(&h));
    click(&mut h, "Закрыть");
    click(&mut h, "Новое подключение");
    found.extend(english(&h));
    let catalog = Catalog::embedded().unwrap();
    for flow in catalog.creators() {
        for step in 0..flow.steps.len() {
            let dir = tempfile::tempdir().unwrap();
            let mut draft = Draft::starting_at(flow, None, 0);
            draft.step = step;
            std::fs::write(
                klyuchnik::store::Home::new(dir.path()).draft_file(),
                serde_json::to_vec(&draft).unwrap(),
            )
            .unwrap();
            let h = harness(app(dir.path(), real_keyring(), &Opened::default()));
            assert!(h.state().draft().is_some());
            assert_eq!(window_name(&h), "Ключник", "{} step {step}", flow.id);
            found.extend(english(&h).into_iter().map(|f| format!("{}: {f}", flow.id)));
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "English in the tree:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_wizard_page_reads_title_text_fields_then_navigation_then_steps() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "Новое подключение");
    click(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    for _ in 0..3 {
        for name in h
            .query_all(by().role(Role::CheckBox))
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .collect::<Vec<_>>()
        {
            click(&mut h, &name);
        }
        click(&mut h, "Далее");
    }
    assert!(shows(&h, "Шаг 4 из 5"));
    let order: Vec<(Role, String)> = h
        .query_all(by())
        .map(|n| {
            let n = n.accesskit_node();
            // A label's text is its value in AccessKit.
            (
                n.role(),
                n.label().or_else(|| n.value()).unwrap_or_default(),
            )
        })
        .collect();
    let at = |pred: &dyn Fn(&(Role, String)) -> bool, what: &str| {
        order
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("{what} not in the tree: {order:#?}"))
    };
    let flow_title = at(
        &|(_, l)| l == "ЕИС → РИС: токен сервисов отдачи",
        "flow title",
    );
    let title = at(
        &|(_, l)| l.starts_with("Разрешите использование сервисов отдачи"),
        "step title",
    );
    let field = at(
        &|(r, l)| *r != Role::Label && l == "Идентификатор *",
        "field",
    );
    let second = at(
        &|(r, l)| *r != Role::Label && l == "Срок действия *",
        "second field",
    );
    let next = at(&|(r, l)| *r == Role::Button && l == "Далее", "Далее");
    let cancel = at(&|(r, l)| *r == Role::Button && l == "Отмена", "Отмена");
    let back = at(&|(r, l)| *r == Role::Button && l == "Назад", "Назад");
    let list = at(&|(_, l)| l.starts_with("✔ 1."), "step list");
    assert!(
        flow_title < title && title < field && field < second && second < next,
        "title → fields → navigation: {order:#?}"
    );
    assert!(
        second < cancel && cancel < back && back < next,
        "navigation as seen, left to right"
    );
    assert!(next < list, "the step list comes last");
    assert!(
        !h.query_all_by_label("Resize panel").any(|_| true),
        "no English splitter"
    );
}

#[test]
fn ctrl_plus_zooms_and_the_zoom_is_kept_with_the_window_state() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-3);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    settle(&mut h);
    let zoomed = h.ctx.zoom_factor();
    assert!(zoomed > 1.15, "Ctrl + zooms in: {zoomed}");
    // eframe keeps egui's memory (with the zoom) in its storage as RON between runs.
    let kept = ron::to_string(&h.ctx.memory(Clone::clone)).unwrap();
    let restored: egui::Memory = ron::from_str(&kept).unwrap();
    assert!((restored.options.zoom_factor - zoomed).abs() < 1e-3);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    settle(&mut h);
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-3, "Ctrl 0 resets");
}

#[test]
fn the_system_text_size_scales_every_text_style() {
    let ctx = egui::Context::default();
    theme::apply_scaled(&ctx, 1.5);
    let style = ctx.style_of(egui::Theme::Light);
    let body = egui::TextStyle::Body.resolve(&style).size;
    assert!((body - theme::BODY * 1.5).abs() < 1e-3, "body {body}");
    let small = egui::TextStyle::Small.resolve(&style).size;
    assert!((small - theme::SMALL * 1.5).abs() < 1e-3, "small {small}");
    assert!((klyuchnik::platform::window::clamp_text_scale(1.25) - 1.25).abs() < 1e-6);
    assert!(
        (klyuchnik::platform::window::clamp_text_scale(7.0) - 1.0).abs() < 1e-6,
        "nonsense ignored"
    );
}
