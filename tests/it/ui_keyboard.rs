//! Keyboard only: every wizard and both ways of deleting, done with Tab, Shift+Tab, Space,
//! Enter, Esc and typed text — no clicks. Each step puts the focus in its first field, and a
//! refused step puts it in the first field that is wrong.

use crate::support;

use egui::Key;
use egui::accesskit::{NodeId, Role, Toggled};
use egui_kittest::kittest::{NodeT as _, Queryable as _, by};
use klyuchnik::model::Connection;
use support::ui::{Opened, app, harness, real_keyring, settle, shows, wait_for};

type H = egui_kittest::Harness<'static, klyuchnik::ui::App>;

/// The control with the keyboard focus: its id, role and name.
#[allow(clippy::redundant_closure_for_method_calls)] // the method's lifetime is too narrow
fn focused(h: &H) -> Option<(NodeId, Role, String)> {
    h.query_all(by().predicate(|n| n.is_focused()))
        .map(|n| {
            let n = n.accesskit_node();
            (n.locate().0, n.role(), n.label().unwrap_or_default())
        })
        .next()
}

fn focused_name(h: &H) -> String {
    focused(h).map(|(_, _, name)| name).unwrap_or_default()
}

fn press(h: &mut H, key: Key) {
    h.key_press(key);
    settle(h);
}

/// Presses Tab until the `nth` control named `name` has the focus.
fn tab_to_nth(h: &mut H, name: &str, nth: usize) {
    let target = h
        .query_all_by_label(name)
        .filter(|n| n.accesskit_node().role() != Role::Label)
        .nth(nth)
        .unwrap_or_else(|| panic!("no control «{name}» #{nth}"))
        .accesskit_node()
        .locate()
        .0;
    for _ in 0..80 {
        if focused(h).is_some_and(|(id, _, _)| id == target) {
            return;
        }
        press(h, Key::Tab);
    }
    panic!(
        "Tab never reached «{name}» (focus is on «{}»)",
        focused_name(h)
    );
}

fn tab_to(h: &mut H, name: &str) {
    tab_to_nth(h, name, 0);
}

/// Typing on the keyboard into the focused field (after clearing it with Backspace).
fn type_here(h: &mut H, text: &str) {
    for _ in 0..80 {
        h.key_press(Key::Backspace);
    }
    h.event(egui::Event::Text(text.to_owned()));
    settle(h);
}

fn activate(h: &mut H, name: &str) {
    tab_to(h, name);
    press(h, Key::Enter);
}

/// Ticks every confirmation on the page with Tab and Space.
fn tick_all(h: &mut H) {
    loop {
        let unticked = h
            .query_all(
                by().predicate(|n| {
                    n.role() == Role::CheckBox && n.toggled() != Some(Toggled::True)
                }),
            )
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .next();
        let Some(name) = unticked else { return };
        tab_to(h, &name);
        press(h, Key::Space);
    }
}

/// Opens the drop-down with Space, moves into it with Tab, picks `option` with Enter.
fn choose(h: &mut H, combo: &str, option: &str) {
    choose_nth(h, combo, 0, option);
}

fn choose_nth(h: &mut H, combo: &str, nth: usize, option: &str) {
    tab_to_nth(h, combo, nth);
    press(h, Key::Space);
    for _ in 0..10 {
        if focused_name(h) == option {
            break;
        }
        press(h, Key::Tab);
    }
    assert_eq!(
        focused_name(h),
        option,
        "the list of «{combo}» takes the focus"
    );
    press(h, Key::Enter);
}

fn step_is(h: &H, n: usize, of: usize) {
    assert!(
        shows(h, &format!("Шаг {n} из {of}")),
        "expected step {n} of {of}"
    );
}

/// The page's first field has the focus as soon as the step opens.
fn focus_starts_on(h: &H, field: &str) {
    assert_eq!(focused_name(h), field, "focus at the start of the step");
}

fn next(h: &mut H) {
    activate(h, "Далее");
}

fn start(h: &mut H, flow: &str) {
    activate(h, "Новое подключение");
    activate(h, flow);
}

fn saved(h: &mut H, name: &str) -> Connection {
    settle(h);
    let problems: Vec<String> = h
        .query_all(by().predicate(|n| {
            n.value().is_some_and(|v| v.starts_with('⚠')) && n.role() == Role::Label
        }))
        .map(|n| n.accesskit_node().value().unwrap_or_default())
        .collect();
    assert!(
        shows(h, "К списку подключений") || problems.is_empty(),
        "not saved: {problems:?}"
    );
    wait_for(h, "the connection saved", |h| {
        shows(h, "К списку подключений")
    });
    let c = h
        .state()
        .store()
        .unwrap()
        .snapshot()
        .iter()
        .find(|c| c.name == name)
        .cloned();
    activate(h, "К списку подключений");
    assert!(shows(h, "Подключения"));
    c.unwrap_or_else(|| panic!("«{name}» saved"))
}

fn date_in(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days))
        .format("%d.%m.%Y")
        .to_string()
}

#[test]
fn eis_token_by_keyboard_with_focus_on_the_wrong_field() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    for n in 1..=3 {
        step_is(&h, n, 5);
        tick_all(&mut h);
        next(&mut h);
    }
    step_is(&h, 4, 5);
    focus_starts_on(&h, "Идентификатор *");
    type_here(&mut h, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    tab_to(&mut h, "Срок действия *");
    type_here(&mut h, "31.02.2020");
    // Enter in the field asks for the next step; the wrong date keeps the step and the focus
    // goes to it, with the message as its description.
    press(&mut h, Key::Enter);
    settle(&mut h);
    step_is(&h, 4, 5);
    assert_eq!(focused_name(&h), "Срок действия *");
    let described = h
        .get_by_label("Срок действия *")
        .accesskit_node()
        .description()
        .unwrap_or_default();
    assert!(
        !described.is_empty(),
        "the error is the field's description"
    );
    // Shift+Tab goes back to the first field and Tab forward again: order is the page's.
    for _ in 0..4 {
        if focused_name(&h) == "Идентификатор *" {
            break;
        }
        h.key_press_modifiers(egui::Modifiers::SHIFT, Key::Tab);
        settle(&mut h);
    }
    assert_eq!(focused_name(&h), "Идентификатор *", "Shift+Tab goes back");
    tab_to(&mut h, "Срок действия *");
    type_here(&mut h, &date_in(90));
    press(&mut h, Key::Enter);
    step_is(&h, 5, 5);
    tick_all(&mut h);
    tab_to(&mut h, "Название подключения в Ключнике *");
    type_here(&mut h, "ЕИС — с клавиатуры");
    activate(&mut h, "Сохранить подключение");
    let c = saved(&mut h, "ЕИС — с клавиатуры");
    assert!(c.expires.is_some());
}

#[test]
fn eis_bft_by_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "ЕИС → БФТ.Закупки: учётные записи для интеграции");
    for n in 1..=3 {
        step_is(&h, n, 10);
        tick_all(&mut h);
        next(&mut h);
    }
    focus_starts_on(&h, "Логин *");
    type_here(&mut h, "bft_integration");
    tab_to(&mut h, "Пароль *");
    type_here(&mut h, "Gen3rated!pw");
    next(&mut h);
    wait_for(&mut h, "the early save", |h| shows(h, "Шаг 5 из 10"));
    for _ in 5..=7 {
        tick_all(&mut h);
        next(&mut h);
    }
    step_is(&h, 8, 10);
    choose(&mut h, "Тип учетной записи *", "Организационная");
    // A screen reader hears the chosen entry and that the field is required.
    let combo = h
        .query_all_by_label("Тип учетной записи *")
        .find(|n| n.accesskit_node().role() == Role::ComboBox)
        .unwrap();
    assert_eq!(
        combo.accesskit_node().value().as_deref(),
        Some("Организационная")
    );
    assert!(combo.accesskit_node().is_required());
    tab_to(&mut h, "Организация *");
    type_here(&mut h, "МБУ «Школа № 5»");
    next(&mut h);
    tick_all(&mut h);
    next(&mut h);
    step_is(&h, 10, 10);
    tick_all(&mut h);
    tab_to(&mut h, "Название подключения в Ключнике *");
    type_here(&mut h, "БФТ — с клавиатуры");
    activate(&mut h, "Сохранить подключение");
    let c = saved(&mut h, "БФТ — с клавиатуры");
    assert_eq!(&c.fields["account_type"], "Организационная");
}

#[test]
fn elma365_by_keyboard_then_its_removal_wizard() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "ELMA365: токен для интеграции");
    tick_all(&mut h);
    next(&mut h);
    focus_starts_on(&h, "Адрес компании в ELMA365 *");
    type_here(&mut h, "https://klaviatura.elma365.ru");
    next(&mut h);
    focus_starts_on(&h, "Пользователь *");
    type_here(&mut h, "Интеграция 1С");
    tab_to(&mut h, "Название *");
    type_here(&mut h, "Обмен с 1С");
    next(&mut h);
    focus_starts_on(&h, "Токен *");
    type_here(&mut h, "0f8fad5b-d9cb-469f-a165-70867728950e");
    next(&mut h);
    tab_to(&mut h, "Название подключения в Ключнике *");
    type_here(&mut h, "ELMA365 — с клавиатуры");
    activate(&mut h, "Сохранить подключение");
    let c = saved(&mut h, "ELMA365 — с клавиатуры");

    // The removal wizard from the row's button.
    activate(&mut h, "Удалить токен");
    tick_all(&mut h);
    next(&mut h);
    tick_all(&mut h);
    activate(&mut h, "Удалить из Ключника");
    wait_for(&mut h, "the removal", |h| {
        h.state().store().unwrap().get(&c.id).is_none()
    });
}

#[test]
fn vision_ellcom_by_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "Vision Ellcom → WB Point: ПВЗ");
    focus_starts_on(&h, "Название ПВЗ *");
    type_here(&mut h, "ПВЗ на Лесной, 5");
    tab_to(&mut h, "Код ПВЗ");
    type_here(&mut h, "101");
    tab_to(&mut h, "E-mail субпользователя (логин) *");
    type_here(&mut h, "pvz-101@example.ru");
    next(&mut h);
    tab_to_nth(&mut h, "Камеры ПВЗ", 0);
    type_here(&mut h, "Касса");
    tick_all(&mut h);
    next(&mut h);
    tick_all(&mut h);
    tab_to(&mut h, "Далее");
    h.key_press(Key::Enter);
    for _ in 0..4 {
        h.step();
        eprintln!("focus: {}", focused_name(&h));
    }
    focus_starts_on(&h, "API-токен *");
    type_here(&mut h, "vision-token-0123456789abcdef");
    activate(&mut h, "Сохранить подключение");
    let c = saved(&mut h, "ПВЗ на Лесной, 5");
    assert_eq!(&c.fields["email"], "pvz-101@example.ru");
}

#[test]
fn ivideon_by_keyboard() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "Ivideon → PASS24.online: камеры клиента");
    focus_starts_on(&h, "Клиент или объект *");
    type_here(&mut h, "ЖК «Сосны»");
    tab_to(&mut h, "Логин *");
    type_here(&mut h, "integration@example.ru");
    tab_to(&mut h, "Пароль *");
    type_here(&mut h, "s3cret-Pa55");
    tick_all(&mut h);
    next(&mut h);
    focus_starts_on(&h, "Номер аккаунта *");
    type_here(&mut h, "123456");
    next(&mut h);
    tick_all(&mut h);
    next(&mut h);
    focus_starts_on(&h, "E-mail клиента");
    type_here(&mut h, "client@example.ru");
    tick_all(&mut h);
    next(&mut h);
    tab_to_nth(&mut h, "Камеры и их направление *", 0);
    type_here(&mut h, "100-a1B2c3D4e5F6g7H8i9J0kL:0");
    tab_to_nth(&mut h, "Камеры и их направление *", 1);
    type_here(&mut h, "Въезд");
    choose_nth(
        &mut h,
        "Камеры и их направление *",
        2,
        "forward — камера на въезд",
    );
    activate(&mut h, "Сохранить подключение");
    saved(&mut h, "ЖК «Сосны»");
}

#[test]
fn plain_delete_by_keyboard_and_esc_keeps_it() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    start(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    // Esc leaves a wizard that has nothing typed in it.
    press(&mut h, Key::Escape);
    assert!(shows(&h, "Подключения"));
    start(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    for _ in 1..=3 {
        tick_all(&mut h);
        next(&mut h);
    }
    type_here(&mut h, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    tab_to(&mut h, "Срок действия *");
    type_here(&mut h, &date_in(90));
    next(&mut h);
    tick_all(&mut h);
    tab_to(&mut h, "Название подключения в Ключнике *");
    type_here(&mut h, "Удаляемое");
    activate(&mut h, "Сохранить подключение");
    let c = saved(&mut h, "Удаляемое");

    activate(&mut h, "Удалить");
    assert!(shows(&h, "Удалить подключение?"));
    press(&mut h, Key::Escape);
    assert!(
        !shows(&h, "Удалить подключение?"),
        "Esc closes the question"
    );
    assert!(h.state().store().unwrap().get(&c.id).is_some());
    activate(&mut h, "Удалить");
    // In the question, the first «Удалить» under the modal is the one that confirms.
    let confirm = h
        .query_all_by_label("Удалить")
        .filter(|n| n.accesskit_node().role() == Role::Button)
        .count();
    tab_to_nth(&mut h, "Удалить", confirm - 1);
    press(&mut h, Key::Enter);
    wait_for(&mut h, "the removal", |h| {
        h.state().store().unwrap().get(&c.id).is_none()
    });
}

/// The card with the keyboard only: Tab to a name and Enter opens it, Tab and Enter show the
/// secret, «Изменить» corrects a value typed on the keyboard, Esc goes back to the list.
#[test]
fn the_card_with_the_keyboard_only() {
    let home = tempfile::tempdir().unwrap();
    let (store, _) = klyuchnik::store::Store::open(&home.path().join("connections.json"));
    let keyring = real_keyring();
    let c = Connection {
        fields: klyuchnik::model::Fields::from_iter([
            ("address", "https://sklad.elma365.ru"),
            ("user", "Интеграция"),
            ("token_name", "Склад"),
            ("name", "ELMA365 — клавиатура"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", "ELMA365 — клавиатура")
    };
    klyuchnik::ops::save::save(
        &klyuchnik::ops::Local::new(store, keyring.clone()),
        c.clone(),
        &std::collections::BTreeMap::from([(
            "token".to_owned(),
            klyuchnik::model::Secret::new(support::TOKEN),
        )]),
    )
    .unwrap();
    let mut h = harness(app(home.path(), keyring.clone(), &Opened::default()));
    activate(&mut h, "ELMA365 — клавиатура");
    assert!(shows(&h, "Что сохранено"));
    activate(&mut h, "Показать «Токен»");
    wait_for(&mut h, "the token shown", |h| shows(h, support::TOKEN));
    activate(&mut h, "Изменить");
    tab_to(&mut h, "Пользователь");
    type_here(&mut h, "Интеграция склада");
    activate(&mut h, "Сохранить изменения");
    wait_for(&mut h, "saved", |h| shows(h, "Изменения сохранены."));
    assert!(shows(&h, "Интеграция склада"));
    press(&mut h, Key::Escape);
    assert!(shows(&h, "Новое подключение"));
    let _ = keyring.delete_secret(&c.id, "token");
}
