//! The four document flows mirror their source documents (`seeds/`): step counts, roles, the
//! exact screen words of the target systems, and the field rules the documents imply.
#![allow(clippy::unwrap_used)] // A panic is how a test reports failure.

use klyuchnik::flow::{Catalog, Field, FieldKind, Flow, FlowKind, SecretFormat, Step};

/// The consent link of seeds/ivideon-pass24.md.
const LINK: &str =
    "https://api.ivideon.com/auth/oauth/authorize?client_id=pass24online&response_type=code";

fn catalog() -> Catalog {
    Catalog::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn flow<'a>(catalog: &'a Catalog, id: &str) -> &'a Flow {
    let flow = catalog
        .get(id)
        .unwrap_or_else(|| panic!("flow {id} is embedded"));
    assert_eq!(flow.kind, FlowKind::Create, "{id}");
    // Only ЕИС has a public way to check a credential; the others must not pretend.
    let want = (id == "eis-token").then_some("eis");
    assert_eq!(flow.check.as_deref(), want, "{id}: online check");
    assert_eq!(flow.finish.button, "Сохранить подключение", "{id}");
    assert!(
        !flow.finish.todo.is_empty(),
        "{id}: finish lists what is left"
    );
    let name = flow.name_field.as_deref().expect("name_field");
    assert!(
        flow.field(name).is_some_and(|f| f.required),
        "{id}: the name field is required"
    );
    flow
}

fn field<'a>(flow: &'a Flow, id: &str) -> &'a Field {
    flow.field(id)
        .unwrap_or_else(|| panic!("{}: field {id}", flow.id))
}

/// The step (1-based) that declares field `id`.
fn step_of(flow: &Flow, id: &str) -> usize {
    flow.steps
        .iter()
        .position(|s| s.fields.iter().any(|f| f.id == id))
        .unwrap_or_else(|| panic!("{}: field {id} on no step", flow.id))
        + 1
}

fn step(flow: &Flow, n: usize) -> &Step {
    &flow.steps[n - 1]
}

fn field_texts(f: &Field, out: &mut Vec<String>) {
    out.push(f.label.clone());
    out.extend(f.hint.clone());
    out.extend(f.pattern_message.clone());
    out.extend(f.advise_message.clone());
    out.extend(f.choices.iter().cloned());
    out.extend(f.choice_labels.iter().cloned());
    for col in &f.columns {
        field_texts(col, out);
    }
}

/// Everything a user reads in a flow, joined.
fn texts(flow: &Flow) -> String {
    let mut out = vec![
        flow.title.clone(),
        flow.summary.clone(),
        flow.finish.title.clone(),
        flow.finish.body.clone(),
    ];
    out.extend(flow.finish.todo.iter().cloned());
    out.extend(flow.entries.iter().map(|e| e.label.clone()));
    for s in &flow.steps {
        out.push(s.title.clone());
        out.push(s.body.clone());
        out.extend(s.warning.clone());
        out.extend(s.confirm.iter().cloned());
        for l in &s.links {
            out.push(l.label.clone());
            out.push(l.url.clone());
        }
        for c in &s.copy {
            out.push(c.label.clone());
            out.push(c.text.clone());
        }
        for m in &s.mail {
            out.extend([m.label.clone(), m.subject.clone(), m.body.clone()]);
        }
        for f in &s.fields {
            field_texts(f, &mut out);
        }
    }
    out.join("\n")
}

fn assert_words(flow: &Flow, words: &[&str]) {
    let all = texts(flow);
    for w in words {
        assert!(all.contains(w), "{}: {w:?} appears nowhere", flow.id);
    }
}

fn roles(flow: &Flow) -> Vec<&str> {
    flow.steps.iter().map(|s| s.role.as_str()).collect()
}

#[test]
fn vision_ellcom_mirrors_its_four_steps_and_two_roles() {
    let catalog = catalog();
    let flow = flow(&catalog, "vision-ellcom");
    assert_eq!(flow.system, "Vision Ellcom");
    assert_eq!(flow.steps.len(), 4);
    let entries: Vec<usize> = flow.entries.iter().map(|e| e.step).collect();
    assert_eq!(entries, [1, 3]);
    assert!(flow.entries[0].label.contains("администратор"));
    assert!(flow.entries[1].label.contains("сотрудник ПВЗ"));
    let roles = roles(flow);
    assert_eq!(roles[0], roles[1], "steps 1–2: one role");
    assert!(roles[0].starts_with("Администратор"), "{}", roles[0]);
    assert_eq!(roles[2], "Сотрудник ПВЗ");
    assert_eq!(roles[3], "Сотрудник ПВЗ");

    assert_words(
        flow,
        &[
            "«Управление» → «Субпользователи»",
            "«Доступ к камерам»",
            "«Разрешения»",
            "«Создание токена интеграции»",
            "«Управление» → «Интеграции»",
            "https://vision.ellcom.ru/",
            "WB Point",
            "отдельная учётная запись",
            "только к камерам этого ПВЗ",
        ],
    );
    assert!(
        step(flow, 3)
            .links
            .iter()
            .any(|l| l.url == "https://vision.ellcom.ru/"),
        "the employee logs in from step 3"
    );

    assert_eq!(flow.name_field.as_deref(), Some("pvz_name"));
    for id in ["pvz_name", "pvz_code", "pvz_address", "email"] {
        assert_eq!(step_of(flow, id), 1, "{id}");
    }
    let email = field(flow, "email");
    assert_eq!(email.kind, FieldKind::Email);
    assert!(email.required && email.unique && email.copy);
    let cameras = field(flow, "cameras");
    assert_eq!(step_of(flow, "cameras"), 2);
    assert_eq!(cameras.kind, FieldKind::Table);
    assert!(!cameras.required);
    assert!(!cameras.columns.is_empty());
    let token = field(flow, "token");
    assert_eq!(step_of(flow, "token"), 4);
    assert_eq!(token.kind, FieldKind::Secret);
    assert!(token.required && token.unique && token.copy);
    // An employee starting at step 3 fills in what the administrator would have.
    for id in ["pvz_name", "email"] {
        assert!(
            step(flow, 3).show.iter().any(|s| s == id),
            "step 3 shows {id}"
        );
    }
}

#[test]
fn eis_token_has_one_page_per_numbered_point() {
    let catalog = catalog();
    let flow = flow(&catalog, "eis-token");
    assert_eq!(flow.system, "ЕИС");
    assert_eq!(flow.steps.len(), 5);
    for n in [3, 4] {
        assert!(
            step(flow, n).role.contains("ЕИС"),
            "step {n} is done in the ЕИС cabinet: {}",
            step(flow, n).role
        );
    }
    assert!(
        step(flow, 1)
            .title
            .contains("«Настройка взаимодействия с сервисами ЕИС»")
    );
    assert_words(
        flow,
        &[
            "«Настройка взаимодействия с сервисами ЕИС»",
            "«Сервисы РИС»",
            "«Токен для использования сервисов отдачи»",
            "«Разрешить использование сервисов отдачи»",
            "«Идентификатор»",
            "«Срок действия»",
            "ЛК Заказчика в ЕИС",
            "администратора организации",
            "«Администрирование» → «Настройка выдачи идентификатора для использования сервисов отдачи»",
            "«Доступ к использованию сервисов отдачи»",
            "«Сохранить»",
            "самый длинный срок",
            "https://zakupki.gov.ru/",
        ],
    );

    let id = field(flow, "identifier");
    assert_eq!(id.label, "Идентификатор");
    assert_eq!(id.kind, FieldKind::Secret);
    assert_eq!(id.format, Some(SecretFormat::Uuid));
    assert!(id.required && id.copy);
    let expires = field(flow, "expires");
    assert_eq!(expires.label, "Срок действия");
    assert_eq!(expires.kind, FieldKind::Date);
    assert!(expires.required && expires.future);
    assert_eq!(expires.advise_min_days, Some(365));
    assert!(
        expires
            .advise_message
            .as_deref()
            .is_some_and(|m| m.contains("самый длинный срок")),
    );
    assert_eq!(flow.expiry_field.as_deref(), Some("expires"));
    assert_eq!(step_of(flow, flow.name_field.as_deref().unwrap()), 5);
    assert!(step(flow, 5).show.iter().any(|s| s == "identifier"));
}

#[test]
fn ivideon_pass24_follows_the_document_and_ships_no_password() {
    let catalog = catalog();
    let flow = flow(&catalog, "ivideon-pass24");
    assert_eq!(flow.system, "Ivideon → PASS24.online");
    assert_eq!(flow.steps.len(), 5);
    let roles = roles(flow);
    assert!(roles[0].contains("PASS24"), "{}", roles[0]);
    assert_eq!(roles[1], "Клиент");
    assert_eq!(roles[2], "Разработчик PASS24.online");
    assert_eq!(roles[4], "Разработчик PASS24.online");

    let login = field(flow, "login");
    assert_eq!(login.kind, FieldKind::Email);
    assert_eq!(login.default.as_deref(), Some("robot@ivideon.com"));
    assert!(login.copy);
    let password = field(flow, "password");
    assert_eq!(password.kind, FieldKind::Secret);
    assert!(password.default.is_none());
    assert!(password.required && password.copy);
    assert_eq!(step_of(flow, "login"), 1);
    assert_eq!(step_of(flow, "password"), 1);
    let account = field(flow, "account");
    assert_eq!(account.label, "Номер аккаунта");
    assert_eq!(account.kind, FieldKind::Digits);
    assert!(account.required);

    let script = step(flow, 3);
    assert!(
        script.copy.iter().any(|c| c.text.contains("{account}")),
        "the command names the account"
    );
    assert!(
        script
            .body
            .contains("app/Console/Commands/IvideonConnectSystem.php")
    );

    let consent = step(flow, 4);
    assert!(consent.links.iter().any(|l| l.url == LINK));
    assert!(consent.copy.iter().any(|c| c.text == LINK));
    let mail = consent
        .mail
        .iter()
        .find(|m| m.label == "Отправить клиенту")
        .expect("mail to the client");
    let to = mail.to_field.as_deref().expect("to_field");
    assert_eq!(field(flow, to).kind, FieldKind::Email);
    assert!(!field(flow, to).required);
    assert!(mail.body.contains(LINK) && mail.body.contains("«Разрешить»"));
    assert!(
        mail.body
            .contains("«PASS24.online предоставлен доступ к событиям системы")
    );
    assert!(
        consent
            .confirm
            .iter()
            .any(|c| c.contains("PASS24.online предоставлен доступ к событиям системы"))
    );
    assert_words(
        flow,
        &[
            "«Номер аккаунта»",
            "«Разрешить»",
            "ссылку нужно отправить повторно",
            "ivideon_cameras",
            "direction",
            "forward",
            "reverse",
        ],
    );

    let directions = step(flow, 5);
    assert_eq!(
        directions.actions,
        ["ivideon_cameras", "export_sql", "export_csv"]
    );
    let cameras = field(flow, "cameras");
    assert_eq!(cameras.kind, FieldKind::Table);
    let col = |id: &str| {
        cameras
            .columns
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("column {id}"))
    };
    let camera_id = col("camera_id");
    assert_eq!(camera_id.label, "ID камеры Ivideon");
    let re = regex::Regex::new(camera_id.pattern.as_deref().unwrap()).unwrap();
    assert!(re.is_match("100-a1B2c3D4e5F6g7H8i9J0kL:0"));
    assert!(re.is_match("100-AAAAAAAAAAAAAAAAAAAAAA:12"));
    for bad in [
        "100-a1B2c3D4e5F6g7H8i9J0k:0",
        "100-a1B2c3D4e5F6g7H8i9J0kL",
        "200-a1B2c3D4e5F6g7H8i9J0kL:0",
        "100-a1B2c3D4e5F6g7H8i9J0k_:0",
    ] {
        assert!(!re.is_match(bad), "{bad}");
    }
    assert!(camera_id.pattern_message.is_some());
    assert_eq!(col("name").label, "Название");
    let direction = col("direction");
    assert_eq!(direction.kind, FieldKind::Choice);
    assert!(direction.required);
    assert_eq!(direction.choices, ["forward", "reverse"]);
    assert_eq!(
        direction.choice_label("forward"),
        "forward — камера на въезд"
    );
    assert_eq!(
        direction.choice_label("reverse"),
        "reverse — камера на выезд"
    );
}

#[test]
fn eis_bft_saves_the_password_before_moving_on() {
    let catalog = catalog();
    let flow = flow(&catalog, "eis-bft");
    assert_eq!(flow.system, "ЕИС → БФТ.Закупки");
    assert_eq!(flow.steps.len(), 10);
    let warning = step(flow, 1).warning.as_deref().expect("step 1 warns");
    assert!(
        warning
            .contains("«Данные пользователя для альтернативной интеграции (по протоколу HTTPS)»")
            && warning.contains("новый пароль"),
        "{warning}"
    );

    let at = step_of(flow, "password");
    assert_eq!(step_of(flow, "login"), at);
    let secret_step = step(flow, at);
    assert!(secret_step.save_secrets);
    assert!(
        secret_step
            .body
            .contains("«Данные пользователя для альтернативной интеграции (по протоколу HTTPS)»")
    );
    let login = field(flow, "login");
    assert_eq!(
        (login.kind, login.required, login.copy),
        (FieldKind::Text, true, true)
    );
    let password = field(flow, "password");
    assert_eq!(
        (password.kind, password.required, password.copy),
        (FieldKind::Secret, true, true)
    );
    // Everything before the password page happens in ЕИС, everything after in БФТ.Закупки.
    let roles = roles(flow);
    assert!(roles[..at].iter().all(|r| *r == roles[0]));
    assert!(roles[at..].iter().all(|r| r.contains("БФТ.Закупки")));
    assert_ne!(roles[0], roles[at]);

    assert_words(
        flow,
        &[
            "«Администратор»",
            "«Администрирование» → «Пользователи системы (организации)»",
            "регистрационные данные",
            "«Справочники» → «Администрирование» → «Учетные записи пользователя для интеграции с внешними системами»",
            "«Добавить»",
            "«Тип соединения»",
            "«Тип учетной записи»",
            "«Организационная»",
            "«Организации»",
            "«Логин»",
            "«Пароль»",
            "https://zakupki.gov.ru/",
        ],
    );
    let confirms: Vec<&str> = flow
        .steps
        .iter()
        .flat_map(|s| s.confirm.iter().map(String::as_str))
        .collect();
    for code in ["5", "6"] {
        assert!(
            confirms
                .iter()
                .any(|c| c.contains(&format!("типом соединения {code} сохранена"))),
            "a confirmation for the record with code {code}"
        );
    }

    let kind = field(flow, "account_type");
    assert_eq!(kind.label, "Тип учетной записи");
    assert_eq!(kind.kind, FieldKind::Choice);
    assert!(kind.choices.iter().any(|c| c == "Организационная"));
    let org = field(flow, "organization");
    let cond = org.required_if.as_ref().expect("required_if");
    assert_eq!(
        (cond.field.as_str(), cond.equals.as_str()),
        ("account_type", "Организационная")
    );
    assert!(
        org.hint
            .as_deref()
            .is_some_and(|h| h.contains("«Организации»"))
    );
    // The БФТ.Закупки pages after the password page have the saved values at hand.
    assert!(
        flow.steps[at..]
            .iter()
            .any(|s| s.show.iter().any(|f| f == "login") && s.show.iter().any(|f| f == "password"))
    );
}

#[test]
fn no_secret_anywhere_has_a_default() {
    let catalog = catalog();
    let mut seen = 0;
    for flow in catalog.creators() {
        for f in flow.fields() {
            let columns = f.columns.iter();
            for f in std::iter::once(f).chain(columns) {
                if f.kind == FieldKind::Secret {
                    seen += 1;
                    assert!(
                        f.default.is_none(),
                        "{}: secret {} has a default",
                        flow.id,
                        f.id
                    );
                }
            }
        }
    }
    assert!(seen >= 5, "the document flows have secrets: {seen}");
}
