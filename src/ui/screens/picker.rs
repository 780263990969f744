//! «Новое подключение»: the systems Ключник can set up, one line each.

use egui::RichText;

use crate::flow::Catalog;
use crate::ui::command::Command;
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

pub fn show(ui: &mut egui::Ui, catalog: &Catalog, commands: &mut Vec<Command>) {
    theme::central_panel(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            if ui.button("← К списку").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                commands.push(Command::ShowHome);
            }
        });
        ui.add_space(theme::GAP);
        ui.heading("Новое подключение");
        ui.label("Выберите, что настраиваем. Ключник проведёт по шагам инструкции и сохранит секреты в хранилище паролей системы.");
        ui.add_space(theme::GAP);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for flow in catalog.creators() {
                // The whole card answers a click, not only its title: it looks like one button.
                // The title stays the button for the keyboard and a screen reader; the buttons
                // inside the card keep their own clicks.
                let card = ui.scope_builder(egui::UiBuilder::new().sense(egui::Sense::click()), |ui| {
                // Text in the card does not take the click for selecting itself.
                ui.style_mut().interaction.selectable_labels = false;
                egui::Frame::group(ui.style()).inner_margin(egui::Margin::symmetric(12, 6)).show(ui, |ui| {
                    ui.set_width(theme::TEXT_WIDTH.min(ui.available_width()));
                    // A step above body text, scaled with it (the system's text size).
                    let size = egui::TextStyle::Body.resolve(ui.style()).size + 1.0;
                    let title = egui::Button::new(RichText::new(&flow.title).strong().size(size)).frame(false);
                    if ui.add(title).clicked() {
                        commands.push(Command::StartFlow { flow: flow.id.clone(), target: None, entry: 0 });
                    }
                    ui.note(&flow.summary);
                    if !flow.entries.is_empty() {
                        ui.horizontal_wrapped(|ui| {
                            ui.label("Начать как:");
                            for entry in &flow.entries {
                                if ui.button(&entry.label).clicked() {
                                    commands.push(Command::StartFlow { flow: flow.id.clone(), target: None, entry: entry.step - 1 });
                                }
                            }
                        });
                    }
                });
                });
                let card = card.response.on_hover_cursor(egui::CursorIcon::PointingHand);
                if card.clicked() {
                    commands.push(Command::StartFlow { flow: flow.id.clone(), target: None, entry: 0 });
                }
                ui.add_space(2.0);
            }
        });
    });
}
