//! What a person hands to the command line, at its worst (issue 29): files and standard input far
//! past their limits, a secret split over two lines, names with characters that do not show or
//! that only look like other letters.

use crate::support;

use std::io::Write as _;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use support::TOKEN;

fn klyuchnik(home: &Path, args: &[&str], stdin: &str) -> Output {
    support::run_cli(home, args, stdin)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn names(home: &Path) -> Vec<String> {
    let o = klyuchnik(home, &["list", "--json"], "");
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

fn add_elma(home: &Path, name: &str, stdin: &str) -> Output {
    let args = support::add_elma_args(name, "https://acme.elma365.ru");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    klyuchnik(home, &args, stdin)
}

/// Runs the command with standard input fed without end, as from `yes` or `/dev/zero`. The
/// old code read it whole and ran out of memory (exit 134); a minute is far more than reading
/// to the limit takes, and the test fails instead of hanging if it never stops.
fn with_endless_stdin(home: &Path, args: &[&str]) -> Output {
    let mut child = support::klyuchnik(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Writes until the program closes its end (a broken pipe) — it must stop reading.
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut written = 0_usize;
        while stdin.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_mins(1) {
            child.kill().unwrap();
            panic!("still reading an endless standard input after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let written = writer.join().unwrap();
    assert!(
        written < 64 * 1024 * 1024,
        "{written} bytes taken before it stopped"
    );
    child.wait_with_output().unwrap()
}

/// B3: a file far larger than an export is refused unread (a sparse 1.5 GB file costs no disk);
/// a device that never ends is read to the limit only. The old code read the whole file into
/// memory (1.55 GB) and answered with exit code 2; `/dev/zero` ran it out of memory.
#[test]
fn import_stops_reading_at_the_limit() {
    let home = tempfile::tempdir().unwrap();
    let big = home.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1536 * 1024 * 1024)
        .unwrap();
    let mut files = vec![big];
    let zero = Path::new("/dev/zero");
    if zero.exists() {
        files.push(zero.to_owned());
    }
    for file in files {
        let o = klyuchnik(home.path(), &["import", file.to_str().unwrap()], "");
        assert_eq!(code(&o), 1, "{file:?}: {}", err(&o));
        assert!(
            err(&o).contains("больше 64 МБ — выгрузки Ключника такими не бывают"),
            "{}",
            err(&o)
        );
        assert!(names(home.path()).is_empty());
    }
}

/// B3 in the window: «Загрузить…» and «ПВЗ из CSV…» read the picked file no further than
/// 64 MB either. The old code read it whole first (a 1.5 GB file: 1.5 GB of memory, then «Это
/// не файл выгрузки»; `/dev/zero`: out of memory).
#[test]
fn the_window_stops_reading_a_picked_file_at_the_limit() {
    use klyuchnik::store::Secrets;
    use support::ui::{OpenFrom, Opened, app_with_files, click, harness, shows, wait_for};

    let home = tempfile::tempdir().unwrap();
    let big = home.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1536 * 1024 * 1024)
        .unwrap();
    let zero = Path::new("/dev/zero");
    let refused = "больше 64 МБ — это не выгрузка Ключника и не список ПВЗ. Ничего не загружено.";
    let window = |file: &Path| {
        let open_from = OpenFrom::default();
        *open_from.lock().unwrap() = Some(file.to_owned());
        harness(app_with_files(
            home.path(),
            Secrets::mock(),
            &Opened::default(),
            None,
            &open_from,
        ))
    };
    for file in [big.as_path(), zero].into_iter().filter(|f| f.exists()) {
        let mut h = window(file);
        click(&mut h, "Загрузить…");
        wait_for(&mut h, "the refusal", |h| shows(h, refused));
        assert!(h.state().store().unwrap().snapshot().is_empty());
    }
    let mut h = window(&big);
    click(&mut h, "ПВЗ из CSV…");
    click(&mut h, "Выбрать файл…");
    wait_for(&mut h, "the refusal of the list", |h| shows(h, refused));
    assert!(h.state().store().unwrap().snapshot().is_empty());
}

/// B3: an endless secret on standard input is cut at 64 KB and refused; nothing is saved.
#[test]
fn an_endless_secret_on_stdin_is_refused_at_the_limit() {
    let home = tempfile::tempdir().unwrap();
    let args = support::add_elma_args("Бесконечный", "https://acme.elma365.ru");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = with_endless_stdin(home.path(), &args);
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(
        err(&o).contains("на стандартном вводе больше 64 КБ"),
        "{}",
        err(&o)
    );
    assert!(names(home.path()).is_empty());
}

/// B9: a secret split over two lines was saved cut at the first, with exit code 0. Now the
/// extra line is refused and nothing is written — in `add` and in `secret` alike. A line ending
/// (LF or CRLF) and blank lines after it are no extra line.
#[test]
fn a_secret_split_over_two_lines_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (first, second) = TOKEN.split_at(14);
    let split = format!("{first}\n{second}\n");

    let o = add_elma(h, "Разбитый", &split);
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(
        err(&o).contains("в строке 2 ещё что-то есть"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("Ничего не сохранено"), "{}", err(&o));
    assert!(!err(&o).contains(second), "the secret is never echoed");
    assert!(names(h).is_empty());

    for ending in ["\r\n", "\n\n\n", "\r\n  \r\n", ""] {
        let name = format!("Целый {}", ending.len());
        let o = add_elma(h, &name, &format!("{TOKEN}{ending}"));
        assert_eq!(code(&o), 0, "{ending:?}: {}", err(&o));
        let shown = klyuchnik(h, &["show", &name, "--reveal", "token"], "");
        assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), TOKEN);
    }

    let o = klyuchnik(h, &["secret", "Целый 2", "token"], &split);
    assert_eq!(code(&o), 2, "{}", err(&o));
    let shown = klyuchnik(h, &["show", "Целый 2", "--reveal", "token"], "");
    assert_eq!(
        String::from_utf8_lossy(&shown.stdout).trim(),
        TOKEN,
        "the saved secret is kept"
    );
}

/// Each character that was taken into a name before (issue 29, B5).
const HIDDEN: [char; 15] = [
    '\u{00AD}',
    '\u{034F}',
    '\u{061C}',
    '\u{3164}',
    '\u{115F}',
    '\u{180E}',
    '\u{2800}',
    '\u{FE0F}',
    '\u{E0001}',
    '\u{E0041}',
    '\u{E007F}',
    '\u{1D173}',
    '\u{2028}',
    '\u{2029}',
    '\u{200B}',
];

fn code_of(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// B5 through `add`: every character that does not show is refused in a name, by its code.
#[test]
fn add_refuses_names_with_characters_that_do_not_show() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for c in HIDDEN {
        // Inside the name: at its edges, the ones that are spaces (U+2028…) are trimmed away.
        let o = add_elma(h, &format!("ПВЗ {c}1"), &format!("{TOKEN}\n"));
        assert_eq!(code(&o), 2, "{}: {}", code_of(c), err(&o));
        assert!(err(&o).contains(&code_of(c)), "{}: {}", code_of(c), err(&o));
        assert!(err(&o).contains("на экране его не видно"), "{}", err(&o));
    }
    assert!(names(h).is_empty());

    // Ordinary names: «ё», digits, punctuation, emoji (with their joiners).
    let ordinary = [
        "Ёлки, ул. Лесная, д. 5/2 (склад №3)",
        "ELMA365 — 1С: «Бухгалтерия»",
        "ПВЗ 🚚 Лесная",
        "❤️ Любимый",
        "Команда 👩‍💻",
    ];
    for name in ordinary {
        let o = add_elma(h, name, &format!("{TOKEN}\n"));
        assert_eq!(code(&o), 0, "{name}: {}", err(&o));
    }
    assert_eq!(names(h), ordinary);
}

/// B5: a name that only looks like a saved one is the same name — refused by `add`, `set` and
/// import, naming the connection it looks like.
#[test]
fn a_look_alike_name_is_a_duplicate() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(
        code(&add_elma(h, "Рога и копыта", &format!("{TOKEN}\n"))),
        0
    );
    assert_eq!(code(&add_elma(h, "ПВЗ 1", &format!("{TOKEN}\n"))), 0);
    // Latin P, o, a; a Latin «l» for «1»; a no-break space.
    for look_alike in ["Poгa и кoпытa", "ПВЗ l", "пвз\u{00A0}1"] {
        let o = add_elma(h, look_alike, &format!("{TOKEN}\n"));
        assert_eq!(code(&o), 2, "{look_alike}: {}", err(&o));
        assert!(err(&o).contains("уже есть"), "{}", err(&o));
    }
    let o = klyuchnik(h, &["set", "ПВЗ 1", "name=Poгa и кoпытa"], "");
    assert_eq!(code(&o), 2, "{}", err(&o));
    assert!(
        err(&o).contains("«Рога и копыта» уже есть"),
        "names the one it looks like: {}",
        err(&o)
    );
    assert_eq!(names(h), ["Рога и копыта", "ПВЗ 1"]);

    // The same through import, in a file of another computer.
    let other = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&add_elma(
            other.path(),
            "Poгa и кoпытa",
            &format!("{TOKEN}\n")
        )),
        0
    );
    let file = other.path().join("export.json");
    let o = klyuchnik(other.path(), &["export", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = klyuchnik(h, &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 1, "{}", err(&o));
    assert!(
        err(&o).contains("уже есть подключение «Рога и копыта», название которого выглядит так же"),
        "{}",
        err(&o)
    );
    assert_eq!(names(h), ["Рога и копыта", "ПВЗ 1"]);
}

/// B5 through import: every record with a character that does not show in its name is refused,
/// naming the character; a clean record beside them is taken.
#[test]
fn import_refuses_names_with_characters_that_do_not_show() {
    let home = tempfile::tempdir().unwrap();
    let record = |name: String| {
        serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "name": name,
            "flow": "elma365",
            "system": "ELMA365",
            "created": "2026-01-01T00:00:00Z",
            "fields": {"address": "https://acme.elma365.ru", "user": "Интеграция", "token_name": "Обмен"},
            "secrets": ["token"]
        })
    };
    let mut records: Vec<serde_json::Value> =
        HIDDEN.iter().map(|c| record(format!("ПВЗ {c}1"))).collect();
    records.push(record("ПВЗ 1".to_owned()));
    let file = home.path().join("in.json");
    let doc = serde_json::json!({
        "format": "klyuchnik-connections",
        "version": 1,
        "exported": "2026-11-01T00:00:00Z",
        "connections": records,
    });
    std::fs::write(&file, doc.to_string()).unwrap();
    let o = klyuchnik(home.path(), &["import", file.to_str().unwrap()], "");
    assert_eq!(code(&o), 1, "{}", err(&o));
    let e = err(&o);
    for (n, c) in HIDDEN.iter().enumerate() {
        let line = e
            .lines()
            .find(|l| l.starts_with(&format!("запись {} ", n + 1)))
            .unwrap_or_else(|| panic!("record {} ({}) not refused: {e}", n + 1, code_of(*c)));
        assert!(line.contains(&code_of(*c)), "{line}");
        assert!(
            !line.contains(*c),
            "the character itself is not printed: {line:?}"
        );
    }
    assert_eq!(names(home.path()), ["ПВЗ 1"]);
}
