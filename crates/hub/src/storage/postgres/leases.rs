//! Sign-ins and leases on PostgreSQL: a grant is one conditional `UPDATE … WHERE` (row-locked by
//! PostgreSQL, so two hub processes granting at once serialise on the row and only one
//! matches); a holder's step reads the row `FOR UPDATE` and writes it back on its token.

use podium_core::lease::{
    ClaimRequest, LeaseAnswer, LeaseOutcome, LeaseState, SettleRequest, Settlement, Signin,
    StepRequest,
};
use tokio_postgres::GenericClient;

use super::{to_i64, PostgresStorage};
use crate::lease::{apply_step, parts_json, parts_of, Leases};
use crate::storage::Authed;
use crate::{Error, Result};

const STATE_SELECT: &str = "SELECT l.entry_id, l.outcome, l.device_id, d.name, l.expires_ms, \
    l.token, l.parts, l.remote_id, l.remote_url, l.reason_code, l.reason_data, l.error \
    FROM leases l LEFT JOIN devices d ON d.id = l.device_id";

fn read_state(r: &tokio_postgres::Row) -> Result<LeaseState> {
    let outcome: String = r.get(1);
    let outcome = LeaseOutcome::parse(&outcome).unwrap_or(LeaseOutcome::Unknown);
    Ok(LeaseState {
        entry_id: r.get(0),
        outcome,
        device_id: r.get(2),
        device_name: r.get(3),
        expires_ms: r.get::<_, i64>(4).max(0) as u64,
        token: r.get::<_, i64>(5).max(0) as u64,
        parts: parts_of(&r.get::<_, String>(6))?,
        settlement: Settlement {
            outcome,
            remote_id: r.get(7),
            remote_url: r.get(8),
            reason_code: r.get(9),
            reason_data: r.get(10),
            error: r.get(11),
        },
    })
}

async fn state<C: GenericClient + Sync>(client: &C, entry_id: &str) -> Result<Option<LeaseState>> {
    client
        .query_opt(
            &format!("{STATE_SELECT} WHERE l.entry_id = $1"),
            &[&entry_id],
        )
        .await?
        .map(|r| read_state(&r))
        .transpose()
}

async fn answer<C: GenericClient + Sync>(
    client: &C,
    entry_id: &str,
    granted: bool,
    now_ms: u64,
) -> Result<LeaseAnswer> {
    let state = state(client, entry_id)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("no lease row for {entry_id}")))?;
    Ok(LeaseAnswer {
        granted,
        state,
        hub_time_ms: now_ms,
    })
}

impl Leases for PostgresStorage {
    async fn claim(
        &self,
        device: &Authed,
        request: &ClaimRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let parts = parts_json(&request.parts)?;
        tx.execute(
            "INSERT INTO leases (entry_id, account_key, parts, updated_ms)
             VALUES ($1, $2, $3, $4) ON CONFLICT (entry_id) DO NOTHING",
            &[
                &request.entry_id,
                &request.account_key,
                &parts,
                &to_i64(now_ms),
            ],
        )
        .await?;
        // The grant: open, and no one else holds an unexpired lease.
        let granted = tx
            .execute(
                "UPDATE leases SET device_id = $2, token = token + 1, expires_ms = $3,
                 updated_ms = $4, parts = CASE WHEN parts = '[]' THEN $5 ELSE parts END
                 WHERE entry_id = $1 AND outcome = 'open'
                 AND (device_id IS NULL OR device_id = $2 OR expires_ms <= $4)",
                &[
                    &request.entry_id,
                    &device.device_id,
                    &to_i64(now_ms + lease_ms),
                    &to_i64(now_ms),
                    &parts,
                ],
            )
            .await?
            == 1;
        let answer = answer(&*tx, &request.entry_id, granted, now_ms).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn step(
        &self,
        device: &Authed,
        request: &StepRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT parts FROM leases WHERE entry_id = $1 FOR UPDATE",
                &[&request.entry_id],
            )
            .await?
        else {
            return Err(Error::NoLease(request.entry_id.clone()));
        };
        let mut parts = parts_of(&row.get::<_, String>(0))?;
        apply_step(&mut parts, &request.step);
        let granted = tx
            .execute(
                "UPDATE leases SET parts = $4, expires_ms = $5, updated_ms = $6
                 WHERE entry_id = $1 AND token = $2 AND device_id = $3 AND outcome = 'open'",
                &[
                    &request.entry_id,
                    &to_i64(request.token),
                    &device.device_id,
                    &parts_json(&parts)?,
                    &to_i64(now_ms + lease_ms),
                    &to_i64(now_ms),
                ],
            )
            .await?
            == 1;
        let answer = answer(&*tx, &request.entry_id, granted, now_ms).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn settle(
        &self,
        device: &Authed,
        request: &SettleRequest,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        if let Some(key) = &request.account_key {
            tx.execute(
                "INSERT INTO leases (entry_id, account_key, updated_ms)
                 VALUES ($1, $2, $3) ON CONFLICT (entry_id) DO NOTHING",
                &[&request.entry_id, key, &to_i64(now_ms)],
            )
            .await?;
        }
        let s = &request.settlement;
        let open = s.outcome == LeaseOutcome::Open;
        let holder = match request.token {
            Some(_) => "token = $8 AND device_id = $2",
            None => "(device_id IS NULL OR device_id = $2 OR expires_ms <= $9)",
        };
        let reason_code = if open { None } else { s.reason_code.clone() };
        let reason_data = if open { None } else { s.reason_data.clone() };
        let error = if open { None } else { s.error.clone() };
        let granted = tx
            .execute(
                &format!(
                    "UPDATE leases SET outcome = $3, device_id = $2, expires_ms = 0,
                     remote_id = coalesce($4, remote_id), remote_url = coalesce($5, remote_url),
                     reason_code = $6, reason_data = $7, error = $10, updated_ms = $9
                     WHERE entry_id = $1 AND outcome = 'open'
                     AND ($8::BIGINT IS NOT NULL) AND {holder}"
                ),
                &[
                    &request.entry_id,
                    &device.device_id,
                    &s.outcome.as_str(),
                    &s.remote_id,
                    &s.remote_url,
                    &reason_code,
                    &reason_data,
                    &to_i64(request.token.unwrap_or(0)),
                    &to_i64(now_ms),
                    &error,
                ],
            )
            .await?
            == 1;
        if state(&*tx, &request.entry_id).await?.is_none() {
            return Err(Error::NoLease(request.entry_id.clone()));
        }
        let answer = answer(&*tx, &request.entry_id, granted, now_ms).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn states(&self, entry_ids: &[String]) -> Result<Vec<LeaseState>> {
        let client = self.pool.get().await?;
        client
            .query(
                &format!("{STATE_SELECT} WHERE l.entry_id = ANY($1) ORDER BY l.entry_id"),
                &[&entry_ids],
            )
            .await?
            .iter()
            .map(read_state)
            .collect()
    }

    async fn set_signins(
        &self,
        device: &Authed,
        account_keys: &[String],
        now_ms: u64,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM signins WHERE device_id = $1",
            &[&device.device_id],
        )
        .await?;
        for key in account_keys {
            tx.execute(
                "INSERT INTO signins (account_key, device_id, since_ms) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[key, &device.device_id, &to_i64(now_ms)],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn signins(&self) -> Result<Vec<Signin>> {
        let client = self.pool.get().await?;
        Ok(client
            .query(
                "SELECT s.account_key, s.device_id, d.name FROM signins s
                 JOIN devices d ON d.id = s.device_id
                 WHERE d.revoked_at IS NULL ORDER BY s.account_key, d.joined_at, d.id",
                &[],
            )
            .await?
            .iter()
            .map(|r| Signin {
                account_key: r.get(0),
                device_id: r.get(1),
                device_name: r.get(2),
            })
            .collect())
    }
}
