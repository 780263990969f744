//! Windows' own calls (console, message box, registry, code page) through windows-sys: the one
//! place with `unsafe`, each block with its reason.

/// The OEM code page console programs write in when their output is a pipe.
#[allow(unsafe_code)]
pub(super) fn oem_code_page() -> u16 {
    // SAFETY: no arguments, no state; always returns a code page number.
    let code_page = unsafe { windows_sys::Win32::Globalization::GetOEMCP() };
    u16::try_from(code_page).unwrap_or(0)
}

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, GENERIC_READ, GENERIC_WRITE, GetLastError, HANDLE, INVALID_HANDLE_VALUE,
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
pub(super) fn text_scale_percent() -> Option<u32> {
    use windows_sys::Win32::System::Registry::{HKEY_CURRENT_USER, RRF_RT_REG_DWORD, RegGetValueW};
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
pub(super) fn set_user_string(key: &str, name: &str, value: &str) -> Result<(), u32> {
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
pub(super) fn message_box(title: &str, text: &str) {
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
pub(super) fn attach_parent_console() {
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
