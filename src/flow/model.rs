//! The data a wizard is made of: flows, steps, fields. Parsed from `assets/flows/*.toml`.

use serde::Deserialize;

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
    pub steps: Vec<Step>,
    pub finish: Finish,
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
    pub actions: Vec<String>,
}

/// A link opened in the default browser; `{field}` placeholders are filled from the wizard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
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
    Text,
    Uuid,
}

#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default)]
    pub columns: Vec<Field>,
}

impl Field {
    pub fn is_secret(&self) -> bool {
        self.kind == FieldKind::Secret
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
}
