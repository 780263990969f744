//! Ivideon's camera directions as files for PASS24.online's developers — the SQL script and the
//! CSV — from the wizard's last step and from a saved connection's card alike: the window that
//! asks for the camera-id column (the document does not name it), and the file written where
//! the person picks.

use egui::RichText;

use crate::integrations::ivideon::export::{self, Row};
use crate::ui::command::Services;
use crate::ui::jobs::JobKey;
use crate::ui::kit::theme;
use crate::ui::kit::widgets::UiExt as _;

/// Where the camera-id column typed last time is remembered (the window's own state).
const SQL_KEY_MEMORY: &str = "klyuchnik-sql-key-column";

/// The column typed last time, or nothing.
pub fn remembered_key(ctx: &egui::Context) -> String {
    ctx.data_mut(|d| d.get_persisted::<String>(egui::Id::unique(SQL_KEY_MEMORY)))
        .unwrap_or_default()
}

/// What the SQL window came to.
pub enum KeyAnswer {
    /// Save with this column (remembered for next time).
    Go(String),
    Cancel,
}

/// The export SQL window: the camera-id column, typed into `buffer`. `None` while it is open.
pub fn key_modal(ui: &egui::Ui, buffer: &mut String) -> Option<KeyAnswer> {
    let mut go = false;
    let mut cancel = false;
    let checked = export::key_column(buffer).map(str::to_owned);
    let modal = egui::Modal::new(egui::Id::unique("sql-key-modal")).show(ui.ctx(), |ui| {
        ui.set_max_width(theme::TEXT_WIDTH.min(520.0));
        ui.heading("Выгрузка команд SQL");
        ui.add(
            egui::Label::new(
                "Инструкция называет только таблицу ivideon_cameras и столбец direction. \
                 По какому столбцу этой таблицы найти камеру по её ID в Ivideon, в инструкции \
                 не сказано — уточните у разработчиков PASS24.online и впишите имя столбца. \
                 Ключник запомнит его для следующих выгрузок.",
            )
            .wrap(),
        );
        ui.add_space(theme::GAP);
        let label = ui.label(RichText::new("Столбец с ID камеры Ivideon *").strong());
        let edit = egui::TextEdit::singleline(buffer)
            .id_salt("sql-key-column")
            .desired_width(theme::FIELD_WIDTH.min(300.0))
            .hint_text("например, camera_id");
        let response = ui.add(edit).labelled_by(label.id);
        if let Err(msg) = &checked
            && !buffer.trim().is_empty()
        {
            ui.field_error(msg);
        }
        let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            go = ui
                .add_enabled(
                    checked.is_ok(),
                    egui::Button::new("Выбрать файл и сохранить"),
                )
                .clicked()
                || (enter && checked.is_ok());
            cancel = ui.button("Не выгружать").clicked();
        });
    });
    match checked {
        Ok(key) if go => {
            ui.ctx()
                .data_mut(|d| d.insert_persisted(egui::Id::unique(SQL_KEY_MEMORY), key.clone()));
            Some(KeyAnswer::Go(key))
        }
        _ if cancel || modal.should_close() => Some(KeyAnswer::Cancel),
        _ => None,
    }
}

/// Builds the file — SQL with `key` (the camera-id column), else CSV — and writes it in the
/// background where the save dialog says, as job `job`. The job answers with what to say
/// («Сохранено: …»), nothing when the dialog was cancelled, or why it failed. Returns whether
/// the job started (a table the export refuses is said at once instead).
pub fn save(
    services: &Services,
    ctx: &egui::Context,
    job: JobKey,
    rows: &[Row],
    account: Option<&str>,
    key: Option<&str>,
) -> Result<(), String> {
    let (content, file_name) = match key {
        Some(key) => (
            export::directions_sql(rows, account, key),
            "ivideon_cameras_direction.sql",
        ),
        None => (
            export::directions_csv(rows),
            "ivideon_cameras_direction.csv",
        ),
    };
    let content = content.map_err(|e| format!("Не сохранено: {e}"))?;
    let dialog = std::sync::Arc::clone(&services.save_dialog);
    services.jobs.borrow_mut().start_blocking(
        job,
        ctx,
        move || -> Result<Option<String>, String> {
            let Some(path) = dialog(file_name) else {
                return Ok(None);
            };
            crate::store::write_atomic(&path, content.as_bytes())
                .map_err(|e| format!("Не удалось записать {}: {e}", path.display()))?;
            Ok(Some(format!("Сохранено: {}", path.display())))
        },
    );
    Ok(())
}
