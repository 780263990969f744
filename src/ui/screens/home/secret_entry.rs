//! Entering the secrets of a saved connection again: for one loaded from a file (secrets are
//! never exported) or one whose keyring entry is gone. The values go to the keyring, then the
//! connection is checked.

use chrono::NaiveDate;

use crate::flow::rules::{self, Verdict};
use crate::flow::{Field, Flow};
use crate::model::{Connection, Secret};
use crate::ui::command::Command;
use crate::ui::kit::clipboard::{self, PasteNote};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

/// One secret field being typed, and what is wrong with it.
struct Entry {
    field: Field,
    value: Secret,
    error: Option<String>,
    /// What the last paste brought, said without the value, until the field is typed in.
    pasted: Option<PasteNote>,
}

pub struct SecretEntry {
    id: String,
    name: String,
    system: String,
    entries: Vec<Entry>,
    /// The first field takes the keyboard once, when the dialog opens: typing or pasting goes
    /// straight into it.
    focused: bool,
}

/// What the dialog decided this frame.
pub enum Decision {
    Stay,
    Close,
    Save(Command),
}

impl SecretEntry {
    /// The secret fields the connection keeps, in the order its wizard asks for them.
    pub fn new(connection: &Connection, flow: &Flow) -> Option<Self> {
        let entries: Vec<Entry> = flow
            .fields()
            .filter(|f| f.is_secret() && connection.secrets.contains(&f.id))
            .map(|f| Entry {
                field: f.clone(),
                value: Secret::default(),
                error: None,
                pasted: None,
            })
            .collect();
        (!entries.is_empty()).then(|| Self {
            id: connection.id.clone(),
            name: connection.name.clone(),
            system: connection.system.to_string(),
            entries,
            focused: false,
        })
    }

    pub fn show(&mut self, ctx: &egui::Context, today: NaiveDate) -> Decision {
        let mut decision = Decision::Stay;
        let modal = egui::Modal::new(egui::Id::unique("secret_entry")).show(ctx, |ui| {
            ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
            ui.heading(format!("Секрет для «{}»", self.name));
            ui.label(format!(
                "Секреты не переносятся с компьютера на компьютер и не попадают в файлы выгрузки. \
                 Введите значение из {} — Ключник сохранит его в хранилище паролей этого \
                 компьютера и сразу проверит подключение.",
                self.system
            ));
            ui.add_space(theme::GAP);
            for entry in &mut self.entries {
                let label = ui.label(&entry.field.label);
                if let Some(hint) = &entry.field.hint {
                    ui.note(hint);
                }
                let (response, paste) = ui
                    .horizontal(|ui| {
                        let edit = egui::TextEdit::singleline(entry.value.buffer_mut())
                            .id_salt(("secret_entry", &entry.field.id))
                            .desired_width(theme::FIELD_WIDTH)
                            .password(true);
                        let response = ui.add(edit).labelled_by(label.id);
                        let paste = ui
                            .button("Вставить")
                            .on_hover_text(format!(
                                "Вставить из буфера обмена: {}",
                                entry.field.label
                            ))
                            .clicked();
                        (response, paste)
                    })
                    .inner;
                if !self.focused {
                    response.request_focus();
                    self.focused = true;
                }
                if response.changed() {
                    entry.error = None;
                    entry.pasted = None;
                }
                let pasted = if paste {
                    response.request_focus();
                    let text = clipboard::read_for_button(ui.ctx());
                    if let Some(text) = &text {
                        text.as_str().clone_into(entry.value.buffer_mut());
                    }
                    text
                } else {
                    clipboard::pasted_into(ui, &response)
                };
                if let Some(text) = pasted {
                    clipboard::trim_in_place(entry.value.buffer_mut());
                    entry.error = None;
                    entry.pasted = Some(PasteNote::for_field(&text, &entry.field));
                }
                if let Some(note) = &entry.pasted {
                    note.show(ui);
                }
                if let Some(e) = &entry.error {
                    ui.field_error(e);
                } else {
                    // As in the wizard, while typing: what is wrong, what was tidied, and a
                    // format Ключник only assumes, which does not stop the save.
                    match rules::check(&entry.field, entry.value.expose(), today) {
                        Verdict::Invalid(msg) => {
                            ui.field_error(&msg);
                        }
                        Verdict::Valid { note, warning, .. } => {
                            if let Some(note) = note {
                                ui.note(&note);
                            }
                            if let Some(warning) = warning {
                                ui.value_warning(&warning);
                            }
                        }
                        Verdict::Empty => {}
                    }
                }
                ui.add_space(theme::GAP);
            }
            ui.horizontal(|ui| {
                if ui.primary_button("Сохранить и проверить", true).clicked() {
                    decision = self.validate(today);
                }
                if ui.button("Отмена").clicked() {
                    decision = Decision::Close;
                }
            });
        });
        if modal.should_close() && matches!(decision, Decision::Stay) {
            decision = Decision::Close;
        }
        decision
    }

    /// Checks each value as the wizard would; on success hands the normalised values on.
    fn validate(&mut self, today: NaiveDate) -> Decision {
        let mut values = Vec::new();
        for entry in &mut self.entries {
            match rules::check(&entry.field, entry.value.expose(), today) {
                Verdict::Valid { value, .. } => {
                    values.push((entry.field.id.clone(), Secret::new(value)));
                }
                Verdict::Empty => entry.error = Some("Введите значение.".to_owned()),
                Verdict::Invalid(msg) => entry.error = Some(msg),
            }
        }
        if values.len() < self.entries.len() {
            return Decision::Stay;
        }
        Decision::Save(Command::SaveSecrets {
            id: self.id.clone(),
            values,
        })
    }
}
