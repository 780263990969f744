//! Ключник: the desktop app. Starts the window; falls back from wgpu to OpenGL.

use klyuchnik::store::Home;
use klyuchnik::ui::{App, AppConfig, theme};

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Any argument means the command line; none opens the window.
    if args.len() > 1 {
        return klyuchnik::cli::run(args);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let Some(home) = Home::from_env() else {
        eprintln!(
            "Ключник: не удалось определить папку для данных. Укажите её в переменной KLYUCHNIK_HOME."
        );
        return std::process::ExitCode::FAILURE;
    };

    let mut last_error = String::new();
    for renderer in [eframe::Renderer::Wgpu, eframe::Renderer::Glow] {
        let options = eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default()
                .with_title("Ключник")
                .with_app_id("klyuchnik")
                .with_inner_size(theme::WINDOW_SIZE)
                .with_min_inner_size(theme::MIN_WINDOW_SIZE),
            renderer,
            persistence_path: Some(home.ui_state_dir()),
            ..Default::default()
        };
        let config = AppConfig::from_env(home.clone());
        match eframe::run_native(
            "Ключник",
            options,
            Box::new(|_cc| Ok(Box::new(App::new(config)))),
        ) {
            Ok(()) => return std::process::ExitCode::SUCCESS,
            Err(e) => {
                tracing::warn!("renderer {renderer:?} failed: {e}");
                last_error = e.to_string();
            }
        }
    }
    eprintln!(
        "Ключник не смог открыть окно: ни wgpu, ни OpenGL не заработали ({last_error}). Обновите драйвер видеокарты."
    );
    std::process::ExitCode::FAILURE
}
