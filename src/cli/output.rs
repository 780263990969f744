//! What the commands print, how they fail, and how they read secrets (standard input only).

use std::collections::BTreeMap;
use std::io::{BufRead as _, Read as _};

use zeroize::Zeroizing;

use crate::model::Secret;
use crate::store::ReadError;

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

/// The most standard input may hold: a secret is at most a few kilobytes (2,560 bytes in the
/// Windows credential store), so more is no secret, and reading it whole would only take memory
/// (an endless `yes` or `/dev/zero` would take all of it).
pub(super) const MAX_STDIN_BYTES: usize = 64 * 1024;

/// One line of standard input per secret field, in order.
pub(super) fn secrets_from_stdin(fields: &[String]) -> Result<BTreeMap<String, Secret>, Fail> {
    let names: Vec<String> = fields
        .iter()
        .map(|f| format!("для секрета «{f}»"))
        .collect();
    Ok(fields.iter().cloned().zip(stdin_lines(&names)?).collect())
}

/// One line of standard input for each of `wanted` («для секрета «token»»), read no further than
/// [`MAX_STDIN_BYTES`]. From a pipe or a file the input is read to its end, and a further line
/// with anything in it is refused: it is most likely the rest of a secret that was split in two,
/// and saving the first part alone would save a wrong secret without a word. From a terminal the
/// lines typed are taken as they come.
pub(super) fn stdin_lines(wanted: &[String]) -> Result<Vec<Secret>, Fail> {
    use std::io::IsTerminal as _;
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    // Filled in place and wiped on drop: it holds the secrets.
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_STDIN_BYTES + 1));
    let typed = stdin.is_terminal();
    if typed {
        for _ in wanted {
            let limit = MAX_STDIN_BYTES.saturating_sub(bytes.len());
            let cap = u64::try_from(limit).unwrap_or(u64::MAX) + 1;
            (&mut stdin)
                .take(cap)
                .read_until(b'\n', &mut bytes)
                .map_err(|e| unread(&ReadError::Io(e)))?;
            if bytes.len() > MAX_STDIN_BYTES {
                return Err(unread(&ReadError::TooLarge {
                    limit: MAX_STDIN_BYTES,
                }));
            }
        }
    } else {
        crate::store::limited::read_into(&mut stdin, MAX_STDIN_BYTES, &mut bytes)
            .map_err(|e| unread(&e))?;
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| unread(&ReadError::NotText))?;
    let mut lines = text.lines();
    let mut out = Vec::with_capacity(wanted.len());
    for what in wanted {
        let line = lines
            .next()
            .ok_or_else(|| usage(format!("на стандартном вводе нет строки {what}")))?;
        out.push(Secret::new(line));
    }
    // The extra line's text is never shown: it may be part of a secret.
    if let Some(extra) = lines.position(|l| !l.trim().is_empty()) {
        return Err(usage(format!(
            "на стандартном вводе больше строк, чем секретов: в строке {} ещё что-то есть, \
             а ждали строк: {}. Каждый секрет передаётся одной строкой — если секрет разбит \
             на две строки, соедините их. Ничего не сохранено.",
            wanted.len() + extra + 1,
            wanted.len()
        )));
    }
    Ok(out)
}

/// Standard input that could not be taken: too long, not text, or unreadable.
fn unread(e: &ReadError) -> Fail {
    match e {
        ReadError::TooLarge { .. } => usage(format!(
            "на стандартном вводе {e} — секреты такими не бывают (не больше нескольких КБ). \
             Ничего не сохранено."
        )),
        ReadError::NotText => usage(
            "стандартный ввод не в кодировке UTF-8 — передайте секрет текстом. Ничего не сохранено.",
        ),
        ReadError::Io(io) => usage(format!("не удалось прочитать стандартный ввод: {io}")),
    }
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
