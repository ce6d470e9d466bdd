//! Opening the database: the one function that sets the pragmas, refuses what it cannot read
//! without touching it, migrates, and loads this device's clock.

use std::path::{Path, PathBuf};

use chrono::Utc;
use podium_core::clock::{Clock, Stamp};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::migrate::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::{Error, Result, Store};

impl Store {
    /// Opens (or creates) the database at `path`, migrating it to this build's schema.
    ///
    /// A file this build cannot use is refused and left byte for byte as it was: one written by
    /// a newer Podium ([`Error::NewerSchema`]), a damaged one ([`Error::Corrupt`], which says
    /// where the backups are), another program's database ([`Error::NotPodium`]).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, PageCheck::UpTo(FULL_CHECK_AT_OPEN))
    }

    /// [`Store::open`], choosing how much of the file to check before opening it. The desktop
    /// app opens with [`PageCheck::Header`] and checks every page in the background.
    pub fn open_with(path: &Path, check: PageCheck) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                action: "cannot create the folder",
                path: dir.to_owned(),
                source,
            })?;
        }
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if bytes > 0 {
            let full = match check {
                PageCheck::Header => false,
                PageCheck::UpTo(limit) => bytes <= limit,
            };
            probe(path, full)?;
        }
        let conn = Connection::open(path).map_err(|e| classify(e, path))?;
        Store::setup(conn, Some(path.to_owned()))
    }

    /// A fresh database in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let at = path.clone().unwrap_or_default();
        configure(&conn).map_err(|e| classify(e, &at))?;
        migrate::migrate(&mut conn).map_err(|e| match e {
            Error::Sqlite(e) => classify(e, &at),
            other => other,
        })?;
        let (node, last) = load_clock(&conn)?;
        let author = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "me".to_owned());
        Ok(Store {
            conn,
            path,
            clock: Clock::new(node, last),
            device: format!("{node:016x}"),
            author,
            session: uuid::Uuid::now_v7().to_string(),
            now: Box::new(Utc::now),
        })
    }

    /// Re-reads state kept in the database after its content was replaced (a restored backup).
    pub(crate) fn reload(&mut self) -> Result<()> {
        migrate::migrate(&mut self.conn)?;
        let (node, last) = load_clock(&self.conn)?;
        self.clock = Clock::new(node, last);
        self.device = format!("{node:016x}");
        Ok(())
    }
}

/// The pragmas every connection gets (DESIGN.md §5).
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // WAL: readers never block the writer and a crash loses at most uncommitted work.
    // (In memory SQLite answers "memory"; that is fine.)
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    // NORMAL is durable against an app crash or `kill -9` in WAL mode; only a power cut can
    // lose the last transactions — the price of not fsyncing on every keystroke.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

/// How much of an existing database file [`Store::open_with`] checks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCheck {
    /// The header and the schema: a Podium database of a version this build reads.
    Header,
    /// Also every page (`PRAGMA quick_check`) when the file is at most this many bytes.
    UpTo(u64),
}

/// Up to this size, opening a database checks every page (`PRAGMA quick_check`, about 2 ms per
/// MiB here). A bigger one (some 10,000 drafts with their history) opens after a check of its
/// header and schema only, so start-up stays fast; the app then runs
/// [`Store::check_integrity`] in the background, and every daily backup runs it first.
pub const FULL_CHECK_AT_OPEN: u64 = 32 * 1024 * 1024;

impl Store {
    /// Checks every page of the database; a damaged one gives [`Error::Corrupt`].
    pub fn check_integrity(&self) -> Result<()> {
        let at = self.path.clone().unwrap_or_default();
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| classify(e, &at))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(corrupt(&at, verdict))
        }
    }
}

/// Checks an existing file read-only before anything can write to it: that it is a Podium
/// database of a schema this build knows, and (with `full`) that every page reads.
pub(crate) fn probe(path: &Path, full: bool) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(e, path))?;
    let read = || -> rusqlite::Result<(i64, i64, i64)> {
        let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app, version, tables))
    };
    let (app, version, tables) = read().map_err(|e| classify(e, path))?;
    if app != APPLICATION_ID && (app != 0 || tables > 0) {
        return Err(Error::NotPodium {
            path: path.to_owned(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if full {
        let verdict: String = conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| classify(e, path))?;
        if verdict != "ok" {
            return Err(corrupt(path, verdict));
        }
    }
    Ok(())
}

fn corrupt(path: &Path, detail: String) -> Error {
    Error::Corrupt {
        path: path.to_owned(),
        backups: Store::backup_dir_for(path),
        detail,
    }
}

/// Turns SQLite's "not a database" and "malformed" into the user-facing [`Error::Corrupt`].
pub(crate) fn classify(e: rusqlite::Error, path: &Path) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => corrupt(path, e.to_string()),
        _ => Error::Sqlite(e),
    }
}

/// This device's node id (made once, at random) and the last stamp it issued.
fn load_clock(conn: &Connection) -> Result<(u64, Option<Stamp>)> {
    let device: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let node = match device.and_then(|d| u64::from_str_radix(&d, 16).ok()) {
        Some(node) => node,
        None => {
            let bytes = uuid::Uuid::now_v7().into_bytes();
            let mut tail = [0u8; 8];
            tail.copy_from_slice(&bytes[8..]);
            let node = u64::from_be_bytes(tail);
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('device', ?1)",
                [format!("{node:016x}")],
            )?;
            node
        }
    };
    let last: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'clock'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok((node, last.and_then(|s| s.parse().ok())))
}
