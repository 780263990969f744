//! Runs `klyuchnik check --notify` when Ключник is closed, with what the system already has:
//! on Linux a systemd user timer (at logon and every day at 10:00) where `systemd --user`
//! runs, else an XDG autostart entry (at logon); on Windows a per-user Task Scheduler task.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What is switched on now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Off,
    /// A systemd user timer: at logon and daily.
    SystemdTimer,
    /// An XDG autostart entry: at logon only.
    Autostart,
    /// A Task Scheduler task.
    WindowsTask,
}

impl State {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Off => "выключены",
            Self::SystemdTimer => {
                "включены: таймер systemd пользователя — при входе и каждый день в 10:00"
            }
            Self::Autostart => "включены: автозапуск при входе в систему",
            Self::WindowsTask => {
                "включены: задание планировщика Windows — при входе и каждый день в 10:00"
            }
        }
    }

    pub fn is_on(self) -> bool {
        self != Self::Off
    }
}

const UNIT: &str = "klyuchnik-reminders";

/// Where the schedule is written and what it runs.
#[derive(Debug, Clone)]
pub struct Scheduler {
    /// The user's settings folder (`~/.config`); `None` when it cannot be found.
    config: Option<PathBuf>,
    /// The program a scheduled run starts.
    program: Result<PathBuf, String>,
    /// Whether to use the system's scheduler (`systemd --user`, Task Scheduler); tests turn
    /// it off and get only the autostart entry.
    native: bool,
}

impl Scheduler {
    /// The real thing: this very program, the user's settings folder, systemd if it runs.
    pub fn system() -> Self {
        Self {
            config: directories::BaseDirs::new().map(|d| d.config_dir().to_owned()),
            program: std::env::current_exe()
                .map_err(|e| format!("не удалось узнать путь к программе: {e}")),
            native: true,
        }
    }

    /// An XDG autostart entry under `config` that runs `program` (tests; no systemd).
    pub fn autostart_in(config: &Path, program: &Path) -> Self {
        Self {
            config: Some(config.to_owned()),
            program: Ok(program.to_owned()),
            native: false,
        }
    }

    fn unit_dir(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|d| d.join("systemd").join("user"))
    }

    fn autostart_file(&self) -> Option<PathBuf> {
        self.config
            .as_ref()
            .map(|d| d.join("autostart").join(format!("{UNIT}.desktop")))
    }

    fn systemd_user_runs(&self) -> bool {
        self.native
            && Command::new("systemctl")
                .args(["--user", "show-environment"])
                .output()
                .is_ok_and(|o| o.status.success())
    }

    pub fn status(&self) -> State {
        if cfg!(windows) && self.native {
            return if windows_task_exists() {
                State::WindowsTask
            } else {
                State::Off
            };
        }
        if self
            .unit_dir()
            .is_some_and(|d| d.join(format!("{UNIT}.timer")).exists())
        {
            State::SystemdTimer
        } else if self.autostart_file().is_some_and(|f| f.exists()) {
            State::Autostart
        } else {
            State::Off
        }
    }

    /// Switches the scheduled reminders on; returns what is on now.
    pub fn on(&self) -> Result<State, String> {
        let exe = self.program.clone()?;
        if cfg!(windows) && self.native {
            return windows_task_on(&exe).map(|()| State::WindowsTask);
        }
        if self.systemd_user_runs() {
            let dir = self
                .unit_dir()
                .ok_or("не найдена папка настроек пользователя")?;
            // KillMode=process: the run leaves behind the small process that waits for a
            // click on its notification (to open Ключник); the default would kill it.
            write(
                &dir.join(format!("{UNIT}.service")),
                &format!(
                    "[Unit]\nDescription=Ключник: напоминания о сроках ключей\n\n[Service]\nType=oneshot\nKillMode=process\nExecStart={} check --notify\n",
                    quoted(&exe)
                ),
            )?;
            write(
                &dir.join(format!("{UNIT}.timer")),
                "[Unit]\nDescription=Ключник: напоминания о сроках ключей (при входе и каждый день в 10:00)\n\n[Timer]\nOnStartupSec=2min\nOnCalendar=*-*-* 10:00:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
            )?;
            systemctl(&["daemon-reload"])?;
            systemctl(&["enable", "--now", &format!("{UNIT}.timer")])?;
            return Ok(State::SystemdTimer);
        }
        let file = self
            .autostart_file()
            .ok_or("не найдена папка настроек пользователя")?;
        write(
            &file,
            &format!(
                "[Desktop Entry]\nType=Application\nName=Ключник: напоминания о сроках ключей\nExec={} check --notify\nNoDisplay=true\nX-GNOME-Autostart-enabled=true\n",
                quoted(&exe)
            ),
        )?;
        Ok(State::Autostart)
    }

    /// Switches them off, whichever way they were on.
    pub fn off(&self) -> Result<(), String> {
        if cfg!(windows) && self.native {
            return windows_task_off();
        }
        if let Some(dir) = self.unit_dir() {
            let timer = dir.join(format!("{UNIT}.timer"));
            if timer.exists() && self.systemd_user_runs() {
                systemctl(&["disable", "--now", &format!("{UNIT}.timer")])?;
            }
            remove(&timer)?;
            remove(&dir.join(format!("{UNIT}.service")))?;
        }
        if let Some(file) = self.autostart_file() {
            remove(&file)?;
        }
        Ok(())
    }
}

fn systemctl(args: &[&str]) -> Result<(), String> {
    let mut all = vec!["--user"];
    all.extend_from_slice(args);
    run("systemctl", &all)
}

/// Runs a system tool; its error output becomes the message when it fails. On Windows without
/// a console window: the GUI program must not flash one.
fn run(tool: &str, args: &[&str]) -> Result<(), String> {
    let mut command = Command::new(tool);
    command.args(args);
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    let out = command.output().map_err(|e| format!("{tool}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    crate::store::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("не удалось записать {}: {e}", path.display()))
}

fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("не удалось удалить {}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Quotes a path for a systemd `ExecStart=` or a desktop entry's `Exec=`.
fn quoted(path: &Path) -> String {
    let s = path.display().to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The Task Scheduler task's name (per user, no admin rights needed).
const TASK: &str = "Ключник — напоминания о сроках";

fn schtasks(args: &[&str]) -> Result<(), String> {
    run("schtasks", args)
}

fn windows_task_exists() -> bool {
    schtasks(&["/Query", "/TN", TASK]).is_ok()
}

/// A daily task at 10:00; a second one at logon.
fn windows_task_on(exe: &Path) -> Result<(), String> {
    let run = format!("{} check --notify", quoted(exe));
    schtasks(&[
        "/Create", "/F", "/SC", "DAILY", "/ST", "10:00", "/TN", TASK, "/TR", &run,
    ])?;
    schtasks(&[
        "/Create",
        "/F",
        "/SC",
        "ONLOGON",
        "/TN",
        &format!("{TASK} (вход)"),
        "/TR",
        &run,
    ])
}

fn windows_task_off() -> Result<(), String> {
    let _ = schtasks(&["/Delete", "/F", "/TN", &format!("{TASK} (вход)")]);
    if windows_task_exists() {
        schtasks(&["/Delete", "/F", "/TN", TASK])?;
    }
    Ok(())
}
