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
