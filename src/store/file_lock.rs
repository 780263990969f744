//! The writers' lock on a lock file beside a data file, taken with a bounded wait.
//!
//! Another program may hold it for good — a hung Ключник, a backup tool, an antivirus scan.
//! Readers never take it (every write is an atomic replace, see `atomic`); a writer waits at
//! most [`wait`], says on the way that it waits (the window shows it, the command line prints
//! it), and then gives up with [`Busy`] having written nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a writer waits for the lock by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// After this long a wait is said out loud (a normal write holds the lock for milliseconds).
const SAY_AFTER: Duration = Duration::from_millis(500);

static WAIT_MS: AtomicU64 = AtomicU64::new(0);
static WAITING: AtomicUsize = AtomicUsize::new(0);
static ON_WAIT: OnceLock<fn(&Path, Duration)> = OnceLock::new();

/// The wait every writer of this process allows (`KLYUCHNIK_LOCK_WAIT`, `platform::env`).
pub fn set_wait(wait: Duration) {
    WAIT_MS.store(
        u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
        Ordering::Relaxed,
    );
}

/// The wait a writer allows before giving up.
pub fn wait() -> Duration {
    match WAIT_MS.load(Ordering::Relaxed) {
        0 => DEFAULT_WAIT,
        ms => Duration::from_millis(ms),
    }
}

/// Called once per wait, when it has lasted [`SAY_AFTER`], with the data file and the wait
/// allowed: the command line prints «…занят другой программой, ждём…». Set once per process.
pub fn on_wait(say: fn(&Path, Duration)) {
    let _ = ON_WAIT.set(say);
}

/// True while some writer of this process waits for another program's lock: the window shows
/// the waiting action as waiting.
pub fn someone_waits() -> bool {
    WAITING.load(Ordering::Relaxed) > 0
}

/// The lock was not released within the wait.
#[derive(Debug)]
pub struct Busy {
    pub waited: Duration,
}

#[derive(Debug)]
pub enum LockError {
    Busy(Busy),
    Io(std::io::Error),
}

/// `<file>.lock`: the data file itself cannot carry the lock, each write replaces it.
pub fn lock_path(file: &Path) -> PathBuf {
    super::atomic::sibling(file, ".lock")
}

/// Counts this thread as waiting while alive.
struct Waiting;

impl Waiting {
    fn new() -> Self {
        WAITING.fetch_add(1, Ordering::Relaxed);
        Self
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Takes the exclusive lock for `file` (on `<file>.lock`), waiting at most [`wait`]. Held until
/// the returned file is dropped. Two handles conflict within one process too (`flock`,
/// `LockFileEx`), so threads are serialised as well.
pub fn lock(file: &Path) -> Result<std::fs::File, LockError> {
    let path = lock_path(file);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(LockError::Io)?;
    }
    let handle = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(LockError::Io)?;
    let allowed = wait();
    let start = Instant::now();
    let mut waiting = None;
    let mut said = false;
    let mut pause = Duration::from_millis(5);
    loop {
        match handle.try_lock() {
            Ok(()) => return Ok(handle),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        let waited = start.elapsed();
        if waited >= allowed {
            tracing::warn!(
                "gave up waiting {waited:?} for the lock {}: another program holds it",
                path.display()
            );
            return Err(LockError::Busy(Busy { waited }));
        }
        if waiting.is_none() {
            waiting = Some(Waiting::new());
        }
        if !said && waited >= SAY_AFTER {
            said = true;
            tracing::info!("waiting for the lock {} (another program)", path.display());
            if let Some(say) = ON_WAIT.get() {
                say(file, allowed);
            }
        }
        std::thread::sleep(pause.min(allowed.saturating_sub(waited)));
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_ends_in_busy_after_the_wait_and_is_taken_once_free() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("data.json");
        let held = lock(&file).expect("first lock");
        set_wait(Duration::from_millis(300));
        let start = Instant::now();
        let second = lock(&file);
        assert!(matches!(second, Err(LockError::Busy(_))), "{second:?}");
        assert!(start.elapsed() >= Duration::from_millis(300));
        drop(held);
        assert!(lock(&file).is_ok(), "free again");
        set_wait(DEFAULT_WAIT);
    }
}
