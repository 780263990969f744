//! Every `KLYUCHNIK_*` setting, read here and nowhere else; the window and the command line
//! both take them from here.

use crate::integrations::ClientOptions;
use crate::store::{Home, Secrets};

/// The data folder (portable use, tests).
pub const HOME: &str = "KLYUCHNIK_HOME";
/// The secret store: `secret-service`, `keyutils`, `windows`, `macos`, or `none` (no store at
/// all — for trying how the app copes).
pub const KEYRING: &str = "KLYUCHNIK_KEYRING";
/// Seconds an online check may take, for slow links and tests.
pub const CHECK_TIMEOUT: &str = "KLYUCHNIK_CHECK_TIMEOUT";
/// Seconds a writer waits for another program holding the connections file's lock (default
/// 10); for slow network folders and tests.
pub const LOCK_WAIT: &str = "KLYUCHNIK_LOCK_WAIT";
/// `1`: the window quits once its first frame is shown (the start-up benchmark, scripts/bench.sh).
pub const EXIT_AFTER_FIRST_FRAME: &str = "KLYUCHNIK_EXIT_AFTER_FIRST_FRAME";

fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `KLYUCHNIK_HOME` if set, else the per-user config folder (`%APPDATA%\Klyuchnik` on Windows).
pub fn home() -> Option<Home> {
    match std::env::var_os(HOME).filter(|v| !v.is_empty()) {
        Some(dir) => Some(Home::new(dir)),
        None => Home::per_user(),
    }
}

/// The secret store `KLYUCHNIK_KEYRING` names, or the platform's best one.
pub fn secrets() -> Secrets {
    Secrets::open(setting(KEYRING).as_deref())
}

/// The checks' client: the defaults with `KLYUCHNIK_CHECK_TIMEOUT` applied. A bad value is an
/// error the command line reports as a usage error and the window logs.
pub fn check_options() -> Result<ClientOptions, String> {
    ClientOptions::with_timeout_setting(setting(CHECK_TIMEOUT).as_deref())
}

/// Applies `KLYUCHNIK_LOCK_WAIT` to every writer of this process. A bad value is an error the
/// command line reports as a usage error and the window logs (the default wait stays).
pub fn apply_lock_wait() -> Result<(), String> {
    let Some(value) = setting(LOCK_WAIT) else {
        return Ok(());
    };
    let seconds = value
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .ok_or_else(|| {
            format!("{LOCK_WAIT}: ожидается число секунд от 0,1 до 3600, а указано «{value}»")
        })?;
    crate::store::file_lock::set_wait(std::time::Duration::from_secs_f64(seconds));
    Ok(())
}

/// Whether the start-up benchmark asked the window to quit after its first frame.
pub fn exit_after_first_frame() -> bool {
    setting(EXIT_AFTER_FIRST_FRAME).as_deref() == Some("1")
}

/// Opens `url` in the person's browser without waiting for it.
pub fn open_browser(url: &str) -> Result<(), String> {
    open::that_detached(url).map_err(|e| {
        tracing::warn!("could not open the browser: {e}");
        e.to_string()
    })
}
