//! Flow files: the embedded ones load, and a bad file is rejected with a precise message.

use klyuchnik::flow::{Catalog, FieldKind, FlowKind};

const GOOD: &str = r#"
id = "demo"
title = "Демо"
system = "Демо"
summary = "Проверочный поток"
name_field = "name"
unchecked_note = "Проверить нельзя"

[[steps]]
title = "Первый шаг"
role = "Администратор"
body = "Текст {address}"

[[steps.fields]]
id = "address"
label = "Адрес"
kind = "url"

[[steps.fields]]
id = "name"
label = "Название"
kind = "text"
required = true

[finish]
button = "Сохранить подключение"
title = "Готово"
"#;

fn load(text: &str) -> Result<Catalog, String> {
    Catalog::from_files([("flows/demo.toml".to_owned(), text)]).map_err(|e| e.to_string())
}

/// Replaces `from` with `to` in the good flow and returns the error message.
fn broken(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "test bug: {from:?} not in the sample");
    load(&GOOD.replacen(from, to, 1)).expect_err("must be rejected")
}

#[test]
fn embedded_flows_load_and_secrets_have_no_defaults() {
    let catalog = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    let elma = catalog.get("elma365").expect("elma365 flow");
    assert_eq!(elma.kind, FlowKind::Create);
    assert_eq!(elma.check.as_deref(), Some("elma365"));
    assert!(
        catalog.remover_for("elma365").is_some(),
        "ELMA365 has a delete-token flow"
    );
    for flow in catalog.creators() {
        for field in flow.fields() {
            if field.kind == FieldKind::Secret {
                assert!(
                    field.default.is_none(),
                    "{}: secret {} has a default",
                    flow.id,
                    field.id
                );
            }
        }
    }
}

#[test]
fn the_sample_is_valid() {
    load(GOOD).expect("valid sample");
}

#[test]
fn syntax_error_names_the_file_and_line() {
    let msg = load("id = \"demo\"\ntitle = ").unwrap_err();
    assert!(
        msg.starts_with("flows/demo.toml: файл не разбирается"),
        "{msg}"
    );
    assert!(msg.contains("line 2"), "{msg}");
}

#[test]
fn unknown_keys_and_kinds_are_rejected() {
    let msg = broken("kind = \"url\"", "kind = \"telephone\"");
    assert!(
        msg.contains("flows/demo.toml") && msg.contains("telephone"),
        "{msg}"
    );
    let msg = broken("body = ", "boddy = ");
    assert!(msg.contains("boddy"), "{msg}");
}

#[test]
fn errors_name_the_step_and_the_problem() {
    let cases = [
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"secret\"\nrequired = true\ndefault = \"hunter2\"",
            "секретного поля не может быть значения по умолчанию",
        ),
        (
            "id = \"name\"",
            "id = \"address\"",
            "поле «address» уже объявлено раньше",
        ),
        (
            "kind = \"url\"",
            "kind = \"choice\"",
            "у поля выбора нет choices",
        ),
        (
            "kind = \"url\"",
            "kind = \"table\"",
            "у таблицы нет columns",
        ),
        (
            "kind = \"url\"",
            "kind = \"url\"\npattern = \"(\"\npattern_message = \"x\"\nsource = \"document\"",
            "pattern не разбирается",
        ),
        (
            "kind = \"url\"",
            "kind = \"url\"\npattern = \"x\"\nsource = \"document\"",
            "нужен pattern_message",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"Текст {adress}\"",
            "{adress}: такого поля нет",
        ),
        (
            "body = \"Текст {address}\"",
            "actions = [\"launch\"]",
            "неизвестное действие «launch»",
        ),
        (
            "body = \"Текст {address}\"",
            "actions = [\"check\"]",
            "требует check",
        ),
        ("role = \"Администратор\"", "role = \"\"", "title и role"),
        ("id = \"address\"", "id = \"Адрес\"", "строчными латинскими"),
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"date\"\nrequired = true\ndefault = \"31.02.2027\"\nsource = \"document\"",
            "нет в календаре",
        ),
        // Every fact carries its source; a guess is never a button.
        (
            "kind = \"url\"",
            "kind = \"url\"\npattern = \"x\"\npattern_message = \"x\"",
            "нет source",
        ),
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"digits\"\nrequired = true",
            "нет source",
        ),
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"text\"\nrequired = true\ndefault = \"x\"\nsource = \"assumption\"",
            "не может быть предположением",
        ),
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"text\"\nrequired = true\nsource = \"document\"",
            "source задан, но у поля нет",
        ),
        (
            "kind = \"text\"\nrequired = true",
            "kind = \"text\"\nrequired = true\nother = \"Другое\"",
            "other бывает только",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"x\"\n[[steps.links]]\nlabel = \"Открыть\"\nurl = \"https://example.ru/\"",
            "ссылка «Открыть»: нет source",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"x\"\n[[steps.links]]\nlabel = \"Открыть\"\nurl = \"https://example.ru/a\"\nsource = \"assumption\"",
            "адрес-предположение нельзя открывать",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"x\"\n[[steps.links]]\nlabel = \"Открыть\"\nurl = \"{address}/admin/tokens\"\nsource = \"field\"",
            "нельзя дописывать путь",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"x\"\n[[steps.copy]]\nlabel = \"Команда\"\ntext = \"php artisan x\"",
            "copy «Команда»: нет source",
        ),
        (
            "body = \"Текст {address}\"",
            "body = \"x\"\n[[steps.copy]]\nlabel = \"Команда\"\ntext = \"php artisan x\"\nsource = \"assumption\"",
            "предположение нельзя предлагать скопировать",
        ),
    ];
    for (from, to, want) in cases {
        let msg = broken(from, to);
        assert!(
            msg.starts_with("flows/demo.toml, шаг 1 «Первый шаг»: "),
            "{msg}"
        );
        assert!(msg.contains(want), "want {want:?} in {msg}");
    }
}

#[test]
fn flow_level_errors() {
    assert!(broken("id = \"demo\"", "id = \"other\"").contains("не совпадает с именем файла"));
    assert!(
        broken("name_field = \"name\"", "name_field = \"nope\"").contains("name_field = \"nope\"")
    );
    assert!(broken("name_field = \"name\"", "").contains("нет name_field"));
    assert!(
        broken(
            "name_field = \"name\"",
            "name_field = \"name\"\ncheck = \"ping\""
        )
        .contains("неизвестная проверка")
    );
    assert!(
        broken(
            "name_field = \"name\"",
            "name_field = \"name\"\nexpiry_field = \"address\""
        )
        .contains("expiry_field")
    );
    assert!(broken("unchecked_note = \"Проверить нельзя\"\n", "").contains("нет unchecked_note"));
    assert!(
        broken(
            "unchecked_note = \"Проверить нельзя\"\n",
            "unchecked_note = \"x\"\ncheck = \"elma365\"\n"
        )
        .contains("unchecked_note бывает только")
    );
    let msg = broken("kind = \"url\"", "kind = \"url\"\nsource = \"somewhere\"");
    assert!(msg.contains("source = \"somewhere\""), "{msg}");
    let no_steps = GOOD.split("[[steps]]").next().unwrap().to_owned()
        + "steps = []\n[finish]\nbutton = \"x\"\ntitle = \"y\"\n";
    assert!(load(&no_steps).unwrap_err().contains("нет ни одного шага"));
}

#[test]
fn remove_flow_must_point_at_an_existing_flow() {
    let remover = r#"
id = "demo-delete"
kind = "remove"
applies_to = "missing"
title = "Удалить"
system = "Демо"
summary = "Удалить демо"

[[steps]]
title = "Удалите"
role = "Администратор"
body = "Удалите {address}"

[finish]
button = "Удалить из Ключника"
title = "Удалено"
"#;
    let files = |r: &str| {
        Catalog::from_files([
            ("flows/demo.toml".to_owned(), GOOD),
            ("flows/demo-delete.toml".to_owned(), r),
        ])
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    let msg = files(remover).unwrap_err();
    assert!(
        msg.contains("flows/demo-delete.toml") && msg.contains("applies_to = \"missing\""),
        "{msg}"
    );
    files(&remover.replace("\"missing\"", "\"demo\"")).expect("valid remover");
    let msg = files(
        &remover
            .replace("\"missing\"", "\"demo\"")
            .replace("{address}", "{token}"),
    )
    .unwrap_err();
    assert!(
        msg.contains("шаг 1 «Удалите»") && msg.contains("{token}"),
        "{msg}"
    );
}

/// A ПВЗ list without a header whose first e-mail is at mail.ru keeps its first ПВЗ; a real
/// header line is skipped and said to be skipped.
#[test]
fn pvz_list_header_is_decided_by_the_field_rules() {
    let catalog = Catalog::embedded().unwrap();
    let b = klyuchnik::integrations::vision_pvz::pvz_from_csv(
        "101;Лесная, 5;pvz@mail.ru\n102;Кодовая, 1;pvz-102@example.ru\n",
        &catalog,
        &[],
        true,
    )
    .unwrap();
    assert_eq!(b.connections.len(), 2, "{:?}", b.rejected);
    assert_eq!(b.header, None);
    let b = klyuchnik::integrations::vision_pvz::pvz_from_csv(
        "Код ПВЗ;Адрес;Почта сотрудника\n101;Лесная, 5;pvz@mail.ru\n",
        &catalog,
        &[],
        true,
    )
    .unwrap();
    assert_eq!(b.connections.len(), 1);
    assert_eq!(
        b.header.as_deref(),
        Some("Код ПВЗ; Адрес; Почта сотрудника")
    );
}
