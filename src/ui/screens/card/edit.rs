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
    /// Table rows as saved, their choice cells (camera directions) open to change.
    tables: BTreeMap<String, Vec<BTreeMap<String, String>>>,
    /// Messages beside fields: a refused value, or a name already taken.
    errors: BTreeMap<String, String>,
    /// Why saving failed as a whole.
    error: Option<String>,
    saving: bool,
    /// The first field has had the keyboard.
    focused: bool,
    /// The connection as it was when «Изменить» was opened (or after a conflict, as it was
    /// then): saving refuses to write over a change made meanwhile.
    opened: Connection,
    /// A conflict was reported: the next frame takes the connection as it is now.
    reopen: bool,
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
            tables: c.tables.clone(),
            errors: BTreeMap::new(),
            error: None,
            saving: false,
            focused: false,
            opened: c.clone(),
            reopen: false,
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

    /// A table with its choice cells (Ivideon's directions) as lists to pick from; the other
    /// cells as saved (the cameras themselves come from the wizard).
    pub fn table_rows(&mut self, ui: &mut egui::Ui, field: &Field) {
        let Some(rows) = self.tables.get_mut(&field.id) else {
            return;
        };
        // One row under another, each cell on its own line: a camera's id and name are long,
        // and the lists must stay inside a narrow window at large text.
        for (n, row) in rows.iter_mut().enumerate() {
            ui.add_space(crate::ui::kit::theme::GAP / 2.0);
            ui.strong(format!("Строка {}", n + 1));
            for col in &field.columns {
                let value = row.entry(col.id.clone()).or_default();
                if col.kind == FieldKind::Choice {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!("{}:", col.label));
                        let combo = egui::ComboBox::from_id_salt(("card-edit-cell", n, &col.id))
                            .selected_text(col.choice_label(value))
                            .show_ui(ui, |ui| {
                                for choice in &col.choices {
                                    ui.selectable_value(
                                        value,
                                        choice.clone(),
                                        col.choice_label(choice),
                                    );
                                }
                            });
                        let name = format!("{}, строка {}", col.label, n + 1);
                        ui.ctx()
                            .accesskit_node_builder(combo.response.id, move |node| {
                                node.set_label(name);
                            });
                    });
                } else if !value.is_empty() {
                    ui.add(
                        egui::Label::new(format!("{}: {}", col.label, shown_value(col, value)))
                            .wrap(),
                    );
                }
            }
        }
        if let Some(message) = self.errors.get(&field.id) {
            ui.field_error(message);
        }
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
                Ok(Err(EditError::Store(e @ StoreError::Conflict(_)))) => {
                    self.error = Some(e.to_string());
                    self.reopen = true;
                }
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
        if self.reopen && !self.saving {
            c.clone_into(&mut self.opened);
            self.reopen = false;
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
        // Empty cells were added only to show a list; compared as saved.
        let tables: Vec<(String, Vec<BTreeMap<String, String>>)> = self
            .tables
            .iter()
            .map(|(id, rows)| {
                let rows: Vec<BTreeMap<String, String>> = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .filter(|(_, v)| !v.is_empty())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect()
                    })
                    .collect();
                (id.clone(), rows)
            })
            .filter(|(id, rows)| c.tables.get(id) != Some(rows))
            .collect();
        if changes.is_empty() && secrets.is_empty() && tables.is_empty() {
            return false;
        }
        let (storage, catalog, id, opened) = (
            Arc::clone(&services.storage),
            services.catalog.clone(),
            c.id.clone(),
            self.opened.clone(),
        );
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::CardEdit, ctx, move || -> Answer {
                edit::unchanged_since(&*storage, &opened)?;
                let mut warnings = Vec::new();
                if !changes.is_empty() {
                    warnings.extend(edit::set_values(&*storage, &catalog, &id, &changes, today)?);
                }
                for (table, rows) in &tables {
                    edit::set_rows(&*storage, &catalog, &id, table, rows, today)?;
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

/// The fields «Изменить» offers as fields; tables are changed in their own grid
/// ([`Editing::table_rows`]).
fn editable(flow: &Flow) -> impl Iterator<Item = &Field> {
    flow.fields().filter(|f| f.kind != FieldKind::Table)
}
