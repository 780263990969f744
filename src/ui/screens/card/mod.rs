//! The connection card: everything saved about one connection, each value with «Копировать»,
//! the secrets with «Показать», where each value goes, the expiry and the last checks. Read
//! from the store every frame, so a change made by a command or another window shows at once,
//! and a removal is said instead of showing what is gone.

mod edit;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Local, NaiveDate};
use egui::{Key, RichText};

use crate::flow::{Field, FieldKind, Flow, template};
use crate::model::status::{self, Status};
use crate::model::{Connection, Secret};
use crate::ui::command::{Command, Services};
use crate::ui::jobs::JobKey;
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;
use crate::ui::screens::home::{LOCKED_READ, LOCKED_WRITE};

/// What a secret is read from the keyring for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Show,
    Copy,
}

pub struct CardView {
    id: String,
    /// Secrets read from the keyring and shown; wiped when the card closes.
    shown: BTreeMap<String, Secret>,
    /// A secret being read, and what for.
    reading: Option<(String, Want)>,
    /// Why a secret could not be read or copied (field, reason).
    secret_error: Option<(String, String)>,
    /// The value just copied (field id), for «Скопировано».
    copied: Option<String>,
    /// The first button had the keyboard once.
    focused: bool,
    /// «Изменить» is open.
    editing: Option<edit::Editing>,
    /// What the last «Сохранить изменения» said (warnings of values accepted with a doubt).
    /// What the last «Сохранить изменения» came to: saved, or nothing differed.
    saved: Option<edit::Outcome>,
    /// «Удалить подключение?» is open; whether its safe answer has had the keyboard.
    confirm_delete: Option<bool>,
    /// A file written from the card: under way, or what came of it.
    file_status: Option<FileStatus>,
    /// The SQL export's window is open, with the camera-id column being typed.
    sql_key: Option<String>,
}

enum FileStatus {
    Writing,
    Done(Result<String, String>),
}

/// `copied` for the hand-over message (not a field id).
const HANDOVER_MESSAGE: &str = "#handover-message";

impl CardView {
    pub fn new(id: String) -> Self {
        Self {
            id,
            shown: BTreeMap::new(),
            reading: None,
            secret_error: None,
            copied: None,
            focused: false,
            editing: None,
            saved: None,
            confirm_delete: None,
            file_status: None,
            sql_key: None,
        }
    }

    /// The connection the card is for.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        busy: bool,
        commands: &mut Vec<Command>,
    ) {
        self.poll(ui.ctx(), services);
        let connection = services.storage.get(&self.id);
        let flow = connection
            .as_ref()
            .and_then(|c| services.catalog.get(&c.flow));
        theme::central_panel(ui.style()).show(ui, |ui| {
            let back = ui.button("← К списку подключений");
            if !self.focused {
                self.focused = true;
                back.request_focus();
            }
            if back.clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                commands.push(Command::ShowHome);
            }
            ui.add_space(theme::GAP);
            let (Some(c), Some(flow)) = (connection, flow) else {
                ui.heading("Подключения больше нет");
                ui.label(
                    "Его удалили в другом окне Ключника или командой klyuchnik remove, пока \
                     карточка была открыта. Здесь ничего не изменено.",
                );
                return;
            };
            egui::ScrollArea::vertical()
                .id_salt(("card", &self.id))
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
                    self.body(ui, services, &c, flow, busy, commands);
                });
        });
    }

    fn body(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        c: &Connection,
        flow: &Flow,
        busy: bool,
        commands: &mut Vec<Command>,
    ) {
        let today = Local::now().date_naive();
        let checkable = flow.check.is_some();
        ui.label(RichText::new(&*c.system).strong());
        ui.heading(&c.name);
        ui.add_space(theme::GAP);
        let st = status::status(c, checkable, today);
        standing(ui, c, flow, st, today);
        // A setup not finished has no key to check yet.
        if !checkable
            && c.pending_step.is_none()
            && let Some(note) = &flow.unchecked_note
        {
            ui.note(note);
        }
        ui.add_space(theme::GAP);
        ui.horizontal_wrapped(|ui| {
            if busy {
                ui.spinner();
                ui.label("Проверяю…");
            } else if checkable && c.pending_step.is_none() && ui.button("Проверить").clicked()
            {
                commands.push(Command::Check(c.id.clone()));
            }
            if let Some(step) = c.pending_step
                && ui.button(flow.paused(step).resume).clicked()
            {
                commands.push(Command::ResumePending(c.id.clone()));
            }
            let write = services.storage.rights().write;
            if flow.renew_from.is_some()
                && c.pending_step.is_none()
                && ui
                    .add_enabled(write, egui::Button::new("Обновить ключ"))
                    .on_disabled_hover_text(LOCKED_WRITE)
                    .clicked()
            {
                commands.push(Command::Renew(c.id.clone()));
            }
            // Stays in place while the fields are open: nothing slides under the pointer.
            let change = ui.add_enabled(
                write && self.editing.is_none(),
                egui::Button::new("Изменить"),
            );
            let change = if write {
                change
            } else {
                change.on_disabled_hover_text(LOCKED_WRITE)
            };
            if change.clicked() {
                self.editing = Some(edit::Editing::new(c, flow));
                self.saved = None;
            }
            // As in the list.
            if crate::ui::screens::home::removal_button(ui, services, c, commands) {
                self.confirm_delete = Some(false);
            }
        });
        self.delete_question(ui, c, commands);
        if let Some(h) = c.pending_step.and_then(|s| flow.handed_over_at(s)) {
            self.hand_over(ui, services, c, h);
        }
        match &self.saved {
            Some(edit::Outcome::Saved(warnings)) => {
                ui.note("Изменения сохранены.");
                for w in warnings {
                    ui.value_warning(w);
                }
            }
            Some(edit::Outcome::Unchanged) => {
                ui.note("Ничего не изменено: значения те же, что сохранены.");
            }
            _ => {}
        }

        ui.add_space(theme::SECTION_GAP);
        ui.strong("Что сохранено");
        egui::Grid::new(("card-fields", &c.id))
            .num_columns(3)
            .spacing([theme::GAP, theme::GAP / 2.0])
            .show(ui, |ui| {
                for field in flow.fields() {
                    if field.kind == FieldKind::Table {
                        continue;
                    }
                    if let Some(editing) = &mut self.editing {
                        editing.field_row(ui, field, today);
                    } else if field.is_secret() {
                        self.secret_row(ui, services, c, field);
                    } else {
                        self.value_row(ui, c, field);
                    }
                    ui.end_row();
                }
            });
        if let Some(editing) = &mut self.editing {
            match editing.buttons(ui, services, c, flow, today) {
                edit::Outcome::Stay => {}
                edit::Outcome::Saved(warnings) => {
                    self.editing = None;
                    self.shown.clear();
                    self.saved = Some(edit::Outcome::Saved(warnings));
                }
                edit::Outcome::Unchanged => {
                    self.editing = None;
                    self.saved = Some(edit::Outcome::Unchanged);
                }
                edit::Outcome::Cancelled => self.editing = None,
            }
        }
        if let Some((field, reason)) = &self.secret_error {
            let label = flow
                .field(field)
                .map_or(field.as_str(), |f| f.label.as_str());
            ui.field_error(&format!("«{label}»: {reason}"));
        }
        for field in flow.fields().filter(|f| f.kind == FieldKind::Table) {
            match &mut self.editing {
                Some(editing) => {
                    ui.add_space(theme::SECTION_GAP);
                    ui.strong(&field.label);
                    editing.table_rows(ui, field);
                }
                None => table(ui, c, field),
            }
        }
        self.camera_files(ui, services, c, flow);

        if !flow.finish.todo.is_empty() {
            ui.add_space(theme::SECTION_GAP);
            ui.strong("Куда что вводится");
            for item in &flow.finish.todo {
                ui.add(egui::Label::new(format!("• {}", template::fill_from(item, c))).wrap());
            }
        }

        if checkable {
            ui.add_space(theme::SECTION_GAP);
            ui.strong("Проверки");
            if c.last_check.is_none() {
                ui.label("Ещё не проверялось.");
            }
            egui::Grid::new(("card-checks", &c.id))
                .num_columns(2)
                .spacing([theme::GAP, theme::GAP / 2.0])
                .show(ui, |ui| {
                    for check in c.checks() {
                        ui.label(
                            check
                                .at
                                .with_timezone(&Local)
                                .format("%d.%m.%Y %H:%M")
                                .to_string(),
                        );
                        ui.horizontal(|ui| {
                            ui.outcome_label(check.kind);
                            if let Some(detail) = &check.detail {
                                ui.note(detail);
                            }
                        });
                        ui.end_row();
                    }
                });
        }

        ui.add_space(theme::SECTION_GAP);
        let mut dates = format!(
            "Создано {}.",
            c.created.with_timezone(&Local).format("%d.%m.%Y %H:%M")
        );
        if let Some(changed) = c.changed {
            let _ = write!(
                dates,
                " Изменено {}.",
                changed.with_timezone(&Local).format("%d.%m.%Y %H:%M")
            );
        }
        ui.note(&dates);
    }

    /// Ivideon: the saved camera directions as the SQL script or CSV for the developers, as on
    /// the wizard's last step.
    fn camera_files(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        c: &Connection,
        flow: &Flow,
    ) {
        use crate::flow::actions::Action;
        use crate::ui::screens::camera_files::{self, KeyAnswer};
        let Some(step) = flow.steps.iter().find(|s| {
            s.all_actions()
                .any(|a| a == Action::ExportSql || a == Action::ExportCsv)
        }) else {
            return;
        };
        let Some(table) = step.fields.iter().find(|f| f.kind == FieldKind::Table) else {
            return;
        };
        let rows = c.tables.get(&table.id).cloned().unwrap_or_default();
        if rows.is_empty() || c.pending_step.is_some() {
            return;
        }
        let account = flow
            .fields()
            .find(|f| f.kind == FieldKind::Digits)
            .and_then(|f| c.fields.get(&f.id))
            .map(str::to_owned);
        let busy = matches!(self.file_status, Some(FileStatus::Writing)) || self.sql_key.is_some();
        ui.add_space(theme::GAP);
        ui.horizontal_wrapped(|ui| {
            for action in step
                .all_actions()
                .filter(|a| matches!(a, Action::ExportSql | Action::ExportCsv))
            {
                if ui
                    .add_enabled(!busy, egui::Button::new(action.label()))
                    .clicked()
                {
                    if action == Action::ExportSql {
                        self.sql_key = Some(camera_files::remembered_key(ui.ctx()));
                    } else {
                        self.export(ui.ctx(), services, &rows, account.as_deref(), None);
                    }
                }
            }
            if matches!(self.file_status, Some(FileStatus::Writing)) {
                ui.spinner();
            }
        });
        if let Some(buffer) = &mut self.sql_key {
            match camera_files::key_modal(ui, buffer) {
                None => {}
                Some(KeyAnswer::Cancel) => self.sql_key = None,
                Some(KeyAnswer::Go(key)) => {
                    self.sql_key = None;
                    self.export(ui.ctx(), services, &rows, account.as_deref(), Some(&key));
                }
            }
        }
        self.file_note(ui);
    }

    fn export(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        rows: &[std::collections::BTreeMap<String, String>],
        account: Option<&str>,
        key: Option<&str>,
    ) {
        self.file_status = Some(
            match crate::ui::screens::camera_files::save(
                services,
                ctx,
                JobKey::CardFile,
                rows,
                account,
                key,
            ) {
                Ok(()) => FileStatus::Writing,
                Err(e) => FileStatus::Done(Err(e)),
            },
        );
    }

    /// What the last file written from the card came to.
    fn file_note(&self, ui: &mut egui::Ui) {
        match &self.file_status {
            Some(FileStatus::Done(Ok(text))) => {
                ui.note(text);
            }
            Some(FileStatus::Done(Err(text))) => {
                ui.field_error(text);
            }
            _ => {}
        }
    }

    /// «Передать сотруднику ПВЗ»: the message to send (no secret in it) and the file the
    /// colleague opens in their own Ключник to go on from their step.
    fn hand_over(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        c: &Connection,
        h: &crate::flow::Handover,
    ) {
        ui.add_space(theme::SECTION_GAP);
        ui.strong(&h.button);
        ui.label(
            "Отправьте сотруднику это сообщение и приложите к нему файл: открыв файл в своём \
             Ключнике (двойным щелчком или кнопкой «Загрузить…»), сотрудник продолжит \
             настройку со своего шага. Ни в сообщении, ни в файле нет паролей и токенов.",
        );
        let message = template::fill_from(h.message.trim(), c);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.add(egui::Label::new(&message).wrap());
        });
        ui.horizontal_wrapped(|ui| {
            if ui.button("Копировать сообщение").clicked() {
                let _ = crate::ui::kit::clipboard::copy(ui.ctx(), message.clone(), false);
                self.copied = Some(HANDOVER_MESSAGE.to_owned());
            }
            let writing = matches!(self.file_status, Some(FileStatus::Writing));
            if writing {
                ui.spinner();
            } else if ui.button("Сохранить файл для сотрудника…").clicked()
            {
                self.save_hand_over(ui.ctx(), services, c);
            }
        });
        if self.copied.as_deref() == Some(HANDOVER_MESSAGE) {
            ui.note("Сообщение скопировано.");
        }
        self.file_note(ui);
    }

    fn save_hand_over(&mut self, ctx: &egui::Context, services: &Services, c: &Connection) {
        let (dialog, storage, id) = (
            std::sync::Arc::clone(&services.save_dialog),
            std::sync::Arc::clone(&services.storage),
            c.id.clone(),
        );
        let suggested =
            crate::ops::transfer::file_name(&c.name, crate::ops::transfer::HANDOVER_EXTENSION);
        self.file_status = Some(FileStatus::Writing);
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::CardFile, ctx, move || {
                let Some(path) = dialog(&suggested) else {
                    return Ok(None);
                };
                crate::ops::transfer::export_one(&*storage, &id, &path)
                    .map(|()| Some(format!("Файл сохранён: {}", path.display())))
                    .map_err(|e| format!("Не удалось записать {}: {e}", path.display()))
            });
    }

    fn delete_question(&mut self, ui: &mut egui::Ui, c: &Connection, commands: &mut Vec<Command>) {
        let Some(focused) = &mut self.confirm_delete else {
            return;
        };
        let answer = crate::ui::kit::widgets::question(
            ui.ctx(),
            "card_confirm_delete",
            "Удалить подключение?",
            |ui| {
                ui.label(format!(
                    "«{}» будет удалено из списка, его секреты — из хранилища паролей. В самой \
                     системе {} ничего не изменится.",
                    c.name, c.system
                ));
            },
            ("Не удалять", "Удалить"),
            focused,
        );
        match answer {
            Some(true) => {
                self.confirm_delete = None;
                commands.push(Command::Delete(c.id.clone()));
                commands.push(Command::ShowHome);
            }
            Some(false) => self.confirm_delete = None,
            None => {}
        }
    }

    fn value_row(&mut self, ui: &mut egui::Ui, c: &Connection, field: &Field) {
        ui.label(&field.label);
        let value = c.fields.get(&field.id).map(|v| shown_value(field, v));
        match value {
            Some(value) if !value.is_empty() => {
                ui.add(egui::Label::new(&value).wrap());
                let copy = ui.button("Копировать");
                let name = format!("Копировать «{}»", field.label);
                ui.ctx()
                    .accesskit_node_builder(copy.id, move |n| n.set_label(name));
                if copy.clicked() {
                    // Not secret: egui's clipboard, like any copied text.
                    let _ = crate::ui::kit::clipboard::copy(ui.ctx(), value, false);
                    self.copied = Some(field.id.clone());
                }
                if self.copied.as_deref() == Some(field.id.as_str()) {
                    ui.note("Скопировано.");
                }
            }
            _ => {
                ui.label("—");
            }
        }
    }

    fn secret_row(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        c: &Connection,
        field: &Field,
    ) {
        ui.label(&field.label);
        if !c.secrets.contains(&field.id) {
            ui.label("—");
            return;
        }
        let is_shown = self.shown.contains_key(&field.id);
        if let Some(value) = self.shown.get(&field.id) {
            ui.add(egui::Label::new(RichText::new(value.expose()).monospace()).wrap());
        } else if services.storage.is_remote() {
            ui.label("•••••••• (в хранилище команды)");
        } else {
            let backend = services
                .secrets
                .backend()
                .map_or("хранилище паролей", |b| b.title());
            ui.label(format!("•••••••• (в хранилище: {backend})"));
        }
        if !services.storage.rights().read {
            ui.note(LOCKED_READ);
            return;
        }
        ui.horizontal(|ui| {
            let reading = self.reading.as_ref().is_some_and(|(f, _)| f == &field.id);
            if reading {
                ui.spinner();
                return;
            }
            let toggle = if is_shown {
                "Скрыть"
            } else {
                "Показать"
            };
            let show = ui.button(toggle);
            let name = format!("{toggle} «{}»", field.label);
            ui.ctx()
                .accesskit_node_builder(show.id, move |n| n.set_label(name));
            if show.clicked() && self.shown.remove(&field.id).is_none() {
                self.read(ui.ctx(), services, &c.id, &field.id, Want::Show);
            }
            let copy = ui.button("Копировать");
            let name = format!("Копировать «{}»", field.label);
            ui.ctx()
                .accesskit_node_builder(copy.id, move |n| n.set_label(name));
            if copy.clicked() {
                self.read(ui.ctx(), services, &c.id, &field.id, Want::Copy);
            }
            if self.copied.as_deref() == Some(field.id.as_str()) {
                ui.note("Скопировано: очистится через 30 секунд и при закрытии.");
            }
        });
    }

    /// Reads a saved secret in the background: for «Показать» or «Копировать».
    fn read(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        id: &str,
        field: &str,
        want: Want,
    ) {
        let (storage, id, f) = (
            std::sync::Arc::clone(&services.storage),
            id.to_owned(),
            field.to_owned(),
        );
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::CardSecret, ctx, move || {
                storage.secret(&id, &f).map_err(|e| e.to_string())
            });
        self.reading = Some((field.to_owned(), want));
        self.secret_error = None;
        self.copied = None;
    }

    fn poll(&mut self, ctx: &egui::Context, services: &Services) {
        if matches!(self.file_status, Some(FileStatus::Writing))
            && let Some(result) = services
                .jobs
                .borrow_mut()
                .finished::<Result<Option<String>, String>>(&JobKey::CardFile)
        {
            self.file_status = match result.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(Some(text)) => Some(FileStatus::Done(Ok(text))),
                Ok(None) => None,
                Err(text) => Some(FileStatus::Done(Err(text))),
            };
        }
        let Some((field, want)) = self.reading.clone() else {
            return;
        };
        let Some(result) = services
            .jobs
            .borrow_mut()
            .finished::<Result<Secret, String>>(&JobKey::CardSecret)
        else {
            return;
        };
        self.reading = None;
        match result.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(value) => match want {
                Want::Show => {
                    self.shown.insert(field, value);
                }
                Want::Copy => {
                    match crate::ui::kit::clipboard::copy(ctx, value.expose().to_owned(), true) {
                        Ok(()) => self.copied = Some(field),
                        Err(reason) => self.secret_error = Some((field, reason)),
                    }
                }
            },
            Err(reason) => self.secret_error = Some((field, reason)),
        }
    }
}

/// The state in words, with the expiry when there is one.
fn standing(ui: &mut egui::Ui, c: &Connection, flow: &Flow, st: Status, today: NaiveDate) {
    match c.pending_step {
        Some(step) => {
            ui.label(flow.paused(step).state);
            if let Some(s) = flow.steps.get(step) {
                ui.note(&format!(
                    "Продолжится с шага {} из {}: «{}» (выполняет: {}).",
                    step + 1,
                    flow.steps.len(),
                    s.title,
                    s.role
                ));
            }
        }
        None => {
            ui.label(st.title_on(crate::model::status::days_left(c, today)));
        }
    }
    if c.expires.is_some() {
        // The list's words for the same expiry.
        let (when, _) = crate::ui::screens::home::expiry_text(c.expires, today);
        // Inside a sentence: «Срок действия: истекает через 20 дн.».
        let mut chars = when.chars();
        let when: String = chars
            .next()
            .map(|f| f.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        ui.note(&format!("Срок действия: {when}"));
    }
}

/// A saved value as people read it: dates as ДД.ММ.ГГГГ, a choice by its label.
pub(super) fn shown_value(field: &Field, value: &str) -> String {
    match field.kind {
        FieldKind::Date => crate::flow::rules::parse_date(value)
            .map_or_else(|| value.to_owned(), |d| d.format("%d.%m.%Y").to_string()),
        FieldKind::Choice => field.choice_label(value).to_owned(),
        _ => value.to_owned(),
    }
}

/// A table field (Ivideon's cameras): its rows, read-only.
fn table(ui: &mut egui::Ui, c: &Connection, field: &Field) {
    let rows = c.tables.get(&field.id).map_or(&[][..], Vec::as_slice);
    ui.add_space(theme::SECTION_GAP);
    ui.strong(&field.label);
    if rows.is_empty() {
        ui.label("Строк нет.");
        return;
    }
    egui::Grid::new(("card-table", &c.id, &field.id))
        .num_columns(field.columns.len())
        .striped(true)
        .show(ui, |ui| {
            for col in &field.columns {
                ui.label(RichText::new(&col.label).strong());
            }
            ui.end_row();
            for row in rows {
                for col in &field.columns {
                    let v = row.get(&col.id).map_or("", String::as_str);
                    ui.label(shown_value(col, v));
                }
                ui.end_row();
            }
        });
}
