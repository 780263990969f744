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
        Ok(Some(format!(
            "Выгружено подключений: {count} в {} (без секретов).",
            path.display()
        )))
    });
}

/// Asks for an export file and adds its connections; existing ones are never overwritten.
pub fn import(services: &Services, ctx: &egui::Context) {
    let (storage, catalog) = (Arc::clone(&services.storage), services.catalog.clone());
    spawn_read_job(services, ctx, move |text| {
        let report =
            ops::transfer::import(&*storage, &catalog, &text).map_err(|e| e.to_string())?;
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
        Ok(msg)
    });
}

/// Asks for a ПВЗ list (CSV) and adds each good row as a ПВЗ awaiting its token.
pub fn import_pvz(services: &Services, ctx: &egui::Context) {
    let (storage, catalog) = (Arc::clone(&services.storage), services.catalog.clone());
    spawn_read_job(services, ctx, move |text| {
        let batch = ops::pvz::import_pvz(&*storage, &catalog, &text)?;
        let added = batch.connections.len();
        // One line each: what was added, then every skipped row with its reason.
        let mut msg = format!(
            "Добавлено ПВЗ: {added} — ждут токена: «Продолжить настройку» в строке ПВЗ.\nПропущено строк: {}.",
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
        Ok(msg)
    });
}

/// Runs file work (a dialog, then reading or writing) in the background.
fn spawn_file_job(
    services: &Services,
    ctx: &egui::Context,
    job: impl FnOnce() -> Result<Option<String>, String> + Send + 'static,
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
    take: impl FnOnce(String) -> Result<String, String> + Send + 'static,
) {
    let dialog = Arc::clone(&services.open_dialog);
    spawn_file_job(services, ctx, move || {
        let Some(path) = dialog() else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("Не удалось прочитать {}: {e}", path.display()))?;
        take(text).map(Some)
    });
}
