//! The application shell: owns the services, routes between screens, applies commands.

use std::sync::Arc;

use chrono::Utc;

use super::command::{Command, Notice, OpenDialog, Opener, SaveDialog, Services};
use super::files;
use super::jobs::{JobKey, Jobs};
use super::screens::card::CardView;
use super::screens::home::{HomeView, Shell};
use super::screens::picker;
use super::screens::storage::{HealthBanner, StorageView};
use super::screens::wizard::{WizardExit, WizardView};
use crate::flow::draft::Draft;
use crate::flow::{Catalog, FlowError};
use crate::integrations::ClientOptions;
use crate::model::Outcome;
use crate::ops::{self, Local};
use crate::platform::jobs::Runner;
use crate::reminders::schedule::Scheduler;
use crate::store::{Home, OpenNotice, Opening, Secrets, Store};
use crate::ui::kit::theme;
use crate::ui::screens::reminder_switch::ReminderSwitch;

/// How often the window looks for changes other processes made to the connections file.
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// How often the window reads the team store's list again (one request to the server).
pub const TEAM_REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The window's title and its name in the accessibility tree.
pub const APP_NAME: &str = "Ключник";

/// Everything the app needs from the outside world.
pub struct AppConfig {
    pub home: Home,
    pub secrets: Secrets,
    pub checks: ClientOptions,
    pub opener: Opener,
    pub save_dialog: SaveDialog,
    pub open_dialog: OpenDialog,
    /// Where «Напоминать о сроках…» writes its schedule.
    pub scheduler: Scheduler,
    /// A connection (id or name) to show first: `klyuchnik open …`, a click on a reminder.
    pub focus: Option<String>,
    /// A file to load first (`klyuchnik open ФАЙЛ`, a double-click on a hand-over file): its
    /// connections are imported, and a handed-over one continues in its wizard.
    pub open_file: Option<std::path::PathBuf>,
    /// With `focus`: open «Обновить ключ» for it rather than its card (a click on an expiry
    /// reminder), when its flow has a renewal.
    pub renew: bool,
    /// The store, already being opened (`None`: opened when the app is made).
    pub opening: Option<Arc<Opening>>,
    /// Where a browser login to the team store comes back to: [`ops::team::OIDC_PORT`].
    pub oidc_port: u16,
}

impl AppConfig {
    /// The real thing: the data folder from the environment, the OS keyring, the browser.
    pub fn from_env(home: Home) -> Self {
        if let Err(e) = crate::platform::env::apply_lock_wait() {
            tracing::warn!("{e}");
        }
        Self {
            home,
            secrets: crate::platform::env::secrets(),
            // The same setting as the command line's; the window has no usage error to give,
            // so a bad value is logged and the defaults are used.
            checks: crate::platform::env::check_options().unwrap_or_else(|e| {
                tracing::warn!("{e}");
                ClientOptions::default()
            }),
            opener: Arc::new(crate::platform::env::open_browser),
            save_dialog: Arc::new(|name: &str| {
                rfd::FileDialog::new().set_file_name(name).save_file()
            }),
            open_dialog: Arc::new(|| rfd::FileDialog::new().pick_file()),
            scheduler: Scheduler::system(),
            focus: None,
            open_file: None,
            renew: false,
            opening: None,
            oidc_port: ops::team::OIDC_PORT,
        }
    }
}

enum Screen {
    Home,
    Picker,
    Card(Box<CardView>),
    Wizard(Box<WizardView>),
    Storage(Box<StorageView>),
}

pub struct App {
    services: Option<Services>,
    /// Set when the embedded flows are broken: a developer error, shown instead of the app.
    fatal: Option<String>,
    screen: Screen,
    home_view: HomeView,
    notices: Vec<Notice>,
    /// A backup copy offered after the connections file could not be read, with its size.
    restorable: Option<(std::path::PathBuf, usize)>,
    theme_applied: bool,
    last_refresh: std::time::Instant,
    reminders: ReminderSwitch,
    /// Closing the window was held back: these typed secrets are not saved anywhere yet.
    close_asked: Option<CloseQuestion>,
    /// The user chose to close anyway: the next close request goes through.
    closing: bool,
    /// The team store's state across the top of every screen.
    health: HealthBanner,
}

/// «Закрыть Ключник?» while a wizard holds typed secrets that nothing has saved.
struct CloseQuestion {
    labels: Vec<String>,
    focused: bool,
}

impl App {
    pub fn new(config: AppConfig) -> Self {
        let started = std::time::Instant::now();
        let app = match Catalog::embedded() {
            Ok(catalog) => Self::with_catalog(config, catalog),
            Err(e) => Self::broken(&e),
        };
        tracing::debug!("app state ready in {:?}", started.elapsed());
        app
    }

    fn broken(e: &FlowError) -> Self {
        Self {
            services: None,
            fatal: Some(format!("Встроенные мастера повреждены: {e}")),
            screen: Screen::Home,
            home_view: HomeView::default(),
            notices: Vec::new(),
            restorable: None,
            theme_applied: false,
            last_refresh: std::time::Instant::now(),
            reminders: ReminderSwitch::default(),
            close_asked: None,
            closing: false,
            health: HealthBanner::default(),
        }
    }

    pub fn with_catalog(config: AppConfig, catalog: Catalog) -> Self {
        let runner = match Runner::new() {
            Ok(r) => r,
            Err(e) => {
                let mut app = Self::broken(&FlowError {
                    file: String::new(),
                    step: None,
                    message: String::new(),
                });
                app.fatal = Some(format!("Не удалось запустить фоновые задачи: {e}"));
                return app;
            }
        };
        let (store, open_notice) = match &config.opening {
            Some(opening) => opening.wait(),
            None => Store::open(&config.home.connections_file()),
        };
        let mut notices = Vec::new();
        let mut restorable = None;
        match open_notice {
            Some(OpenNotice::MovedAside {
                reason,
                moved_to,
                backup,
            }) => {
                restorable = backup;
                notices.push(Notice::error(format!(
                        "Файл подключений не удалось прочитать: {reason}. Он сохранён как {} — список начат заново.",
                        moved_to.display()
                    )));
            }
            Some(OpenNotice::Unreadable { reason }) => notices.push(Notice::error(format!(
                "Файл подключений {} не прочитан: {reason}. Список пуст только на экране: \
                     Ключник ничего не запишет в этот файл, пока его нельзя прочитать. Исправьте \
                     доступ к файлу или обновите Ключник и откройте его снова.",
                config.home.connections_file().display()
            ))),
            None => {}
        }
        // A reminders record that cannot be used repeats every reminder; a scheduled run has
        // nowhere to say it but the log, so the window says it too.
        if let Some(problem) = crate::reminders::shown::problem(&config.home) {
            notices.push(Notice::warning(problem));
        }
        // With a team store the secrets are on its server: this computer's keyring keeps only
        // the login, and its state is said by the store's own banner.
        let team_in_use = config.home.team_file().exists();
        match config.secrets.unavailable_reason() {
            Some(reason) => notices.push(Notice::error(format!(
                    "Хранилище паролей системы недоступно ({reason}). Подключения можно смотреть, \
                     но сохранить новые секреты нельзя: Ключник никогда не пишет их в обычные файлы."
                ))),
            None if !config.secrets.is_persistent() && !team_in_use => notices.push(Notice::warning(
                "Секреты хранятся в связке ключей ядра Linux и пропадут после перезагрузки: \
                 хранилище паролей (Secret Service) не найдено.",
            )),
            None => {}
        }
        // Logged in to a team store: its list, read in the background (the banner says so
        // meanwhile); a login that cannot be used leaves this computer's list, and says why.
        let storage: Arc<dyn ops::Storage> =
            match ops::team::open_unread(&config.home, &config.secrets) {
                Some(Ok((team, _))) => Arc::new(team),
                Some(Err(e)) => {
                    notices.push(Notice::error(format!(
                        "{e}. Пока показан список этого компьютера; войти — кнопка «Хранилище…»."
                    )));
                    Arc::new(Local::new(store.clone(), config.secrets.clone()))
                }
                None => Arc::new(Local::new(store.clone(), config.secrets.clone())),
            };
        if storage.is_remote() {
            // The first read before the window shows: the list, an unfinished wizard and the
            // expiry notice below come from it. Bounded by the client's timeouts.
            storage.refresh();
        }
        let services = Services {
            catalog,
            home: config.home,
            storage,
            store,
            secrets: config.secrets,
            jobs: std::cell::RefCell::new(Jobs::new(runner)),
            checks: config.checks,
            opener: config.opener,
            save_dialog: config.save_dialog,
            open_dialog: config.open_dialog,
            scheduler: config.scheduler,
            oidc_port: config.oidc_port,
        };
        if let Some(text) =
            super::screens::home::expiring_soon(&services.storage.list(), Services::today())
        {
            notices.push(Notice {
                expiry: true,
                ..Notice::warning(text)
            });
        }
        let mut screen = resume(&services).map_or(Screen::Home, |w| Screen::Wizard(Box::new(w)));
        let mut handed_over = None;
        let mut renew = None;
        if let Some(path) = &config.open_file {
            let done = files::read_picked(path)
                .and_then(|text| files::import_text(&*services.storage, &services.catalog, &text));
            match done {
                Ok(done) => {
                    notices.push(Notice::warning(done.message));
                    handed_over = done.resume;
                }
                Err(text) => notices.push(Notice::error(text)),
            }
        }
        let mut home_view = HomeView::default();
        if let Some(wanted) = &config.focus {
            match find_connection(&services, wanted) {
                // Its card, with the list behind it searched for it; an unfinished wizard
                // stays in front.
                Some(c) => {
                    home_view.search(&c.name);
                    let renewable = c.pending_step.is_none()
                        && services
                            .catalog
                            .get(&c.flow)
                            .is_some_and(|f| f.renew_from.is_some());
                    // An unfinished wizard stays in front.
                    if matches!(screen, Screen::Home) {
                        if config.renew && renewable {
                            renew = Some(c.id);
                        } else {
                            screen = Screen::Card(Box::new(CardView::new(c.id)));
                        }
                    }
                }
                None => notices.push(Notice::warning(format!(
                    "Подключения «{wanted}» нет: возможно, его удалили."
                ))),
            }
        }
        let mut app = Self {
            services: Some(services),
            fatal: None,
            screen,
            home_view,
            notices,
            restorable,
            theme_applied: false,
            last_refresh: std::time::Instant::now(),
            reminders: ReminderSwitch::default(),
            close_asked: None,
            closing: false,
            health: HealthBanner::default(),
        };
        if let Some(id) = handed_over
            && app.draft().is_none()
        {
            // Opened to go on with it: straight into its wizard (an unfinished one stays).
            app.apply(Command::ResumePending(id), &egui::Context::default());
        }
        if let Some(id) = renew {
            app.apply(Command::Renew(id), &egui::Context::default());
        }
        app
    }

    /// Applies fonts and sizes now, before the first frame (the window does this at creation).
    #[must_use]
    pub fn with_theme(mut self, ctx: &egui::Context) -> Self {
        theme::apply(ctx);
        self.theme_applied = true;
        self
    }

    pub fn store(&self) -> Option<&Store> {
        self.services.as_ref().map(|s| &s.store)
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The wizard on screen, if any.
    pub fn draft(&self) -> Option<&Draft> {
        match &self.screen {
            Screen::Wizard(w) => Some(&w.draft),
            _ => None,
        }
    }

    /// True while any background job is running.
    pub fn is_busy(&self) -> bool {
        self.services
            .as_ref()
            .is_some_and(|s| !s.jobs.borrow().is_empty())
    }

    /// Writes the unfinished wizard (without secrets) so it can be resumed after a restart.
    pub fn persist_draft(&self) {
        let Some(services) = &self.services else {
            return;
        };
        let path = services.home.draft_file();
        let result = match &self.screen {
            Screen::Wizard(w) if !w.is_done() => serde_json::to_vec_pretty(&w.draft)
                .map_err(std::io::Error::other)
                .and_then(|bytes| crate::store::write_atomic(&path, &bytes)),
            _ => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        };
        if let Err(e) = result {
            tracing::warn!("could not write the unfinished wizard: {e}");
        }
    }

    /// Closing the window mid-wizard with a typed secret that nothing has saved asks first, as
    /// «Отмена» does: an ELMA365 token or a БФТ password may not be obtainable again.
    fn guard_close(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && !self.closing {
            let labels = match &self.screen {
                Screen::Wizard(w) => w.unsaved_secrets(),
                _ => Vec::new(),
            };
            if !labels.is_empty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.close_asked = Some(CloseQuestion {
                    labels,
                    focused: false,
                });
            }
        }
        let Some(question) = &mut self.close_asked else {
            return;
        };
        let names: Vec<String> = question.labels.iter().map(|l| format!("«{l}»")).collect();
        let answer = crate::ui::kit::widgets::question(
            &ctx,
            "confirm_close",
            "Закрыть Ключник?",
            |ui| {
                ui.label(format!(
                    "Введённое в {} ещё не сохранено и при закрытии пропадёт: незавершённая \
                     настройка запоминается без секретов. Получить то же значение ещё раз \
                     удаётся не всегда.",
                    names.join(", ")
                ));
            },
            ("Вернуться к настройке", "Закрыть без сохранения"),
            &mut question.focused,
        );
        match answer {
            Some(true) => {
                self.close_asked = None;
                self.closing = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Some(false) => self.close_asked = None,
            None => {}
        }
    }

    /// Draws one frame. Separate from `eframe::App` so tests can drive it without a window.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        // egui leaves the window's node unnamed: a screen reader would announce a nameless frame.
        ui.ctx()
            .accesskit_node_builder(egui::accesskit_root_id(), |node| {
                node.set_label(APP_NAME);
            });
        if !self.theme_applied {
            // Fonts and sizes apply from the next frame; draw nothing with the wrong ones.
            theme::apply(ui.ctx());
            self.theme_applied = true;
            ui.ctx().request_repaint();
            return;
        }
        if let Some(msg) = &self.fatal {
            theme::central_panel(ui.style()).show(ui, |ui| {
                ui.heading("Ключник не может запуститься");
                ui.label(msg.as_str());
            });
            return;
        }
        crate::ui::kit::clipboard::shift_insert_pastes(ui.ctx());
        self.guard_close(ui);
        self.poll_jobs(ui.ctx());
        let mut commands = Vec::new();
        let Some(services) = self.services.as_ref() else {
            return;
        };
        self.health.show(ui, services);
        match &mut self.screen {
            Screen::Home => {
                let busy_ids = services.jobs.borrow().busy_connections();
                let busy: Vec<&str> = busy_ids.iter().map(String::as_str).collect();
                let restorable = self.restorable.as_ref().map(|(_, n)| *n);
                let shell = Shell {
                    notices: &self.notices,
                    restorable,
                    busy: &busy,
                    reminders: &self.reminders,
                };
                self.home_view.show(ui, services, &shell, &mut commands);
            }
            Screen::Picker => picker::show(ui, &services.catalog, &mut commands),
            Screen::Storage(view) => view.show(ui, services, &mut commands),
            Screen::Card(card) => {
                let busy = services.jobs.borrow().busy_connections();
                let busy = busy.iter().any(|id| id == card.id());
                card.show(ui, services, busy, &mut commands);
            }
            Screen::Wizard(wizard) => {
                let before = wizard.draft.step;
                match wizard.show(ui, services, &self.reminders, &mut commands) {
                    WizardExit::Stay => {}
                    WizardExit::Home => commands.push(Command::ShowHome),
                    WizardExit::Abandon(entries) => {
                        commands.push(Command::ForgetSecrets(entries));
                        commands.push(Command::ShowHome);
                    }
                }
                if wizard.draft.step != before {
                    self.persist_draft();
                }
            }
        }
        for command in commands {
            self.apply(command, ui.ctx());
        }
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        if let Command::UseStorage(handle) = command {
            self.use_storage(handle.0, ctx);
            return;
        }
        let Some(services) = &self.services else {
            return;
        };
        if matches!(
            command,
            Command::ShowHome
                | Command::ShowPicker
                | Command::OpenCard(_)
                | Command::Renew(_)
                | Command::StartFlow { .. }
                | Command::RemoveOldKey { .. }
                | Command::ResumePending(_)
        ) {
            // The wizard on screen leaves it: its jobs end with it.
            services.jobs.borrow_mut().cancel_wizard();
        }
        match command {
            Command::ShowHome => {
                self.screen = Screen::Home;
                self.persist_draft();
            }
            Command::ShowPicker => self.screen = Screen::Picker,
            Command::ShowStorage => {
                self.screen = Screen::Storage(Box::new(StorageView::new(services)));
                self.persist_draft();
            }
            Command::UseStorage(_) => {}
            Command::OpenCard(id) => {
                self.screen = Screen::Card(Box::new(CardView::new(id)));
                self.persist_draft();
            }
            Command::Renew(id) => {
                let Some(c) = services.storage.get(&id) else {
                    return;
                };
                let Some(flow) = services.catalog.get(&c.flow).cloned() else {
                    return;
                };
                let Some(draft) = Draft::renewing(&flow, &c) else {
                    return;
                };
                self.screen =
                    Screen::Wizard(Box::new(WizardView::new(flow, None, Some((draft, false)))));
                self.persist_draft();
            }
            Command::SetReminders(on) => self.reminders.set(services, ctx, on),
            Command::StartFlow {
                flow,
                target,
                entry,
            } => {
                let Some(flow) = services.catalog.get(&flow).cloned() else {
                    return;
                };
                let target = target.and_then(|id| services.storage.get(&id));
                let draft = Draft::starting_at(&flow, target.as_ref(), entry);
                self.screen = Screen::Wizard(Box::new(WizardView::new(
                    flow,
                    target,
                    Some((draft, false)),
                )));
                self.persist_draft();
            }
            Command::RemoveOldKey { flow, old } => {
                let Some(flow) = services.catalog.get(&flow).cloned() else {
                    return;
                };
                let mut draft = Draft::new(&flow, Some(&old));
                draft.old_key = true;
                self.screen = Screen::Wizard(Box::new(WizardView::new(
                    flow,
                    Some(*old),
                    Some((draft, false)),
                )));
                self.persist_draft();
            }
            Command::Check(id) => start_saved_check(services, &id, ctx),
            Command::CancelCheck(id) => services.jobs.borrow_mut().cancel(&JobKey::Check(id)),
            Command::Delete(id) => {
                let storage = Arc::clone(&services.storage);
                let job_id = id.clone();
                services
                    .jobs
                    .borrow_mut()
                    .start_blocking(JobKey::Delete(id), ctx, move || {
                        ops::save::remove(&*storage, &job_id)
                            .map(drop)
                            .map_err(|e| e.to_string())
                    });
            }
            Command::SaveSecrets { id, values } => {
                let storage = Arc::clone(&services.storage);
                let job_id = id.clone();
                services.jobs.borrow_mut().start_blocking(
                    JobKey::SaveSecrets(id),
                    ctx,
                    move || {
                        ops::save::put_secrets(&*storage, &job_id, &values.into_iter().collect())
                            .map(drop)
                            .map_err(|e| e.to_string())
                    },
                );
            }
            Command::ForgetSecrets(entries) => {
                let Some((id, _)) = entries.first().cloned() else {
                    return;
                };
                let storage = Arc::clone(&services.storage);
                services
                    .jobs
                    .borrow_mut()
                    .start_blocking(JobKey::Delete(id), ctx, move || {
                        ops::save::forget_secrets(&*storage, &entries).map_err(|e| e.to_string())
                    });
            }
            Command::ResumePending(id) => {
                let Some(c) = services.storage.get(&id) else {
                    return;
                };
                let Some(flow) = services.catalog.get(&c.flow).cloned() else {
                    return;
                };
                let draft = Draft::resuming(&flow, &c);
                self.screen =
                    Screen::Wizard(Box::new(WizardView::new(flow, None, Some((draft, false)))));
                self.persist_draft();
            }
            Command::Export
            | Command::Import
            | Command::ImportPvz { .. }
            | Command::RestoreBackup(_)
                if services.jobs.borrow().is_running(&JobKey::File) => {}
            Command::Export => files::export(services, ctx),
            Command::Import => files::import(services, ctx),
            Command::ImportPvz { admin_done } => files::import_pvz(services, ctx, admin_done),
            Command::RestoreBackup(chosen) => {
                let Some(path) = chosen.or_else(|| self.restorable.take().map(|(p, _)| p)) else {
                    return;
                };
                // Off the UI thread: the write may wait for another program's lock.
                let store = services.store.clone();
                services
                    .jobs
                    .borrow_mut()
                    .start_blocking(JobKey::File, ctx, move || {
                        store
                            .restore(&path)
                            .map(|n| {
                                Some(files::FileDone::from(format!(
                                    "Восстановлено из резервной копии: {n} подключений. \
                                     Прежний список сохранён как резервная копия."
                                )))
                            })
                            .map_err(|e| e.to_string())
                    });
            }
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
        }
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        let Some(services) = &self.services else {
            return;
        };
        // Changes made by `klyuchnik` commands or another window show up within a second: one
        // `stat` a second, a re-read only when the file changed. A team store's list is read
        // again every few seconds, off the UI thread.
        if services.storage.is_remote() {
            let mut jobs = services.jobs.borrow_mut();
            // Its answer is in the list itself.
            let _ = jobs.finished::<bool>(&JobKey::StoreRefresh);
            if !jobs.is_running(&JobKey::StoreRefresh)
                && self.last_refresh.elapsed() >= TEAM_REFRESH_EVERY
            {
                self.last_refresh = std::time::Instant::now();
                let storage = Arc::clone(&services.storage);
                jobs.start_blocking(JobKey::StoreRefresh, ctx, move || storage.refresh());
            }
        } else if self.last_refresh.elapsed() >= REFRESH_EVERY {
            self.last_refresh = std::time::Instant::now();
            if services.storage.refresh() {
                tracing::debug!("connections changed by another process: list re-read");
            }
        }
        ctx.request_repaint_after(REFRESH_EVERY);
        self.reminders.look_once(services, ctx);
        self.reminders.poll(services);
        let mut jobs = services.jobs.borrow_mut();
        for (key, result) in
            jobs.finished_where::<ops::check::CheckReport>(|k| matches!(k, JobKey::Check(_)))
        {
            let record_error = match result {
                Ok(report) => report.record_error,
                // A check that panicked is recorded as the service's error, with the reason.
                Err(e) => ops::save::record_checks(
                    &*services.storage,
                    &[(
                        key.connection().unwrap_or_default().to_owned(),
                        Outcome::new(crate::model::OutcomeKind::ServiceError, e.to_string())
                            .record(Utc::now()),
                    )],
                )
                .err(),
            };
            if let Some(e) = record_error {
                self.notices.push(Notice::error(e.to_string()));
            }
        }
        for (_, result) in
            jobs.finished_where::<Result<(), String>>(|k| matches!(k, JobKey::Delete(_)))
        {
            if let Err(e) = result.unwrap_or_else(|e| Err(e.to_string())) {
                self.notices
                    .push(Notice::error(format!("Подключение не удалено: {e}")));
            }
        }
        let saved =
            jobs.finished_where::<Result<(), String>>(|k| matches!(k, JobKey::SaveSecrets(_)));
        drop(jobs);
        for (key, result) in saved {
            self.home_view.secrets_changed();
            match result.unwrap_or_else(|e| Err(e.to_string())) {
                Ok(()) => start_saved_check(services, key.connection().unwrap_or_default(), ctx),
                Err(e) => self
                    .notices
                    .push(Notice::error(format!("Секрет не сохранён: {e}"))),
            }
        }
        let file = services
            .jobs
            .borrow_mut()
            .finished::<Result<Option<files::FileDone>, String>>(&JobKey::File);
        match file {
            Some(Ok(Ok(Some(done)))) => {
                self.notices.push(Notice::warning(done.message));
                if let Some(id) = done.resume {
                    self.apply(Command::ResumePending(id), ctx);
                }
            }
            Some(Ok(Ok(None))) | None => {}
            Some(Ok(Err(text))) => self.notices.push(Notice::error(text)),
            Some(Err(e)) => self.notices.push(Notice::error(e.to_string())),
        }
        if self.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
    }
}

impl App {
    /// Works on `storage` from now on: the list, the card and the wizards all read it.
    fn use_storage(&mut self, storage: Arc<dyn ops::Storage>, ctx: &egui::Context) {
        let Some(services) = &mut self.services else {
            return;
        };
        services.jobs.borrow_mut().cancel(&JobKey::StoreRefresh);
        services.storage = storage;
        // Cached rows and the secrets' presence were for the other list.
        self.home_view = HomeView::default();
        self.notices.retain(|n| !n.expiry);
        let services = &*services;
        if let Some(text) =
            super::screens::home::expiring_soon(&services.storage.list(), Services::today())
        {
            self.notices.push(Notice {
                expiry: true,
                ..Notice::warning(text)
            });
        }
        self.last_refresh = std::time::Instant::now();
        self.screen = Screen::Home;
        ctx.request_repaint();
    }
}

/// The connection whose id or name (any case) is `wanted`.
fn find_connection(services: &Services, wanted: &str) -> Option<crate::model::Connection> {
    services
        .storage
        .get(wanted)
        .or_else(|| ops::find_by_name(&*services.storage, wanted))
}

/// Re-opens the wizard left unfinished last time, if any.
fn resume(services: &Services) -> Option<WizardView> {
    let bytes = std::fs::read(services.home.draft_file()).ok()?;
    let draft: Draft = match serde_json::from_slice(&bytes) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!("ignoring an unreadable unfinished wizard: {e}");
            return None;
        }
    };
    if draft.old_key {
        // Its target was the connection before a renewal, which is not kept anywhere: the
        // old key's name is gone, and a wizard about the new key's name would mislead.
        return None;
    }
    let flow = services.catalog.get(&draft.flow)?.clone();
    let target = match &draft.target {
        Some(id) => Some(services.storage.get(id)?),
        None => None,
    };
    Some(WizardView::new(flow, target, Some((draft, true))))
}

/// Reads a saved connection's secrets and runs its check, all in the background.
fn start_saved_check(services: &Services, id: &str, ctx: &egui::Context) {
    let checks = ops::check::checkable(&services.catalog, services.storage.get(id));
    if checks.is_empty() {
        return;
    }
    let storage = Arc::clone(&services.storage);
    let options = Arc::new(services.checks.clone());
    services.jobs.borrow_mut().start(
        JobKey::Check(id.to_owned()),
        ctx,
        ops::check::check_and_record(storage, options, checks),
    );
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        theme::clear_color(visuals)
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.persist_draft();
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        crate::ui::kit::clipboard::clear_on_exit();
    }
}
