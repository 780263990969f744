//! Widget helpers shared by every screen, so a field, an error or a status looks the same everywhere.

use egui::{Response, RichText, Ui};

use crate::model::OutcomeKind;
use crate::ui::kit::theme::{self, Palette};

/// The smallest width of a page's main button.
pub const PRIMARY_MIN_WIDTH: f32 = 140.0;

pub trait UiExt {
    fn palette(&self) -> Palette;
    /// A red message under a field.
    fn field_error(&mut self, msg: &str) -> Response;
    /// A quiet explanatory line.
    fn note(&mut self, msg: &str) -> Response;
    /// A framed warning the user must not miss.
    fn warning_box(&mut self, msg: &str);
    /// A warning about a value: what is probably wrong, in the frame; why Ключник accepts it
    /// anyway (a format it only assumes) under «Подробнее».
    fn value_warning(&mut self, msg: &str);
    /// The coloured result of an online check.
    fn outcome_label(&mut self, kind: OutcomeKind) -> Response;
    /// The main button of a page.
    fn primary_button(&mut self, label: &str, enabled: bool) -> Response;
    /// How wide a button with this text is drawn.
    fn button_width(&self, label: &str) -> f32;
    /// Lays out `content` in what is left of the line beside a button labelled `button`, so
    /// wrapped text never pushes the button off the window.
    fn beside_button<R>(&mut self, button: &str, content: impl FnOnce(&mut Ui) -> R) -> R;
    /// `text` shortened in the middle to fit `width` («ELMA365 — пункт выдачи… ул. Ленина, 10»):
    /// in a list of names that share a beginning, the end is what tells them apart.
    fn middle_ellipsis(&self, text: &str, width: f32) -> String;
    /// A browser, mail program or folder that did not open: what failed, and the text the
    /// user can take elsewhere, with «Копировать». Returns true when it was copied.
    fn open_failed(&mut self, what: &str, text: &str) -> bool;
}

impl UiExt for Ui {
    fn palette(&self) -> Palette {
        theme::palette(self.visuals().dark_mode)
    }

    fn field_error(&mut self, msg: &str) -> Response {
        let color = self.palette().error;
        let response =
            self.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).color(color)).wrap());
        // A live region: a screen reader announces the message when it appears.
        self.ctx().accesskit_node_builder(response.id, |node| {
            node.set_live(egui::accesskit::Live::Assertive);
        });
        response
    }

    fn note(&mut self, msg: &str) -> Response {
        let color = self.palette().muted;
        self.add(egui::Label::new(RichText::new(msg).color(color).small()).wrap())
    }

    fn warning_box(&mut self, msg: &str) {
        let p = self.palette();
        egui::Frame::new()
            .fill(p.warn_fill)
            .stroke(egui::Stroke::new(1.0, p.warn))
            .corner_radius(6.0)
            .inner_margin(10.0)
            .show(self, |ui| {
                ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
                ui.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).strong()).wrap());
            });
    }

    fn value_warning(&mut self, msg: &str) {
        let note = crate::flow::rules::ASSUMED_NOTE;
        match msg.strip_suffix(note) {
            Some(head) => {
                self.warning_box(head.trim_end());
                let id = self.next_auto_id();
                egui::CollapsingHeader::new("Подробнее")
                    .id_salt(("value_warning", id))
                    .show(self, |ui| {
                        ui.note(note);
                    });
            }
            None => self.warning_box(msg),
        }
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

    fn button_width(&self, label: &str) -> f32 {
        let galley = egui::WidgetText::from(label).into_galley(
            self,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Button,
        );
        galley.size().x + 2.0 * self.spacing().button_padding.x
    }

    fn beside_button<R>(&mut self, button: &str, content: impl FnOnce(&mut Ui) -> R) -> R {
        let room = self.available_width()
            - self.button_width(button)
            - 2.0 * self.spacing().item_spacing.x;
        self.scope(|ui| {
            ui.set_max_width(room);
            content(ui)
        })
        .inner
    }

    fn middle_ellipsis(&self, text: &str, width: f32) -> String {
        let font = egui::TextStyle::Body.resolve(self.style());
        let color = self.visuals().text_color();
        let fits = |t: &str| {
            self.painter()
                .layout_no_wrap(t.to_owned(), font.clone(), color)
                .size()
                .x
                <= width
        };
        if fits(text) {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        let shorten = |keep: usize| {
            // A little more of the end than of the beginning: numbers and streets are there.
            let tail = keep / 2 + keep % 2;
            let head = keep - tail;
            let mut out: String = chars[..head].iter().collect();
            out.push('…');
            out.extend(&chars[chars.len() - tail..]);
            out
        };
        // The longest shortening that fits, found by halving.
        let (mut lo, mut hi) = (0, chars.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(&shorten(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        shorten(lo)
    }

    fn open_failed(&mut self, what: &str, text: &str) -> bool {
        self.field_error(what);
        let mut copied = false;
        self.horizontal(|ui| {
            ui.beside_button("Копировать", |ui| {
                egui::Frame::group(ui.style())
                    .inner_margin(6.0)
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
                    });
            });
            if ui.button("Копировать").clicked() {
                ui.ctx().copy_text(text.to_owned());
                copied = true;
            }
        });
        copied
    }

    fn primary_button(&mut self, label: &str, enabled: bool) -> Response {
        let p = self.palette();
        let button = egui::Button::new(RichText::new(label).strong().color(p.on_accent))
            .fill(p.accent)
            .min_size(egui::vec2(PRIMARY_MIN_WIDTH, 34.0));
        self.add_enabled(enabled, button)
    }
}

/// A yes/no question in a modal window. The safe answer (`stay`) comes first and takes the
/// keyboard when the window opens, so Enter or Space keeps things as they are; `focused`
/// remembers that it was given. Returns `Some(true)` for `leave`, `Some(false)` for `stay` or a
/// closed window, `None` while the question stays open.
pub fn question(
    ctx: &egui::Context,
    id: &str,
    heading: &str,
    body: impl FnOnce(&mut Ui),
    (stay, leave): (&str, &str),
    focused: &mut bool,
) -> Option<bool> {
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading(heading);
        body(ui);
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            let safe = ui.primary_button(stay, true);
            if !*focused {
                safe.request_focus();
                *focused = true;
            }
            if safe.clicked() {
                answer = Some(false);
            }
            if ui.button(leave).clicked() {
                answer = Some(true);
            }
        });
    });
    if modal.should_close() && answer.is_none() {
        answer = Some(false);
    }
    if answer.is_some() {
        *focused = false;
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::UiExt as _;

    /// Names that share a long beginning stay apart: the middle gives way, the end stays.
    #[test]
    fn long_names_keep_their_end() {
        let ctx = egui::Context::default();
        let mut shown = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            for street in ["Ленина, 10", "Мира, 25"] {
                let name = format!("ELMA365 — пункт выдачи заказов на улице {street}");
                shown.push(ui.middle_ellipsis(&name, 220.0));
            }
            shown.push(ui.middle_ellipsis("ПВЗ 1", 220.0));
        });
        output.textures_delta.clear();
        assert!(
            shown[0].ends_with("Ленина, 10") && shown[0].contains('…'),
            "{shown:?}"
        );
        assert!(shown[1].ends_with("Мира, 25"), "{shown:?}");
        assert!(shown[0].starts_with("ELMA365"), "{shown:?}");
        assert_eq!(shown[2], "ПВЗ 1", "a short name is left whole");
    }
}
