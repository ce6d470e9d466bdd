//! Opening the database: the one function that sets the pragmas, refuses what it cannot read
//! or did not make without touching it, keeps the files private, migrates, and loads this
//! device's clock.

use std::path::{Path, PathBuf};

use chrono::Utc;
use podium_core::clock::{Clock, Stamp};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::migrate::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::{private, schema, Error, Result, Store};

impl Store {
    /// Opens (or creates) the database at `path`, migrating it to this build's schema.
    ///
    /// A file this build cannot use is refused and left byte for byte as it was: one written by
    /// a newer Podium ([`Error::NewerSchema`]), a damaged one ([`Error::Corrupt`], which says
    /// where the backups are), another program's database ([`Error::NotPodium`]), one holding
    /// schema objects Podium did not make ([`Error::ForeignSchema`]).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, PageCheck::UpTo(FULL_CHECK_AT_OPEN))
    }

    /// [`Store::open`], choosing how much of the file to check before opening it. The desktop
    /// app opens with [`PageCheck::Header`] and checks every page in the background.
    pub fn open_with(path: &Path, check: PageCheck) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private::create_dir(dir).map_err(|source| Error::Io {
                action: "cannot create the folder",
                path: dir.to_owned(),
                source,
            })?;
            // Podium's own data folder is made private; the folder a `--db` file was put in
            // (the user's Documents, /tmp) is the user's business.
            if in_data_folder(path) {
                if let Err(error) = private::tighten_dir(dir) {
                    tracing::warn!(dir = %dir.display(), %error, "cannot make the folder private");
                }
            }
        }
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if bytes > 0 {
            let full = match check {
                PageCheck::Header => false,
                PageCheck::UpTo(limit) => bytes <= limit,
            };
            probe(path, full)?;
        }
        // The file is Podium's (or new): private before SQLite opens it, so the `-wal` and
        // `-shm` it makes copy private permissions.
        if path.exists() {
            private::tighten_or_warn(path);
        } else {
            private::create_file(path).map_err(|source| Error::Io {
                action: "cannot create the database",
                path: path.to_owned(),
                source,
            })?;
        }
        for side in side_files(path) {
            private::tighten_or_warn(&side);
        }
        // Beside Podium's own database, its folders and what is in them; beside a `--db` file
        // a `backups` folder may be the user's own (Podium's backup files are 0600 anyway).
        if in_data_folder(path) {
            for folder in [Store::backup_dir_for(path), Store::media_dir_for(path)] {
                if folder.is_dir() {
                    private::tighten_tree(&folder);
                }
            }
        }
        let conn = Connection::open(path).map_err(|e| classify(e, path))?;
        let store = Store::setup(conn, Some(path.to_owned()))?;
        for side in side_files(path) {
            private::tighten_or_warn(&side);
        }
        Ok(store)
    }

    /// A fresh database in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let at = path.clone().unwrap_or_default();
        secure(&conn).map_err(|e| classify(e, &at))?;
        if path.is_some() {
            // Again on the connection that will write: the file may have changed since the
            // read-only probe, and nothing has been written yet.
            inspect(&conn, &at)?;
        }
        configure(&conn).map_err(|e| classify(e, &at))?;
        migrate::migrate(&mut conn).map_err(|e| match e {
            Error::Sqlite(e) => classify(e, &at),
            other => other,
        })?;
        let (node, last) = load_clock(&conn)?;
        let author = default_author();
        Ok(Store {
            conn,
            path,
            clock: Clock::new(node, last),
            device: format!("{node:016x}"),
            author,
            session: uuid::Uuid::now_v7().to_string(),
            closed_revision: None,
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

/// Whether the database at `path` is in Podium's own data folder (named [`crate::APP_ID`]):
/// that folder and Podium's folders in it are Podium's to make private.
pub(crate) fn in_data_folder(path: &Path) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == crate::APP_ID)
}

/// The `-wal` and `-shm` files SQLite keeps beside the database at `path`.
pub(crate) fn side_files(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// What every connection gets before it reads anything: SQLite's defensive mode (no writing to
/// the schema or to the search index's shadow tables by hand, no corrupting pragmas) and an
/// untrusted schema (SQL in triggers, views and indexes may not call functions with side
/// effects). Podium's schema needs neither; a file someone tampered with is held back by both.
pub(crate) fn secure(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    Ok(())
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
/// database of a schema this build knows, holding nothing Podium did not make, and (with
/// `full`) that every page reads.
pub(crate) fn probe(path: &Path, full: bool) -> Result<()> {
    let missing = missing_side_files(path);
    let outcome = open_read_only(path).and_then(|conn| check_source(&conn, path, full));
    if let Err(refused) = &outcome {
        remove_made(refused, &missing);
    }
    outcome
}

/// The `-wal` and `-shm` beside `path` that do not exist yet. A read-only look at a database in
/// WAL mode makes them (empty); a file that is refused should be left as it was found.
pub(crate) fn missing_side_files(path: &Path) -> Vec<PathBuf> {
    side_files(path)
        .into_iter()
        .filter(|side| !side.exists())
        .collect()
}

/// Removes those of `files` a read-only look made, when it refused the file as one no Podium
/// keeps open (another program's, a newer Podium's, a damaged one, one with objects Podium did
/// not make). After any other error (a busy database) they may be another Podium's, and stay.
pub(crate) fn remove_made(refused: &Error, files: &[PathBuf]) {
    if !matches!(
        refused,
        Error::NotPodium { .. }
            | Error::NewerSchema { .. }
            | Error::Corrupt { .. }
            | Error::ForeignSchema { .. }
    ) {
        return;
    }
    for file in files {
        if file.exists() {
            if let Err(error) = std::fs::remove_file(file) {
                tracing::warn!(file = %file.display(), %error, "cannot remove a file SQLite made");
            }
        }
    }
}

/// A read-only connection to a file Podium has not checked yet (a database, a backup).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(e, path))?;
    secure(&conn).map_err(|e| classify(e, path))?;
    Ok(conn)
}

/// [`probe`] on a connection already open.
pub(crate) fn check_source(conn: &Connection, path: &Path, full: bool) -> Result<()> {
    inspect(conn, path)?;
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

/// Reads the header and the schema (never writes): another program's file, a newer Podium's,
/// or one with schema objects Podium did not make is refused.
fn inspect(conn: &Connection, path: &Path) -> Result<()> {
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
    let found = schema::differences(conn, version).map_err(|e| match e {
        Error::Sqlite(e) => classify(e, path),
        other => other,
    })?;
    if found.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 5;
    let mut list = found[..found.len().min(SHOWN)].join(", ");
    if found.len() > SHOWN {
        list.push_str(&format!(" and {} more", found.len() - SHOWN));
    }
    Err(Error::ForeignSchema {
        path: path.to_owned(),
        backups: Store::backup_dir_for(path),
        found: list,
    })
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

/// Who makes the changes unless told otherwise ([`Store::set_author`]): the person's full name
/// as the system knows it (the first field of their `/etc/passwd` comment, as `finger` and
/// desktop greeters show it), else their user name. The history shows it beside each revision.
fn default_author() -> String {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let user = std::env::var("USER")
        .ok()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .or_else(|| {
            // No $USER (a service, a test session): the user this process runs as.
            let status = std::fs::read_to_string("/proc/self/status").ok()?;
            let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
            let uid = uid.split_whitespace().next()?;
            passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                fields
                    .first()
                    .filter(|_| fields.get(2) == Some(&uid))
                    .map(|u| (*u).to_owned())
            })
        });
    let Some(user) = user else {
        return "Podium".to_owned();
    };
    full_name(&passwd, &user).unwrap_or(user)
}

/// The full name of `user` in the text of an `/etc/passwd`: the comment (GECOS) field up to its
/// first comma, when it holds one.
fn full_name(passwd: &str, user: &str) -> Option<String> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        let name = fields.get(4)?.split(',').next()?.trim();
        (fields.first() == Some(&user) && !name.is_empty()).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod author_tests {
    use super::full_name;

    #[test]
    fn the_author_is_the_full_name_the_system_knows() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      kari:x:1000:1000:Kari Nordmann,,,:/home/kari:/bin/bash\n\
                      ola:x:1001:1001::/home/ola:/bin/sh\n";
        assert_eq!(full_name(passwd, "kari").as_deref(), Some("Kari Nordmann"));
        assert_eq!(full_name(passwd, "ola"), None);
        assert_eq!(full_name(passwd, "per"), None);
    }
}
