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
    /// The scheduler does not tell (Wine's `schtasks` has no `/Query`).
    Unknown,
}

impl State {
    /// A sentence saying what is on (without the full stop).
    pub fn describe(self) -> &'static str {
        match self {
            Self::Off => "Напоминания о сроках выключены",
            Self::SystemdTimer => {
                "Напоминания о сроках включены: таймер systemd пользователя — при входе и каждый день в 10:00"
            }
            Self::Autostart => "Напоминания о сроках включены: автозапуск при входе в систему",
            Self::WindowsTask => {
                "Напоминания о сроках включены: задание планировщика Windows — при входе и каждый день в 10:00"
            }
            Self::Unknown => {
                "Включены ли напоминания о сроках, неизвестно: планировщик Windows не сообщает о своих заданиях"
            }
        }
    }

    pub fn is_on(self) -> bool {
        !matches!(self, Self::Off | Self::Unknown)
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
            return windows_task_state();
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

/// Runs a system tool; its error output becomes the message when it fails.
fn run(tool: &str, args: &[&str]) -> Result<(), String> {
    let out = spawn(tool, args)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} {}: {}",
            args.join(" "),
            crate::platform::console::console_text(&out.stderr).trim()
        ))
    }
}

/// Whether a system tool succeeded, and what it printed; `Err` when it could not be started.
fn run_output(tool: &str, args: &[&str]) -> Result<(bool, String), String> {
    let out = spawn(tool, args)?;
    Ok((
        out.status.success(),
        crate::platform::console::console_text(&out.stdout),
    ))
}

/// Runs a system tool to its end, without a console window on Windows.
fn spawn(tool: &str, args: &[&str]) -> Result<std::process::Output, String> {
    let mut command = Command::new(tool);
    command.args(args);
    crate::platform::console::no_console_window(&mut command);
    command.output().map_err(|e| format!("{tool}: {e}"))
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
pub const TASK: &str = "Ключник — напоминания о сроках";

/// The task exists when `schtasks` prints its definition. Wine's `schtasks` answers every
/// `/Query` with success and no output: that is «не известно», not «включены».
fn windows_task_state() -> State {
    match run_output("schtasks", &["/Query", "/TN", TASK, "/XML", "ONE"]) {
        Ok((true, out)) if out.contains("<Task") => State::WindowsTask,
        Ok((true, _)) | Err(_) => State::Unknown,
        Ok((false, _)) => State::Off,
    }
}

/// One task with two triggers — at logon (after 2 minutes) and daily at 10:00, a missed run
/// made up when the computer is back on — created from its XML definition: the only form of
/// `/Create` that Wine's `schtasks` has too, and the only one that puts both triggers in one
/// task without admin rights.
fn windows_task_on(exe: &Path) -> Result<(), String> {
    let file = std::env::temp_dir().join(format!("klyuchnik-task-{}.xml", std::process::id()));
    // Task Scheduler reads UTF-16 with a byte-order mark.
    let xml = task_xml(exe, windows_user().as_deref());
    let bytes: Vec<u8> = std::iter::once(0xFEFF_u16)
        .chain(xml.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&file, bytes)
        .map_err(|e| format!("не удалось записать {}: {e}", file.display()))?;
    let path = file.display().to_string();
    let result = run("schtasks", &["/Create", "/F", "/TN", TASK, "/XML", &path]);
    let _ = std::fs::remove_file(&file);
    result
}

fn windows_task_off() -> Result<(), String> {
    if windows_task_state() == State::Off {
        return Ok(());
    }
    run("schtasks", &["/Delete", "/F", "/TN", TASK])
}

/// `DOMAIN\user` of whoever runs this: the logon trigger is for this user only.
fn windows_user() -> Option<String> {
    let user = std::env::var("USERNAME").ok()?;
    Some(match std::env::var("USERDOMAIN") {
        Ok(domain) if !domain.is_empty() => format!("{domain}\\{user}"),
        _ => user,
    })
}

/// The task's definition (Task Scheduler schema 1.2, Windows 7 and later).
pub fn task_xml(exe: &Path, user: Option<&str>) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let user = user.map_or_else(String::new, |u| format!("<UserId>{}</UserId>", esc(u)));
    format!(
        r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Ключник: напоминания о сроках ключей (klyuchnik.exe check --notify) при входе и каждый день в 10:00.</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>{user}
      <Delay>PT2M</Delay>
    </LogonTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T10:00:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{}</Command>
      <Arguments>check --notify</Arguments>
    </Exec>
  </Actions>
</Task>
"#,
        esc(&exe.display().to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_runs_this_program_at_logon_and_daily() {
        let xml = task_xml(
            Path::new(r"C:\Программы\A&B\klyuchnik.exe"),
            Some(r"PC\Оля"),
        );
        assert!(xml.contains(r"<Command>C:\Программы\A&amp;B\klyuchnik.exe</Command>"));
        assert!(xml.contains("<Arguments>check --notify</Arguments>"));
        assert!(xml.contains(r"<UserId>PC\Оля</UserId>"));
        assert!(xml.contains("<LogonTrigger>") && xml.contains("<CalendarTrigger>"));
        assert!(xml.contains("T10:00:00</StartBoundary>"));
        assert!(xml.contains("<StartWhenAvailable>true</StartWhenAvailable>"));
        assert!(xml.contains("<RunLevel>LeastPrivilege</RunLevel>"));
    }
}
