//! Numbered SQL migrations, applied in order, one transaction each.
//!
//! A migration is never edited once it has landed: a database made by any earlier Podium must
//! upgrade through exactly the steps it would have taken then (the upgrade test opens a
//! database made at every earlier version). The schema version is SQLite's `user_version`.

use rusqlite::{Connection, TransactionBehavior};

use crate::Result;

/// `(version, SQL)`, in order. Append only.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_drafts.sql")),
    (2, include_str!("../migrations/0002_publish.sql")),
    (3, include_str!("../migrations/0003_token_expiry.sql")),
    (4, include_str!("../migrations/0004_reason_codes.sql")),
    (5, include_str!("../migrations/0005_sync.sql")),
    (6, include_str!("../migrations/0006_post_options.sql")),
    (7, include_str!("../migrations/0007_quota.sql")),
    (8, include_str!("../migrations/0008_approval.sql")),
    (9, include_str!("../migrations/0009_publisher_devices.sql")),
    (10, include_str!("../migrations/0010_results.sql")),
    (11, include_str!("../migrations/0011_media.sql")),
];

/// The newest schema this build reads and writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Marks the file as Podium's (`PRAGMA application_id`, "Podi"), so `file(1)` and Podium itself
/// can tell it from other SQLite files.
pub(crate) const APPLICATION_ID: i64 = 0x506F_6469;

/// Brings the database to `SCHEMA_VERSION`; returns the version it had before.
pub(crate) fn migrate(conn: &mut Connection) -> Result<i64> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the database to `target` (tests build databases of earlier versions with this).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<i64> {
    let before: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for &(version, sql) in MIGRATIONS {
        if version <= before || version > target {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "database migrated");
    }
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_from_one() {
        for (i, (version, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, i as i64 + 1);
        }
    }
}
