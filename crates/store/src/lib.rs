//! Podium's SQLite store: the one place that opens the database, migrates it and reads and
//! writes drafts, their revisions, goals and the local change log.
//!
//! Everything a leader types ends up here, so the rules are strict: every change commits in one
//! transaction together with its change-log row; nothing is ever deleted outright (drafts
//! become tombstones, restoring a revision is a new revision); a database this build cannot
//! read — damaged, written by a newer Podium, or holding schema objects Podium did not make —
//! is refused and left exactly as it was; its files are private to the user (see [`private`]).
//! This crate never talks to the network and knows nothing about Tauri.

mod accounts;
mod approval;
mod backup;
mod columns;
mod drafts;
mod error;
mod goals;
mod leases;
mod log;
mod media;
mod migrate;
mod open;
mod outbox;
pub mod private;
mod public;
mod results;
mod revisions;
mod schema;
mod search;
mod settings;
mod sync;
mod transfer;

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use podium_core::clock::Clock;
use rusqlite::Connection;

pub use accounts::{network_str, Account, AccountChanges, NewAccount};
pub use approval::{ApprovalNews, Comment, MAX_COMMENT_CHARS};
pub use backup::{Backup, KEEP_BACKUPS};
pub use drafts::{Draft, DraftPatch, DraftSummary, Filter, NewDraft, TITLE_CHARS};
pub use error::{Error, Result};
pub use leases::Publishers;
pub use log::Change;
pub use media::{sha256_hex, ExportedAttachment, ExportedImage, NewImage};
pub use migrate::{migrate_to, SCHEMA_VERSION};
pub use open::{PageCheck, FULL_CHECK_AT_OPEN};
pub use outbox::{fit_on, Due, Entry, Part, When};
pub use results::{
    results_csv, Published, Reading, ResultRow, TargetRow, GOALS_ZONE_SETTING, X_READS_SETTING,
};
pub use revisions::{Revision, RevisionKind, BURST_MINUTES, MAX_AUTOSAVES, PAUSE_SECONDS};
pub use search::RANK_WINDOW;
pub use settings::{GRACE_SETTING, LINKEDIN_VERSION_SETTING};
pub use sync::{Applied, Conflict, ConflictReason, Keep, Settled, SyncIdentity};
pub use transfer::{CsvRowError, Export, ExportedDraft, ImportReport, EXPORT_FORMAT};

/// Where time comes from: the wall clock, or a test's.
type Now = Box<dyn FnMut() -> DateTime<Utc> + Send>;

/// An open Podium database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    clock: Clock,
    /// This device's node id in the clock, as hex (written into the change log).
    device: String,
    /// Who makes the changes (shown as "created by" / "changed by").
    author: String,
    /// This run's editing session (a UUIDv7): autosaves coalesce within it.
    session: String,
    /// The revision a one-click fix made: later typing starts a new one rather than joining
    /// it, so the history keeps the text as the fix left it.
    closed_revision: Option<String>,
    now: Now,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("device", &self.device)
            .field("author", &self.author)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The database file in the platform's app-data folder (the desktop app's own folder, so
    /// the app and the `podium` CLI share it): `~/.local/share/no.podium.desktop/podium.sqlite3`
    /// on Linux.
    pub fn default_path() -> Result<PathBuf> {
        let base = dirs::data_dir().ok_or(Error::NoDataDir)?;
        Ok(base.join(APP_ID).join(DB_FILE))
    }

    /// The folder backups of the database at `db` go to.
    pub fn backup_dir_for(db: &Path) -> PathBuf {
        db.parent()
            .unwrap_or_else(|| Path::new("."))
            .join("backups")
    }

    /// The folder beside the database at `db` where media files go (private, like the rest).
    pub fn media_dir_for(db: &Path) -> PathBuf {
        db.parent().unwrap_or_else(|| Path::new(".")).join("media")
    }

    /// The file this store was opened from (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Names the person whose changes follow (defaults to the OS user name).
    pub fn set_author(&mut self, author: &str) {
        let author = author.trim();
        if !author.is_empty() {
            author.clone_into(&mut self.author);
        }
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// Replaces the wall clock, for tests that need time to pass.
    pub fn set_time_source(&mut self, now: impl FnMut() -> DateTime<Utc> + Send + 'static) {
        self.now = Box::new(now);
    }

    fn now(&mut self) -> DateTime<Utc> {
        (self.now)()
    }

    /// Direct read access for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The desktop app's identifier; its data folder has this name.
pub const APP_ID: &str = "no.podium.desktop";
/// The database's file name in that folder.
pub const DB_FILE: &str = "podium.sqlite3";

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::Invalid(format!("not a time: {s:?}")))
}
