//! A setup that takes two days or two people: «Сохранить и продолжить позже», Ivideon's wait
//! for the client's «Разрешить», and Vision's hand-over from the administrator to the ПВЗ
//! employee on another computer — each surviving a restart of the window.

use crate::support;

use egui_kittest::kittest::Queryable as _;
use klyuchnik::store::Secrets;
use klyuchnik::ui::App;
use support::ui::{
    OpenFrom, Opened, app, app_with_files, click, harness, real_keyring, shows, type_into, wait_for,
};

const IVIDEON: &str = "Ivideon → PASS24.online: камеры клиента";

fn start(h: &mut egui_kittest::Harness<'static, App>, title: &str) {
    click(h, "Новое подключение");
    click(h, title);
}

/// Paused on step 2 with the password typed on step 1: the row says so, the password is in
/// the keyring (not in any file), and after a restart the run goes on where it stopped with
/// everything entered; «Отмена» then leaves the paused row and its password as they were.
#[test]
fn a_paused_setup_survives_a_restart_with_everything_entered() {
    let home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    start(&mut h, IVIDEON);
    type_into(&mut h, "Клиент или объект *", "ЖК «Сосны»");
    type_into(&mut h, "Пароль *", "s3cret-Pa55");
    click(&mut h, "Сотрудник для интеграции создан в системе клиента");
    click(&mut h, "Далее");
    type_into(&mut h, "Номер аккаунта *", "12a45");
    click(&mut h, "Сохранить и продолжить позже");
    wait_for(&mut h, "the pause", |h| {
        shows(h, "Настройка не закончена — шаг 2")
    });
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.name, "ЖК «Сосны»");
    assert_eq!(c.pending_step, Some(1));
    assert_eq!(c.fields.get("account"), Some("12a45"), "kept as typed");
    assert_eq!(c.secrets, ["password"]);
    assert_eq!(
        secrets.get(&c.id, "password").unwrap().expose(),
        "s3cret-Pa55"
    );
    let file = std::fs::read_to_string(home.path().join("connections.json")).unwrap();
    assert!(
        !file.contains("s3cret"),
        "the password is in the keyring only"
    );
    assert!(
        !home.path().join("draft.json").exists() || {
            let d = std::fs::read_to_string(home.path().join("draft.json")).unwrap();
            d.trim().is_empty()
        },
        "no unfinished wizard is left to reopen at start"
    );
    drop(h);

    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    assert!(shows(&h, "Подключения"), "the list, not the wizard");
    click(&mut h, "Продолжить настройку");
    assert!(shows(&h, "Шаг 2 из 5"));
    assert_eq!(
        h.get_by_label("Номер аккаунта *").value().as_deref(),
        Some("12a45")
    );
    click(&mut h, "Назад");
    wait_for(&mut h, "the password from the keyring", |h| {
        h.state().draft().unwrap().secrets["password"].expose() == "s3cret-Pa55"
    });
    assert!(
        h.state().draft().unwrap().confirmed.contains("0.0"),
        "the tick is kept"
    );
    click(&mut h, "Далее");
    type_into(&mut h, "Номер аккаунта *", "123456");
    click(&mut h, "Отмена");
    click(&mut h, "Прервать");
    support::ui::settle(&mut h);
    let kept = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(kept.pending_step, Some(1), "the paused row stays as it was");
    assert_eq!(kept.fields.get("account"), Some("12a45"));
    // The abandoned run's clean-up must not take the paused row's password.
    std::thread::sleep(std::time::Duration::from_millis(300));
    h.run_steps(3);
    assert_eq!(
        secrets.get(&kept.id, "password").unwrap().expose(),
        "s3cret-Pa55"
    );
    secrets.delete_secret(&kept.id, "password").unwrap();
}

/// Ivideon's «Разрешить» is the client's and may take days: a state of its own in the list,
/// with «Клиент разрешил — продолжить», which opens the step with the client's confirmation.
#[test]
fn waiting_for_the_clients_permission_is_its_own_state() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    start(&mut h, IVIDEON);
    type_into(&mut h, "Клиент или объект *", "КПП 2");
    type_into(&mut h, "Пароль *", "pw-1");
    click(&mut h, "Сотрудник для интеграции создан в системе клиента");
    click(&mut h, "Далее");
    type_into(&mut h, "Номер аккаунта *", "123456");
    click(&mut h, "Далее");
    assert!(
        shows(&h, "Сохранить и продолжить позже"),
        "an ordinary step pauses the ordinary way"
    );
    click(&mut h, "Разработчики запустили скрипт для аккаунта 123456");
    click(&mut h, "Далее");
    assert!(!shows(&h, "Сохранить и продолжить позже"));
    click(&mut h, "Ждать разрешения клиента");
    wait_for(&mut h, "the pause", |h| shows(h, "Ждём разрешения клиента"));
    assert!(!shows(&h, "Продолжить настройку"));

    click(&mut h, "КПП 2");
    assert!(shows(&h, "Ждём разрешения клиента"), "the card says it too");
    assert!(shows(&h, "Продолжится с шага 4 из 5"));
    click(&mut h, "Клиент разрешил — продолжить");
    assert!(shows(&h, "Шаг 4 из 5"));
    click(&mut h, "Далее");
    assert!(
        shows(&h, "Отметьте, когда сделаете это."),
        "the client's tick is asked"
    );
}

/// The document's two people on two computers: the administrator ends after step 2 with
/// «Передать сотруднику ПВЗ» and gets a message (no secret) and a file; the employee opens the
/// file in their own Ключник (another data folder), goes on at step 3 and saves the token there.
#[test]
fn the_administrator_hands_a_pvz_over_and_the_employee_finishes_it_elsewhere() {
    let admin_home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut h = harness(support::ui::app_saving_to(
        admin_home.path(),
        Secrets::mock(),
        &Opened::default(),
        Some(out.path().to_owned()),
    ));
    click(&mut h, "Новое подключение");
    click(&mut h, "Я администратор Vision Ellcom (шаги 1–2)");
    type_into(&mut h, "Название ПВЗ *", "ПВЗ на Лесной, 5");
    type_into(
        &mut h,
        "E-mail субпользователя (логин) *",
        "pvz-101@example.ru",
    );
    click(&mut h, "Далее");
    assert!(shows(&h, "Шаг 2 из 4"));
    click(&mut h, "Передать сотруднику ПВЗ");
    assert!(
        shows(&h, "Отметьте, когда сделаете это."),
        "the administrator's ticks come first"
    );
    click(
        &mut h,
        "В «Доступ к камерам» выбраны только камеры ПВЗ «ПВЗ на Лесной, 5»",
    );
    click(
        &mut h,
        "В «Разрешения» установлено «Создание токена интеграции»",
    );
    click(&mut h, "Передать сотруднику ПВЗ");
    wait_for(&mut h, "the card", |h| {
        shows(h, "Передан сотруднику ПВЗ — ждёт API-токен")
    });
    assert!(shows(&h, "Продолжится с шага 3 из 4"));
    assert!(shows(&h, "Логин — pvz-101@example.ru"), "the message");
    assert!(shows(&h, "«Управление» → «Интеграции»"));
    assert!(!shows(&h, "{"), "every placeholder filled");
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.pending_step, Some(2));
    assert_eq!(c.pending_entry, Some(2));
    assert!(c.pending_confirmed.contains("1.0") && c.pending_confirmed.contains("1.1"));

    click(&mut h, "Сохранить файл для сотрудника…");
    wait_for(&mut h, "the file", |h| shows(h, "Файл сохранён"));
    let file = out.path().join("ПВЗ на Лесной, 5.klyuchnik");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("pvz-101@example.ru") && text.contains("\"pending_step\": 2"));

    // The employee's computer: the file opened with Ключник (a double-click passes its path).
    let employee_home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut config = support::ui::config(
        employee_home.path(),
        secrets.clone(),
        &Opened::default(),
        None,
        &OpenFrom::default(),
    );
    config.open_file = Some(file.clone());
    let mut h = harness(App::new(config));
    assert!(shows(&h, "Шаг 3 из 4"), "straight into the employee's step");
    assert!(
        !shows(&h, "Передать сотруднику ПВЗ"),
        "not the employee's button"
    );
    assert_eq!(
        h.get_by_label("E-mail субпользователя (логин) *")
            .value()
            .as_deref(),
        Some("pvz-101@example.ru")
    );
    click(
        &mut h,
        "Вход в Vision Ellcom под учётной записью pvz-101@example.ru выполнен",
    );
    click(&mut h, "Далее");
    type_into(&mut h, "API-токен *", "vis-token-101");
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    let list = h.state().store().unwrap().snapshot();
    assert_eq!(list.len(), 1, "completed in place");
    assert_eq!(list[0].pending_step, None);
    assert_eq!(
        secrets.get(&list[0].id, "token").unwrap().expose(),
        "vis-token-101"
    );
    secrets.delete_secret(&list[0].id, "token").unwrap();
    drop(h);

    // Opened a second time: nothing doubled, and the finished ПВЗ is not reopened.
    let mut config = support::ui::config(
        employee_home.path(),
        Secrets::mock(),
        &Opened::default(),
        None,
        &OpenFrom::default(),
    );
    config.open_file = Some(file);
    let h = harness(App::new(config));
    assert!(shows(&h, "пропущено: 1"));
    assert_eq!(h.state().store().unwrap().snapshot().len(), 1);
    assert!(h.state().draft().is_none());
}

/// «Загрузить…» with a hand-over file does the same as opening it.
#[test]
fn loading_a_hand_over_file_continues_it() {
    let home = tempfile::tempdir().unwrap();
    let mut c =
        klyuchnik::model::Connection::new("vision-ellcom", "Vision Ellcom → WB Point", "ПВЗ 7");
    c.fields =
        klyuchnik::model::Fields::from_iter([("pvz_name", "ПВЗ 7"), ("email", "pvz-7@example.ru")]);
    c.pending_step = Some(2);
    c.pending_entry = Some(2);
    c.pending_confirmed = ["1.0".to_owned(), "1.1".to_owned()].into();
    c.tables.insert(
        "cameras".to_owned(),
        vec![std::collections::BTreeMap::from([(
            "camera_name".to_owned(),
            "Касса".to_owned(),
        )])],
    );
    let file = home.path().join("ПВЗ 7.klyuchnik.json");
    std::fs::write(&file, klyuchnik::ops::transfer::export_json(&[c])).unwrap();
    let open_from = OpenFrom::default();
    *open_from.lock().unwrap() = Some(file);
    let mut h = harness(app_with_files(
        home.path(),
        Secrets::mock(),
        &Opened::default(),
        None,
        &open_from,
    ));
    click(&mut h, "Загрузить…");
    wait_for(&mut h, "the wizard", |h| shows(h, "Шаг 3 из 4"));
    assert!(h.state().draft().unwrap().confirmed.contains("1.1"));
    // What the file brought is not the user's input: leaving asks nothing and loses nothing.
    click(&mut h, "Отмена");
    assert!(!shows(&h, "Прервать настройку?"));
    assert!(h.state().draft().is_none());
    assert!(shows(&h, "Передан сотруднику ПВЗ — ждёт API-токен"));
}
