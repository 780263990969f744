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
