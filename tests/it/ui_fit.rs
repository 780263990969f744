//! Every screen fits a cheap office screen: 1366×768 at Windows' 125 % (1093×614 points),
//! 1024×600 at 100 %, and 1366×768 at 150 % (911×512 points, Ctrl + zoom or Windows scale).
//! No control leaves the window or is cut at its side, controls do not overlap, and one hidden
//! below the fold comes into view when scrolled to (what a screen reader asks for).

use crate::support;

use std::collections::HashMap;

use chrono::{Duration, Local, Utc};
use egui::accesskit::{NodeId, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _, by};
use klyuchnik::flow::Catalog;
use klyuchnik::flow::draft::Draft;
use klyuchnik::model::Connection;
use klyuchnik::model::{CheckRecord, OutcomeKind};
use klyuchnik::store::Home;
use klyuchnik::ui::App;
use klyuchnik::ui::kit::theme;
use support::ui::{Opened, app, real_keyring};

struct Screen {
    name: &'static str,
    size: egui::Vec2,
    pixels_per_point: f32,
    /// Windows' «Размер текста» on top of the display scale.
    text_scale: f32,
}

const SCREENS: [Screen; 4] = [
    Screen {
        name: "1366×768 @125 %",
        size: egui::vec2(1093.0, 614.0),
        pixels_per_point: 1.25,
        text_scale: 1.0,
    },
    Screen {
        name: "1024×600 @100 %",
        size: egui::vec2(1024.0, 600.0),
        pixels_per_point: 1.0,
        text_scale: 1.0,
    },
    // The window's minimum size: 1366×768 at 150 % (911×512 points) less a taskbar.
    Screen {
        name: "наименьшее окно @150 %",
        size: theme::MIN_WINDOW_SIZE,
        pixels_per_point: 1.5,
        text_scale: 1.0,
    },
    Screen {
        name: "1366×768 @125 %, текст 150 %",
        size: egui::vec2(1093.0, 614.0),
        pixels_per_point: 1.25,
        text_scale: 1.5,
    },
];

const INTERACTIVE: [Role; 12] = [
    Role::Button,
    Role::CheckBox,
    Role::RadioButton,
    Role::TextInput,
    Role::MultilineTextInput,
    Role::PasswordInput,
    Role::ComboBox,
    Role::Link,
    Role::SpinButton,
    Role::Slider,
    Role::DateInput,
    Role::Splitter,
];

fn harness_at(app: App, screen: &Screen) -> Harness<'static, App> {
    let mut h = Harness::builder()
        .with_size(screen.size)
        .with_pixels_per_point(screen.pixels_per_point)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run_steps(3);
    if (screen.text_scale - 1.0).abs() > f32::EPSILON {
        theme::apply_scaled(&h.ctx, screen.text_scale);
        h.run_steps(3);
    }
    h
}

/// The interactive widgets on screen: accessible name and egui's rectangles for each.
fn controls(h: &Harness<'_, App>) -> Vec<(NodeId, String, egui::WidgetRect)> {
    let nodes: HashMap<NodeId, String> = h
        .query_all(by().predicate(|n| INTERACTIVE.contains(&n.role())))
        .map(|n| {
            let node = n.accesskit_node();
            let name = node.label().or_else(|| node.value()).unwrap_or_default();
            (node.locate().0, name)
        })
        .collect();
    h.ctx.viewport(|vp| {
        let widgets = &vp.this_pass.widgets;
        widgets
            .layer_ids()
            .flat_map(|layer| widgets.get_layer(layer).copied().collect::<Vec<_>>())
            .filter(|w| w.visible && w.sense.interactive())
            .filter_map(|w| {
                let id = w.id.accesskit_id();
                nodes.get(&id).map(|name| (id, name.clone(), w))
            })
            .collect()
    })
}

/// What does not fit on this screen, in words.
fn misfits(h: &mut Harness<'_, App>, what: &str, screen: &Screen) -> Vec<String> {
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, screen.size).expand(0.5);
    let mut found = Vec::new();
    let shown = controls(h);
    assert!(!shown.is_empty(), "{what}: no controls found");
    let mut clipped = Vec::new();
    for (id, name, w) in &shown {
        if w.rect.min.x < window.min.x || w.rect.max.x > window.max.x {
            found.push(format!(
                "{what} ({}): «{name}» leaves the window: {:?}",
                screen.name, w.rect
            ));
        } else if w.interact_rect.width() > 0.0 && w.interact_rect.width() + 0.5 < w.rect.width() {
            found.push(format!(
                "{what} ({}): «{name}» is cut at its side: {:?} of {:?}",
                screen.name, w.interact_rect, w.rect
            ));
        } else if w.interact_rect.height() + 0.5 < w.rect.height() || !window.contains_rect(w.rect)
        {
            clipped.push((*id, name.clone()));
        }
    }
    for (a, (_, name_a, wa)) in shown.iter().enumerate() {
        for (_, name_b, wb) in &shown[a + 1..] {
            let overlap = wa.interact_rect.intersect(wb.interact_rect);
            if wa.layer_id == wb.layer_id
                && overlap.is_positive()
                && overlap.area() > 1.0
                && !nested(h, wa, wb)
            {
                found.push(format!(
                    "{what} ({}): «{name_a}» and «{name_b}» overlap: {:?} / {:?}",
                    screen.name, wa.rect, wb.rect
                ));
            }
        }
    }
    // Below the fold is fine when scrolling brings it into view.
    for (id, name) in clipped {
        let Some(node) = h
            .query_all(by().predicate(move |n| n.locate().0 == id))
            .next()
        else {
            continue;
        };
        node.scroll_to_me();
        // The scroll animates over a few frames.
        let mut now = None;
        for _ in 0..10 {
            h.step();
            now = controls(h).into_iter().find(|(i, _, _)| *i == id);
            if now.as_ref().is_some_and(|(_, _, w)| {
                window.contains_rect(w.rect) && w.interact_rect.height() + 0.5 >= w.rect.height()
            }) {
                break;
            }
        }
        match now {
            Some((_, _, w))
                if window.contains_rect(w.rect)
                    && w.interact_rect.height() + 0.5 >= w.rect.height() => {}
            other => found.push(format!(
                "{what} ({}): «{name}» cannot be scrolled into view: {:?}",
                screen.name,
                other.map(|(_, _, w)| (w.rect, w.interact_rect))
            )),
        }
    }
    found
}

/// A widget inside another (a combo box's button in its frame) is not an overlap.
fn nested(h: &Harness<'_, App>, a: &egui::WidgetRect, b: &egui::WidgetRect) -> bool {
    h.ctx.viewport(|vp| {
        let widgets = &vp.this_pass.widgets;
        let is_under = |mut w: egui::Id, ancestor: egui::Id| {
            for _ in 0..64 {
                if w == ancestor {
                    return true;
                }
                match widgets.get(w) {
                    Some(r) if r.parent_id != w => w = r.parent_id,
                    _ => return false,
                }
            }
            false
        };
        is_under(a.id, b.id) || is_under(b.id, a.id)
    })
}

fn long_named(i: usize, flow: &str, system: &str) -> Connection {
    Connection {
        expires: Some(Local::now().date_naive() + Duration::days(i64::try_from(i % 60).unwrap())),
        last_check: i.is_multiple_of(3).then(|| CheckRecord {
            at: Utc::now(),
            kind: if i.is_multiple_of(2) {
                OutcomeKind::NoSecret
            } else {
                OutcomeKind::Rejected
            },
            detail: Some("Сервер ответил 401".to_owned()),
        }),
        // At the hand-over for the Vision ones: the card shows the message for the employee.
        pending_step: (i % 5 == 1).then_some(2),
        tables: if flow == "ivideon-pass24" {
            let cam = |n: usize, dir: &str| {
                std::collections::BTreeMap::from([
                    (
                        "camera_id".to_owned(),
                        format!("100-AbCdEfGhIjKlMnOpQrSt12:{n}"),
                    ),
                    (
                        "name".to_owned(),
                        format!("Камера на въезде со стороны улицы Героев-Североморцев {n}"),
                    ),
                    ("direction".to_owned(), dir.to_owned()),
                ])
            };
            std::collections::BTreeMap::from([(
                "cameras".to_owned(),
                vec![cam(0, "forward"), cam(1, "reverse")],
            )])
        } else {
            std::collections::BTreeMap::new()
        },
        ..Connection::new(
            flow,
            system,
            format!(
                "{system} — пункт выдачи заказов на улице Героев-Североморцев, дом {i}, корпус 2"
            ),
        )
    }
}

fn seed(home: &std::path::Path, n: usize) -> Vec<Connection> {
    let kinds = [
        ("elma365", "ELMA365"),
        ("vision-ellcom", "Vision Ellcom → WB Point"),
        ("eis-token", "ЕИС → РИС"),
        ("ivideon-pass24", "Ivideon → PASS24.online"),
        ("eis-bft", "ЕИС → БФТ.Закупки"),
    ];
    let list: Vec<Connection> = (0..n)
        .map(|i| {
            let (flow, system) = kinds[i % kinds.len()];
            long_named(i, flow, system)
        })
        .collect();
    support::seed(home, &list);
    list
}

fn fresh_app(home: &std::path::Path) -> App {
    app(home, real_keyring(), &Opened::default())
}

#[test]
fn home_screens_fit() {
    let mut found = Vec::new();
    for screen in &SCREENS {
        let empty = tempfile::tempdir().unwrap();
        let mut h = harness_at(fresh_app(empty.path()), screen);
        found.extend(misfits(&mut h, "пустой список", screen));

        let dir = tempfile::tempdir().unwrap();
        seed(dir.path(), 300);
        let mut h = harness_at(fresh_app(dir.path()), screen);
        assert!(
            h.state().notices().len() >= 2,
            "the keyring and expiry notices are part of the picture"
        );
        found.extend(misfits(&mut h, "список подключений", screen));

        // Only connections without a removal wizard of their own have the plain «Удалить».
        support::ui::type_into(&mut h, "Поиск:", "БФТ");
        h.query_all_by_label("Удалить")
            .next()
            .unwrap()
            .scroll_to_me();
        h.run_steps(6);
        h.query_all_by_label("Удалить").next().unwrap().focus();
        h.run_steps(2);
        h.key_press(egui::Key::Enter);
        h.run_steps(3);
        assert!(support::ui::shows(&h, "Удалить подключение?"));
        found.extend(misfits(&mut h, "вопрос об удалении", screen));
        h.key_press(egui::Key::Escape);
        h.run_steps(3);

        h.get_by_label("Настройки").click();
        h.run_steps(3);
        found.extend(misfits(&mut h, "о программе", screen));
        h.key_press(egui::Key::Escape);
        h.run_steps(3);

        // A connection's card, and its «Изменить» (the longest names of the seeded list).
        support::ui::type_into(&mut h, "Поиск:", "ЕИС → РИС");
        let name = h
            .query_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::Button))
            .find(|n| {
                n.accesskit_node().description().as_deref() == Some("Открыть карточку подключения")
            })
            .and_then(|n| n.accesskit_node().label())
            .unwrap();
        support::ui::click(&mut h, &name);
        assert!(
            support::ui::shows(&h, "Что сохранено"),
            "{name}: the card is open"
        );
        found.extend(misfits(&mut h, "карточка подключения", screen));
        support::ui::click(&mut h, "Изменить");
        found.extend(misfits(&mut h, "карточка: «Изменить»", screen));
        h.key_press(egui::Key::Escape);
        h.run_steps(3);
        h.key_press(egui::Key::Escape);
        h.run_steps(3);

        // A ПВЗ handed over (the message for the employee) and Ivideon's cameras, whose
        // directions «Изменить» opens as lists.
        for (i, system, what) in [
            (1, "Vision Ellcom → WB Point", "карточка: передача ПВЗ"),
            (3, "Ivideon → PASS24.online", "карточка: камеры Ivideon"),
        ] {
            let name = format!(
                "{system} — пункт выдачи заказов на улице Героев-Североморцев, дом {i}, корпус 2"
            );
            support::ui::type_into(&mut h, "Поиск:", &format!("дом {i},"));
            support::ui::click(&mut h, &name);
            assert!(support::ui::shows(&h, "Что сохранено"), "{name}");
            found.extend(misfits(&mut h, what, screen));
            if i == 3 {
                support::ui::click(&mut h, "Изменить");
                found.extend(misfits(&mut h, "карточка Ivideon: «Изменить»", screen));
            }
            h.key_press(egui::Key::Escape);
            h.run_steps(3);
            h.key_press(egui::Key::Escape);
            h.run_steps(3);
        }

        h.get_by_label("Новое подключение").click();
        h.run_steps(3);
        found.extend(misfits(&mut h, "выбор мастера", screen));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_wizard_step_fits() {
    let catalog = Catalog::embedded().unwrap();
    let ids = [
        "elma365",
        "elma365-delete",
        "vision-ellcom",
        "eis-token",
        "eis-bft",
        "ivideon-pass24",
    ];
    let mut found = Vec::new();
    for screen in &SCREENS {
        for id in ids {
            let flow = catalog.get(id).unwrap();
            for step in 0..flow.steps.len() {
                let dir = tempfile::tempdir().unwrap();
                let list = seed(dir.path(), 5);
                let target = (id == "elma365-delete").then(|| list[0].clone());
                let mut draft = Draft::starting_at(flow, target.as_ref(), 0);
                draft.step = step;
                let home = Home::new(dir.path());
                std::fs::write(home.draft_file(), serde_json::to_vec(&draft).unwrap()).unwrap();
                let mut h = harness_at(fresh_app(dir.path()), screen);
                assert!(h.state().draft().is_some(), "{id}: the wizard resumed");
                let what = format!("{id}, шаг {}", step + 1);
                found.extend(misfits(&mut h, &what, screen));
                // The same step with what is missing flagged (Enter asks for the next step).
                if h.query_all_by_label("Далее").next().is_some() {
                    h.get_by_label("Далее").click();
                    h.run_steps(3);
                    found.extend(misfits(&mut h, &format!("{what}, с ошибками"), screen));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The wizard resumed on `step` of `flow` in a window of `screen`'s size.
fn wizard_at(
    home: &std::path::Path,
    flow: &str,
    step: usize,
    screen: &Screen,
) -> Harness<'static, App> {
    let catalog = Catalog::embedded().unwrap();
    let flow = catalog.get(flow).unwrap();
    let mut draft = Draft::starting_at(flow, None, 0);
    draft.step = step;
    std::fs::write(
        Home::new(home).draft_file(),
        serde_json::to_vec(&draft).unwrap(),
    )
    .unwrap();
    harness_at(fresh_app(home), screen)
}

/// Where a control named `label` is, and whether all of it is inside the window.
fn in_view(h: &Harness<'_, App>, label: &str, screen: &Screen) -> bool {
    let node = h
        .query_all(by().predicate(|n| {
            n.label().is_some_and(|l| l == label) || n.value().is_some_and(|v| v == label)
        }))
        .next()
        .unwrap_or_else(|| panic!("no «{label}» on the page"));
    let rect = node.rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, screen.size);
    window.contains_rect(rect)
}

/// A refused step says what is left beside the buttons and brings the unticked confirmation
/// into view with the keyboard on it; Tab into a field below the fold scrolls it into view; a
/// step opens at its top.
#[test]
fn what_is_wrong_comes_into_view() {
    let screen = &SCREENS[1]; // 1024×600: the confirmation is below the fold
    let dir = tempfile::tempdir().unwrap();
    let mut h = wizard_at(dir.path(), "ivideon-pass24", 0, screen);
    let tick = "Сотрудник для интеграции создан в системе клиента";
    assert!(in_view(
        &h,
        "Выполняет: Сотрудник техподдержки PASS24.online",
        screen
    ));
    assert!(
        !in_view(&h, tick, screen),
        "the test needs it below the fold"
    );
    support::ui::type_into(&mut h, "Клиент или объект *", "ЖК Северный");
    support::ui::type_into(&mut h, "Пароль *", "секрет");
    support::ui::click(&mut h, "Далее");
    h.run_steps(4);
    assert!(support::ui::shows(&h, "Осталось отметить 1 пункт ниже ↓"));
    assert!(
        in_view(&h, tick, screen),
        "scrolled to the unticked confirmation"
    );
    assert!(h.get_by_label(tick).accesskit_node().is_focused());

    // A new step opens at its top, even after the last one was scrolled down.
    support::ui::click(&mut h, tick);
    support::ui::click(&mut h, "Далее");
    h.run_steps(3);
    assert!(support::ui::shows(&h, "Шаг 2 из 5"));
    assert!(
        in_view(
            &h,
            "Выполняет: Сотрудник техподдержки PASS24.online",
            screen
        ),
        "step 2 at its top"
    );

    // Tab from the top of step 1 down to the confirmation brings it into view.
    let dir = tempfile::tempdir().unwrap();
    let mut h = wizard_at(dir.path(), "ivideon-pass24", 0, screen);
    for _ in 0..12 {
        if h.get_by_label(tick).accesskit_node().is_focused() {
            break;
        }
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
    }
    assert!(h.get_by_label(tick).accesskit_node().is_focused());
    assert!(in_view(&h, tick, screen), "Tab scrolled it into view");
}

/// A finish page opens at its top and its way back is in view without scrolling, at every
/// screen size.
#[test]
fn a_finish_page_has_its_way_back_in_view() {
    for screen in &SCREENS {
        let dir = tempfile::tempdir().unwrap();
        let expires = (Local::now().date_naive() + Duration::days(400))
            .format("%d.%m.%Y")
            .to_string();
        let catalog = Catalog::embedded().unwrap();
        let flow = catalog.get("eis-token").unwrap();
        let mut draft = Draft::starting_at(flow, None, 0);
        draft.step = flow.steps.len() - 1;
        draft.values.insert("expires".into(), expires);
        for (i, step) in flow.steps.iter().enumerate() {
            for n in 0..step.confirm.len() {
                draft.confirmed.insert(Draft::confirm_key(i, n));
            }
        }
        std::fs::write(
            Home::new(dir.path()).draft_file(),
            serde_json::to_vec(&draft).unwrap(),
        )
        .unwrap();
        let mut h = harness_at(fresh_app(dir.path()), screen);
        let id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        support::ui::type_into(&mut h, "Идентификатор *", id);
        support::ui::click(&mut h, "Сохранить подключение");
        support::ui::wait_for(&mut h, "saved", |h| {
            !support::ui::shows(h, "Сохранить подключение")
        });
        h.run_steps(3);
        assert!(
            in_view(&h, "К списку подключений", screen),
            "{}",
            screen.name
        );
        let saved = h.state().store().unwrap().snapshot()[0].id.clone();
        let _ = real_keyring().delete_secret(&saved, "identifier");
    }
}

/// «Новое подключение» at 1366×768 @125 %: every card and its «Начать как» buttons are in
/// view without scrolling.
#[test]
fn the_chooser_fits_without_scrolling() {
    let screen = &SCREENS[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_at(fresh_app(dir.path()), screen);
    support::ui::click(&mut h, "Новое подключение");
    h.run_steps(3);
    let catalog = Catalog::embedded().unwrap();
    let mut labels: Vec<String> = catalog.creators().map(|f| f.title.clone()).collect();
    labels.extend(
        catalog
            .creators()
            .flat_map(|f| f.entries.iter().map(|e| e.label.clone())),
    );
    let out: Vec<&String> = labels.iter().filter(|l| !in_view(&h, l, screen)).collect();
    assert!(out.is_empty(), "below the fold: {out:?}");
}
