//! Image blobs on SQLite: one row per blob (`INSERT … ON CONFLICT DO NOTHING`, so a second
//! upload of the same bytes changes nothing).

use rusqlite::{params, OptionalExtension};

use super::{to_i64, SqliteStorage};
use crate::blob::Blobs;
use crate::storage::Authed;
use crate::Result;

impl Blobs for SqliteStorage {
    async fn put_blob(
        &self,
        device: &Authed,
        sha256: &str,
        bytes: Vec<u8>,
        now_ms: u64,
    ) -> Result<bool> {
        let (device, sha256) = (device.device_id.clone(), sha256.to_owned());
        self.with(move |conn| {
            Ok(conn.execute(
                "INSERT INTO blobs (sha256, bytes, size, device_id, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING",
                params![sha256, bytes, bytes.len() as i64, device, to_i64(now_ms)],
            )? > 0)
        })
        .await
    }

    async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let sha256 = sha256.to_owned();
        self.with(move |conn| {
            Ok(conn
                .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                    r.get(0)
                })
                .optional()?)
        })
        .await
    }

    async fn has_blob(&self, sha256: &str) -> Result<bool> {
        let sha256 = sha256.to_owned();
        self.with(move |conn| {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)",
                [sha256],
                |r| r.get(0),
            )?)
        })
        .await
    }
}
