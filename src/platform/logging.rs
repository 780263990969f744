//! The log: a daily file in the data folder (kept a week); on stderr only when `RUST_LOG` asks.
//! Secrets are never passed to `tracing` in the first place; the secret-scan test checks the
//! files.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::store::Home;

/// Log files kept.
const KEEP_FILES: usize = 7;

/// Keeps the file writer flushing; drop it at exit.
pub struct Guard {
    _flush: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// The folder the log files go to.
pub fn log_dir(home: &Home) -> PathBuf {
    home.dir().join("logs")
}

/// Starts logging. `RUST_LOG` sets the detail (default: info to the file, nothing to stderr).
/// The log's lines are English and technical: a person at the command line reads the
/// commands' own Russian messages, and the file keeps everything for support. With `RUST_LOG`
/// set they also go to stderr — coloured only on a terminal, never into a file or a pipe.
pub fn init(home: &Home) -> Guard {
    let stderr = std::env::var_os("RUST_LOG").is_some().then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(EnvFilter::from_default_env())
    });
    // The appender reads the folder to prune old files; it must exist first. Without it the
    // appender would print its own English complaint to stderr at every write.
    let dir = log_dir(home);
    let _ = std::fs::create_dir_all(&dir);
    let file = if dir.is_dir() {
        Ok(())
    } else {
        Err(format!("{} is not a folder", dir.display()))
    }
    .and_then(|()| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("klyuchnik")
            .filename_suffix("log")
            .max_log_files(KEEP_FILES)
            .build(&dir)
            .map_err(|e| e.to_string())
    });
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                    EnvFilter::new("info,wgpu=warn,naga=warn,eframe=warn,egui=warn,winit=warn")
                }));
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(file_layer)
                .try_init();
            Guard {
                _flush: Some(guard),
            }
        }
        Err(e) => {
            let _ = tracing_subscriber::registry().with(stderr).try_init();
            tracing::warn!("log file unavailable: {e}");
            Guard { _flush: None }
        }
    }
}

use tracing_subscriber::Layer as _;
