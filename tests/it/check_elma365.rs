//! The ELMA365 check against a local server that answers the way ELMA365 does.

use crate::support;

use std::time::{Duration, Instant};

use klyuchnik::integrations::{ClientOptions, Timeouts, client, elma365};
use klyuchnik::model::Secret;
use klyuchnik::model::{Outcome, OutcomeKind, Service};
use klyuchnik::platform::jobs::Runner;
use support::{Reply, TOKEN, refused_url, serve};

fn run(base: &str) -> Outcome {
    run_with(base, None)
}

/// Checks `base`; with `hosts`, names are looked up there only (each maps to loopback).
fn run_with(base: &str, hosts: Option<&[(&str, std::net::SocketAddr)]>) -> Outcome {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        overall: Duration::from_millis(800),
    };
    // Short waits between retries keep the 5xx and 429 cases quick.
    let options = ClientOptions {
        timeouts,
        backoff: Duration::from_millis(20),
        hosts: hosts
            .map(|h| std::sync::Arc::new(h.iter().map(|(n, a)| ((*n).to_owned(), *a)).collect())),
        ..ClientOptions::default()
    };
    let runner = Runner::new().unwrap();
    runner.block_on(async {
        let client = client(&options).unwrap();
        elma365::check(&client, &options, base, &Secret::new(TOKEN)).await
    })
}

#[test]
fn success_sends_the_documented_request() {
    let server = serve(Reply::json(
        200,
        r#"{"success":true,"error":"","result":{"result":[],"total":1}}"#,
    ));
    assert_eq!(run(&server.url), Outcome::ok());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/pub/v1/user/list");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body, serde_json::json!({"from": 0, "size": 1}));
}

#[test]
fn trailing_slash_in_base_is_fine() {
    let server = serve(Reply::json(200, r#"{"success":true}"#));
    assert_eq!(run(&format!("{}/", server.url)).kind, OutcomeKind::Ok);
    assert_eq!(server.requests()[0].path, "/pub/v1/user/list");
}

#[test]
fn each_failure_has_its_own_kind() {
    let cases = [
        (
            Reply::json(401, r#"{"success":false,"error":"unauthorized"}"#),
            OutcomeKind::Rejected,
        ),
        (Reply::json(403, "{}"), OutcomeKind::Rejected),
        (
            Reply::html(404, "<html><body>Not found</body></html>"),
            OutcomeKind::WrongAddress,
        ),
        (
            Reply::html(200, "<html>login page</html>"),
            OutcomeKind::WrongAddress,
        ),
        (
            Reply::json(200, r#"{"result":[]}"#),
            OutcomeKind::WrongAddress,
        ),
        (
            Reply::html(500, "<h1>Internal Server Error</h1>"),
            OutcomeKind::ServiceError,
        ),
        (Reply::html(503, "busy"), OutcomeKind::ServiceError),
        (Reply::json(429, "{}"), OutcomeKind::RateLimited),
        (Reply::Reset, OutcomeKind::Unreachable),
    ];
    for (reply, want) in cases {
        let label = format!("{reply:?}");
        let server = serve(reply);
        let got = run(&server.url);
        assert_eq!(got.kind, want, "{label}: {got:?}");
        let detail = got.detail.unwrap_or_default();
        assert!(
            !detail.contains(TOKEN),
            "the token leaked into the message: {detail}"
        );
    }
}

#[test]
fn success_false_shows_the_service_error_text() {
    let server = serve(Reply::json(
        200,
        r#"{"success":false,"error":"Лицензия истекла"}"#,
    ));
    let got = run(&server.url);
    assert_eq!(got.kind, OutcomeKind::ServiceError);
    assert!(got.detail.as_deref().unwrap().contains("Лицензия истекла"));
    // Issue 29, A9: the advice is ELMA365's own words, not «try later» as for a passing fault.
    let advice = got.advice(Service::Elma365);
    assert!(
        advice.contains("ответила: «Лицензия истекла»")
            && !advice.contains("Попробуйте проверить позже"),
        "{advice}"
    );
    // Words that repeat the token are not shown, and the advice says why.
    let echo = format!(r#"{{"success":false,"error":"Неизвестный токен {TOKEN}"}}"#);
    let server = serve(Reply::json(200, &echo));
    let got = run(&server.url);
    let advice = got.advice(Service::Elma365).to_owned();
    assert!(
        !advice.contains(TOKEN) && advice.contains("повторён токен"),
        "{advice}"
    );
    assert!(!got.detail.unwrap().contains(TOKEN));
    // No words at all: said so, not a fault to wait out either.
    let server = serve(Reply::json(200, r#"{"success":false,"error":""}"#));
    let advice = run(&server.url).advice(Service::Elma365).to_owned();
    assert!(advice.contains("не объяснила почему"), "{advice}");
}

/// Issue 29, A9: 403 may be a user without the right (the help page), not only a bad token;
/// a code ELMA365 is not known to give is not called a wrong address; a pass says what it
/// proves — ELMA365 accepted the token — and no more.
#[test]
fn each_answer_gets_advice_that_fits_what_it_proves() {
    let unauthorized = run(&serve(Reply::json(401, "{}")).url);
    let forbidden = run(&serve(Reply::json(403, "{}")).url);
    assert_eq!(forbidden.kind, OutcomeKind::Rejected);
    let (a401, a403) = (
        unauthorized.advice(Service::Elma365).to_owned(),
        forbidden.advice(Service::Elma365).to_owned(),
    );
    assert_ne!(a401, a403);
    assert!(a403.contains("нет прав") && a403.contains("403"), "{a403}");

    for status in [400, 405, 409, 422] {
        let got = run(&serve(Reply::json(status, "{}")).url);
        assert_ne!(got.kind, OutcomeKind::WrongAddress, "{status}: {got:?}");
        let advice = got.advice(Service::Elma365);
        assert!(
            advice.contains(&status.to_string()) && advice.contains("по ответу не понять"),
            "{status}: {advice}"
        );
    }
    // A 404 still points at the address: no ELMA365 API there.
    assert_eq!(
        run(&serve(Reply::json(404, "{}")).url).kind,
        OutcomeKind::WrongAddress
    );

    let ok = run(&serve(Reply::json(200, r#"{"success":true}"#)).url);
    assert_eq!(ok.kind.title(), "Токен принят");
    let advice = ok.advice(Service::Elma365);
    assert!(
        advice.starts_with("ELMA365 приняла токен") && !advice.contains("подключение работает"),
        "{advice}"
    );
    // Every advice a check can give reads as Russian: no Latin words besides the names.
    for o in [&forbidden, &ok] {
        let latin: String = o
            .advice(Service::Elma365)
            .replace("ELMA365", "")
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        assert!(latin.is_empty(), "{latin}");
    }
}

#[test]
fn stall_past_the_timeout_is_a_timeout() {
    let server = serve(Reply::Stall);
    let started = Instant::now();
    let got = run(&server.url);
    assert_eq!(got.kind, OutcomeKind::Timeout, "{got:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn nothing_listening_is_unreachable() {
    assert_eq!(run(&refused_url()).kind, OutcomeKind::Unreachable);
}

#[test]
fn a_running_check_can_be_cancelled() {
    let server = serve(Reply::Stall);
    let runner = Runner::new().unwrap();
    let base = server.url.clone();
    let job = runner.spawn(
        async move {
            let options = ClientOptions::default();
            let client = client(&options).unwrap();
            elma365::check(&client, &options, &base, &Secret::new(TOKEN)).await
        },
        || {},
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(job.poll().is_none(), "a stalled check is still running");
    job.cancel();
}

#[test]
fn outcome_kinds_have_distinct_russian_messages_per_service() {
    let kinds = OutcomeKind::ALL;
    let titles: std::collections::BTreeSet<_> = kinds.iter().map(|k| k.title()).collect();
    assert_eq!(titles.len(), kinds.len());
    for service in Service::ALL {
        let advice: std::collections::BTreeSet<_> =
            kinds.iter().map(|k| k.advice(service)).collect();
        assert_eq!(advice.len(), kinds.len(), "{service:?}");
        assert!(
            kinds
                .iter()
                .all(|k| k.advice(service).chars().any(|c| ('а'..='я').contains(&c)))
        );
    }
    // Advice names the service it is about: no talk of the ELMA365 company address for Ivideon.
    for kind in [OutcomeKind::Rejected, OutcomeKind::WrongAddress] {
        assert!(
            kind.advice(Service::Elma365).contains("ELMA365"),
            "{kind:?}"
        );
        assert!(
            kind.advice(Service::Ivideon).contains("Ivideon"),
            "{kind:?}"
        );
        assert!(
            !kind.advice(Service::Ivideon).contains("адрес компании"),
            "{kind:?}"
        );
    }
    // Every check a flow can name has its service.
    for name in klyuchnik::flow::actions::CHECKS {
        assert!(
            klyuchnik::integrations::check_named(name).is_some(),
            "{name}"
        );
    }
}

fn run_with_hosts(base: &str, hosts: &[(&str, std::net::SocketAddr)]) -> Outcome {
    run_with(base, Some(hosts))
}

/// A company name that is not found is a wrong address only when the service's own domain is
/// found; when nothing is (no network), the check says so instead of sending the user to
/// retype a correct address.
#[test]
fn an_unknown_name_is_a_wrong_address_only_when_the_network_works() {
    let server = serve(Reply::json(200, r#"{"success":true}"#));
    let addr: std::net::SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let port = addr.port();
    // The table works: a known name reaches the loopback server.
    let known = run_with_hosts(
        &format!("http://acme.elma365.test:{port}"),
        &[("acme.elma365.test", addr)],
    );
    assert_eq!(known, Outcome::ok());

    let typo = run_with_hosts(
        &format!("http://acmee.elma365.test:{port}"),
        &[("acme.elma365.test", addr), ("elma365.test", addr)],
    );
    assert_eq!(typo.kind, OutcomeKind::WrongAddress, "{typo:?}");
    assert!(
        typo.detail
            .as_deref()
            .unwrap()
            .contains("elma365.test находится")
    );

    let offline = run_with_hosts(&format!("http://acme.elma365.test:{port}"), &[]);
    assert_eq!(offline.kind, OutcomeKind::Unreachable, "{offline:?}");
    assert!(
        offline.detail.as_deref().unwrap().starts_with("нет связи"),
        "{offline:?}"
    );
    assert_eq!(OutcomeKind::Unreachable.title(), "Нет связи с сервисом");
    assert!(
        !OutcomeKind::Unreachable
            .advice(Service::Elma365)
            .contains("адрес компании")
    );
}
