//! The ЕИС token, Ivideon → PASS24.online and ЕИС → БФТ.Закупки wizards, walked by clicking
//! and typing, with their bad inputs.

use crate::support;

use chrono::{Datelike as _, Duration as Days, Local};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use klyuchnik::store::{SecretError, Secrets};
use support::ui::{
    Opened, app, app_saving_to, click, click_copy, harness, real_keyring, settle, shows, type_into,
    type_into_nth, wait_for,
};

type H = egui_kittest::Harness<'static, klyuchnik::ui::App>;

fn start(h: &mut H, title: &str) {
    click(h, "Новое подключение");
    click(h, title);
}

fn ru(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[test]
fn eis_token_identifier_and_expiry() {
    let home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    start(&mut h, "ЕИС → РИС: токен сервисов отдачи");
    assert!(shows(&h, "Шаг 1 из 5"));
    click(
        &mut h,
        "Режим «Настройка взаимодействия с сервисами ЕИС» открыт",
    );
    click(&mut h, "Далее");
    assert!(shows(&h, "«Токен для использования сервисов отдачи»"));
    click(
        &mut h,
        "Во вкладке «Сервисы РИС» установлен флаг «Разрешить использование сервисов отдачи»",
    );
    click(&mut h, "Далее");
    assert!(shows(
        &h,
        "«Настройка выдачи идентификатора для использования сервисов отдачи»"
    ));
    click(
        &mut h,
        "Раздел открыт под учётной записью администратора организации",
    );
    click(&mut h, "Далее");

    // «Идентификатор»: spaces, braces and upper case are tolerated; another shape is warned
    // about but not refused, since the document does not describe the format.
    for odd in ["12345", "3f2504e0-4f89-11d3-9a0c", "токен"] {
        type_into(&mut h, "Идентификатор *", odd);
        assert!(
            shows(&h, "«Идентификатор» ожидается в виде 8-4-4-4-12"),
            "{odd}"
        );
        // Why it is accepted anyway: under «Подробнее», in the tree once opened.
        assert!(h.query_by_label("Подробнее").is_some(), "{odd}");
    }
    type_into(
        &mut h,
        "Идентификатор *",
        " {3F2504E0-4F89-11D3-9A0C-0305E82C3301} ",
    );
    assert!(shows(&h, "Приведено к виду"));

    // «Срок действия»: a real date in the future. A short one gets no «меньше года» of
    // Ключник's own (issue 29, A2): the step says «самый длинный срок», as the document does.
    let today = Local::now().date_naive();
    for (bad, msg) in [
        ("31.02.2027", "нет в календаре"),
        ("29.02.2027", "нет в календаре"),
        (&*ru(today), "позже сегодняшнего дня"),
        ("завтра", "ДД.ММ.ГГГГ"),
    ] {
        type_into(&mut h, "Срок действия *", bad);
        assert!(shows(&h, msg), "{bad}: want {msg}");
    }
    type_into(&mut h, "Срок действия *", &ru(today + Days::days(40)));
    assert!(!shows(&h, "меньше года"), "no invented threshold");
    assert!(shows(&h, "По возможности выберите самый длинный срок"));
    // The calendar: a year ahead, the 15th.
    click(&mut h, "Календарь");
    click(&mut h, "+1 год");
    click(&mut h, "15");
    let picked = h.get_by_label("Срок действия *").value().unwrap();
    let want = (today + Days::days(40))
        .with_day(15)
        .unwrap()
        .checked_add_months(chrono::Months::new(12))
        .unwrap();
    assert_eq!(picked, ru(want));
    click(&mut h, "Далее");

    assert!(shows(&h, "Шаг 5 из 5"));
    assert_eq!(
        h.get_by_label("Срок действия *").value().unwrap(),
        ru(want),
        "shown again for the РИС form"
    );
    let copied = click_copy(&mut h, "Копировать", 0);
    assert_eq!(
        copied.as_deref(),
        Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
    );
    type_into(&mut h, "Название подключения в Ключнике *", "ЕИС — РИС");
    click(
        &mut h,
        "В РИС заполнены «Идентификатор» и «Срок действия», нажата кнопка «Сохранить»",
    );
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| shows(h, "Подключение сохранено"));
    assert!(
        shows(&h, &format!("до {}", ru(want))),
        "the finish page shows the date as people write it"
    );
    // A key with an expiry date: reminders when Ключник is closed are on by default.
    let entry = home
        .path()
        .join("config/autostart/klyuchnik-reminders.desktop");
    wait_for(&mut h, "reminders switched on", |h| {
        shows(h, "включены: автозапуск при входе")
    });
    assert!(entry.exists(), "the autostart entry is written");
    let checkbox = "Напоминать о сроках, даже когда Ключник закрыт";
    assert_eq!(
        h.get_by_label(checkbox).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );
    // Unticked: switched off at once, and not switched on again behind the user's back.
    click(&mut h, checkbox);
    wait_for(&mut h, "reminders switched off", |h| {
        shows(h, "Напоминания выключены")
    });
    assert!(!entry.exists());
    h.run_steps(5);
    assert!(!entry.exists(), "the default applies once");
    click(&mut h, checkbox);
    wait_for(&mut h, "reminders on again", |h| {
        shows(h, "включены: автозапуск")
    });

    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(
        c.expires,
        Some(want),
        "the expiry is saved with the connection"
    );
    assert_eq!(
        secrets.get(&c.id, "identifier").unwrap().expose(),
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    );
    click(&mut h, "К списку подключений");
    assert!(shows(&h, &format!("до {}", ru(want))));
    secrets.delete_secret(&c.id, "identifier").unwrap();
}

const CAM0: &str = "100-AbCdEfGhIjKlMnOpQrSt12:0";
const CAM1: &str = "100-AbCdEfGhIjKlMnOpQrSt12:1";

#[test]
fn ivideon_pass24_from_employee_to_camera_directions() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let opened = Opened::default();
    let secrets = real_keyring();
    let mut h = harness(app_saving_to(
        home.path(),
        secrets.clone(),
        &opened,
        Some(out.path().to_owned()),
    ));
    start(&mut h, "Ivideon → PASS24.online: камеры клиента");
    assert_eq!(
        h.get_by_label("Логин *").value().as_deref(),
        Some("robot@ivideon.com"),
        "editable default login"
    );
    assert_eq!(
        h.get_by_label("Пароль *").value().unwrap_or_default(),
        "",
        "no password ships with the app"
    );
    type_into(&mut h, "Клиент или объект *", "ЖК «Сосны»");
    click(&mut h, "Сотрудник для интеграции создан в системе клиента");
    click(&mut h, "Далее");
    assert!(shows(&h, "Заполните поле «Пароль»."));
    type_into(&mut h, "Пароль *", "s3cret-Pa55");
    click(&mut h, "Далее");

    // The number's format is a guess: another shape is warned about, and the user goes on.
    type_into(&mut h, "Номер аккаунта *", "12a45");
    assert!(shows(&h, "В поле «Номер аккаунта» ожидаются только цифры."));
    assert!(shows(&h, "Обратите внимание"));
    // One sentence in the frame; why it is accepted anyway is under «Подробнее».
    assert!(!shows(&h, "предположение Ключника"));
    click(&mut h, "Подробнее");
    assert!(shows(&h, "предположение Ключника"));
    type_into(&mut h, "Номер аккаунта *", "123456");
    assert!(!shows(&h, "предположение Ключника"));
    click(&mut h, "Далее");

    // The operator passes the account number on; the script the document names is for the
    // developers, under «Для разработчиков» — no made-up command.
    assert!(shows(&h, "Выполняет: Сотрудник техподдержки PASS24.online"));
    assert!(!shows(&h, "IvideonConnectSystem.php"), "closed at first");
    click(&mut h, "Для разработчиков");
    assert!(shows(&h, "IvideonConnectSystem.php"));
    assert!(!shows(&h, "artisan"));
    let copied = click_copy(&mut h, "Копировать", 0);
    assert_eq!(copied.as_deref(), Some("123456"), "the account number");
    let copied = click_copy(&mut h, "Копировать", 1);
    assert_eq!(
        copied.as_deref(),
        Some("app/Console/Commands/IvideonConnectSystem.php")
    );
    click(&mut h, "Разработчики запустили скрипт для аккаунта 123456");
    click(&mut h, "Далее");

    let link =
        "https://api.ivideon.com/auth/oauth/authorize?client_id=pass24online&response_type=code";
    assert!(
        shows(&h, "ссылку нужно отправить"),
        "the e-mail-change note"
    );
    type_into(&mut h, "E-mail клиента", "client@example.ru");
    assert!(shows(
        &h,
        "на вашем компьютере это обычно не аккаунт клиента"
    ));
    click(&mut h, "Открыть ссылку на этом компьютере");
    click(&mut h, "Отправить клиенту");
    let opened_now = opened.lock().unwrap().clone();
    assert_eq!(opened_now[0], link);
    let mail = &opened_now[1];
    assert!(
        mail.starts_with("mailto:client@example.ru?subject="),
        "{mail}"
    );
    let (_, body) = mail.split_once("&body=").unwrap();
    let body = percent_encoding::percent_decode_str(body)
        .decode_utf8()
        .unwrap();
    assert!(
        body.contains(link) && body.contains("«Разрешить»"),
        "{body}"
    );
    assert!(body.contains("\r\n"), "lines end in CRLF");
    assert_eq!(click_copy(&mut h, "Копировать", 0).as_deref(), Some(link));
    click(
        &mut h,
        "Клиент нажал «Разрешить» и увидел сообщение «PASS24.online предоставлен доступ к событиям системы …»",
    );
    click(&mut h, "Далее");

    // Camera directions: pasted as a list, with a hostile name and a row without an id first.
    // The table and column names are the developers' business.
    assert!(!shows(&h, "ivideon_cameras"));
    click(&mut h, "Для разработчиков");
    assert!(shows(&h, "ivideon_cameras"));
    click(&mut h, "Вставить список");
    type_into(
        &mut h,
        "По одной строке на запись, значения через табуляцию, «;» или «,» в порядке: ID камеры Ivideon · Название · Направление. Можно скопировать из Excel.",
        &format!("{CAM0};Въезд O'Brien \"главный\";въезд\n;Выезд;выезд"),
    );
    click(&mut h, "Добавить строки из списка");
    click(&mut h, "Сохранить подключение");
    assert!(
        shows(&h, "Строка 2:"),
        "the missing camera id is named with its row"
    );
    click(&mut h, "Сохранить SQL-скрипт…");
    assert!(
        shows(&h, "Не сохранено: Строка 2:"),
        "a bad row is not exported"
    );
    // Cells are named after their table: id, name and direction per row. The id's shape is
    // known only from samples: an unusual one is pointed out, not refused.
    type_into_nth(&mut h, "Камеры и их направление *", 3, "100-bad");
    assert!(shows(
        &h,
        "Строка 2, «ID камеры Ivideon»: Обратите внимание"
    ));
    type_into_nth(&mut h, "Камеры и их направление *", 3, CAM1);
    assert!(!shows(&h, "Строка 2, «ID камеры Ivideon»"));
    assert!(
        !shows(&h, "Не сохранено: Строка 2:"),
        "the refusal goes once the row is fixed"
    );
    // The document names no key column: the export asks for it, refuses a bad name next to
    // the field, and remembers a good one.
    click(&mut h, "Сохранить SQL-скрипт…");
    assert!(shows(&h, "Выгрузка команд SQL"));
    assert!(shows(&h, "уточните у разработчиков PASS24.online"));
    assert!(
        h.get_by_label("Столбец с ID камеры Ivideon *")
            .value()
            .unwrap_or_default()
            .is_empty(),
        "nothing is guessed"
    );
    type_into(&mut h, "Столбец с ID камеры Ivideon *", "camera id");
    assert!(shows(&h, "Имя столбца пишется латинскими буквами"));
    type_into(&mut h, "Столбец с ID камеры Ivideon *", "ivideon_id");
    click(&mut h, "Выбрать файл и сохранить");
    wait_for(&mut h, "the SQL export", |h| shows(h, "Сохранено:"));
    let sql = std::fs::read_to_string(out.path().join("ivideon_cameras_direction.sql")).unwrap();
    assert!(sql.contains(&format!("UPDATE ivideon_cameras SET direction = 'forward' WHERE ivideon_id = '{CAM0}'; -- Въезд O'Brien \"главный\"")), "{sql}");
    assert!(
        sql.contains(&format!(
            "SET direction = 'reverse' WHERE ivideon_id = '{CAM1}';"
        )),
        "{sql}"
    );
    assert!(sql.contains("-- Номер аккаунта Ivideon: 123456"));
    assert!(
        sql.contains("Столбец с ID камеры (ivideon_id) указан при выгрузке"),
        "the header says what was assumed: {sql}"
    );
    click(&mut h, "Сохранить SQL-скрипт…");
    assert_eq!(
        h.get_by_label("Столбец с ID камеры Ivideon *")
            .value()
            .as_deref(),
        Some("ivideon_id"),
        "remembered"
    );
    click(&mut h, "Не выгружать");
    assert!(!shows(&h, "Выгрузка команд SQL"));
    click(&mut h, "Сохранить файл для разработчиков (CSV)…");
    wait_for(&mut h, "the CSV export", |h| {
        shows(h, "ivideon_cameras_direction.csv")
    });
    let csv = std::fs::read_to_string(out.path().join("ivideon_cameras_direction.csv")).unwrap();
    assert!(csv.contains(&format!("{CAM1};Выезд;reverse")), "{csv}");

    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| shows(h, "Подключение сохранено"));
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.name, "ЖК «Сосны»");
    assert_eq!(&c.fields["login"], "robot@ivideon.com");
    assert_eq!(&c.fields["account"], "123456");
    let dirs: Vec<_> = c.tables["cameras"]
        .iter()
        .map(|r| (r["camera_id"].as_str(), r["direction"].as_str()))
        .collect();
    assert_eq!(dirs, [(CAM0, "forward"), (CAM1, "reverse")]);
    assert_eq!(
        secrets.get(&c.id, "password").unwrap().expose(),
        "s3cret-Pa55"
    );
    let meta = std::fs::read_to_string(home.path().join("connections.json")).unwrap();
    assert!(!meta.contains("s3cret-Pa55"));
    secrets.delete_secret(&c.id, "password").unwrap();
}

/// Steps 1–4 of ЕИС → БФТ; stops after the password was saved early and the wizard moved on.
fn bft_through_password(h: &mut H) {
    start(h, "ЕИС → БФТ.Закупки: учётные записи для интеграции");
    assert!(shows(h, "новый пароль"), "the warning comes first");
    click(
        h,
        "Вход на портал закупок выполнен с полномочиями «Администратор»",
    );
    click(
        h,
        "Я понимаю, что при повторном открытии ссылки создаётся новый пароль",
    );
    click(h, "Далее");
    click(h, "Список «Пользователи системы (организации)» открыт");
    click(h, "Далее");
    click(h, "Регистрационные данные пользователя открыты");
    click(h, "Далее");
    assert!(shows(h, "Шаг 4 из 10"));
    type_into(h, "Логин *", "bft_integration");
    type_into(h, "Пароль *", "Gen3rated!pw");
    click(h, "Далее");
    wait_for(h, "the early save", |h| shows(h, "Шаг 5 из 10"));
}

#[test]
fn eis_bft_saves_the_password_before_moving_on_and_survives_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    bft_through_password(&mut h);
    let id = h.state().draft().unwrap().connection_id.clone();
    assert_eq!(
        secrets.get(&id, "password").unwrap().expose(),
        "Gen3rated!pw",
        "in the keyring already"
    );
    h.state().persist_draft();
    drop(h);
    let draft = std::fs::read_to_string(home.path().join("draft.json")).unwrap();
    assert!(!draft.contains("Gen3rated!pw"));

    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    assert!(shows(&h, "Шаг 5 из 10"));
    click(&mut h, "Список справочника открыт");
    click(&mut h, "Далее");
    click(&mut h, "Форма новой записи открыта");
    click(&mut h, "Далее");
    click(&mut h, "В поле «Тип соединения» выбран код 5");
    click(&mut h, "Далее");

    assert!(shows(&h, "Шаг 8 из 10"));
    // A type the document does not name is typed as the БФТ list shows it.
    click(&mut h, "Тип учетной записи *");
    click(&mut h, "Другой тип — вписать, как в списке БФТ.Закупки");
    type_into(
        &mut h,
        "Тип учетной записи — впишите точно как в списке:",
        "Личная",
    );
    assert_eq!(h.state().draft().unwrap().values["account_type"], "Личная");
    assert!(shows(&h, "Организация"), "optional for another type");
    assert!(!shows(&h, "Организация *"));
    // Back to the documented type: the typed one is replaced.
    click(&mut h, "Тип учетной записи *");
    click(&mut h, "Организационная");
    assert!(
        h.query_by_label("Тип учетной записи — впишите точно как в списке:")
            .is_none()
    );
    assert!(
        shows(&h, "Организация *"),
        "required once «Организационная» is chosen"
    );
    click(&mut h, "Далее");
    assert!(shows(&h, "Заполните поле «Организация»."));
    type_into(&mut h, "Организация *", "МБУ «Школа № 5»");
    click(&mut h, "Далее");

    assert!(shows(&h, "Шаг 9 из 10"));
    wait_for(&mut h, "the password back from the keyring", |h| {
        h.state()
            .draft()
            .is_some_and(|d| d.secrets.get("password").is_some_and(|s| !s.is_empty()))
    });
    assert_eq!(
        click_copy(&mut h, "Копировать", 0).as_deref(),
        Some("bft_integration")
    );
    assert_eq!(
        click_copy(&mut h, "Копировать", 1).as_deref(),
        Some("Gen3rated!pw")
    );
    click(&mut h, "Запись с типом соединения 5 сохранена");
    click(&mut h, "Далее");
    click(&mut h, "Запись с типом соединения 6 сохранена");
    type_into(&mut h, "Название подключения в Ключнике *", "БФТ — школа 5");
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| shows(h, "Подключение сохранено"));
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.id, id, "filed under the id the password was saved with");
    assert_eq!(c.secrets, ["password"]);
    assert_eq!(&c.fields["account_type"], "Организационная");
    assert_eq!(&c.fields["organization"], "МБУ «Школа № 5»");
    assert_eq!(
        secrets.get(&id, "password").unwrap().expose(),
        "Gen3rated!pw"
    );
    secrets.delete_secret(&id, "password").unwrap();
}

#[test]
fn abandoning_bft_after_the_early_save_removes_the_password() {
    let home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    bft_through_password(&mut h);
    let id = h.state().draft().unwrap().connection_id.clone();
    click(&mut h, "Отмена");
    assert!(
        shows(&h, "будут удалены"),
        "the cancel dialog says the saved password goes too"
    );
    click(&mut h, "Прервать");
    wait_for(&mut h, "the keyring cleanup", |h| !h.state().is_busy());
    settle(&mut h);
    assert!(matches!(
        secrets.get(&id, "password"),
        Err(SecretError::Missing(_))
    ));
    assert!(h.state().store().unwrap().snapshot().is_empty());
}

#[test]
fn without_a_keyring_the_bft_password_step_does_not_move_on() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(
        home.path(),
        Secrets::open(Some("none")),
        &Opened::default(),
    ));
    start(&mut h, "ЕИС → БФТ.Закупки: учётные записи для интеграции");
    click(
        &mut h,
        "Вход на портал закупок выполнен с полномочиями «Администратор»",
    );
    click(
        &mut h,
        "Я понимаю, что при повторном открытии ссылки создаётся новый пароль",
    );
    click(&mut h, "Далее");
    click(&mut h, "Список «Пользователи системы (организации)» открыт");
    click(&mut h, "Далее");
    click(&mut h, "Регистрационные данные пользователя открыты");
    click(&mut h, "Далее");
    type_into(&mut h, "Логин *", "bft_integration");
    type_into(&mut h, "Пароль *", "Gen3rated!pw");
    click(&mut h, "Далее");
    wait_for(&mut h, "the keyring error", |h| {
        shows(h, "Хранилище паролей системы недоступно")
    });
    assert!(shows(&h, "Шаг 4 из 10"), "stays until the password is safe");
    assert_eq!(
        h.state().draft().unwrap().secrets["password"].expose(),
        "Gen3rated!pw",
        "what was typed stays"
    );
}

/// Opens the app on a wizard resumed at `step` (0-based) with these values: a short way to a
/// late page (resuming itself is tested on its own).
fn resumed_at(
    home: &std::path::Path,
    secrets: Secrets,
    flow: &str,
    step: usize,
    values: &serde_json::Value,
    confirmed: &[&str],
) -> H {
    let draft = serde_json::json!({
        "flow": flow, "step": step, "connection_id": uuid::Uuid::new_v4().to_string(),
        "values": values, "confirmed": confirmed,
    });
    std::fs::write(home.join("draft.json"), draft.to_string()).unwrap();
    harness(app(home, secrets, &Opened::default()))
}

#[test]
fn eis_token_is_followed_by_its_expiry_and_sent_nowhere() {
    let home = tempfile::tempdir().unwrap();
    let expires = ru(Local::now().date_naive() + Days::days(400));
    let mut h = resumed_at(
        home.path(),
        Secrets::mock(),
        "eis-token",
        4,
        &serde_json::json!({"expires": expires}),
        &["0.0", "1.0", "2.0"],
    );
    assert!(shows(&h, "Шаг 5 из 5"));
    assert!(shows(&h, "спросить ЕИС вместо РИС он не может"));
    assert!(h.query_by_label("Проверить").is_none(), "no check button");
    assert!(h.query_by_label("Адрес сервисов ЕИС *").is_none());
    // An identifier of another shape is not refused: the document does not describe it.
    type_into(&mut h, "Идентификатор *", "ИД-2026/17");
    assert!(shows(&h, "Обратите внимание"));
    // One sentence in the frame; why it is accepted anyway is under «Подробнее».
    assert!(!shows(&h, "предположение Ключника"));
    click(&mut h, "Подробнее");
    assert!(shows(&h, "предположение Ключника"));
    type_into(&mut h, "Идентификатор *", support::TOKEN);
    assert!(!shows(&h, "предположение Ключника"));
}

#[test]
fn ivideon_table_fills_from_the_account() {
    let items = r#"{"success":true,"result":{"items":[{"id":"100-AbCdEfGhIjKlMnOpQrSt12:0","name":"Въезд"},{"id":"100-AbCdEfGhIjKlMnOpQrSt12:1","name":"Выезд"}]}}"#;
    let api = support::serve(support::Reply::json(200, items));
    let home = tempfile::tempdir().unwrap();
    let values = serde_json::json!({"client": "ЖК", "login": "robot@ivideon.com", "account": "123456", "api_host": api.url});
    let mut h = resumed_at(
        home.path(),
        Secrets::mock(),
        "ivideon-pass24",
        4,
        &values,
        &["0.0", "2.0", "3.0"],
    );
    assert!(shows(&h, "Шаг 5 из 5"));
    assert!(
        !shows(&h, "Заполнить из аккаунта Ivideon"),
        "a developer's tool, closed"
    );
    click(&mut h, "Для разработчиков");
    assert!(
        shows(&h, "Нужны токен доступа Ivideon и адрес API Ivideon"),
        "without a token the table is filled by hand"
    );
    type_into(
        &mut h,
        "Токен доступа Ivideon (необязательно)",
        "100-access-token",
    );
    click(&mut h, "Заполнить из аккаунта Ivideon");
    wait_for(&mut h, "the camera list", |h| {
        shows(h, "Камер в аккаунте: 2, добавлено в таблицу: 2")
    });
    let rows = &h.state().draft().unwrap().tables["cameras"];
    let ids: Vec<_> = rows.iter().map(|r| r["camera_id"].as_str()).collect();
    assert_eq!(ids, [CAM0, CAM1]);
    assert!(
        api.requests()[0]
            .path
            .contains("access_token=100-access-token")
    );
    // Again: nothing is added twice.
    click(&mut h, "Заполнить из аккаунта Ivideon");
    wait_for(&mut h, "the second read", |h| {
        shows(h, "добавлено в таблицу: 0")
    });
    assert_eq!(h.state().draft().unwrap().tables["cameras"].len(), 2);
}

/// Issue 29, A7: «Камер в аккаунте» counts the whole account, read page by page; when Ivideon
/// stops giving new cameras after a full page, the wizard says the list may not be all.
#[test]
fn ivideon_table_fills_past_the_first_hundred_and_says_when_it_may_not_be_all() {
    let fill = |api: &support::Server| {
        let home = tempfile::tempdir().unwrap();
        let values = serde_json::json!({"client": "ЖК", "login": "robot@ivideon.com", "account": "123456", "api_host": api.url});
        let mut h = resumed_at(
            home.path(),
            Secrets::mock(),
            "ivideon-pass24",
            4,
            &values,
            &["0.0", "2.0", "3.0"],
        );
        click(&mut h, "Для разработчиков");
        type_into(
            &mut h,
            "Токен доступа Ivideon (необязательно)",
            "100-access-token",
        );
        click(&mut h, "Заполнить из аккаунта Ivideon");
        (home, h)
    };
    let api = support::serve(support::ivideon_account(150, 100));
    let (_home, mut h) = fill(&api);
    wait_for(&mut h, "the camera list", |h| {
        shows(h, "Камер в аккаунте: 150, добавлено в таблицу: 150")
    });
    assert_eq!(h.state().draft().unwrap().tables["cameras"].len(), 150);

    let items: Vec<serde_json::Value> = (0..100)
        .map(|n| serde_json::json!({"id": support::ivideon_camera_id(n), "name": "к"}))
        .collect();
    let page = serde_json::json!({"success": true, "result": {"items": items}}).to_string();
    let api = support::serve(support::Reply::json(200, &page));
    let (_home, mut h) = fill(&api);
    wait_for(&mut h, "the camera list", |h| {
        shows(h, "Ivideon отдал камер: 100, добавлено в таблицу: 100")
    });
    assert!(shows(&h, "Это могут быть не все камеры аккаунта"));
    assert!(!shows(&h, "Камер в аккаунте"));
}

/// A chooser card is one button: a click on its description starts the flow, as a click on its
/// title does; «Начать как» buttons inside it keep their own meaning.
#[test]
fn a_click_anywhere_on_a_chooser_card_starts_its_flow() {
    let home = tempfile::tempdir().unwrap();
    let mut h = support::ui::harness(support::ui::app(
        home.path(),
        klyuchnik::store::Secrets::mock(),
        &support::ui::Opened::default(),
    ));
    support::ui::click(&mut h, "Новое подключение");
    let catalog = klyuchnik::flow::Catalog::embedded().unwrap();
    let flow = catalog.get("eis-token").unwrap();
    h.get_by_label_contains(&flow.summary).click();
    support::ui::settle(&mut h);
    assert!(
        support::ui::shows(&h, "Шаг 1 из"),
        "the card's text started the wizard"
    );
    assert_eq!(h.state().draft().unwrap().flow, "eis-token");
}

/// A browser or mail program that does not open is said on the screen, with what to take
/// elsewhere and «Копировать» (it used to go to the log only).
#[test]
fn a_browser_or_mail_program_that_does_not_open_is_reported_with_a_copy() {
    let home = tempfile::tempdir().unwrap();
    let draft = serde_json::json!({
        "flow": "ivideon-pass24", "step": 3, "connection_id": uuid::Uuid::new_v4().to_string(),
        "values": {"client": "ЖК", "account": "123456"}, "confirmed": ["0.0", "2.0"],
    });
    std::fs::write(home.path().join("draft.json"), draft.to_string()).unwrap();
    let mut config = support::ui::config(
        home.path(),
        Secrets::mock(),
        &Opened::default(),
        None,
        &std::sync::Arc::default(),
    );
    config.opener = std::sync::Arc::new(|_| Err("no program".to_owned()));
    let mut h = harness(klyuchnik::ui::App::new(config));
    assert!(shows(&h, "Шаг 4 из 5"));
    click(&mut h, "Отправить клиенту");
    assert!(shows(&h, "Почтовая программа не открылась"));
    assert!(shows(
        &h,
        "Тема: PASS24.online: разрешите доступ к камерам Ivideon"
    ));
    click(&mut h, "Открыть ссылку на этом компьютере");
    assert!(shows(
        &h,
        "Браузер не открылся. Откройте этот адрес в браузере сами:"
    ));
    assert!(
        !shows(&h, "Почтовая программа не открылась"),
        "one report at a time"
    );
}
