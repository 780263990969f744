//! Ключник: the desktop app. Starts the window; falls back from wgpu to OpenGL.

// No console window behind the GUI on Windows; CLI commands attach to the caller's console.
#![cfg_attr(windows, windows_subsystem = "windows")]

use klyuchnik::store::Home;
use klyuchnik::ui::kit::theme;
use klyuchnik::ui::{App, AppConfig};

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `open [подключение]` opens the window on a connection (a click on a reminder does this);
    // any other argument means the command line; none opens the window.
    let focus = match args.get(1).and_then(|a| a.to_str()) {
        Some("open") => Some(args.get(2).map(|a| a.to_string_lossy().into_owned())),
        _ => None,
    };
    if args.len() > 1 && focus.is_none() {
        klyuchnik::platform::os::attach_parent_console();
        let _log = Home::from_env().map(|home| klyuchnik::platform::logging::init(&home));
        return klyuchnik::cli::run(args);
    }
    let Some(home) = Home::from_env() else {
        eprintln!(
            "Ключник: не удалось определить папку для данных. Укажите её в переменной KLYUCHNIK_HOME."
        );
        return std::process::ExitCode::FAILURE;
    };
    let _log = klyuchnik::platform::logging::init(&home);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        text_scale = klyuchnik::platform::os::text_scale(),
        open = focus.as_ref().and_then(Option::as_deref),
        "Ключник starting"
    );

    // Read while the window and the graphics driver start.
    let opening = std::sync::Arc::new(klyuchnik::store::Opening::start(home.connections_file()));
    let mut last_error = String::new();
    for renderer in [eframe::Renderer::Wgpu, eframe::Renderer::Glow] {
        let mut viewport = egui::ViewportBuilder::default()
            .with_title("Ключник")
            .with_app_id("klyuchnik")
            .with_inner_size(theme::WINDOW_SIZE)
            .with_min_inner_size(theme::MIN_WINDOW_SIZE);
        if let Some(icon) = klyuchnik::platform::os::app_icon() {
            viewport = viewport.with_icon(icon);
        }
        let options = eframe::NativeOptions {
            viewport,
            renderer,
            wgpu_options: klyuchnik::platform::os::wgpu_options(),
            persistence_path: Some(home.ui_state_dir()),
            ..Default::default()
        };
        let mut config = AppConfig::from_env(home.clone());
        config.focus = focus.clone().flatten();
        config.opening = Some(std::sync::Arc::clone(&opening));
        match eframe::run_native(
            "Ключник",
            options,
            // Fonts and sizes are set before the first frame, so it is drawn once, right.
            Box::new(|cc| Ok(Box::new(App::new(config).with_theme(&cc.egui_ctx)))),
        ) {
            Ok(()) => return std::process::ExitCode::SUCCESS,
            Err(e) => {
                tracing::warn!("renderer {renderer:?} failed: {e}");
                // Both reasons go to the message: wgpu's is usually the telling one.
                last_error = if last_error.is_empty() {
                    format!("{renderer:?}: {e}")
                } else {
                    format!("{last_error}; {renderer:?}: {e}")
                };
            }
        }
    }
    eprintln!(
        "Ключник не смог открыть окно: ни wgpu, ни OpenGL не заработали ({last_error}). Обновите драйвер видеокарты."
    );
    // Without a console nobody sees stderr: say it in a box (Windows).
    klyuchnik::platform::os::error_box(
        klyuchnik::platform::os::START_FAILED_TITLE,
        &klyuchnik::platform::os::start_failed_text(&last_error),
    );
    std::process::ExitCode::FAILURE
}
