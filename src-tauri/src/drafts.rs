//! The drafts database as the app holds it: opened once at start, shared by the commands, and
//! a background pass that backs it up daily and checks every page.
//!
//! When the database cannot be opened (damaged, written by a newer Podium, or holding schema
//! objects Podium did not make) the app still starts: the window explains what happened and
//! offers the backups, and the file is left as it was.

use std::path::PathBuf;
use std::sync::Mutex;

use podium_store::{Error, PageCheck, Store};
use serde::Serialize;
use serde_json::json;

use crate::commands::{Answer, CommandError};

/// The database, or why it is not open.
pub struct Drafts {
    path: PathBuf,
    state: Mutex<Opened>,
    /// What the background check found, if anything (shown in the window).
    maintenance: Mutex<Option<String>>,
}

enum Opened {
    Ready(Box<Store>),
    Failed(Problem),
}

/// Why the database is not open, as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `damaged`, `newer`, `foreign`, `altered` (schema objects Podium did not make) or `other`.
    pub kind: &'static str,
    pub message: String,
    /// The store's error, which each command answers while the database is not open (and the
    /// window words).
    pub error: CommandError,
}

impl Drafts {
    /// Opens the database at `path` (or remembers why it cannot).
    pub fn open(path: PathBuf) -> Drafts {
        // Only the header at start (fast with any size); every page is checked in the
        // background by `maintain`.
        let state = match Store::open_with(&path, PageCheck::Header) {
            Ok(store) => Opened::Ready(Box::new(store)),
            Err(error) => {
                tracing::error!(%error, path = %path.display(), "cannot open the database");
                Opened::Failed(problem(&error))
            }
        };
        Drafts {
            path,
            state: Mutex::new(state),
            maintenance: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Runs `f` on the open store; the store's error when it is not open or `f` fails.
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> podium_store::Result<T>) -> Answer<T> {
        let mut state = self.state.lock().map_err(|_| {
            CommandError::internal("the database's lock was poisoned; restart Podium")
        })?;
        match &mut *state {
            Opened::Ready(store) => f(store).map_err(|e| {
                tracing::warn!(error = %e, "database command failed");
                CommandError::from(e)
            }),
            Opened::Failed(problem) => Err(problem.error.clone()),
        }
    }

    pub fn problem(&self) -> Option<Problem> {
        match &*self.state.lock().ok()? {
            Opened::Failed(p) => Some(p.clone()),
            Opened::Ready(_) => None,
        }
    }

    pub fn maintenance_problem(&self) -> Option<String> {
        self.maintenance.lock().ok()?.clone()
    }

    /// Restores a backup: over the open database, or in place of one that could not be opened
    /// (kept aside, never deleted), which is then opened.
    pub fn restore(&self, backup: &std::path::Path) -> Answer<String> {
        // The window restores Podium's own backups only, never an arbitrary file it names.
        let dir = Store::backup_dir_for(&self.path);
        let inside = match (backup.canonicalize(), dir.canonicalize()) {
            (Ok(file), Ok(dir)) => file.starts_with(&dir),
            _ => false,
        };
        if !inside {
            return Err(CommandError::new(
                "not_a_backup",
                json!({ "path": backup, "backups": dir }),
                format!(
                    "{} is not one of Podium's backups (they are in {})",
                    backup.display(),
                    dir.display()
                ),
            ));
        }
        let mut state = self.state.lock().map_err(|_| {
            CommandError::internal("the database's lock was poisoned; restart Podium")
        })?;
        match &mut *state {
            Opened::Ready(store) => store
                .restore_backup(backup)
                .map(|safety| safety.path.display().to_string())
                .map_err(CommandError::from),
            Opened::Failed(_) => {
                let aside = Store::restore_over(&self.path, backup)?;
                let store = Store::open(&self.path)?;
                *state = Opened::Ready(Box::new(store));
                Ok(aside.map(|p| p.display().to_string()).unwrap_or_default())
            }
        }
    }

    /// The full page check and the daily backup, on a connection of its own so typing never
    /// waits for them. A damaged database is reported (the window says so) and not backed up.
    pub fn maintain(&self) {
        if self.problem().is_some() {
            return;
        }
        let outcome = Store::open_with(&self.path, PageCheck::Header).and_then(|mut store| {
            store.check_integrity()?;
            store.backup_daily()
        });
        match outcome {
            Ok(Some(backup)) => tracing::info!(file = %backup.path.display(), "daily backup taken"),
            Ok(None) => tracing::debug!("today's backup exists"),
            Err(error) => {
                tracing::error!(%error, "daily backup failed");
                if let Ok(mut m) = self.maintenance.lock() {
                    *m = Some(error.to_string());
                }
            }
        }
    }
}

fn problem(error: &Error) -> Problem {
    let kind = match error {
        Error::Corrupt { .. } => "damaged",
        Error::NewerSchema { .. } => "newer",
        Error::NotPodium { .. } => "foreign",
        Error::ForeignSchema { .. } => "altered",
        _ => "other",
    };
    Problem {
        kind,
        message: error.to_string(),
        error: CommandError::from(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_cannot_restore_a_file_outside_the_backups_folder() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let drafts = Drafts::open(dir.path().join("podium.sqlite3"));
        let elsewhere = dir.path().join("elsewhere.sqlite3");
        drafts
            .with(|s| s.backup_to(&elsewhere))
            .unwrap_or_else(|e| panic!("{e}"));
        let refused = drafts.restore(&elsewhere).unwrap_err();
        assert_eq!(refused.kind, "not_a_backup");
        assert!(
            refused.message.contains("not one of Podium's backups"),
            "{refused}"
        );
        let backup = drafts
            .with(|s| s.backup_daily())
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("a backup"));
        assert!(drafts.restore(&backup.path).is_ok());
    }
}
