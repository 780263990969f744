//! «Подключения»: the saved connections with the state of their last check and expiry.

use std::sync::Arc;

use chrono::{Local, NaiveDate};
use egui::RichText;
use egui_extras::{Column, TableBuilder};

mod filter;
mod secret_entry;
mod secret_presence;

pub use filter::expiring_soon;

use crate::model::OutcomeKind;
use crate::model::status::Status;
use crate::model::{Connection, List};
use crate::ui::command::{Command, Notice, Services};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;
use crate::ui::screens::reminder_switch::ReminderSwitch;

/// The status of a connection whose secret is not in this computer's keyring.
pub const NO_SECRET_HERE: &str = "Нет секрета на этом компьютере";

/// How a connection stands, for its status cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Neutral,
    Warn,
    Error,
}

/// The status line of a connection: its last check, or why there is none (the flow's own
/// words for that are in the cell's tooltip).
pub fn status_text(connection: &Connection, checkable: bool) -> (String, Tone) {
    match crate::model::status::last_check(connection, checkable) {
        Some(record) => {
            let when = record.at.with_timezone(&Local).format("%d.%m.%Y %H:%M");
            let tone = if record.kind.is_ok() {
                Tone::Ok
            } else {
                Tone::Error
            };
            let mark = if record.kind.is_ok() { "✔" } else { "✖" };
            (format!("{mark} {} · {when}", record.kind.title()), tone)
        }
        None if checkable => ("Не проверялось".to_owned(), Tone::Neutral),
        None => ("Без проверки онлайн".to_owned(), Tone::Neutral),
    }
}

/// How soon an expiry comes, and its date: «Истекает через 5 дн. · 10.12.2026».
pub fn expiry_text(expires: Option<NaiveDate>, today: NaiveDate) -> (String, Tone) {
    let Some(date) = expires else {
        return ("—".to_owned(), Tone::Neutral);
    };
    let days = (date - today).num_days();
    let shown = date.format("%d.%m.%Y");
    match days {
        d if d < 0 => (format!("Срок истёк · {shown}"), Tone::Error),
        0 => (format!("Истекает сегодня · {shown}"), Tone::Error),
        d if d <= crate::model::status::SOON_DAYS => {
            let tone = if d <= crate::model::status::VERY_SOON_DAYS {
                Tone::Error
            } else {
                Tone::Warn
            };
            (format!("Истекает через {d} дн. · {shown}"), tone)
        }
        _ => (format!("до {shown}"), Tone::Neutral),
    }
}

/// The rows on screen and what they were computed from.
struct Cached {
    generation: u64,
    /// The query `rows` answer; `None` before the first.
    query: Option<filter::Query>,
    today: NaiveDate,
    rows: Arc<[(usize, Status)]>,
    derived: filter::Derived,
}

#[derive(Default)]
pub struct HomeView {
    /// A connection whose plain removal awaits confirmation.
    confirm_delete: Option<String>,
    /// Secrets being entered again for a saved connection.
    secret_entry: Option<secret_entry::SecretEntry>,
    query: filter::Query,
    cache: Option<Cached>,
    about: bool,
    /// Which connections have no secret in this computer's keyring.
    presence: secret_presence::SecretPresence,
    /// «Открыть папку журналов» found no program to open it with.
    logs_unopened: bool,
    /// Its last answer, for the rows being drawn.
    missing_here: Arc<std::collections::HashSet<String>>,
    /// «ПВЗ из CSV…» asks first whether the administrator's part is done: the tick, and
    /// whether the question has had the keyboard.
    pvz_question: Option<(bool, bool)>,
    /// The `.bak` as read when «Настройки» opened, and whether its restore awaits «Да».
    backup: Option<BackupSeen>,
    confirm_restore: bool,
}

/// The `.bak` as read once (it may be missing): not read again every frame.
struct BackupSeen(Option<crate::store::BackupCopy>);

/// What the shell tells the home screen besides the services.
pub struct Shell<'a> {
    pub notices: &'a [Notice],
    /// The size of a backup copy that can be restored, if one is offered.
    pub restorable: Option<usize>,
    /// Connections with a job under way (a check, a removal).
    pub busy: &'a [&'a str],
    pub reminders: &'a ReminderSwitch,
}

impl HomeView {
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        shell: &Shell<'_>,
        commands: &mut Vec<Command>,
    ) {
        let Shell {
            notices,
            restorable,
            busy,
            reminders,
        } = *shell;
        let write = services.storage.rights().write;
        theme::edge_panel(egui::Panel::top("home_top"), ui.style()).show(ui, |ui| {
            ui.add_space(6.0);
            // The heading and the buttons share a line when they fit; with large text (the
            // system's text size, zoom) the buttons move under the heading instead of over it.
            let buttons = [
                "Новое подключение",
                "Загрузить…",
                "Выгрузить…",
                "Настройки",
                "ПВЗ из CSV…",
            ];
            let gap = ui.spacing().item_spacing.x;
            let needed: f32 = buttons
                .iter()
                .map(|b| ui.button_width(b) + gap)
                .sum::<f32>()
                + egui::WidgetText::from(RichText::new("Подключения").heading())
                    .into_galley(
                        ui,
                        Some(egui::TextWrapMode::Extend),
                        f32::INFINITY,
                        egui::TextStyle::Heading,
                    )
                    .size()
                    .x
                + 4.0 * gap;
            let one_line = needed <= ui.available_width();
            ui.horizontal(|ui| {
                ui.heading("Подключения");
                if one_line {
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        self.top_buttons(ui, write, commands);
                    });
                }
            });
            if !one_line {
                ui.horizontal_wrapped(|ui| {
                    ui.with_layout(
                        egui::Layout::right_to_left(egui::Align::Center).with_main_wrap(true),
                        |ui| {
                            self.top_buttons(ui, write, commands);
                        },
                    );
                });
            }
            // A team's list says whose it is (this computer's own is the default, and its
            // choice is in «Настройки»).
            if services.storage.is_remote() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(crate::ui::screens::storage::place_label(
                            &services.storage.place(),
                        ))
                        .color(ui.palette().muted),
                    );
                    if ui.small_button("Хранилище…").clicked() {
                        commands.push(Command::ShowStorage);
                    }
                });
            }
            // Where the data folder is belongs to «Настройки»; a keyring that loses secrets
            // has a notice of its own below.
            ui.add_space(4.0);
        });
        theme::central_panel(ui.style()).show(ui, |ui| {
            // Notices take at most a third of the height (scrolling beyond it, the bar in
            // view), so the list keeps its room on a short screen with large text. (A fifth cut
            // the expiry notice and its reminders switch in two when a second notice was up.)
            let room = ui.available_height() / 3.0;
            egui::ScrollArea::vertical()
                .id_salt("notices")
                .max_height(room)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (i, notice) in notices.iter().enumerate() {
                        ui.horizontal(|ui| {
                            // The text wraps beside «Скрыть», so the button stays on screen.
                            ui.beside_button("Скрыть", |ui| {
                                if notice.is_error {
                                    ui.field_error(&notice.text);
                                } else {
                                    ui.warning_box(&notice.text);
                                }
                            });
                            if ui.small_button("Скрыть").clicked() {
                                commands.push(Command::DismissNotice(i));
                            }
                        });
                        // Where people meet expiry, the way to renew and to be reminded of it.
                        if notice.expiry {
                            ui.indent("expiry_reminders", |ui| {
                                renew_buttons(ui, services, commands);
                                reminders.show_switch(ui, commands);
                            });
                        }
                    }
                    if let Some(n) = restorable
                        && ui
                            .button(format!("Восстановить из резервной копии ({n} подключений)"))
                            .clicked()
                    {
                        commands.push(Command::RestoreBackup(None));
                    }
                });
            let connections = services.storage.list();
            if connections.is_empty() {
                ui.add_space(theme::SECTION_GAP);
                ui.label("Здесь будут подключения, которые вы настроили: токены, логины и пароли для связи систем.");
                ui.label("Нажмите «Новое подключение», чтобы настроить первое.");
                return;
            }
            // Before the toolbar (it shows the systems and the count) and after it (it may
            // have changed the query); each time only what is out of date is worked out.
            self.update(services, &connections);
            self.toolbar(ui, &connections);
            let rows = self.update(services, &connections);
            if rows.is_empty() {
                ui.add_space(theme::GAP);
                ui.label("Ничего не найдено. Измените поиск или фильтры.");
                return;
            }
            self.missing_here = self.presence.missing(ui.ctx(), services, &connections);
            self.table(ui, services, &connections, &rows, busy, commands);
        });
        self.delete_modal(ui, services, commands);
        self.pvz_modal(ui, services, commands);
        if let Some(entry) = &mut self.secret_entry {
            match entry.show(ui.ctx(), Local::now().date_naive()) {
                secret_entry::Decision::Stay => {}
                secret_entry::Decision::Close => self.secret_entry = None,
                secret_entry::Decision::Save(command) => {
                    commands.push(command);
                    self.secret_entry = None;
                }
            }
        }
        self.about_window(ui, services, reminders, commands);
    }

    /// A secret was written to the keyring: the rows that lacked one are looked up again.
    pub fn secrets_changed(&mut self) {
        self.presence.invalidate();
    }

    /// Shows only what matches `text` (a click on a reminder opens the window on one connection).
    pub fn search(&mut self, text: &str) {
        text.clone_into(&mut self.query.text);
    }

    /// «Новое подключение» and the file actions, right to left (the main one at the edge).
    fn top_buttons(&mut self, ui: &mut egui::Ui, write: bool, commands: &mut Vec<Command>) {
        let new = ui.primary_button("Новое подключение", write);
        if !write {
            new.on_disabled_hover_text(LOCKED_WRITE);
        } else if new.clicked() {
            commands.push(Command::ShowPicker);
        }
        if ui
            .button("Загрузить…")
            .on_hover_text("Загрузить подключения из файла выгрузки")
            .clicked()
        {
            commands.push(Command::Import);
        }
        if ui
            .button("Выгрузить…")
            .on_hover_text("Выгрузить подключения в файл (без секретов)")
            .clicked()
        {
            commands.push(Command::Export);
        }
        if ui
            .button("Настройки")
            .on_hover_text("Напоминания о сроках, где хранятся данные, журналы, версия")
            .clicked()
        {
            self.about = true;
            self.backup = None;
            self.confirm_restore = false;
        }
        if ui
            .button("ПВЗ из CSV…")
            .on_hover_text("Создать подключения Vision Ellcom для списка ПВЗ")
            .clicked()
        {
            self.pvz_question = Some((false, false));
        }
    }

    /// Before a ПВЗ list is read: is the administrator's part (Vision's step 2: cameras and the
    /// permission) done for every ПВЗ in it? Ticked, they start at the employee's step; not,
    /// at step 2, which asks for it per ПВЗ.
    fn pvz_modal(&mut self, ui: &mut egui::Ui, services: &Services, commands: &mut Vec<Command>) {
        let Some((done, focused)) = &mut self.pvz_question else {
            return;
        };
        let flow = services.catalog.get(crate::integrations::vision_pvz::FLOW);
        let admin = flow.and_then(|f| {
            let employee = crate::integrations::vision_pvz::resume_step(f)?;
            let step = f.steps.get(employee.checked_sub(1)?)?;
            Some((employee, step.title.clone()))
        });
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("pvz_question")).show(ui.ctx(), |ui| {
            ui.set_max_width(520.0);
            ui.heading("ПВЗ из CSV");
            ui.label(
                "Файл CSV: по строке на ПВЗ — код, адрес, e-mail субпользователя, через «;», «,» \
                 или табуляцию. Каждый ПВЗ появится в списке как незаконченная настройка Vision \
                 Ellcom.",
            );
            if let Some((employee, title)) = &admin {
                ui.add_space(theme::GAP);
                let tick = ui.checkbox(
                    done,
                    format!(
                        "Шаг {employee} «{title}» для каждого ПВЗ из списка уже выполнен: у \
                         субпользователя выбраны только камеры его ПВЗ и установлено «Создание \
                         токена интеграции»"
                    ),
                );
                if !*focused {
                    tick.request_focus();
                    *focused = true;
                }
                ui.note(&if *done {
                    format!("ПВЗ начнутся с шага {}: вход сотрудника ПВЗ.", employee + 1)
                } else {
                    format!("ПВЗ начнутся с шага {employee}: его подтвердят для каждого ПВЗ.")
                });
            }
            ui.add_space(theme::GAP);
            ui.horizontal(|ui| {
                if ui.primary_button("Выбрать файл…", true).clicked() {
                    commands.push(Command::ImportPvz { admin_done: *done });
                    close = true;
                }
                if ui.button("Отмена").clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            self.pvz_question = None;
        }
    }

    /// «Настройки»: the reminders switch, then about the program — the version, where things
    /// are kept, the way to the logs.
    fn about_window(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        reminders: &ReminderSwitch,
        commands: &mut Vec<Command>,
    ) {
        if !self.about {
            return;
        }
        let logs = crate::platform::logging::log_dir(&services.home);
        let modal = egui::Modal::new(egui::Id::unique("about")).show(ui.ctx(), |ui| {
            // Scrolls on a short screen with large text: «Закрыть» stays reachable.
            let room = ui.ctx().content_rect().height() - 80.0;
            egui::ScrollArea::vertical().max_height(room.max(120.0)).show(ui, |ui| {
                // A fixed width and room for the switch's longest line: the window stays put
                // while the switch changes its text.
                ui.set_width(560.0_f32.min(ui.available_width()));
                ui.heading("Настройки");
                ui.add_space(theme::GAP);
                ui.label(RichText::new("Напоминания о сроках").strong());
                ui.scope(|ui| {
                    let line = ui.text_style_height(&egui::TextStyle::Body);
                    ui.set_min_height(4.0 * line);
                    reminders.show(ui, commands);
                });
                ui.add_space(theme::GAP);
                ui.label(RichText::new("Где хранятся подключения").strong());
                ui.horizontal_wrapped(|ui| {
                    ui.label(crate::ui::screens::storage::place_label(&services.storage.place()));
                    if ui.button("Хранилище…").clicked() {
                        self.about = false;
                        commands.push(Command::ShowStorage);
                    }
                });
                if services.storage.place() == crate::ops::Place::Local {
                    self.backup_section(ui, services, commands);
                }
                ui.add_space(theme::GAP);
                ui.label(RichText::new("О программе").strong());
                ui.label(format!("Ключник, версия {}", env!("CARGO_PKG_VERSION")));
                ui.note("Пошаговая настройка ключей интеграции между деловыми системами. Секреты хранятся только в хранилище паролей системы.");
                egui::Grid::new("about_grid").num_columns(2).show(ui, |ui| {
                    ui.label("Данные");
                    ui.label(services.home.dir().display().to_string());
                    ui.end_row();
                    ui.label("Журналы");
                    ui.label(logs.display().to_string());
                    ui.end_row();
                    ui.label("Секреты");
                    match services.storage.place() {
                        crate::ops::Place::Team { team, .. } => {
                            ui.label(format!("хранилище команды «{team}»"));
                        }
                        crate::ops::Place::Local => {
                            ui.label(services.secrets.backend().map_or("хранилище паролей недоступно", |b| b.title()));
                        }
                    }
                    ui.end_row();
                });
                ui.add_space(theme::GAP);
                ui.horizontal(|ui| {
                    if ui.button("Открыть папку журналов").clicked() {
                        let _ = std::fs::create_dir_all(&logs);
                        self.logs_unopened = (services.opener)(&logs.display().to_string()).is_err();
                    }
                    if ui.button("Закрыть").clicked() {
                        self.about = false;
                    }
                });
                if self.logs_unopened {
                    ui.open_failed(
                        "Папка не открылась. Откройте её в проводнике сами:",
                        &logs.display().to_string(),
                    );
                }
            });
        });
        if modal.should_close() {
            self.about = false;
        }
    }

    /// The previous version of the list (`connections.json.bak`) and «Восстановить из
    /// резервной копии…», with a question first.
    fn backup_section(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        commands: &mut Vec<Command>,
    ) {
        let backup = self
            .backup
            .get_or_insert_with(|| BackupSeen(services.store.backup()));
        let Some(copy) = backup.0.clone() else {
            ui.note(
                "Резервной копии пока нет: она появляется после первого изменения списка \
                 (предыдущая версия).",
            );
            return;
        };
        let when = copy.written.map_or_else(String::new, |t| {
            chrono::DateTime::<Local>::from(t)
                .format(" от %d.%m.%Y %H:%M")
                .to_string()
        });
        let mut just_asked = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "Резервная копия{when} — версия списка до последнего изменения: {} подключений.",
                copy.count
            ));
            if !self.confirm_restore && ui.button("Восстановить из резервной копии…").clicked()
            {
                self.confirm_restore = true;
                just_asked = true;
            }
        });
        if self.confirm_restore {
            ui.warning_box(&format!(
                "Заменить нынешний список ({} подключений) резервной копией ({} подключений)? \
                 Нынешний список станет резервной копией — восстановление можно отменить так же.",
                services.storage.list().len(),
                copy.count
            ));
            ui.horizontal(|ui| {
                if ui.button("Восстановить").clicked() {
                    commands.push(Command::RestoreBackup(Some(copy.path.clone())));
                    self.confirm_restore = false;
                    self.about = false;
                }
                if ui.button("Отмена").clicked() {
                    self.confirm_restore = false;
                }
            });
            // The question grows the window's scrolled content: its answers come into view.
            if just_asked {
                ui.scroll_to_cursor(Some(egui::Align::BOTTOM));
            }
        }
    }

    /// Search, filters, sort.
    fn toolbar(&mut self, ui: &mut egui::Ui, connections: &List) {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Поиск:");
            ui.add(
                egui::TextEdit::singleline(&mut self.query.text)
                    .hint_text("название, система, e-mail, код…")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            let systems = self
                .cache
                .as_ref()
                .map_or(&[][..], |c| c.derived.systems.as_slice());
            let label = ui.label("Система:");
            let shown = self
                .query
                .system
                .clone()
                .unwrap_or_else(|| "все".to_owned());
            egui::ComboBox::from_id_salt("filter_system")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.query.system, None, "все");
                    for s in systems {
                        ui.selectable_value(&mut self.query.system, Some(s.clone()), s);
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("Состояние:");
            egui::ComboBox::from_id_salt("filter_status")
                .selected_text(self.query.status.map_or("любое", Status::title))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.query.status, None, "любое");
                    for st in Status::ALL {
                        ui.selectable_value(&mut self.query.status, Some(st), st.title());
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label("Порядок:");
            egui::ComboBox::from_id_salt("sort")
                .selected_text(self.query.sort.title())
                .show_ui(ui, |ui| {
                    for sort in filter::Sort::ALL {
                        ui.selectable_value(&mut self.query.sort, sort, sort.title());
                    }
                })
                .response
                .labelled_by(label.id);
            let shown = self
                .cache
                .as_ref()
                .map_or(connections.len(), |c| c.rows.len());
            ui.note(&format!("показано {shown} из {}", connections.len()));
        });
    }

    /// The rows for the current query: what was derived from the list starts over when the
    /// list changed (or on a new day), the rows are worked out again when the query changed.
    fn update(&mut self, services: &Services, connections: &List) -> Arc<[(usize, Status)]> {
        let generation = services.storage.generation();
        let today = Services::today();
        if self
            .cache
            .as_ref()
            .is_none_or(|c| c.generation != generation || c.today != today)
        {
            self.cache = Some(Cached {
                generation,
                query: None,
                today,
                rows: Arc::from([]),
                derived: filter::Derived::new(connections),
            });
        }
        let Some(cache) = self.cache.as_mut() else {
            return Arc::from([]);
        };
        if cache.query.as_ref() != Some(&self.query) {
            let today = cache.today;
            let rows = filter::select(
                connections,
                &mut cache.derived,
                &services.catalog,
                &self.query,
                today,
            );
            cache.rows = rows.into();
            cache.query = Some(self.query.clone());
        }
        // Shared, not copied: a list of 10,000 costs one pointer per frame.
        Arc::clone(&cache.rows)
    }

    fn table(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        connections: &[Connection],
        rows: &[(usize, Status)],
        busy: &[&str],
        commands: &mut Vec<Command>,
    ) {
        let today = Services::today();
        let missing = Arc::clone(&self.missing_here);
        let p = ui.palette();
        let text = ui.visuals().text_color();
        let color = |tone: Tone| match tone {
            Tone::Ok => p.ok,
            Tone::Neutral => text,
            Tone::Warn => p.warn,
            Tone::Error => p.error,
        };
        let layout = Columns::for_width(ui, services, rows.len());
        // Rows grow with the text size, so a button always fits its row.
        let row_height = (ui.text_style_height(&egui::TextStyle::Button)
            + 2.0 * ui.spacing().button_padding.y
            + 4.0)
            .max(theme::ROW_HEIGHT);
        // Only the name column clips: it takes the remainder, which a column that does not clip
        // would widen to its longest name. The others have exact widths and shorten their text
        // with «…», so they need no clip of their own. Each clip is a draw call of its own: under
        // llvmpipe a full list took 1.3–1.5 MB more at its first frame with every cell clipped.
        let mut table = TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::remainder().at_least(120.0).clip(true));
        if layout.system {
            table = table.column(Column::exact(120.0).clip(false));
        }
        table
            .column(Column::exact(layout.status).clip(false))
            .column(Column::exact(layout.actions))
            .header(row_height, |mut h| {
                let system = layout.system.then_some("Система");
                for title in ["Название"]
                    .into_iter()
                    .chain(system)
                    .chain(["Состояние и срок", "Действия"])
                {
                    h.col(|ui| {
                        ui.add(egui::Label::new(RichText::new(title).strong()).truncate());
                    });
                }
            })
            .body(|body| {
                // Only the rows in view are laid out: the list stays smooth at any length.
                body.rows(row_height, rows.len(), |mut row| {
                    let (index, st) = rows[row.index()];
                    let c = &connections[index];
                    let flow = services.catalog.get(&c.flow);
                    let checkable = flow.is_some_and(|f| f.check.is_some());
                    row.col(|ui| {
                        // Without the system column, a short tag before the name says it.
                        if !layout.system {
                            let tag = short_system(&c.system);
                            ui.add(
                                egui::Label::new(RichText::new(tag).small().color(p.muted))
                                    .selectable(false),
                            );
                        }
                        // Shortened in the middle, so the end that tells similar names apart
                        // stays; the full name is in the tooltip and is what is read aloud.
                        // The name opens the card: a click, or Enter / Space on it.
                        let shown = ui.middle_ellipsis(&c.name, ui.available_width());
                        let shortened = shown.len() != c.name.len();
                        let name = ui.add(egui::Button::new(shown).frame(false));
                        let full = c.name.clone();
                        ui.ctx().accesskit_node_builder(name.id, move |n| {
                            n.set_label(full);
                            n.set_description("Открыть карточку подключения");
                        });
                        let name = if !layout.system || shortened {
                            name.on_hover_text(format!("{} · {}", c.name, c.system))
                        } else {
                            name
                        };
                        if name.clicked() {
                            commands.push(Command::OpenCard(c.id.clone()));
                        }
                    });
                    if layout.system {
                        row.col(|ui| {
                            ui.add(egui::Label::new(&*c.system).truncate());
                        });
                    }
                    row.col(|ui| {
                        // One short cell: what to act on comes first (an expiry says how soon
                        // and the date); otherwise the last check, and the date it runs to.
                        let (text, tone) = match st {
                            Status::Expired | Status::ExpiresIn7Days | Status::ExpiresIn30Days => {
                                expiry_text(c.expires, today)
                            }
                            Status::Pending => (
                                paused(c, flow).map_or_else(|| st.title().to_owned(), |p| p.state),
                                Tone::Warn,
                            ),
                            // Without its secret here it cannot work from this computer,
                            // whatever its last check said elsewhere.
                            _ if missing.contains(&c.id) && c.pending_step.is_none() => {
                                (NO_SECRET_HERE.to_owned(), Tone::Warn)
                            }
                            _ => {
                                let (text, tone) = status_text(c, checkable);
                                match c.expires {
                                    Some(d) => {
                                        (format!("{text} · до {}", d.format("%d.%m.%Y")), tone)
                                    }
                                    None => (text, tone),
                                }
                            }
                        };
                        let detail = crate::model::status::last_check(c, checkable)
                            .and_then(|r| r.detail.clone())
                            .or_else(|| flow.and_then(|f| f.unchecked_note.clone()))
                            .unwrap_or_default();
                        let plain = if crate::model::status::plain_http(c) {
                            format!(" Внимание: {}.", crate::model::status::PLAIN_HTTP_NOTE)
                        } else {
                            String::new()
                        };
                        ui.add(egui::Label::new(RichText::new(text).color(color(tone))).truncate())
                            .on_hover_text(format!("{}. {detail}{plain}", st.title()));
                    });
                    row.col(|ui| {
                        if busy.contains(&c.id.as_str()) {
                            ui.spinner();
                            if ui.button("Отменить").clicked() {
                                commands.push(Command::CancelCheck(c.id.clone()));
                            }
                            return;
                        }
                        let no_secret = missing.contains(&c.id)
                            || crate::model::status::last_check(c, checkable)
                                .is_some_and(|r| r.kind == OutcomeKind::NoSecret);
                        let expiring = matches!(
                            st,
                            Status::Expired | Status::ExpiresIn7Days | Status::ExpiresIn30Days
                        );
                        if expiring && flow.is_some_and(|f| f.renew_from.is_some()) {
                            // A new key is what an expiring one needs, whatever else is wrong.
                            let renew = ui.button("Обновить ключ");
                            let name = format!("Обновить ключ «{}»", c.name);
                            ui.ctx()
                                .accesskit_node_builder(renew.id, move |n| n.set_label(name));
                            if renew.clicked() {
                                commands.push(Command::Renew(c.id.clone()));
                            }
                        } else if let Some(p) = paused(c, flow) {
                            if ui.button(p.resume).clicked() {
                                commands.push(Command::ResumePending(c.id.clone()));
                            }
                        } else if no_secret {
                            // Checking again would fail the same way: offer the way out.
                            if ui.button("Ввести секрет").clicked() {
                                self.secret_entry = services
                                    .catalog
                                    .get(&c.flow)
                                    .and_then(|flow| secret_entry::SecretEntry::new(c, flow));
                            }
                        } else if checkable && ui.button("Проверить снова").clicked()
                        {
                            commands.push(Command::Check(c.id.clone()));
                        }
                        if removal_button(ui, services, c, commands) {
                            self.confirm_delete = Some(c.id.clone());
                        }
                    });
                });
            });
    }

    fn delete_modal(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete.clone() else {
            return;
        };
        let Some(c) = services.storage.get(&id) else {
            self.confirm_delete = None;
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("confirm_delete")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Удалить подключение?");
            ui.label(format!("«{}» будет удалено из списка, его секреты — из хранилища паролей. В самой системе {} ничего не изменится.", c.name, c.system));
            ui.horizontal(|ui| {
                if ui.button("Удалить").clicked() {
                    commands.push(Command::Delete(id.clone()));
                    self.confirm_delete = None;
                }
                if ui.button("Оставить").clicked() {
                    self.confirm_delete = None;
                }
            });
        });
        if modal.should_close() {
            self.confirm_delete = None;
        }
    }
}

/// Column widths of the list for the width it has: the actions always get what their longest
/// buttons need; the system column gives way first on a narrow window (it stays in the name's
/// tooltip and in the filter), then status and expiry shrink and shorten their text with «…».
struct Columns {
    system: bool,
    status: f32,
    actions: f32,
}

impl Columns {
    fn for_width(ui: &egui::Ui, services: &Services, rows: usize) -> Self {
        let button = |text: &str| ui.button_width(text);
        let gap = ui.spacing().item_spacing.x;
        let resumes = services
            .catalog
            .creators()
            .flat_map(|f| f.steps.iter().filter_map(|s| s.wait.as_ref()))
            .map(|w| button(&w.resume));
        let first = [
            "Продолжить настройку",
            "Ввести секрет",
            "Проверить снова",
            "Обновить ключ",
        ]
        .map(button)
        .into_iter()
        .chain(resumes)
        .fold(
            button("Отменить") + ui.spacing().interact_size.y + gap,
            f32::max,
        );
        let second = services
            .catalog
            .creators()
            .filter_map(|f| services.catalog.remover_for(&f.id))
            .map(|r| button(&remover_label(&r.title)))
            .fold(button("Удалить"), f32::max);
        let actions = (first + gap + second + 4.0).ceil();
        // The scroll bar takes its width from the right edge once the list is longer than the view.
        let bar = if rows > 0 {
            ui.spacing().scroll.bar_width + gap
        } else {
            0.0
        };
        let spare = ui.available_width() - actions - bar - 3.0 * gap;
        // State and expiry share one cell; the name keeps at least 160, ideally 300.
        let status = (spare - 300.0).clamp(130.0, 290.0);
        // The system column only when the name still gets a good width beside it.
        let system = spare - status - 120.0 - gap >= 300.0;
        Self {
            system,
            status,
            actions,
        }
    }
}

/// A system's short tag for a narrow list: «Vision Ellcom → WB Point» → «Vision → WB»,
/// «ЕИС → БФТ.Закупки» → «ЕИС → БФТ», «ELMA365» stays.
fn short_system(system: &str) -> String {
    system
        .split(" → ")
        .map(|side| {
            let word = side.split_whitespace().next().unwrap_or(side);
            word.split('.').next().unwrap_or(word)
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Under the expiry notice: «Обновить ключ» for each connection it names that can be renewed.
fn renew_buttons(ui: &mut egui::Ui, services: &Services, commands: &mut Vec<Command>) {
    let list = services.storage.list();
    let soon = filter::expiring(&list, Services::today());
    ui.horizontal_wrapped(|ui| {
        for (c, _) in soon.iter().take(filter::EXPIRING_SHOWN) {
            let renewable = services
                .catalog
                .get(&c.flow)
                .is_some_and(|f| f.renew_from.is_some());
            if !renewable {
                continue;
            }
            // A long name is shortened on the button; a screen reader hears it whole.
            let shown = ui.middle_ellipsis(&c.name, 320.0);
            let button = ui.button(format!("Обновить ключ «{shown}»"));
            let full = format!("Обновить ключ «{}»", c.name);
            ui.ctx()
                .accesskit_node_builder(button.id, move |n| n.set_label(full));
            if button.clicked() {
                commands.push(Command::Renew(c.id.clone()));
            }
        }
    });
}

/// How a paused connection reads and continues («Ждём разрешения клиента», «Клиент разрешил —
/// продолжить»); `None` when it is not paused.
pub(crate) fn paused(
    c: &Connection,
    flow: Option<&crate::flow::Flow>,
) -> Option<crate::flow::Paused> {
    let step = c.pending_step?;
    Some(flow.map_or_else(
        || crate::flow::Paused {
            state: format!("Настройка не закончена — шаг {}", step + 1),
            resume: "Продолжить настройку".to_owned(),
        },
        |f| f.paused(step),
    ))
}

/// «ELMA365: удалить токен» → «Удалить токен».
/// A flow's own removal wizard where the document has one («Удалить токен»), otherwise
/// «Удалить»; true when that plain «Удалить» was pressed (the caller asks first).
pub(crate) fn removal_button(
    ui: &mut egui::Ui,
    services: &Services,
    c: &Connection,
    commands: &mut Vec<Command>,
) -> bool {
    let allowed = services.storage.rights().delete;
    let locked = |r: egui::Response| {
        if allowed {
            r
        } else {
            r.on_disabled_hover_text(LOCKED_DELETE)
        }
    };
    match services.catalog.remover_for(&c.flow) {
        Some(remover) => {
            if locked(ui.add_enabled(allowed, egui::Button::new(remover_label(&remover.title))))
                .clicked()
            {
                commands.push(Command::StartFlow {
                    flow: remover.id.clone(),
                    target: Some(c.id.clone()),
                    entry: 0,
                });
            }
            false
        }
        None => locked(ui.add_enabled(allowed, egui::Button::new("Удалить"))).clicked(),
    }
}

/// Why a button is locked in the team store: the administrator did not give the right.
pub(crate) const LOCKED_DELETE: &str =
    "Нет права удалять в хранилище команды — его даёт администратор хранилища.";
pub(crate) const LOCKED_WRITE: &str =
    "Нет права записывать в хранилище команды — его даёт администратор хранилища.";
pub(crate) const LOCKED_READ: &str =
    "Нет права читать секреты в хранилище команды — его даёт администратор хранилища.";

fn remover_label(title: &str) -> String {
    let action = title.split_once(": ").map_or(title, |(_, a)| a);
    let mut chars = action.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::short_system;

    #[test]
    fn system_tags_are_short() {
        assert_eq!(short_system("Vision Ellcom → WB Point"), "Vision → WB");
        assert_eq!(short_system("ЕИС → БФТ.Закупки"), "ЕИС → БФТ");
        assert_eq!(short_system("Ivideon → PASS24.online"), "Ivideon → PASS24");
        assert_eq!(short_system("ELMA365"), "ELMA365");
    }
}
