//! Logging to the platform's log folder, and panics that leave a trace instead of vanishing.
//!
//! Logs go to `<app log dir>/podium.<date>.log` (on Linux `~/.local/share/no.podium.desktop/logs`)
//! and to stderr. `RUST_LOG` picks the level (default `info`). Secrets are never logged: the
//! crates that handle them never pass them to `tracing`. Logs still tell what the user did and
//! when, so the folder is 0700 and every file 0600 whatever the umask (`podium_store::private`):
//! each day's file is made private before the appender opens it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use podium_store::private;
use tauri::{AppHandle, Manager};
use tracing_appender::rolling::{RollingFileAppender, RollingWriter, Rotation};
use tracing_subscriber::fmt::MakeWriter;
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

/// The daily log files, each made private before the appender first writes to it.
struct PrivateLogs {
    appender: RollingFileAppender,
    dir: PathBuf,
    /// When the next day's file is due (seconds since the epoch, UTC midnight).
    next_day: AtomicI64,
}

impl<'a> MakeWriter<'a> for PrivateLogs {
    type Writer = RollingWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        let now = chrono::Utc::now();
        if now.timestamp() >= self.next_day.load(Ordering::Relaxed) {
            self.next_day
                .store(prepare_day(&self.dir, now), Ordering::Relaxed);
        }
        self.appender.make_writer()
    }
}

/// Creates the day's file (`podium.<date>.log`, the appender's daily name, in UTC) private, so
/// the appender opens it as it is; returns when the next day starts.
fn prepare_day(dir: &Path, now: chrono::DateTime<chrono::Utc>) -> i64 {
    let file = dir.join(format!("podium.{}.log", now.format("%Y-%m-%d")));
    if let Err(error) = private::create_file(&file) {
        eprintln!("Podium: cannot make {} private: {error}", file.display());
    }
    let tomorrow = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0));
    tomorrow.map_or(i64::MAX, |t| t.and_utc().timestamp())
}

fn file_appender(dir: &Path) -> Result<PrivateLogs, tracing_appender::rolling::InitError> {
    // The appender prunes old files before it creates the folder: on a first start it would
    // complain that the folder is missing. Made here, private; files from before are tightened.
    if let Err(error) = private::ensure_dir(dir) {
        eprintln!("Podium: cannot make the log folder private: {error}");
    }
    private::tighten_tree(dir);
    let next_day = prepare_day(dir, chrono::Utc::now());
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("podium")
        .filename_suffix("log")
        .max_log_files(KEEP_LOG_FILES)
        .build(dir)?;
    Ok(PrivateLogs {
        appender,
        dir: dir.to_owned(),
        next_day: AtomicI64::new(next_day),
    })
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

    #[cfg(unix)]
    #[test]
    fn the_log_folder_is_0700_and_its_files_0600_and_old_ones_are_tightened() {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = home.path().join("no.podium.desktop").join("logs");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        let old = dir.join("podium.2020-01-01.log");
        std::fs::write(&old, b"yesterday").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));

        let logs = file_appender(&dir).unwrap_or_else(|e| panic!("{e}"));
        logs.make_writer()
            .write_all(b"Podium started\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&old), 0o600);
        let today = dir.join(format!(
            "podium.{}.log",
            chrono::Utc::now().format("%Y-%m-%d")
        ));
        assert_eq!(mode(&today), 0o600);
        let written = std::fs::read_to_string(&today).unwrap_or_default();
        assert!(written.contains("Podium started"), "{written}");
        let files = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .count();
        assert_eq!(files, 2, "the appender wrote to the file made for it");
    }
}
