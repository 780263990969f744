//! A native desktop notification: the freedesktop notification service over D-Bus on Linux, a
//! toast on Windows 10/11 (both through `notify-rust`). A click on it opens Ключник.
//!
//! A scheduled `check --notify` must not linger, yet a click can only be heard by the process
//! that showed the notification. So `check --notify` starts a small copy of itself
//! (`klyuchnik notification …`, see `cli`) that shows it, says on its stdout whether that
//! worked, and then waits — at most [`WAIT_FOR_CLICK`] — for a click.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the notification's process waits for a click before it quits. Notification
/// centres keep old notifications longer; a click after this does nothing.
pub const WAIT_FOR_CLICK: Duration = Duration::from_hours(8);

/// How long `check --notify` waits for the notification service to answer.
const SHOW_TIMEOUT: Duration = Duration::from_secs(10);

/// The name Windows shows the toasts under; registered per user (see `platform::window::register_toast_app`).
pub const APP_ID: &str = "Klyuchnik.Klyuchnik";

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub title: String,
    pub body: String,
    /// An expired key: shown as critical (stays on screen).
    pub urgent: bool,
}

/// A notification on screen, waiting for what the user does with it.
pub struct Shown {
    #[cfg(any(target_os = "linux", windows))]
    handle: notify_rust::NotificationHandle,
}

impl Shown {
    /// Blocks until the notification is clicked (true) or closed (false).
    pub fn wait_for_click(self) -> bool {
        #[cfg(any(target_os = "linux", windows))]
        {
            let mut clicked = false;
            let _ = self
                .handle
                .wait_for_response(|r: &notify_rust::NotificationResponse| {
                    clicked = matches!(
                        r,
                        notify_rust::NotificationResponse::Default
                            | notify_rust::NotificationResponse::Action(_)
                    );
                });
            clicked
        }
        #[cfg(not(any(target_os = "linux", windows)))]
        false
    }
}

/// Shows `note` in this process. `data_dir` holds the icon Windows shows beside the toast.
pub fn show(note: &Note, data_dir: Option<&Path>) -> Result<Shown, String> {
    #[cfg(any(target_os = "linux", windows))]
    {
        let mut n = notify_rust::Notification::new();
        n.appname("Ключник")
            .summary(&note.title)
            .body(&note.body)
            // Clicking the body is the "default" action; the label is what some servers show.
            .action("default", "Открыть Ключник")
            .urgency(if note.urgent {
                notify_rust::Urgency::Critical
            } else {
                notify_rust::Urgency::Normal
            });
        #[cfg(target_os = "linux")]
        n.icon("dialog-warning");
        #[cfg(windows)]
        {
            register_app_id(data_dir);
            n.app_id(APP_ID);
        }
        #[cfg(not(windows))]
        let _ = data_dir;
        n.show()
            .map(|handle| Shown { handle })
            .map_err(|e| format!("служба уведомлений недоступна ({e})"))
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = (note, data_dir);
        Err("уведомления на этой системе не поддерживаются".to_owned())
    }
}

/// Shows `note` from a separate copy of this program (`klyuchnik notification …`) that waits
/// for a click and then opens the window on `open` (a connection id), or on the list.
/// Returns once the notification is on screen, or why it is not.
pub fn show_detached(note: &Note, open: Option<&str>) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("не найден путь к программе: {e}"))?;
    let mut command = Command::new(exe);
    command
        .args(["notification", "--title", &note.title, "--body", &note.body])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if note.urgent {
        command.arg("--urgent");
    }
    if let Some(id) = open {
        command.args(["--open", id]);
    }
    crate::platform::console::no_console_window(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("не удалось запустить показ уведомления: {e}"))?;
    let Some(stdout) = child.stdout.take() else {
        return Err("нет связи с показом уведомления".to_owned());
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(SHOW_TIMEOUT) {
        Ok(line) if line.trim() == "ok" => Ok(()),
        Ok(line) => {
            let _ = child.wait();
            Err(line
                .trim()
                .strip_prefix("error: ")
                .unwrap_or("служба уведомлений не ответила")
                .to_owned())
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "служба уведомлений не ответила за {} с",
                SHOW_TIMEOUT.as_secs()
            ))
        }
    }
}

/// Opens the window: on «Обновить ключ» for connection `id` when given (the reminder was about
/// its expiry; its card when it has no renewal), else on the list. Does not wait for it.
pub fn open_window(id: Option<&str>) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    if let Some(id) = id {
        command.args(["open", "--renew", id]);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command.spawn().map(drop).map_err(|e| e.to_string())
}

/// Writes the icon beside the data and registers [`APP_ID`] with it (see
/// `platform::window::register_toast_app`).
#[cfg(windows)]
fn register_app_id(data_dir: Option<&Path>) {
    let icon = data_dir
        .map(|d| d.join("notification-icon.png"))
        .filter(|icon| std::fs::write(icon, include_bytes!("../../assets/icon.png")).is_ok());
    crate::platform::window::register_toast_app(APP_ID, "Ключник", icon.as_deref());
}
