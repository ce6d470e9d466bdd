//! Podium's files are the user's alone whatever the umask: folders 0700, files 0600, and
//! existing ones tightened on open.
//!
//! The umask belongs to the whole process and cargo runs tests on threads, so the test runs
//! itself again in a child process started under `umask 000` (the worst case: everything a
//! program creates is world-writable unless it says otherwise). This binary holds this one
//! test only.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use podium_store::{NewDraft, Store, APP_ID};

const CHILD: &str = "PODIUM_PRIVATE_FILES_CHILD";

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn assert_mode(path: &Path, expected: u32) {
    assert_eq!(
        mode(path),
        expected,
        "{} is {:o}, not {:o}",
        path.display(),
        mode(path),
        expected
    );
}

#[test]
fn folders_are_0700_and_files_0600_whatever_the_umask_and_old_ones_are_tightened() {
    if std::env::var_os(CHILD).is_none() {
        let exe = std::env::current_exe().unwrap();
        let out = Command::new("sh")
            .arg("-c")
            .arg("umask 000 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args([
                "--exact",
                "folders_are_0700_and_files_0600_whatever_the_umask_and_old_ones_are_tightened",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the child under umask 000 failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "the child ran no test: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();

    // A first start: the data folder, the database, its -wal and -shm, backups.
    let data = home.path().join("share").join(APP_ID);
    let db = data.join("podium.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store.create_draft(NewDraft::default()).ok();
    assert_mode(&data, 0o700);
    assert_mode(&db, 0o600);
    assert_mode(&side(&db, "-wal"), 0o600);
    assert_mode(&side(&db, "-shm"), 0o600);
    let daily = store.backup_daily().unwrap().expect("a backup");
    let manual = store.backup_now().unwrap();
    assert_mode(&Store::backup_dir_for(&db), 0o700);
    assert_mode(&daily.path, 0o600);
    assert_mode(&manual.path, 0o600);
    drop(store);

    // Files from an older Podium (or copied in with cp) are tightened on open.
    set_mode(&data, 0o755);
    set_mode(&db, 0o644);
    let backups = Store::backup_dir_for(&db);
    set_mode(&backups, 0o755);
    set_mode(&daily.path, 0o644);
    let media = data.join("media");
    std::fs::create_dir(&media).unwrap();
    std::fs::write(media.join("photo.jpg"), b"jpeg").unwrap();
    set_mode(&media, 0o777);
    set_mode(&media.join("photo.jpg"), 0o666);
    let store = Store::open(&db).unwrap();
    assert_mode(&data, 0o700);
    assert_mode(&db, 0o600);
    assert_mode(&side(&db, "-wal"), 0o600);
    assert_mode(&side(&db, "-shm"), 0o600);
    assert_mode(&backups, 0o700);
    assert_mode(&daily.path, 0o600);
    assert_mode(&media, 0o700);
    assert_mode(&media.join("photo.jpg"), 0o600);
    drop(store);

    // An old -wal and -shm left 0644 are tightened too.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("INSERT INTO settings (key, value) VALUES ('x', 'y')")
            .unwrap();
        // Closing checkpoints and removes the -wal: keep the connection while changing modes.
        set_mode(&side(&db, "-wal"), 0o644);
        set_mode(&side(&db, "-shm"), 0o644);
        let store = Store::open(&db).unwrap();
        assert_mode(&side(&db, "-wal"), 0o600);
        assert_mode(&side(&db, "-shm"), 0o600);
        drop(store);
    }

    // A database given with --db in the user's own folder: that folder (and a `backups` folder
    // the user keeps there) stays as it is; Podium's files are private.
    let documents = home.path().join("Documents");
    std::fs::create_dir(&documents).unwrap();
    set_mode(&documents, 0o755);
    let theirs = documents.join("backups");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("holiday.jpg"), b"jpeg").unwrap();
    set_mode(&theirs, 0o755);
    set_mode(&theirs.join("holiday.jpg"), 0o644);
    let mine = documents.join("team.sqlite3");
    let mut store = Store::open(&mine).unwrap();
    assert_mode(&documents, 0o755);
    assert_mode(&mine, 0o600);
    assert_mode(&side(&mine, "-wal"), 0o600);
    let backup = store.backup_now().unwrap();
    assert_mode(&backup.path, 0o600);
    assert_mode(&theirs, 0o755);
    assert_mode(&theirs.join("holiday.jpg"), 0o644);
    drop(store);

    // A backup restored over a database that cannot be opened: the new file is private.
    std::fs::write(&db, b"not a database".repeat(100)).unwrap();
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side(&db, s));
    }
    let aside = Store::restore_over(&db, &manual.path).unwrap().unwrap();
    assert_mode(&db, 0o600);
    assert_mode(&aside, 0o600);
    let store = Store::open(&db).unwrap();
    assert_mode(&side(&db, "-wal"), 0o600);
    drop(store);
}
