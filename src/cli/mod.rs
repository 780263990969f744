//! Headless commands over the same operations as the window (`ops`): list, show, check, add,
//! set, secret, remove, export, import, doctor, reminders. One file per command. Messages in Russian;
//! `--json` output is stable (docs/cli.md).
//! Exit codes: 0 — all fine; 1 — something needs attention or failed; 2 — usage error.

#[macro_use]
mod output;
mod add;
mod args;
mod check;
mod doctor;
mod edit;
mod list;
mod reminders;
mod remove;
mod show;
mod team;
mod transfer;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::flow::Catalog;
use crate::model::Connection;
use crate::ops::{self, Storage};
use crate::store::{self, Store};

use args::{Cli, Command};
use output::Fail;
use output::{failed, say, usage};

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
    crate::platform::env::apply_lock_wait().map_err(usage)?;
    crate::store::file_lock::on_wait(output::say_lock_wait);
    let home = crate::platform::env::home()
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
    let secrets = crate::platform::env::secrets();
    // Logged in to a team store: every command works on it instead of this computer's list.
    let storage: Arc<dyn Storage> = match ops::team::open(&home, &secrets) {
        Some(Ok((team, _))) => Arc::new(team),
        Some(Err(e)) => return Err(failed(e.to_string())),
        None => Arc::new(ops::Local::new(store, secrets)),
    };
    Ok(Env {
        catalog,
        storage,
        moved_aside,
    })
}

fn dispatch(command: Command) -> Result<u8, Fail> {
    // Needs no data folder: only the system's scheduler.
    if let Command::Reminders { action } = &command {
        return reminders::reminders(action);
    }
    if let Command::Notification {
        title,
        body,
        urgent,
        open,
    } = command
    {
        return Ok(reminders::notification(
            &crate::reminders::notify::Note {
                title,
                body,
                urgent,
            },
            open.as_deref(),
        ));
    }
    if let Command::Team {
        action,
        addr,
        team,
        user,
        oidc,
        mount,
    } = &command
    {
        return team::team(
            action,
            addr.as_deref(),
            team.as_deref(),
            user.as_deref(),
            *oidc,
            mount,
        );
    }
    let env = open_env()?;
    let code = run_command(&env, command)?;
    Ok(if env.moved_aside { code.max(1) } else { code })
}

fn run_command(env: &Env, command: Command) -> Result<u8, Fail> {
    match command {
        Command::List { json } => Ok(list::list(env, json)),
        Command::Check {
            json,
            notify,
            names,
        } => {
            // A reminder goes out whether or not the results could be saved; a failure to
            // save is reported beside it.
            let code = check::check(env, json, &names);
            if notify {
                check::notify_expiry(env);
            }
            code
        }
        Command::Add {
            flow,
            name,
            set,
            secret,
        } => add::add(env, &flow, &name, &set, &secret),
        Command::Remove { name } => remove::remove(env, &name),
        Command::Show { name, json, reveal } => show::show(env, &name, json, reveal.as_deref()),
        Command::Set { name, values } => edit::set(env, &name, &values),
        Command::Secret { name, field } => edit::secret(env, &name, &field),
        Command::Renew { name, secret, set } => edit::renew(env, &name, &secret, &set),
        Command::Doctor { fix } => doctor::doctor(env, fix),
        Command::Reminders { action } => reminders::reminders(&action),
        // Handled above: they need no list. `open` opens the window (main.rs); only its help
        // reaches the command line.
        Command::Notification { .. } | Command::Team { .. } | Command::Open { .. } => Ok(0),
        Command::Export { file, force } => transfer::export(env, &file, force),
        Command::Import { file } => transfer::import(env, &file),
    }
}

fn find(env: &Env, name: &str) -> Result<Connection, Fail> {
    ops::find_by_name(&*env.storage, name)
        .ok_or_else(|| usage(format!("подключения «{}» нет", output::quoted(name))))
}
