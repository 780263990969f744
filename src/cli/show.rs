//! `show НАЗВАНИЕ [--json] [--reveal ПОЛЕ]`: one connection as its card shows it.

use chrono::{Local, Utc};
use serde::Serialize;

use super::list::{CheckJson, Row, row};
use super::output::{failed, say, usage, warn};
use super::{Env, Fail, find};
use crate::flow::FieldKind;
use crate::flow::template;
use crate::ops::transfer::printable;

#[derive(Serialize)]
struct Card<'a> {
    #[serde(flatten)]
    row: Row<'a>,
    fields: Vec<Item>,
    /// Secret fields kept in the keyring: named, never their values.
    secrets: Vec<Item>,
    /// Where each value goes (the wizard's finish page, with this connection's values).
    todo: Vec<String>,
    checks: Vec<CheckJson>,
    created: chrono::DateTime<Utc>,
    changed: Option<chrono::DateTime<Utc>>,
    /// A setup paused part-way: its state and the step (from 1) it goes on at.
    #[serde(skip_serializing_if = "Option::is_none")]
    paused: Option<Paused>,
}

#[derive(Serialize)]
struct Paused {
    state: String,
    step: usize,
}

#[derive(Serialize)]
struct Item {
    id: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

/// `show`: no secret value unless `--reveal` names one, and then only that one, on stdout.
pub(super) fn show(env: &Env, name: &str, json: bool, reveal: Option<&str>) -> Result<u8, Fail> {
    let c = find(env, name)?;
    let flow = env
        .catalog
        .get(&c.flow)
        .ok_or_else(|| failed(format!("нет мастера «{}»", c.flow)))?;
    if let Some(field) = reveal {
        let label = flow
            .field(field)
            .filter(|f| f.is_secret() && c.secrets.iter().any(|s| s == field))
            .map(|f| f.label.clone())
            .ok_or_else(|| usage(format!("у подключения нет секрета «{field}»")))?;
        let secret = env
            .storage
            .secret(&c.id, field)
            .map_err(|e| failed(e.to_string()))?;
        warn(&format!(
            "значение секрета «{label}» выведено на экран: не оставляйте его в истории команд и в файлах"
        ));
        say(secret.expose());
        return Ok(0);
    }
    let fields: Vec<Item> = flow
        .fields()
        .filter(|f| !f.is_secret() && f.kind != FieldKind::Table)
        .map(|f| Item {
            id: f.id.clone(),
            label: f.label.clone(),
            value: c.fields.get(&f.id).map(str::to_owned),
        })
        .collect();
    let secrets: Vec<Item> = flow
        .fields()
        .filter(|f| f.is_secret() && c.secrets.contains(&f.id))
        .map(|f| Item {
            id: f.id.clone(),
            label: f.label.clone(),
            value: None,
        })
        .collect();
    let todo: Vec<String> = flow
        .finish
        .todo
        .iter()
        .map(|t| template::fill_from(t, &c))
        .collect();
    let checkable = flow.check.is_some();
    let checks: Vec<CheckJson> = if checkable {
        c.checks().map(CheckJson::of).collect()
    } else {
        Vec::new()
    };
    let card = Card {
        row: row(env, &c),
        fields,
        secrets,
        todo,
        checks,
        created: c.created,
        changed: c.changed,
        paused: c.pending_step.map(|step| Paused {
            state: flow.paused(step).state,
            step: step + 1,
        }),
    };
    if json {
        say(&serde_json::to_string_pretty(&card).unwrap_or_default());
        return Ok(0);
    }
    // Names and values never reach the terminal with control characters in them.
    say_fmt!("{}", printable(&format!("{} — {}", c.name, c.system)));
    if let Some(p) = &card.paused {
        say_fmt!(
            "  {}: продолжить с шага {} — в окне, klyuchnik open «{}»",
            p.state,
            p.step,
            printable(&c.name)
        );
    }
    for f in &card.fields {
        say_fmt!(
            "  {}: {}",
            f.label,
            printable(f.value.as_deref().unwrap_or("—"))
        );
    }
    for s in &card.secrets {
        say_fmt!(
            "  {}: в хранилище паролей (показать: --reveal {})",
            s.label,
            s.id
        );
    }
    if let Some(d) = c.expires {
        say_fmt!("  Срок действия: до {}", d.format("%d.%m.%Y"));
    }
    for check in &card.checks {
        let detail = check
            .detail
            .as_deref()
            .map(|d| format!(" ({})", printable(d)))
            .unwrap_or_default();
        say_fmt!(
            "  проверка {}: {}{detail}",
            check.at.with_timezone(&Local).format("%d.%m.%Y %H:%M"),
            check.result_text
        );
    }
    for item in &card.todo {
        say_fmt!("  • {}", printable(item));
    }
    Ok(0)
}
