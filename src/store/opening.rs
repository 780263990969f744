//! Opening the store on a thread of its own, started before the window: reading, parsing and
//! ordering a long list then overlaps the window's own start (the graphics driver alone takes
//! ~0.1 s) instead of following it.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use super::{OpenNotice, Store};

type Opened = (Store, Option<OpenNotice>);

pub struct Opening {
    path: PathBuf,
    thread: Mutex<Option<JoinHandle<Opened>>>,
    done: OnceLock<Opened>,
}

impl Opening {
    /// Starts [`Store::open`] for `path`; if no thread can be started, [`Self::wait`] opens it.
    pub fn start(path: PathBuf) -> Self {
        let thread = std::thread::Builder::new()
            .name("store-open".to_owned())
            .spawn({
                let path = path.clone();
                move || {
                    let started = std::time::Instant::now();
                    let opened = Store::open(&path);
                    // The home screen sorts by name at its first frame.
                    let list = opened.0.snapshot();
                    list.rank();
                    tracing::debug!(
                        "{} connections read and ordered in {:?}",
                        list.len(),
                        started.elapsed()
                    );
                    opened
                }
            })
            .inspect_err(|e| tracing::warn!("opening the connections file on a thread: {e}"))
            .ok();
        Self {
            path,
            thread: Mutex::new(thread),
            done: OnceLock::new(),
        }
    }

    /// The store and what happened at opening; the same for every call (a second window
    /// attempt after a failed renderer must not open the file again: opening may have moved
    /// a damaged file aside, and its notice would be lost).
    pub fn wait(&self) -> Opened {
        self.done
            .get_or_init(|| {
                let thread = self
                    .thread
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                thread
                    .and_then(|t| t.join().ok())
                    .unwrap_or_else(|| Store::open(&self.path))
            })
            .clone()
    }
}
