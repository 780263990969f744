//! Headless commands over the same library as the window: list, check, add, remove, export,
//! import. Messages in Russian; `--json` output is stable (documented in the README).
//! Exit codes: 0 — all fine; 1 — something needs attention or failed; 2 — usage error.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Local, Utc};
use clap::{ArgAction, Parser, Subcommand};
use serde::Serialize;

use crate::flow::draft::Draft;
use crate::flow::value::Verdict;
use crate::flow::{Catalog, FieldKind, FlowKind};
use crate::integrations::ClientOptions;
use crate::model::OutcomeKind;
use crate::model::status::{self, Status};
use crate::model::{Connection, Secret};
use crate::ops::transfer::printable;
use crate::ops::{self, Storage, transfer};
use crate::platform::jobs::Runner;
use crate::store::{self, Home, Secrets, Store};

const HELP: &str = "\
{about}

Использование: {usage}

Команды:
{subcommands}

Параметры:
{options}
{after-help}";

const SUB_HELP: &str = "\
{about}

Использование: {usage}

Аргументы и параметры:
{positionals}
{options}
{after-help}";

/// Без команды открывается окно программы.
#[derive(Debug, Parser)]
#[command(
    name = "klyuchnik",
    version,
    about = "Ключник: ключи интеграции между деловыми системами — список, проверка, добавление без окна.",
    after_help = "Без команды открывается окно. Папка данных — KLYUCHNIK_HOME или папка настроек пользователя.\n\
                  Коды выхода: 0 — всё в порядке, 1 — что-то требует внимания, 2 — ошибка в параметрах.",
    help_template = HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Показать эту справку
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Показать версию
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Список сохранённых подключений
    #[command(help_template = SUB_HELP)]
    List {
        /// Вывести в JSON
        #[arg(long)]
        json: bool,
    },
    /// Проверить подключения онлайн и по сроку действия (код 1 — если что-то требует внимания)
    #[command(help_template = SUB_HELP)]
    Check {
        /// Вывести в JSON
        #[arg(long)]
        json: bool,
        /// Показать уведомление о сроках: за 30, 7 и 1 день и после истечения, по разу
        #[arg(long)]
        notify: bool,
        /// Названия подключений; без них — все
        #[arg(value_name = "НАЗВАНИЕ")]
        names: Vec<String>,
    },
    /// Создать подключение без окна; значения секретов читаются со стандартного ввода
    #[command(
        help_template = SUB_HELP,
        after_help = "Мастера: elma365, vision-ellcom, eis-token, ivideon-pass24, eis-bft.\n\
                      Пример: echo \"$TOKEN\" | klyuchnik add elma365 --name \"ELMA365 — 1С\" --set address=acme --secret token"
    )]
    Add {
        /// Мастер (система)
        #[arg(value_name = "МАСТЕР")]
        flow: String,
        /// Название подключения
        #[arg(long, value_name = "НАЗВАНИЕ")]
        name: String,
        /// Значение поля; можно повторять
        #[arg(long = "set", value_name = "ПОЛЕ=ЗНАЧЕНИЕ")]
        set: Vec<String>,
        /// Секретное поле: его значение — следующая строка стандартного ввода; можно повторять
        #[arg(long = "secret", value_name = "ПОЛЕ")]
        secret: Vec<String>,
    },
    /// Удалить подключение и его секреты из хранилища паролей
    #[command(help_template = SUB_HELP)]
    Remove {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
    },
    /// Напоминания о сроках, когда Ключник закрыт: on — включить, off — выключить, status — состояние
    #[command(help_template = SUB_HELP)]
    Reminders {
        #[arg(value_name = "on|off|status", value_parser = ["on", "off", "status"])]
        action: String,
    },
    /// Показывает одно уведомление и ждёт щелчка по нему (его запускает `check --notify`)
    #[command(hide = true)]
    Notification {
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        urgent: bool,
        /// Подключение, на котором открыть окно после щелчка
        #[arg(long)]
        open: Option<String>,
    },
    /// Найти в хранилище паролей записи Ключника без подключения (после сбоев и старых версий)
    #[command(help_template = SUB_HELP)]
    Doctor {
        /// Удалить найденные записи
        #[arg(long)]
        fix: bool,
    },
    /// Выгрузить подключения в файл JSON (без секретов)
    #[command(help_template = SUB_HELP)]
    Export {
        #[arg(value_name = "ФАЙЛ")]
        file: PathBuf,
        /// Заменить файл, если он уже есть
        #[arg(long)]
        force: bool,
    },
    /// Загрузить подключения из файла выгрузки; существующие не перезаписываются
    #[command(help_template = SUB_HELP)]
    Import {
        #[arg(value_name = "ФАЙЛ")]
        file: PathBuf,
    },
}

/// Prints a line to standard output. A reader that went away (`klyuchnik list | head`) ends
/// the output quietly instead of a panic.
fn say(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let text = text.strip_suffix('\n').unwrap_or(text);
    if writeln!(out, "{text}").is_err() {
        std::process::exit(0);
    }
}

/// A warning on standard error: the command goes on.
fn warn(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "Ключник: внимание: {text}");
}

macro_rules! say_fmt {
    ($($arg:tt)*) => {
        say(&format!($($arg)*))
    };
}

/// A failure with its exit code.
struct Fail {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: message.into(),
    }
}

fn failed(message: impl Into<String>) -> Fail {
    Fail {
        code: 1,
        message: message.into(),
    }
}

/// Runs the command line `args` (program name first).
pub fn run(args: Vec<std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    match dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("Ключник: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// clap's own messages are English; say the same in Russian.
fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k| e.get(k).map(ToString::to_string).unwrap_or_default();
    let text = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            say(&e.to_string());
            return ExitCode::SUCCESS;
        }
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная команда «{}»",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => {
            format!("неизвестный параметр «{}»", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => {
            format!("не хватает параметра {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "не указана команда".to_owned()
        }
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            "лишние значения в параметрах".to_owned()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("неверное значение «{}»", ctx(ContextKind::InvalidValue))
        }
        _ => "неверные параметры".to_owned(),
    };
    eprintln!("Ключник: {text}. Справка: klyuchnik --help");
    ExitCode::from(2)
}

struct Env {
    catalog: Catalog,
    /// The connections and their secrets, as the operations see them.
    storage: Arc<dyn Storage>,
    /// The connections file was damaged and moved aside: whatever the command does, the exit
    /// code says something needs attention.
    moved_aside: bool,
}

fn open_env() -> Result<Env, Fail> {
    let home = Home::from_env()
        .ok_or_else(|| failed("не удалось определить папку данных; укажите KLYUCHNIK_HOME"))?;
    let catalog =
        Catalog::embedded().map_err(|e| failed(format!("встроенные мастера повреждены: {e}")))?;
    let (store, notice) = Store::open(&home.connections_file());
    if let Some(store::OpenNotice::Unreadable { reason }) = &notice {
        // Even `list` stops here: an empty list printed over an unread file would be a lie.
        return Err(failed(format!(
            "файл подключений {} не прочитан ({reason}); ничего не изменено. Исправьте доступ к \
             файлу или обновите Ключник",
            home.connections_file().display()
        )));
    }
    let moved_aside = notice.is_some();
    if let Some(store::OpenNotice::MovedAside {
        reason,
        moved_to,
        backup,
    }) = notice
    {
        eprintln!(
            "Ключник: файл подключений не прочитан ({reason}); он сохранён как {}",
            moved_to.display()
        );
        if let Some((copy, count)) = backup {
            eprintln!(
                "Ключник: есть резервная копия ({count} подключений): {}. Восстановить её можно в окне программы.",
                copy.display()
            );
        }
    }
    let secrets = Secrets::open_default();
    Ok(Env {
        catalog,
        storage: Arc::new(ops::Local::new(store, secrets)),
        moved_aside,
    })
}

fn dispatch(command: Command) -> Result<u8, Fail> {
    // Needs no data folder: only the system's scheduler.
    if let Command::Reminders { action } = &command {
        return reminders(action);
    }
    if let Command::Notification {
        title,
        body,
        urgent,
        open,
    } = command
    {
        return Ok(notification(
            &crate::reminders::notify::Note {
                title,
                body,
                urgent,
            },
            open.as_deref(),
        ));
    }
    let env = open_env()?;
    let code = run_command(&env, command)?;
    Ok(if env.moved_aside { code.max(1) } else { code })
}

fn run_command(env: &Env, command: Command) -> Result<u8, Fail> {
    match command {
        Command::List { json } => Ok(list(env, json)),
        Command::Check {
            json,
            notify,
            names,
        } => {
            let code = check_cmd(env, json, &names)?;
            if notify {
                notify_expiry(env);
            }
            Ok(code)
        }
        Command::Add {
            flow,
            name,
            set,
            secret,
        } => add(env, &flow, &name, &set, &secret),
        Command::Remove { name } => {
            let c = find(env, &name)?;
            ops::save::remove(&*env.storage, &c.id).map_err(|e| failed(e.to_string()))?;
            say_fmt!(
                "Подключение «{}» удалено вместе с секретами.",
                printable(&c.name)
            );
            Ok(0)
        }
        Command::Doctor { fix } => doctor(env, fix),
        Command::Reminders { action } => reminders(&action),
        Command::Notification { .. } => Ok(0), // handled above: needs no data folder
        Command::Export { file, force } => {
            if file.is_file() && !force {
                return Err(usage(format!(
                    "файл {} уже есть; чтобы заменить его, добавьте --force",
                    file.display()
                )));
            }
            let count = transfer::export_to(&*env.storage, &file)
                .map_err(|e| failed(format!("не удалось записать {}: {e}", file.display())))?;
            say_fmt!(
                "Выгружено подключений: {count} → {} (без секретов).",
                file.display()
            );
            Ok(0)
        }
        Command::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| usage(format!("не удалось прочитать {}: {e}", file.display())))?;
            let report = transfer::import(&*env.storage, &env.catalog, &text)
                .map_err(|e| usage(e.to_string()))?;
            for name in &report.added {
                say_fmt!("добавлено: {}", printable(name));
            }
            for (n, name, reason) in &report.rejected {
                eprintln!(
                    "запись {n} «{}» пропущена: {}",
                    printable(name),
                    printable(reason)
                );
            }
            say_fmt!(
                "Добавлено: {}, пропущено: {}. Секреты не переносятся — введите их заново.",
                report.added.len(),
                report.rejected.len()
            );
            Ok(u8::from(!report.rejected.is_empty()))
        }
    }
}

fn find(env: &Env, name: &str) -> Result<Connection, Fail> {
    ops::find_by_name(&*env.storage, name).ok_or_else(|| usage(format!("подключения «{name}» нет")))
}

/// `reminders on|off|status`: `check --notify` scheduled with the system's own means.
fn reminders(action: &str) -> Result<u8, Fail> {
    let scheduler = crate::reminders::schedule::Scheduler::system();
    match action {
        "on" => {
            let state = scheduler.on().map_err(failed)?;
            say_fmt!("{}.", state.describe());
        }
        "off" => {
            scheduler.off().map_err(failed)?;
            say_fmt!("{}.", crate::reminders::schedule::State::Off.describe());
        }
        _ => say_fmt!("{}.", scheduler.status().describe()),
    }
    Ok(0)
}

/// `doctor`: keyring entries of Ключник that no connection owns. Entries a wizard saved early
/// and is still using (its unfinished draft) are not orphans.
fn doctor(env: &Env, fix: bool) -> Result<u8, Fail> {
    let draft = Home::from_env()
        .and_then(|home| std::fs::read(home.draft_file()).ok())
        .and_then(|bytes| serde_json::from_slice::<Draft>(&bytes).ok());
    let found = ops::doctor::examine(
        &*env.storage,
        draft.as_ref().map(|d| d.connection_id.as_str()),
    )
    .map_err(|e| failed(format!("хранилище паролей не перечисляет записи: {e}")))?;
    say_fmt!(
        "Записей Ключника в хранилище паролей: {}; подключений: {}.",
        found.entries,
        found.connections
    );
    if found.orphans.is_empty() {
        say_fmt!("Записей без подключения нет.");
        return Ok(0);
    }
    for o in &found.orphans {
        let owner = o.owner.as_ref().map_or_else(
            || "подключения нет".to_owned(),
            |name| format!("подключение «{name}» этого поля не хранит"),
        );
        say_fmt!("без подключения: {}/{} ({owner})", o.connection, o.field);
    }
    if !fix {
        say_fmt!(
            "Найдено записей без подключения: {}. Удалить их: klyuchnik doctor --fix",
            found.orphans.len()
        );
        return Ok(1);
    }
    let failures = ops::doctor::remove_orphans(&*env.storage, &found.orphans);
    for (o, e) in &failures {
        eprintln!("Ключник: {}/{} не удалена: {e}", o.connection, o.field);
    }
    say_fmt!(
        "Удалено записей без подключения: {}.",
        found.orphans.len() - failures.len()
    );
    Ok(u8::from(!failures.is_empty()))
}

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    system: &'a str,
    flow: &'a str,
    status: Status,
    status_text: &'static str,
    needs_attention: bool,
    last_check: Option<CheckJson>,
    /// For a flow without an online check: why, and how the connection is followed instead;
    /// for an address without https, that the token travels in clear text.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    expires: Option<chrono::NaiveDate>,
    days_left: Option<i64>,
}

#[derive(Serialize)]
struct CheckJson {
    at: chrono::DateTime<Utc>,
    result: OutcomeKind,
    result_text: &'static str,
    detail: Option<String>,
}

fn row<'a>(env: &Env, c: &'a Connection) -> Row<'a> {
    let today = Local::now().date_naive();
    let flow = env.catalog.get(&c.flow);
    let checkable = flow.is_some_and(|f| f.check.is_some());
    let st = status::status(c, checkable, today);
    Row {
        name: &c.name,
        system: &c.system,
        flow: &c.flow,
        status: st,
        status_text: st.title(),
        needs_attention: st.needs_attention(),
        last_check: status::last_check(c, checkable).map(|r| CheckJson {
            at: r.at,
            result: r.kind,
            result_text: r.kind.title(),
            detail: r.detail.clone(),
        }),
        note: {
            let unchecked = flow
                .filter(|_| !checkable)
                .and_then(|f| f.unchecked_note.clone());
            // Said at every listing, not only once in the wizard.
            let plain = status::plain_http(c).then(|| status::PLAIN_HTTP_NOTE.to_owned());
            match (unchecked, plain) {
                (Some(a), Some(b)) => Some(format!("{a} Внимание: {b}.")),
                (a, b) => a.or(b),
            }
        },
        expires: c.expires,
        days_left: status::days_left(c, today),
    }
}

fn print_rows(rows: &[Row<'_>], json: bool) {
    if json {
        say(&serde_json::to_string_pretty(rows).unwrap_or_default());
        return;
    }
    if rows.is_empty() {
        say_fmt!("Подключений нет.");
    }
    for r in rows {
        let expires = r
            .expires
            .map(|d| format!(", до {}", d.format("%d.%m.%Y")))
            .unwrap_or_default();
        let check = r.last_check.as_ref().map_or(String::new(), |c| {
            let detail = c
                .detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!(
                "; проверка {}: {}{detail}",
                c.at.with_timezone(&Local).format("%d.%m.%Y %H:%M"),
                c.result_text
            )
        });
        let note = r
            .note
            .as_deref()
            .map(|n| format!(". {n}"))
            .unwrap_or_default();
        // A name or a server's text never reaches the terminal with control characters in
        // it: an escape sequence could clear the screen or forge a «В порядке» line.
        say_fmt!(
            "{}",
            printable(&format!(
                "{} — {}: {}{expires}{check}{note}",
                r.name, r.system, r.status_text
            ))
        );
    }
}

fn list(env: &Env, json: bool) -> u8 {
    let list = env.storage.list();
    let rows: Vec<Row<'_>> = list.iter().map(|c| row(env, c)).collect();
    print_rows(&rows, json);
    0
}

/// Runs the online checks with bounded concurrency, saves the results, prints the standing.
fn check_cmd(env: &Env, json: bool, names: &[String]) -> Result<u8, Fail> {
    let all = env.storage.list();
    let chosen: Vec<Connection> = if names.is_empty() {
        all.to_vec()
    } else {
        names
            .iter()
            .map(|n| find(env, n))
            .collect::<Result<_, _>>()?
    };
    let options = Arc::new(check_options()?);
    let runner =
        Runner::new().map_err(|e| failed(format!("не удалось запустить проверки: {e}")))?;
    let jobs = ops::check::checkable(&env.catalog, chosen.iter().cloned());
    let report = runner.block_on(ops::check::check_and_record(
        Arc::clone(&env.storage),
        options,
        jobs,
    ));
    if let Some(e) = report.record_error {
        return Err(failed(e.to_string()));
    }
    let after = env.storage.list();
    let rows: Vec<Row<'_>> = chosen
        .iter()
        .filter_map(|c| after.iter().find(|a| a.id == c.id))
        .map(|c| row(env, c))
        .collect();
    print_rows(&rows, json);
    Ok(u8::from(rows.iter().any(|r| r.needs_attention)))
}

/// `check --notify`: one notification for the expiry reminders due today, each threshold of a
/// connection shown once (remembered in the data folder). Never fails the command: a missing
/// notification service is a warning.
fn notify_expiry(env: &Env) {
    let Some(home) = Home::from_env() else {
        return;
    };
    let path = home.reminders_file();
    // Two runs at once (the logon trigger and the daily one) must not both notify: the second
    // waits here and then finds the reminders marked shown.
    let lock = std::fs::File::create(path.with_extension("json.lock"));
    let _locked = match &lock {
        Ok(file) => file
            .lock()
            .map_err(|e| tracing::warn!("reminders lock: {e}"))
            .ok(),
        Err(e) => {
            tracing::warn!("reminders lock: {e}");
            None
        }
    };
    let shown: crate::reminders::Shown = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let today = Local::now().date_naive();
    let (due, next) = crate::reminders::collect(&env.storage.list(), &shown, today);
    if due.is_empty() {
        tracing::info!("check --notify: nothing due");
        return;
    }
    let (title, body) = crate::reminders::notification(&due, today);
    let urgent = due
        .iter()
        .any(|(_, t)| *t >= crate::reminders::Threshold::Days1);
    let note = crate::reminders::notify::Note {
        title,
        body,
        urgent,
    };
    // With one connection due the click opens the window on it; with several, on the list.
    let open = match due.as_slice() {
        [(c, _)] => Some(c.id.as_str()),
        _ => None,
    };
    match crate::reminders::notify::show_detached(&note, open) {
        Ok(()) => {
            tracing::info!(reminders = due.len(), "check --notify: notification shown");
            if let Ok(bytes) = serde_json::to_vec_pretty(&next)
                && let Err(e) = store::write_atomic(&path, &bytes)
            {
                warn(&format!("не удалось запомнить показанные напоминания: {e}"));
            }
        }
        Err(e) => {
            tracing::warn!("check --notify: no notification: {e}");
            warn(&format!("уведомление не показано: {e}"));
        }
    }
}

/// `notification` (started by `check --notify`): shows the notification, says `ok` or
/// `error: …` on stdout for the parent, then waits for a click — bounded, so nothing lingers.
fn notification(note: &crate::reminders::notify::Note, open: Option<&str>) -> u8 {
    use std::io::Write as _;
    let home = Home::from_env();
    let shown = crate::reminders::notify::show(note, home.as_ref().map(Home::dir));
    let mut stdout = std::io::stdout();
    let shown = match shown {
        Ok(shown) => {
            let _ = writeln!(stdout, "ok").and_then(|()| stdout.flush());
            shown
        }
        Err(e) => {
            let _ = writeln!(stdout, "error: {e}").and_then(|()| stdout.flush());
            return 1;
        }
    };
    std::thread::spawn(|| {
        std::thread::sleep(crate::reminders::notify::WAIT_FOR_CLICK);
        std::process::exit(0);
    });
    if shown.wait_for_click() {
        tracing::info!(
            connection = open,
            "notification clicked: opening the window"
        );
        if let Err(e) = crate::reminders::notify::open_window(open) {
            tracing::warn!("could not open the window: {e}");
        }
    }
    0
}

/// The checks' client, with `KLYUCHNIK_CHECK_TIMEOUT` if set (a bad value is a usage error).
fn check_options() -> Result<ClientOptions, Fail> {
    ClientOptions::from_env().map_err(usage)
}

/// `add`: the same rules as the wizard, every field at once.
fn add(
    env: &Env,
    flow_id: &str,
    name: &str,
    set: &[String],
    secret_fields: &[String],
) -> Result<u8, Fail> {
    let flow = env
        .catalog
        .get(flow_id)
        .filter(|f| f.kind == FlowKind::Create)
        .ok_or_else(|| {
            usage(format!(
                "нет мастера «{flow_id}»; есть: {}",
                env.catalog
                    .creators()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let mut draft = Draft::new(flow, None);
    // The command line stands for the steps done by hand: their confirmations count as given.
    for (i, step) in flow.steps.iter().enumerate() {
        for n in 0..step.confirm.len() {
            draft.confirmed.insert(Draft::confirm_key(i, n));
        }
    }
    if let Some(name_field) = &flow.name_field {
        draft.values.insert(name_field.clone(), name.to_owned());
    }
    for pair in set {
        let (id, value) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("--set ждёт ПОЛЕ=ЗНАЧЕНИЕ, а не «{pair}»")))?;
        let field = flow.field(id).ok_or_else(|| {
            usage(format!(
                "у мастера «{flow_id}» нет поля «{id}»; есть: {}",
                field_list(flow)
            ))
        })?;
        match field.kind {
            FieldKind::Secret => {
                return Err(usage(format!(
                    "«{id}» — секрет: передайте его через --secret {id} и стандартный ввод, не в командной строке"
                )));
            }
            FieldKind::Table => {
                return Err(usage(format!("таблицу «{id}» задают в окне программы")));
            }
            _ => {
                draft.values.insert(id.to_owned(), value.to_owned());
            }
        }
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    for id in secret_fields {
        let field = flow
            .field(id)
            .filter(|f| f.is_secret())
            .ok_or_else(|| usage(format!("«{id}» не секретное поле мастера «{flow_id}»")))?;
        let line = lines
            .next()
            .transpose()
            .map_err(|e| usage(format!("не удалось прочитать стандартный ввод: {e}")))?;
        let line = line.ok_or_else(|| {
            usage(format!(
                "на стандартном вводе нет строки для секрета «{}»",
                field.id
            ))
        })?;
        draft.secrets.insert(id.clone(), Secret::new(line));
    }
    let today = Local::now().date_naive();
    let mut problems = Vec::new();
    for i in 0..flow.steps.len() {
        for (id, msg) in draft.problems(flow, i, today).fields {
            problems.push(format!("  {id}: {msg}"));
        }
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(usage(format!(
            "подключение не создано:\n{}",
            problems.join("\n")
        )));
    }
    // A guessed format is not refused, but the user hears about it, as in the wizard.
    for field in flow.fields() {
        if let Verdict::Valid {
            warning: Some(w), ..
        } = draft.verdict(field, today)
        {
            warn(&format!("{}: {w}", field.id));
        }
    }
    let (connection, values) = draft.to_connection(flow, today).map_err(usage)?;
    let saved_name = connection.name.clone();
    ops::save::save(&*env.storage, connection, &values).map_err(|e| match e {
        ops::SaveError::Store(store::StoreError::DuplicateName(_)) => usage(e.to_string()),
        other => failed(other.to_string()),
    })?;
    say_fmt!(
        "Подключение «{saved_name}» сохранено; секретов в хранилище паролей: {}.",
        values.len()
    );
    Ok(0)
}

fn field_list(flow: &crate::flow::Flow) -> String {
    flow.fields()
        .map(|f| {
            if f.is_secret() {
                format!("{} (секрет)", f.id)
            } else {
                f.id.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
