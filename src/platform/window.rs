//! The window's side of the operating system: the app icon, the GPU setup, the system's text
//! size, the name toasts are shown under, and a native error box when no renderer works. Off
//! Windows the box and the registry are no-ops (stderr is enough there).

#[cfg(windows)]
use super::windows;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icon_is_a_square_png() {
        let icon = app_icon().expect("assets/icon.png decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
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
