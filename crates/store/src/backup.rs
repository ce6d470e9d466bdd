//! Backups through SQLite's online backup API: a consistent copy taken while the app runs.
//!
//! The app takes one a day (kept: the newest [`KEEP_BACKUPS`]); before a restore replaces the
//! database, the current content is itself backed up, so a restore can be undone. A file to be
//! restored is checked like a database being opened (a damaged one, a newer Podium's, one
//! holding schema objects Podium did not make is refused) on the very connection it is then
//! copied from, before anything is replaced. The backups folder and its files are private.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::backup::StepResult;
use rusqlite::Connection;
use serde::Serialize;

use crate::open::{
    check_source, classify, in_data_folder, missing_side_files, open_read_only, remove_made,
    secure, side_files,
};
use crate::{private, Error, Result, Store};

/// Daily backups kept.
pub const KEEP_BACKUPS: usize = 7;

const DAILY_PREFIX: &str = "podium-";
const BEFORE_RESTORE_PREFIX: &str = "before-restore-";
const MANUAL_PREFIX: &str = "manual-";
const SUFFIX: &str = ".sqlite3";

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was written (the file's modification time).
    pub taken_at: DateTime<Utc>,
    pub bytes: u64,
}

impl Store {
    /// The folder this database's backups go to (`None` in memory).
    pub fn backup_dir(&self) -> Option<PathBuf> {
        self.path.as_deref().map(Store::backup_dir_for)
    }

    /// The backups folder, made (private) if it is missing; beside Podium's own database an
    /// existing one is tightened too.
    fn require_backup_dir(&self) -> Result<PathBuf> {
        let dir = self
            .backup_dir()
            .ok_or_else(|| Error::Invalid("a database in memory has no backups".to_owned()))?;
        let own = self.path.as_deref().is_some_and(in_data_folder);
        let made = if own {
            private::ensure_dir(&dir)
        } else {
            private::create_dir(&dir)
        };
        made.map_err(|source| Error::Io {
            action: "cannot create the folder",
            path: dir.clone(),
            source,
        })?;
        Ok(dir)
    }

    /// Takes today's backup unless there is one already, then keeps the newest
    /// [`KEEP_BACKUPS`]. Returns the backup taken, if any. The database is checked first: a
    /// damaged one is not backed up (it would push good backups out).
    pub fn backup_daily(&mut self) -> Result<Option<Backup>> {
        let dir = self.require_backup_dir()?;
        let today = self.now().format("%Y-%m-%d").to_string();
        let file = dir.join(format!("{DAILY_PREFIX}{today}{SUFFIX}"));
        if file.exists() {
            return Ok(None);
        }
        // A damaged database must not push the good backups out of the rotation.
        self.check_integrity()?;
        let backup = self.backup_to(&file)?;
        prune(&dir)?;
        Ok(Some(backup))
    }

    /// Writes a consistent copy of the database to `file` (written next to it first, then
    /// renamed, so a half-written backup never looks like a good one). The file is private.
    pub fn backup_to(&self, file: &Path) -> Result<Backup> {
        let io = |action, path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io {
                action,
                path,
                source,
            }
        };
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            private::create_dir(dir).map_err(io("cannot create the folder", dir))?;
        }
        let partial = file.with_extension("partial");
        private::create_file(&partial).map_err(io("cannot write the backup", &partial))?;
        let mut copy = Connection::open(&partial)?;
        secure(&copy)?;
        transfer(&self.conn, &mut copy)?;
        drop(copy);
        std::fs::rename(&partial, file).map_err(io("cannot write the backup", file))?;
        tracing::info!(file = %file.display(), "backup written");
        describe(file)
    }

    /// The backups of this database, newest first.
    pub fn backups(&self) -> Result<Vec<Backup>> {
        list(&self.require_backup_dir()?)
    }

    /// The backups of the database at `db`, newest first — also of one that cannot be opened.
    pub fn backups_for(db: &Path) -> Result<Vec<Backup>> {
        list(&Store::backup_dir_for(db))
    }

    /// A backup taken now, on request (`manual-<time>.sqlite3`), after checking every page.
    pub fn backup_now(&mut self) -> Result<Backup> {
        let dir = self.require_backup_dir()?;
        self.check_integrity()?;
        let stamp = self.now().format("%Y-%m-%d-%H%M%S").to_string();
        self.backup_to(&dir.join(format!("{MANUAL_PREFIX}{stamp}{SUFFIX}")))
    }

    /// Replaces the database's content with a backup's. The backup is checked first (a
    /// damaged or newer one is refused); the current content is backed up as
    /// `before-restore-….sqlite3`, returned here, so the restore can be undone.
    pub fn restore_backup(&mut self, file: &Path) -> Result<Backup> {
        let source = checked_source(file)?;
        let dir = self.require_backup_dir()?;
        let stamp = self.now().format("%Y-%m-%d-%H%M%S").to_string();
        let safety =
            self.backup_to(&dir.join(format!("{BEFORE_RESTORE_PREFIX}{stamp}{SUFFIX}")))?;
        transfer(&source, &mut self.conn)?;
        drop(source);
        self.reload()?;
        tracing::info!(from = %file.display(), "backup restored");
        Ok(safety)
    }

    /// Restores a backup over a database that cannot be opened (a damaged one, one holding
    /// objects Podium did not make): that file is kept next to it as `….damaged-<time>`, never
    /// deleted. Returns where it went.
    pub fn restore_over(db: &Path, file: &Path) -> Result<Option<PathBuf>> {
        let source = checked_source(file)?;
        let kept = if db.exists() {
            let stamp = Utc::now().format("%Y%m%d-%H%M%S");
            let aside = db.with_extension(format!("sqlite3.damaged-{stamp}"));
            std::fs::rename(db, &aside).map_err(|source| Error::Io {
                action: "cannot move the damaged database aside",
                path: db.to_owned(),
                source,
            })?;
            private::tighten_or_warn(&aside);
            for ext in ["sqlite3-wal", "sqlite3-shm"] {
                let side = db.with_extension(ext);
                if side.exists() {
                    let kept = aside.with_extension(format!("{ext}.damaged"));
                    if std::fs::rename(&side, &kept).is_ok() {
                        private::tighten_or_warn(&kept);
                    }
                }
            }
            Some(aside)
        } else {
            None
        };
        private::create_file(db).map_err(|source| Error::Io {
            action: "cannot create the database",
            path: db.to_owned(),
            source,
        })?;
        let mut target = Connection::open(db).map_err(|e| classify(e, db))?;
        secure(&target)?;
        transfer(&source, &mut target)?;
        drop(target);
        for side in side_files(db) {
            private::tighten_or_warn(&side);
        }
        Ok(kept)
    }
}

/// Opens a file to restore and checks it (header, schema, every page) inside one read
/// transaction, which stays open so the copy taken from it is what was checked.
fn checked_source(file: &Path) -> Result<Connection> {
    let missing = missing_side_files(file);
    let checked = open_read_only(file).and_then(|source| {
        source
            .execute_batch("BEGIN; SELECT count(*) FROM sqlite_schema;")
            .map_err(|e| classify(e, file))?;
        check_source(&source, file, true)?;
        Ok(source)
    });
    if let Err(refused) = &checked {
        remove_made(refused, &missing);
    }
    checked
}

/// Copies every page of `from` into `to` (SQLite's online backup), waiting a little while a
/// writer holds the source.
fn transfer(from: &Connection, to: &mut Connection) -> Result<()> {
    let copy = rusqlite::backup::Backup::new(from, to)?;
    let mut waits = 0;
    loop {
        match copy.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if waits < 50 => {
                waits += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            // Still busy, or a result this rusqlite does not name.
            _ => {
                return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed busy during the copy".to_owned()),
                )))
            }
        }
    }
}

fn describe(file: &Path) -> Result<Backup> {
    let meta = std::fs::metadata(file).map_err(|source| Error::Io {
        action: "cannot read",
        path: file.to_owned(),
        source,
    })?;
    let taken_at = meta
        .modified()
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(|_| Utc::now());
    Ok(Backup {
        path: file.to_owned(),
        taken_at,
        bytes: meta.len(),
    })
}

/// The backup files in `dir` (any order; none when it cannot be read).
pub(crate) fn list_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(SUFFIX))
        .collect()
}

fn list(dir: &Path) -> Result<Vec<Backup>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Daily, before-restore and manual (`podium backups create`) backups alike.
        if name.ends_with(SUFFIX) {
            out.push(describe(&entry.path())?);
        }
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.path.cmp(&a.path)));
    Ok(out)
}

/// Keeps the newest [`KEEP_BACKUPS`] daily backups (their names sort by date).
fn prune(dir: &Path) -> Result<()> {
    let mut daily: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(DAILY_PREFIX) && n.ends_with(SUFFIX))
                })
                .collect()
        })
        .unwrap_or_default();
    daily.sort();
    let excess = daily.len().saturating_sub(KEEP_BACKUPS);
    for old in &daily[..excess] {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::warn!(file = %old.display(), error = %e, "cannot remove an old backup");
        }
    }
    Ok(())
}
