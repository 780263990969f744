//! The home screen at scale: search, filters, expiry notice, export/import, a list of ПВЗ.

use crate::support;

use std::sync::Arc;

use chrono::{Duration, Local, Utc};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use klyuchnik::model::{CheckRecord, OutcomeKind};
use klyuchnik::model::{Connection, Fields};
use klyuchnik::store::Secrets;
use support::ui::{
    OpenFrom, Opened, app, app_with_files, choose, click, eframe_harness, harness, painted_share,
    real_keyring, shows, type_into, wait_for,
};

fn conn(
    name: &str,
    flow: &str,
    system: &str,
    expires_in: Option<i64>,
    check: Option<OutcomeKind>,
) -> Connection {
    Connection {
        // Only fields the flow has: an export of these must import cleanly.
        fields: if flow == "vision-ellcom" {
            Fields::from_iter([("email", "lesnaya@example.ru")])
        } else {
            Fields::default()
        },
        expires: expires_in.map(|d| Local::now().date_naive() + Duration::days(d)),
        last_check: check.map(|kind| CheckRecord {
            at: Utc::now(),
            kind,
            detail: None,
        }),
        ..Connection::new(flow, system, name)
    }
}

fn sample() -> Vec<Connection> {
    vec![
        conn(
            "ELMA365 — склад",
            "elma365",
            "ELMA365",
            None,
            Some(OutcomeKind::Ok),
        ),
        conn(
            "ELMA365 — сайт",
            "elma365",
            "ELMA365",
            None,
            Some(OutcomeKind::Rejected),
        ),
        conn(
            "ЕИС — РИС область",
            "eis-token",
            "ЕИС",
            Some(5),
            Some(OutcomeKind::Ok),
        ),
        conn("ЕИС — РИС город", "eis-token", "ЕИС", Some(-2), None),
        conn("ЕИС — РИС район", "eis-token", "ЕИС", Some(200), None),
        conn(
            "ПВЗ на Лесной",
            "vision-ellcom",
            "Vision Ellcom",
            None,
            None,
        ),
    ]
}

#[test]
fn start_up_notice_lists_what_expires_within_30_days() {
    let home = tempfile::tempdir().unwrap();
    support::seed(home.path(), &sample());
    let h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    assert!(shows(&h, "Скоро истекают или истекли (2)"));
    assert!(shows(&h, "«ЕИС — РИС город» — срок истёк"));
    assert!(shows(&h, "«ЕИС — РИС область» — через 5 дн."));
    assert!(
        !shows(&h, "«ЕИС — РИС район» —"),
        "200 days away is not soon"
    );
    // Where people meet expiry, the way to be reminded of it even when Ключник is closed.
    assert!(shows(&h, "Напоминать о сроках, даже когда Ключник закрыт"));
    // The data folder is in «Настройки», not on the main screen.
    let dir = home.path().display().to_string();
    assert!(!shows(&h, &dir));
}

/// `klyuchnik open НАЗВАНИЕ` (a click on a reminder) opens that connection's card, with the
/// list behind it searched for it.
#[test]
fn opened_on_one_connection_the_list_shows_it() {
    let home = tempfile::tempdir().unwrap();
    let list = sample();
    support::seed(home.path(), &list);
    let open = |focus: &str| {
        let mut config = support::ui::config(
            home.path(),
            Secrets::mock(),
            &Opened::default(),
            None,
            &OpenFrom::default(),
        );
        config.focus = Some(focus.to_owned());
        harness(klyuchnik::ui::App::new(config))
    };
    // By id, as the notification does it.
    let mut h = open(&list[2].id);
    assert!(shows(&h, "Что сохранено"));
    click(&mut h, "← К списку подключений");
    assert!(shows(&h, "показано 1 из 6"));
    assert!(shows(&h, "ЕИС — РИС область"));
    assert_eq!(
        h.get_by_label("Поиск:").value().as_deref(),
        Some("ЕИС — РИС область")
    );
    // By name, in any case, as a person types it.
    let mut h = open("пвз на лесной");
    click(&mut h, "← К списку подключений");
    assert!(shows(&h, "показано 1 из 6"));
    // Removed since: said so, the whole list shown.
    let h = open("нет такого");
    assert!(shows(&h, "Подключения «нет такого» нет"));
    assert!(shows(&h, "показано 6 из 6"));
}

/// «Настройки» shows whether reminders run when Ключник is closed and switches them.
#[test]
fn reminders_are_switched_in_about() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    let entry = home
        .path()
        .join("config/autostart/klyuchnik-reminders.desktop");
    click(&mut h, "Настройки");
    wait_for(&mut h, "state known", |h| shows(h, "Напоминания выключены"));
    assert!(
        shows(&h, &home.path().display().to_string()),
        "where the data is"
    );
    let checkbox = "Напоминать о сроках, даже когда Ключник закрыт";
    assert_eq!(
        h.get_by_label(checkbox).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::False)
    );
    click(&mut h, checkbox);
    wait_for(&mut h, "switched on", |h| shows(h, "включены: автозапуск"));
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(text.contains("check --notify"), "{text}");
    // A new window sees the same state.
    let mut again = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    click(&mut again, "Настройки");
    wait_for(&mut again, "state known", |h| {
        shows(h, "включены: автозапуск")
    });
    click(&mut h, checkbox);
    wait_for(&mut h, "switched off", |h| {
        shows(h, "Напоминания выключены")
    });
    assert!(!entry.exists());
    // A schedule that cannot be written: said next to the switch, nothing claimed.
    std::fs::remove_dir_all(home.path().join("config")).unwrap();
    std::fs::write(home.path().join("config"), "a file, not a folder").unwrap();
    click(&mut h, checkbox);
    wait_for(&mut h, "error shown", |h| shows(h, "Не получилось"));
    assert_eq!(
        h.get_by_label(checkbox).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::False)
    );
}

#[test]
fn search_and_filters_narrow_the_list() {
    let home = tempfile::tempdir().unwrap();
    support::seed(home.path(), &sample());
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    assert!(shows(&h, "показано 6 из 6"));
    type_into(&mut h, "Поиск:", "рис");
    let count: Vec<_> = h
        .query_all_by_label_contains("показано")
        .map(|n| format!("{:?}", n.accesskit_node().value()))
        .collect();
    assert!(shows(&h, "показано 3 из 6"), "{count:?}");
    assert!(!shows(&h, "ELMA365 — склад"));
    // Several words: each is looked for on its own, in any field and order.
    type_into(&mut h, "Поиск:", "город рис");
    assert!(shows(&h, "показано 1 из 6"));
    assert!(shows(&h, "ЕИС — РИС город"));
    type_into(&mut h, "Поиск:", "лесн  LESNAYA@");
    assert!(
        shows(&h, "показано 1 из 6"),
        "a word of the name and one of the e-mail"
    );
    type_into(&mut h, "Поиск:", "");
    choose(&mut h, "Система:", "Vision Ellcom");
    assert!(shows(&h, "показано 1 из 6"));
    assert!(shows(&h, "ПВЗ на Лесной"));
    assert!(shows(&h, "Без проверки онлайн"));
    choose(&mut h, "Система:", "все");
    choose(&mut h, "Состояние:", "Проверка не прошла");
    assert!(shows(&h, "показано 1 из 6"));
    assert!(shows(&h, "ELMA365 — сайт"));
    choose(&mut h, "Состояние:", "Срок истёк");
    assert!(shows(&h, "ЕИС — РИС город"));
    type_into(&mut h, "Поиск:", "нет такого");
    assert!(shows(&h, "Ничего не найдено"));
}

/// Names with numbers sort by value, the search looks into the values (any case), and both
/// follow a change of the list made elsewhere (the order and the search text are worked out
/// once per version of the list, so a stale copy would show here).
#[test]
fn names_sort_by_number_and_search_follows_a_changed_list() {
    let home = tempfile::tempdir().unwrap();
    let list: Vec<Connection> = ["ПВЗ 10", "ПВЗ 9", "ПВЗ 100", "ПВЗ 2"]
        .into_iter()
        .map(|n| conn(n, "vision-ellcom", "Vision Ellcom", None, None))
        .collect();
    support::seed(home.path(), &list);
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    choose(&mut h, "Порядок:", "по названию");
    let order = |h: &egui_kittest::Harness<'_, klyuchnik::ui::App>| {
        // The names are the buttons that open each card.
        h.query_all_by_label_contains("ПВЗ ")
            .filter(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
            .filter(|n| {
                n.accesskit_node().description().as_deref() == Some("Открыть карточку подключения")
            })
            .filter_map(|n| n.accesskit_node().label())
            .collect::<Vec<_>>()
    };
    assert_eq!(order(&h), ["ПВЗ 2", "ПВЗ 9", "ПВЗ 10", "ПВЗ 100"]);

    type_into(&mut h, "Поиск:", "LESNAYA");
    assert!(shows(&h, "показано 4 из 4"));
    // Another window adds one whose address matches, and one that sorts first.
    let store = h.state().store().unwrap().clone();
    let mut elma = conn("ELMA365 — Лесная", "elma365", "ELMA365", None, None);
    elma.fields = Fields::from_iter([("address", "https://lesnaya.elma365.ru")]);
    support::add(&store, elma);
    support::add(
        &store,
        conn("ПВЗ 1", "vision-ellcom", "Vision Ellcom", None, None),
    );
    settle_frames(&mut h);
    assert!(
        shows(&h, "показано 6 из 6"),
        "the new ones are searched too"
    );
    assert!(shows(&h, "ELMA365 — Лесная"));
    assert_eq!(order(&h), ["ПВЗ 1", "ПВЗ 2", "ПВЗ 9", "ПВЗ 10", "ПВЗ 100"]);
    type_into(&mut h, "Поиск:", "elma365.ru");
    assert!(shows(&h, "показано 1 из 6"));
}

fn settle_frames(h: &mut egui_kittest::Harness<'_, klyuchnik::ui::App>) {
    for _ in 0..3 {
        h.step();
    }
}

#[test]
fn export_and_import_through_the_file_dialogs() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    support::seed(home.path(), &sample());
    let open_from = OpenFrom::default();
    let mut h = harness(app_with_files(
        home.path(),
        Secrets::mock(),
        &Opened::default(),
        Some(out.path().to_owned()),
        &open_from,
    ));
    click(&mut h, "Выгрузить…");
    wait_for(&mut h, "the export", |h| {
        shows(h, "Выгружено подключений: 6")
    });
    let file = out.path().join("klyuchnik-podklyucheniya.json");
    assert!(file.exists());

    let other = tempfile::tempdir().unwrap();
    let mut h = harness(app_with_files(
        other.path(),
        Secrets::mock(),
        &Opened::default(),
        None,
        &open_from,
    ));
    *open_from.lock().unwrap() = Some(file.clone());
    click(&mut h, "Загрузить…");
    wait_for(&mut h, "the import", |h| {
        shows(h, "Загружено подключений: 6, пропущено: 0")
    });
    assert_eq!(h.state().store().unwrap().snapshot().len(), 6);
    *open_from.lock().unwrap() = Some(file);
    click(&mut h, "Загрузить…");
    wait_for(&mut h, "the second import", |h| {
        shows(h, "Загружено подключений: 0, пропущено: 6")
    });
    assert!(shows(&h, "уже есть — не перезаписано"));
    // A cancelled dialog does nothing.
    click(&mut h, "Загрузить…");
    wait_for(&mut h, "the cancelled dialog", |h| !h.state().is_busy());
    assert_eq!(h.state().store().unwrap().snapshot().len(), 6);
}

#[test]
fn a_list_of_pvz_becomes_connections_awaiting_their_token() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("pvz.csv");
    std::fs::write(&csv, "код;адрес;e-mail\n101;Лесная, 5;pvz-101@example.ru\n102;Мира, 1;pvz-102@example.ru\n103;Садовая;не-почта\n").unwrap();
    let open_from: OpenFrom = Arc::default();
    *open_from.lock().unwrap() = Some(csv);
    let secrets = real_keyring();
    let mut h = harness(app_with_files(
        home.path(),
        secrets.clone(),
        &Opened::default(),
        None,
        &open_from,
    ));
    click(&mut h, "ПВЗ из CSV…");
    assert!(
        shows(&h, "ПВЗ начнутся с шага 2"),
        "unticked: the administrator's step"
    );
    h.get_by_label_contains("для каждого ПВЗ из списка уже выполнен")
        .click();
    support::ui::settle(&mut h);
    assert!(shows(&h, "ПВЗ начнутся с шага 3"));
    click(&mut h, "Выбрать файл…");
    wait_for(&mut h, "the list", |h| shows(h, "Добавлено ПВЗ: 2"));
    assert!(shows(&h, "Строка 4:"), "the bad row is named");
    assert!(shows(&h, "Передан сотруднику ПВЗ — ждёт API-токен"));

    let id = h
        .state()
        .store()
        .unwrap()
        .snapshot()
        .iter()
        .find(|c| c.name == "ПВЗ 101 — Лесная, 5")
        .unwrap()
        .id
        .clone();
    h.get_all_by_label("Продолжить настройку")
        .next()
        .unwrap()
        .click();
    support::ui::settle(&mut h);
    assert!(shows(&h, "Шаг 3 из 4"), "resumes at the employee's step");
    let email = h
        .get_by_label("E-mail субпользователя (логин) *")
        .value()
        .unwrap();
    assert!(email.starts_with("pvz-10"), "{email}");
    let login = format!("Вход в Vision Ellcom под учётной записью {email} выполнен");
    click(&mut h, &login);
    click(&mut h, "Далее");
    type_into(&mut h, "API-токен *", "token-for-pvz");
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    let list = h.state().store().unwrap().snapshot();
    assert_eq!(list.len(), 2, "completed in place, not added twice");
    let done = list.iter().find(|c| c.fields["email"] == email).unwrap();
    assert_eq!(done.pending_step, None);
    assert_eq!(
        secrets.get(&done.id, "token").unwrap().expose(),
        "token-for-pvz"
    );
    secrets.delete_secret(&done.id, "token").unwrap();
    let _ = id;
}

/// Without the administrator's word that step 2 is done for the whole list, each ПВЗ starts at
/// step 2 and asks for it there.
#[test]
fn a_list_of_pvz_without_the_administrators_word_starts_at_step_two() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("pvz.csv");
    std::fs::write(&csv, "101;Лесная, 5;pvz-101@example.ru\n").unwrap();
    let open_from: OpenFrom = Arc::default();
    *open_from.lock().unwrap() = Some(csv);
    let mut h = harness(app_with_files(
        home.path(),
        Secrets::mock(),
        &Opened::default(),
        None,
        &open_from,
    ));
    click(&mut h, "ПВЗ из CSV…");
    click(&mut h, "Выбрать файл…");
    wait_for(&mut h, "the list", |h| shows(h, "Добавлено ПВЗ: 1"));
    assert!(shows(&h, "начните с шага 2"));
    assert!(shows(&h, "Настройка не закончена — шаг 2"));
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.pending_step, Some(1));
    assert!(c.pending_confirmed.is_empty());
    click(&mut h, "Продолжить настройку");
    assert!(shows(&h, "Шаг 2 из 4"));
    click(&mut h, "Далее");
    assert!(
        shows(&h, "Отметьте, когда сделаете это."),
        "the confirmations are asked here"
    );
}

/// The window background is the clear colour, not a shape: a full-window fill per panel cost
/// ~90 ms of start-up on a software renderer (scripts/bench.sh). A panel's fill alone would be
/// about one layer; the list's striped rows make the home screen about 0.43.
#[test]
fn screens_leave_the_background_to_the_clear_colour() {
    let home = tempfile::tempdir().unwrap();
    support::seed(home.path(), &sample());
    let mut h = eframe_harness(app(home.path(), Secrets::mock(), &Opened::default()));
    let mut shares = vec![("home", painted_share(&h))];
    click(&mut h, "Новое подключение");
    shares.push(("picker", painted_share(&h)));
    click(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    shares.push(("wizard", painted_share(&h)));
    for (screen, share) in shares {
        assert!(
            share > 0.02 && share < 0.6,
            "{screen}: triangles cover {share:.2} of the window"
        );
    }
}

/// A connection loaded from a file has no secret here: its check says so and offers
/// «Ввести секрет»; the value is checked like the wizard's, saved to the real keyring, and the
/// connection is checked against the service at once.
#[test]
fn a_missing_secret_is_entered_again_and_checked() {
    let home = tempfile::tempdir().unwrap();
    let server = support::serve(support::Reply::json(200, r#"{"success":true}"#));
    let mut c = conn(
        "ELMA365 — перенесённое",
        "elma365",
        "ELMA365",
        None,
        Some(OutcomeKind::NoSecret),
    );
    c.fields = Fields::from_iter([("address".to_owned(), server.url.clone())]);
    c.secrets = vec!["token".to_owned()];
    let id = c.id.clone();
    support::seed(home.path(), &[c]);
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    wait_for(&mut h, "the keyring looked up", |h| {
        shows(h, "Нет секрета на этом компьютере")
    });
    assert!(
        !shows(&h, "Проверить снова"),
        "checking again would fail the same way"
    );

    click(&mut h, "Ввести секрет");
    assert!(shows(&h, "Секрет для «ELMA365 — перенесённое»"));
    assert!(
        h.get_by_label("Токен").is_focused(),
        "the field takes the keyboard: a pasted token goes straight into it"
    );
    click(&mut h, "Сохранить и проверить");
    assert!(
        shows(&h, "Введите значение."),
        "an empty value is refused next to the field"
    );
    assert!(secrets.get(&id, "token").is_err(), "nothing saved");

    // While typing, as in the wizard: ELMA365's token format is Ключник's assumption, so a
    // value of another shape gets a warning and is not refused.
    type_into(&mut h, "Токен", "token-of-another-shape");
    assert!(
        !shows(&h, "Введите значение."),
        "the old message goes with the edit"
    );
    assert!(shows(
        &h,
        "Обратите внимание: «Токен» ожидается в виде 8-4-4-4-12"
    ));
    // Upper case is brought to the usual form, and that is said; the warning is gone.
    type_into(&mut h, "Токен", &support::TOKEN.to_uppercase());
    assert!(!shows(&h, "Обратите внимание"));
    assert!(shows(
        &h,
        "Приведено к виду xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx."
    ));
    click(&mut h, "Сохранить и проверить");
    wait_for(&mut h, "the check", |h| shows(h, "Токен принят"));
    assert_eq!(secrets.get(&id, "token").unwrap().expose(), support::TOKEN);
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]
            .header("authorization")
            .is_some_and(|v| v.ends_with(support::TOKEN)),
        "the check used the new secret"
    );
    secrets.delete_secret(&id, "token").unwrap();
}

/// Issue 12: the ЕИС identifier was once "checked" against a service that could not judge it.
/// A connection saved then, with its old result and address field, still loads; it shows that
/// it has no online check, why, and its expiry — never the old «Токен не принят».
#[test]
fn an_eis_token_saved_with_an_old_check_result_shows_the_new_status() {
    let home = tempfile::tempdir().unwrap();
    let mut old = conn(
        "ЕИС — старый",
        "eis-token",
        "ЕИС",
        Some(200),
        Some(OutcomeKind::Rejected),
    );
    old.fields.insert("eis_base", "https://int.zakupki.gov.ru");
    old.last_check.as_mut().unwrap().detail = Some("ЕИС не приняла токен".to_owned());
    support::seed(home.path(), &[old]);
    let h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    assert!(shows(&h, "ЕИС — старый"));
    assert!(shows(&h, "Без проверки онлайн"));
    assert!(!shows(&h, "Токен не принят"));
    assert!(!shows(&h, "Проверить снова"), "nothing to check");
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(
        klyuchnik::model::status::status(&c, false, Local::now().date_naive()),
        klyuchnik::model::status::Status::Uncheckable
    );
    // Its old result is kept in the file (nothing is rewritten behind the user's back).
    assert!(c.last_check.is_some());
}

/// «Отмена» asks only when something would be lost: a ПВЗ from a list comes with its code and
/// e-mail, which stay with its connection; a typed token would be lost, and then «Продолжить
/// настройку» has the keyboard, so Enter keeps it.
#[test]
fn cancel_on_a_pvz_from_a_list_asks_only_after_typing() {
    let home = tempfile::tempdir().unwrap();
    let mut pending = conn(
        "ПВЗ 101",
        "vision-ellcom",
        "Vision Ellcom → WB Point",
        None,
        None,
    );
    pending.fields = Fields::from_iter([
        ("pvz_name", "ПВЗ 101"),
        ("pvz_code", "101"),
        ("email", "pvz-101@example.ru"),
    ]);
    pending.pending_step = Some(2);
    support::seed(home.path(), &[pending]);
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    click(&mut h, "Продолжить настройку");
    assert!(shows(&h, "Шаг 3 из 4"));
    click(&mut h, "Отмена");
    assert!(!shows(&h, "Прервать настройку?"), "nothing typed");
    assert!(shows(&h, "ПВЗ 101"));

    click(&mut h, "Продолжить настройку");
    click(
        &mut h,
        "Вход в Vision Ellcom под учётной записью pvz-101@example.ru выполнен",
    );
    click(&mut h, "Далее");
    type_into(&mut h, "API-токен *", "token-for-pvz");
    click(&mut h, "Отмена");
    assert!(shows(&h, "Прервать настройку?"));
    h.key_press(egui::Key::Enter);
    support::ui::settle(&mut h);
    assert!(!shows(&h, "Прервать настройку?"));
    assert!(shows(&h, "Шаг 4 из 4"), "Enter kept the wizard");
    assert_eq!(
        h.state().draft().unwrap().secrets["token"].expose(),
        "token-for-pvz"
    );
}

/// Loaded from a file, a connection without a check of its own (Vision Ellcom) would look
/// finished: its row says its secret is not on this computer and offers to enter it, until it
/// is entered.
#[test]
fn a_row_without_its_secret_here_says_so_and_offers_to_enter_it() {
    let home = tempfile::tempdir().unwrap();
    let mut c = conn(
        "ПВЗ с другого компьютера",
        "vision-ellcom",
        "Vision Ellcom → WB Point",
        None,
        None,
    );
    c.secrets = vec!["token".to_owned()];
    let id = c.id.clone();
    let mut complete = conn(
        "ПВЗ этого компьютера",
        "vision-ellcom",
        "Vision Ellcom → WB Point",
        None,
        None,
    );
    complete.secrets = vec!["token".to_owned()];
    let secrets = real_keyring();
    secrets
        .set_secret(
            &complete.id,
            "token",
            &klyuchnik::model::Secret::new("есть-здесь"),
        )
        .unwrap();
    support::seed(home.path(), &[c, complete.clone()]);
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    wait_for(&mut h, "the keyring looked up", |h| {
        shows(h, "Нет секрета на этом компьютере")
    });
    assert_eq!(
        h.query_all_by_label("Нет секрета на этом компьютере")
            .count(),
        1,
        "only the row without it"
    );
    click(&mut h, "Ввести секрет");
    type_into(&mut h, "API-токен", "токен-введённый-здесь");
    click(&mut h, "Сохранить и проверить");
    wait_for(&mut h, "the row updated", |h| {
        !shows(h, "Нет секрета на этом компьютере")
    });
    assert!(!shows(&h, "Ввести секрет"));
    assert_eq!(
        secrets.get(&id, "token").unwrap().expose(),
        "токен-введённый-здесь"
    );
    secrets.delete_secret(&id, "token").unwrap();
    secrets.delete_secret(&complete.id, "token").unwrap();
}
