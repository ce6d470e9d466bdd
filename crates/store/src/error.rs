//! The store's one error type. Messages say what happened and what the user can do.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the database {path} was written by a newer Podium (schema version {found}; this Podium \
         reads up to {supported}). It was left untouched: update Podium to open it."
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "the database {path} is damaged ({detail}). It was left as it is. Restore a backup from \
         {backups} (in the app: Settings → Restore from backup; in a terminal: `podium backups \
         restore FILE`), or move the damaged file away to start empty."
    )]
    Corrupt {
        path: PathBuf,
        backups: PathBuf,
        detail: String,
    },

    #[error(
        "{path} is an SQLite database of another program, not Podium's; it was left untouched. \
         Choose another file."
    )]
    NotPodium { path: PathBuf },

    #[error(
        "the database {path} holds schema objects Podium did not make: {found}. It was not \
         opened and was left untouched, because such objects can run SQL whenever Podium reads \
         or writes. If you did not add them yourself, someone may have tampered with the file. \
         Restore a backup from {backups} (in the app: Settings → Restore from backup; in a \
         terminal: `podium backups restore FILE`), or move the file away to start empty."
    )]
    ForeignSchema {
        path: PathBuf,
        backups: PathBuf,
        /// What differs, e.g. `trigger "copy_drafts", index "drafts_by_text"`.
        found: String,
    },

    #[error("cannot find the user's data folder (is $HOME set?)")]
    NoDataDir,

    #[error("no draft with id {0}")]
    NoDraft(String),

    #[error("no account with id {0} (see `podium accounts list`)")]
    NoAccount(String),

    #[error("no queued post with id {0} (see `podium queue`)")]
    NoEntry(String),

    #[error("no revision with id {0}")]
    NoRevision(String),

    #[error("{0}")]
    Invalid(String),

    /// This member's role does not allow it (an assistant approving, an executive approving
    /// another leader's post): nothing was changed.
    #[error("{0}")]
    NotAllowed(podium_core::reason::Reason),

    /// The post does not fit the account's network as it is: nothing was scheduled.
    #[error("not scheduled on {handle}: {misfit}")]
    DoesNotFit {
        handle: String,
        misfit: podium_core::fit::Misfit,
    },

    /// The account's sign-in is on another device of the team, not this one: nothing was
    /// scheduled (this device could not publish it).
    #[error(
        "not scheduled on {handle}: it is connected on another device of your team, not on this \
         one — schedule it there, or connect the account here under Accounts"
    )]
    NotConnectedHere { handle: String },

    #[error("the file {path} cannot be imported: {reason}. Nothing was imported.")]
    Import { path: String, reason: String },

    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),

    #[error("stored data is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// SQLite's message, with what to do when it means the file is damaged or busy.
fn sqlite_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => format!(
            "the database is damaged ({e}). Restore a backup: Settings → Restore from backup, \
             or `podium backups restore FILE`"
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "the database is busy ({e}): another Podium is writing to it; try again in a moment"
        ),
        Some(ErrorCode::DiskFull) => {
            format!("the disk is full ({e}): free some space; nothing was lost")
        }
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            format!("the database cannot be written ({e}): check the file's permissions")
        }
        _ => format!("database error: {e}"),
    }
}
