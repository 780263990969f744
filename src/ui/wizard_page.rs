//! The page renderer: turns any flow into pages — «Шаг N из M», the role, the text, links,
//! fields validated as you type, confirmations, actions, and Back / Next / Cancel.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash as _, Hasher as _};

use chrono::{NaiveDate, Utc};
use egui::{Key, RichText};

use super::app::Services;
use super::theme;
use super::widgets::UiExt as _;
use crate::check::{self, Outcome, Running};
use crate::flow::actions;
use crate::flow::value::Verdict;
use crate::flow::{Field, FieldKind, Flow, FlowKind};
use crate::store::{Connection, SaveError, StoreError};
use crate::wizard::Draft;

/// What the navigation bar or the keyboard asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nav {
    Cancel,
    Back,
    Next,
    Commit,
}

pub enum WizardExit {
    Stay,
    Home,
}

type CommitResult = Result<(), SaveError>;

/// What a check is run with: plain fields, secrets, and their fingerprint.
type CheckInputs = (
    BTreeMap<String, String>,
    BTreeMap<String, crate::store::Secret>,
    u64,
);

pub struct WizardView {
    flow: Flow,
    /// For removal flows: the connection being removed.
    target: Option<Connection>,
    pub draft: Draft,
    /// Secret fields shown in clear text.
    reveal: BTreeSet<String>,
    /// Steps where the user tried to go on: empty required fields are flagged there.
    attempted: BTreeSet<usize>,
    focus: Option<String>,
    check: Option<(Running<Outcome>, u64)>,
    /// The last check and a fingerprint of the inputs it used.
    check_result: Option<(Outcome, u64)>,
    commit: Option<Running<CommitResult>>,
    commit_error: Option<String>,
    /// An error about a specific field that only saving can find (a taken name).
    field_errors: BTreeMap<String, String>,
    confirm_cancel: bool,
    resumed: bool,
    done: bool,
}

impl WizardView {
    pub fn new(flow: Flow, target: Option<Connection>, resumed: Option<Draft>) -> Self {
        let was_resumed = resumed.is_some();
        let mut draft = resumed.unwrap_or_else(|| Draft::new(&flow, target.as_ref()));
        // Secrets are never saved with the draft: give their fields empty buffers again.
        for f in flow.fields().filter(|f| f.is_secret()) {
            draft.secrets.entry(f.id.clone()).or_default();
        }
        draft.step = draft.step.min(flow.steps.len().saturating_sub(1));
        Self {
            flow,
            target,
            draft,
            reveal: BTreeSet::new(),
            attempted: BTreeSet::new(),
            focus: None,
            check: None,
            check_result: None,
            commit: None,
            commit_error: None,
            field_errors: BTreeMap::new(),
            confirm_cancel: false,
            resumed: was_resumed,
            done: false,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.check.is_some() || self.commit.is_some()
    }

    /// The wizard has committed; nothing is left to resume.
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn show(&mut self, ui: &mut egui::Ui, services: &Services) -> WizardExit {
        self.poll();
        let today = Services::today();
        if self.done {
            return self.finish_page(ui, services, today);
        }
        let mut exit = WizardExit::Stay;
        let mut enter_pressed = false;

        egui::Panel::top("wizard_top").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(&self.flow.title).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(format!(
                        "Шаг {} из {}",
                        self.draft.step + 1,
                        self.flow.steps.len()
                    ));
                });
            });
            ui.add_space(4.0);
        });
        egui::Panel::left("wizard_steps")
            .exact_size(theme::STEP_LIST_WIDTH)
            .show(ui, |ui| {
                self.step_list(ui, today);
            });
        let nav = egui::Panel::bottom("wizard_nav")
            .show(ui, |ui| {
                ui.add_space(6.0);
                let nav = self.nav_bar(ui);
                ui.add_space(6.0);
                nav
            })
            .inner;
        egui::CentralPanel::default_margins().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.set_max_width(theme::TEXT_WIDTH + 40.0);
                    enter_pressed = self.page(ui, services, today);
                });
        });

        let enter = enter_pressed
            || (ui.input(|i| i.key_pressed(Key::Enter)) && ui.memory(|m| m.focused().is_none()));
        let nav = if self.confirm_cancel {
            None
        } else if ui.input(|i| i.key_pressed(Key::Escape)) {
            Some(Nav::Cancel)
        } else if enter && self.draft.step + 1 < self.flow.steps.len() {
            Some(Nav::Next)
        } else {
            nav
        };
        match nav {
            Some(Nav::Cancel) if self.request_cancel() => exit = WizardExit::Home,
            Some(Nav::Back) => {
                self.draft.step = self.draft.step.saturating_sub(1);
                self.commit_error = None;
            }
            Some(Nav::Next) => self.next(today),
            Some(Nav::Commit) => self.commit(ui.ctx(), services, today),
            Some(Nav::Cancel) | None => {}
        }
        if self.confirm_cancel && self.cancel_modal(ui) {
            exit = WizardExit::Home;
        }
        if matches!(exit, WizardExit::Home)
            && let Some((job, _)) = self.check.take()
        {
            job.cancel();
        }
        exit
    }

    fn step_list(&self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.add_space(theme::GAP);
        for (i, step) in self.flow.steps.iter().enumerate() {
            let current = i == self.draft.step;
            let complete =
                i < self.draft.step && self.draft.problems(&self.flow, i, today).is_empty();
            let mark = if complete { "✔" } else { "•" };
            let text = RichText::new(format!("{mark} {}. {}", i + 1, step.title));
            let text = if current { text.strong() } else { text.weak() };
            ui.add(egui::Label::new(text).wrap());
        }
    }

    /// Draws the current step; returns true when Enter was pressed in a one-line field.
    fn page(&mut self, ui: &mut egui::Ui, services: &Services, today: NaiveDate) -> bool {
        let i = self.draft.step;
        let step = self.flow.steps[i].clone();
        let target = self.target.clone();
        let fill = |d: &Draft, flow: &Flow, t: &str| d.fill_text(flow, target.as_ref(), t, today);

        ui.label(RichText::new(format!("Выполняет: {}", step.role)).color(ui.palette().accent));
        ui.heading(&step.title);
        ui.add_space(theme::GAP);
        if let Some(w) = &step.warning {
            ui.warning_box(&fill(&self.draft, &self.flow, w));
            ui.add_space(theme::GAP);
        }
        for para in fill(&self.draft, &self.flow, &step.body)
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            ui.add(egui::Label::new(para).wrap());
        }
        if self.resumed && step.fields.iter().any(Field::is_secret) {
            ui.note("Ключник не сохраняет секреты в незавершённой настройке — вставьте значение ещё раз.");
        }
        for link in &step.links {
            let url = crate::flow::template::fill(&link.url, |id| {
                self.draft.lookup(&self.flow, target.as_ref(), id, today)
            });
            ui.horizontal(|ui| {
                let button = ui.add_enabled(url.is_some(), egui::Button::new(&link.label));
                if let Some(url) = &url {
                    if button.on_hover_text(url.as_str()).clicked() {
                        (services.opener)(url);
                    }
                } else {
                    ui.note("Сначала заполните поле выше.");
                }
            });
        }
        ui.add_space(theme::GAP);

        let mut enter = false;
        for field in &step.fields {
            enter |= self.field(ui, field, today);
            ui.add_space(theme::GAP);
        }
        for (n, text) in step.confirm.iter().enumerate() {
            let key = Draft::confirm_key(i, n);
            let mut on = self.draft.confirmed.contains(&key);
            let label = fill(&self.draft, &self.flow, text);
            if ui.checkbox(&mut on, label).changed() {
                if on {
                    self.draft.confirmed.insert(key);
                } else {
                    self.draft.confirmed.remove(&key);
                }
            }
            if !on && self.attempted.contains(&i) {
                ui.field_error("Отметьте, когда сделаете это.");
            }
        }
        for name in &step.actions {
            if name == "check" {
                self.check_action(ui, services, today);
            }
        }
        if let Some(err) = &self.commit_error {
            ui.add_space(theme::GAP);
            ui.field_error(err);
        }
        enter
    }

    /// One field: label, input, and the message next to it. Returns true on Enter.
    fn field(&mut self, ui: &mut egui::Ui, field: &Field, today: NaiveDate) -> bool {
        let star = if field.required { " *" } else { "" };
        let label = ui.label(RichText::new(format!("{}{star}", field.label)).strong());
        if let Some(hint) = &field.hint {
            ui.note(hint);
        }
        let mut enter = false;
        match field.kind {
            FieldKind::Table => self.table_field(ui, field, label.id),
            FieldKind::Choice => {
                let current = self.draft.values.entry(field.id.clone()).or_default();
                let shown = if current.is_empty() {
                    "— выберите —".to_owned()
                } else {
                    current.clone()
                };
                let inner = egui::ComboBox::from_id_salt(("choice", &field.id))
                    .selected_text(shown)
                    .width(theme::FIELD_WIDTH)
                    .show_ui(ui, |ui| {
                        for choice in &field.choices {
                            ui.selectable_value(current, choice.clone(), choice);
                        }
                    });
                inner.response.labelled_by(label.id);
            }
            _ => {
                let secret = field.is_secret();
                let revealed = self.reveal.contains(&field.id);
                let response = ui
                    .horizontal(|ui| {
                        let buffer = if secret {
                            self.draft
                                .secrets
                                .entry(field.id.clone())
                                .or_default()
                                .buffer_mut()
                        } else {
                            self.draft.values.entry(field.id.clone()).or_default()
                        };
                        let mut edit = egui::TextEdit::singleline(buffer)
                            .id_salt(("field", &field.id))
                            .desired_width(theme::FIELD_WIDTH)
                            .password(secret && !revealed);
                        if let Some(p) = &field.placeholder {
                            edit = edit.hint_text(p.as_str());
                        }
                        let response = ui.add(edit).labelled_by(label.id);
                        if secret {
                            let toggle = if revealed {
                                "Скрыть"
                            } else {
                                "Показать"
                            };
                            if ui
                                .button(toggle)
                                .on_hover_text(format!("{toggle}: {}", field.label))
                                .clicked()
                            {
                                if revealed {
                                    self.reveal.remove(&field.id);
                                } else {
                                    self.reveal.insert(field.id.clone());
                                }
                            }
                        }
                        response
                    })
                    .inner;
                if self.focus.as_deref() == Some(field.id.as_str()) {
                    response.request_focus();
                    self.focus = None;
                }
                if response.changed() {
                    self.field_errors.remove(&field.id);
                    self.commit_error = None;
                }
                enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            }
        }
        if let Some(err) = self.field_errors.get(&field.id) {
            ui.field_error(err);
            return enter;
        }
        if field.kind == FieldKind::Table {
            if self.attempted.contains(&self.draft.step)
                && let Some(msg) = self
                    .draft
                    .problems(&self.flow, self.draft.step, today)
                    .fields
                    .get(&field.id)
            {
                ui.field_error(msg);
            }
            return enter;
        }
        match self.draft.verdict(field, today) {
            Verdict::Invalid(msg) => {
                ui.field_error(&msg);
            }
            Verdict::Empty if field.required && self.attempted.contains(&self.draft.step) => {
                ui.field_error(&format!("Заполните поле «{}».", field.label));
            }
            Verdict::Valid {
                note: Some(note), ..
            } => {
                ui.note(&note);
            }
            _ => {}
        }
        enter
    }

    fn table_field(&mut self, ui: &mut egui::Ui, field: &Field, label: egui::Id) {
        let rows = self.draft.tables.entry(field.id.clone()).or_default();
        let mut remove = None;
        egui::Grid::new(("table", &field.id))
            .striped(true)
            .show(ui, |ui| {
                for col in &field.columns {
                    ui.strong(&col.label);
                }
                ui.end_row();
                for (r, row) in rows.iter_mut().enumerate() {
                    for col in &field.columns {
                        let cell = row.entry(col.id.clone()).or_default();
                        let mut edit = egui::TextEdit::singleline(cell)
                            .id_salt(("cell", &field.id, r, &col.id))
                            .desired_width(200.0);
                        if let Some(p) = &col.placeholder {
                            edit = edit.hint_text(p.as_str());
                        }
                        ui.add(edit).labelled_by(label).on_hover_text(format!(
                            "{}, строка {}",
                            col.label,
                            r + 1
                        ));
                    }
                    if ui
                        .button("Удалить строку")
                        .on_hover_text(format!("Удалить строку {}", r + 1))
                        .clicked()
                    {
                        remove = Some(r);
                    }
                    ui.end_row();
                }
            });
        if let Some(r) = remove {
            rows.remove(r);
        }
        if ui.button("Добавить строку").clicked() {
            rows.push(BTreeMap::new());
        }
    }

    /// The fingerprint of what a check would use, to tell a stale result from a fresh one.
    fn check_inputs(&self, today: NaiveDate) -> Option<CheckInputs> {
        let name = self.flow.check.as_deref()?;
        let (plain, secret) = check::inputs_of(name);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut fields = BTreeMap::new();
        for id in plain {
            let v = self.draft.lookup(&self.flow, None, id, today)?;
            v.hash(&mut hasher);
            fields.insert((*id).to_owned(), v);
        }
        let mut secrets = BTreeMap::new();
        for id in secret {
            let v = self.draft.secret_value(&self.flow, id, today)?;
            v.expose().hash(&mut hasher);
            secrets.insert((*id).to_owned(), v);
        }
        Some((fields, secrets, hasher.finish()))
    }

    fn check_action(&mut self, ui: &mut egui::Ui, services: &Services, today: NaiveDate) {
        let label = actions::action("check").map_or("Проверить", |a| a.label);
        let inputs = self.check_inputs(today);
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            if self.check.is_some() {
                ui.spinner();
                ui.label("Проверяю…");
                if ui.button("Отменить проверку").clicked()
                    && let Some((job, _)) = self.check.take()
                {
                    job.cancel();
                }
                return;
            }
            let enabled = inputs.is_some();
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked()
                && let (Some((fields, secrets, print)), Some(name)) =
                    (inputs.clone(), self.flow.check.clone())
            {
                let ctx = ui.ctx().clone();
                let timeouts = services.timeouts;
                let job = services.runner.spawn(
                    async move {
                        let client = match check::client(timeouts) {
                            Ok(c) => c,
                            Err(o) => return o,
                        };
                        check::run_named(&name, &client, &fields, &secrets)
                            .await
                            .unwrap_or_else(|| {
                                Outcome::new(
                                    check::OutcomeKind::ServiceError,
                                    "для проверки не хватает данных",
                                )
                            })
                    },
                    move || ctx.request_repaint(),
                );
                self.check = Some((job, print));
            }
            if !enabled {
                ui.note("Сначала заполните предыдущие шаги: адрес и токен.");
            }
        });
        let fresh = inputs.as_ref().map(|(_, _, p)| *p);
        if let Some((outcome, print)) = &self.check_result
            && Some(*print) == fresh
        {
            outcome_box(ui, outcome);
        }
    }

    fn poll(&mut self) {
        if let Some((job, print)) = &self.check
            && let Some(result) = job.poll()
        {
            let outcome = result
                .unwrap_or_else(|e| Outcome::new(check::OutcomeKind::ServiceError, e.to_string()));
            self.check_result = Some((outcome, *print));
            self.check = None;
        }
        if let Some(job) = &self.commit
            && let Some(result) = job.poll()
        {
            self.commit = None;
            match result {
                Ok(Ok(())) => {
                    self.done = true;
                    self.draft.step = self.flow.steps.len();
                }
                Ok(Err(SaveError::Store(StoreError::DuplicateName(name)))) => {
                    let field = self.flow.name_field.clone().unwrap_or_default();
                    self.field_errors.insert(
                        field.clone(),
                        format!("Подключение «{name}» уже есть. Выберите другое название."),
                    );
                    self.focus = Some(field);
                }
                Ok(Err(e)) => self.commit_error = Some(e.to_string()),
                Err(e) => self.commit_error = Some(e.to_string()),
            }
        }
    }

    fn nav_bar(&self, ui: &mut egui::Ui) -> Option<Nav> {
        let last = self.draft.step + 1 == self.flow.steps.len();
        let mut nav = None;
        ui.horizontal(|ui| {
            if ui.button("Отмена").clicked() {
                nav = Some(Nav::Cancel);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if last {
                    let busy = self.commit.is_some();
                    if ui.primary_button(&self.flow.finish.button, !busy).clicked() {
                        nav = Some(Nav::Commit);
                    }
                    if busy {
                        ui.spinner();
                    }
                } else if ui.primary_button("Далее", true).clicked() {
                    nav = Some(Nav::Next);
                }
                if self.draft.step > 0 && ui.button("Назад").clicked() {
                    nav = Some(Nav::Back);
                }
            });
        });
        nav
    }

    /// Next, or on the last step the commit. Flags what is missing instead of moving.
    fn next(&mut self, today: NaiveDate) {
        let i = self.draft.step;
        if i + 1 >= self.flow.steps.len() {
            return;
        }
        let problems = self.draft.problems(&self.flow, i, today);
        if problems.is_empty() {
            self.draft.step += 1;
            self.commit_error = None;
        } else {
            self.attempted.insert(i);
            self.focus = problems.fields.keys().next().cloned();
        }
    }

    fn commit(&mut self, ctx: &egui::Context, services: &Services, today: NaiveDate) {
        self.commit_error = None;
        if let Some(step) = self
            .draft
            .first_incomplete(&self.flow, self.flow.steps.len(), today)
        {
            self.draft.step = step;
            self.attempted.insert(step);
            self.focus = self
                .draft
                .problems(&self.flow, step, today)
                .fields
                .keys()
                .next()
                .cloned();
            return;
        }
        let (store, secrets) = (services.store.clone(), services.secrets.clone());
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        match self.flow.kind {
            FlowKind::Create => {
                let (mut connection, values) = match self.draft.to_connection(&self.flow, today) {
                    Ok(v) => v,
                    Err(e) => {
                        self.commit_error = Some(e);
                        return;
                    }
                };
                let fresh = self.check_inputs(today).map(|(_, _, p)| p);
                connection.last_check = self
                    .check_result
                    .as_ref()
                    .filter(|(_, p)| Some(*p) == fresh)
                    .map(|(o, _)| o.record(Utc::now()));
                self.commit = Some(services.runner.spawn_blocking(
                    move || crate::store::save_connection(&store, &secrets, connection, &values),
                    wake,
                ));
            }
            FlowKind::Remove => {
                let Some(id) = self.target.as_ref().map(|c| c.id.clone()) else {
                    self.commit_error = Some("Подключение для удаления не найдено.".to_owned());
                    return;
                };
                self.commit = Some(services.runner.spawn_blocking(
                    move || crate::store::remove_connection(&store, &secrets, &id).map(drop),
                    wake,
                ));
            }
        }
    }

    /// Asks before leaving only when something would be lost. Returns true to leave now.
    fn request_cancel(&mut self) -> bool {
        if self.draft.has_input(&self.flow) {
            self.confirm_cancel = true;
            false
        } else {
            true
        }
    }

    /// Returns true when the user chose to drop the wizard.
    fn cancel_modal(&mut self, ui: &mut egui::Ui) -> bool {
        let mut leave = false;
        let modal = egui::Modal::new(egui::Id::unique("confirm_cancel")).show(ui.ctx(), |ui| {
            ui.set_max_width(440.0);
            ui.heading("Прервать настройку?");
            ui.label("Введённые данные будут потеряны.");
            ui.add_space(theme::GAP);
            ui.horizontal(|ui| {
                if ui.button("Прервать").clicked() {
                    leave = true;
                }
                if ui.button("Продолжить настройку").clicked() {
                    self.confirm_cancel = false;
                }
            });
        });
        if modal.should_close() && !leave {
            self.confirm_cancel = false;
        }
        leave
    }

    fn finish_page(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        today: NaiveDate,
    ) -> WizardExit {
        let mut exit = WizardExit::Stay;
        let target = self.target.clone();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.set_max_width(theme::TEXT_WIDTH);
                ui.label(RichText::new(&self.flow.title).strong());
                ui.heading(format!("✔ {}", self.flow.finish.title));
                ui.add_space(theme::GAP);
                ui.add(
                    egui::Label::new(self.draft.fill_text(
                        &self.flow,
                        target.as_ref(),
                        &self.flow.finish.body,
                        today,
                    ))
                    .wrap(),
                );
                if self.flow.kind == FlowKind::Create {
                    ui.add_space(theme::GAP);
                    ui.strong("Что сохранено");
                    egui::Grid::new("summary").num_columns(2).show(ui, |ui| {
                        let backend = services
                            .secrets
                            .backend()
                            .map_or("хранилище паролей", |b| b.title());
                        for field in self.flow.fields() {
                            ui.label(&field.label);
                            if field.is_secret() {
                                ui.label(format!("сохранён: {backend}"));
                            } else {
                                ui.label(
                                    self.draft
                                        .lookup(&self.flow, None, &field.id, today)
                                        .unwrap_or_else(|| "—".to_owned()),
                                );
                            }
                            ui.end_row();
                        }
                        if let Some((outcome, _)) = &self.check_result {
                            ui.label("Проверка");
                            ui.outcome_label(outcome.kind);
                            ui.end_row();
                        }
                    });
                }
                if !self.flow.finish.todo.is_empty() {
                    ui.add_space(theme::GAP);
                    ui.strong("Что осталось сделать");
                    for item in &self.flow.finish.todo {
                        ui.add(
                            egui::Label::new(format!(
                                "• {}",
                                self.draft
                                    .fill_text(&self.flow, target.as_ref(), item, today)
                            ))
                            .wrap(),
                        );
                    }
                }
                ui.add_space(theme::SECTION_GAP);
                if ui.primary_button("К списку подключений", true).clicked()
                    || ui.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape))
                {
                    exit = WizardExit::Home;
                }
            });
        });
        exit
    }
}

/// The result of a check: what happened, what it means, what to do.
fn outcome_box(ui: &mut egui::Ui, outcome: &Outcome) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_max_width(theme::TEXT_WIDTH);
            ui.outcome_label(outcome.kind);
            ui.add(egui::Label::new(outcome.kind.advice()).wrap());
            if let Some(detail) = &outcome.detail {
                ui.note(&format!("Подробности: {detail}"));
            }
        });
}
