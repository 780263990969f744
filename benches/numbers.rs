//! Store and check numbers: loading and saving 10,000 connections, and `klyuchnik check` over
//! 1,000 ELMA365 connections against a local server that answers in 50 ms. Prints numbers;
//! asserts nothing. Needs a kernel keyring session (scripts/bench.sh runs it in one).

use klyuchnik::model::Fields;
use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use klyuchnik::model::{Connection, Secret};
use klyuchnik::ops::{Local, save::save};
use klyuchnik::store::{Secrets, Store};

fn connection(i: usize, address: &str) -> Connection {
    Connection {
        fields: Fields::from_iter([
            ("address".to_owned(), address.to_owned()),
            ("user".to_owned(), "Интеграция".to_owned()),
            ("token_name".to_owned(), format!("Обмен {i}")),
        ]),
        secrets: vec!["token".to_owned()],
        ..Connection::new("elma365", "ELMA365", format!("ELMA365 № {i:05}"))
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Answers every request after 50 ms with ELMA365's success.
fn slow_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf);
                std::thread::sleep(Duration::from_millis(50));
                let body = r#"{"success":true}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    url
}

fn main() {
    // Load and save at 10,000.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("connections.json");
    let (store, _) = Store::open(&path);
    store
        .modify(|list| {
            list.extend((0..10_000).map(|i| connection(i, "https://acme.elma365.ru")));
            Ok(())
        })
        .expect("seed");
    let loads: Vec<Duration> = (0..9)
        .map(|_| {
            let t = Instant::now();
            let (s, _) = Store::open(&path);
            assert_eq!(s.snapshot().len(), 10_000);
            t.elapsed()
        })
        .collect();
    let saves: Vec<Duration> = (0..9)
        .map(|_| {
            let t = Instant::now();
            store.modify(|_| Ok(())).expect("save");
            t.elapsed()
        })
        .collect();
    let kib = std::fs::metadata(&path).map_or(0, |m| m.len() / 1024);
    println!("connections file, 10,000 connections ({kib} KiB)");
    println!("  load  median {:>7.1} ms", ms(median(loads)));
    println!(
        "  save  median {:>7.1} ms (temporary file, fsync, rename, .bak)",
        ms(median(saves))
    );

    // klyuchnik check over 1,000 connections.
    let secrets = Secrets::open(Some("keyutils"));
    if secrets.backend().is_none() {
        println!("check: skipped, no kernel keyring here");
        return;
    }
    let url = slow_server();
    let home = tempfile::tempdir().expect("tempdir");
    let (store, _) = Store::open(&home.path().join("connections.json"));
    let local = Local::new(store, secrets.clone());
    let token = Secret::new("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    let mut ids = Vec::new();
    for i in 0..1000 {
        let c = connection(i, &url);
        ids.push(c.id.clone());
        save(
            &local,
            c,
            &BTreeMap::from([("token".to_owned(), token.clone())]),
        )
        .expect("seed");
    }
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klyuchnik"))
        .args(["check", "--json"])
        .env("KLYUCHNIK_HOME", home.path())
        .env("KLYUCHNIK_KEYRING", "keyutils")
        .output()
        .expect("run klyuchnik check");
    let took = t.elapsed();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let ok = rows.as_array().map_or(0, |r| {
        r.iter()
            .filter(|r| r["last_check"]["result"] == "ok")
            .count()
    });
    println!("klyuchnik check, 1,000 ELMA365 connections, server answering in 50 ms");
    println!(
        "  {:.2} s, {ok} ok, exit code {:?}",
        took.as_secs_f64(),
        out.status.code()
    );
    for id in ids {
        let _ = secrets.delete_secret(&id, "token");
    }
}
