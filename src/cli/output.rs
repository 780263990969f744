//! What the commands print, how they fail, and how they read secrets (standard input only).

use std::collections::BTreeMap;
use std::io::BufRead as _;

use crate::model::Secret;

/// Prints a line to standard output. A reader that went away (`klyuchnik list | head`) ends
/// the output quietly instead of a panic.
pub(super) fn say(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let text = text.strip_suffix('\n').unwrap_or(text);
    if writeln!(out, "{text}").is_err() {
        std::process::exit(0);
    }
}

/// A warning on standard error: the command goes on.
pub(super) fn warn(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "Ключник: внимание: {text}");
}

/// Said once when a write waits for another program's lock (`store::file_lock::on_wait`).
pub(super) fn say_lock_wait(file: &std::path::Path, wait: std::time::Duration) {
    warn(&format!(
        "файл подключений {} занят другой программой, ждём до {} с…",
        file.display(),
        wait.as_secs().max(1)
    ));
}

macro_rules! say_fmt {
    ($($arg:tt)*) => {
        say(&format!($($arg)*))
    };
}

/// Characters of a refused name or value quoted in a message: enough to recognise it, and a
/// 100,000-character one does not fill the screen.
const QUOTED_CHARS: usize = 60;

/// Something the person gave, fit to quote in a message: control characters shown as «�»,
/// cut to [`QUOTED_CHARS`] characters with «…».
pub(super) fn quoted(s: &str) -> String {
    let shown = crate::ops::transfer::printable(s);
    if shown.chars().count() <= QUOTED_CHARS {
        return shown;
    }
    let mut cut: String = shown.chars().take(QUOTED_CHARS).collect();
    cut.push('…');
    cut
}

/// A failure with its exit code.
pub(super) struct Fail {
    pub(super) code: u8,
    pub(super) message: String,
}

pub(super) fn usage(message: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: message.into(),
    }
}

pub(super) fn failed(message: impl Into<String>) -> Fail {
    Fail {
        code: 1,
        message: message.into(),
    }
}

/// One line of standard input per secret field, in order.
pub(super) fn secrets_from_stdin(fields: &[String]) -> Result<BTreeMap<String, Secret>, Fail> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = BTreeMap::new();
    for field in fields {
        let line = lines
            .next()
            .transpose()
            .map_err(|e| usage(format!("не удалось прочитать стандартный ввод: {e}")))?
            .ok_or_else(|| {
                usage(format!(
                    "на стандартном вводе нет строки для секрета «{field}»"
                ))
            })?;
        out.insert(field.clone(), Secret::new(line));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_are_short_and_printable() {
        assert_eq!(quoted("ПВЗ 1"), "ПВЗ 1");
        let long = "Я".repeat(100_000);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTED_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quoted("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
    }
}
