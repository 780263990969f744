//! The page renderer: turns any flow into pages — «Шаг N из M», the role, the text, links,
//! fields validated as you type, confirmations, actions, and Back / Next / Cancel.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use egui::{Key, RichText};

mod actions;
mod fields;
mod finish;

use crate::flow::actions::Action;
use crate::flow::draft::Draft;
use crate::flow::{Field, Flow, FlowKind};
use crate::model::Connection;
use crate::model::Outcome;
use crate::ops::SaveError;
use crate::store::StoreError;
use crate::ui::command::{Command, Services};
use crate::ui::jobs::{JobKey, WizardJob};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::{self, UiExt as _};
use crate::ui::screens::reminder_switch::ReminderSwitch;

/// What the navigation bar or the keyboard asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nav {
    Cancel,
    Back,
    Next,
    Commit,
    /// «Сохранить и продолжить позже» (or the step's own wait button).
    Later,
    /// The hand-over to the next person («Передать сотруднику ПВЗ»).
    Handover,
}

pub enum WizardExit {
    Stay,
    Home,
    /// Left without saving; these (connection id, field) keyring entries were saved early and
    /// must be removed.
    Abandon(Vec<(String, String)>),
}

type CommitResult = Result<(), SaveError>;

/// What a check is run with: plain fields, secrets, and their fingerprint.
type CheckInputs = (
    BTreeMap<String, String>,
    BTreeMap<String, crate::model::Secret>,
    u64,
);

/// A link or letter the system could not hand to a program.
pub(super) struct OpenFailed {
    pub what: &'static str,
    /// The address, or the letter as text.
    pub text: String,
}

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
    /// The focus above goes to a problem: its field is also scrolled into view.
    focus_scrolls: bool,
    /// The first unticked confirmation of a refused step: it gets the focus and the view.
    focus_confirm: Option<usize>,
    /// The step whose page was shown last frame: a new step opens at the top of its page.
    shown_step: Option<usize>,
    /// What had the keyboard when the frame began, and whether Tab was pressed in the last
    /// frame: a widget reached with Tab below the fold is scrolled into view.
    last_focused: Option<egui::Id>,
    tabbed: bool,
    /// Fields whose suggested value was offered already (cleared, it stays cleared).
    suggested: BTreeSet<String>,
    /// The step whose first field got the focus already: focus moves only when the step does.
    focused_step: Option<usize>,
    /// The finish page has applied «Напоминать о сроках…»'s default already.
    reminders_offered: bool,
    /// Height of the navigation bar, measured when drawn.
    nav_height: f32,
    /// A check under way (`ui::jobs`), with the fingerprint of its inputs.
    check: Option<u64>,
    /// The last check and a fingerprint of the inputs it used.
    check_result: Option<(Outcome, u64)>,
    /// Saving or removing under way (`ui::jobs`).
    commit: bool,
    /// A renewal's connection as it was before, once saving began: its old key.
    renewed_from: Option<Connection>,
    /// Saving part-way under way: `true` for the hand-over.
    later: Option<bool>,
    /// Where to go once the run was saved part-way.
    leave: Option<Command>,
    commit_error: Option<String>,
    /// An error about a specific field that only saving can find (a taken name).
    field_errors: BTreeMap<String, String>,
    confirm_cancel: bool,
    /// «Продолжить настройку» got the keyboard when the question opened.
    cancel_focused: bool,
    /// «Проверка не прошла. Сохранить всё равно?» is open; whether its safe answer has had the
    /// keyboard yet.
    confirm_failed_save: Option<bool>,
    /// The fingerprint of the inputs whose failed check the user chose to save anyway.
    save_anyway: Option<u64>,
    /// The run as it began, when it was prepared rather than resumed: leaving loses only what
    /// differs from it.
    start: Draft,
    resumed: bool,
    done: bool,
    /// The field whose value was just copied, for a «Скопировано» note.
    copied: Option<String>,
    /// Why the last copy of a secret did not happen (field label, reason).
    copy_failed: Option<(String, String)>,
    /// What the last paste put into a secret field (field id, what to say), until it is typed in.
    pasted: Option<(String, crate::ui::kit::clipboard::PasteNote)>,
    /// Open «Вставить список» boxes of table fields.
    paste: BTreeMap<String, String>,
    /// Date fields with the calendar open, and the month each shows.
    calendar: BTreeSet<String>,
    /// Choice fields where the user picked «other» and types the value themselves.
    other_choice: BTreeSet<String>,
    calendar_month: BTreeMap<String, NaiveDate>,
    /// Saved connections of this flow, refreshed each frame: for «already used» warnings.
    others: std::sync::Arc<crate::model::List>,
    /// Secret fields compared against other connections' keyring entries: fingerprint → the
    /// name of a connection that has the same value.
    secret_dupes: BTreeMap<String, (u64, Option<String>)>,
    /// A comparison under way (`ui::jobs`): the field and the fingerprint of its value.
    dupe_scan: Option<(String, u64)>,
    /// Writing a step's secrets to the keyring before moving on.
    early_save: bool,
    /// Reading secrets saved early, after a restart, was started (once).
    early_load: bool,
    /// Ivideon's SQL or CSV file being written.
    export: bool,
    export_status: Option<Result<String, String>>,
    /// A browser or mail program that did not open, and what to take elsewhere instead.
    open_failed: Option<OpenFailed>,
    /// An export was refused for a wrong row; `true` until the message was brought into view.
    export_refused: Option<bool>,
    /// The SQL export window is open, with the camera-id column being typed.
    sql_key: Option<String>,
    /// Reading the camera list of an Ivideon account, and what came of it.
    ivideon: bool,
    ivideon_status: Option<Result<String, Outcome>>,
}

impl WizardView {
    /// A wizard for `flow`; `draft` is a prepared or resumed run (`true` when resumed after a
    /// restart).
    pub fn new(flow: Flow, target: Option<Connection>, draft: Option<(Draft, bool)>) -> Self {
        let (mut draft, was_resumed) =
            draft.unwrap_or_else(|| (Draft::new(&flow, target.as_ref()), false));
        // Secrets are never saved with the draft: give their fields empty buffers again.
        for f in flow.fields().filter(|f| f.is_secret()) {
            draft.secrets.entry(f.id.clone()).or_default();
        }
        // A draft from before a field was added to the flow gets that field's default.
        for f in flow
            .fields()
            .filter(|f| !f.is_secret() && f.kind != crate::flow::FieldKind::Table)
        {
            draft
                .values
                .entry(f.id.clone())
                .or_insert_with(|| f.default.clone().unwrap_or_default());
        }
        draft.step = draft.step.min(flow.steps.len().saturating_sub(1));
        // After a restart everything in the run is the user's: compared with a fresh one.
        let start = if was_resumed {
            Draft::new(&flow, target.as_ref())
        } else {
            draft.clone()
        };
        Self {
            flow,
            target,
            draft,
            reveal: BTreeSet::new(),
            attempted: BTreeSet::new(),
            focus: None,
            focus_scrolls: false,
            focus_confirm: None,
            shown_step: None,
            last_focused: None,
            tabbed: false,
            suggested: BTreeSet::new(),
            focused_step: None,
            reminders_offered: false,
            nav_height: 56.0,
            check: None,
            check_result: None,
            commit: false,
            later: None,
            leave: None,
            renewed_from: None,
            commit_error: None,
            field_errors: BTreeMap::new(),
            confirm_cancel: false,
            cancel_focused: false,
            confirm_failed_save: None,
            save_anyway: None,
            start,
            resumed: was_resumed,
            done: false,
            copied: None,
            copy_failed: None,
            pasted: None,
            paste: BTreeMap::new(),
            calendar: BTreeSet::new(),
            other_choice: BTreeSet::new(),
            calendar_month: BTreeMap::new(),
            others: std::sync::Arc::default(),
            secret_dupes: BTreeMap::new(),
            dupe_scan: None,
            early_save: false,
            early_load: false,
            export: false,
            export_status: None,
            export_refused: None,
            open_failed: None,
            sql_key: None,
            ivideon: false,
            ivideon_status: None,
        }
    }

    /// Labels of secret fields with a typed value that is in no keyring yet: closing the
    /// window would lose them (drafts are saved without secrets).
    pub fn unsaved_secrets(&self) -> Vec<String> {
        if self.done {
            return Vec::new();
        }
        self.flow
            .fields()
            .filter(|f| f.is_secret() && !self.draft.stored.contains(&f.id))
            .filter(|f| {
                self.draft
                    .secrets
                    .get(&f.id)
                    .is_some_and(|s| !s.expose().trim().is_empty())
            })
            .map(|f| f.label.clone())
            .collect()
    }

    /// The wizard has committed; nothing is left to resume.
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        reminders: &ReminderSwitch,
        commands: &mut Vec<Command>,
    ) -> WizardExit {
        self.poll(services);
        if let Some(command) = self.leave.take() {
            commands.push(command);
            return WizardExit::Stay;
        }
        let today = Services::today();
        self.background(ui.ctx(), services, today);
        if self.done {
            return self.finish_page(ui, services, today, reminders, commands);
        }
        let mut exit = WizardExit::Stay;
        let mut enter_pressed = false;

        theme::edge_panel(egui::Panel::top("wizard_top"), ui.style()).show(ui, |ui| {
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
        // Laid out by hand rather than with side and bottom panels, so that a screen reader
        // meets the page in reading order: title, text, fields, actions, then the navigation,
        // and the list of steps last.
        let mut nav = None;
        theme::central_panel(ui.style()).show(ui, |ui| {
            let area = ui.available_rect_before_wrap();
            let gap = theme::GAP;
            let list = if area.width() >= theme::STEP_LIST_FROM {
                theme::STEP_LIST_WIDTH
            } else {
                0.0
            };
            let left = area.min.x + if list > 0.0 { list + gap } else { 0.0 };
            let bottom = area.max.y - self.nav_height;
            let content = egui::Rect::from_min_max(
                egui::pos2(left, area.min.y),
                egui::pos2(area.max.x, bottom),
            );
            ui.scope_builder(egui::UiBuilder::new().max_rect(content), |ui| {
                // Vertical only: text wraps to the window, nothing hides to the right.
                let mut area = egui::ScrollArea::vertical()
                    .id_salt(("wizard_page", self.draft.step))
                    .auto_shrink(false);
                // A step opens at its top: role, title and text first, not mid-page.
                if self.shown_step != Some(self.draft.step) {
                    self.shown_step = Some(self.draft.step);
                    area = area.vertical_scroll_offset(0.0);
                }
                area.show(ui, |ui| {
                    // Inside the area: a scroll asked for before it began would go to another.
                    self.follow_tab(ui.ctx());
                    enter_pressed = self.page(ui, services, today);
                });
            });
            let bar = egui::Rect::from_min_max(egui::pos2(left, bottom), area.max);
            ui.painter().hline(
                bar.x_range(),
                bar.min.y,
                ui.visuals().widgets.noninteractive.bg_stroke,
            );
            let drawn = ui.scope_builder(egui::UiBuilder::new().max_rect(bar), |ui| {
                ui.add_space(gap);
                nav = self.nav_bar(ui, today);
            });
            // The bar's height is known once drawn: redo the frame when it changed (text size).
            let height = drawn.response.rect.height() + gap;
            if (height - self.nav_height).abs() > 0.5 {
                self.nav_height = height;
                ui.ctx().request_discard("wizard navigation height");
            }
            if list > 0.0 {
                let rect =
                    egui::Rect::from_min_max(area.min, egui::pos2(area.min.x + list, area.max.y));
                ui.painter().vline(
                    rect.max.x + gap / 2.0,
                    rect.y_range(),
                    ui.visuals().widgets.noninteractive.bg_stroke,
                );
                ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("wizard_steps")
                        .show(ui, |ui| {
                            self.step_list(ui, today);
                        });
                });
            }
        });

        let enter = enter_pressed
            || (ui.input(|i| i.key_pressed(Key::Enter)) && ui.memory(|m| m.focused().is_none()));
        let last = self.draft.step + 1 >= self.flow.steps.len();
        let nav = if self.confirm_cancel || self.confirm_failed_save.is_some() {
            None
        } else if ui.input(|i| i.key_pressed(Key::Escape)) {
            Some(Nav::Cancel)
        } else if enter {
            // Enter presses the page's main button, the last step's «Сохранить…» too.
            Some(if last {
                Nav::Commit
            } else if self.handover_here().is_some() {
                Nav::Handover
            } else {
                Nav::Next
            })
        } else {
            nav
        };
        match nav {
            Some(Nav::Cancel) if self.request_cancel() => exit = WizardExit::Home,
            Some(Nav::Back) => {
                self.draft.step = self.draft.step.saturating_sub(1);
                self.commit_error = None;
            }
            Some(Nav::Next) => self.next(ui.ctx(), services, today),
            Some(Nav::Commit) => self.commit(ui.ctx(), services, today),
            Some(Nav::Later) => self.save_for_later(ui.ctx(), services, today, false),
            Some(Nav::Handover) => self.save_for_later(ui.ctx(), services, today, true),
            Some(Nav::Cancel) | None => {}
        }
        if self.confirm_failed_save.is_some() && self.failed_save_modal(ui) {
            self.commit(ui.ctx(), services, today);
        }
        if self.confirm_cancel && self.cancel_modal(ui) {
            // A renewal's secrets saved early replace the old ones, which are gone in the
            // system too (a БФТ password made anew): they are kept, not deleted.
            // A paused connection being continued keeps what it had saved; only what this run
            // put in the keyring goes.
            let kept: Vec<String> = if self.draft.completes_pending {
                services
                    .store
                    .get(&self.draft.connection_id)
                    .map(|c| c.secrets)
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            let id = &self.draft.connection_id;
            let forget: Vec<(String, String)> = self
                .draft
                .stored
                .iter()
                .filter(|f| !kept.contains(f))
                .map(|f| (id.clone(), f.clone()))
                .collect();
            exit = if forget.is_empty() || self.draft.renews {
                WizardExit::Home
            } else {
                WizardExit::Abandon(forget)
            };
        }
        if !matches!(exit, WizardExit::Stay) && self.check.take().is_some() {
            services
                .jobs
                .borrow_mut()
                .cancel(&JobKey::Wizard(WizardJob::Check));
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
            let other_role = if i < self.draft.entry {
                format!(" ({})", step.role)
            } else {
                String::new()
            };
            let text = RichText::new(format!("{mark} {}. {}{other_role}", i + 1, step.title));
            let text = if current { text.strong() } else { text.weak() };
            ui.add(egui::Label::new(text).wrap());
        }
    }

    /// Fills the empty fields of step `i` that have a `suggest` template, once per run, when
    /// every field the template names has a valid value.
    fn offer_suggestions(&mut self, i: usize, today: NaiveDate) {
        let target = self.target.clone();
        for field in Draft::step_fields(&self.flow, i) {
            let Some(template) = &field.suggest else {
                continue;
            };
            if !self.suggested.insert(field.id.clone()) || !self.draft.raw(field).trim().is_empty()
            {
                continue;
            }
            let filled = crate::flow::template::fill(template, |id| {
                self.draft.lookup(&self.flow, target.as_ref(), id, today)
            });
            if let Some(value) = filled {
                self.draft.values.insert(field.id.clone(), value);
            }
        }
    }

    /// A button that opens the link in the browser, with its note if it has one.
    fn link(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        link: &crate::flow::Link,
        today: NaiveDate,
    ) {
        let url = crate::flow::template::fill(&link.url, |id| {
            self.draft
                .lookup(&self.flow, self.target.as_ref(), id, today)
        });
        ui.horizontal(|ui| {
            let button = ui.add_enabled(url.is_some(), egui::Button::new(&link.label));
            if let Some(url) = &url {
                if button.on_hover_text(url.as_str()).clicked() {
                    self.open_failed = (services.opener)(url).err().map(|_| OpenFailed {
                        what: "Браузер не открылся. Откройте этот адрес в браузере сами:",
                        text: url.clone(),
                    });
                }
            } else {
                ui.note("Сначала заполните поле выше.");
            }
            if let Some(note) = &link.note {
                ui.beside_button("", |ui| ui.note(note));
            }
        });
        self.show_open_failed(ui, url.as_deref());
        if link.secondary {
            ui.add_space(theme::GAP);
        }
    }

    /// Under the button that failed to open `text` (a link's address or a letter): what to do.
    pub(super) fn show_open_failed(&mut self, ui: &mut egui::Ui, text: Option<&str>) {
        let Some(failed) = &self.open_failed else {
            return;
        };
        if text.is_some_and(|t| t == failed.text) {
            if ui.open_failed(failed.what, &failed.text) {
                self.copied = Some(failed.text.clone());
            }
            if self.copied.as_deref() == Some(failed.text.as_str()) {
                ui.note("Скопировано в буфер обмена.");
            }
        }
    }

    fn action(&mut self, ui: &mut egui::Ui, services: &Services, action: Action, today: NaiveDate) {
        match action {
            Action::Check => self.check_action(ui, services, today),
            Action::ExportSql | Action::ExportCsv => {
                self.export_action(ui, services, action, today);
            }
            Action::IvideonCameras => self.ivideon_action(ui, services, today),
        }
    }

    /// «Для разработчиков»: closed at first; opened by itself when one of its fields is wrong
    /// after «Далее», so the message is not hidden. Returns true on Enter in one of its fields.
    fn developers_part(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        dev: &crate::flow::Developers,
        fields: &[Field],
        today: NaiveDate,
    ) -> bool {
        let i = self.draft.step;
        let wrong = self.attempted.contains(&i)
            && self
                .draft
                .problems(&self.flow, i, today)
                .fields
                .keys()
                .any(|id| dev.fields.contains(id));
        let mut enter = false;
        let mut header = egui::CollapsingHeader::new(RichText::new("Для разработчиков").strong())
            .id_salt(("developers", i));
        if wrong {
            header = header.open(Some(true));
        }
        header.show(ui, |ui| {
            if !dev.body.is_empty() {
                ui.scope(|ui| {
                    ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
                    let body =
                        self.draft
                            .fill_text(&self.flow, self.target.as_ref(), &dev.body, today);
                    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                        ui.add(egui::Label::new(para).wrap());
                    }
                });
                ui.add_space(theme::GAP);
            }
            for copy in &dev.copy {
                self.copy_out(ui, copy, today);
            }
            for field in fields.iter().filter(|f| dev.fields.contains(&f.id)) {
                enter |= self.field(ui, field, today);
                ui.add_space(theme::GAP);
            }
            for action in &dev.actions {
                self.action(ui, services, *action, today);
            }
        });
        ui.add_space(theme::GAP);
        enter
    }

    /// Scrolls the widget Tab moved to into view: egui moves the keyboard focus, not the page.
    fn follow_tab(&mut self, ctx: &egui::Context) {
        let focused = ctx.memory(egui::Memory::focused);
        let tab_now = ctx.input(|i| i.key_pressed(Key::Tab));
        // egui moves the focus either as the Tab frame begins or as it ends: look at both.
        if (self.tabbed || tab_now)
            && focused != self.last_focused
            && let Some(response) = focused.and_then(|id| ctx.read_response(id))
        {
            response.scroll_to_me(None);
        }
        self.last_focused = focused;
        self.tabbed = tab_now;
        if self.tabbed {
            // The next frame scrolls; an idle window would not draw it until the mouse moves.
            ctx.request_repaint();
        }
    }

    /// Draws the current step; returns true when Enter was pressed in a one-line field.
    fn page(&mut self, ui: &mut egui::Ui, services: &Services, today: NaiveDate) -> bool {
        let i = self.draft.step;
        let step = self.flow.steps[i].clone();
        let target = self.target.clone();
        let fill = |d: &Draft, flow: &Flow, t: &str| d.fill_text(flow, target.as_ref(), t, today);
        // A new step puts the keyboard in its first field; a step opened to show an error has
        // its focus set already (on the first wrong field).
        if self.focused_step != Some(i) {
            self.offer_suggestions(i, today);
            self.focused_step = Some(i);
            self.focus = Draft::step_fields(&self.flow, i)
                .first()
                .map(|f| f.id.clone());
        }

        // Text keeps a readable line length; tables below may use the full width.
        ui.scope(|ui| {
            ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
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
            if self.resumed
                && step
                    .fields
                    .iter()
                    .any(|f| f.is_secret() && !self.draft.stored.contains(&f.id))
            {
                ui.note("Ключник не сохраняет секреты в незавершённой настройке — вставьте значение ещё раз.");
            }
        });
        for link in step.links.iter().filter(|l| !l.secondary) {
            self.link(ui, services, link, today);
        }
        ui.add_space(theme::GAP);

        let mut enter = false;
        let fields: Vec<Field> = Draft::step_fields(&self.flow, i)
            .into_iter()
            .cloned()
            .collect();
        for field in fields.iter().filter(|f| !step.for_developers(&f.id)) {
            enter |= self.field(ui, field, today);
            ui.add_space(theme::GAP);
        }
        for copy in &step.copy {
            self.copy_out(ui, copy, today);
        }
        for mail in &step.mail {
            self.mail_button(ui, services, mail, today);
        }
        for link in step.links.iter().filter(|l| l.secondary) {
            self.link(ui, services, link, today);
        }
        for (n, text) in step.confirm.iter().enumerate() {
            let key = Draft::confirm_key(i, n);
            let mut on = self.draft.confirmed.contains(&key);
            let label = fill(&self.draft, &self.flow, text);
            let tick = ui.checkbox(&mut on, label);
            if self.focus_confirm == Some(n) {
                tick.request_focus();
                tick.scroll_to_me(Some(egui::Align::Center));
                self.focus_confirm = None;
            }
            if tick.changed() {
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
        for action in &step.actions {
            self.action(ui, services, *action, today);
        }
        if let Some(dev) = &step.developers {
            enter |= self.developers_part(ui, services, dev, &fields, today);
        }
        self.sql_key_modal(ui, services, today);
        self.export_refusal(ui, today);
        if let Some(status) = &self.export_status {
            match status {
                Ok(msg) => ui.note(msg),
                Err(msg) => ui.field_error(msg),
            };
        }
        if self.early_save {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Сохраняю в хранилище паролей…");
            });
        }
        if let Some(err) = &self.commit_error {
            ui.add_space(theme::GAP);
            ui.field_error(err);
        }
        enter
    }

    fn poll(&mut self, services: &Services) {
        let mut jobs = services.jobs.borrow_mut();
        if let Some(print) = self.check
            && let Some(result) = jobs.finished::<Outcome>(&JobKey::Wizard(WizardJob::Check))
        {
            let outcome = result.unwrap_or_else(|e| {
                Outcome::new(crate::model::OutcomeKind::ServiceError, e.to_string())
            });
            self.check_result = Some((outcome, print));
            self.check = None;
        }
        if self.early_save
            && let Some(result) =
                jobs.finished::<Result<Vec<String>, String>>(&JobKey::Wizard(WizardJob::EarlySave))
        {
            self.early_save = false;
            match result {
                Ok(Ok(ids)) => {
                    self.draft.stored.extend(ids);
                    self.draft.step += 1;
                }
                Ok(Err(e)) => self.commit_error = Some(e),
                Err(e) => self.commit_error = Some(e.to_string()),
            }
        }
        if let Some(Ok(loaded)) = jobs.finished::<BTreeMap<String, crate::model::Secret>>(
            &JobKey::Wizard(WizardJob::EarlyLoad),
        ) {
            for (field, value) in loaded {
                self.draft.secrets.insert(field, value);
            }
        }
        if let Some((field, print)) = &self.dupe_scan
            && let Some(result) =
                jobs.finished::<Option<String>>(&JobKey::Wizard(WizardJob::DupeScan))
        {
            self.secret_dupes
                .insert(field.clone(), (*print, result.ok().flatten()));
            self.dupe_scan = None;
        }
        if self.ivideon
            && let Some(result) = jobs
                .finished::<Result<crate::integrations::ivideon::CameraList, Outcome>>(
                    &JobKey::Wizard(WizardJob::Cameras),
                )
        {
            self.ivideon = false;
            self.ivideon_status = Some(match result {
                Ok(Ok(list)) => Ok(self.merge_cameras(&list)),
                Ok(Err(outcome)) => Err(outcome),
                Err(e) => Err(Outcome::new(
                    crate::model::OutcomeKind::ServiceError,
                    e.to_string(),
                )),
            });
        }
        if self.export
            && let Some(result) =
                jobs.finished::<Result<Option<String>, String>>(&JobKey::Wizard(WizardJob::Export))
        {
            self.export = false;
            self.export_status = match result {
                Ok(Ok(Some(said))) => Some(Ok(said)),
                Ok(Ok(None)) => None,
                Ok(Err(e)) => Some(Err(e)),
                Err(e) => Some(Err(e.to_string())),
            };
        }
        if let Some(handover) = self.later
            && let Some(result) = jobs.finished::<CommitResult>(&JobKey::Wizard(WizardJob::Later))
        {
            self.later = None;
            match result {
                Ok(Ok(())) => {
                    self.done = true;
                    let id = self.draft.connection_id.clone();
                    self.leave = Some(if handover {
                        Command::OpenCard(id)
                    } else {
                        Command::ShowHome
                    });
                }
                Ok(Err(SaveError::Store(StoreError::DuplicateName(name)))) => {
                    let label = self
                        .flow
                        .name_field
                        .as_ref()
                        .and_then(|n| self.flow.field(n))
                        .map(|f| f.label.clone())
                        .unwrap_or_default();
                    self.commit_error = Some(format!(
                        "Подключение «{name}» уже есть. Измените «{label}», чтобы сохранить эту настройку."
                    ));
                }
                Ok(Err(e)) => {
                    self.commit_error = Some(format!("Не сохранено: {}", save_error_text(&e)));
                }
                Err(e) => self.commit_error = Some(format!("Не сохранено: {e}")),
            }
        }
        if self.commit
            && let Some(result) = jobs.finished::<CommitResult>(&JobKey::Wizard(WizardJob::Commit))
        {
            self.commit = false;
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
                    self.focus_scrolls = true;
                }
                Ok(Err(SaveError::Store(StoreError::NotFound))) if self.draft.completes_pending => {
                    // Removed in another window or by a command while this one was finishing
                    // it: say so; asked again, it is saved as a new connection.
                    self.draft.completes_pending = false;
                    self.commit_error = Some(
                        "Это подключение тем временем удалили (в другом окне Ключника или командой). \
                         Нажмите кнопку ещё раз, чтобы сохранить его как новое, или «Отмена»."
                            .to_owned(),
                    );
                }
                Ok(Err(e)) => self.commit_error = Some(save_error_text(&e)),
                Err(e) => self.commit_error = Some(e.to_string()),
            }
        }
    }

    fn nav_bar(&self, ui: &mut egui::Ui, today: NaiveDate) -> Option<Nav> {
        let last = self.draft.step + 1 == self.flow.steps.len();
        let busy = (last && self.commit) || self.later.is_some();
        let handover = self.handover_here().map(|h| h.button.clone());
        let primary = if last {
            self.flow
                .finish
                .old_key
                .as_ref()
                .filter(|_| self.draft.old_key)
                .map_or(self.flow.finish.button.as_str(), |o| o.button.as_str())
        } else if let Some(button) = &handover {
            button.as_str()
        } else {
            "Далее"
        };
        // Beside the hand-over, one person may still do it all.
        let next = handover.is_some().then_some("Далее");
        let later = self.later_label();
        let back = self.draft.step > 0;
        let left = self.what_is_left(today);
        let gap = ui.spacing().item_spacing.x;
        let mut right = ui.button_width(primary).max(widgets::PRIMARY_MIN_WIDTH);
        if back {
            right += gap + ui.button_width("Назад");
        }
        if let Some(next) = next {
            right += gap + ui.button_width(next);
        }
        if busy {
            right += gap + ui.spacing().interact_size.y;
        }
        let mut start = ui.button_width("Отмена");
        if let Some(later) = later {
            start += gap + ui.button_width(later);
        }
        // With large text the two groups may not share a line: the moving-on buttons then go
        // on a line of their own under the others, still at the right edge.
        // «Осталось …» needs room of its own to stay a line or two.
        let message = if left.is_some() { 220.0 + gap } else { 0.0 };
        let one_line = start + gap + right + message <= ui.available_width();
        let mut nav = None;
        let leave_buttons = |ui: &mut egui::Ui, nav: &mut Option<Nav>| {
            if ui.button("Отмена").clicked() {
                *nav = Some(Nav::Cancel);
            }
            if let Some(label) = later
                && ui.add_enabled(!busy, egui::Button::new(label)).clicked()
            {
                *nav = Some(Nav::Later);
            }
        };
        // Why «Далее» did nothing, where the eye is: the message itself may be off-screen.
        let what_is_left = |ui: &mut egui::Ui, room: f32| {
            if let Some(left) = &left {
                ui.scope(|ui| {
                    ui.set_max_width(room.max(0.0));
                    let color = ui.palette().error;
                    ui.add(egui::Label::new(RichText::new(left).color(color)).wrap());
                });
            }
        };
        let go_buttons = |ui: &mut egui::Ui, nav: &mut Option<Nav>| {
            ui.add_space((ui.available_width() - right).max(0.0));
            if busy {
                ui.spinner();
            }
            if back && ui.button("Назад").clicked() {
                *nav = Some(Nav::Back);
            }
            if let Some(next) = next
                && ui.add_enabled(!busy, egui::Button::new(next)).clicked()
            {
                *nav = Some(Nav::Next);
            }
            if ui.primary_button(primary, !busy).clicked() {
                *nav = Some(if last {
                    Nav::Commit
                } else if handover.is_some() {
                    Nav::Handover
                } else {
                    Nav::Next
                });
            }
        };
        // Left to right: read and tabbed through as «Отмена», «Назад», «Далее», the order
        // they are seen in.
        if one_line {
            ui.horizontal(|ui| {
                leave_buttons(ui, &mut nav);
                what_is_left(ui, ui.available_width() - right - gap);
                go_buttons(ui, &mut nav);
            });
        } else {
            ui.horizontal(|ui| {
                leave_buttons(ui, &mut nav);
                what_is_left(ui, ui.available_width());
            });
            ui.horizontal(|ui| go_buttons(ui, &mut nav));
        }
        nav
    }

    /// The hand-over that ends this step's part, when this run does that part: on Vision's
    /// step 2 for the administrator, not for the employee who started at step 3.
    fn handover_here(&self) -> Option<&crate::flow::Handover> {
        self.flow.handover.as_ref().filter(|h| {
            self.flow.kind == FlowKind::Create
                && !self.draft.renews
                && self.draft.step + 1 == h.after_step
                && self.draft.entry < h.after_step
        })
    }

    /// The button that pauses the run here, if it may be paused: a new connection or one
    /// being continued — not a renewal (the saved connection stays as it is) or a removal.
    fn later_label(&self) -> Option<&str> {
        if self.flow.kind != FlowKind::Create || self.draft.renews {
            return None;
        }
        Some(
            self.flow.steps[self.draft.step]
                .wait
                .as_ref()
                .map_or("Сохранить и продолжить позже", |w| w.button.as_str()),
        )
    }

    /// Saves the run part-way: «Сохранить и продолжить позже» keeps everything entered and
    /// ticked, at this step; the hand-over first needs its part complete, then saves at the
    /// other person's first step.
    fn save_for_later(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        today: NaiveDate,
        handover: bool,
    ) {
        if self.later.is_some() || self.commit || self.early_save {
            return;
        }
        self.commit_error = None;
        let step = if handover {
            let Some(after) = self.handover_here().map(|h| h.after_step) else {
                return;
            };
            if let Some(step) = self.draft.first_incomplete(&self.flow, after - 1, today) {
                self.show_incomplete(step, today);
                return;
            }
            after
        } else {
            self.draft.step
        };
        let (mut connection, values) = self.draft.to_pending(&self.flow, step, today);
        if handover {
            // The other person's part starts here: earlier steps are the first person's.
            connection.pending_entry = Some(step);
        }
        let storage = std::sync::Arc::clone(&services.storage);
        self.later = Some(handover);
        services.jobs.borrow_mut().start_blocking(
            JobKey::Wizard(WizardJob::Later),
            ctx,
            move || -> CommitResult {
                crate::ops::save::save_for_later(&*storage, connection, &values)
            },
        );
    }

    /// «Осталось …» beside the buttons after a refused step: how many fields and ticks.
    fn what_is_left(&self, today: NaiveDate) -> Option<String> {
        use crate::ui::kit::clipboard::plural;
        let i = self.draft.step;
        if !self.attempted.contains(&i) {
            return None;
        }
        let problems = self.draft.problems(&self.flow, i, today);
        let mut parts = Vec::new();
        let fields = problems.fields.len();
        if fields > 0 {
            parts.push(format!(
                "исправить {fields} {}",
                plural(fields, ["поле", "поля", "полей"])
            ));
        }
        let ticks = problems.unconfirmed.len();
        if ticks > 0 {
            parts.push(format!(
                "отметить {ticks} {} ниже ↓",
                plural(ticks, ["пункт", "пункта", "пунктов"])
            ));
        }
        (!parts.is_empty()).then(|| format!("Осталось {}", parts.join(" и ")))
    }

    /// Next, or on the last step the commit. Flags what is missing instead of moving.
    fn next(&mut self, ctx: &egui::Context, services: &Services, today: NaiveDate) {
        let i = self.draft.step;
        if i + 1 >= self.flow.steps.len() || self.early_save {
            return;
        }
        let problems = self.draft.problems(&self.flow, i, today);
        if problems.is_empty() {
            self.commit_error = None;
            let step = &self.flow.steps[i];
            let typed: BTreeMap<String, crate::model::Secret> = step
                .fields
                .iter()
                .filter(|f| f.is_secret())
                .filter_map(|f| {
                    self.draft
                        .secret_value(&self.flow, &f.id, today)
                        .map(|v| (f.id.clone(), v))
                })
                .collect();
            if step.save_secrets && !typed.is_empty() {
                // The value cannot be seen again: into the keyring before anything else.
                let (storage, id) = (
                    std::sync::Arc::clone(&services.storage),
                    self.draft.connection_id.clone(),
                );
                self.early_save = true;
                services.jobs.borrow_mut().start_blocking(
                    JobKey::Wizard(WizardJob::EarlySave),
                    ctx,
                    move || {
                        crate::ops::save::put_secrets(&*storage, &id, &typed)
                            .map_err(|e| e.to_string())
                    },
                );
            } else {
                self.draft.step += 1;
            }
        } else {
            self.attempted.insert(i);
            self.focus = problems.fields.keys().next().cloned();
            self.focus_scrolls = true;
            if self.focus.is_none() {
                self.focus_confirm = problems.unconfirmed.first().copied();
            }
        }
    }

    /// Goes to `step`, which stops the save, with its problems flagged and the first in view.
    fn show_incomplete(&mut self, step: usize, today: NaiveDate) {
        self.draft.step = step;
        self.attempted.insert(step);
        self.focused_step = Some(step);
        let problems = self.draft.problems(&self.flow, step, today);
        self.focus_scrolls = true;
        self.focus_confirm = problems.unconfirmed.first().copied();
        self.focus = problems.fields.keys().next().cloned();
    }

    fn commit(&mut self, ctx: &egui::Context, services: &Services, today: NaiveDate) {
        self.commit_error = None;
        if let Some(step) = self
            .draft
            .first_incomplete(&self.flow, self.flow.steps.len(), today)
        {
            self.show_incomplete(step, today);
            return;
        }
        let storage = std::sync::Arc::clone(&services.storage);
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
                // A failed check is not saved past silently: «✔ Подключение сохранено» next
                // to «✖» reads as if it worked.
                if connection
                    .last_check
                    .as_ref()
                    .is_some_and(|c| !c.kind.is_ok())
                    && self.save_anyway.is_none_or(|p| Some(p) != fresh)
                {
                    self.confirm_failed_save = Some(false);
                    return;
                }
                if self.draft.renews {
                    // The key it had, for «Удалить прежний токен…» on the finish page.
                    self.renewed_from = services.storage.get(&self.draft.connection_id);
                }
                let save = if self.draft.renews {
                    crate::ops::save::renew
                } else if self.draft.completes_pending {
                    crate::ops::save::save_completion
                } else {
                    crate::ops::save::save
                };
                self.commit = true;
                services.jobs.borrow_mut().start_blocking(
                    JobKey::Wizard(WizardJob::Commit),
                    ctx,
                    move || -> CommitResult { save(&*storage, connection, &values) },
                );
            }
            FlowKind::Remove if self.draft.old_key => {
                // Only the old key, deleted in the system: nothing to change in Ключник.
                self.done = true;
                self.draft.step = self.flow.steps.len();
            }
            FlowKind::Remove => {
                let Some(id) = self.target.as_ref().map(|c| c.id.clone()) else {
                    self.commit_error = Some("Подключение для удаления не найдено.".to_owned());
                    return;
                };
                self.commit = true;
                services.jobs.borrow_mut().start_blocking(
                    JobKey::Wizard(WizardJob::Commit),
                    ctx,
                    move || -> CommitResult { crate::ops::save::remove(&*storage, &id).map(drop) },
                );
            }
        }
    }

    /// Asks before leaving only when something would be lost. Returns true to leave now.
    fn request_cancel(&mut self) -> bool {
        if self.draft.has_input(&self.flow, &self.start) {
            self.confirm_cancel = true;
            false
        } else {
            true
        }
    }

    /// «Проверка не прошла. Сохранить всё равно?» Returns true when the user chose to save.
    fn failed_save_modal(&mut self, ui: &mut egui::Ui) -> bool {
        let Some(focused) = &mut self.confirm_failed_save else {
            return false;
        };
        let title = self
            .check_result
            .as_ref()
            .map(|(o, _)| o.kind.title())
            .unwrap_or_default();
        let answer = widgets::question(
            ui.ctx(),
            "confirm_failed_save",
            "Проверка не прошла. Сохранить всё равно?",
            |ui| {
                ui.label(format!(
                    "Последняя проверка: «{title}». Если сохранить, подключение будет в списке с \
                     этой отметкой, и его можно проверить снова позже."
                ));
            },
            ("Вернуться и исправить", "Сохранить всё равно"),
            focused,
        );
        let Some(save) = answer else {
            return false;
        };
        self.confirm_failed_save = None;
        if save {
            self.save_anyway = self.check_result.as_ref().map(|(_, p)| *p);
        }
        save
    }

    /// Returns true when the user chose to drop the wizard.
    fn cancel_modal(&mut self, ui: &mut egui::Ui) -> bool {
        let stored = !self.draft.stored.is_empty();
        let answer = widgets::question(
            ui.ctx(),
            "confirm_cancel",
            "Прервать настройку?",
            |ui| {
                ui.label("Введённые данные будут потеряны.");
                if stored {
                    ui.warning_box(
                        "Логин и пароль, уже сохранённые в хранилище паролей на этом мастере, будут удалены. \
                         Если вы их ещё не ввели в другую систему, их придётся получать заново.",
                    );
                }
            },
            ("Продолжить настройку", "Прервать"),
            &mut self.cancel_focused,
        );
        if answer == Some(false) {
            self.confirm_cancel = false;
        }
        answer == Some(true)
    }
}

/// A failed save in the wizard's words: after a keyring error, that what was typed is still here.
fn save_error_text(e: &SaveError) -> String {
    match e {
        SaveError::Secret(_) => format!("{e} {}", crate::store::KEPT_IN_WIZARD),
        SaveError::Store(_) => e.to_string(),
    }
}
