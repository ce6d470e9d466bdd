//! Logging to the platform's log folder, and panics that leave a trace instead of vanishing.
//!
//! Logs go to `<app log dir>/podium.<date>.log` (on Linux `~/.local/share/no.podium.desktop/logs`)
//! and to stderr. `RUST_LOG` picks the level (default `info`). Secrets are never logged: the
//! crates that handle them never pass them to `tracing`.

use std::path::Path;

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

/// Starts logging. Logging problems are reported on stderr and never stop the app.
pub fn init(app: &AppHandle) {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let file = match app.path().app_log_dir() {
        Ok(dir) => match file_appender(&dir) {
            Ok(appender) => Some((
                dir,
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(appender)
                    .with_filter(filter()),
            )),
            Err(error) => {
                eprintln!("Podium: cannot write logs to {}: {error}", dir.display());
                None
            }
        },
        Err(error) => {
            eprintln!("Podium: no log folder on this platform: {error}");
            None
        }
    };
    let (dir, file_layer) = match file {
        Some((dir, layer)) => (Some(dir), Some(layer)),
        None => (None, None),
    };
    if tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .is_err()
    {
        return; // Already initialised (tests start the app more than once per process).
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        log_dir = ?dir,
        "Podium started"
    );
}

fn file_appender(dir: &Path) -> Result<RollingFileAppender, tracing_appender::rolling::InitError> {
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("podium")
        .filename_suffix("log")
        .max_log_files(KEEP_LOG_FILES)
        .build(dir)
}
