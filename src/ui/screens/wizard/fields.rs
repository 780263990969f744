//! Field widgets of a wizard page: text, secret, choice, date, table — each with its label,
//! the message next to it, and a copy button where the flow asks for one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use egui::{Key, RichText};

use super::WizardView;
use crate::flow::rules::{self, Verdict};
use crate::flow::{Field, FieldKind};
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

impl WizardView {
    /// One field: label, input, and the message next to it. Returns true on Enter.
    pub(super) fn field(&mut self, ui: &mut egui::Ui, field: &Field, today: NaiveDate) -> bool {
        let field = &self.draft.effective(&self.flow, field);
        let star = if field.required { " *" } else { "" };
        let label = ui.label(RichText::new(format!("{}{star}", field.label)).strong());
        if let Some(hint) = &field.hint {
            ui.note(hint);
        }
        let mut enter = false;
        // The control a screen reader lands on: the hint and any message become its description.
        let mut input = None;
        // A drop-down's chosen entry, said first in its description: AT-SPI (Linux) does not
        // pass a combo box's value on; UI Automation (Windows) reads it from the value too.
        let mut chosen = None;
        match field.kind {
            FieldKind::Table => input = self.table_field(ui, field, label.id, today),
            FieldKind::Choice => {
                let current = self.draft.values.entry(field.id.clone()).or_default();
                // A typed value that is none of the listed choices is the «other» entry.
                let typed = !current.is_empty() && !field.choices.contains(current);
                let mut other = typed || self.other_choice.contains(&field.id);
                ui.horizontal(|ui| {
                    let (picked, id) = choice_box(
                        ui,
                        field,
                        current,
                        ("choice", &field.id),
                        label.id,
                        other,
                        300.0,
                    );
                    input = Some(id);
                    match picked {
                        Some(true) => {
                            if !other {
                                current.clear();
                            }
                            other = true;
                            self.other_choice.insert(field.id.clone());
                        }
                        Some(false) => {
                            other = false;
                            self.other_choice.remove(&field.id);
                        }
                        None => {}
                    }
                });
                if !current.is_empty() {
                    chosen = Some(format!("Выбрано: {}.", field.choice_label(current)));
                }
                if other && field.other.is_some() {
                    let typed_label =
                        ui.label(format!("{} — впишите точно как в списке:", field.label));
                    let edit = egui::TextEdit::singleline(current)
                        .id_salt(("other", &field.id))
                        .desired_width(theme::FIELD_WIDTH);
                    ui.add(edit).labelled_by(typed_label.id);
                }
            }
            _ => {
                let (pressed, id) = self.text_field(ui, field, label.id, today);
                enter = pressed;
                input = Some(id);
            }
        }
        if let Some(id) = input
            && self.focus.as_deref() == Some(field.id.as_str())
        {
            ui.memory_mut(|m| m.request_focus(id));
            // A problem is shown where it is: the page scrolls to the field. A new step's
            // first field only takes the keyboard; the page stays at its top.
            if self.focus_scrolls
                && let Some(response) = ui.ctx().read_response(id)
            {
                response.scroll_to_me(Some(egui::Align::Center));
            }
            self.focus = None;
            self.focus_scrolls = false;
        }
        let messages = self.field_messages(ui, field, today);
        if let Some(id) = input
            && field.required
        {
            ui.ctx().accesskit_node_builder(id, accesskit_required);
        }
        if let Some(id) = input {
            let description: Vec<&str> = chosen
                .iter()
                .chain(&field.hint)
                .map(String::as_str)
                .chain(messages.iter().map(String::as_str))
                .collect();
            if !description.is_empty() {
                ui.ctx().accesskit_node_builder(id, |node| {
                    node.set_description(description.join(" "));
                });
            }
        }
        enter
    }

    /// Shows what is wrong with a field, or what to know about its value; returns the texts.
    fn field_messages(&self, ui: &mut egui::Ui, field: &Field, today: NaiveDate) -> Vec<String> {
        let mut shown = Vec::new();
        if let Some(err) = self.field_errors.get(&field.id) {
            ui.field_error(err);
            shown.push(err.clone());
            return shown;
        }
        if field.kind == FieldKind::Table {
            if self.attempted.contains(&self.draft.step)
                && let Some(msg) = self
                    .draft
                    .problems(&self.flow, self.draft.step, today)
                    .fields
                    .get(&field.id)
            {
                ui.field_error(msg);
                shown.push(msg.clone());
            }
            return shown;
        }
        match self.draft.verdict(field, today) {
            Verdict::Invalid(msg) => {
                ui.field_error(&msg);
                shown.push(msg);
            }
            Verdict::Empty if field.required && self.attempted.contains(&self.draft.step) => {
                let msg = format!("Заполните поле «{}».", field.label);
                ui.field_error(&msg);
                shown.push(msg);
            }
            Verdict::Valid {
                value,
                note,
                warning,
            } => {
                if let Some(note) = note {
                    ui.note(&note);
                    shown.push(note);
                }
                if let Some(warning) = warning {
                    ui.value_warning(&warning);
                    shown.push(warning);
                }
                Self::advice(ui, field, &value, today);
            }
            Verdict::Empty => {}
        }
        if let Some(other) = self.duplicate_of(field, today) {
            let msg = format!(
                "«{}» уже используется в подключении «{other}». По инструкции у каждого подключения — своё значение.",
                field.label
            );
            ui.warning_box(&msg);
            shown.push(msg);
        }
        shown
    }

    /// Non-blocking advice, such as choosing a longer expiry.
    fn advice(ui: &mut egui::Ui, field: &Field, value: &str, today: NaiveDate) {
        let (Some(days), Some(msg)) = (field.advise_min_days, &field.advise_message) else {
            return;
        };
        if let Some(date) = rules::parse_date(value)
            && (date - today).num_days() < i64::from(days)
        {
            let color = ui.palette().warn;
            ui.add(egui::Label::new(RichText::new(msg).color(color)).wrap());
        }
    }

    fn text_field(
        &mut self,
        ui: &mut egui::Ui,
        field: &Field,
        label: egui::Id,
        today: NaiveDate,
    ) -> (bool, egui::Id) {
        let secret = field.is_secret();
        let revealed = self.reveal.contains(&field.id);
        let mut copy = None;
        let mut paste_clicked = false;
        // The buttons beside the input keep their room: on a narrow window the input gives way.
        let mut beside: Vec<&str> = Vec::new();
        if field.kind == FieldKind::Date {
            beside.push("Скрыть календарь");
        }
        if secret {
            beside.extend(["Вставить", "Показать"]);
        }
        if field.copy {
            beside.push("Копировать");
        }
        let gap = ui.spacing().item_spacing.x;
        let buttons: f32 = beside.iter().map(|b| ui.button_width(b) + gap).sum();
        let width = theme::FIELD_WIDTH
            .min(ui.available_width() - buttons - gap - 16.0)
            .max(160.0);
        let response = ui
            .horizontal(|ui| {
                let buffer = self.draft.buffer_mut(field);
                let mut edit = egui::TextEdit::singleline(buffer)
                    .id_salt(("field", &field.id))
                    .desired_width(width)
                    .password(secret && !revealed);
                if let Some(p) = &field.placeholder {
                    edit = edit.hint_text(p.as_str());
                }
                let response = ui.add(edit).labelled_by(label);
                if field.kind == FieldKind::Date {
                    let open = self.calendar.contains(&field.id);
                    if ui
                        .add(egui::Button::new(if open {
                            "Скрыть календарь"
                        } else {
                            "Календарь"
                        }))
                        .on_hover_text(format!("Календарь: {}", field.label))
                        .clicked()
                    {
                        if open {
                            self.calendar.remove(&field.id);
                        } else {
                            self.calendar.insert(field.id.clone());
                        }
                    }
                }
                if secret {
                    // Many people do not know Ctrl+V: one click takes what the clipboard holds.
                    paste_clicked = ui
                        .button("Вставить")
                        .on_hover_text(format!("Вставить из буфера обмена: {}", field.label))
                        .clicked();
                    let toggle = if revealed {
                        "Скрыть"
                    } else {
                        "Показать"
                    };
                    if ui
                        .button(toggle)
                        .on_hover_text(format!("{toggle}: {}", field.label))
                        .clicked()
                    {
                        if revealed {
                            self.reveal.remove(&field.id);
                        } else {
                            self.reveal.insert(field.id.clone());
                        }
                    }
                }
                if field.copy {
                    let valid = rules::check(field, buffer, today)
                        .value()
                        .map(str::to_owned);
                    let button = ui.add_enabled(valid.is_some(), egui::Button::new("Копировать"));
                    if button
                        .on_hover_text(format!("Копировать: {}", field.label))
                        .clicked()
                    {
                        copy = valid;
                    }
                }
                response
            })
            .inner;
        if self.calendar.contains(&field.id) {
            let buffer = self.draft.values.entry(field.id.clone()).or_default();
            let current = rules::parse_date(buffer.trim());
            let month = self
                .calendar_month
                .get(&field.id)
                .copied()
                .or(current)
                .unwrap_or(today);
            let (picked, shown) = calendar(ui, &field.id, month, current, today);
            self.calendar_month.insert(field.id.clone(), shown);
            if let Some(day) = picked {
                *buffer = day.format("%d.%m.%Y").to_string();
                self.calendar.remove(&field.id);
                self.calendar_month.remove(&field.id);
            }
        }
        if let Some(text) = copy {
            self.copy_failed = crate::ui::kit::clipboard::copy(ui.ctx(), text, field.is_secret())
                .err()
                .map(|e| (field.label.clone(), e));
            self.copied = Some(field.label.clone());
        }
        if self.copied.as_deref() == Some(field.label.as_str()) {
            match &self.copy_failed {
                Some((label, e)) if label == &field.label => {
                    ui.field_error(&format!("Не скопировано: {e}"));
                }
                _ => {
                    ui.note(if field.is_secret() {
                        "Скопировано. Буфер обмена очистится через 30 секунд и при закрытии Ключника."
                    } else {
                        "Скопировано в буфер обмена."
                    });
                }
            }
        }
        if response.changed() {
            self.field_errors.remove(&field.id);
            self.commit_error = None;
            self.copied = None;
            if self.pasted.as_ref().is_some_and(|(id, _)| id == &field.id) {
                self.pasted = None;
            }
        }
        let pasted = if paste_clicked {
            self.paste_from_clipboard(ui, field, response.id)
        } else {
            crate::ui::kit::clipboard::pasted_into(ui, &response)
        };
        if let Some(text) = pasted {
            self.after_paste(field, &text);
        }
        if let Some((_, note)) = self.pasted.as_ref().filter(|(id, _)| id == &field.id) {
            note.show(ui);
        }
        (
            response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)),
            response.id,
        )
    }

    /// «Вставить» beside a secret field: the clipboard's text replaces the field's value, as if
    /// it had been typed (see [`crate::ui::kit::clipboard::read_for_button`]).
    fn paste_from_clipboard(
        &mut self,
        ui: &egui::Ui,
        field: &Field,
        input: egui::Id,
    ) -> Option<zeroize::Zeroizing<String>> {
        ui.memory_mut(|m| m.request_focus(input));
        let text = crate::ui::kit::clipboard::read_for_button(ui.ctx())?;
        text.as_str().clone_into(self.draft.buffer_mut(field));
        Some(text)
    }

    /// After a paste into a field, by key or button: the old messages go as after typing, the
    /// spaces and line breaks a copy picked up at the ends are taken away where they are seen,
    /// and a secret says what arrived without showing it.
    fn after_paste(&mut self, field: &Field, text: &str) {
        crate::ui::kit::clipboard::trim_in_place(self.draft.buffer_mut(field));
        self.field_errors.remove(&field.id);
        self.commit_error = None;
        self.copied = None;
        if field.is_secret() {
            let note = crate::ui::kit::clipboard::PasteNote::for_field(text, field);
            self.pasted = Some((field.id.clone(), note));
        }
    }

    /// The table of a field; returns its first control (for the focus).
    fn table_field(
        &mut self,
        ui: &mut egui::Ui,
        field: &Field,
        label: egui::Id,
        today: NaiveDate,
    ) -> Option<egui::Id> {
        let mut first = None;
        let rows = self.draft.tables.entry(field.id.clone()).or_default();
        let mut remove = None;
        // A grid cell offers only last frame's width: size the cells from the room there is,
        // each column its preferred width scaled down together on a narrow window.
        let preferred = |col: &Field| match (col.kind, col.pattern.is_some()) {
            (FieldKind::Choice, _) => 300.0,
            (_, true) => 268.0,
            _ => 170.0,
        };
        let gap = 8.0;
        let room = ui.available_width()
            - ui.button_width("Удалить")
            - field.columns.iter().map(|_| gap).sum::<f32>()
            - ui.spacing().scroll.bar_width;
        let wanted: f32 = field.columns.iter().map(preferred).sum();
        let scale = (room / wanted).min(1.0);
        let width = |col: &Field| (preferred(col) * scale).max(90.0).floor();
        egui::Grid::new(("table", &field.id))
            .striped(true)
            .spacing([gap, 6.0])
            .show(ui, |ui| {
                for col in &field.columns {
                    ui.strong(&col.label);
                }
                ui.end_row();
                for (r, row) in rows.iter_mut().enumerate() {
                    for col in &field.columns {
                        let cell = row.entry(col.id.clone()).or_default();
                        if col.kind == FieldKind::Choice {
                            let (_, id) = choice_box(
                                ui,
                                col,
                                cell,
                                ("cell", &field.id, r, &col.id),
                                label,
                                false,
                                width(col),
                            );
                            first.get_or_insert(id);
                            continue;
                        }
                        let mut edit = egui::TextEdit::singleline(cell)
                            .id_salt(("cell", &field.id, r, &col.id));
                        if let Some(p) = &col.placeholder {
                            edit = edit.hint_text(p.as_str());
                        }
                        let cell = ui
                            .add_sized([width(col), theme::ROW_HEIGHT - 6.0], edit)
                            .labelled_by(label)
                            .on_hover_text(format!("{}, строка {}", col.label, r + 1));
                        first.get_or_insert(cell.id);
                    }
                    if ui
                        .button("Удалить")
                        .on_hover_text(format!("Удалить строку {}", r + 1))
                        .clicked()
                    {
                        remove = Some(r);
                    }
                    ui.end_row();
                }
            });
        if let Some(r) = remove {
            rows.remove(r);
        }
        // Cells whose shape rule is a guess: accepted, but the unusual ones are pointed out.
        let warnings: Vec<String> = rows
            .iter()
            .enumerate()
            .flat_map(|(r, row)| {
                field.columns.iter().filter_map(move |col| {
                    let raw = row.get(&col.id).map_or("", String::as_str);
                    match rules::check(col, raw, today) {
                        Verdict::Valid {
                            warning: Some(w), ..
                        } => Some(format!("Строка {}, «{}»: {w}", r + 1, col.label)),
                        _ => None,
                    }
                })
            })
            .collect();
        for w in warnings.iter().take(3) {
            ui.value_warning(w);
        }
        if warnings.len() > 3 {
            ui.note(&format!(
                "И ещё строк с необычными значениями: {}.",
                warnings.len() - 3
            ));
        }
        ui.horizontal(|ui| {
            let add = ui.button("Добавить строку");
            first.get_or_insert(add.id);
            if add.clicked() {
                rows.push(BTreeMap::new());
            }
            let paste_label = if self.paste.contains_key(&field.id) {
                "Скрыть вставку списка"
            } else {
                "Вставить список"
            };
            if ui.button(paste_label).clicked() && self.paste.remove(&field.id).is_none() {
                self.paste.insert(field.id.clone(), String::new());
            }
        });
        if let Some(text) = self.paste.get_mut(&field.id) {
            let names: Vec<&str> = field.columns.iter().map(|c| c.label.as_str()).collect();
            let hint = ui.note(&format!(
                "По одной строке на запись, значения через табуляцию, «;» или «,» в порядке: {}. Можно скопировать из Excel.",
                names.join(" · ")
            ));
            ui.add(
                egui::TextEdit::multiline(text)
                    .desired_rows(4)
                    .desired_width(theme::TEXT_WIDTH),
            )
            .labelled_by(hint.id);
            if ui.button("Добавить строки из списка").clicked() {
                let added = parse_rows(text, &field.columns);
                let rows = self.draft.tables.entry(field.id.clone()).or_default();
                rows.retain(|r| r.values().any(|v| !v.trim().is_empty()));
                rows.extend(added);
                self.paste.remove(&field.id);
            }
        }
        first
    }
}

/// Marks a control as required for screen readers (the « *» is in its name for the eye).
fn accesskit_required(node: &mut egui::accesskit::Node) {
    node.set_required();
}

/// A drop-down for a choice field, showing its labels, storing its values.
/// A drop-down of the field's choices, plus its «other» entry if it has one. Returns
/// `Some(true)` when «other» was picked, `Some(false)` when a listed choice was.
fn choice_box(
    ui: &mut egui::Ui,
    field: &Field,
    current: &mut String,
    id: impl std::hash::Hash + std::fmt::Debug,
    label: egui::Id,
    other_on: bool,
    width: f32,
) -> (Option<bool>, egui::Id) {
    let shown = match &field.other {
        Some(other) if other_on => other.clone(),
        _ if current.is_empty() => "— выберите —".to_owned(),
        _ => field.choice_label(current).to_owned(),
    };
    let mut picked = None;
    let inner = egui::ComboBox::from_id_salt(id)
        .selected_text(shown.as_str())
        .width(width)
        .show_ui(ui, |ui| {
            for choice in &field.choices {
                let selected = !other_on && current == choice;
                if ui
                    .selectable_label(selected, field.choice_label(choice))
                    .clicked()
                {
                    choice.clone_into(current);
                    picked = Some(false);
                }
            }
            if let Some(other) = &field.other
                && ui.selectable_label(other_on, other).clicked()
            {
                picked = Some(true);
            }
        });
    // Named by the field's label; no tooltip, which would cover the next field when the
    // drop-down has the keyboard focus.
    let response = inner.response.labelled_by(label);
    // The name comes from the field's label; the chosen entry is the value a reader speaks.
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_value(shown.clone()));
    (picked, response.id)
}

const MONTHS: [&str; 12] = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
];

/// A month grid in Russian. Returns the day picked, if any, and the month now shown.
fn calendar(
    ui: &mut egui::Ui,
    id: &str,
    month: NaiveDate,
    selected: Option<NaiveDate>,
    today: NaiveDate,
) -> (Option<NaiveDate>, NaiveDate) {
    use chrono::{Datelike as _, Months};
    let first = month.with_day(1).unwrap_or(month);
    let mut shown = first;
    let mut picked = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            if ui.button("‹").on_hover_text("Предыдущий месяц").clicked() {
                shown = first.checked_sub_months(Months::new(1)).unwrap_or(first);
            }
            let name = MONTHS
                .get(first.month0() as usize)
                .copied()
                .unwrap_or_default();
            ui.strong(format!("{name} {}", first.year()));
            if ui.button("›").on_hover_text("Следующий месяц").clicked() {
                shown = first.checked_add_months(Months::new(1)).unwrap_or(first);
            }
            if ui.button("+1 год").on_hover_text("На год вперёд").clicked() {
                shown = first.checked_add_months(Months::new(12)).unwrap_or(first);
            }
        });
        egui::Grid::new(("calendar", id))
            .spacing([4.0, 4.0])
            .show(ui, |ui| {
                for day in ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"] {
                    ui.label(RichText::new(day).small());
                }
                ui.end_row();
                for _ in 0..first.weekday().num_days_from_monday() {
                    ui.label("");
                }
                let mut day = first;
                while day.month() == first.month() {
                    let text = RichText::new(format!("{:>2}", day.day()));
                    let text = if day == today { text.underline() } else { text };
                    let button = egui::Button::selectable(Some(day) == selected, text);
                    if ui
                        .add(button)
                        .on_hover_text(day.format("%d.%m.%Y").to_string())
                        .clicked()
                    {
                        picked = Some(day);
                    }
                    if day.weekday() == chrono::Weekday::Sun {
                        ui.end_row();
                    }
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
            });
    });
    (picked, shown)
}

/// Splits pasted lines into rows; a choice cell accepts its value or any word of its label.
pub fn parse_rows(text: &str, columns: &[Field]) -> Vec<BTreeMap<String, String>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let sep = ['\t', ';', ','].into_iter().find(|s| line.contains(*s));
            let parts: Vec<&str> = match sep {
                Some(s) => line.split(s).map(str::trim).collect(),
                None => vec![line],
            };
            columns
                .iter()
                .zip(parts.into_iter().chain(std::iter::repeat("")))
                .map(|(col, part)| (col.id.clone(), choice_value(col, part)))
                .collect()
        })
        .collect()
}

/// Maps «въезд», «Выезд», «forward» to the choice's stored value.
fn choice_value(col: &Field, part: &str) -> String {
    if col.kind != FieldKind::Choice {
        return part.to_owned();
    }
    let lower = part.to_lowercase();
    col.choices
        .iter()
        .enumerate()
        .find(|(i, c)| {
            c.to_lowercase() == lower
                || col
                    .choice_labels
                    .get(*i)
                    .is_some_and(|l| !lower.is_empty() && l.to_lowercase().contains(&lower))
        })
        .map_or_else(|| part.to_owned(), |(_, c)| c.clone())
}
