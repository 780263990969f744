//! «Хранилище подключений»: where the list lives — only this computer, or a team's store on an
//! OpenBao / Vault server — logging in and out, and moving this computer's connections in. The
//! banner every screen shows while the team store is not fine, with «Войти снова».

use std::fmt::Write as _;
use std::sync::Arc;

use egui::RichText;

use crate::model::Secret;
use crate::ops::team::{self, BrowserLogin, MoveReport, Team, TeamConfig};
use crate::ops::{Health, Local, Place, Storage};
use crate::ui::command::{Command, Services, StorageHandle};
use crate::ui::jobs::JobKey;
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

/// What a team-store job of this screen answers.
enum Done {
    LoggedIn(Arc<Team>),
    LoggedOut,
    Moved(MoveReport),
    /// Logged in again after the login expired: the same store goes on.
    Relogged,
}

type JobResult = Result<Done, String>;

/// What a job of this screen works with: the data folder, this computer's store, the one in use.
struct Job {
    home: crate::store::Home,
    local: Local,
    storage: Arc<dyn Storage>,
}

#[derive(Default)]
pub struct StorageView {
    /// «Хранилище команды» chosen (shown from the start when it is the one in use).
    team_chosen: Option<bool>,
    addr: String,
    team: String,
    user: String,
    password: String,
    mount: String,
    error: Option<String>,
    /// A browser login is under way: said while the job waits for the person.
    waiting_for_browser: bool,
    /// The last result of a move, shown until the screen is left.
    moved: Option<MoveReport>,
    ask_move: bool,
}

/// The label of the choice, shared with the header line of the list.
pub fn place_label(place: &Place) -> String {
    match place {
        Place::Local => "Хранилище: только этот компьютер".to_owned(),
        Place::Team { team, user } => format!("Хранилище команды «{team}» — вы вошли как {user}"),
    }
}

impl StorageView {
    pub fn new(services: &Services) -> Self {
        let config = team::config(&services.home);
        let mut view = Self {
            mount: "klyuchnik".to_owned(),
            ..Self::default()
        };
        if let Some(c) = config {
            view.addr = c.nodes.join(", ");
            view.team = c.team;
            view.user = c.user;
            view.mount = c.mount;
        }
        view
    }

    pub fn show(&mut self, ui: &mut egui::Ui, services: &Services, commands: &mut Vec<Command>) {
        self.poll(services, commands);
        let busy = services.jobs.borrow().is_running(&JobKey::Team);
        let place = services.storage.place();
        let in_team = matches!(place, Place::Team { .. });
        theme::central_panel(ui.style()).show(ui, |ui| {
            // As on the card: back first, and Escape too.
            if ui.button("← К списку подключений").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                commands.push(Command::ShowHome);
            }
            ui.add_space(theme::GAP);
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
                ui.heading("Где хранить подключения");
                ui.add_space(theme::GAP);
                let mut team_chosen = *self.team_chosen.get_or_insert(in_team);
                ui.radio_value(&mut team_chosen, false, "Только на этом компьютере");
                ui.note(
                    "Список — в папке данных Ключника, секреты — в хранилище паролей системы. \
                     Другие компьютеры их не видят.",
                );
                ui.radio_value(&mut team_chosen, true, "Хранилище команды");
                ui.note(
                    "Один список на всю команду на сервере OpenBao или HashiCorp Vault вашей \
                     организации: кто что видит и меняет, решает администратор хранилища. \
                     Секреты хранятся на сервере, на этот компьютер не записываются.",
                );
                self.team_chosen = Some(team_chosen);
                ui.add_space(theme::SECTION_GAP);
                match (team_chosen, in_team) {
                    (true, true) => self.logged_in(ui, services, &place, busy),
                    (true, false) => self.login_form(ui, services, busy),
                    (false, true) => {
                        ui.label(
                            "Чтобы вернуться к списку этого компьютера, выйдите из хранилища \
                             команды. Подключения команды останутся на сервере.",
                        );
                        self.logout_button(ui, services, busy);
                    }
                    (false, false) => {
                        ui.label("Сейчас используется этот вариант.");
                    }
                }
                if busy {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(if self.waiting_for_browser {
                            "Ждём входа в браузере: войдите на открывшейся странице организации…"
                        } else {
                            "Связываемся с хранилищем команды…"
                        });
                    });
                }
                if let Some(e) = &self.error {
                    ui.field_error(e);
                }
            });
        });
    }

    fn login_form(&mut self, ui: &mut egui::Ui, services: &Services, busy: bool) {
        ui.label(RichText::new("Вход в хранилище команды").strong());
        ui.note("Адрес, название команды и логин даёт администратор хранилища.");
        // Label beside field, the example inside it: the whole form and «Войти» fit a
        // laptop screen without scrolling.
        let fields: [(&str, &str, &mut String, bool); 4] = [
            (
                "Адрес хранилища",
                "https://bao.example.ru:8200; несколько узлов — через запятую",
                &mut self.addr,
                false,
            ),
            ("Команда", "например pass24-support", &mut self.team, false),
            ("Логин", "", &mut self.user, false),
            ("Пароль", "", &mut self.password, true),
        ];
        let mut changed = false;
        egui::Grid::new("team_login")
            .num_columns(2)
            .spacing([theme::GAP, theme::GAP])
            .show(ui, |ui| {
                for (label, hint, value, password) in fields {
                    let l = ui.label(label);
                    let edit = egui::TextEdit::singleline(value)
                        .id_salt(("team_login", label))
                        .hint_text(hint)
                        .desired_width(theme::FIELD_WIDTH * 1.3)
                        .password(password);
                    changed |= ui.add(edit).labelled_by(l.id).changed();
                    ui.end_row();
                }
            });
        if changed {
            self.error = None;
        }
        ui.add_space(theme::GAP);
        if ui.primary_button("Войти", !busy).clicked() {
            match self.config() {
                Err(e) => self.error = Some(e),
                Ok(config) => {
                    let password = Secret::new(std::mem::take(&mut self.password));
                    self.start(services, ui.ctx(), move |job| {
                        team::login(&job.home, &job.local.secrets, &config, &password)
                            .map(|t| Done::LoggedIn(Arc::new(t)))
                            .map_err(|e| e.to_string())
                    });
                }
            }
        }
        ui.add_space(theme::GAP);
        ui.label("Или единым входом организации (OIDC), если администратор его настроил:");
        if ui
            .add_enabled(!busy, egui::Button::new("Войти через браузер"))
            .clicked()
        {
            match self.config_without_password() {
                Err(e) => self.error = Some(e),
                Ok(config) => {
                    let (opener, port) = (Arc::clone(&services.opener), services.oidc_port);
                    self.waiting_for_browser = true;
                    self.start(services, ui.ctx(), move |job| {
                        let browser = BrowserLogin {
                            port,
                            wait: team::OIDC_WAIT,
                            open: &*opener,
                        };
                        team::login_oidc(
                            &job.home,
                            &job.local.secrets,
                            &config.nodes,
                            &config.mount,
                            &config.team,
                            &browser,
                        )
                        .map(|t| Done::LoggedIn(Arc::new(t)))
                        .map_err(|e| e.to_string())
                    });
                }
            }
        }
    }

    /// The form as a config, or what is wrong with it, in Russian.
    fn config(&self) -> Result<TeamConfig, String> {
        let config = self.config_without_password()?;
        if config.user.is_empty() {
            return Err("Укажите логин.".to_owned());
        }
        if self.password.is_empty() {
            return Err("Введите пароль.".to_owned());
        }
        Ok(config)
    }

    /// The address, team and mount (and the login, if typed): all a browser login needs.
    fn config_without_password(&self) -> Result<TeamConfig, String> {
        let nodes: Vec<String> = self
            .addr
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        if nodes.is_empty() {
            return Err("Укажите адрес хранилища.".to_owned());
        }
        if let Some(bad) = nodes
            .iter()
            .find(|n| !n.starts_with("https://") && !n.starts_with("http://"))
        {
            return Err(format!("Адрес «{bad}»: нужен вид https://сервер:порт."));
        }
        if self.team.trim().is_empty() {
            return Err("Укажите команду.".to_owned());
        }
        Ok(TeamConfig {
            nodes,
            mount: if self.mount.trim().is_empty() {
                "klyuchnik".to_owned()
            } else {
                self.mount.trim().to_owned()
            },
            team: self.team.trim().to_owned(),
            user: self.user.trim().to_owned(),
            oidc: false,
        })
    }

    fn logged_in(&mut self, ui: &mut egui::Ui, services: &Services, place: &Place, busy: bool) {
        ui.label(place_label(place));
        let local = services.store.snapshot();
        ui.add_space(theme::GAP);
        if local.is_empty() {
            ui.note("На этом компьютере своих подключений нет — переносить нечего.");
        } else {
            ui.label(format!(
                "На этом компьютере остались свои подключения: {}. Их можно перенести в \
                 хранилище команды — с секретами из хранилища паролей системы.",
                local.len()
            ));
            if self.ask_move {
                ui.warning_box(
                    "Каждое подключение будет записано в хранилище команды, прочитано обратно и \
                     только после этого удалено с этого компьютера. Его увидят все, кому \
                     администратор открыл доступ к команде.",
                );
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!busy, egui::Button::new("Перенести"))
                        .clicked()
                    {
                        self.ask_move = false;
                        self.start(services, ui.ctx(), |job| {
                            let Some(team) = job.storage.as_team() else {
                                return Err("хранилище команды не открыто".to_owned());
                            };
                            team::move_in(&job.local, team)
                                .map(Done::Moved)
                                .map_err(|e| e.to_string())
                        });
                    }
                    if ui.button("Не переносить").clicked() {
                        self.ask_move = false;
                    }
                });
            } else if ui
                .add_enabled(
                    !busy && services.storage.rights().write,
                    egui::Button::new("Перенести подключения этого компьютера в хранилище команды"),
                )
                .clicked()
            {
                self.ask_move = true;
            }
        }
        if let Some(report) = &self.moved {
            ui.add_space(theme::GAP);
            ui.label(move_summary(report));
        }
        ui.add_space(theme::SECTION_GAP);
        self.logout_button(ui, services, busy);
    }

    /// «Выйти из хранилища команды»: the token from the keyring, `team.json` from the folder.
    fn logout_button(&mut self, ui: &mut egui::Ui, services: &Services, busy: bool) {
        if ui
            .add_enabled(!busy, egui::Button::new("Выйти из хранилища команды"))
            .clicked()
        {
            self.start(services, ui.ctx(), |job| {
                team::logout(&job.home, &job.local.secrets)
                    .map(|()| Done::LoggedOut)
                    .map_err(|e| e.to_string())
            });
        }
    }

    fn start(
        &mut self,
        services: &Services,
        ctx: &egui::Context,
        work: impl FnOnce(Job) -> JobResult + Send + 'static,
    ) {
        self.error = None;
        let job = Job {
            home: services.home.clone(),
            local: Local::new(services.store.clone(), services.secrets.clone()),
            storage: Arc::clone(&services.storage),
        };
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::Team, ctx, move || work(job));
    }

    fn poll(&mut self, services: &Services, commands: &mut Vec<Command>) {
        let Some(result) = services
            .jobs
            .borrow_mut()
            .finished::<JobResult>(&JobKey::Team)
        else {
            return;
        };
        match result.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(Done::LoggedIn(team)) => {
                self.password.clear();
                commands.push(Command::UseStorage(StorageHandle(team)));
            }
            Ok(Done::LoggedOut) => {
                commands.push(Command::UseStorage(StorageHandle(Arc::new(Local::new(
                    services.store.clone(),
                    services.secrets.clone(),
                )))));
            }
            Ok(Done::Moved(report)) => self.moved = Some(report),
            Ok(Done::Relogged) => {}
            Err(e) => self.error = Some(e),
        }
    }
}

/// What a move did, in one paragraph.
pub fn move_summary(report: &MoveReport) -> String {
    let mut out = if report.moved.is_empty() {
        "Ничего не перенесено.".to_owned()
    } else {
        format!(
            "Перенесено в хранилище команды: {} ({}).",
            report.moved.len(),
            report.moved.join(", ")
        )
    };
    for (name, why) in &report.kept {
        let _ = write!(out, " «{name}» осталось на этом компьютере: {why}.");
    }
    for (name, why) in &report.both {
        let _ = write!(
            out,
            " «{name}» записано в хранилище команды, но копия на этом компьютере не удалена: {why}."
        );
    }
    out
}

/// The line across the top of every screen while the team store is not fine; with «Войти
/// снова» when the login expired (a password field, so an open wizard keeps what is typed).
#[derive(Default)]
pub struct HealthBanner {
    password: String,
    error: Option<String>,
}

impl HealthBanner {
    pub fn show(&mut self, ui: &mut egui::Ui, services: &Services) {
        let health = services.storage.health();
        if health == Health::Fine {
            return;
        }
        if let Some(result) = services
            .jobs
            .borrow_mut()
            .finished::<JobResult>(&JobKey::Relogin)
        {
            match result.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(_) => self.error = None,
                Err(e) => self.error = Some(e),
            }
        }
        let busy = services.jobs.borrow().is_running(&JobKey::Relogin);
        theme::edge_panel(egui::Panel::top("store_health"), ui.style()).show(ui, |ui| {
            ui.add_space(4.0);
            match &health {
                Health::Fine => {}
                Health::Reading => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Читаем список из хранилища команды…");
                    });
                }
                Health::Waiting => {
                    ui.horizontal_wrapped(|ui| {
                        ui.spinner();
                        ui.label(format!(
                            "Файл подключений занят другой программой, ждём (до {} с)… \
                             Сохранение продолжится само; если файл не освободится, появится \
                             сообщение, и ничего не будет записано.",
                            crate::store::file_lock::wait().as_secs().max(1)
                        ));
                    });
                }
                Health::Switching => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(
                            "Хранилище команды переключается на другой узел — подождите \
                             несколько секунд…",
                        );
                    });
                }
                Health::Offline { read_at, reason } => {
                    let when = if read_at.is_empty() {
                        "Список ещё не прочитан".to_owned()
                    } else {
                        format!("Список — как был прочитан {read_at}")
                    };
                    ui.warning_box(&format!(
                        "Хранилище команды недоступно ({reason}). {when}; открытые в этом сеансе \
                         секреты видны, изменения не сохраняются, пока связь не вернётся."
                    ));
                }
                Health::Refused(what) => {
                    ui.field_error(&format!(
                        "Хранилище команды отказало: {what}. Обратитесь к администратору \
                         хранилища."
                    ));
                }
                Health::Sealed => {
                    ui.field_error(
                        "Хранилище команды запечатано — обратитесь к администратору хранилища. \
                         Пока его не откроют, подключения команды недоступны.",
                    );
                }
                Health::LoginExpired => {
                    ui.warning_box(
                        "Вход в хранилище команды истёк. Войдите снова — введённое на экране \
                         не пропадёт.",
                    );
                    let browser = services
                        .storage
                        .as_team()
                        .is_some_and(Team::logs_in_through_browser);
                    if browser {
                        if ui
                            .add_enabled(!busy, egui::Button::new("Войти снова через браузер"))
                            .clicked()
                        {
                            let (opener, port) = (Arc::clone(&services.opener), services.oidc_port);
                            start_relogin(services, ui.ctx(), move |team, secrets| {
                                let browser = BrowserLogin {
                                    port,
                                    wait: team::OIDC_WAIT,
                                    open: &*opener,
                                };
                                team.relogin_oidc(secrets, &browser)
                            });
                        }
                        if busy {
                            ui.horizontal(|ui| {
                                ui.spinner();
                                ui.label("Ждём входа в браузере…");
                            });
                        }
                    } else {
                        ui.horizontal(|ui| {
                            let l = ui.label("Пароль");
                            let edit = egui::TextEdit::singleline(&mut self.password)
                                .id_salt("relogin_password")
                                .desired_width(theme::FIELD_WIDTH)
                                .password(true);
                            ui.add(edit).labelled_by(l.id);
                            if ui
                                .add_enabled(
                                    !busy && !self.password.is_empty(),
                                    egui::Button::new("Войти снова"),
                                )
                                .clicked()
                            {
                                let password = Secret::new(std::mem::take(&mut self.password));
                                start_relogin(services, ui.ctx(), move |team, secrets| {
                                    team.relogin(secrets, &password)
                                });
                            }
                        });
                    }
                    if let Some(e) = &self.error {
                        ui.field_error(e);
                    }
                }
            }
            ui.add_space(4.0);
        });
    }
}

/// Logs in again in the background on the store in use (its login expired).
fn start_relogin(
    services: &Services,
    ctx: &egui::Context,
    relogin: impl FnOnce(&Team, &crate::store::Secrets) -> Result<(), crate::store::StoreError>
    + Send
    + 'static,
) {
    let (storage, secrets) = (Arc::clone(&services.storage), services.secrets.clone());
    services
        .jobs
        .borrow_mut()
        .start_blocking(JobKey::Relogin, ctx, move || -> JobResult {
            let team = storage
                .as_team()
                .ok_or_else(|| "хранилище команды не открыто".to_owned())?;
            relogin(team, &secrets)
                .map(|()| Done::Relogged)
                .map_err(|e| e.to_string())
        });
}
