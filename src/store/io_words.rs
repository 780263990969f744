//! An operating-system error in the words a person reads. The system's own text (English on
//! most machines, with temporary file names) goes to the log, not to the screen.

/// What went wrong, in Russian, for a message that already says which file or folder.
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::StorageFull => "на диске не осталось места",
        K::QuotaExceeded => "исчерпана квота на диске",
        K::ReadOnlyFilesystem => "диск или папка открыты только для чтения",
        K::PermissionDenied => "нет прав на запись в эту папку (или файл занят другой программой)",
        K::NotFound => "папка или файл не найдены",
        K::IsADirectory => "на месте файла — папка",
        K::NotADirectory => "в пути вместо папки — файл",
        K::FileTooLarge => "файл слишком большой для этого диска",
        K::ResourceBusy | K::ExecutableFileBusy => "файл занят другой программой",
        K::TimedOut => "диск не ответил вовремя",
        K::InvalidData => "данные повреждены",
        K::Other if e.raw_os_error().is_none() && is_russian(&e.to_string()) => {
            return e.to_string();
        }
        _ => {
            tracing::warn!("unforeseen file error: {e}");
            return match e.raw_os_error() {
                Some(code) => format!("ошибка системы (код {code}; подробности — в журнале)"),
                None => "ошибка системы (подробности — в журнале)".to_owned(),
            };
        }
    };
    tracing::warn!("file error: {e}");
    words.to_owned()
}

/// Our own messages travel as `io::Error::other` with Russian text: those are shown as they are.
fn is_russian(text: &str) -> bool {
    text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_texts_become_russian_and_ours_stay() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(io_words(&full), "на диске не осталось места");
        let ours = std::io::Error::other("это папка, а не файл");
        assert_eq!(io_words(&ours), "это папка, а не файл");
        let english = std::io::Error::other("weird thing");
        assert!(io_words(&english).starts_with("ошибка системы"));
    }
}
