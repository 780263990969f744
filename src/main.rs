//! Ключник: the desktop app. Starts the window; falls back from wgpu to OpenGL.

// No console window behind the GUI on Windows; CLI commands attach to the caller's console.
#![cfg_attr(windows, windows_subsystem = "windows")]

use klyuchnik::ui::kit::theme;
use klyuchnik::ui::{App, AppConfig};

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `open --help` asks for words, not the window: the command line prints them.
    let open_help = args.get(1).is_some_and(|a| a == "open")
        && args.iter().skip(2).any(|a| a == "--help" || a == "-h");
    // `open [подключение]` opens the window on a connection (a click on a reminder does this);
    // any other argument means the command line; none opens the window.
    // A file (`open ФАЙЛ`, or a double-click on a hand-over file, which passes its path) is
    // loaded into the window.
    let file = match (args.get(1).and_then(|a| a.to_str()), args.get(2)) {
        (Some("open"), Some(path)) if std::path::Path::new(path).is_file() => Some(path),
        (Some(path), None)
            if [".json", ".klyuchnik"]
                .iter()
                .any(|e| path.to_lowercase().ends_with(e)) =>
        {
            args.get(1)
        }
        _ => None,
    }
    .map(std::path::PathBuf::from);
    // `open --renew ID` (a click on an expiry reminder): straight to «Обновить ключ».
    let renew = args.get(2).and_then(|a| a.to_str()) == Some("--renew");
    let focus = match args.get(1).and_then(|a| a.to_str()) {
        _ if file.is_some() => Some(None),
        Some("open") => Some(
            args.get(if renew { 3 } else { 2 })
                .map(|a| a.to_string_lossy().into_owned()),
        ),
        _ => None,
    };
    if open_help || (args.len() > 1 && focus.is_none()) {
        klyuchnik::platform::console::attach_parent_console();
        let _log =
            klyuchnik::platform::env::home().map(|home| klyuchnik::platform::logging::init(&home));
        return klyuchnik::cli::run(args);
    }
    let Some(home) = klyuchnik::platform::env::home() else {
        eprintln!(
            "Ключник: не удалось определить папку для данных. Укажите её в переменной KLYUCHNIK_HOME."
        );
        return std::process::ExitCode::FAILURE;
    };
    let _log = klyuchnik::platform::logging::init(&home);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        text_scale = klyuchnik::platform::window::text_scale(),
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
        if let Some(icon) = klyuchnik::platform::window::app_icon() {
            viewport = viewport.with_icon(icon);
        }
        let options = eframe::NativeOptions {
            viewport,
            renderer,
            wgpu_options: klyuchnik::platform::window::wgpu_options(),
            persistence_path: Some(home.ui_state_dir()),
            ..Default::default()
        };
        let mut config = AppConfig::from_env(home.clone());
        config.focus = focus.clone().flatten();
        config.open_file.clone_from(&file);
        config.renew = renew;
        config.opening = Some(std::sync::Arc::clone(&opening));
        match eframe::run_native(
            "Ключник",
            options,
            // Fonts and sizes are set before the first frame, so it is drawn once, right.
            Box::new(|cc| {
                let app = App::new(config).with_theme(&cc.egui_ctx);
                Ok(if klyuchnik::platform::env::exit_after_first_frame() {
                    Box::new(ExitAfterFirstFrame(app))
                } else {
                    Box::new(app)
                })
            }),
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
    klyuchnik::platform::window::error_box(
        klyuchnik::platform::window::START_FAILED_TITLE,
        &klyuchnik::platform::window::start_failed_text(&last_error),
    );
    std::process::ExitCode::FAILURE
}

/// For the start-up benchmark (scripts/bench.sh, `KLYUCHNIK_EXIT_AFTER_FIRST_FRAME=1`): the
/// real window, which leaves as soon as its first frame has been painted and presented.
struct ExitAfterFirstFrame(App);

impl eframe::App for ExitAfterFirstFrame {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        // When the second frame begins the first is on screen: leave right there. (A close
        // command would still paint a second frame and tear everything down, and the figure
        // would include both.)
        if ui.ctx().cumulative_frame_nr() >= 1 {
            std::process::exit(0);
        }
        self.0.ui(ui, frame);
        ui.ctx().request_repaint();
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.0.clear_color(visuals)
    }
}
