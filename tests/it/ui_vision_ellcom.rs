//! Vision Ellcom → WB Point: the administrator's part, the ПВЗ employee's part, one account and
//! one token per ПВЗ.

use crate::support;

use egui_kittest::kittest::Queryable as _;
use klyuchnik::store::Secrets;
use support::ui::{
    Opened, app, click, click_copy, harness, real_keyring, shows, type_into, type_into_nth,
    wait_for,
};

const PVZ: &str = "Название ПВЗ *";
const EMAIL: &str = "E-mail субпользователя (логин) *";
const TOKEN: &str = "API-токен *";
const ADMIN: &str = "Я администратор Vision Ellcom (шаги 1–2)";
const EMPLOYEE: &str = "Я сотрудник ПВЗ (шаги 3–4)";
const VISION_TOKEN: &str = "vis-7Hq2-PVZ101-token";

type H = egui_kittest::Harness<'static, klyuchnik::ui::App>;

fn open_picker(h: &mut H) {
    click(h, "Новое подключение");
}

/// The ПВЗ employee's part from step 3; leaves the wizard on its finish page.
fn employee_part(h: &mut H, pvz: &str, email: &str, token: &str) {
    open_picker(h);
    click(h, EMPLOYEE);
    assert!(shows(h, "Шаг 3 из 4"));
    type_into(h, PVZ, pvz);
    type_into(h, EMAIL, email);
    click(
        h,
        &format!("Вход в Vision Ellcom под учётной записью {email} выполнен"),
    );
    click(h, "Далее");
    assert!(shows(h, "Шаг 4 из 4"));
    type_into(h, TOKEN, token);
}

#[test]
fn administrator_and_employee_walk_all_four_steps() {
    let home = tempfile::tempdir().unwrap();
    let opened = Opened::default();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &opened));
    open_picker(&mut h);
    click(&mut h, ADMIN);
    assert!(shows(&h, "Шаг 1 из 4"));
    assert!(shows(&h, "«Управление» → «Субпользователи»"));
    click(&mut h, "Открыть Vision Ellcom");
    assert_eq!(
        opened.lock().unwrap().as_slice(),
        ["https://vision.ellcom.ru/"]
    );
    type_into(&mut h, PVZ, "ПВЗ на Лесной, 5");
    type_into(&mut h, "Код ПВЗ", "101");
    type_into(&mut h, EMAIL, "pvz-101");
    assert!(
        shows(&h, "name@example.ru"),
        "a malformed e-mail is explained"
    );
    click(&mut h, "Далее");
    assert!(shows(&h, "Шаг 1 из 4"));
    type_into(&mut h, EMAIL, "pvz-101@example.ru");
    let copied = click_copy(&mut h, "Копировать", 0);
    assert_eq!(copied.as_deref(), Some("pvz-101@example.ru"));
    click(&mut h, "Далее");

    assert!(shows(&h, "Шаг 2 из 4"));
    assert!(shows(&h, "«Создание токена интеграции»"));
    type_into_nth(&mut h, "Камеры ПВЗ", 0, "Касса");
    click(&mut h, "Добавить строку");
    type_into_nth(&mut h, "Камеры ПВЗ", 1, "Склад");
    click(&mut h, "Далее");
    assert!(shows(&h, "Отметьте, когда сделаете это."));
    click(
        &mut h,
        "В «Доступ к камерам» выбраны только камеры ПВЗ «ПВЗ на Лесной, 5»",
    );
    click(
        &mut h,
        "В «Разрешения» установлено «Создание токена интеграции»",
    );
    click(&mut h, "Далее");

    assert!(shows(&h, "Шаг 3 из 4"));
    assert!(shows(&h, "Выполняет: Сотрудник ПВЗ"));
    assert_eq!(
        h.get_by_label(EMAIL).value().as_deref(),
        Some("pvz-101@example.ru"),
        "shown again for the employee"
    );
    click(
        &mut h,
        "Вход в Vision Ellcom под учётной записью pvz-101@example.ru выполнен",
    );
    click(&mut h, "Далее");

    assert!(shows(&h, "«Управление» → «Интеграции»"));
    type_into(&mut h, TOKEN, &format!(" {VISION_TOKEN} "));
    let copied = click_copy(&mut h, "Копировать", 0);
    assert_eq!(
        copied.as_deref(),
        Some(VISION_TOKEN),
        "the trimmed token is handed to WB Point"
    );
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    assert!(shows(&h, "Введите API-токен в системе WB Point"));
    assert!(
        shows(
            &h,
            "Проверки онлайн нет. Способ проверить API-токен Vision Ellcom Ключнику не известен"
        ),
        "no fake green tick for a service without a check, and the flow's own reason"
    );
    // Issue 29, A5: not a claim that the system has no open way to check.
    assert!(!shows(&h, "нет открытого способа проверки"));

    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(c.name, "ПВЗ на Лесной, 5");
    assert_eq!(&c.fields["email"], "pvz-101@example.ru");
    assert_eq!(&c.fields["pvz_code"], "101");
    let cams: Vec<_> = c.tables["cameras"]
        .iter()
        .map(|r| r["camera_name"].as_str())
        .collect();
    assert_eq!(cams, ["Касса", "Склад"]);
    assert_eq!(secrets.get(&c.id, "token").unwrap().expose(), VISION_TOKEN);
    secrets.delete_secret(&c.id, "token").unwrap();
}

#[test]
fn employee_starts_at_step_three_without_the_administrators_ticks() {
    let home = tempfile::tempdir().unwrap();
    let mut h = harness(app(home.path(), Secrets::mock(), &Opened::default()));
    employee_part(&mut h, "ПВЗ у метро", "pvz-202@example.ru", VISION_TOKEN);
    assert!(
        shows(
            &h,
            "1. Создайте субпользователя для ПВЗ (Администратор Vision Ellcom)"
        ),
        "earlier steps are marked as the admin's"
    );
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    let c = h.state().store().unwrap().snapshot()[0].clone();
    assert_eq!(
        (c.name.as_str(), &c.fields["email"]),
        ("ПВЗ у метро", "pvz-202@example.ru")
    );
}

#[test]
fn warns_when_an_email_or_token_is_already_used_by_another_pvz() {
    let home = tempfile::tempdir().unwrap();
    let secrets = real_keyring();
    let mut h = harness(app(home.path(), secrets.clone(), &Opened::default()));
    employee_part(&mut h, "Первый ПВЗ", "shared@example.ru", VISION_TOKEN);
    click(&mut h, "Сохранить подключение");
    wait_for(&mut h, "saving", |h| {
        shows(h, "ПВЗ подключён к Vision Ellcom")
    });
    click(&mut h, "К списку подключений");

    open_picker(&mut h);
    click(&mut h, EMPLOYEE);
    type_into(&mut h, PVZ, "Второй ПВЗ");
    type_into(&mut h, EMAIL, "Shared@example.ru");
    assert!(
        shows(&h, "уже используется в подключении «Первый ПВЗ»"),
        "same e-mail, any case"
    );
    type_into(&mut h, EMAIL, "own@example.ru");
    assert!(!shows(&h, "уже используется"));
    click(
        &mut h,
        "Вход в Vision Ellcom под учётной записью own@example.ru выполнен",
    );
    click(&mut h, "Далее");
    type_into(&mut h, TOKEN, VISION_TOKEN);
    wait_for(&mut h, "the token comparison", |h| {
        shows(h, "«API-токен» уже используется в подключении «Первый ПВЗ»")
    });
    type_into(&mut h, TOKEN, "a-different-token");
    wait_for(&mut h, "the warning to go", |h| {
        !shows(h, "уже используется")
    });
    for c in h.state().store().unwrap().snapshot().iter() {
        secrets.delete_secret(&c.id, "token").unwrap();
    }
}
