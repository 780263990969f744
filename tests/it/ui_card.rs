//! The connection card: a row opens it; every saved value can be copied, the secret is shown
//! or copied from the keyring on request; the checks are listed with their dates; a change or
//! a removal made elsewhere shows on the open card.

use crate::support;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use egui_kittest::kittest::Queryable as _;
use klyuchnik::model::{CheckRecord, Connection, Fields, OutcomeKind, Secret};
use klyuchnik::ops::{self, Local};
use klyuchnik::store::Store;
use support::ui::{
    Opened, app, click, click_copy, clipboard_turn, harness, real_keyring, settle, shows,
    system_clipboard, wait_for,
};

const ADDRESS: &str = "https://sklad.elma365.ru";

/// An ELMA365 connection saved as the wizard saves it, its token in the kernel keyring.
fn saved(home: &std::path::Path, name: &str) -> (Store, Connection) {
    let (store, _) = Store::open(&home.join("connections.json"));
    let c = Connection {
        fields: Fields::from_iter([
            ("address", ADDRESS),
            ("user", "Интеграция 1С"),
            ("token_name", "Обмен со складом"),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", name)
    };
    let token = BTreeMap::from([("token".to_owned(), Secret::new(support::TOKEN))]);
    ops::save::save(
        &Local::new(store.clone(), real_keyring()),
        c.clone(),
        &token,
    )
    .unwrap();
    (store, c)
}

#[test]
fn a_row_opens_the_card_with_every_value_to_copy_and_the_secret_on_request() {
    let home = tempfile::tempdir().unwrap();
    let (_store, c) = saved(home.path(), "ELMA365 — склад");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ELMA365 — склад");
    assert!(shows(&h, "Что сохранено"));
    assert!(shows(&h, ADDRESS));
    assert!(shows(&h, "Интеграция 1С"));
    // Where the values go: the finish page's list, filled in with this connection's values.
    assert!(shows(&h, "Куда что вводится"));
    assert!(shows(&h, "Не блокируйте пользователя «Интеграция 1С»"));
    assert!(shows(&h, "Ещё не проверялось."));
    // The secret stays hidden until asked for.
    assert!(!shows(&h, support::TOKEN));

    assert_eq!(
        click_copy(&mut h, "Копировать «Адрес компании в ELMA365»", 0).as_deref(),
        Some(ADDRESS)
    );
    assert!(shows(&h, "Скопировано."));

    click(&mut h, "Показать «Токен»");
    wait_for(&mut h, "the token read from the keyring", |h| {
        shows(h, support::TOKEN)
    });
    click(&mut h, "Скрыть «Токен»");
    assert!(!shows(&h, support::TOKEN));

    if std::env::var_os("DISPLAY").is_some() {
        let _turn = clipboard_turn();
        click(&mut h, "Копировать «Токен»");
        wait_for(&mut h, "the token copied", |h| {
            shows(h, "Скопировано: очистится через 30 секунд")
        });
        assert_eq!(system_clipboard().as_deref(), Some(support::TOKEN));
        assert!(klyuchnik::ui::kit::clipboard::holds_secret());
        klyuchnik::ui::kit::clipboard::clear_on_exit();
    }
    let _ = real_keyring().delete_secret(&c.id, "token");
}

#[test]
fn the_card_lists_the_checks_with_dates_and_follows_changes_made_elsewhere() {
    let home = tempfile::tempdir().unwrap();
    let (store, c) = saved(home.path(), "ELMA365 — проверки");
    let now = Utc::now();
    let record = |days: i64, kind, detail: Option<&str>| CheckRecord {
        at: now - Duration::days(days),
        kind,
        detail: detail.map(str::to_owned),
    };
    let local = support::local(&store);
    for (days, kind, detail) in [
        (3, OutcomeKind::Ok, None),
        (2, OutcomeKind::Rejected, Some("ELMA365 ответила 401")),
        (1, OutcomeKind::Ok, None),
    ] {
        ops::save::record_checks(&local, &[(c.id.clone(), record(days, kind, detail))]).unwrap();
    }
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ELMA365 — проверки");
    let date = |days: i64| {
        (now - Duration::days(days))
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y")
            .to_string()
    };
    for days in 1..=3 {
        assert!(
            shows(&h, &date(days)),
            "the check of {} is listed",
            date(days)
        );
    }
    assert!(shows(&h, "ELMA365 ответила 401"));
    assert!(shows(&h, "Токен не принят"));
    assert_eq!(h.query_all_by_label_contains("Токен принят").count(), 2);

    // A command renames it meanwhile: the open card shows the new name.
    store
        .modify(|list| {
            list[0].name = "ELMA365 — склад на Лесной".to_owned();
            Ok(())
        })
        .unwrap();
    wait_for(&mut h, "the card follows the change", |h| {
        shows(h, "ELMA365 — склад на Лесной")
    });
    // And removes it: the card says so instead of showing what is gone.
    ops::save::remove(&Local::new(store.clone(), real_keyring()), &c.id).unwrap();
    wait_for(&mut h, "the card says it was removed", |h| {
        shows(h, "Подключения больше нет")
    });
    // Esc goes back to the list.
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(shows(&h, "Подключений пока нет") || shows(&h, "Новое подключение"));
}

/// The card's secret never reaches the card before it is asked for, and keyboard users get
/// to the name button and open the card with Enter.
#[test]
fn enter_on_a_name_opens_its_card() {
    let home = tempfile::tempdir().unwrap();
    let (_store, c) = saved(home.path(), "ELMA365 — клавиатура");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    h.get_by_label("ELMA365 — клавиатура").focus();
    settle(&mut h);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(shows(&h, "Что сохранено"));
    let _ = real_keyring().delete_secret(&c.id, "token");
}

/// «Изменить»: a wrong value is refused beside its field with the wizard's words and nothing is
/// written; a taken name is refused beside the name; a correction and a new token are saved.
#[test]
fn corrections_are_checked_beside_the_field_and_saved_through_the_store() {
    let home = tempfile::tempdir().unwrap();
    let (store, c) = saved(home.path(), "ELMA365 — склад");
    let (_, other) = saved(home.path(), "ELMA365 — офис");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ELMA365 — склад");
    click(&mut h, "Изменить");
    let before = std::fs::read(home.path().join("connections.json")).unwrap();
    // Saved as it was: said so, nothing written.
    click(&mut h, "Сохранить изменения");
    assert!(shows(&h, "Ничего не изменено"));
    assert!(!shows(&h, "Изменения сохранены."));
    assert_eq!(
        std::fs::read(home.path().join("connections.json")).unwrap(),
        before
    );
    click(&mut h, "Изменить");

    support::ui::type_into(&mut h, "Адрес компании в ELMA365", "ftp://склад");
    // The wizard's own message for that value, beside the field.
    let catalog = klyuchnik::flow::Catalog::embedded().unwrap();
    let field = catalog
        .get("elma365")
        .unwrap()
        .field("address")
        .unwrap()
        .clone();
    let today = chrono::Local::now().date_naive();
    let klyuchnik::flow::rules::Verdict::Invalid(message) =
        klyuchnik::flow::rules::check(&field, "ftp://склад", today)
    else {
        panic!("ftp://склад is refused by the wizard");
    };
    assert!(shows(&h, &message), "{message}");
    click(&mut h, "Сохранить изменения");
    assert!(!shows(&h, "Изменения сохранены."));
    assert_eq!(
        std::fs::read(home.path().join("connections.json")).unwrap(),
        before
    );

    support::ui::type_into(&mut h, "Адрес компании в ELMA365", "lesnaya");
    support::ui::type_into(&mut h, "Название подключения в Ключнике", "ELMA365 — офис");
    click(&mut h, "Сохранить изменения");
    wait_for(&mut h, "the taken name refused", |h| shows(h, "уже есть"));
    assert_eq!(
        std::fs::read(home.path().join("connections.json")).unwrap(),
        before
    );

    support::ui::type_into(
        &mut h,
        "Название подключения в Ключнике",
        "ELMA365 — склад на Лесной",
    );
    let new_token = "9b2c7f10-3a44-4c1e-8d55-6f7e8a9b0c1d";
    support::ui::type_into(&mut h, "Новое значение «Токен»", new_token);
    click(&mut h, "Сохранить изменения");
    wait_for(&mut h, "the changes saved", |h| {
        shows(h, "Изменения сохранены.")
    });
    assert!(shows(&h, "https://lesnaya.elma365.ru"));
    assert!(shows(&h, "Изменено "));
    let (reread, _) = Store::open(&home.path().join("connections.json"));
    let saved = reread.get(&c.id).unwrap();
    assert_eq!(saved.name, "ELMA365 — склад на Лесной");
    assert_eq!(
        saved.fields.get("address"),
        Some("https://lesnaya.elma365.ru")
    );
    assert!(saved.changed.is_some());
    assert_eq!(
        real_keyring().get(&c.id, "token").unwrap().expose(),
        new_token
    );
    drop(store);
    for id in [&c.id, &other.id] {
        let _ = real_keyring().delete_secret(id, "token");
    }
}

/// The card offers removal as the list does: ELMA365's «Удалить токен» wizard (its finish page
/// sends people to the card for it), and for the others «Удалить» after a question whose safe
/// answer is first.
#[test]
fn the_card_removes_as_the_list_does() {
    let home = tempfile::tempdir().unwrap();
    let (store, c) = saved(home.path(), "ELMA365 — старый токен");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ELMA365 — старый токен");
    assert!(shows(&h, "«Удалить токен» на карточке подключения"));
    click(&mut h, "Удалить токен");
    assert!(
        h.state().draft().is_some(),
        "the deletion wizard is on screen"
    );

    let _ = real_keyring().delete_secret(&c.id, "token");
    drop(store);

    // Another data folder: the first one now holds the unfinished deletion wizard.
    let home = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&home.path().join("connections.json"));
    let eis = Connection {
        expires: Some(chrono::Local::now().date_naive() + Duration::days(90)),
        ..Connection::new("eis-token", "ЕИС → РИС", "ЕИС — РИС управление")
    };
    support::add(&store, eis.clone());
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ЕИС — РИС управление");
    click(&mut h, "Удалить");
    assert!(shows(&h, "Удалить подключение?"));
    click(&mut h, "Не удалять");
    assert!(store.get(&eis.id).is_some());
    click(&mut h, "Удалить");
    h.get_all_by_label("Удалить").last().unwrap().click();
    wait_for(&mut h, "the list without it", |h| {
        !shows(h, "ЕИС — РИС управление")
    });
    let (reread, _) = Store::open(&home.path().join("connections.json"));
    assert!(reread.get(&eis.id).is_none());
}

/// «Обновить ключ» for ЕИС: the wizard again from the page where the identifier is issued, the
/// name kept, the identifier and «Срок действия» entered anew; saved in place of the old one
/// (same connection, its history kept), the reminders start again for the new date.
#[test]
fn renewing_an_eis_identifier_replaces_it_and_its_expiry() {
    let home = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&home.path().join("connections.json"));
    let today = chrono::Local::now().date_naive();
    let old = Connection {
        fields: Fields::from_iter([
            ("name", "ЕИС — РИС управление"),
            (
                "expires",
                &*(today + Duration::days(5)).format("%Y-%m-%d").to_string(),
            ),
        ]),
        secrets: vec!["identifier".to_owned()],
        expires: Some(today + Duration::days(5)),
        ..Connection::new("eis-token", "ЕИС → РИС", "ЕИС — РИС управление")
    };
    let local = Local::new(store.clone(), real_keyring());
    let old_id = "11111111-2222-4333-8444-555555555555";
    ops::save::save(
        &local,
        old.clone(),
        &BTreeMap::from([("identifier".to_owned(), Secret::new(old_id))]),
    )
    .unwrap();
    // A reminder was shown for the old date.
    let shown = klyuchnik::reminders::collect(&store.snapshot(), &BTreeMap::default(), today).1;

    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ЕИС — РИС управление");
    click(&mut h, "Обновить ключ");
    assert!(shows(&h, "Шаг 3 из 5"));
    click(
        &mut h,
        "Раздел открыт под учётной записью администратора организации",
    );
    click(&mut h, "Далее");
    let new_id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    support::ui::type_into(&mut h, "Идентификатор *", new_id);
    let new_date = today + Duration::days(400);
    support::ui::type_into(
        &mut h,
        "Срок действия *",
        &new_date.format("%d.%m.%Y").to_string(),
    );
    click(&mut h, "Далее");
    assert_eq!(
        h.get_by_label("Название подключения в Ключнике *")
            .value()
            .as_deref(),
        Some("ЕИС — РИС управление"),
        "the name is kept"
    );
    click(
        &mut h,
        "В РИС заполнены «Идентификатор» и «Срок действия», нажата кнопка «Сохранить»",
    );
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| shows(h, "Подключение сохранено"));

    let (reread, _) = Store::open(&home.path().join("connections.json"));
    assert_eq!(reread.snapshot().len(), 1, "renewed in place, not added");
    let renewed = reread.get(&old.id).unwrap();
    assert_eq!(renewed.expires, Some(new_date));
    assert_eq!(renewed.created, old.created);
    assert!(renewed.changed.is_some());
    assert_eq!(
        real_keyring().get(&old.id, "identifier").unwrap().expose(),
        new_id
    );
    // The reminder already shown was for the old date: the new one is not due yet, and its
    // 30-day reminder will come as for a new key.
    assert!(klyuchnik::reminders::due(&renewed, shown.get(&old.id).copied(), today).is_none());
    assert!(
        klyuchnik::reminders::due(
            &renewed,
            shown.get(&old.id).copied(),
            new_date - Duration::days(20)
        )
        .is_some()
    );
    let _ = real_keyring().delete_secret(&old.id, "identifier");
}

/// «Обновить ключ» for ELMA365: a new token in place of the old, and the finish page says the old
/// token stays in ELMA365 until it is deleted there, and how.
#[test]
fn renewing_an_elma365_token_says_to_delete_the_old_one() {
    let home = tempfile::tempdir().unwrap();
    let (_store, c) = saved(home.path(), "ELMA365 — склад");
    let mut h = harness(app(home.path(), real_keyring(), &Opened::default()));
    click(&mut h, "ELMA365 — склад");
    click(&mut h, "Обновить ключ");
    assert!(shows(&h, "Шаг 2 из 5"));
    assert_eq!(
        h.get_by_label("Адрес компании в ELMA365 *")
            .value()
            .as_deref(),
        Some(ADDRESS)
    );
    for _ in 0..3 {
        support::ui::tick_all(&mut h);
        if shows(&h, "Токен *") {
            break;
        }
        if h.query_by_label("Название *").is_some() {
            // The new token gets a name of its own in ELMA365.
            support::ui::type_into(&mut h, "Название *", "Обмен со складом 2026");
        }
        click(&mut h, "Далее");
    }
    let new_token = "9b2c7f10-3a44-4c1e-8d55-6f7e8a9b0c1d";
    support::ui::type_into(&mut h, "Токен *", new_token);
    click(&mut h, "Далее");
    click(&mut h, "Сохранить подключение");
    if shows(&h, "Сохранить всё равно?") {
        click(&mut h, "Сохранить всё равно");
    }
    wait_for(&mut h, "saving", |h| shows(h, "Подключение сохранено"));
    assert!(shows(
        &h,
        "Прежний токен остаётся в ELMA365, пока его не удалят"
    ));
    assert_eq!(
        real_keyring().get(&c.id, "token").unwrap().expose(),
        new_token
    );

    // The old token, through the deletion wizard — by its old name, the connection kept.
    click(&mut h, "Удалить прежний токен в ELMA365…");
    assert!(shows(&h, "ELMA365: удалить токен"));
    assert!(shows(
        &h,
        "После удаления токена «Обмен со складом» интеграции"
    ));
    click(
        &mut h,
        "Я понимаю, что интеграции с этим токеном перестанут работать",
    );
    click(&mut h, "Далее");
    click(&mut h, "Токен «Обмен со складом» удалён в ELMA365");
    assert!(!shows(&h, "Удалить из Ключника"));
    click(&mut h, "Готово");
    assert!(shows(&h, "Прежний токен удалён"));
    assert!(shows(&h, "с новым токеном осталось в Ключнике"));
    let kept = h.state().store().unwrap().get(&c.id).unwrap();
    assert_eq!(kept.fields.get("token_name"), Some("Обмен со складом 2026"));
    assert_eq!(
        real_keyring().get(&c.id, "token").unwrap().expose(),
        new_token,
        "the new token stays"
    );
    let _ = real_keyring().delete_secret(&c.id, "token");
}

/// An expiring key is renewed from where people meet it: its row, the expiry notice, a click
/// on the reminder (`open --renew`); a connection without a renewal opens its card instead.
#[test]
fn an_expiring_key_is_renewed_from_its_row_the_notice_and_the_reminder() {
    let home = tempfile::tempdir().unwrap();
    let today = chrono::Local::now().date_naive();
    let soon = today + Duration::days(5);
    let eis = Connection {
        fields: Fields::from_iter([
            ("name", "ЕИС — РИС управление"),
            ("expires", &*soon.format("%Y-%m-%d").to_string()),
        ]),
        secrets: vec!["identifier".to_owned()],
        expires: Some(soon),
        ..Connection::new("eis-token", "ЕИС → РИС", "ЕИС — РИС управление")
    };
    let ivideon = Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "КПП 1");
    support::seed(home.path(), &[eis.clone(), ivideon.clone()]);
    let secrets = klyuchnik::store::Secrets::mock;

    let mut h = harness(app(home.path(), secrets(), &Opened::default()));
    assert!(shows(&h, "Скоро истекают или истекли (1)"));
    // The notice's button comes first, the row's last (both say whose key).
    let renew = "Обновить ключ «ЕИС — РИС управление»";
    assert_eq!(h.get_all_by_label(renew).count(), 2);
    h.get_all_by_label(renew).next().unwrap().click();
    settle(&mut h);
    assert!(shows(&h, "Шаг 3 из 5"), "from the notice");
    click(&mut h, "Отмена");
    h.get_all_by_label(renew).last().unwrap().click();
    settle(&mut h);
    assert!(shows(&h, "Шаг 3 из 5"), "from the row");

    let open = |id: &str| {
        let mut config = support::ui::config(
            home.path(),
            secrets(),
            &Opened::default(),
            None,
            &support::ui::OpenFrom::default(),
        );
        config.focus = Some(id.to_owned());
        config.renew = true;
        harness(klyuchnik::ui::App::new(config))
    };
    let h = open(&eis.id);
    assert!(shows(&h, "Шаг 3 из 5"), "from the reminder");
    assert!(h.state().draft().unwrap().renews);
    drop(h);
    // The renewal left unfinished would come back first (as it should): set it aside.
    let _ = std::fs::remove_file(home.path().join("draft.json"));
    let h = open(&ivideon.id);
    assert!(h.state().draft().is_none());
    assert!(shows(&h, "Что сохранено"), "no renewal: its card");
}

/// Ivideon from the card: the saved directions as the SQL script and the CSV for the
/// developers, and a direction changed in «Изменить» — saved, and in the next file.
#[test]
fn ivideon_directions_are_saved_and_changed_from_the_card() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cam = |id: &str, name: &str, dir: &str| {
        BTreeMap::from([
            ("camera_id".to_owned(), id.to_owned()),
            ("name".to_owned(), name.to_owned()),
            ("direction".to_owned(), dir.to_owned()),
        ])
    };
    let c = Connection {
        fields: Fields::from_iter([
            ("client", "ЖК «Сосны»"),
            ("login", "robot@ivideon.com"),
            ("account", "123456"),
        ]),
        tables: BTreeMap::from([(
            "cameras".to_owned(),
            vec![
                cam("100-AbCdEfGhIjKlMnOpQrSt12:0", "Въезд", "forward"),
                cam("100-AbCdEfGhIjKlMnOpQrSt12:1", "Выезд", "forward"),
            ],
        )]),
        ..Connection::new("ivideon-pass24", "Ivideon → PASS24.online", "ЖК «Сосны»")
    };
    support::seed(home.path(), std::slice::from_ref(&c));
    let mut h = harness(support::ui::app_saving_to(
        home.path(),
        klyuchnik::store::Secrets::mock(),
        &Opened::default(),
        Some(out.path().to_owned()),
    ));
    click(&mut h, "ЖК «Сосны»");
    click(&mut h, "Сохранить файл для разработчиков (CSV)…");
    wait_for(&mut h, "the CSV", |h| shows(h, "Сохранено:"));
    let csv = std::fs::read_to_string(out.path().join("ivideon_cameras_direction.csv")).unwrap();
    assert_eq!(csv.matches("forward").count(), 2, "{csv}");

    click(&mut h, "Изменить");
    support::ui::choose(&mut h, "Направление, строка 2", "reverse — камера на выезд");
    click(&mut h, "Сохранить изменения");
    wait_for(&mut h, "saving", |h| shows(h, "Изменения сохранены."));
    let saved = h.state().store().unwrap().get(&c.id).unwrap();
    assert_eq!(saved.tables["cameras"][1]["direction"], "reverse");
    assert_eq!(saved.tables["cameras"][0]["direction"], "forward");
    assert!(saved.changed.is_some());

    click(&mut h, "Сохранить SQL-скрипт…");
    assert!(
        shows(&h, "Выгрузка команд SQL"),
        "the camera-id column is asked"
    );
    support::ui::type_into(&mut h, "Столбец с ID камеры Ivideon *", "ivideon_id");
    click(&mut h, "Выбрать файл и сохранить");
    wait_for(&mut h, "the SQL", |h| {
        shows(h, "ivideon_cameras_direction.sql")
    });
    let sql = std::fs::read_to_string(out.path().join("ivideon_cameras_direction.sql")).unwrap();
    assert!(
        sql.contains(
            "UPDATE ivideon_cameras SET direction = 'reverse' WHERE ivideon_id = '100-AbCdEfGhIjKlMnOpQrSt12:1';"
        ),
        "{sql}"
    );
    assert!(sql.contains("-- Номер аккаунта Ivideon: 123456"), "{sql}");
}
