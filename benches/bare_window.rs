//! The floor for the start-up benchmark: a bare eframe window with the same renderer choice and
//! features as Ключник, one label, closed after its first frame is presented. Built by scripts/bench.sh.

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare")
            .with_inner_size([1120.0, 720.0]),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    eframe::run_ui_native("bare", options, |ui, _frame| {
        ui.label("bare eframe window");
        // eframe still paints and presents this first frame, then closes.
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    })
}
