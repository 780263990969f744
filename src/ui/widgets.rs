//! Widget helpers shared by every screen, so a field, an error or a status looks the same everywhere.

use egui::{Response, RichText, Ui};

use super::theme::{self, Palette};
use crate::check::OutcomeKind;

pub trait UiExt {
    fn palette(&self) -> Palette;
    /// A red message under a field.
    fn field_error(&mut self, msg: &str) -> Response;
    /// A quiet explanatory line.
    fn note(&mut self, msg: &str) -> Response;
    /// A framed warning the user must not miss.
    fn warning_box(&mut self, msg: &str);
    /// The coloured result of an online check.
    fn outcome_label(&mut self, kind: OutcomeKind) -> Response;
    /// The main button of a page.
    fn primary_button(&mut self, label: &str, enabled: bool) -> Response;
}

impl UiExt for Ui {
    fn palette(&self) -> Palette {
        theme::palette(self.visuals().dark_mode)
    }

    fn field_error(&mut self, msg: &str) -> Response {
        let color = self.palette().error;
        self.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).color(color)).wrap())
    }

    fn note(&mut self, msg: &str) -> Response {
        let color = self.palette().muted;
        self.add(egui::Label::new(RichText::new(msg).color(color).size(theme::SMALL)).wrap())
    }

    fn warning_box(&mut self, msg: &str) {
        let p = self.palette();
        egui::Frame::new()
            .fill(p.warn_fill)
            .stroke(egui::Stroke::new(1.0, p.warn))
            .corner_radius(6.0)
            .inner_margin(10.0)
            .show(self, |ui| {
                ui.set_max_width(theme::TEXT_WIDTH);
                ui.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).strong()).wrap());
            });
    }

    fn outcome_label(&mut self, kind: OutcomeKind) -> Response {
        let p = self.palette();
        let (color, mark) = if kind.is_ok() {
            (p.ok, "✔")
        } else {
            (p.error, "✖")
        };
        self.label(
            RichText::new(format!("{mark} {}", kind.title()))
                .color(color)
                .strong(),
        )
    }

    fn primary_button(&mut self, label: &str, enabled: bool) -> Response {
        let p = self.palette();
        let button = egui::Button::new(RichText::new(label).strong().color(p.on_accent))
            .fill(p.accent)
            .min_size(egui::vec2(140.0, 34.0));
        self.add_enabled(enabled, button)
    }
}
