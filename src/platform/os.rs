//! What the desktop build needs from the operating system around the window: the app icon, the
//! GPU setup, a console for command-line use of the Windows GUI executable, and a native error
//! box when no renderer works. Off Windows the console and the box are no-ops (stderr is enough there).

/// The window and taskbar icon: the same key as the icon embedded in `klyuchnik.exe`.
pub fn app_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok()
}

/// wgpu settings for the window: eframe's, with two changes.
/// - wgpu tries Vulkan, DX12 or Metal only. OpenGL is the glow renderer's job (main.rs falls
///   back to it); wgpu probing OpenGL as well loads a second driver stack at every start, about
///   30 ms with Mesa (scripts/bench.sh).
/// - The low-power GPU: a forms app has no use for a laptop's discrete card, and waking it costs
///   start-up time and battery.
///
/// `WGPU_BACKEND` and `WGPU_POWER_PREF` still override both.
pub fn wgpu_options() -> eframe::egui_wgpu::WgpuConfiguration {
    use eframe::wgpu::{Backends, PowerPreference};
    let mut options = eframe::NativeOptions::default().wgpu_options;
    if let eframe::egui_wgpu::WgpuSetup::CreateNew(setup) = &mut options.wgpu_setup {
        setup.instance_descriptor.backends = Backends::from_env().unwrap_or(Backends::PRIMARY);
        setup.power_preference = PowerPreference::from_env().unwrap_or(PowerPreference::LowPower);
    }
    options
}

/// Title of the box shown when the window cannot be opened at all.
pub const START_FAILED_TITLE: &str = "Ключник — окно не открылось";

/// What to do when neither wgpu nor OpenGL works, for a person at an office PC or in RDP.
/// The technical detail is cut short: the whole of it is in the log.
pub fn start_failed_text(error: &str) -> String {
    const DETAIL: usize = 400;
    let error = match error.char_indices().nth(DETAIL) {
        Some((cut, _)) => format!("{}…", &error[..cut]),
        None => error.to_owned(),
    };
    format!(
        "Ключник не смог открыть окно: видеокарта или удалённый рабочий стол не дали ни Direct3D/Vulkan, \
         ни OpenGL 2.\n\n\
         Что сделать:\n\
         • обновите драйвер видеокарты (или попросите об этом администратора);\n\
         • в удалённом рабочем столе (RDP) или виртуальной машине включите ускорение графики \
         или запустите Ключник на самом компьютере;\n\
         • команды без окна работают и так: в папке программы откройте командную строку \
         и наберите klyuchnik list.\n\n\
         Подробности для администратора: {error}"
    )
}

/// Shows a native error box (Windows); elsewhere does nothing, the caller prints to stderr.
pub fn error_box(title: &str, text: &str) {
    #[cfg(windows)]
    windows::message_box(title, text);
    #[cfg(not(windows))]
    let _ = (title, text);
}

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

/// Registers the name and icon Windows shows beside Ключник's toasts. Windows shows a toast
/// only for a known `AppUserModelID`; an unpackaged program registers one for the current user
/// under `HKCU\\Software\\Classes\\AppUserModelId\\<id>` (Microsoft Learn: «Send a local toast
/// notification from other types of unpackaged apps»), so no Start-menu shortcut or admin
/// rights are needed. The installer writes the same key; this keeps the portable .exe working.
/// `icon` is a PNG file. Does nothing off Windows.
pub fn register_toast_app(app_id: &str, name: &str, icon: Option<&std::path::Path>) {
    #[cfg(windows)]
    {
        let key = format!("Software\\Classes\\AppUserModelId\\{app_id}");
        let mut values = vec![("DisplayName", name.to_owned())];
        if let Some(icon) = icon {
            values.push(("IconUri", icon.display().to_string()));
        }
        for (value, data) in values {
            if let Err(code) = windows::set_user_string(&key, value, &data) {
                tracing::warn!("could not register the toast app id ({value}): error {code}");
            }
        }
    }
    #[cfg(not(windows))]
    let _ = (app_id, name, icon);
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

/// The system's text size setting as a factor (1.0 = 100 %): on Windows, «Специальные
/// возможности → Размер текста» (`HKCU\\Software\\Microsoft\\Accessibility\\TextScaleFactor`,
/// 100–225 %). Ключник scales its fonts by it, as Windows' own apps do. Elsewhere 1.0: there
/// the desktop's scale reaches egui as pixels per point already.
pub fn text_scale() -> f32 {
    #[cfg(windows)]
    return windows::text_scale_percent()
        .and_then(|p| u16::try_from(p).ok())
        .map_or(1.0, |p| clamp_text_scale(f32::from(p) / 100.0));
    #[cfg(not(windows))]
    1.0
}

/// Windows allows 100–225 %; anything else in the registry is ignored.
pub fn clamp_text_scale(factor: f32) -> f32 {
    if (1.0..=2.25).contains(&factor) {
        factor
    } else {
        1.0
    }
}

#[cfg(windows)]
mod windows {
    /// The OEM code page console programs write in when their output is a pipe.
    #[allow(unsafe_code)]
    pub fn oem_code_page() -> u16 {
        // SAFETY: no arguments, no state; always returns a code page number.
        let code_page = unsafe { windows_sys::Win32::Globalization::GetOEMCP() };
        u16::try_from(code_page).unwrap_or(0)
    }

    use windows_sys::Win32::Foundation::{
        ERROR_ACCESS_DENIED, GENERIC_READ, GENERIC_WRITE, GetLastError, HANDLE,
        INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
    };
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE,
        STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, SetStdHandle,
    };
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        MB_ICONERROR, MB_OK, MB_SETFOREGROUND, MessageBoxW,
    };

    #[allow(unsafe_code)]
    pub fn text_scale_percent() -> Option<u32> {
        use windows_sys::Win32::System::Registry::{
            HKEY_CURRENT_USER, RRF_RT_REG_DWORD, RegGetValueW,
        };
        let (key, value) = (
            wide("Software\\Microsoft\\Accessibility"),
            wide("TextScaleFactor"),
        );
        let mut data: u32 = 0;
        let mut size = u32::try_from(std::mem::size_of::<u32>()).ok()?;
        // SAFETY: key and value names are NUL-terminated and outlive the call; `data` is a
        // DWORD and `size` says so; no type is asked for.
        let status = unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_DWORD,
                std::ptr::null_mut(),
                std::ptr::from_mut(&mut data).cast(),
                &raw mut size,
            )
        };
        (status == 0).then_some(data)
    }

    /// Writes a string value under `HKEY_CURRENT_USER\\key` (the key is created); the
    /// Windows error code when it fails.
    #[allow(unsafe_code)]
    pub fn set_user_string(key: &str, name: &str, value: &str) -> Result<(), u32> {
        use windows_sys::Win32::System::Registry::{HKEY_CURRENT_USER, REG_SZ, RegSetKeyValueW};
        let (key, name, data) = (wide(key), wide(name), wide(value));
        let len = u32::try_from(data.len() * 2).map_err(|_| 0u32)?;
        // SAFETY: key, name and data are NUL-terminated UTF-16 buffers that outlive the call;
        // `len` is the data's size in bytes, terminator included, as REG_SZ wants.
        let status = unsafe {
            RegSetKeyValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                name.as_ptr(),
                REG_SZ,
                data.as_ptr().cast(),
                len,
            )
        };
        if status == 0 { Ok(()) } else { Err(status) }
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    fn usable(h: HANDLE) -> bool {
        !h.is_null() && h != INVALID_HANDLE_VALUE
    }

    // Win32 FFI has no safe wrapper in the dependencies; each call below gets only
    // NUL-terminated UTF-16 buffers that outlive the call, or plain integers and handles.
    #[allow(unsafe_code)]
    pub fn message_box(title: &str, text: &str) {
        let (title, text) = (wide(title), wide(text));
        // SAFETY: both pointers are NUL-terminated and live until MessageBoxW returns.
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                text.as_ptr(),
                title.as_ptr(),
                MB_OK | MB_ICONERROR | MB_SETFOREGROUND,
            );
        }
    }

    #[allow(unsafe_code)]
    pub fn attach_parent_console() {
        const STREAMS: [STD_HANDLE; 3] = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
        // SAFETY: GetStdHandle takes a constant and returns a handle (or null) it owns.
        let before = STREAMS.map(|s| (s, unsafe { GetStdHandle(s) }));
        if before[1..].iter().all(|&(_, h)| usable(h)) {
            return; // Output and errors already go somewhere (redirected, or under Wine).
        }
        // SAFETY: plain calls with a constant; AttachConsole fails harmlessly when there is no
        // parent console, and GetLastError only reads this thread's last error.
        if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0
            && unsafe { GetLastError() } != ERROR_ACCESS_DENIED
        {
            // Started from Explorer or a shortcut: nothing to print to. (ACCESS_DENIED means
            // already attached, as Wine does: the handles below still need opening.)
            return;
        }
        for (stream, old) in before {
            if usable(old) {
                // Attaching may replace a redirected handle; put the redirection back.
                // SAFETY: `old` is the process's own valid standard handle.
                unsafe { SetStdHandle(stream, old) };
                continue;
            }
            // SAFETY: see above.
            if usable(unsafe { GetStdHandle(stream) }) {
                continue;
            }
            let name = wide(if stream == STD_INPUT_HANDLE {
                "CONIN$"
            } else {
                "CONOUT$"
            });
            // SAFETY: `name` is NUL-terminated and outlives the call; no security attributes
            // and no template handle are passed.
            let h = unsafe {
                CreateFileW(
                    name.as_ptr(),
                    GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE,
                    std::ptr::null(),
                    OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL,
                    std::ptr::null_mut(),
                )
            };
            if usable(h) {
                // SAFETY: `h` is a console handle just opened; the process keeps it for life.
                unsafe { SetStdHandle(stream, h) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icon_is_a_square_png() {
        let icon = app_icon().expect("assets/icon.png decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }

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

    #[test]
    fn start_failed_text_says_what_to_do() {
        let text = start_failed_text("WGPU: no adapter");
        assert!(text.contains("драйвер видеокарты"));
        assert!(text.contains("klyuchnik list"));
        assert!(text.ends_with("WGPU: no adapter"));
        let long = start_failed_text(&"ошибка ".repeat(200));
        assert!(long.ends_with('…'));
        assert!(long.chars().count() < 1000);
    }
}
