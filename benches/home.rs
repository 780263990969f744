//! Frame CPU time of the home screen at 10, 1,000 and 10,000 saved connections, the frame that
//! answers a letter typed in «Поиск», and every wizard page. Prints numbers; asserts nothing.
//! Run: `cargo bench --bench home`.

use klyuchnik::model::Fields;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use klyuchnik::model::Connection;
use klyuchnik::store::{Home, Secrets, Store};
use klyuchnik::ui::{App, AppConfig};

fn seed(dir: &std::path::Path, n: usize) {
    let systems = [
        ("elma365", "ELMA365"),
        ("eis-token", "ЕИС"),
        ("vision-ellcom", "Vision Ellcom"),
    ];
    let list: Vec<Connection> = (0..n)
        .map(|i| {
            let (flow, system) = systems[i % systems.len()];
            Connection {
                // What «Поиск» looks through besides the name and system.
                fields: if flow == "vision-ellcom" {
                    Fields::from_iter([
                        ("email", format!("pvz-{i}@example.ru")),
                        (
                            "pvz_address",
                            format!("г. Мурманск, ул. Полярные Зори, д. {i}"),
                        ),
                        ("pvz_code", i.to_string()),
                    ])
                } else if flow == "elma365" {
                    Fields::from_iter([("address", format!("https://company-{i}.elma365.ru"))])
                } else {
                    Fields::default()
                },
                expires: (flow == "eis-token").then(|| {
                    Utc::now().date_naive()
                        + chrono::Duration::days(i64::try_from(i % 400).unwrap_or(0) - 20)
                }),
                ..Connection::new(flow, system, format!("Подключение № {i:05}"))
            }
        })
        .collect();
    // Written by the store itself: the same file the app writes.
    let (store, _) = Store::open(&Home::new(dir).connections_file());
    store
        .modify(|all| {
            all.extend(list);
            Ok(())
        })
        .expect("seed");
}

fn app(dir: &std::path::Path) -> App {
    App::new(AppConfig {
        home: Home::new(dir),
        secrets: Secrets::mock(),
        checks: klyuchnik::integrations::ClientOptions::default(),
        opener: Arc::new(|_| Ok(())),
        save_dialog: Arc::new(|_| None),
        open_dialog: Arc::new(|| None),
        scheduler: klyuchnik::reminders::schedule::Scheduler::autostart_in(
            &dir.join("config"),
            std::path::Path::new("klyuchnik"),
        ),
        focus: None,
        open_file: None,
        renew: false,
        opening: None,
        oidc_port: klyuchnik::ops::team::OIDC_PORT,
    })
}

/// The app in a 1280×720 harness, 20 frames in, so layout and caches have settled.
fn settled(app: App) -> egui_kittest::Harness<'static, App> {
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    for _ in 0..20 {
        h.step();
    }
    h
}

/// Median and 90th percentile.
fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10])
}

/// Median and 90th percentile of 200 frames.
fn measure(app: App) -> (Duration, Duration) {
    let mut h = settled(app);
    percentiles(
        (0..200)
            .map(|_| {
                let t = Instant::now();
                h.step();
                t.elapsed()
            })
            .collect(),
    )
}

/// The frame that answers a keystroke in «Поиск» (filter and sort of every row happen in it):
/// a digit typed, then erased, 50 times each; the first (it also builds the lower-case text
/// searched), then median and 90th percentile.
fn search_frame(app: App) -> (Duration, Duration, Duration) {
    use egui_kittest::kittest::Queryable as _;
    let mut h = settled(app);
    h.get_by_label("Поиск:").focus();
    h.step();
    let mut times = Vec::new();
    for i in 0..100 {
        if i % 2 == 0 {
            h.get_by_label("Поиск:").type_text("7");
        } else {
            h.key_press(egui::Key::Backspace);
        }
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
        h.step();
    }
    let first = times[0];
    let (median, p90) = percentiles(times);
    (first, median, p90)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    println!("home screen, 1280×720, frame CPU time (egui layout + tessellation, no GPU)");
    println!("{:>8}  {:>10}  {:>10}", "rows", "median", "p90");
    for n in [10, 1_000, 10_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        seed(dir.path(), n);
        let (median, p90) = measure(app(dir.path()));
        println!("{n:>8}  {:>7.3} ms  {:>7.3} ms", ms(median), ms(p90));
    }
    println!();
    println!("a letter typed in «Поиск» → the frame that shows the filtered list");
    println!(
        "{:>8}  {:>10}  {:>10}  {:>10}",
        "rows", "first", "median", "p90"
    );
    for n in [10, 10_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        seed(dir.path(), n);
        let (first, median, p90) = search_frame(app(dir.path()));
        println!(
            "{n:>8}  {:>7.3} ms  {:>7.3} ms  {:>7.3} ms",
            ms(first),
            ms(median),
            ms(p90)
        );
    }
    println!();
    println!("wizard pages, frame CPU time");
    println!("{:<16} {:>5}  {:>10}", "flow", "step", "median");
    let catalog = klyuchnik::flow::Catalog::embedded().expect("flows");
    for flow in catalog.creators() {
        for step in 0..flow.steps.len() {
            let dir = tempfile::tempdir().expect("tempdir");
            let draft = serde_json::json!({ "flow": flow.id, "step": step, "connection_id": uuid::Uuid::new_v4().to_string() });
            std::fs::write(dir.path().join("draft.json"), draft.to_string()).expect("draft");
            let (median, _) = measure(app(dir.path()));
            println!("{:<16} {:>5}  {:>7.3} ms", flow.id, step + 1, ms(median));
        }
    }
}
