//! What the commands print, and how they fail.

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
