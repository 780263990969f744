//! Test-only check that a secret round-trips through the platform keyring with the app's own
//! store code (on Windows: Windows Credential Manager). CI runs the Windows build under Wine:
//! `keyring_roundtrip.exe` prints each step and `OK`, or `FAIL: …` with exit code 1.

use std::process::ExitCode;

use klyuchnik::model::Secret;
use klyuchnik::store::{Backend, SecretError};

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("OK");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("FAIL: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let secrets = klyuchnik::platform::env::secrets();
    let backend = secrets.backend().ok_or_else(|| {
        format!(
            "нет хранилища: {}",
            secrets.unavailable_reason().unwrap_or("?")
        )
    })?;
    println!("хранилище: {}", backend.title());
    if cfg!(windows) && backend != Backend::WindowsCredentialManager {
        return Err(format!(
            "ожидался диспетчер учётных данных Windows, а не {backend:?}"
        ));
    }

    let connection = format!("roundtrip-{}", uuid::Uuid::new_v4());
    let value = Secret::new(format!("Токен-{}-ключ «ё»", uuid::Uuid::new_v4()));
    secrets
        .set_secret(&connection, "token", &value)
        .map_err(|e| format!("запись: {e}"))?;
    println!("записан: {connection}/token");

    let read = secrets
        .get(&connection, "token")
        .map_err(|e| format!("чтение: {e}"))?;
    if read != value {
        return Err("прочитано не то, что записано".to_owned());
    }
    println!(
        "прочитан: совпадает (знаков: {})",
        value.expose().chars().count()
    );

    secrets
        .delete_secret(&connection, "token")
        .map_err(|e| format!("удаление: {e}"))?;
    match secrets.get(&connection, "token") {
        Err(SecretError::Missing(_)) => println!("удалён: больше не читается"),
        Ok(_) => return Err("после удаления секрет всё ещё читается".to_owned()),
        Err(e) => return Err(format!("чтение после удаления: {e}")),
    }

    // Windows Credential Manager keeps at most 2560 bytes; the app must say so, not crash.
    if backend == Backend::WindowsCredentialManager {
        let long = Secret::new("x".repeat(3000));
        match secrets.set_secret(&connection, "long", &long) {
            Err(SecretError::TooLong { limit }) => {
                println!("слишком длинный: отказ (предел {limit})");
            }
            Err(e) => return Err(format!("длинный секрет: неожиданная ошибка: {e}")),
            Ok(()) => {
                let _ = secrets.delete_secret(&connection, "long");
                return Err("секрет длиннее 2560 байт записан без отказа".to_owned());
            }
        }
    }
    Ok(())
}
