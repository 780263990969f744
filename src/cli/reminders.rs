//! `reminders on|off|status`, and `notification` (the one `check --notify` starts).

use crate::store::Home;

use super::Fail;
use super::output::{failed, say};

/// `reminders on|off|status`: `check --notify` scheduled with the system's own means.
pub(super) fn reminders(action: &str) -> Result<u8, Fail> {
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

/// `notification` (started by `check --notify`): shows the notification, says `ok` or
/// `error: …` on stdout for the parent, then waits for a click — bounded, so nothing lingers.
pub(super) fn notification(note: &crate::reminders::notify::Note, open: Option<&str>) -> u8 {
    use std::io::Write as _;
    let home = crate::platform::env::home();
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
