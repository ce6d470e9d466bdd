//! Image blobs on PostgreSQL: one row per blob (`INSERT … ON CONFLICT DO NOTHING`, so two hub
//! processes taking the same upload at once keep it once).

use super::{to_i64, PostgresStorage};
use crate::blob::Blobs;
use crate::storage::Authed;
use crate::Result;

impl Blobs for PostgresStorage {
    async fn put_blob(
        &self,
        device: &Authed,
        sha256: &str,
        bytes: Vec<u8>,
        now_ms: u64,
    ) -> Result<bool> {
        let client = self.pool.get().await?;
        let size = bytes.len() as i64;
        Ok(client
            .execute(
                "INSERT INTO blobs (sha256, bytes, size, device_id, created_ms)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
                &[&sha256, &bytes, &size, &device.device_id, &to_i64(now_ms)],
            )
            .await?
            > 0)
    }

    async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let client = self.pool.get().await?;
        Ok(client
            .query_opt("SELECT bytes FROM blobs WHERE sha256 = $1", &[&sha256])
            .await?
            .map(|r| r.get(0)))
    }

    async fn has_blob(&self, sha256: &str) -> Result<bool> {
        let client = self.pool.get().await?;
        Ok(client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)",
                &[&sha256],
            )
            .await?
            .get(0))
    }
}
