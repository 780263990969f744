//! The data a wizard is made of: flows, steps, fields. Parsed from `assets/flows/*.toml`.

use serde::Deserialize;

use super::actions::Action;

/// One wizard: a document turned into steps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub id: String,
    pub title: String,
    /// The system the credential belongs to, as shown on the home screen.
    pub system: String,
    /// One line: what this flow connects to what.
    pub summary: String,
    #[serde(default)]
    pub kind: FlowKind,
    /// For `remove` flows: the id of the flow whose connections this flow removes.
    #[serde(default)]
    pub applies_to: Option<String>,
    /// Named online check for connections made by this flow.
    #[serde(default)]
    pub check: Option<String>,
    /// The field whose value names the saved connection.
    #[serde(default)]
    pub name_field: Option<String>,
    /// The field holding the expiry date of the credential, if it has one.
    #[serde(default)]
    pub expiry_field: Option<String>,
    /// For flows without an online check: why, and how the connection is followed instead.
    /// Shown as the status of its saved connections.
    #[serde(default)]
    pub unchecked_note: Option<String>,
    /// «Обновить ключ»: the step (1-based) where a new secret or expiry is obtained; the flow
    /// runs again from there with everything else filled in. Without it there is no renewal.
    #[serde(default)]
    pub renew_from: Option<usize>,
    /// What an expiry reminder says to do for a connection of this flow: where the new key
    /// comes from and where it goes.
    #[serde(default)]
    pub renew_advice: Option<String>,
    /// Where people may start: one entry per role that has its own part of the document.
    /// Without entries the flow starts at step 1.
    #[serde(default)]
    pub entries: Vec<EntryPoint>,
    pub steps: Vec<Step>,
    pub finish: Finish,
    /// Where one person's part ends and another's, on another computer, begins (Vision's
    /// administrator hands the ПВЗ to its employee).
    #[serde(default)]
    pub handover: Option<Handover>,
}

/// Handing a half-done setup to the person who does the rest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The last step (1-based) of the first person's part; the other continues after it.
    pub after_step: usize,
    /// The button that ends the first part, e.g. «Передать сотруднику ПВЗ».
    pub button: String,
    /// The list's state while the other person has it.
    pub state: String,
    /// The message for the other person (placeholders filled; never a secret).
    pub message: String,
}

/// A step where the run waits on someone outside (the client's «Разрешить»): pausing there
/// is a state of its own in the list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// The wizard's button that pauses here, e.g. «Ждать разрешения клиента».
    pub button: String,
    /// The list's state while paused here, e.g. «Ждём разрешения клиента».
    pub state: String,
    /// The list's button that continues, e.g. «Клиент разрешил — продолжить».
    pub resume: String,
}

/// A place to start a flow, for a role that does only part of it (the ПВЗ employee starts at step 3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    /// 1-based step number.
    pub step: usize,
    /// Button text in «Новое подключение», e.g. «Я сотрудник ПВЗ (шаги 3–4)».
    pub label: String,
    /// A connection added from a list (Vision's ПВЗ CSV) continues here, in this role's part.
    #[serde(default)]
    pub resumes_list: bool,
}

/// Text with a copy button: a console command, a link to send (placeholders are filled).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyOut {
    pub label: String,
    pub text: String,
    /// Where the text comes from; an assumption is never offered for copying.
    #[serde(default)]
    pub source: Option<Source>,
}

/// A ready e-mail opened in the user's mail program (`mailto:`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    /// Button text, e.g. «Отправить клиенту».
    pub label: String,
    /// Field id holding the recipient's address; without it the mail program asks.
    #[serde(default)]
    pub to_field: Option<String>,
    pub subject: String,
    pub body: String,
}

/// `required_if = { field = "account_type", equals = "Организационная" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    /// Sets up a new connection and saves it.
    #[default]
    Create,
    /// Walks the user through revoking a credential, then removes the saved connection.
    Remove,
}

/// The last page: what was set up and what is left to do outside the app.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    /// Label of the button that commits the wizard («Сохранить подключение», «Удалить из Ключника»).
    pub button: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// What the user still has to do outside Ключник.
    #[serde(default)]
    pub todo: Vec<String>,
    /// What is left after «Обновить ключ» besides `todo` (the old key, where it must go).
    #[serde(default)]
    pub renew_todo: Vec<String>,
    /// After «Обновить ключ», a button that walks through deleting the old key with the
    /// flow's removal wizard, the connection kept («Удалить прежний токен в ELMA365…»).
    #[serde(default)]
    pub renew_old_key: Option<String>,
    /// For a removal flow run on a renewed connection's old key: its own button and last page
    /// (nothing is removed from Ключник then).
    #[serde(default)]
    pub old_key: Option<OldKeyFinish>,
}

/// The last page of a removal wizard run for an old key only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OldKeyFinish {
    pub button: String,
    pub title: String,
    pub body: String,
}

/// One numbered step of the source document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Who does this step: «Администратор», «Сотрудник ПВЗ», «Клиент»…
    pub role: String,
    #[serde(default)]
    pub body: String,
    /// Shown in a warning frame above the fields.
    #[serde(default)]
    pub warning: Option<String>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub fields: Vec<Field>,
    /// "I did this" confirmations the user ticks before moving on.
    #[serde(default)]
    pub confirm: Vec<String>,
    /// Named actions implemented in Rust (see [`super::actions`]).
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Fields declared on other steps shown (and editable) here too: what a role starting at
    /// this step must fill in.
    #[serde(default)]
    pub show: Vec<String>,
    /// Texts to copy elsewhere: a command, a link.
    #[serde(default)]
    pub copy: Vec<CopyOut>,
    #[serde(default)]
    pub mail: Vec<Mail>,
    /// Save this step's secrets to the keyring before moving on: for values that cannot be
    /// seen again (a password regenerated on every view).
    #[serde(default)]
    pub save_secrets: bool,
    /// What only developers need (table and column names, the script, the API), kept under
    /// «Для разработчиков», closed at first: the role doing the step is not asked to read it.
    #[serde(default)]
    pub developers: Option<Developers>,
    /// The run may wait here on someone outside.
    #[serde(default)]
    pub wait: Option<Wait>,
}

impl Step {
    /// Every action on the page, the developers' ones included.
    pub fn all_actions(&self) -> impl Iterator<Item = Action> + '_ {
        self.actions
            .iter()
            .chain(self.developers.iter().flat_map(|d| d.actions.iter()))
            .copied()
    }

    /// Whether the field is shown under «Для разработчиков» rather than with the others.
    pub fn for_developers(&self, field: &str) -> bool {
        self.developers
            .as_ref()
            .is_some_and(|d| d.fields.iter().any(|f| f == field))
    }
}

/// The developers' part of a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Developers {
    #[serde(default)]
    pub body: String,
    /// Ids of this step's fields shown here.
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub copy: Vec<CopyOut>,
}

/// A link opened in the default browser; `{field}` placeholders are filled from the wizard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub label: String,
    pub url: String,
    /// Where the address comes from; only documented or public addresses are opened.
    #[serde(default)]
    pub source: Option<Source>,
    /// Not the step's main way: drawn after its other buttons, with `note` beside it.
    #[serde(default)]
    pub secondary: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a fact on screen comes from: `"document"` (the seed document the flow mirrors),
/// `"field"` (the user's own value, e.g. their company address), a public `https://` address,
/// or `"assumption"` (a guess: it may warn, never refuse, and is never offered as a ready fact).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Source {
    Document,
    Field,
    Public(String),
    Assumption,
}

impl TryFrom<String> for Source {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "document" => Ok(Self::Document),
            "field" => Ok(Self::Field),
            "assumption" => Ok(Self::Assumption),
            _ if s.starts_with("https://") && s.len() > "https://".len() => Ok(Self::Public(s)),
            _ => Err(format!(
                "source = \"{s}\": ожидается \"document\", \"field\", \"assumption\" или адрес https://…"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    Text,
    Email,
    /// A web address; with `company_domain`, a bare company name becomes `https://<name>.<domain>`.
    Url,
    /// Masked, trimmed, kept only in the OS keyring. `format` says what it must look like.
    Secret,
    Uuid,
    /// `dd.mm.yyyy` or `yyyy-mm-dd`.
    Date,
    Digits,
    Choice,
    /// Rows of `columns`.
    Table,
}

/// What a secret must look like (the secret's `format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretFormat {
    /// A token or key: spaces at its edges are copy-and-paste noise and are removed.
    Text,
    /// A password: kept exactly as typed, edge spaces included (they are pointed out).
    Password,
    Uuid,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// A line under the field explaining what goes there.
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub placeholder: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    /// A value offered when the field's step opens empty, filled from other fields
    /// (`ELMA365 — {token_name}`); offered once, then the user's to change or clear.
    #[serde(default)]
    pub suggest: Option<String>,
    /// Extra rule: the (normalised) value must match this regular expression.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Message shown when `pattern` does not match.
    #[serde(default)]
    pub pattern_message: Option<String>,
    /// For dates: must be after today.
    #[serde(default)]
    pub future: bool,
    #[serde(default)]
    pub max_len: Option<usize>,
    #[serde(default)]
    pub format: Option<SecretFormat>,
    #[serde(default)]
    pub company_domain: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    /// What to show for each choice (same order); the stored value is the choice itself.
    #[serde(default)]
    pub choice_labels: Vec<String>,
    /// For choices: the label of an extra entry that lets the user type a value not in
    /// `choices` (exactly as the target system's list shows it).
    #[serde(default)]
    pub other: Option<String>,
    #[serde(default)]
    pub columns: Vec<Field>,
    /// Required only when another field has a given value.
    #[serde(default)]
    pub required_if: Option<Condition>,
    /// A copy button beside the field.
    #[serde(default)]
    pub copy: bool,
    /// Warn when another saved connection of this flow has the same value.
    #[serde(default)]
    pub unique: bool,
    /// For dates: advise (without blocking) when the date is fewer than this many days away.
    #[serde(default)]
    pub advise_min_days: Option<u32>,
    #[serde(default)]
    pub advise_message: Option<String>,
    /// Where the field's format rule (`format`, `pattern`, `digits`, `uuid`) and its `default`
    /// come from. With `"assumption"` a value of another shape is warned about, not refused.
    #[serde(default)]
    pub source: Option<Source>,
}

impl Field {
    pub fn is_secret(&self) -> bool {
        self.kind == FieldKind::Secret
    }

    /// The field's shape rule is a guess: a value of another shape gets a warning only.
    pub fn format_is_assumed(&self) -> bool {
        self.source == Some(Source::Assumption)
    }

    /// Whether the field has a rule about what its value looks like (beyond length).
    pub fn has_format_rule(&self) -> bool {
        self.pattern.is_some()
            || matches!(self.kind, FieldKind::Digits | FieldKind::Uuid)
            || self.format == Some(SecretFormat::Uuid)
    }

    /// The text shown for a stored choice value.
    pub fn choice_label<'a>(&'a self, value: &'a str) -> &'a str {
        self.choices
            .iter()
            .position(|c| c == value)
            .and_then(|i| self.choice_labels.get(i))
            .map_or(value, String::as_str)
    }
}

impl Flow {
    /// Every field of the flow, in step order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.steps.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().find(|f| f.id == id)
    }

    /// What the last page says when the flow has no online check: the flow's own reason
    /// (every such flow has one), never a claim about the outside system, then what that means
    /// for the saved data. `None` for a flow with a check.
    pub fn unchecked_warning(&self) -> Option<String> {
        if self.check.is_some() {
            return None;
        }
        let why = self
            .unchecked_note
            .as_deref()
            .map_or_else(String::new, |n| format!(" {n}"));
        Some(format!(
            "Проверки онлайн нет.{why} Данные сохранены, но работают ли они, покажет только сама \
             система, куда вы их ввели."
        ))
    }

    /// How a run paused at `step` (0-based) reads in the list and on its card: its state and
    /// the button that continues it.
    pub fn paused(&self, step: usize) -> Paused {
        if let Some(wait) = self.steps.get(step).and_then(|s| s.wait.as_ref()) {
            return Paused {
                state: wait.state.clone(),
                resume: wait.resume.clone(),
            };
        }
        if let Some(h) = self.handed_over_at(step) {
            return Paused {
                state: h.state.clone(),
                resume: "Продолжить настройку".to_owned(),
            };
        }
        Paused {
            state: format!("Настройка не закончена — шаг {}", step + 1),
            resume: "Продолжить настройку".to_owned(),
        }
    }

    /// The hand-over whose second part begins at `step` (0-based).
    pub fn handed_over_at(&self, step: usize) -> Option<&Handover> {
        self.handover.as_ref().filter(|h| h.after_step == step)
    }
}

/// A paused run's state and the button that continues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paused {
    pub state: String,
    pub resume: String,
}
