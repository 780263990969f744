//! The floor for the start-up benchmark: a bare eframe window with the same renderer choice and
//! features as Ключник, one label, closed after its first frame is presented. Built by
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
        options.wgpu_options = klyuchnik::os::wgpu_options();
    }
    eframe::run_ui_native("bare", options, |ui, _frame| {
        ui.label("bare eframe window");
        // eframe still paints and presents this first frame, then closes.
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    })
}
