//! Property tests over everything that reads outside input: flow files, the connections file,
//! import files, ПВЗ lists, field values. Whatever the input, no panic. `scripts/fuzz.sh` runs
//! them longer; a failure proptest finds is saved under proptest-regressions/ and replayed.

use klyuchnik::flow::{Catalog, Field, FieldKind, SecretFormat, rules};
use klyuchnik::ops::transfer;
use klyuchnik::store::Store;
use proptest::prelude::*;

/// A real file with some bytes replaced, inserted or removed: reaches deeper than random text.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let len = base.len();
    proptest::collection::vec((0..len.max(1), any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, b, op) in edits {
            let at = at.min(bytes.len());
            match op {
                0 if at < bytes.len() => bytes[at] = b,
                1 => bytes.insert(at, b),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

const ELMA: &str = include_str!("../../assets/flows/elma365.toml");
const IVIDEON: &str = include_str!("../../assets/flows/ivideon-pass24.toml");

fn export_sample() -> &'static str {
    r#"{"format":"klyuchnik-connections","version":1,"exported":"2026-11-23T10:00:00Z","connections":[{"id":"7d3c3a5e-1111-4111-8111-111111111111","name":"ELMA365 — 1С","flow":"elma365","system":"ELMA365","created":"2026-11-20T10:00:00Z","fields":{"address":"https://acme.elma365.ru","user":"u","token_name":"t"},"secrets":["token"]}]}"#
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn flow_loader_never_panics(text in any::<String>()) {
        let _ = klyuchnik::flow::parse("flows/x.toml", &text);
    }

    #[test]
    fn flow_loader_on_mutated_flows(text in prop_oneof![mutated(ELMA), mutated(IVIDEON)]) {
        let _ = Catalog::from_files([("flows/elma365.toml".to_owned(), text.as_str())]);
        let _ = klyuchnik::flow::parse("flows/ivideon-pass24.toml", &text);
    }

    #[test]
    fn connections_file_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("connections.json");
        std::fs::write(&path, &bytes).unwrap();
        let (store, _) = Store::open(&path);
        let _ = store.snapshot();
    }

    #[test]
    fn import_never_panics(text in prop_oneof![any::<String>(), mutated(export_sample())]) {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(&dir.path().join("connections.json"));
        let catalog = Catalog::embedded().unwrap();
        let _ = transfer::import(&crate::support::local(&store), &catalog, &text);
    }

    #[test]
    fn pvz_csv_never_panics(text in prop_oneof![any::<String>(), mutated("код;адрес;e-mail\n101;Лесная, 5;a@example.ru\n102;\"Мира; 1\";b@example.ru\n")]) {
        let catalog = Catalog::embedded().unwrap();
        let _ = klyuchnik::integrations::vision_pvz::pvz_from_csv(&text, &catalog, &[], false);
    }

    #[test]
    fn field_rules_never_panic(raw in any::<String>(), kind in 0usize..9) {
        let kinds = [FieldKind::Text, FieldKind::Email, FieldKind::Url, FieldKind::Secret, FieldKind::Uuid, FieldKind::Date, FieldKind::Digits, FieldKind::Choice, FieldKind::Table];
        let mut field = Field { id: "f".into(), label: "Поле".into(), kind: kinds[kind], required: true, ..Field::default() };
        if field.kind == FieldKind::Choice {
            field.choices = vec!["5".into(), "6".into()];
        }
        if field.kind == FieldKind::Secret {
            field.format = Some(SecretFormat::Uuid);
        }
        if field.kind == FieldKind::Url {
            field.company_domain = Some("elma365.ru".into());
        }
        let _ = rules::check(&field, &raw, chrono::Local::now().date_naive());
    }
}
