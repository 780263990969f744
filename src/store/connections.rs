//! Saved connections: metadata only (no secrets), in a versioned JSON file.
//!
//! Several processes may write it at once — the window, `klyuchnik` commands, scheduled
//! checks. Every change is a read–modify–write under an exclusive OS lock on a lock file
//! beside it (`flock` / `LockFileEx`, with a bounded wait: `file_lock`): the list is re-read inside
//! the lock when another process changed the file, the change is applied to that list, and
//! the new file replaces the old one atomically before the lock is released. Writers are
//! therefore serialised and none works on a stale list; readers need no lock, because a rename
//! only ever shows them a whole old or a whole new file; a process killed mid-write loses its
//! lock with its life and leaves the old file (see `atomic`).
//!
//! A change that leaves the file as it was is not written, so `.bak` keeps the previous
//! *different* version; check results do not move it at all ([`Backup::Keep`]). A symbolic
//! link at the file's place is kept: the file it points at is written (and its `.bak` is beside
//! that file).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::atomic;
use super::file_lock::{self, LockError};
use super::io_words::io_words;
use crate::model::{Connection, List};

/// Version of the connections file this build writes.
pub const FILE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct FileFormat {
    version: u32,
    connections: Vec<Connection>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Не удалось записать файл подключений {path}: {}. Ничего не изменено.", io_words(.source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Подключение с названием «{0}» уже есть. Выберите другое название.")]
    DuplicateName(String),
    #[error("Подключение не найдено — возможно, его уже удалили.")]
    NotFound,
    #[error(
        "Файл подключений {path} изменила другая программа, и прочитать его не удалось ({reason}). \
         Ничего не записано; закройте другие окна Ключника и откройте его снова."
    )]
    ChangedUnreadable { path: PathBuf, reason: String },
    #[error(
        "Файл подключений {path} не прочитан ({reason}). Ключник ничего в него не записывает, \
         чтобы не затереть то, что в нём есть: исправьте доступ к файлу или обновите Ключник."
    )]
    Unreadable { path: PathBuf, reason: String },
    #[error("Не удалось получить доступ к файлу подключений {path}: {}", io_words(.source))]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another program held the writers' lock for the whole wait.
    #[error(
        "Файл подключений {path} занят другой программой: ждали {} с, он не освободился. \
         Ничего не записано. Закройте другие окна Ключника (или дождитесь, пока закончит \
         резервное копирование или антивирус) и повторите.",
        .waited.as_secs().max(1)
    )]
    Busy {
        path: PathBuf,
        waited: std::time::Duration,
    },
    /// The team store: a colleague wrote the connection after it was read. Says who and when.
    #[error("{0}")]
    Conflict(String),
    /// The team store refused or could not be reached (the reason in Russian, no secret).
    #[error("Хранилище команды: {0}")]
    Team(String),
}

/// What happened when the file was opened, for a notice on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenNotice {
    /// The file could not be read; it was renamed to `moved_to` and the list starts empty.
    MovedAside {
        reason: String,
        moved_to: PathBuf,
        /// A readable copy of the previous version, and how many connections it holds.
        backup: Option<(PathBuf, usize)>,
    },
    /// The file exists but this version cannot judge it (no access, a newer format) or could
    /// not move it aside: it is left as it is, and nothing is written until it can be read.
    Unreadable { reason: String },
}

/// The saved connections, shared between the UI and background jobs.
///
/// Readers get a cheap snapshot; a change writes the file first and only then replaces the
/// snapshot, so a failed write changes nothing.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    connections: Arc<List>,
    generation: u64,
    /// What the file looked like when the list above was read or written: a cheap hint for
    /// polling, and a digest of its bytes, which decides whether a writer must re-read.
    stamp: Option<Stamp>,
    digest: Option<u64>,
    /// The file could not be read at opening; writes are refused until it reads.
    blocked: bool,
}

/// Length and CRC-32 of the file's bytes (`None`: no file). Writers compare contents, not
/// times: two writes within one clock tick can leave the same size, time and a reused inode.
fn digest(bytes: Option<&[u8]>) -> Option<u64> {
    bytes.map(|b| ((b.len() as u64) << 32) ^ u64::from(crc32fast::hash(b)))
}

/// A file's bytes for one parse (at opening, and when another program changed the file), in
/// memory mapped for them alone rather than from the heap.
/// A 10,000-connection file is 4.5 MB; taken from and given back to the heap, a block that
/// size makes glibc keep every later block of up to that size in its heap instead of giving
/// it back to the system (its mmap threshold follows the largest block freed): measured ~1 MB
/// more at the first frame. Parsing a stream instead needs no such block but took 5× longer.
enum FileBytes {
    Mapped(memmap2::MmapMut, usize),
    Read(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Mapped(map, len) => &map[..*len],
            Self::Read(bytes) => bytes,
        }
    }
}

/// The file's bytes now, as [`FileBytes`]; `None` when there is no file. One opening of the
/// file serves every way of reading it.
fn read_aside(path: &Path) -> std::io::Result<Option<FileBytes>> {
    use std::io::Read as _;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    // A small file, or one that cannot be mapped: read as usual.
    let Some(mut map) = (size >= 128 * 1024)
        .then(|| memmap2::MmapMut::map_anon(size.saturating_add(1)).ok())
        .flatten()
    else {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        return Ok(Some(FileBytes::Read(bytes)));
    };
    let mut len = 0;
    loop {
        match file.read(&mut map[len..]) {
            Ok(0) => return Ok(Some(FileBytes::Mapped(map, len))),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        // Longer than it said (being written in place by some other program): read the rest.
        if len == map.len() {
            let mut bytes = map[..len].to_vec();
            file.read_to_end(&mut bytes)?;
            return Ok(Some(FileBytes::Read(bytes)));
        }
    }
}

/// Identifies one version of the file without reading it: every write is a new file renamed
/// into place, so its size, modification time and (on Unix) inode change together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        })
    }
}

/// A readable previous version of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCopy {
    pub path: PathBuf,
    pub count: usize,
    pub written: Option<std::time::SystemTime>,
}

/// What a change does to `.bak`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backup {
    /// The person's own change: the version before it becomes the backup.
    Rotate,
    /// Check results: the backup keeps the version before the person's last change.
    Keep,
}

/// Holds the cross-process write lock for `path` until dropped, waiting at most
/// [`file_lock::wait`] for another program to let it go.
fn lock_file(path: &Path) -> Result<std::fs::File, StoreError> {
    file_lock::lock(path).map_err(|e| match e {
        LockError::Busy(busy) => StoreError::Busy {
            path: path.to_owned(),
            waited: busy.waited,
        },
        LockError::Io(source) => StoreError::Lock {
            path: file_lock::lock_path(path),
            source,
        },
    })
}

/// Where a write goes: the file itself, or the file a symbolic link at its place points at
/// (so the link keeps receiving updates).
fn write_target(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return path.to_owned();
    }
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // A link to a file not there yet: the place it names, taken from the link's folder.
        std::fs::read_link(path).map_or_else(
            |_| path.to_owned(),
            |to| path.parent().map_or(to.clone(), |dir| dir.join(&to)),
        )
    })
}

impl Store {
    /// Opens the file at `path`; a missing file is an empty list.
    pub fn open(path: &Path) -> (Self, Option<OpenNotice>) {
        // Reading takes no lock (writes are atomic replaces), so a lock another program never
        // lets go cannot keep the window or a command from starting. A write killed half-way leaves its temporary file; an hour-old one is nobody's.
        let stale = super::atomic::remove_stale_temps(path, std::time::Duration::from_hours(1));
        if stale > 0 {
            tracing::info!("removed {stale} temporary files left by interrupted writes");
        }
        let stamp = Stamp::of(path);
        let mut read_digest = None;
        let (connections, notice) = match read_aside(path) {
            Ok(None) => (Vec::new(), None),
            // Not being able to read is no proof of damage (no access, a file another program
            // holds open): the file stays where it is.
            Err(e) => (
                Vec::new(),
                Some(OpenNotice::Unreadable {
                    reason: e.to_string(),
                }),
            ),
            // The bytes go as soon as the list is made from them (the digest is all that is kept).
            Ok(Some(bytes)) => match parse(&bytes) {
                Ok(list) => {
                    read_digest = digest(Some(&bytes));
                    (list, None)
                }
                Err(Unparsed::Newer(reason)) => {
                    (Vec::new(), Some(OpenNotice::Unreadable { reason }))
                }
                Err(Unparsed::Damaged(reason)) => {
                    (Vec::new(), Some(move_aside_locked(path, &bytes, &reason)))
                }
            },
        };
        let blocked = matches!(notice, Some(OpenNotice::Unreadable { .. }));
        let inner = Inner {
            path: path.to_owned(),
            connections: Arc::new(List::new(connections)),
            generation: 0,
            stamp: if notice.is_some() { None } else { stamp },
            digest: read_digest,
            blocked,
        };
        (
            Self {
                inner: Arc::new(Mutex::new(inner)),
            },
            notice,
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the list half-changed (see `modify`).
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn snapshot(&self) -> Arc<List> {
        Arc::clone(&self.lock().connections)
    }

    /// Grows by one with every change; lets the UI refresh cached views.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    pub fn get(&self, id: &str) -> Option<Connection> {
        self.lock().connections.iter().find(|c| c.id == id).cloned()
    }

    /// Re-reads the file if another process changed it since this one last read or wrote it;
    /// returns true when the list changed. Cheap when nothing changed (one `stat`). An
    /// unreadable file is left alone (the next write reports it), and the list kept.
    pub fn refresh(&self) -> bool {
        let mut inner = self.lock();
        let stamp = Stamp::of(&inner.path);
        if stamp == inner.stamp {
            return false;
        }
        match inner.reread() {
            Ok(changed) => {
                inner.stamp = stamp;
                changed
            }
            Err(reason) => {
                tracing::warn!("the connections file changed and cannot be read: {reason}");
                false
            }
        }
    }

    /// Applies `change` to the current list — re-read under the cross-process lock if another
    /// process wrote the file — writes it, and publishes it.
    pub fn modify<T>(
        &self,
        change: impl FnOnce(&mut Vec<Connection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.modify_with(Backup::Rotate, change)
    }

    /// [`Self::modify`], saying what the change does to `.bak`.
    pub fn modify_with<T>(
        &self,
        backup: Backup,
        change: impl FnOnce(&mut Vec<Connection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // The file lock first, then this process's list: a wait for another program must not
        // hold the list, which the window reads every frame.
        let path = self.lock().path.clone();
        let _lock = lock_file(&path)?;
        let mut inner = self.lock();
        // A file unreadable since opening becomes writable only once it reads (access fixed,
        // or it was replaced).
        inner.reread().map_err(|reason| {
            let path = inner.path.clone();
            if inner.blocked {
                StoreError::Unreadable { path, reason }
            } else {
                StoreError::ChangedUnreadable { path, reason }
            }
        })?;
        inner.blocked = false;
        let mut list = inner.connections.to_vec();
        let out = change(&mut list)?;
        let file = FileFormat {
            version: FILE_VERSION,
            connections: list,
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Write {
            path: inner.path.clone(),
            source: std::io::Error::other(e),
        })?;
        // Nothing changed: nothing written, and `.bak` keeps the previous different version.
        if digest(Some(&bytes)) == inner.digest {
            return Ok(out);
        }
        let target = write_target(&inner.path);
        let written = match backup {
            Backup::Rotate => atomic::write(&target, &bytes),
            Backup::Keep => atomic::write_keeping_backup(&target, &bytes),
        };
        written.map_err(|source| StoreError::Write {
            path: inner.path.clone(),
            source,
        })?;
        inner.stamp = Stamp::of(&inner.path);
        inner.digest = digest(Some(&bytes));
        inner.connections = Arc::new(List::new(file.connections));
        inner.generation += 1;
        Ok(out)
    }

    /// The previous version kept as `<file>.bak` (beside the file a link points at), if it
    /// reads: where it is, how many connections it holds, and when it was written.
    pub fn backup(&self) -> Option<BackupCopy> {
        let path = atomic::sibling(&write_target(&self.lock().path), ".bak");
        let bytes = read_aside(&path).ok()??;
        let count = parse(&bytes).ok()?.len();
        let written = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        Some(BackupCopy {
            path,
            count,
            written,
        })
    }

    /// Replaces the list with the one in `backup` (a copy offered by [`OpenNotice`], or the
    /// `.bak`). The list it replaces becomes the `.bak`, so a restore can be undone the same way.
    pub fn restore(&self, backup: &Path) -> Result<usize, StoreError> {
        let bytes = std::fs::read(backup).map_err(|source| StoreError::Write {
            path: backup.to_owned(),
            source,
        })?;
        let restored = parse(&bytes).map_err(|reason| StoreError::Write {
            path: backup.to_owned(),
            source: std::io::Error::other(reason.into_reason()),
        })?;
        let count = restored.len();
        self.modify(|list| {
            *list = restored;
            Ok(())
        })?;
        Ok(count)
    }
}

impl Inner {
    /// Takes the list from the file if its contents differ from what this process last read or
    /// wrote; returns true when it did. A missing file is an empty list.
    fn reread(&mut self) -> Result<bool, String> {
        // Bytes first, then the digest: an unchanged file (every write of this process checks)
        // is not parsed at all.
        let bytes = read_aside(&self.path).map_err(|e| e.to_string())?;
        let now = digest(bytes.as_deref());
        if now == self.digest {
            return Ok(false);
        }
        let list = match &bytes {
            Some(b) => parse(b).map_err(Unparsed::into_reason)?,
            None => Vec::new(),
        };
        self.connections = Arc::new(List::new(list));
        self.digest = now;
        self.generation += 1;
        Ok(true)
    }
}

/// Why the file's contents were not taken.
enum Unparsed {
    /// Not a connections file this or any version wrote: safe to move aside.
    Damaged(String),
    /// Written by a newer version: valid, only not understood here; left alone.
    Newer(String),
}

impl Unparsed {
    fn into_reason(self) -> String {
        match self {
            Self::Damaged(r) | Self::Newer(r) => r,
        }
    }
}

fn parse(bytes: &[u8]) -> Result<Vec<Connection>, Unparsed> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let damaged = |r: String| Unparsed::Damaged(r);
    let text =
        std::str::from_utf8(bytes).map_err(|_| damaged("файл не в кодировке UTF-8".to_owned()))?;
    if text.trim().is_empty() {
        return Err(damaged("файл пуст".to_owned()));
    }
    let newer = |version: u32| {
        Unparsed::Newer(format!(
            "файл записан более новой версией Ключника (формат {version}, эта версия понимает {FILE_VERSION})"
        ))
    };
    match serde_json::from_str::<FileFormat>(text) {
        Ok(file) if file.version <= FILE_VERSION => Ok(file.connections),
        Ok(file) => Err(newer(file.version)),
        // A newer file may hold what this version cannot parse: its version decides.
        Err(e) => match serde_json::from_str::<Version>(text) {
            Ok(v) if v.version > FILE_VERSION => Err(newer(v.version)),
            Ok(_) => Err(damaged(format!("файл повреждён ({e})"))),
            Err(e) => Err(damaged(format!("файл повреждён ({e})"))),
        },
    }
}

/// [`move_aside`] under the writers' lock, if the file is still the damaged one read: no writer
/// replaces it between the read and the rename.
fn move_aside_locked(path: &Path, read: &[u8], reason: &str) -> OpenNotice {
    let _lock = match lock_file(path) {
        Ok(lock) => lock,
        Err(e) => {
            return OpenNotice::Unreadable {
                reason: format!("{reason}; отложить его в сторону не удалось: {e}"),
            };
        }
    };
    match read_aside(path) {
        Ok(Some(now)) if digest(Some(&now)) == digest(Some(read)) => move_aside(path, reason),
        // Replaced meanwhile by a writer: this opening's reading is stale; the next refresh
        // reads the new file.
        _ => OpenNotice::Unreadable {
            reason: format!("{reason}; файл тем временем изменила другая программа"),
        },
    }
}

fn move_aside(path: &Path, reason: &str) -> OpenNotice {
    let stamp = Utc::now().format("%Y%m%d-%H%M%S");
    let sibling = |suffix: &str| super::atomic::sibling(path, suffix);
    let moved_to = sibling(&format!(".damaged-{stamp}"));
    if let Err(e) = std::fs::rename(path, &moved_to) {
        // Not moved: say so, and keep it safe from writes like an unreadable file.
        return OpenNotice::Unreadable {
            reason: format!("{reason}; отложить его в сторону не удалось: {e}"),
        };
    }
    let reason = reason.to_owned();
    // The next saves rotate `.bak`; a readable backup is copied aside so it can still be restored.
    let backup = std::fs::read(sibling(".bak")).ok().and_then(|bytes| {
        let count = parse(&bytes).ok()?.len();
        let copy = sibling(&format!(".backup-{stamp}"));
        std::fs::write(&copy, &bytes).ok()?;
        Some((copy, count))
    });
    OpenNotice::MovedAside {
        reason,
        moved_to,
        backup,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(name: &str) -> Connection {
        Connection {
            fields: [("address", "https://a.elma365.ru")].into_iter().collect(),
            secrets: vec!["token".into()],
            ..Connection::new("elma365", "ELMA365", name)
        }
    }

    fn push(store: &Store, c: Connection) {
        store
            .modify(|list| {
                list.push(c);
                Ok(())
            })
            .expect("write");
    }

    #[test]
    fn add_reopen_remove_round_trip_and_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("connections.json");
        let (store, notice) = Store::open(&path);
        assert!(notice.is_none());
        push(&store, conn("Первое"));
        push(&store, conn("Второе"));
        let (again, _) = Store::open(&path);
        assert_eq!(again.snapshot().len(), store.snapshot().len());
        assert!(dir.path().join("connections.json.bak").exists());
        let id = again.snapshot()[0].id.clone();
        again
            .modify(|list| {
                list.retain(|c| c.id != id);
                Ok(())
            })
            .expect("remove");
        let (third, _) = Store::open(&path);
        assert!(third.get(&id).is_none());
    }

    /// The window opens the store on a thread while it starts; a second window attempt (after a
    /// renderer failed) must get the same store and notice, not open the file again: the first
    /// opening moved the damaged file aside, and its notice would be lost.
    #[test]
    fn opening_on_a_thread_gives_one_store_and_one_notice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("connections.json");
        std::fs::write(&path, b"{not json").expect("write");
        let opening = super::super::Opening::start(path.clone());
        let (first, notice) = opening.wait();
        let (second, again) = opening.wait();
        assert!(
            matches!(notice, Some(OpenNotice::MovedAside { .. })),
            "{notice:?}"
        );
        assert_eq!(notice, again);
        push(&first, conn("Первое"));
        assert_eq!(second.snapshot().len(), 1, "the same store");
    }

    /// The opening reads the file into a mapping of its own ([`read_aside`]); its digest must
    /// be the one every later read takes of the whole file, or each write would take the
    /// unchanged file for another program's change and parse it again.
    #[test]
    fn an_opening_takes_the_same_digest_as_a_later_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("connections.json");
        // Enough connections for the file to be read into a mapping of its own.
        let file = FileFormat {
            version: FILE_VERSION,
            connections: (0..600)
                .map(|i| conn(&format!("Подключение {i}")))
                .collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("json");
        std::fs::write(&path, &bytes).expect("write");
        assert!(bytes.len() >= 128 * 1024, "{}", bytes.len());
        let (opened, notice) = Store::open(&path);
        assert!(notice.is_none());
        assert_eq!(opened.snapshot().len(), 600);
        assert!(matches!(read_aside(&path), Ok(Some(FileBytes::Mapped(..)))));
        assert_eq!(opened.lock().digest, digest(Some(&bytes)));
        assert_eq!(opened.lock().reread(), Ok(false), "not parsed again");
    }

    #[test]
    fn unreadable_file_is_moved_aside_not_deleted() {
        for bad in [&b""[..], b"{not json", b"\xff\xfe\x00"] {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("connections.json");
            std::fs::write(&path, bad).expect("write");
            let (store, notice) = Store::open(&path);
            assert!(store.snapshot().is_empty());
            let Some(OpenNotice::MovedAside { moved_to, .. }) = notice else {
                panic!("notice for {bad:?}")
            };
            assert_eq!(std::fs::read(&moved_to).expect("kept"), bad);
            assert!(!path.exists());
        }
    }
}
