//! Writing a file so that a crash leaves either the old or the new version, never half of one.

use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, keeps the previous
/// version as `<path>.bak`, and renames the new file over `path`.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if path.exists() {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".bak");
        std::fs::copy(path, backup)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
