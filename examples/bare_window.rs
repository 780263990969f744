//! The floor for the start-up benchmark: a bare eframe window with the same renderer choice and
//! features as Ключник, one label, left as soon as its first frame is presented (as Ключник
//! does with `KLYUCHNIK_EXIT_AFTER_FIRST_FRAME`). Built by
//! scripts/bench.sh. With `BARE_WGPU=klyuchnik` it also takes Ключник's wgpu settings (no OpenGL
//! probe, low-power GPU), so the bench can show what those settings alone are worth.

fn main() -> eframe::Result {
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare")
            .with_inner_size([1120.0, 720.0]),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    if std::env::var_os("BARE_WGPU").is_some_and(|v| v == "klyuchnik") {
        options.wgpu_options = klyuchnik::platform::window::wgpu_options();
    }
    eframe::run_ui_native("bare", options, |ui, _frame| {
        // The second frame begins once the first is painted and presented.
        if ui.ctx().cumulative_frame_nr() >= 1 {
            std::process::exit(0);
        }
        ui.label("bare eframe window");
        ui.ctx().request_repaint();
    })
}
