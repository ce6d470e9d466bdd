//! Logging to the platform's log folder, and panics that leave a trace instead of vanishing.
//!
//! Logs go to `<app log dir>/podium.<date>.log` (on Linux `~/.local/share/no.podium.desktop/logs`)
//! and to stderr. `RUST_LOG` picks the level (default `info`). Secrets are never logged: the
//! crates that handle them never pass them to `tracing`.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// How many daily log files are kept.
const KEEP_LOG_FILES: usize = 14;

/// Sends panics, with a backtrace, to the log as well as to stderr.
pub fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(panic = %info, %backtrace, "Podium panicked");
        default_hook(info);
    }));
}

/// Starts logging into the platform's log folder. Logging problems are reported on stderr and
/// never stop the app.
pub fn init(app: &AppHandle) {
    match app.path().app_log_dir() {
        Ok(dir) => init_at(Some(dir)),
        Err(error) => {
            eprintln!("Podium: no log folder on this platform: {error}");
            init_at(None);
        }
    }
}

/// Starts logging to stderr and, when given, to daily files in `dir`.
fn init_at(dir: Option<PathBuf>) {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let file_layer = dir.as_ref().and_then(|dir| match file_appender(dir) {
        Ok(appender) => Some(
            fmt::layer()
                .with_ansi(false)
                .with_writer(appender)
                .with_filter(filter()),
        ),
        Err(error) => {
            eprintln!("Podium: cannot write logs to {}: {error}", dir.display());
            None
        }
    });
    if tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .is_err()
    {
        return; // Already initialised.
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = ?dir, "Podium started");
}

fn file_appender(dir: &Path) -> Result<RollingFileAppender, tracing_appender::rolling::InitError> {
    // The appender prunes old files before it creates the folder: on a first start it would
    // complain that the folder is missing.
    let _ = std::fs::create_dir_all(dir);
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("podium")
        .filename_suffix("log")
        .max_log_files(KEEP_LOG_FILES)
        .build(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_written_to_the_log_file_with_a_backtrace() {
        let dir = std::env::temp_dir().join(format!("podium-log-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        init_at(Some(dir.clone()));
        install_panic_hook();
        let outcome = std::panic::catch_unwind(|| panic!("the scheduler lost its clock"));
        assert!(outcome.is_err());
        let logs: String = std::fs::read_dir(&dir)
            .expect("the log folder exists")
            .filter_map(|e| e.ok())
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect();
        assert!(logs.contains("Podium started"), "{logs}");
        assert!(logs.contains("Podium panicked"), "{logs}");
        assert!(logs.contains("the scheduler lost its clock"), "{logs}");
        assert!(logs.contains("backtrace"), "{logs}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
