//! The module rules of docs/architecture.md, read from the source: which top-level module may
//! use which, no circles, and only `ops` writes or deletes a secret. A rule broken by a change
//! fails here with the file and the offending use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Everything below the two faces (the window and the command line).
const BELOW_FACES: &[&str] = &[
    "model",
    "flow",
    "store",
    "integrations",
    "ops",
    "reminders",
    "platform",
];

/// What each layer may use besides itself; anything not listed is refused.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("flow", &["model"]),
    ("store", &["model"]),
    ("platform", &["store", "integrations"]),
    ("integrations", &["model", "flow"]),
    ("reminders", &["model", "store", "platform"]),
    ("ops", &["model", "flow", "store", "integrations"]),
    ("cli", BELOW_FACES),
    ("ui", BELOW_FACES),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file of the library with its top-level module (`ui` for src/ui/home/mod.rs).
fn files() -> Vec<(String, PathBuf, String)> {
    let mut paths = Vec::new();
    sources(&src(), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(src()).unwrap().to_path_buf();
            let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
            let unit = first.trim_end_matches(".rs").to_owned();
            // The crate root and the binary are not layers.
            if unit == "lib" || unit == "main" {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Some((unit, rel, text))
        })
        .collect()
}

/// The top-level modules a source text names through `crate::…`, including grouped
/// `use crate::{a, b::c}`. Comments are skipped.
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: at brace depth 0, before `::`, `,` or `}`.
            let mut depth = 0;
            let mut word = String::new();
            let mut at_start = true;
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !word.is_empty() {
                            out.insert(std::mem::take(&mut word));
                        }
                        at_start = true;
                    }
                    c if depth == 0 && at_start && (c.is_alphanumeric() || c == '_') => {
                        word.push(c);
                    }
                    _ if depth == 0 && at_start && !word.is_empty() => {
                        out.insert(std::mem::take(&mut word));
                        at_start = false;
                    }
                    _ => {}
                }
            }
            if !word.is_empty() {
                out.insert(word);
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                out.insert(word);
            }
        }
    }
    out.remove("self");
    out
}

/// unit → (used unit → first file that uses it).
fn graph() -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let mut graph: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for (unit, rel, text) in files() {
        let edges = graph.entry(unit.clone()).or_default();
        for used in uses(&text) {
            if used != unit {
                edges.entry(used).or_insert_with(|| rel.clone());
            }
        }
    }
    graph
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let graph = graph();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut broken = Vec::new();
    for (unit, edges) in &graph {
        let Some(may) = allowed.get(unit.as_str()) else {
            broken.push(format!(
                "{unit}: a new top-level module — add it to the rules"
            ));
            continue;
        };
        for (used, file) in edges {
            if !may.contains(&used.as_str()) {
                broken.push(format!("{unit} → {used} ({})", file.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "uses against the rules:\n{}",
        broken.join("\n")
    );
    // The graph, for docs/architecture.md: `cargo test --test it architecture -- --nocapture`.
    for (unit, edges) in &graph {
        let used: Vec<&str> = edges.keys().map(String::as_str).collect();
        println!("{unit} → {}", used.join(", "));
    }
}

/// Depth-first search from `unit`: the first circle met, as «a → b → a».
fn visit<'a>(
    unit: &'a str,
    graph: &'a BTreeMap<String, BTreeMap<String, PathBuf>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<String> {
    if let Some(at) = path.iter().position(|u| *u == unit) {
        let mut circle = path[at..].to_vec();
        circle.push(unit);
        return Some(circle.join(" → "));
    }
    if !done.insert(unit) {
        return None;
    }
    path.push(unit);
    for used in graph.get(unit).into_iter().flat_map(BTreeMap::keys) {
        if let Some(circle) = visit(used, graph, path, done) {
            return Some(circle);
        }
    }
    path.pop();
    None
}

#[test]
fn there_is_no_circle_between_modules() {
    let graph = graph();
    let mut done = BTreeSet::new();
    for unit in graph.keys() {
        let circle = visit(unit, &graph, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "import circle: {}",
            circle.unwrap_or_default()
        );
    }
}

/// Only the operations write or delete a secret (each with the same rollback rule); the store
/// holds the keyring calls themselves.
#[test]
fn only_ops_writes_or_deletes_a_secret() {
    let mut found = Vec::new();
    for (unit, rel, text) in files() {
        if unit == "ops" || unit == "store" {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if line.contains("set_secret(") || line.contains("delete_secret(") {
                found.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "secrets written outside ops:\n{}",
        found.join("\n")
    );
}

/// Screens get what they need from `ui::command` and the kit; the shell (`ui::app`) is above
/// them and none of them names it.
#[test]
fn screens_do_not_use_the_shell() {
    let mut found = Vec::new();
    for (unit, rel, text) in files() {
        let name = rel.to_string_lossy().replace('\\', "/");
        if unit != "ui" || name == "ui/app.rs" || name == "ui/mod.rs" {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("app::") || code.contains("super::app") {
                found.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "screens using ui::app:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_of_uses_sees_grouped_and_nested_paths() {
    let text = "use crate::{model::{A, B}, ops, store::Secrets};\n// crate::ui\nlet x = crate::flow::draft::Draft::new();";
    let found: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(found, ["flow", "model", "ops", "store"]);
}
