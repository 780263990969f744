//! What a page does besides fields: the online check, copy-outs, the ready e-mail, exports,
//! and the background work behind them (early keyring saves, duplicate scans).

use std::collections::BTreeMap;
use std::hash::{Hash as _, Hasher as _};

use chrono::NaiveDate;
use egui::RichText;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{CheckInputs, WizardView};
use crate::flow::actions::Action;
use crate::flow::{CopyOut, Field, FieldKind, Mail};
use crate::integrations::{self};
use crate::model::Outcome;
use crate::model::Secret;
use crate::ui::command::Services;
use crate::ui::jobs::{JobKey, WizardJob};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

fn fingerprint(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl WizardView {
    /// The fingerprint of what a check would use, to tell a stale result from a fresh one.
    pub(super) fn check_inputs(&self, today: NaiveDate) -> Option<CheckInputs> {
        let name = self.flow.check.as_deref()?;
        let (plain, secret) = integrations::inputs_of(name);
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

    pub(super) fn check_action(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        today: NaiveDate,
    ) {
        let label = Action::Check.label();
        let inputs = self.check_inputs(today);
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            if self.check.is_some() {
                ui.spinner();
                ui.label("Проверяю…");
                if ui.button("Отменить проверку").clicked() && self.check.take().is_some() {
                    services.jobs.borrow_mut().cancel(&JobKey::Wizard(WizardJob::Check));
                }
                return;
            }
            let enabled = inputs.is_some();
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked()
                && let (Some((fields, secrets, print)), Some(name)) =
                    (inputs.clone(), self.flow.check.clone())
            {
                let options = services.checks.clone();
                services.jobs.borrow_mut().start(
                    JobKey::Wizard(WizardJob::Check),
                    ui.ctx(),
                    async move { integrations::run_named(&name, &options, &fields, &secrets).await },
                );
                self.check = Some(print);
            }
            if !enabled {
                ui.note("Сначала заполните предыдущие шаги: адрес и токен.");
            }
        });
        let fresh = inputs.as_ref().map(|(_, _, p)| *p);
        if let Some((outcome, print)) = &self.check_result
            && Some(*print) == fresh
        {
            // Every name in `actions::CHECKS` has a service (a test says so).
            if let Some(service) = self
                .flow
                .check
                .as_deref()
                .and_then(integrations::check_named)
                .map(|c| c.service)
            {
                outcome_box(ui, outcome, service);
            }
        }
    }

    /// A text to paste elsewhere (a command, a link), with a copy button.
    pub(super) fn copy_out(&mut self, ui: &mut egui::Ui, copy: &CopyOut, today: NaiveDate) {
        let text = self
            .draft
            .fill_text(&self.flow, self.target.as_ref(), &copy.text, today);
        ui.label(RichText::new(&copy.label).strong());
        ui.horizontal(|ui| {
            ui.beside_button("Копировать", |ui| {
                egui::Frame::group(ui.style())
                    .inner_margin(6.0)
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(RichText::new(&text).monospace()).wrap());
                    });
            });
            if ui
                .button("Копировать")
                .on_hover_text(format!("Копировать: {}", copy.label))
                .clicked()
            {
                ui.ctx().copy_text(text.clone());
                self.copied = Some(copy.label.clone());
            }
        });
        if self.copied.as_deref() == Some(copy.label.as_str()) {
            ui.note("Скопировано в буфер обмена.");
        }
        ui.add_space(theme::GAP);
    }

    /// «Отправить клиенту»: the user's mail program with a ready message.
    pub(super) fn mail_button(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        mail: &Mail,
        today: NaiveDate,
    ) {
        let fill = |t: &str| {
            self.draft
                .fill_text(&self.flow, self.target.as_ref(), t, today)
        };
        let to = mail
            .to_field
            .as_deref()
            .and_then(|id| self.draft.lookup(&self.flow, None, id, today))
            .unwrap_or_default();
        let (subject, body) = (fill(&mail.subject), fill(&mail.body));
        let url = mailto(&to, &subject, &body);
        // Without a mail program the letter is offered as text to send by other means.
        let letter = format!("Тема: {subject}\n\n{body}");
        let mut failed = None;
        ui.horizontal(|ui| {
            // Sending to the client is the step's main way (the link is theirs to open).
            if ui.primary_button(&mail.label, true).clicked() {
                failed = Some((services.opener)(&url).is_err());
            }
            if to.is_empty() {
                ui.note("Адрес получателя можно будет ввести в почтовой программе.");
            } else {
                ui.note(&format!(
                    "Письмо для {to} откроется в вашей почтовой программе."
                ));
            }
        });
        match failed {
            Some(true) => {
                self.open_failed = Some(super::OpenFailed {
                    what: "Почтовая программа не открылась. Скопируйте письмо и отправьте его \
                           сами:",
                    text: letter.clone(),
                });
            }
            Some(false) => self.open_failed = None,
            None => {}
        }
        self.show_open_failed(ui, Some(&letter));
        ui.add_space(theme::GAP);
    }

    /// «Сохранить SQL-скрипт…» / «Сохранить CSV…» for the step's table. The SQL export first
    /// asks which column holds the camera id: the document does not name it.
    pub(super) fn export_action(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        action: Action,
        today: NaiveDate,
    ) {
        let label = action.label();
        let busy = self.export || self.sql_key.is_some();
        if !ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
            return;
        }
        // The same rules as saving: a row the wizard would refuse is not exported either.
        if self.export_problem(today).is_some() {
            // Said under the buttons for as long as it holds (see `export_refusal`).
            self.export_refused = Some(true);
            self.export_status = None;
            return;
        }
        if action == Action::ExportSql {
            self.sql_key = Some(crate::ui::screens::camera_files::remembered_key(ui.ctx()));
            self.export_status = None;
            return;
        }
        self.start_export(ui.ctx(), services, None, today);
    }

    /// Why the last export was refused, while it still holds: it goes once the rows are
    /// fixed, and names the row that is wrong now. Shown in view the first time.
    pub(super) fn export_refusal(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        let Some(first) = self.export_refused else {
            return;
        };
        match self.export_problem(today) {
            Some(problem) => {
                let shown = ui.field_error(&format!("Не сохранено: {problem}"));
                if first {
                    shown.scroll_to_me(Some(egui::Align::Center));
                    self.export_refused = Some(false);
                }
            }
            None => self.export_refused = None,
        }
    }

    /// The export SQL window, while open: the camera-id column, then the file.
    pub(super) fn sql_key_modal(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        today: NaiveDate,
    ) {
        let Some(buffer) = self.sql_key.as_mut() else {
            return;
        };
        match crate::ui::screens::camera_files::key_modal(ui, buffer) {
            None => {}
            Some(crate::ui::screens::camera_files::KeyAnswer::Cancel) => self.sql_key = None,
            Some(crate::ui::screens::camera_files::KeyAnswer::Go(key)) => {
                self.sql_key = None;
                self.start_export(ui.ctx(), services, Some(&key), today);
            }
        }
    }

    /// What the wizard would refuse in the step's table, if anything.
    fn export_problem(&self, today: NaiveDate) -> Option<String> {
        let step = &self.flow.steps[self.draft.step];
        let table = step.fields.iter().find(|f| f.kind == FieldKind::Table)?;
        self.draft
            .problems(&self.flow, self.draft.step, today)
            .fields
            .get(&table.id)
            .cloned()
    }

    /// Builds the file (SQL when `key` is given, else CSV) and saves it where the user picks.
    fn start_export(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        key: Option<&str>,
        today: NaiveDate,
    ) {
        let step = &self.flow.steps[self.draft.step];
        let Some(table) = step.fields.iter().find(|f| f.kind == FieldKind::Table) else {
            return;
        };
        if self.export_problem(today).is_some() {
            // Said under the buttons for as long as it holds (see `export_refusal`).
            self.export_refused = Some(true);
            self.export_status = None;
            return;
        }
        let rows = self
            .draft
            .tables
            .get(&table.id)
            .cloned()
            .unwrap_or_default();
        let account = self
            .flow
            .fields()
            .find(|f| f.kind == FieldKind::Digits)
            .and_then(|f| self.draft.lookup(&self.flow, None, &f.id, today));
        self.export_status = None;
        match crate::ui::screens::camera_files::save(
            services,
            ctx,
            JobKey::Wizard(WizardJob::Export),
            &rows,
            account.as_deref(),
            key,
        ) {
            Ok(()) => self.export = true,
            Err(e) => self.export_status = Some(Err(e)),
        }
    }

    /// «Заполнить из аккаунта Ivideon»: the account's cameras into the step's table.
    pub(super) fn ivideon_action(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        today: NaiveDate,
    ) {
        let label = Action::IvideonCameras.label();
        let token = self.draft.secret_value(&self.flow, "ivideon_token", today);
        // No default address: the document does not name one, and a guess would send the token
        // to a host nobody verified.
        let host = self.draft.lookup(&self.flow, None, "api_host", today);
        ui.horizontal(|ui| {
            if self.ivideon {
                ui.spinner();
                ui.label("Читаю список камер…");
                if ui.button("Отменить").clicked() {
                    self.ivideon = false;
                    services
                        .jobs
                        .borrow_mut()
                        .cancel(&JobKey::Wizard(WizardJob::Cameras));
                }
                return;
            }
            let (Some(token), Some(host)) = (token.clone(), host.clone()) else {
                ui.add_enabled(false, egui::Button::new(label));
                ui.note("Нужны токен доступа Ivideon и адрес API Ivideon (поля выше).");
                return;
            };
            if ui.button(label).clicked() {
                let options = services.checks.clone();
                self.ivideon_status = None;
                self.ivideon = true;
                services.jobs.borrow_mut().start(
                    JobKey::Wizard(WizardJob::Cameras),
                    ui.ctx(),
                    async move {
                        let client = integrations::client(&options)?;
                        integrations::ivideon::cameras(&client, &options, &host, &token).await
                    },
                );
            }
        });
        match &self.ivideon_status {
            Some(Ok(msg)) => {
                ui.note(msg);
            }
            Some(Err(outcome)) => outcome_box(ui, outcome, crate::model::Service::Ivideon),
            None => {}
        }
    }

    /// Adds cameras not yet in the table; rows already there keep their direction.
    pub(super) fn merge_cameras(&mut self, list: &integrations::ivideon::CameraList) -> String {
        let cameras = &list.cameras;
        let Some(table) = self.flow.steps[self.draft.step]
            .fields
            .iter()
            .find(|f| f.kind == FieldKind::Table)
        else {
            return String::new();
        };
        let rows = self.draft.tables.entry(table.id.clone()).or_default();
        rows.retain(|r| r.values().any(|v| !v.trim().is_empty()));
        let mut added = 0;
        for cam in cameras {
            if rows
                .iter()
                .any(|r| r.get("camera_id").is_some_and(|id| id.trim() == cam.id))
            {
                continue;
            }
            rows.push(BTreeMap::from([
                ("camera_id".to_owned(), cam.id.clone()),
                ("name".to_owned(), cam.name.clone()),
                ("direction".to_owned(), String::new()),
            ]));
            added += 1;
        }
        if list.complete {
            format!(
                "Камер в аккаунте: {}, добавлено в таблицу: {added}. Выберите направление для каждой.",
                cameras.len()
            )
        } else {
            format!(
                "Ivideon отдал камер: {}, добавлено в таблицу: {added}. Это могут быть не все камеры \
                 аккаунта: следующие Ivideon не отдал. Сверьте список с аккаунтом, недостающие \
                 добавьте вручную, затем выберите направление для каждой.",
                cameras.len()
            )
        }
    }

    /// Another saved connection of this flow with the same value in `field`, if any.
    pub(super) fn duplicate_of(&self, field: &Field, today: NaiveDate) -> Option<String> {
        if !field.unique {
            return None;
        }
        if field.is_secret() {
            let typed = self.draft.secret_value(&self.flow, &field.id, today)?;
            let (print, found) = self.secret_dupes.get(&field.id)?;
            return (*print == fingerprint(typed.expose()))
                .then(|| found.clone())
                .flatten();
        }
        let mine = self.draft.verdict(field, today).value()?.to_lowercase();
        self.others
            .iter()
            .filter(|c| *c.flow == *self.flow.id && c.id != self.draft.connection_id)
            .find(|c| {
                c.fields
                    .get(&field.id)
                    .is_some_and(|v| v.to_lowercase() == mine)
            })
            .map(|c| c.name.clone())
    }

    /// Work that follows the state: loading secrets saved before a restart, comparing a typed
    /// secret with the other connections' keyring entries.
    pub(super) fn background(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        today: NaiveDate,
    ) {
        self.others = services.storage.list();
        if (self.resumed || self.draft.completes_pending)
            && !self.early_load
            && !self.draft.stored.is_empty()
        {
            let missing: Vec<String> = self
                .draft
                .stored
                .iter()
                .filter(|id| self.draft.secrets.get(*id).is_none_or(Secret::is_empty))
                .cloned()
                .collect();
            if !missing.is_empty() {
                let (storage, id) = (
                    std::sync::Arc::clone(&services.storage),
                    self.draft.connection_id.clone(),
                );
                self.early_load = true;
                services.jobs.borrow_mut().start_blocking(
                    JobKey::Wizard(WizardJob::EarlyLoad),
                    ctx,
                    move || -> BTreeMap<String, Secret> {
                        missing
                            .into_iter()
                            .filter_map(|f| storage.secret(&id, &f).ok().map(|s| (f, s)))
                            .collect()
                    },
                );
            }
        }
        if self.dupe_scan.is_some() {
            return;
        }
        for field in self.flow.fields().filter(|f| f.unique && f.is_secret()) {
            let Some(typed) = self.draft.secret_value(&self.flow, &field.id, today) else {
                continue;
            };
            let print = fingerprint(typed.expose());
            if self
                .secret_dupes
                .get(&field.id)
                .is_some_and(|(p, _)| *p == print)
            {
                continue;
            }
            let others: Vec<(String, String)> = self
                .others
                .iter()
                .filter(|c| {
                    *c.flow == *self.flow.id
                        && c.id != self.draft.connection_id
                        && c.secrets.contains(&field.id)
                })
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
            let (storage, fid) = (std::sync::Arc::clone(&services.storage), field.id.clone());
            services.jobs.borrow_mut().start_blocking(
                JobKey::Wizard(WizardJob::DupeScan),
                ctx,
                move || crate::ops::duplicates::same_secret(&*storage, others, &fid, &typed),
            );
            self.dupe_scan = Some((field.id.clone(), print));
            return;
        }
    }
}

/// The result of a check: what happened, what it means, what to do; the technical detail for
/// support behind «Подробнее».
fn outcome_box(ui: &mut egui::Ui, outcome: &Outcome, service: crate::model::Service) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
            ui.outcome_label(outcome.kind);
            ui.add(egui::Label::new(outcome.advice(service)).wrap());
            if outcome.detail.is_some() || outcome.technical.is_some() {
                egui::CollapsingHeader::new("Подробнее")
                    .id_salt("outcome-detail")
                    .show(ui, |ui| {
                        for text in [&outcome.detail, &outcome.technical].into_iter().flatten() {
                            ui.note(text);
                        }
                    });
            }
        });
}

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A `mailto:` address with the subject and body percent-encoded (spaces as %20, which every
/// mail program reads; `+` would stay a plus), lines ending in CRLF as RFC 6068 asks.
pub(crate) fn mailto(to: &str, subject: &str, body: &str) -> String {
    let enc = |s: &str| utf8_percent_encode(s, UNRESERVED).to_string();
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        enc(to).replace("%40", "@"),
        enc(subject),
        enc(&body)
    )
}
