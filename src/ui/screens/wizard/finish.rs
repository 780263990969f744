//! The last page: what was set up and what is left to do outside Ключник.

use chrono::NaiveDate;
use egui::{Key, RichText};

use super::{WizardExit, WizardView};
use crate::flow::{FieldKind, FlowKind};
use crate::ui::command::{Command, Services};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;
use crate::ui::screens::reminder_switch::ReminderSwitch;

impl WizardView {
    pub(super) fn finish_page(
        &mut self,
        ui: &mut egui::Ui,
        services: &Services,
        today: NaiveDate,
        reminders: &ReminderSwitch,
        commands: &mut Vec<Command>,
    ) -> WizardExit {
        let mut exit = WizardExit::Stay;
        let has_expiry = self.flow.kind == FlowKind::Create && self.flow.expiry_field.is_some();
        // On by default where the key has an expiry date: switched on once, when the page
        // first knows the schedule is off; unticking it is the user's choice.
        if has_expiry
            && !self.reminders_offered
            && !reminders.is_busy()
            && let Some(state) = reminders.state()
        {
            self.reminders_offered = true;
            if !state.is_on() {
                commands.push(Command::SetReminders(true));
            }
        }
        let target = self.target.clone();
        theme::central_panel(ui.style()).show(ui, |ui| {
            // The way back is always in view, below the page (the summary and what is left to
            // do can be long at 125 % and large text). Laid out by hand, not as a panel, so a
            // screen reader still meets the page first and the button last.
            let area = ui.available_rect_before_wrap();
            let bar = ui.text_style_height(&egui::TextStyle::Button)
                + 2.0 * ui.spacing().button_padding.y
                + 2.0 * theme::GAP;
            let content =
                egui::Rect::from_min_max(area.min, egui::pos2(area.max.x, area.max.y - bar));
            let bar = egui::Rect::from_min_max(egui::pos2(area.min.x, area.max.y - bar), area.max);
            ui.scope_builder(egui::UiBuilder::new().max_rect(content), |ui| {
                // Its own scroll state: the page opens at its top, not where the last step was.
                egui::ScrollArea::vertical()
                    .id_salt("finish_page")
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        ui.set_max_width(theme::TEXT_WIDTH.min(ui.available_width()));
                        let (title, body) = match self
                            .flow
                            .finish
                            .old_key
                            .as_ref()
                            .filter(|_| self.draft.old_key)
                        {
                            Some(o) => (&o.title, &o.body),
                            None => (&self.flow.finish.title, &self.flow.finish.body),
                        };
                        ui.label(RichText::new(&self.flow.title).strong());
                        ui.heading(format!("✔ {title}"));
                        ui.add_space(theme::GAP);
                        ui.add(
                            egui::Label::new(self.draft.fill_text(
                                &self.flow,
                                target.as_ref(),
                                body,
                                today,
                            ))
                            .wrap(),
                        );
                        if self.flow.kind == FlowKind::Create
                            && let Some(warning) = self.flow.unchecked_warning()
                        {
                            // Said plainly rather than shown as a green tick nobody earned.
                            ui.add_space(theme::GAP);
                            ui.warning_box(&warning);
                        }
                        if self.flow.kind == FlowKind::Create {
                            ui.add_space(theme::GAP);
                            ui.strong("Что сохранено");
                            egui::Grid::new("summary").num_columns(2).show(ui, |ui| {
                                let backend = services
                                    .secrets
                                    .backend()
                                    .map_or("хранилище паролей", |b| b.title());
                                for field in self.flow.fields() {
                                    ui.label(&field.label);
                                    let kept = self
                                        .draft
                                        .secrets
                                        .get(&field.id)
                                        .is_some_and(|v| !v.is_empty())
                                        || self.draft.stored.contains(&field.id);
                                    if field.is_secret() && !kept {
                                        ui.label("—");
                                    } else if field.is_secret() {
                                        ui.label(format!("сохранено: {backend}"));
                                    } else if field.kind == FieldKind::Table {
                                        let n =
                                            self.draft.tables.get(&field.id).map_or(0, |rows| {
                                                rows.iter()
                                                    .filter(|r| {
                                                        r.values().any(|v| !v.trim().is_empty())
                                                    })
                                                    .count()
                                            });
                                        ui.label(format!("строк: {n}"));
                                    } else if field.kind == FieldKind::Choice {
                                        let v = self
                                            .draft
                                            .values
                                            .get(&field.id)
                                            .map_or("", String::as_str);
                                        ui.label(if v.is_empty() {
                                            "—"
                                        } else {
                                            field.choice_label(v)
                                        });
                                    } else {
                                        ui.label(
                                            self.draft
                                                .lookup(&self.flow, None, &field.id, today)
                                                .unwrap_or_else(|| "—".to_owned()),
                                        );
                                    }
                                    ui.end_row();
                                }
                                if let Some((outcome, _)) = &self.check_result {
                                    ui.label("Проверка");
                                    ui.outcome_label(outcome.kind);
                                    ui.end_row();
                                }
                            });
                        }
                        if has_expiry {
                            ui.add_space(theme::GAP);
                            reminders.show(ui, commands);
                        }
                        let renewal = self.draft.renews.then_some(&self.flow.finish.renew_todo);
                        if !self.flow.finish.todo.is_empty()
                            || renewal.is_some_and(|t| !t.is_empty())
                        {
                            ui.add_space(theme::GAP);
                            ui.strong("Что осталось сделать");
                            for item in renewal.into_iter().flatten().chain(&self.flow.finish.todo)
                            {
                                ui.add(
                                    egui::Label::new(format!(
                                        "• {}",
                                        self.draft.fill_text(
                                            &self.flow,
                                            target.as_ref(),
                                            item,
                                            today
                                        )
                                    ))
                                    .wrap(),
                                );
                            }
                        }
                        // The old key: deleted in the system through the removal wizard, the
                        // connection with its new key kept.
                        if let (true, Some(label), Some(old), Some(remover)) = (
                            self.draft.renews,
                            &self.flow.finish.renew_old_key,
                            &self.renewed_from,
                            services.catalog.remover_for(&self.flow.id),
                        ) {
                            ui.add_space(theme::GAP);
                            if ui.button(label).clicked() {
                                commands.push(Command::RemoveOldKey {
                                    flow: remover.id.clone(),
                                    old: Box::new(old.clone()),
                                });
                            }
                        }
                    });
            });
            ui.painter().hline(
                bar.x_range(),
                bar.min.y,
                ui.visuals().widgets.noninteractive.bg_stroke,
            );
            ui.scope_builder(egui::UiBuilder::new().max_rect(bar), |ui| {
                ui.add_space(theme::GAP);
                if ui.primary_button("К списку подключений", true).clicked()
                    || ui.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape))
                {
                    exit = WizardExit::Home;
                }
            });
        });
        exit
    }
}
