//! The floor for the start-up benchmark: a bare eframe window with the same renderer choice and
//! features as Ключник, one label, closed after its first frame. Built by scripts/bench.sh.

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare")
            .with_inner_size([1120.0, 720.0]),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    let mut frames = 0u32;
    eframe::run_ui_native("bare", options, move |ui, _frame| {
        ui.label("bare eframe window");
        frames += 1;
        if frames >= 2 {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    })
}
