//! The command line, run as the built binary with its own data folder and the kernel keyring.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::{Reply, TOKEN, serve};

fn klyuchnik(home: &Path, args: &[&str], stdin: &str) -> Output {
    support::run_cli(home, args, stdin)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn add_elma(home: &Path, name: &str, address: &str) -> Output {
    run_args(
        home,
        &support::add_elma_args(name, address),
        &format!("  {TOKEN}\n"),
    )
}

fn run_args(home: &Path, args: &[String], stdin: &str) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    klyuchnik(home, &args, stdin)
}

/// `add eis-token` with this expiry and the identifier (upper case, in braces) on stdin.
fn add_eis(home: &Path, name: &str, expires: &str) -> Output {
    klyuchnik(
        home,
        &[
            "add",
            "eis-token",
            "--name",
            name,
            "--set",
            &format!("expires={expires}"),
            "--secret",
            "identifier",
        ],
        &format!("{{{}}}\n", TOKEN.to_uppercase()),
    )
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

#[test]
fn help_and_version_and_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let o = klyuchnik(home.path(), &["--help"], "");
    assert_eq!(code(&o), 0);
    for word in [
        "list",
        "check",
        "add",
        "remove",
        "export",
        "import",
        "Коды выхода",
    ] {
        assert!(out(&o).contains(word), "{word} in --help");
    }
    let o = klyuchnik(home.path(), &["--version"], "");
    assert!(out(&o).contains(env!("CARGO_PKG_VERSION")));
    for args in [
        &["frob"][..],
        &["list", "--colour"],
        &["add", "elma365"],
        &["remove", "нет такого"],
    ] {
        let o = klyuchnik(home.path(), args, "");
        assert_eq!(code(&o), 2, "{args:?}: {}", err(&o));
        assert!(
            err(&o).starts_with("Ключник: "),
            "Russian message: {}",
            err(&o)
        );
    }
}

#[test]
fn add_list_check_remove() {
    let home = tempfile::tempdir().unwrap();
    let server = serve(Reply::json(200, r#"{"success":true}"#));
    let o = add_elma(home.path(), "ELMA365 — 1С", &server.url);
    assert_eq!(code(&o), 0, "{}", err(&o));
    // A plain-http address is accepted with a warning, and every listing repeats it.
    assert!(err(&o).contains("без шифрования"), "{}", err(&o));
    let meta = std::fs::read_to_string(home.path().join("connections.json")).unwrap();
    assert!(!meta.contains(TOKEN), "the secret stays in the keyring");

    let list = json(&klyuchnik(home.path(), &["list", "--json"], ""));
    assert_eq!(list[0]["name"], "ELMA365 — 1С");
    assert_eq!(list[0]["status"], "not_checked");
    assert!(
        list[0]["note"]
            .as_str()
            .unwrap()
            .contains("адрес без https")
    );
    assert!(
        out(&klyuchnik(home.path(), &["list"], ""))
            .contains("ELMA365 — 1С — ELMA365: Не проверялось")
    );

    let o = klyuchnik(home.path(), &["check", "--json"], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let rows = json(&o);
    assert_eq!(rows[0]["last_check"]["result"], "ok");
    assert_eq!(rows[0]["status"], "ok");
    let req = &server.requests()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str()),
        "the trimmed token, from the keyring"
    );

    let o = klyuchnik(home.path(), &["remove", "elma365 — 1с"], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(
        json(&klyuchnik(home.path(), &["list", "--json"], "")),
        serde_json::json!([])
    );
}

#[test]
fn check_exit_codes_follow_the_outcomes() {
    let home = tempfile::tempdir().unwrap();
    let good = serve(Reply::json(200, r#"{"success":true}"#));
    let rejected = serve(Reply::json(401, r#"{"success":false}"#));
    let broken = serve(Reply::html(500, "oops"));
    assert_eq!(code(&add_elma(home.path(), "Хорошее", &good.url)), 0);
    assert_eq!(
        code(&add_elma(home.path(), "Отклонённое", &rejected.url)),
        0
    );
    assert_eq!(code(&add_elma(home.path(), "Сломанное", &broken.url)), 0);

    assert_eq!(code(&klyuchnik(home.path(), &["check", "Хорошее"], "")), 0);
    let o = klyuchnik(home.path(), &["check", "--json"], "");
    assert_eq!(code(&o), 1, "any failure needs attention");
    let rows = json(&o);
    let result = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["last_check"]["result"]
            .clone()
    };
    assert_eq!(result("Хорошее"), "ok");
    assert_eq!(result("Отклонённое"), "rejected");
    assert_eq!(result("Сломанное"), "service_error");
    let text = out(&klyuchnik(home.path(), &["check", "Отклонённое"], ""));
    assert!(
        text.contains("Проверка не прошла") && text.contains("Токен не принят"),
        "{text}"
    );
    assert_eq!(
        code(&klyuchnik(home.path(), &["check", "Нет такого"], "")),
        2
    );
}

#[test]
fn add_validates_exactly_as_the_wizard() {
    let home = tempfile::tempdir().unwrap();
    let o = klyuchnik(
        home.path(),
        &[
            "add",
            "elma365",
            "--name",
            "Плохое",
            "--set",
            "address=acme company",
            "--secret",
            "token",
        ],
        "not-a-uuid\n",
    );
    assert_eq!(code(&o), 2);
    let e = err(&o);
    assert!(e.contains("address: Это не похоже на адрес сайта"), "{e}");
    // The token's format is a guess (no document describes it): not refused, only warned about.
    assert!(!e.contains("token:"), "{e}");
    assert!(e.contains("user: Заполните поле «Пользователь»."), "{e}");
    assert!(!e.contains("not-a-uuid"), "the typed secret is not echoed");
    let o = klyuchnik(
        home.path(),
        &[
            "add",
            "elma365",
            "--name",
            "Другой вид токена",
            "--set",
            "address=acme",
            "--set",
            "user=Интеграция",
            "--set",
            "token_name=Обмен",
            "--secret",
            "token",
        ],
        "not-a-uuid\n",
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("внимание: token: Обратите внимание: «Токен» ожидается в виде 8-4-4-4-12"),
        "{e}"
    );
    assert!(e.contains("предположение Ключника"), "{e}");
    assert!(!e.contains("not-a-uuid"), "the typed secret is not echoed");
    klyuchnik(home.path(), &["remove", "Другой вид токена"], "");

    let o = klyuchnik(
        home.path(),
        &[
            "add",
            "elma365",
            "--name",
            "X",
            "--set",
            &format!("token={TOKEN}"),
        ],
        "",
    );
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("не в командной строке"));
    let o = run_args(home.path(), &support::add_elma_args("X", "acme"), "");
    assert_eq!(code(&o), 2, "no line on stdin for the secret");
    let o = klyuchnik(home.path(), &["add", "nosuch", "--name", "X"], "");
    assert!(err(&o).contains("нет мастера «nosuch»") && err(&o).contains("eis-token"));

    let today = chrono::Local::now().date_naive();
    let past = (today - chrono::Duration::days(1))
        .format("%d.%m.%Y")
        .to_string();
    let o = add_eis(home.path(), "ЕИС", &past);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("позже сегодняшнего дня"));
    let future = (today + chrono::Duration::days(100))
        .format("%Y-%m-%d")
        .to_string();
    let o = add_eis(home.path(), "ЕИС", &future);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let list = json(&klyuchnik(home.path(), &["list", "--json"], ""));
    assert_eq!(list[0]["expires"], future);
    assert_eq!(list[0]["days_left"], 100);
    // No online check for the ЕИС identifier: its status says so and why.
    assert_eq!(list[0]["status"], "uncheckable");
    assert!(
        list[0]["note"]
            .as_str()
            .is_some_and(|n| n.contains("учётными данными самой РИС, а их у Ключника нет")),
        "{list}"
    );
    let o = add_eis(home.path(), "еис", &future);
    assert_eq!(code(&o), 2, "a taken name");
}

/// An imported connection has no secret on this computer: its check says so, and never
/// reaches the service (it used to pass for «Ошибка на стороне сервиса»).
#[test]
fn an_imported_connection_without_its_secret_checks_as_no_secret() {
    let home = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let server = serve(Reply::json(200, r#"{"success":true}"#));
    assert_eq!(code(&add_elma(home.path(), "Перенесённое", &server.url)), 0);
    let file = home.path().join("export.json");
    let o = klyuchnik(home.path(), &["export", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = klyuchnik(other.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    // Both data folders share this session's keyring: removing the original takes the secret
    // away, as moving to another computer would.
    let o = klyuchnik(home.path(), &["remove", "Перенесённое"], "");
    assert_eq!(code(&o), 0, "{}", err(&o));

    let before = server.requests().len();
    let o = klyuchnik(other.path(), &["check", "Перенесённое"], "");
    assert_eq!(code(&o), 1, "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("Секрет не прочитан") && text.contains("загружено из файла"),
        "{text}"
    );
    let o = klyuchnik(other.path(), &["check", "--json"], "");
    assert_eq!(json(&o)[0]["last_check"]["result"], "no_secret");
    assert_eq!(
        server.requests().len(),
        before,
        "a check without its secret reached the service"
    );
}

#[test]
fn export_import_round_trip_and_hostile_files() {
    let home = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    assert_eq!(code(&add_elma(home.path(), "Первое", "acme")), 0);
    assert_eq!(
        code(&add_elma(
            home.path(),
            "Второе",
            "https://elma.corp.example"
        )),
        0
    );
    let file = home.path().join("export.json");
    let o = klyuchnik(home.path(), &["export", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(TOKEN), "no secret in an export");

    let o = klyuchnik(other.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let names: Vec<String> = json(&klyuchnik(other.path(), &["list", "--json"], ""))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Первое", "Второе"]);
    // Again: nothing is overwritten, each record says why.
    let o = klyuchnik(other.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains(
            "запись 1 «Первое» пропущена: подключение «Первое» уже есть — не перезаписано"
        ),
        "{}",
        err(&o)
    );

    // Hostile records: each rejected with its reason, the good one still taken.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let good = doc["connections"][0].clone();
    let mut bad_flow = good.clone();
    bad_flow["flow"] = "rm -rf /".into();
    let mut bad_field = good.clone();
    bad_field["name"] = "Плохой адрес".into();
    bad_field["id"] = uuid::Uuid::new_v4().to_string().into();
    bad_field["fields"]["address"] = "<script>alert(1)</script>".into();
    let mut with_secret = good.clone();
    with_secret["name"] = "С секретом".into();
    with_secret["id"] = uuid::Uuid::new_v4().to_string().into();
    with_secret["fields"]["token"] = TOKEN.into();
    let mut rtl = good.clone();
    rtl["name"] = "Имя\u{202E}gnp.exe".into();
    rtl["id"] = uuid::Uuid::new_v4().to_string().into();
    let mut valid_record = good.clone();
    valid_record["name"] = "Новое".into();
    valid_record["id"] = uuid::Uuid::new_v4().to_string().into();
    doc["connections"] =
        serde_json::json!([bad_flow, bad_field, with_secret, rtl, 42, valid_record]);
    let third = tempfile::tempdir().unwrap();
    let hostile = third.path().join("hostile.json");
    std::fs::write(&hostile, doc.to_string()).unwrap();
    let o = klyuchnik(third.path(), &["import", hostile.to_str().unwrap()], "");
    assert_eq!(code(&o), 1);
    let e = err(&o);
    assert!(e.contains("неизвестная система «rm -rf /»"), "{e}");
    assert!(
        e.contains("«Адрес компании в ELMA365»: Это не похоже на адрес сайта"),
        "{e}"
    );
    assert!(e.contains("секреты не переносятся"), "{e}");
    assert!(e.contains("невидимый знак U+202E"), "{e}");
    assert!(e.contains("запись 5"), "{e}");
    assert!(
        out(&o).contains("Добавлено: 1, пропущено: 5"),
        "{}",
        out(&o)
    );

    for junk in [
        "",
        "{}",
        "[1,2]",
        "\u{FEFF}not json",
        r#"{"format":"klyuchnik-connections","version":99,"connections":[]}"#,
    ] {
        std::fs::write(&hostile, junk).unwrap();
        let o = klyuchnik(third.path(), &["import", hostile.to_str().unwrap()], "");
        assert_eq!(code(&o), 2, "{junk}");
        assert!(
            err(&o).contains("Это не файл выгрузки Ключника"),
            "{}",
            err(&o)
        );
    }
}

/// `reminders on|off|status` without systemd (no `systemctl` on PATH, as on a desktop without a
/// user manager): an XDG autostart entry that runs `check --notify` at logon, and back off.
#[test]
fn reminders_on_off_with_an_autostart_entry() {
    let home = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let no_tools = tempfile::tempdir().unwrap();
    let run = |action: &str| {
        crate::support::klyuchnik(home.path())
            .args(["reminders", action])
            .env("XDG_CONFIG_HOME", config.path())
            .env("PATH", no_tools.path())
            .output()
            .unwrap()
    };
    let entry = config.path().join("autostart/klyuchnik-reminders.desktop");
    assert!(out(&run("status")).contains("выключены"));
    let on = run("on");
    assert_eq!(code(&on), 0, "{}", err(&on));
    assert!(out(&on).contains("автозапуск при входе"), "{}", out(&on));
    let text = std::fs::read_to_string(&entry).unwrap();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_klyuchnik"))
        .canonicalize()
        .unwrap();
    assert!(
        text.contains(&format!("Exec=\"{}\" check --notify", exe.display())),
        "{text}"
    );
    assert!(out(&run("status")).contains("включены: автозапуск"));
    let off = run("off");
    assert_eq!(code(&off), 0, "{}", err(&off));
    assert!(!entry.exists());
    assert!(out(&run("status")).contains("выключены"));
    assert_eq!(code(&run("sometimes")), 2, "only on, off, status");
}

/// A check time limit that is no number of seconds is a usage error (exit 2), not a panic.
#[test]
fn a_wrong_check_timeout_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["inf", "1e30", "-5", "0", "NaN", "полминуты"] {
        let o = crate::support::klyuchnik(home.path())
            .args(["check"])
            .env("KLYUCHNIK_KEYRING", "none")
            .env("KLYUCHNIK_CHECK_TIMEOUT", bad)
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{bad}: {}", err(&o));
        assert!(
            err(&o).contains("KLYUCHNIK_CHECK_TIMEOUT"),
            "{bad}: {}",
            err(&o)
        );
        assert!(!err(&o).contains("panicked"), "{bad}");
    }
}

/// An import is checked as the wizard checks typing, stores the normalised values, and takes
/// nothing the file says about checks, progress or the system; a terminal never gets control
/// characters from it.
#[test]
fn import_trusts_nothing_in_the_file() {
    let home = tempfile::tempdir().unwrap();
    let record = |name: &str, address: &str| {
        serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "name": name,
            "flow": "elma365",
            "system": "ELMA365\u{1b}[32m В порядке",
            "created": "2999-01-01T00:00:00Z",
            "fields": {"address": address, "user": "Интеграция", "token_name": "Обмен"},
            "secrets": ["token", "token"],
            "last_check": {"at": "2026-11-01T00:00:00Z", "kind": "ok", "detail": "\u{1b}[2J"}
        })
    };
    let mut beyond = record("Дальше последнего шага", "https://c.elma365.ru");
    beyond["pending_step"] = serde_json::json!(99);
    let file = serde_json::json!({
        "format": "klyuchnik-connections",
        "version": 1,
        "exported": "2026-11-01T00:00:00Z",
        "connections": [
            record("Склад", " HTTPS://Acme.elma365.ru/admin/tokens "),
            record("Скрытый хост", "https://acme.elma365.ru@evil.example"),
            record("\u{1b}[2J\u{1b}[HВсё в порядке", "https://b.elma365.ru"),
            record("Открытый", "http://acme.elma365.ru"),
            beyond,
        ]
    });
    // Saved by Notepad: with a byte-order mark.
    let path = home.path().join("in.json");
    std::fs::write(&path, format!("\u{FEFF}{file}")).unwrap();
    let o = klyuchnik(home.path(), &["import", path.to_str().unwrap()], "");
    assert_eq!(code(&o), 1, "some records are refused: {}", err(&o));
    assert!(!err(&o).contains('\u{1b}') && !out(&o).contains('\u{1b}'));
    assert!(err(&o).contains("запись 2"), "{}", err(&o));
    assert!(err(&o).contains("запись 3"), "{}", err(&o));
    assert!(err(&o).contains("запись 4"), "{}", err(&o));
    assert!(err(&o).contains("запись 5"), "{}", err(&o));

    let list = json(&klyuchnik(home.path(), &["list", "--json"], ""));
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["name"], "Склад");
    assert_eq!(
        list[0]["system"], "ELMA365",
        "the flow's system, not the file's"
    );
    assert_eq!(
        list[0]["status"], "not_checked",
        "no check result taken from the file"
    );
    assert!(list[0]["last_check"].is_null());
    let saved = std::fs::read_to_string(home.path().join("connections.json")).unwrap();
    assert!(
        saved.contains("\"address\": \"https://acme.elma365.ru\""),
        "{saved}"
    );
    assert!(
        !saved.contains("pending_step") && !saved.contains("2999"),
        "{saved}"
    );
    assert!(!out(&klyuchnik(home.path(), &["list"], "")).contains('\u{1b}'));
}

/// `show`, `set` and `secret`: the card and «Изменить» from the command line — no secret value
/// unless one is asked for by name, every value checked like the wizard's, nothing written
/// when one is refused.
#[test]
fn show_set_and_secret_keep_parity_with_the_card() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(
        code(&add_elma(h, "ELMA365 — склад", "https://sklad.elma365.ru")),
        0
    );

    let shown = klyuchnik(h, &["show", "ELMA365 — склад", "--json"], "");
    assert_eq!(code(&shown), 0, "{}", err(&shown));
    assert!(!out(&shown).contains(TOKEN), "no secret in show");
    let card: serde_json::Value = serde_json::from_str(&out(&shown)).unwrap();
    let value = |id: &str| {
        card["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["value"].clone())
    };
    assert_eq!(value("address").unwrap(), "https://sklad.elma365.ru");
    assert_eq!(card["secrets"][0]["id"], "token");
    assert!(card["secrets"][0].get("value").is_none());
    assert!(card["changed"].is_null());

    let revealed = klyuchnik(h, &["show", "ELMA365 — склад", "--reveal", "token"], "");
    assert_eq!(out(&revealed).trim(), TOKEN);
    assert!(
        err(&revealed).contains("выведено на экран"),
        "{}",
        err(&revealed)
    );

    // A refused value: the wizard's message, code 2, nothing written.
    let before = std::fs::read(h.join("connections.json")).unwrap();
    let refused = klyuchnik(h, &["set", "ELMA365 — склад", "address=ftp://нет"], "");
    assert_eq!(code(&refused), 2, "{}", err(&refused));
    assert!(
        err(&refused).contains("Адрес компании в ELMA365"),
        "{}",
        err(&refused)
    );
    let secret_as_value = klyuchnik(h, &["set", "ELMA365 — склад", "token=abc"], "");
    assert_eq!(code(&secret_as_value), 2);
    assert!(
        err(&secret_as_value).contains("секрет"),
        "{}",
        err(&secret_as_value)
    );
    assert_eq!(std::fs::read(h.join("connections.json")).unwrap(), before);

    // A correction and a rename in one go, normalised like the wizard does (`acme` → its URL).
    let set = klyuchnik(
        h,
        &[
            "set",
            "ELMA365 — склад",
            "address=lesnaya",
            "name=ELMA365 — Лесная",
        ],
        "",
    );
    assert_eq!(code(&set), 0, "{}", err(&set));
    let card: serde_json::Value = serde_json::from_str(&out(&klyuchnik(
        h,
        &["show", "ELMA365 — Лесная", "--json"],
        "",
    )))
    .unwrap();
    let address = card["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "address")
        .unwrap()["value"]
        .clone();
    assert_eq!(address, "https://lesnaya.elma365.ru");
    assert!(card["changed"].is_string());

    // A new token, from standard input only.
    let new_token = "9b2c7f10-3a44-4c1e-8d55-6f7e8a9b0c1d";
    let replaced = klyuchnik(
        h,
        &["secret", "ELMA365 — Лесная", "token"],
        &format!("{new_token}\n"),
    );
    assert_eq!(code(&replaced), 0, "{}", err(&replaced));
    assert!(!out(&replaced).contains(new_token));
    let revealed = klyuchnik(h, &["show", "ELMA365 — Лесная", "--reveal", "token"], "");
    assert_eq!(out(&revealed).trim(), new_token);
    let missing = klyuchnik(h, &["show", "Нет такого"], "");
    assert_eq!(code(&missing), 2);
}

/// `renew`: a new ЕИС identifier and expiry from the command line, saved as «Обновить ключ»
/// saves it; without a new date, or with a refused one, nothing changes.
#[test]
fn renew_replaces_the_key_and_its_expiry() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let soon = (chrono::Local::now().date_naive() + chrono::Duration::days(5))
        .format("%d.%m.%Y")
        .to_string();
    assert_eq!(code(&add_eis(h, "ЕИС — РИС", &soon)), 0);
    let before = std::fs::read(h.join("connections.json")).unwrap();
    let new_id = "9b2c7f10-3a44-4c1e-8d55-6f7e8a9b0c1d";

    let no_date = klyuchnik(
        h,
        &["renew", "ЕИС — РИС", "--secret", "identifier"],
        &format!("{new_id}\n"),
    );
    assert_eq!(code(&no_date), 2, "{}", err(&no_date));
    assert!(err(&no_date).contains("новый срок"), "{}", err(&no_date));
    let past = klyuchnik(
        h,
        &[
            "renew",
            "ЕИС — РИС",
            "--secret",
            "identifier",
            "--set",
            "expires=01.01.2020",
        ],
        &format!("{new_id}\n"),
    );
    assert_eq!(code(&past), 2, "{}", err(&past));
    assert_eq!(std::fs::read(h.join("connections.json")).unwrap(), before);

    let later = (chrono::Local::now().date_naive() + chrono::Duration::days(400))
        .format("%d.%m.%Y")
        .to_string();
    let renewed = klyuchnik(
        h,
        &[
            "renew",
            "ЕИС — РИС",
            "--secret",
            "identifier",
            "--set",
            &format!("expires={later}"),
        ],
        &format!("{new_id}\n"),
    );
    assert_eq!(code(&renewed), 0, "{}", err(&renewed));
    assert!(!out(&renewed).contains(new_id));
    let shown = klyuchnik(h, &["show", "ЕИС — РИС", "--reveal", "identifier"], "");
    assert_eq!(out(&shown).trim(), new_id);
    let card: serde_json::Value =
        serde_json::from_str(&out(&klyuchnik(h, &["show", "ЕИС — РИС", "--json"], ""))).unwrap();
    assert_eq!(card["days_left"], 400);
    assert!(card["changed"].is_string());
}

/// A hand-over file imported from the command line: the ПВЗ is added as paused, and both
/// `import` and `show` say where it goes on (in the window, at the employee's step).
#[test]
fn a_hand_over_file_says_where_the_setup_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let mut c = klyuchnik::model::Connection::new(
        "vision-ellcom",
        "Vision Ellcom → WB Point",
        "ПВЗ на Лесной, 5",
    );
    c.fields = klyuchnik::model::Fields::from_iter([
        ("pvz_name", "ПВЗ на Лесной, 5"),
        ("email", "pvz-101@example.ru"),
    ]);
    c.pending_step = Some(2);
    c.pending_entry = Some(2);
    c.pending_confirmed = ["1.0".to_owned(), "1.1".to_owned(), "9.9".to_owned()].into();
    let path = home.path().join("handover.klyuchnik.json");
    std::fs::write(&path, klyuchnik::ops::transfer::export_json(&[c])).unwrap();
    let o = klyuchnik(home.path(), &["import", path.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains("настройка не закончена"), "{}", out(&o));
    assert!(
        out(&o).contains("klyuchnik open «ПВЗ на Лесной, 5»"),
        "{}",
        out(&o)
    );

    let o = klyuchnik(home.path(), &["show", "ПВЗ на Лесной, 5"], "");
    assert!(
        out(&o).contains("Передан сотруднику ПВЗ — ждёт API-токен: продолжить с шага 3"),
        "{}",
        out(&o)
    );
    let card = json(&klyuchnik(
        home.path(),
        &["show", "ПВЗ на Лесной, 5", "--json"],
        "",
    ));
    assert_eq!(card["paused"]["step"], 3);
    assert_eq!(card["status"], "pending");
    let saved = std::fs::read_to_string(home.path().join("connections.json")).unwrap();
    assert!(
        saved.contains("\"1.1\""),
        "the administrator's ticks kept: {saved}"
    );
    assert!(
        // Quoted: the creation time («…19.912…Z») may hold the digits unquoted.
        !saved.contains("\"9.9\""),
        "a tick for no such step is dropped: {saved}"
    );
}

/// On a key's last day `list` says «сегодня», the day before «завтра» — not «в течение 7 дней».
#[test]
fn list_names_the_last_days_of_a_key() {
    let home = tempfile::tempdir().unwrap();
    let today = chrono::Local::now().date_naive();
    let key = |name: &str, days: i64| klyuchnik::model::Connection {
        expires: Some(today + chrono::Duration::days(days)),
        ..klyuchnik::model::Connection::new("eis-token", "ЕИС", name)
    };
    support::seed(
        home.path(),
        &[
            key("Последний день", 0),
            key("Завтра", 1),
            key("Через три дня", 3),
        ],
    );
    let o = klyuchnik(home.path(), &["list"], "");
    let text = out(&o);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_owned()
    };
    assert!(
        line("Последний день").contains("Истекает сегодня"),
        "{text}"
    );
    assert!(line("Завтра").contains("Истекает завтра"), "{text}");
    assert!(
        line("Через три дня").contains("Истекает в течение 7 дней"),
        "{text}"
    );
    let rows = json(&klyuchnik(home.path(), &["list", "--json"], ""));
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["status_text"] == "Истекает сегодня" && r["status"] == "expires_in7_days"),
        "{rows}"
    );
}

/// `open --help` prints the help of `open` and leaves; it never opens the window (here there
/// is no screen, so the old behaviour — a window — failed with exit code 1).
#[test]
fn open_help_prints_help_instead_of_opening_the_window() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["open", "--help"][..],
        &["open", "-h"],
        &["open", "--renew", "--help"],
    ] {
        let o = support::klyuchnik(home.path())
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
        assert!(out(&o).contains("Открыть окно"), "{args:?}: {}", out(&o));
        assert!(out(&o).contains("--renew"), "{}", out(&o));
    }
}

/// `import` into a list that cannot be written (here its lock file is a folder) failed: exit
/// code 1, not 2 — nothing was wrong with the command line.
#[test]
fn import_that_cannot_write_exits_one() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("export.json");
    std::fs::write(
        &file,
        klyuchnik::ops::transfer::export_json(&[klyuchnik::model::Connection::new(
            "eis-token",
            "ЕИС",
            "Из файла",
        )]),
    )
    .unwrap();
    std::fs::create_dir(home.path().join("connections.json.lock")).unwrap();
    let o = klyuchnik(home.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 1, "{}", err(&o));
    // A file that is not an export is still the caller's to fix.
    std::fs::write(&file, "{}").unwrap();
    let o = klyuchnik(home.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 2, "{}", err(&o));
}

/// The log's English lines stay out of a person's stderr unless `RUST_LOG` asks for them,
/// and never carry colour codes into a pipe. (Here the log folder is a file, so the log
/// itself warns that it cannot be written.)
#[test]
fn stderr_carries_no_english_log_lines_by_default() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("logs"), "not a folder").unwrap();
    let o = support::klyuchnik(home.path())
        .arg("list")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).is_empty(), "{}", err(&o));
    let o = support::klyuchnik(home.path())
        .arg("list")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        err(&o).contains("WARN"),
        "asked for, the log is there: {}",
        err(&o)
    );
    assert!(
        !err(&o).contains('\u{1b}'),
        "no colour codes in a pipe: {:?}",
        err(&o)
    );
}

/// A keyring error on the command line says what to do there — no «остались в мастере»: the
/// command line has no wizard.
#[test]
fn keyring_errors_on_the_command_line_name_no_wizard() {
    use std::io::Write as _;
    let home = tempfile::tempdir().unwrap();
    let mut child = support::klyuchnik(home.path())
        .args(support::add_elma_args(
            "Без хранилища",
            "https://acme.elma365.ru",
        ))
        .env("KLYUCHNIK_KEYRING", "none")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{TOKEN}").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1, "{}", err(&o));
    assert!(err(&o).contains("повторите команду"), "{}", err(&o));
    let doctor = support::klyuchnik(home.path())
        .arg("doctor")
        .env("KLYUCHNIK_KEYRING", "none")
        .output()
        .unwrap();
    assert_eq!(code(&doctor), 1, "{}", err(&doctor));
    for o in [&o, &doctor] {
        assert!(err(o).contains("Хранилище паролей"), "{}", err(o));
        assert!(!err(o).contains("мастер"), "{}", err(o));
    }
}

/// A refused name is quoted short — its first 60 characters and «…» — not printed whole.
#[test]
fn refused_long_names_are_quoted_short() {
    let home = tempfile::tempdir().unwrap();
    let long = "Я".repeat(100_000);
    let file = home.path().join("export.json");
    std::fs::write(
        &file,
        klyuchnik::ops::transfer::export_json(&[klyuchnik::model::Connection::new(
            "eis-token",
            "ЕИС",
            long.clone(),
        )]),
    )
    .unwrap();
    let o = klyuchnik(home.path(), &["import", file.to_str().unwrap()], "");
    let text = err(&o);
    assert!(
        text.contains("пропущена"),
        "{}",
        &text[..text.len().min(300)]
    );
    assert!(
        text.chars().count() < 400,
        "{} characters",
        text.chars().count()
    );
    assert!(text.contains(&format!("«{}…»", "Я".repeat(60))));
    // An argument (Linux takes up to 128 KB in one): «нет такого подключения».
    let o = klyuchnik(home.path(), &["remove", &long[..60_000]], "");
    assert_eq!(code(&o), 2);
    assert!(err(&o).chars().count() < 300, "{}", err(&o).chars().count());
}
