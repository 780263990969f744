//! What a person hands over — a file they picked, standard input — read no further than a
//! limit. Reading first and measuring after let a 1.5 GB file take 1.5 GB of memory before its
//! refusal, and `/dev/zero` or an endless pipe run the program out of memory.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a bounded read gave nothing.
#[derive(Debug)]
pub enum ReadError {
    /// There is more than `limit` bytes: reading stopped there.
    TooLarge {
        limit: usize,
    },
    /// Not UTF-8 text.
    NotText,
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    /// The reason alone, in Russian, for «Не удалось прочитать ФАЙЛ: …».
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use std::io::ErrorKind;
        match self {
            Self::TooLarge { limit } => write!(f, "больше {}", size(*limit)),
            Self::NotText => f.write_str("это не текст в кодировке UTF-8"),
            Self::Io(e) => match e.kind() {
                ErrorKind::NotFound => f.write_str("такого файла нет"),
                ErrorKind::PermissionDenied => f.write_str("нет прав на чтение"),
                ErrorKind::IsADirectory => f.write_str("это папка, а не файл"),
                _ => write!(f, "ошибка чтения ({e})"),
            },
        }
    }
}

impl std::error::Error for ReadError {}

/// `limit` bytes in words: «64 МБ», «64 КБ», «100 байт».
pub fn size(limit: usize) -> String {
    const KB: usize = 1024;
    if limit >= KB * KB && limit.is_multiple_of(KB * KB) {
        format!("{} МБ", limit / (KB * KB))
    } else if limit >= KB && limit.is_multiple_of(KB) {
        format!("{} КБ", limit / KB)
    } else {
        format!("{limit} байт")
    }
}

/// Everything `reader` gives, up to `limit` bytes; one byte more is `TooLarge`, and nothing past
/// it is read. `buffer` is filled in place, so a caller holding a secret can wipe it after.
pub fn read_into(reader: impl Read, limit: usize, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(buffer)
        .map_err(ReadError::Io)?;
    if buffer.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// [`read_into`] as text.
pub fn read_text(reader: impl Read, limit: usize) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    read_into(reader, limit, &mut bytes)?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

/// The text of the file a person picked, refused unread when the file system already says it is
/// larger than `limit` (a regular file), and cut at the limit otherwise (a device, a pipe, a
/// file still growing).
pub fn read_user_file(path: &Path, limit: usize) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::ErrorKind::IsADirectory.into()));
    }
    if meta.is_file() && meta.len() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(ReadError::TooLarge { limit });
    }
    // A regular file's size is known: one allocation instead of doubling up to it.
    let size = usize::try_from(meta.len()).unwrap_or(limit).min(limit);
    let mut bytes = Vec::with_capacity(size.saturating_add(1));
    read_into(file, limit, &mut bytes)?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_one_byte_past_the_limit() {
        // An endless reader: reading it whole would never end.
        let endless = std::io::repeat(b'x');
        match read_text(endless, 1000) {
            Err(ReadError::TooLarge { limit: 1000 }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(read_text(&b"12345"[..], 5).expect("fits"), "12345");
        assert!(matches!(
            read_text(&b"123456"[..], 5),
            Err(ReadError::TooLarge { .. })
        ));
        assert!(matches!(
            read_text(&[0xff, 0xfe][..], 5),
            Err(ReadError::NotText)
        ));
    }

    #[test]
    fn a_sparse_file_larger_than_the_limit_is_refused_unread() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.json");
        let file = std::fs::File::create(&path).expect("create");
        // 1 TiB that takes no disk: reading it would take hours and all memory.
        file.set_len(1 << 40).expect("sparse file");
        let e = read_user_file(&path, 64 * 1024 * 1024).expect_err("too large");
        assert_eq!(e.to_string(), "больше 64 МБ");
        assert_eq!(
            read_user_file(dir.path(), 10)
                .expect_err("a folder")
                .to_string(),
            "это папка, а не файл"
        );
        assert_eq!(
            read_user_file(&dir.path().join("нет"), 10)
                .expect_err("missing")
                .to_string(),
            "такого файла нет"
        );
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size(64 * 1024 * 1024), "64 МБ");
        assert_eq!(size(64 * 1024), "64 КБ");
        assert_eq!(size(100), "100 байт");
    }
}
