//! The README and the user guide name the wizards by the titles the app shows (issue 29, A12):
//! a flow renamed in `assets/flows/` or a title invented in the docs fails here, as do the old
//! sentences that did not match the app.

use std::collections::BTreeSet;

use klyuchnik::flow::{Flow, FlowKind, parse};

/// Every flow file in `assets/flows/`, parsed.
fn flows() -> Vec<Flow> {
    let mut flows = Vec::new();
    for entry in std::fs::read_dir("assets/flows").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            flows.push(parse(&path.display().to_string(), &text).unwrap());
        }
    }
    assert!(flows.len() >= 5, "{}", flows.len());
    flows
}

fn wizard_titles() -> BTreeSet<String> {
    flows()
        .into_iter()
        .filter(|f| f.kind == FlowKind::Create)
        .map(|f| f.title)
        .collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The lines from the one that starts with `from` up to (not including) the next that starts
/// with `to`.
fn section<'a>(text: &'a str, from: &str, to: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(from));
    assert!(lines.next().is_some(), "no line starting with {from:?}");
    lines.take_while(|l| !l.starts_with(to)).collect()
}

#[test]
fn the_readme_lists_each_wizard_by_its_title() {
    let readme = read("README.md");
    let listed: BTreeSet<String> = section(&readme, "Мастера (", "Общее для всех")
        .into_iter()
        .filter_map(|l| l.strip_prefix("- **"))
        .filter_map(|l| l.split_once("**").map(|(t, _)| t.to_owned()))
        .collect();
    assert_eq!(listed, wizard_titles());
}

#[test]
fn the_guide_has_a_section_per_wizard_under_its_title() {
    let guide = read("docs/guide.md");
    let headed: BTreeSet<String> = section(&guide, "## Мастера", "## ")
        .into_iter()
        .filter_map(|l| l.strip_prefix("### "))
        .map(|t| t.trim().to_owned())
        .collect();
    assert_eq!(headed, wizard_titles());
}

/// «ЕИС → РИС», «Ivideon → PASS24.online», …: every pair of systems the docs name is the pair
/// of a wizard's title — no pair the app does not have.
#[test]
fn every_pair_of_systems_in_the_docs_is_a_wizard() {
    let pairs: BTreeSet<String> = wizard_titles()
        .iter()
        .filter_map(|t| t.split_once(':').map(|(p, _)| p.to_owned()))
        .filter(|p| p.contains(" → "))
        .collect();
    assert!(pairs.len() >= 4, "{pairs:?}");
    let systems = ["ELMA365", "ЕИС", "Ivideon", "Vision Ellcom"];
    let pair = regex::Regex::new(
        r"(ELMA365|ЕИС|Ivideon|Vision Ellcom) → ([^\s:,.;)«»*]+(?: Point)?(?:\.[A-Za-zА-Яа-яё]+)?)",
    )
    .unwrap();
    for path in [
        "README.md",
        "docs/guide.md",
        "docs/reliability.md",
        "docs/cli.md",
    ] {
        let text = read(path);
        let mut seen = 0;
        for m in pair.captures_iter(&text) {
            let named = format!("{} → {}", &m[1], &m[2]);
            assert!(systems.contains(&&m[1]));
            assert!(
                pairs.contains(&named),
                "{path}: «{named}» is no wizard's pair"
            );
            seen += 1;
        }
        assert!(path != "docs/guide.md" || seen >= 4, "{path}: {seen}");
    }
}

/// The sentences issue 29 found that did not match the app.
#[test]
fn the_docs_say_what_the_app_does() {
    for path in ["README.md", "docs/guide.md"] {
        let text = read(path);
        // The ELMA365 wizard is «…: токен для интеграции».
        assert!(!text.contains("токен для API"), "{path}");
        // The ЕИС identifier's shape is a guess from samples, not a UUID by definition.
        assert!(!text.contains("UUID"), "{path}");
        // No command is given for IvideonConnectSystem.php: the document names only the script.
        for line in text.lines().filter(|l| l.contains("IvideonConnectSystem")) {
            assert!(!line.contains("команд"), "{path}: {line}");
        }
        // «Копировать» puts the token on the clipboard; it hands nothing to WB Point.
        assert!(!text.contains("передаёт токен в WB Point"), "{path}");
        // No threshold of Ключник's own for the ЕИС term.
        assert!(
            !text.contains("меньше года") || text.contains("не придумывает"),
            "{path}"
        );
    }
    let guide = read("docs/guide.md");
    assert!(guide.contains("кладёт токен в буфер обмена — для ввода в WB Point"));
    assert!(guide.contains("известные образцы — вида"));
    // Why ЕИС has no check: as the flow says it.
    assert!(!guide.contains("Идентификатор проверяет РИС"));
    assert!(guide.contains("учётными данными самой РИС"));
}
