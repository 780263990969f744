//! «Выгрузить…», «Загрузить…» and «Загрузить список ПВЗ…» in the window: the system's file
//! dialog, the operation (`ops::transfer`, `ops::pvz`) in the background, and what it did in
//! words on the notice line.

use std::fmt::Write as _;
use std::sync::Arc;

use super::command::Services;
use super::jobs::JobKey;
use crate::ops;

/// Asks where to save the connections (no secrets) and writes them there.
pub fn export(services: &Services, ctx: &egui::Context) {
    let (dialog, storage) = (
        Arc::clone(&services.save_dialog),
        Arc::clone(&services.storage),
    );
    spawn_file_job(services, ctx, move || {
        let Some(path) = dialog("klyuchnik-podklyucheniya.json") else {
            return Ok(None);
        };
        // The system's save dialog has asked before replacing a file.
        let count = ops::transfer::export_to(&*storage, &path)
            .map_err(|e| format!("Не удалось записать {}: {e}", path.display()))?;
        Ok(Some(
            format!(
                "Выгружено подключений: {count} в {} (без секретов).",
                path.display()
            )
            .into(),
        ))
    });
}

/// What a file job came to: a message for the notice line and, for a hand-over file, the
/// paused connection to go on with in its wizard.
pub struct FileDone {
    pub message: String,
    pub resume: Option<String>,
}

impl From<String> for FileDone {
    fn from(message: String) -> Self {
        Self {
            message,
            resume: None,
        }
    }
}

/// Asks for an export file and adds its connections; existing ones are never overwritten.
pub fn import(services: &Services, ctx: &egui::Context) {
    let (storage, catalog) = (Arc::clone(&services.storage), services.catalog.clone());
    spawn_read_job(services, ctx, move |text| {
        import_text(&*storage, &catalog, &text)
    });
}

/// Imports an export file's text. A hand-over file (one ПВЗ waiting for its token) also names
/// the connection to continue — once imported, or if it was imported before and still waits.
pub fn import_text(
    storage: &dyn ops::Storage,
    catalog: &crate::flow::Catalog,
    text: &str,
) -> Result<FileDone, String> {
    let report = ops::transfer::import(storage, catalog, text).map_err(|e| e.to_string())?;
    let resume = ops::transfer::handed_over(text).filter(|id| {
        storage
            .list()
            .iter()
            .any(|c| &c.id == id && c.pending_step.is_some())
    });
    if resume.is_some() {
        let name = report.added.first().cloned();
        let message = match name {
            Some(name) => format!("Загружено: «{name}». Продолжите настройку с вашего шага."),
            None => "Это подключение уже загружено — продолжите его настройку.".to_owned(),
        };
        return Ok(FileDone { message, resume });
    }
    let mut msg = format!(
        "Загружено подключений: {}, пропущено: {}.",
        report.added.len(),
        report.rejected.len()
    );
    for (n, name, reason) in report.rejected.iter().take(10) {
        let _ = write!(msg, " Запись {n} «{name}»: {reason}.");
    }
    if !report.added.is_empty() {
        msg.push_str(" Секреты не переносятся — введите их заново.");
    }
    Ok(msg.into())
}

/// Asks for a ПВЗ list (CSV) and adds each good row as a ПВЗ awaiting its token.
pub fn import_pvz(services: &Services, ctx: &egui::Context, admin_done: bool) {
    let (storage, catalog) = (Arc::clone(&services.storage), services.catalog.clone());
    spawn_read_job(services, ctx, move |text| {
        let batch = ops::pvz::import_pvz(&*storage, &catalog, &text, admin_done)?;
        let added = batch.connections.len();
        let next = if admin_done {
            "ждут API-токена: «Продолжить настройку» в строке ПВЗ — с шага 3"
        } else {
            "начните с шага 2 (камеры и разрешение): «Продолжить настройку» в строке ПВЗ"
        };
        // One line each: what was added, then every skipped row with its reason.
        let mut msg = format!(
            "Добавлено ПВЗ: {added} — {next}.\nПропущено строк: {}.",
            batch.rejected.len()
        );
        if let Some(header) = &batch.header {
            let _ = write!(msg, "\nСтрока 1 — заголовок: «{header}».");
        }
        for (line, reason) in batch.rejected.iter().take(10) {
            let _ = write!(msg, "\nСтрока {line}: {reason}.");
        }
        if batch.rejected.len() > 10 {
            let _ = write!(msg, "\nИ ещё строк: {}.", batch.rejected.len() - 10);
        }
        Ok(msg.into())
    });
}

/// Runs file work (a dialog, then reading or writing) in the background.
fn spawn_file_job(
    services: &Services,
    ctx: &egui::Context,
    job: impl FnOnce() -> Result<Option<FileDone>, String> + Send + 'static,
) {
    services
        .jobs
        .borrow_mut()
        .start_blocking(JobKey::File, ctx, job);
}

/// Asks for a file, reads it as text and hands it to `take`, all in the background.
fn spawn_read_job(
    services: &Services,
    ctx: &egui::Context,
    take: impl FnOnce(String) -> Result<FileDone, String> + Send + 'static,
) {
    let dialog = Arc::clone(&services.open_dialog);
    spawn_file_job(services, ctx, move || {
        let Some(path) = dialog() else {
            return Ok(None);
        };
        take(read_picked(&path)?).map(Some)
    });
}

/// The text of a file picked for «Загрузить…», «Загрузить список ПВЗ…» or opened with Ключник,
/// read no further than [`ops::transfer::MAX_IMPORT_BYTES`]: a bigger file is neither an export
/// nor a list of ПВЗ, and reading it whole would only take memory.
pub fn read_picked(path: &std::path::Path) -> Result<String, String> {
    crate::store::read_user_file(path, ops::transfer::MAX_IMPORT_BYTES).map_err(|e| {
        let more = match e {
            crate::store::ReadError::TooLarge { .. } => {
                " — это не выгрузка Ключника и не список ПВЗ. Ничего не загружено."
            }
            _ => ".",
        };
        format!("Не удалось прочитать {}: {e}{more}", path.display())
    })
}
