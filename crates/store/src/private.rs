//! Private files: Podium's data folder, database, backups, logs and media belong to the user
//! alone.
//!
//! Drafts, account names and the outbox are nobody else's business on a shared machine, so
//! folders are created 0700 and files 0600 whatever the process umask, and existing ones (a
//! database copied in with `cp`, a folder made by an older Podium) are tightened when Podium
//! opens them. Tightening only ever takes permissions away from the group and others; it never
//! adds one. These functions never touch a folder Podium does not own: the caller decides which
//! folders are Podium's. On other platforms than Unix they only create what is missing (the
//! user's profile folder is private there).

use std::io;
use std::path::Path;

/// Creates `dir` (and any missing parent) private, and tightens it if it exists. For folders
/// that are Podium's own: the data folder, `backups`, `logs`, `media`.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    tighten_dir(dir)
}

/// Creates `dir` (and any missing parent) private; an existing folder is left as it is (the
/// folder a `--db` file was put in may be the user's Documents).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Takes every permission of the group and others away from the folder `dir`.
pub fn tighten_dir(dir: &Path) -> io::Result<()> {
    tighten(dir)
}

/// Takes every permission of the group and others away from `file`; a file that does not exist
/// is fine (a `-shm` SQLite has not made yet).
pub fn tighten_file(file: &Path) -> io::Result<()> {
    match tighten(file) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Creates `file` empty and private unless it exists, and tightens it either way. SQLite then
/// opens the file as it is, and gives the `-wal`, `-shm` and `-journal` it makes beside it the
/// same permissions.
pub fn create_file(file: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(file)?;
    tighten_file(file)
}

#[cfg(unix)]
fn tighten(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o7700))
}

#[cfg(not(unix))]
fn tighten(path: &Path) -> io::Result<()> {
    std::fs::metadata(path).map(|_| ())
}

/// `tighten_file`, logging (not failing on) a file whose permissions cannot be changed: one on a
/// file system without Unix permissions, or owned by someone else, is still opened.
pub(crate) fn tighten_or_warn(file: &Path) {
    if let Err(error) = tighten_file(file) {
        tracing::warn!(file = %file.display(), %error, "cannot make the file private");
    }
}

/// Tightens the folder `dir` and everything in it (folders and files alike; symbolic links are
/// not followed). For Podium's own folders only: `backups`, `logs`, `media`. Problems are
/// logged, not returned: a file that stays readable must not stop Podium from starting.
pub fn tighten_tree(dir: &Path) {
    if let Err(error) = tighten_dir(dir) {
        tracing::warn!(dir = %dir.display(), %error, "cannot make the folder private");
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        match entry.file_type() {
            Ok(t) if t.is_dir() => tighten_tree(&entry.path()),
            Ok(t) if t.is_file() => tighten_or_warn(&entry.path()),
            _ => {}
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn tightening_takes_away_group_and_other_bits_and_never_adds_any() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let open = dir.path().join("open");
        let read_only = dir.path().join("read-only");
        for (file, m) in [(&open, 0o666), (&read_only, 0o444)] {
            std::fs::write(file, b"x").unwrap_or_else(|e| panic!("{e}"));
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(m))
                .unwrap_or_else(|e| panic!("{e}"));
            tighten_file(file).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(mode(&open), 0o600);
        assert_eq!(mode(&read_only), 0o400);
        tighten_file(&dir.path().join("missing")).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn an_existing_folder_is_left_alone_by_create_and_tightened_by_ensure() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&folder), 0o755);
        ensure_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&folder), 0o700);
    }
}
