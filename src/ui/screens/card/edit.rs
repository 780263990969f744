//! «Изменить» on the card: the saved values in fields, checked by the wizard's rules as they are
//! typed; secrets replaced only when a new value is typed. Saved by `ops::edit` in the
//! background, through the store's locked change.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::shown_value;
use crate::flow::rules::{self, Verdict};
use crate::flow::{Field, FieldKind, Flow};
use crate::model::{Connection, Secret};
use crate::ops::edit::{self, EditError};
use crate::store::StoreError;
use crate::ui::command::Services;
use crate::ui::jobs::JobKey;
use crate::ui::kit::widgets::UiExt as _;

/// What «Изменить» holds while the fields are open.
pub struct Editing {
    /// What is typed in each non-secret field (dates as people write them).
    values: BTreeMap<String, String>,
    /// New values typed for secrets; an empty one keeps the saved secret.
    secrets: BTreeMap<String, Secret>,
    /// Messages beside fields: a refused value, or a name already taken.
    errors: BTreeMap<String, String>,
    /// Why saving failed as a whole.
    error: Option<String>,
    saving: bool,
    /// The first field has had the keyboard.
    focused: bool,
}

/// What the card does after this frame.
pub enum Outcome {
    Stay,
    /// Saved; the warnings of values accepted with a doubt.
    Saved(Vec<String>),
    /// Nothing differed from what is saved: nothing was written.
    Unchanged,
    Cancelled,
}

type Answer = Result<Vec<String>, EditError>;

impl Editing {
    /// The fields filled with what is saved.
    pub fn new(c: &Connection, flow: &Flow) -> Self {
        let values = editable(flow)
            .filter(|f| !f.is_secret())
            .map(|f| {
                let v = c.fields.get(&f.id).unwrap_or_default();
                let v = if f.kind == FieldKind::Date {
                    shown_value(f, v)
                } else {
                    v.to_owned()
                };
                (f.id.clone(), v)
            })
            .collect();
        Self {
            values,
            secrets: BTreeMap::new(),
            errors: BTreeMap::new(),
            error: None,
            saving: false,
            focused: false,
        }
    }

    /// The value rows of the «Что сохранено» grid, as fields; a secret row takes a new value.
    pub fn field_row(&mut self, ui: &mut egui::Ui, field: &Field, today: NaiveDate) {
        let label = ui.label(&field.label);
        ui.vertical(|ui| {
            if field.is_secret() {
                let buffer = self.secrets.entry(field.id.clone()).or_default();
                let response = ui.add(
                    egui::TextEdit::singleline(buffer.buffer_mut())
                        .password(true)
                        .hint_text("новое значение — или оставьте пустым")
                        .desired_width(crate::ui::kit::theme::FIELD_WIDTH),
                );
                // Named for what it takes: the saved value is not in it.
                let name = format!("Новое значение «{}»", field.label);
                ui.ctx()
                    .accesskit_node_builder(response.id, move |n| n.set_label(name));
            } else if field.kind == FieldKind::Choice {
                let value = self.values.entry(field.id.clone()).or_default();
                egui::ComboBox::from_id_salt(("card-edit", &field.id))
                    .selected_text(field.choice_label(value))
                    .show_ui(ui, |ui| {
                        for choice in &field.choices {
                            ui.selectable_value(value, choice.clone(), field.choice_label(choice));
                        }
                    });
            } else {
                let value = self.values.entry(field.id.clone()).or_default();
                let response = ui
                    .add(
                        egui::TextEdit::singleline(value)
                            .desired_width(crate::ui::kit::theme::FIELD_WIDTH),
                    )
                    .labelled_by(label.id);
                if !self.focused {
                    self.focused = true;
                    response.request_focus();
                }
                if response.changed() {
                    self.errors.remove(&field.id);
                }
                // As typed: the wizard's message for a value it would refuse.
                if let Verdict::Invalid(message) = rules::check(field, value, today) {
                    self.errors.insert(field.id.clone(), message);
                }
            }
            if let Some(message) = self.errors.get(&field.id) {
                ui.field_error(message);
            }
        });
        ui.label("");
    }

    /// «Сохранить изменения» and «Отмена», and the save in the background.
    pub fn buttons(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        c: &Connection,
        flow: &Flow,
        today: NaiveDate,
    ) -> Outcome {
        if self.saving
            && let Some(result) = services
                .jobs
                .borrow_mut()
                .finished::<Answer>(&JobKey::CardEdit)
        {
            self.saving = false;
            match result {
                Ok(Ok(warnings)) => return Outcome::Saved(warnings),
                Ok(Err(EditError::Field { field, message, .. })) => {
                    self.errors.insert(field, message);
                }
                Ok(Err(EditError::Store(StoreError::DuplicateName(name)))) => {
                    let field = flow.name_field.clone().unwrap_or_default();
                    self.errors.insert(
                        field,
                        format!("Подключение «{name}» уже есть. Выберите другое название."),
                    );
                }
                Ok(Err(e)) => self.error = Some(e.to_string()),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some(e) = &self.error {
            ui.field_error(&format!("Не сохранено: {e}"));
        }
        let mut outcome = Outcome::Stay;
        ui.horizontal(|ui| {
            if self.saving {
                ui.spinner();
                ui.label("Сохраняю…");
                return;
            }
            if ui.primary_button("Сохранить изменения", true).clicked()
                && !self.save(ui.ctx(), services, c, flow, today)
            {
                outcome = Outcome::Unchanged;
            }
            if ui.button("Отмена").clicked() {
                outcome = Outcome::Cancelled;
            }
        });
        outcome
    }

    /// Starts saving what differs from the saved values; false when nothing does (or a value
    /// is refused beside its field: true, nothing started).
    fn save(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        c: &Connection,
        flow: &Flow,
        today: NaiveDate,
    ) -> bool {
        self.error = None;
        if !self.errors.is_empty() {
            return true;
        }
        // Only what differs from what is saved (as the rules would store it).
        let changes: BTreeMap<String, String> = self
            .values
            .iter()
            .filter(|(id, raw)| {
                let saved = c.fields.get(id).unwrap_or_default();
                flow.field(id).is_some_and(|f| {
                    rules::check(f, raw, today).value().unwrap_or_default() != saved
                })
            })
            .map(|(id, raw)| (id.clone(), raw.clone()))
            .collect();
        let secrets: BTreeMap<String, Secret> = self
            .secrets
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if changes.is_empty() && secrets.is_empty() {
            return false;
        }
        let (storage, catalog, id) = (
            Arc::clone(&services.storage),
            services.catalog.clone(),
            c.id.clone(),
        );
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::CardEdit, ctx, move || -> Answer {
                let mut warnings = Vec::new();
                if !changes.is_empty() {
                    warnings.extend(edit::set_values(&*storage, &catalog, &id, &changes, today)?);
                }
                if !secrets.is_empty() {
                    warnings.extend(edit::replace_secrets(
                        &*storage, &catalog, &id, &secrets, today,
                    )?);
                }
                Ok(warnings)
            });
        self.saving = true;
        true
    }
}

/// The fields «Изменить» offers: all but tables (Ivideon's cameras are changed by its wizard).
fn editable(flow: &Flow) -> impl Iterator<Item = &Field> {
    flow.fields().filter(|f| f.kind != FieldKind::Table)
}
