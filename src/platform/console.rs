//! The console's side: command-line use of the Windows GUI executable, programs started
//! without a console window, and their output in the OEM code page.

#[cfg(windows)]
use super::windows;

/// A program started from Ключник gets no console window of its own on Windows: the GUI
/// program must not flash one (`schtasks`, the notification's waiting copy). Does nothing
/// elsewhere.
pub fn no_console_window(command: &mut std::process::Command) {
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    #[cfg(not(windows))]
    let _ = command;
}

/// Makes `println!` reach the console a command was typed in.
///
/// `klyuchnik.exe` is a GUI-subsystem program (no console window flashes when it is
/// double-clicked), so Windows gives it no console even when it is started from one. For a
/// command-line call it attaches to the parent's console; output redirected to a file or a
/// pipe already has its handles and keeps them. Does nothing off Windows.
pub fn attach_parent_console() {
    #[cfg(windows)]
    windows::attach_parent_console();
}

/// What a console program printed into a pipe, as text. Windows tools such as `schtasks` write
/// in the OEM code page when their output is not a console — 866 on a Russian Windows — and read
/// as UTF-8 their messages would reach the user as «����». Output that is valid UTF-8 is taken as
/// it is (ASCII, or a system set to UTF-8).
pub fn console_text(bytes: &[u8]) -> String {
    #[cfg(windows)]
    return decode_code_page(bytes, windows::oem_code_page());
    #[cfg(not(windows))]
    String::from_utf8_lossy(bytes).into_owned()
}

/// `bytes` as UTF-8 when they are valid UTF-8, otherwise in the Windows code page `code_page`
/// (a number as `GetOEMCP` gives it); a code page without a known mapping falls back to UTF-8
/// with «�» for what does not decode.
pub fn decode_code_page(bytes: &[u8], code_page: u16) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    match codepage::to_encoding_no_replacement(code_page) {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// «ОШИБКА: Не удается найти указанный файл.» as schtasks prints it into a pipe on a Russian
    /// Windows (code page 866; bytes from Python's `cp866` codec, not from the decoder tested).
    const SCHTASKS_866: &[u8] = &[
        142, 152, 136, 129, 138, 128, 58, 32, 141, 165, 32, 227, 164, 160, 165, 226, 225, 239, 32,
        173, 160, 169, 226, 168, 32, 227, 170, 160, 167, 160, 173, 173, 235, 169, 32, 228, 160,
        169, 171, 46,
    ];

    #[test]
    fn console_output_in_the_oem_code_page_reads_as_russian() {
        let message = "ОШИБКА: Не удается найти указанный файл.";
        assert_eq!(decode_code_page(SCHTASKS_866, 866), message);
        // The same text from a system set to UTF-8 (code page 65001), or valid UTF-8 whatever
        // the code page says, is taken as it is.
        assert_eq!(decode_code_page(message.as_bytes(), 65001), message);
        assert_eq!(decode_code_page(message.as_bytes(), 866), message);
        assert_eq!(decode_code_page(b"SUCCESS", 866), "SUCCESS");
        // Windows-1251 (the ANSI code page of a Russian Windows) differs from 866.
        let cp1251: Vec<u8> = "Ошибка"
            .chars()
            .map(|c| u8::try_from(u32::from(c) - 0x410 + 0xC0).expect("Cyrillic А–я"))
            .collect();
        assert_eq!(decode_code_page(&cp1251, 1251), "Ошибка");
        // An unknown code page: nothing is lost silently, undecodable bytes show as «�».
        assert!(decode_code_page(SCHTASKS_866, 1).starts_with('\u{FFFD}'));
    }
}
