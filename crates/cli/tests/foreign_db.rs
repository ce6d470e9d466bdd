//! `podium --db FILE` and `podium backups restore FILE` with a database holding schema objects
//! Podium did not make: refused, exit 2, the files left as they were.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use podium_store::Store;

fn podium(db: &Path, args: &[&str]) -> Output {
    podium_with(db, args, b"")
}

fn podium_with(db: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podium"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the podium binary starts");
    child.stdin.take().expect("stdin").write_all(stdin).unwrap();
    child.wait_with_output().expect("podium finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_database_with_a_foreign_trigger_is_refused_by_the_cli_and_a_good_backup_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("podium.sqlite3");
    let add = podium_with(&db, &["drafts", "add"], b"Tillit bygges over tid");
    assert!(add.status.success(), "{}", text(&add.stderr));
    let backup = podium(&db, &["backups", "create"]);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let backup = text(&backup.stdout).trim().to_owned();
    {
        let store = Store::open(&db).unwrap();
        store
            .connection()
            .execute_batch(
                "CREATE TABLE copies (text TEXT);
                 CREATE TRIGGER copy_drafts AFTER INSERT ON drafts
                 BEGIN INSERT INTO copies VALUES (new.text); END;",
            )
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();

    let out = podium(&db, &["drafts", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("did not make") && err.contains("trigger \"copy_drafts\""),
        "{err}"
    );
    assert!(err.contains("podium backups restore"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");

    // Restoring the altered file into another database is refused before anything is replaced.
    let other = dir.path().join("other").join("podium.sqlite3");
    let add = podium_with(&other, &["drafts", "add"], b"Mine");
    assert!(add.status.success(), "{}", text(&add.stderr));
    let out = podium(&other, &["backups", "restore", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("did not make"),
        "{}",
        text(&out.stderr)
    );
    let list = podium(&other, &["drafts", "list"]);
    assert!(
        text(&list.stdout).contains("Mine"),
        "{}",
        text(&list.stdout)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");

    // A good backup takes the altered database's place; the altered file is kept.
    let out = podium(&db, &["backups", "restore", &backup]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("altered database was kept"),
        "{}",
        text(&out.stdout)
    );
    let list = podium(&db, &["drafts", "list"]);
    assert!(
        text(&list.stdout).contains("Tillit bygges over tid"),
        "{}",
        text(&list.stdout)
    );
}
