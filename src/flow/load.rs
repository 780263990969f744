//! Loading flow files and checking them, so a mistake in a flow names its file, step and problem.

use std::collections::BTreeSet;
use std::fmt;

use regex::Regex;

use super::actions::{Action, CHECKS};
use super::model::{Field, FieldKind, Flow, FlowKind, Source};
use super::rules::{self, Verdict};
use super::template::placeholders;

/// A flow file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FlowError {
    pub file: String,
    /// 1-based step number and its title.
    pub step: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((n, title)) = &self.step {
            write!(f, ", шаг {n} «{title}»")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The first action name no [`Action`] has: (step index, step title, the name).
fn unknown_action(text: &str) -> Option<(usize, String, String)> {
    let table: toml::Table = text.parse().ok()?;
    let steps = table.get("steps")?.as_array()?;
    steps.iter().enumerate().find_map(|(i, step)| {
        let names = step
            .get("actions")
            .into_iter()
            .chain(step.get("developers").and_then(|d| d.get("actions")))
            .filter_map(toml::Value::as_array)
            .flatten()
            .filter_map(toml::Value::as_str);
        let unknown = names.into_iter().find(|n| Action::from_name(n).is_none())?;
        let title = step
            .get("title")
            .and_then(toml::Value::as_str)
            .unwrap_or_default();
        Some((i, title.to_owned(), unknown.to_owned()))
    })
}

/// Parses and checks one flow file. `file` is the name used in messages (`flows/elma365.toml`).
pub fn parse(file: &str, text: &str) -> Result<Flow, FlowError> {
    let err = |step: Option<(usize, String)>, message: String| FlowError {
        file: file.to_owned(),
        step,
        message,
    };
    // An unknown action is named with its step, before the typed reading refuses it.
    if let Some((i, title, name)) = unknown_action(text) {
        return Err(err(
            Some((i + 1, title)),
            format!("неизвестное действие «{name}»"),
        ));
    }
    let flow: Flow = toml::from_str(text).map_err(|e| {
        err(
            None,
            format!("файл не разбирается: {}", e.to_string().trim()),
        )
    })?;
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".toml");
    if flow.id != stem {
        return Err(err(
            None,
            format!("id = \"{}\" не совпадает с именем файла «{stem}»", flow.id),
        ));
    }
    for (what, v) in [
        ("title", &flow.title),
        ("system", &flow.system),
        ("summary", &flow.summary),
    ] {
        if v.trim().is_empty() {
            return Err(err(None, format!("не заполнено «{what}»")));
        }
    }
    if flow.steps.is_empty() {
        return Err(err(None, "в потоке нет ни одного шага".to_owned()));
    }
    if let Some(check) = &flow.check
        && !CHECKS.contains(&check.as_str())
    {
        return Err(err(
            None,
            format!(
                "неизвестная проверка check = \"{check}\"; известны: {}",
                CHECKS.join(", ")
            ),
        ));
    }

    // A flow that cannot check its credential online says why and how it is followed instead.
    match (&flow.check, &flow.unchecked_note, flow.kind) {
        (Some(_), Some(_), _) => {
            return Err(err(
                None,
                "unchecked_note бывает только у потока без проверки (check)".to_owned(),
            ));
        }
        (None, None, FlowKind::Create) => {
            return Err(err(
                None,
                "у потока без проверки онлайн нет unchecked_note — почему её нет и что вместо неё"
                    .to_owned(),
            ));
        }
        _ => {}
    }

    let mut ids = BTreeSet::new();
    for (i, step) in flow.steps.iter().enumerate() {
        let at = Some((i + 1, step.title.clone()));
        if step.title.trim().is_empty() || step.role.trim().is_empty() {
            return Err(err(at, "у шага должны быть title и role".to_owned()));
        }
        for field in &step.fields {
            check_field(field, false)
                .map_err(|m| err(at.clone(), format!("поле «{}»: {m}", field.id)))?;
            if !ids.insert(field.id.clone()) {
                return Err(err(at, format!("поле «{}» уже объявлено раньше", field.id)));
            }
        }
        if let Some(dev) = &step.developers
            && let Some(id) = dev
                .fields
                .iter()
                .find(|id| !step.fields.iter().any(|f| &f.id == *id))
        {
            return Err(err(
                at,
                format!("developers.fields: на шаге нет поля «{id}»"),
            ));
        }
        if step.all_actions().any(|a| a == Action::Check) && flow.check.is_none() {
            return Err(err(
                at,
                "действие «check» требует check = \"…\" у потока".to_owned(),
            ));
        }
        for link in &step.links {
            if link.label.trim().is_empty() {
                return Err(err(at, "у ссылки нет label".to_owned()));
            }
            check_link_source(&link.url, link.source.as_ref())
                .map_err(|m| err(at.clone(), format!("ссылка «{}»: {m}", link.label)))?;
        }
        if step.save_secrets && !step.fields.iter().any(Field::is_secret) {
            return Err(err(
                at,
                "save_secrets = true, но на шаге нет секретных полей".to_owned(),
            ));
        }
        let dev_copy = step.developers.iter().flat_map(|d| d.copy.iter());
        for c in step.copy.iter().chain(dev_copy) {
            if c.label.trim().is_empty() || c.text.trim().is_empty() {
                return Err(err(at, "у copy нужны label и text".to_owned()));
            }
            match &c.source {
                None => {
                    return Err(err(
                        at,
                        format!("copy «{}»: нет source — откуда этот текст", c.label),
                    ));
                }
                Some(Source::Assumption) => {
                    return Err(err(
                        at,
                        format!(
                            "copy «{}»: предположение нельзя предлагать скопировать как готовый текст; \
                             скажите его словами в body («уточните у …»)",
                            c.label
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        for m in &step.mail {
            if m.label.trim().is_empty() {
                return Err(err(at, "у mail нет label".to_owned()));
            }
        }
    }
    // Cross-field rules need every field known first.
    for (i, step) in flow.steps.iter().enumerate() {
        let at = Some((i + 1, step.title.clone()));
        for id in &step.show {
            if !ids.contains(id) {
                return Err(err(at, format!("show: поля «{id}» нет")));
            }
            if step.fields.iter().any(|f| &f.id == id) {
                return Err(err(at, format!("show: поле «{id}» и так на этом шаге")));
            }
        }
        for field in &step.fields {
            if let Some(cond) = &field.required_if {
                match flow.field(&cond.field) {
                    Some(f) if f.kind == FieldKind::Choice && f.choices.contains(&cond.equals) => {}
                    _ => {
                        return Err(err(
                            at,
                            format!(
                                "поле «{}»: required_if ссылается на «{}» = «{}», а такого поля выбора или значения нет",
                                field.id, cond.field, cond.equals
                            ),
                        ));
                    }
                }
            }
        }
        for m in &step.mail {
            if let Some(to) = &m.to_field
                && flow.field(to).is_none_or(|f| f.kind != FieldKind::Email)
            {
                return Err(err(
                    at,
                    format!("mail: to_field = \"{to}\" — нет такого поля с kind = \"email\""),
                ));
            }
        }
    }
    for entry in &flow.entries {
        if entry.step == 0 || entry.step > flow.steps.len() || entry.label.trim().is_empty() {
            return Err(err(
                None,
                format!("entries: шаг {} вне потока или нет label", entry.step),
            ));
        }
    }
    if let Some(step) = flow.renew_from
        && (step == 0 || step > flow.steps.len() || flow.kind != FlowKind::Create)
    {
        return Err(err(
            None,
            format!("renew_from = {step}: нет такого шага, или мастер ничего не сохраняет"),
        ));
    }
    if let Some(h) = &flow.handover
        && (h.after_step == 0
            || h.after_step >= flow.steps.len()
            || flow.kind != FlowKind::Create
            || [&h.button, &h.state, &h.message]
                .iter()
                .any(|t| t.trim().is_empty()))
    {
        return Err(err(
            None,
            format!(
                "handover: after_step = {} — нужен шаг до последнего, и button, state, message",
                h.after_step
            ),
        ));
    }
    if let Some(step) = flow.steps.iter().position(|s| {
        s.wait.as_ref().is_some_and(|w| {
            [&w.button, &w.state, &w.resume]
                .iter()
                .any(|t| t.trim().is_empty())
        })
    }) {
        return Err(err(
            Some((step + 1, flow.steps[step].title.clone())),
            "wait: нужны button, state и resume".to_owned(),
        ));
    }
    if flow.entries.iter().filter(|e| e.resumes_list).count() > 1 {
        return Err(err(
            None,
            "entries: resumes_list может стоять только у одной роли".to_owned(),
        ));
    }

    match flow.kind {
        FlowKind::Create => {
            let Some(name) = &flow.name_field else {
                return Err(err(
                    None,
                    "у потока создания нет name_field — поля с названием подключения".to_owned(),
                ));
            };
            if !ids.contains(name) {
                return Err(err(
                    None,
                    format!("name_field = \"{name}\": такого поля нет"),
                ));
            }
            if flow.applies_to.is_some() {
                return Err(err(
                    None,
                    "applies_to бывает только у потока удаления (kind = \"remove\")".to_owned(),
                ));
            }
        }
        FlowKind::Remove => {
            if flow.applies_to.is_none() {
                return Err(err(None, "у потока удаления нет applies_to".to_owned()));
            }
        }
    }
    if let Some(exp) = &flow.expiry_field {
        match flow.field(exp) {
            Some(f) if f.kind == FieldKind::Date => {}
            _ => {
                return Err(err(
                    None,
                    format!("expiry_field = \"{exp}\": нет такого поля с kind = \"date\""),
                ));
            }
        }
    }
    // Placeholders of create flows must name fields of this flow; remove flows are checked
    // against the flow they apply to by `check_references`.
    if flow.kind == FlowKind::Create {
        check_placeholders(&flow, &ids).map_err(|(at, m)| err(at, m))?;
    }
    Ok(flow)
}

type Located = (Option<(usize, String)>, String);

fn check_placeholders(flow: &Flow, known: &BTreeSet<String>) -> Result<(), Located> {
    for (i, step) in flow.steps.iter().enumerate() {
        let texts = std::iter::once(step.body.as_str())
            .chain(step.warning.as_deref())
            .chain(step.confirm.iter().map(String::as_str))
            .chain(step.links.iter().map(|l| l.url.as_str()))
            .chain(step.copy.iter().map(|c| c.text.as_str()))
            .chain(
                step.mail
                    .iter()
                    .flat_map(|m| [m.subject.as_str(), m.body.as_str()]),
            );
        let suggestions = step.fields.iter().filter_map(|f| f.suggest.as_deref());
        let developers = step.developers.iter().flat_map(|d| {
            std::iter::once(d.body.as_str()).chain(d.copy.iter().map(|c| c.text.as_str()))
        });
        for text in texts.chain(suggestions).chain(developers) {
            for id in placeholders(text) {
                if !known.contains(id) {
                    return Err((
                        Some((i + 1, step.title.clone())),
                        format!("{{{id}}}: такого поля нет"),
                    ));
                }
            }
        }
        if let Some(secret) = step
            .links
            .iter()
            .flat_map(|l| placeholders(&l.url))
            .find(|id| flow.field(id).is_some_and(Field::is_secret))
        {
            return Err((
                Some((i + 1, step.title.clone())),
                format!("секретное поле «{secret}» нельзя подставлять в ссылку"),
            ));
        }
    }
    let finish = std::iter::once(flow.finish.body.as_str())
        .chain(flow.finish.todo.iter().map(String::as_str));
    for text in finish {
        if let Some(id) = placeholders(text)
            .into_iter()
            .find(|id| !known.contains(*id))
        {
            return Err((None, format!("[finish]: {{{id}}}: такого поля нет")));
        }
    }
    Ok(())
}

/// A link is opened in the browser as it is, so it must be known: from the document, a public
/// source, or the user's own address (`{field}` at its start).
fn check_link_source(url: &str, source: Option<&Source>) -> Result<(), String> {
    match source {
        None => Err("нет source — откуда этот адрес".to_owned()),
        Some(Source::Assumption) => Err(
            "адрес-предположение нельзя открывать кнопкой; откройте известный адрес и скажите словами, куда нажать"
                .to_owned(),
        ),
        Some(Source::Field) if !url.starts_with('{') => Err(
            "source = \"field\" бывает только у ссылки, которая целиком адрес из поля ({поле})"
                .to_owned(),
        ),
        Some(Source::Field) if placeholders(url).len() != 1 || !url.ends_with('}') => Err(
            "source = \"field\": к адресу из поля нельзя дописывать путь — его никто не проверял"
                .to_owned(),
        ),
        Some(_) => Ok(()),
    }
}

fn check_field(field: &Field, in_table: bool) -> Result<(), String> {
    if field.id.is_empty()
        || !field
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err("id поля пишется строчными латинскими буквами, цифрами и _".to_owned());
    }
    if field.label.trim().is_empty() {
        return Err("нет label".to_owned());
    }
    if field.is_secret() && field.default.is_some() {
        return Err("у секретного поля не может быть значения по умолчанию (default)".to_owned());
    }
    if field.format.is_some() && !field.is_secret() {
        return Err("format бывает только у kind = \"secret\"".to_owned());
    }
    if field.company_domain.is_some() && field.kind != FieldKind::Url {
        return Err("company_domain бывает только у kind = \"url\"".to_owned());
    }
    if (field.future || field.advise_min_days.is_some()) && field.kind != FieldKind::Date {
        return Err("future и advise_min_days бывают только у kind = \"date\"".to_owned());
    }
    if field.advise_min_days.is_some() != field.advise_message.is_some() {
        return Err("advise_min_days и advise_message задаются вместе".to_owned());
    }
    if !field.choice_labels.is_empty() && field.choice_labels.len() != field.choices.len() {
        return Err("choice_labels должно быть столько же, сколько choices".to_owned());
    }
    let needs_source =
        field.has_format_rule() || field.default.is_some() || field.company_domain.is_some();
    match &field.source {
        None if needs_source => {
            return Err(
                "у правила вида значения или значения по умолчанию нет source — откуда оно"
                    .to_owned(),
            );
        }
        Some(Source::Field) => {
            return Err("source = \"field\" бывает только у ссылок".to_owned());
        }
        Some(_) if !needs_source => {
            return Err("source задан, но у поля нет ни правила вида, ни default".to_owned());
        }
        _ => {}
    }
    if field.source == Some(Source::Assumption) && field.default.is_some() {
        return Err(
            "значение по умолчанию не может быть предположением: пусть пользователь введёт его сам"
                .to_owned(),
        );
    }
    if field.other.is_some() && field.kind != FieldKind::Choice {
        return Err("other бывает только у kind = \"choice\"".to_owned());
    }
    if field.unique && field.kind == FieldKind::Table {
        return Err("unique не бывает у таблицы".to_owned());
    }
    match (field.kind, field.choices.is_empty()) {
        (FieldKind::Choice, true) => return Err("у поля выбора нет choices".to_owned()),
        (k, false) if k != FieldKind::Choice => {
            return Err("choices бывают только у kind = \"choice\"".to_owned());
        }
        _ => {}
    }
    if field.kind == FieldKind::Table {
        if in_table {
            return Err("таблица внутри таблицы не поддерживается".to_owned());
        }
        if field.columns.is_empty() {
            return Err("у таблицы нет columns".to_owned());
        }
        let mut seen = BTreeSet::new();
        for col in &field.columns {
            if col.is_secret() {
                return Err(format!(
                    "столбец «{}»: секреты в таблицах не поддерживаются",
                    col.id
                ));
            }
            check_field(col, true).map_err(|m| format!("столбец «{}»: {m}", col.id))?;
            if !seen.insert(&col.id) {
                return Err(format!("столбец «{}» повторяется", col.id));
            }
        }
    } else if !field.columns.is_empty() {
        return Err("columns бывают только у kind = \"table\"".to_owned());
    }
    if let Some(p) = &field.pattern {
        Regex::new(p).map_err(|e| format!("pattern не разбирается: {e}"))?;
        if field.pattern_message.is_none() {
            return Err("к pattern нужен pattern_message — что сказать пользователю".to_owned());
        }
    }
    if let Some(default) = &field.default {
        // A default is checked without the "future" rule: it must at least have the right form.
        let relaxed = Field {
            future: false,
            ..field.clone()
        };
        let today = chrono::Local::now().date_naive();
        if let Verdict::Invalid(m) = rules::check(&relaxed, default, today) {
            return Err(format!("значение по умолчанию не проходит проверку: {m}"));
        }
    }
    Ok(())
}

/// Checks what spans files: remove flows apply to an existing create flow and their
/// placeholders name its fields.
pub fn check_references(
    flows: &[Flow],
    file_of: impl Fn(&Flow) -> String,
) -> Result<(), FlowError> {
    for flow in flows.iter().filter(|f| f.kind == FlowKind::Remove) {
        let target = flow.applies_to.as_deref().unwrap_or_default();
        let err = |step, message| FlowError {
            file: file_of(flow),
            step,
            message,
        };
        let Some(base) = flows
            .iter()
            .find(|f| f.id == target && f.kind == FlowKind::Create)
        else {
            return Err(err(
                None,
                format!("applies_to = \"{target}\": нет такого потока создания"),
            ));
        };
        let known: BTreeSet<String> = base
            .fields()
            .chain(flow.fields())
            .map(|f| f.id.clone())
            .collect();
        check_placeholders(flow, &known).map_err(|(at, m)| err(at, m))?;
    }
    let mut ids = BTreeSet::new();
    for flow in flows {
        if !ids.insert(&flow.id) {
            return Err(FlowError {
                file: file_of(flow),
                step: None,
                message: format!("id «{}» уже занят", flow.id),
            });
        }
    }
    Ok(())
}
