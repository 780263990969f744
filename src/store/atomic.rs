//! Writing a file so that a crash leaves either the old or the new version, never half of one.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Writes `bytes` to a temporary file beside `path` and flushes it to disk; only then keeps the
/// previous version as `<path>.bak` (itself written the same way), renames the new file over
/// `path`, and flushes the folder so the rename survives a power cut. A write that fails (a
/// full disk) leaves both the file and its `.bak` as they were.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let previous = match std::fs::read(path) {
        Ok(previous) => Some(previous),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let new = staged(path, bytes)?;
    if let Some(previous) = previous.filter(|p| p.as_slice() != bytes) {
        replace(&sibling(path, ".bak"), &previous)?;
    }
    settle(new, path)
}

/// Like [`write`], but the `.bak` stays as it is: for changes that are not the person's own
/// (check results), so the backup keeps the version before their last change.
pub fn write_keeping_backup(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes)
}

/// Writes a file the user chose (an export): no `.bak` beside it, through a symbolic link to
/// the file it points at, and a plain Russian refusal for a folder.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.is_dir() {
        return Err(std::io::Error::other("это папка, а не файл"));
    }
    // A link is followed, not replaced by a file of its own.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    replace(&target, bytes)
}

/// `path` with `suffix` appended to its file name.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The prefix of the temporary files beside `path`: known, so stale ones can be found.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    format!(".{name}.tmp")
}

fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    settle(staged(path, bytes)?, path)
}

/// The folder `path` is in.
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// `bytes` in a temporary file beside `path`, on disk; removed again if dropped.
fn staged(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = folder(path);
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Renames a staged file over `path` and flushes the folder.
fn settle(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(folder(path));
    Ok(())
}

/// Flushes a folder's entries (the rename) to disk. Windows has no such call for folders;
/// there `MoveFileEx` with write-through, which the rename uses, is enough.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes temporary files a killed write left beside `path`, if older than `age` (a write
/// under way in another process is younger). Returns how many were removed.
pub fn remove_stale_temps(path: &Path, age: Duration) -> usize {
    let Some(dir) = path.parent() else {
        return 0;
    };
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|elapsed| elapsed >= age)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}
