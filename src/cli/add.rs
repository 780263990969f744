//! `add МАСТЕР --name … --set ПОЛЕ=ЗНАЧЕНИЕ --secret ПОЛЕ`: the wizard's rules, every field at once.

use chrono::Local;

use crate::flow::draft::Draft;
use crate::flow::rules::Verdict;
use crate::flow::{FieldKind, FlowKind};
use crate::ops::{self};
use crate::store::{self};

use super::output::{failed, quoted, say, secrets_from_stdin, usage, warn};
use super::{Env, Fail};

/// `add`: the same rules as the wizard, every field at once.
pub(super) fn add(
    env: &Env,
    flow_id: &str,
    name: &str,
    set: &[String],
    secret_fields: &[String],
) -> Result<u8, Fail> {
    let flow = env
        .catalog
        .get(flow_id)
        .filter(|f| f.kind == FlowKind::Create)
        .ok_or_else(|| {
            usage(format!(
                "нет мастера «{}»; есть: {}",
                quoted(flow_id),
                env.catalog
                    .creators()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let mut draft = Draft::new(flow, None);
    // The command line stands for the steps done by hand: their confirmations count as given.
    for (i, step) in flow.steps.iter().enumerate() {
        for n in 0..step.confirm.len() {
            draft.confirmed.insert(Draft::confirm_key(i, n));
        }
    }
    if let Some(name_field) = &flow.name_field {
        draft.values.insert(name_field.clone(), name.to_owned());
    }
    for pair in set {
        let (id, value) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("--set ждёт ПОЛЕ=ЗНАЧЕНИЕ, а не «{}»", quoted(pair))))?;
        let field = flow.field(id).ok_or_else(|| {
            usage(format!(
                "у мастера «{flow_id}» нет поля «{}»; есть: {}",
                quoted(id),
                field_list(flow)
            ))
        })?;
        match field.kind {
            FieldKind::Secret => {
                return Err(usage(format!(
                    "«{id}» — секрет: передайте его через --secret {id} и стандартный ввод, не в командной строке"
                )));
            }
            FieldKind::Table => {
                return Err(usage(format!("таблицу «{id}» задают в окне программы")));
            }
            _ => {
                draft.values.insert(id.to_owned(), value.to_owned());
            }
        }
    }
    if let Some(id) = secret_fields
        .iter()
        .find(|id| flow.field(id).is_none_or(|f| !f.is_secret()))
    {
        return Err(usage(format!(
            "«{}» не секретное поле мастера «{flow_id}»",
            quoted(id)
        )));
    }
    draft.secrets.extend(secrets_from_stdin(secret_fields)?);
    let today = Local::now().date_naive();
    let mut problems = Vec::new();
    for i in 0..flow.steps.len() {
        for (id, msg) in draft.problems(flow, i, today).fields {
            problems.push(format!("  {id}: {msg}"));
        }
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(usage(format!(
            "подключение не создано:\n{}",
            problems.join("\n")
        )));
    }
    // A guessed format is not refused, but the user hears about it, as in the wizard.
    for field in flow.fields() {
        if let Verdict::Valid {
            warning: Some(w), ..
        } = draft.verdict(field, today)
        {
            warn(&format!("{}: {w}", field.id));
        }
    }
    let (connection, values) = draft.to_connection(flow, today).map_err(usage)?;
    let saved_name = connection.name.clone();
    ops::save::save(&*env.storage, connection, &values).map_err(|e| match e {
        ops::SaveError::Store(store::StoreError::DuplicateName(_)) => usage(e.to_string()),
        // The command line has no wizard to keep what was typed: say what to do instead.
        ops::SaveError::Secret(_) => failed(format!(
            "подключение не сохранено. {e} Когда хранилище паролей заработает, повторите команду."
        )),
        other @ ops::SaveError::Store(_) => failed(other.to_string()),
    })?;
    let place = if env.storage.is_remote() {
        "в хранилище команды"
    } else {
        "в хранилище паролей"
    };
    say_fmt!(
        "Подключение «{saved_name}» сохранено; секретов {place}: {}.",
        values.len()
    );
    Ok(0)
}

fn field_list(flow: &crate::flow::Flow) -> String {
    flow.fields()
        .map(|f| {
            if f.is_secret() {
                format!("{} (секрет)", f.id)
            } else {
                f.id.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
