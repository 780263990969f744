//! A planted secret goes through every wizard, a check, an export, the command line and a
//! saved unfinished wizard; then every file under the data folder (logs included) and the
//! egui state that would be persisted are searched for it. It must be nowhere.

use crate::support;

use std::path::{Path, PathBuf};

use support::ui::{Opened, app, click, harness, real_keyring, settle, shows, type_into, wait_for};
use support::{Reply, serve};

/// Unique enough to be found anywhere, and shaped like the tokens the flows expect.
const PLANT: &str = "5ec7e7aa-d0d0-4bad-8bad-c0ffee123456";
const PLANT_PASSWORD: &str = "Pl@nted-Passw0rd-77c1";

type H = egui_kittest::Harness<'static, klyuchnik::ui::App>;

fn resume(
    home: &Path,
    flow: &str,
    step: usize,
    values: &serde_json::Value,
    confirmed: &[&str],
    tables: &serde_json::Value,
) -> H {
    let draft = serde_json::json!({
        "flow": flow, "step": step, "connection_id": uuid::Uuid::new_v4().to_string(),
        "values": values, "confirmed": confirmed, "tables": tables,
    });
    std::fs::write(home.join("draft.json"), draft.to_string()).unwrap();
    harness(app(home, real_keyring(), &Opened::default()))
}

fn save(h: &mut H, done: &str) {
    click(h, "Сохранить подключение");
    wait_for(h, done, |h| shows(h, done));
    // What egui would persist between runs (window state, widget memory).
    let memory = h.ctx.memory(|m| ron::to_string(m).unwrap());
    assert!(
        !memory.contains(PLANT) && !memory.contains(PLANT_PASSWORD),
        "a secret in the persisted egui state"
    );
    click(h, "К списку подключений");
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn cli(home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    support::run_cli(home, args, stdin)
}

#[test]
fn a_planted_secret_is_found_only_in_the_keyring() {
    let home = tempfile::tempdir().unwrap();
    let h_path = home.path();
    let server = serve(Reply::json(200, r#"{"success":true}"#));
    let mut outputs = String::new();

    // ELMA365, with an online check.
    let mut h = resume(
        h_path,
        "elma365",
        3,
        &serde_json::json!({"address": server.url, "user": "u", "token_name": "t"}),
        &["0.0"],
        &serde_json::json!({}),
    );
    type_into(&mut h, "Токен *", PLANT);
    // A draft saved while the secret is typed.
    h.state().persist_draft();
    click(&mut h, "Далее");
    click(&mut h, "Проверить");
    wait_for(&mut h, "the check", |h| shows(h, "Токен принят"));
    type_into(&mut h, "Название подключения в Ключнике *", "ELMA365");
    save(&mut h, "Подключение сохранено");
    drop(h);

    // Vision Ellcom: the token.
    let mut h = resume(
        h_path,
        "vision-ellcom",
        3,
        &serde_json::json!({"pvz_name": "ПВЗ", "email": "p@example.ru"}),
        &["1.0", "1.1", "2.0"],
        &serde_json::json!({}),
    );
    type_into(&mut h, "API-токен *", PLANT);
    save(&mut h, "ПВЗ подключён к Vision Ellcom");
    drop(h);

    // ЕИС token: the identifier.
    let expires = (chrono::Local::now().date_naive() + chrono::Duration::days(400))
        .format("%d.%m.%Y")
        .to_string();
    let mut h = resume(
        h_path,
        "eis-token",
        3,
        &serde_json::json!({"expires": expires, "name": "ЕИС"}),
        &["0.0", "1.0", "2.0", "4.0"],
        &serde_json::json!({}),
    );
    type_into(&mut h, "Идентификатор *", PLANT);
    click(&mut h, "Далее");
    save(&mut h, "Подключение сохранено");
    drop(h);

    // Ivideon → PASS24: the password, and an export of the camera table.
    let cams = serde_json::json!({"cameras": [{"camera_id": "100-AbCdEfGhIjKlMnOpQrSt12:0", "name": "Въезд", "direction": "forward"}]});
    let mut h = resume(
        h_path,
        "ivideon-pass24",
        0,
        &serde_json::json!({"client": "ЖК", "account": "123456"}),
        &["0.0", "2.0", "3.0"],
        &cams,
    );
    type_into(&mut h, "Пароль *", PLANT_PASSWORD);
    for _ in 0..4 {
        click(&mut h, "Далее");
    }
    save(&mut h, "Подключение сохранено");
    drop(h);

    // ЕИС → БФТ: the password saved early.
    let confirmed = [
        "0.0", "0.1", "1.0", "2.0", "4.0", "5.0", "6.0", "8.0", "9.0",
    ];
    let mut h = resume(
        h_path,
        "eis-bft",
        3,
        &serde_json::json!({"login": "bft", "account_type": "Личная", "name": "БФТ"}),
        &confirmed,
        &serde_json::json!({}),
    );
    type_into(&mut h, "Пароль *", PLANT_PASSWORD);
    click(&mut h, "Далее");
    wait_for(&mut h, "the early save", |h| shows(h, "Шаг 5 из 10"));
    for _ in 0..5 {
        click(&mut h, "Далее");
    }
    settle(&mut h);
    save(&mut h, "Подключение сохранено");
    drop(h);

    // The command line: add, a bad add that must not echo the secret, check, list, export.
    let args = support::add_elma_args("CLI", &server.url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = cli(
        h_path,
        &args,
        &format!(
            "{PLANT}
"
        ),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for o in [
        cli(
            h_path,
            &[
                "add",
                "elma365",
                "--name",
                "Bad",
                "--set",
                "address=acme",
                "--secret",
                "token",
            ],
            &format!("{PLANT}x\n"),
        ),
        cli(h_path, &["check", "--json"], ""),
        cli(h_path, &["list", "--json"], ""),
        cli(
            h_path,
            &["export", h_path.join("export.json").to_str().unwrap()],
            "",
        ),
    ] {
        outputs.push_str(&String::from_utf8_lossy(&o.stdout));
        outputs.push_str(&String::from_utf8_lossy(&o.stderr));
    }

    assert!(
        !outputs.contains(PLANT) && !outputs.contains("c0ffee123456"),
        "a secret in the command line's output"
    );
    let all = files(h_path);
    assert!(
        all.iter().any(|p| p.ends_with("connections.json"))
            && all.iter().any(|p| p.ends_with("export.json"))
    );
    assert!(
        all.iter().any(|p| p.starts_with(h_path.join("logs"))),
        "the log was written: {all:?}"
    );
    for f in &all {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        assert!(
            !text.contains(PLANT) && !text.contains(PLANT_PASSWORD),
            "secret found in {}",
            f.display()
        );
    }

    // It is in the keyring, though: that is where it belongs.
    let secrets = real_keyring();
    let (store, _) = klyuchnik::store::Store::open(&h_path.join("connections.json"));
    let list = store.snapshot();
    assert_eq!(
        list.len(),
        6,
        "{:?}",
        list.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    for c in list.iter() {
        for field in &c.secrets {
            let s = secrets.get(&c.id, field).unwrap();
            assert!(s.expose() == PLANT || s.expose() == PLANT_PASSWORD);
            secrets.delete_secret(&c.id, field).unwrap();
        }
    }
}

/// Servers that echo the token back in another form — upper-cased, without hyphens — must not
/// get it into the connections file, the log, the export or the command's output.
#[test]
fn a_token_echoed_back_in_another_form_lands_nowhere() {
    let home = tempfile::tempdir().unwrap();
    let h_path = home.path();
    let squashed = PLANT.replace('-', "");
    let mut outputs = String::new();
    for (i, echo) in [
        PLANT.to_uppercase(),
        squashed.clone(),
        format!("Bearer {PLANT}"),
    ]
    .iter()
    .enumerate()
    {
        let body =
            serde_json::json!({"success": false, "error": format!("token {echo} is not valid")});
        let server = serve(Reply::json(200, &body.to_string()));
        let args = support::add_elma_args(&format!("Эхо {i}"), &server.url);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cli(h_path, &args, &format!("{PLANT}\n"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = cli(h_path, &["check", "--json", &format!("Эхо {i}")], "");
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(out.contains("текст не показан"), "{out}");
        outputs.push_str(&out);
        outputs.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    let o = cli(
        h_path,
        &["export", h_path.join("export.json").to_str().unwrap()],
        "",
    );
    assert!(o.status.success());
    let found = |text: &str| {
        let t: String = text
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        t.contains(&squashed)
    };
    assert!(!found(&outputs), "the token in the output: {outputs}");
    for f in files(h_path) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(!found(&text), "the token in {}", f.display());
    }
    let secrets = real_keyring();
    let (store, _) = klyuchnik::store::Store::open(&h_path.join("connections.json"));
    for c in store.snapshot().iter() {
        for field in &c.secrets {
            secrets.delete_secret(&c.id, field).unwrap();
        }
    }
}
