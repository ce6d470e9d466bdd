//! A database file with Podium's markers but schema objects Podium did not make (a trigger, a
//! view, an index, a table) is refused before anything writes to it, and left byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use podium_store::{Error, NewDraft, PageCheck, Store};
use rusqlite::Connection;

fn new(s: &str) -> NewDraft {
    NewDraft {
        text: s.to_owned(),
        ..NewDraft::default()
    }
}

/// A Podium database with one draft, as Podium leaves it, then changed by hand with `sql`
/// (as someone with the `sqlite3` tool would).
fn tampered(dir: &Path, sql: &str) -> PathBuf {
    let path = dir.join("podium.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store.create_draft(new("Tillit bygges over tid")).unwrap();
    }
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    path
}

/// The database and what SQLite keeps beside it, as bytes.
fn snapshot(path: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
            let bytes = std::fs::read(&file).ok();
            (file, bytes)
        })
        .collect()
}

/// Fails naming the first file that differs from `before` (without printing megabytes).
fn assert_unchanged(path: &Path, before: &[(PathBuf, Option<Vec<u8>>)], when: &str) {
    let after = snapshot(path);
    for ((file, was), (_, now)) in before.iter().zip(&after) {
        let first_change = match (was, now) {
            (Some(a), Some(b)) => a
                .iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .or((a.len() != b.len()).then_some(a.len().min(b.len()))),
            (None, None) => None,
            _ => Some(0),
        };
        assert_eq!(
            first_change,
            None,
            "{} was changed ({when}): it was {:?} bytes, now {:?}",
            file.display(),
            was.as_ref().map(Vec::len),
            now.as_ref().map(Vec::len)
        );
    }
}

/// Opens `path` the ways Podium does (the CLI's full check, the app's header check) and
/// expects each to refuse it, naming `object`, without changing a byte.
fn assert_refused(path: &Path, object: &str) {
    let before = snapshot(path);
    for check in [PageCheck::UpTo(u64::MAX), PageCheck::Header] {
        let err = Store::open_with(path, check).unwrap_err();
        assert!(matches!(err, Error::ForeignSchema { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(object), "{message}");
        assert!(message.contains("did not make"), "{message}");
        assert!(message.contains("podium backups restore"), "{message}");
        assert!(message.contains("Restore from backup"), "{message}");
        assert_unchanged(path, &before, &format!("{check:?}"));
    }
}

#[test]
fn a_database_with_a_trigger_podium_did_not_make_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(
        dir.path(),
        "CREATE TABLE copies (text TEXT);
         CREATE TRIGGER copy_drafts AFTER INSERT ON drafts
         BEGIN INSERT INTO copies VALUES (new.text); END;",
    );
    assert_refused(&path, "trigger \"copy_drafts\"");
}

#[test]
fn a_database_with_only_a_trigger_added_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(
        dir.path(),
        "CREATE TRIGGER no_deletes BEFORE UPDATE ON drafts
         BEGIN SELECT RAISE(ABORT, 'no'); END;",
    );
    assert_refused(&path, "trigger \"no_deletes\"");
}

#[test]
fn a_database_with_a_view_podium_did_not_make_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(
        dir.path(),
        "CREATE VIEW everything AS SELECT text, created_by FROM drafts;",
    );
    assert_refused(&path, "view \"everything\"");
}

#[test]
fn a_database_with_an_index_podium_did_not_make_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(
        dir.path(),
        "CREATE INDEX drafts_by_shout ON drafts (upper(text));",
    );
    assert_refused(&path, "index \"drafts_by_shout\"");
}

#[test]
fn a_database_with_a_table_podium_did_not_make_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(dir.path(), "CREATE TABLE notes (body TEXT);");
    assert_refused(&path, "table \"notes\"");
}

#[test]
fn a_database_whose_table_was_redefined_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(
        dir.path(),
        "DROP TABLE settings;
         CREATE TABLE settings (
             key   TEXT PRIMARY KEY,
             value TEXT NOT NULL,
             seen  TEXT GENERATED ALWAYS AS (upper(value))
         ) WITHOUT ROWID;",
    );
    assert_refused(&path, "table \"settings\" (changed)");
}

#[test]
fn a_backup_holding_a_trigger_is_refused_before_it_replaces_anything() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let foreign = tampered(
        &elsewhere,
        "CREATE TRIGGER wipe AFTER INSERT ON drafts BEGIN DELETE FROM revisions; END;",
    );
    let foreign_before = snapshot(&foreign);

    let path = dir.path().join("podium.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.create_draft(new("Mine, not theirs")).unwrap();
    let err = store.restore_backup(&foreign).unwrap_err();
    assert!(matches!(err, Error::ForeignSchema { .. }), "{err}");
    assert!(err.to_string().contains("trigger \"wipe\""), "{err}");
    let texts: Vec<String> = store
        .list_drafts(&Default::default())
        .unwrap()
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert_eq!(texts, vec!["Mine, not theirs"]);
    assert!(
        store.backups().unwrap().is_empty(),
        "no before-restore backup was needed"
    );
    drop(store);
    assert_unchanged(&foreign, &foreign_before, "restore");

    // Over a database that cannot be opened, too: nothing is moved aside.
    std::fs::write(&path, b"not a database".repeat(100)).unwrap();
    for side in ["podium.sqlite3-wal", "podium.sqlite3-shm"] {
        let _ = std::fs::remove_file(dir.path().join(side));
    }
    let err = Store::restore_over(&path, &foreign).unwrap_err();
    assert!(matches!(err, Error::ForeignSchema { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not a database".repeat(100));
    assert_unchanged(&foreign, &foreign_before, "restore");
}

#[test]
fn a_good_backup_restores_over_a_database_with_a_foreign_trigger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let backup = {
        let mut store = Store::open(&path).unwrap();
        store.create_draft(new("Reddet fra backup")).unwrap();
        store.backup_now().unwrap()
    };
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TRIGGER quiet AFTER INSERT ON drafts BEGIN SELECT 1; END;")
        .unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&path).unwrap_err(),
        Error::ForeignSchema { .. }
    ));
    let aside = Store::restore_over(&path, &backup.path)
        .unwrap()
        .expect("the altered file is kept");
    assert!(aside.exists());
    let store = Store::open(&path).unwrap();
    let drafts = store.list_drafts(&Default::default()).unwrap();
    assert_eq!(drafts[0].text, "Reddet fra backup");
}

#[test]
fn a_database_someone_ran_analyze_on_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = tampered(dir.path(), "ANALYZE;");
    let conn = Connection::open(&path).unwrap();
    let stats: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stats, 1);
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list_drafts(&Default::default()).unwrap().len(), 1);
}

#[test]
fn a_database_of_every_earlier_schema_version_opens_and_migrates() {
    for version in 1..=podium_store::SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("podium.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        podium_store::migrate_to(&mut conn, version).unwrap();
        drop(conn);
        let store =
            Store::open(&path).unwrap_or_else(|e| panic!("schema {version} did not open: {e}"));
        let now: i64 = store
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(now, podium_store::SCHEMA_VERSION);
    }
}

#[test]
fn every_connection_runs_in_defensive_mode_with_an_untrusted_schema() {
    use rusqlite::config::DbConfig;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
    let conn = store.connection();
    assert!(conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap());
    assert!(!conn
        .db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA)
        .unwrap());
    let memory = Store::open_in_memory().unwrap();
    assert!(memory
        .connection()
        .db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)
        .unwrap());
}
