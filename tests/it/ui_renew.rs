//! «Обновить ключ» for the flows not covered on the card's own tests: Vision Ellcom (a new
//! API token for the same ПВЗ) and ЕИС → БФТ.Закупки (a new login and password, kept as soon
//! as they are shown — every repeated opening of the link makes a new password).

use crate::support;

use std::collections::BTreeMap;

use egui_kittest::kittest::Queryable as _;
use klyuchnik::model::{Connection, Fields, Secret};
use klyuchnik::ops::{self, Local};
use klyuchnik::store::Store;
use support::ui::{
    Opened, app, click, harness, real_keyring, shows, tick_all, type_into, wait_for,
};

/// A connection saved as its wizard saves it, with its secret in the kernel keyring.
fn saved(home: &std::path::Path, c: &Connection, field: &str, value: &str) {
    let (store, _) = Store::open(&home.join("connections.json"));
    ops::save::save(
        &Local::new(store, real_keyring()),
        c.clone(),
        &BTreeMap::from([(field.to_owned(), Secret::new(value))]),
    )
    .unwrap();
}

#[test]
fn renewing_a_vision_token_keeps_the_pvz_and_replaces_the_token() {
    let home = tempfile::tempdir().unwrap();
    let c = Connection {
        fields: Fields::from_iter([
            ("pvz_name", "ПВЗ на Лесной, 5"),
            ("pvz_code", "101"),
            ("email", "pvz-101@example.ru"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new(
            "vision-ellcom",
            "Vision Ellcom → WB Point",
            "ПВЗ на Лесной, 5",
        )
    };
    saved(home.path(), &c, "token", "old-vision-token");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ПВЗ на Лесной, 5");
    click(&mut h, "Обновить ключ");
    assert!(shows(&h, "Шаг 3 из 4"), "the employee's part again");
    assert!(
        !shows(&h, "Сохранить и продолжить позже"),
        "a renewal is not paused"
    );
    assert_eq!(
        h.get_by_label("E-mail субпользователя (логин) *")
            .value()
            .as_deref(),
        Some("pvz-101@example.ru")
    );
    tick_all(&mut h);
    click(&mut h, "Далее");
    type_into(&mut h, "API-токен *", "new-vision-token");
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    let list = h.state().store().unwrap().snapshot();
    assert_eq!(list.len(), 1, "renewed in place");
    assert_eq!(list[0].id, c.id);
    assert_eq!(list[0].fields.get("pvz_code"), Some("101"));
    assert!(list[0].changed.is_some());
    assert_eq!(
        real_keyring().get(&c.id, "token").unwrap().expose(),
        "new-vision-token"
    );
    let _ = real_keyring().delete_secret(&c.id, "token");
}

#[test]
fn renewing_bft_accounts_keeps_the_new_password_from_the_moment_it_is_shown() {
    let home = tempfile::tempdir().unwrap();
    let c = Connection {
        fields: Fields::from_iter([
            ("login", "eis-user-1"),
            ("account_type", "Организационная"),
            ("organization", "ГБУ «Школа № 1»"),
            ("name", "ЕИС → БФТ.Закупки, eis-user-1"),
        ]),
        secrets: vec!["password".to_owned()],
        ..Connection::new(
            "eis-bft",
            "ЕИС → БФТ.Закупки",
            "ЕИС → БФТ.Закупки, eis-user-1",
        )
    };
    saved(home.path(), &c, "password", "old-Pa55");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ЕИС → БФТ.Закупки, eis-user-1");
    click(&mut h, "Обновить ключ");
    assert!(shows(&h, "Шаг 2 из 10"));
    for _ in 0..3 {
        if shows(&h, "Пароль *") {
            break;
        }
        tick_all(&mut h);
        click(&mut h, "Далее");
    }
    type_into(&mut h, "Логин *", "eis-user-2");
    type_into(&mut h, "Пароль *", "new-Pa55");
    click(&mut h, "Далее");
    wait_for(&mut h, "the early save", |h| shows(h, "Шаг 5 из 10"));
    // Kept at once: the page that showed it makes a new one when opened again.
    assert_eq!(
        real_keyring().get(&c.id, "password").unwrap().expose(),
        "new-Pa55"
    );
    // Leaving now keeps the new password: the old one no longer works in ЕИС.
    click(&mut h, "Отмена");
    if shows(&h, "Прервать настройку?") {
        click(&mut h, "Прервать");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    h.run_steps(3);
    assert_eq!(
        real_keyring().get(&c.id, "password").unwrap().expose(),
        "new-Pa55"
    );
    let _ = real_keyring().delete_secret(&c.id, "password");
}
