//! Sign-ins and leases on SQLite: each call one IMMEDIATE transaction on the one connection;
//! a grant and every holder's step are conditional updates (`WHERE token = …`).

use podium_core::lease::{
    ClaimRequest, LeaseAnswer, LeaseOutcome, LeaseState, SettleRequest, Settlement, Signin,
    StepRequest,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{to_i64, SqliteStorage};
use crate::lease::{apply_step, parts_json, parts_of, Leases};
use crate::storage::Authed;
use crate::{Error, Result};

const STATE_SELECT: &str = "SELECT l.entry_id, l.outcome, l.device_id, d.name, l.expires_ms, \
    l.token, l.parts, l.remote_id, l.remote_url, l.reason_code, l.reason_data, l.error \
    FROM leases l LEFT JOIN devices d ON d.id = l.device_id";

fn read_state(r: &rusqlite::Row<'_>) -> rusqlite::Result<(LeaseState, String)> {
    let outcome: String = r.get(1)?;
    Ok((
        LeaseState {
            entry_id: r.get(0)?,
            outcome: LeaseOutcome::parse(&outcome).unwrap_or(LeaseOutcome::Unknown),
            device_id: r.get(2)?,
            device_name: r.get(3)?,
            expires_ms: r.get::<_, i64>(4)?.max(0) as u64,
            token: r.get::<_, i64>(5)?.max(0) as u64,
            parts: Vec::new(),
            settlement: Settlement {
                outcome: LeaseOutcome::parse(&outcome).unwrap_or(LeaseOutcome::Unknown),
                remote_id: r.get(7)?,
                remote_url: r.get(8)?,
                reason_code: r.get(9)?,
                reason_data: r.get(10)?,
                error: r.get(11)?,
            },
        },
        r.get(6)?,
    ))
}

fn state(conn: &Connection, entry_id: &str) -> Result<Option<LeaseState>> {
    let row = conn
        .prepare_cached(&format!("{STATE_SELECT} WHERE l.entry_id = ?1"))?
        .query_row([entry_id], read_state)
        .optional()?;
    row.map(|(mut s, parts)| {
        s.parts = parts_of(&parts)?;
        Ok(s)
    })
    .transpose()
}

fn answer(conn: &Connection, entry_id: &str, granted: bool, now_ms: u64) -> Result<LeaseAnswer> {
    let state = state(conn, entry_id)?
        .ok_or_else(|| Error::Corrupt(format!("no lease row for {entry_id}")))?;
    Ok(LeaseAnswer {
        granted,
        state,
        hub_time_ms: now_ms,
    })
}

impl Leases for SqliteStorage {
    async fn claim(
        &self,
        device: &Authed,
        request: &ClaimRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let (device, request) = (device.clone(), request.clone());
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let parts = parts_json(&request.parts)?;
            tx.execute(
                "INSERT INTO leases (entry_id, account_key, parts, updated_ms)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (entry_id) DO NOTHING",
                params![request.entry_id, request.account_key, parts, to_i64(now_ms)],
            )?;
            // The grant: open, and no one else holds an unexpired lease.
            let granted = tx.execute(
                "UPDATE leases SET device_id = ?2, token = token + 1, expires_ms = ?3,
                 updated_ms = ?4, parts = CASE WHEN parts = '[]' THEN ?5 ELSE parts END
                 WHERE entry_id = ?1 AND outcome = 'open'
                 AND (device_id IS NULL OR device_id = ?2 OR expires_ms <= ?4)",
                params![
                    request.entry_id,
                    device.device_id,
                    to_i64(now_ms + lease_ms),
                    to_i64(now_ms),
                    parts
                ],
            )? == 1;
            let answer = answer(&tx, &request.entry_id, granted, now_ms)?;
            tx.commit()?;
            Ok(answer)
        })
        .await
    }

    async fn step(
        &self,
        device: &Authed,
        request: &StepRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let (device, request) = (device.clone(), request.clone());
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(current) = state(&tx, &request.entry_id)? else {
                return Err(Error::NoLease(request.entry_id.clone()));
            };
            let mut parts = current.parts;
            apply_step(&mut parts, &request.step);
            let granted = tx.execute(
                "UPDATE leases SET parts = ?4, expires_ms = ?5, updated_ms = ?6
                 WHERE entry_id = ?1 AND token = ?2 AND device_id = ?3 AND outcome = 'open'",
                params![
                    request.entry_id,
                    to_i64(request.token),
                    device.device_id,
                    parts_json(&parts)?,
                    to_i64(now_ms + lease_ms),
                    to_i64(now_ms)
                ],
            )? == 1;
            let answer = answer(&tx, &request.entry_id, granted, now_ms)?;
            tx.commit()?;
            Ok(answer)
        })
        .await
    }

    async fn settle(
        &self,
        device: &Authed,
        request: &SettleRequest,
        now_ms: u64,
    ) -> Result<LeaseAnswer> {
        let (device, request) = (device.clone(), request.clone());
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(key) = &request.account_key {
                tx.execute(
                    "INSERT INTO leases (entry_id, account_key, updated_ms)
                     VALUES (?1, ?2, ?3) ON CONFLICT (entry_id) DO NOTHING",
                    params![request.entry_id, key, to_i64(now_ms)],
                )?;
            }
            let s = &request.settlement;
            let open = s.outcome == LeaseOutcome::Open;
            // Giving it back ends the lease; an outcome settles it for good.
            let holder = match request.token {
                Some(_) => "token = ?8 AND device_id = ?2",
                None => "(device_id IS NULL OR device_id = ?2 OR expires_ms <= ?9)",
            };
            let granted = tx.execute(
                &format!(
                    "UPDATE leases SET outcome = ?3, device_id = ?2, expires_ms = 0,
                     remote_id = coalesce(?4, remote_id), remote_url = coalesce(?5, remote_url),
                     reason_code = ?6, reason_data = ?7, error = ?10, updated_ms = ?9
                     WHERE entry_id = ?1 AND outcome = 'open' AND {holder}"
                ),
                params![
                    request.entry_id,
                    device.device_id,
                    s.outcome.as_str(),
                    s.remote_id,
                    s.remote_url,
                    if open { None } else { s.reason_code.clone() },
                    if open { None } else { s.reason_data.clone() },
                    to_i64(request.token.unwrap_or(0)),
                    to_i64(now_ms),
                    if open { None } else { s.error.clone() },
                ],
            )? == 1;
            if state(&tx, &request.entry_id)?.is_none() {
                return Err(Error::NoLease(request.entry_id.clone()));
            }
            let answer = answer(&tx, &request.entry_id, granted, now_ms)?;
            tx.commit()?;
            Ok(answer)
        })
        .await
    }

    async fn states(&self, entry_ids: &[String]) -> Result<Vec<LeaseState>> {
        let ids = entry_ids.to_vec();
        self.with(move |conn| {
            let mut out = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(s) = state(conn, id)? {
                    out.push(s);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn set_signins(
        &self,
        device: &Authed,
        account_keys: &[String],
        now_ms: u64,
    ) -> Result<()> {
        let (device, keys) = (device.clone(), account_keys.to_vec());
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM signins WHERE device_id = ?1",
                [&device.device_id],
            )?;
            for key in &keys {
                tx.execute(
                    "INSERT INTO signins (account_key, device_id, since_ms) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                    params![key, device.device_id, to_i64(now_ms)],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn signins(&self) -> Result<Vec<Signin>> {
        self.with(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT s.account_key, s.device_id, d.name FROM signins s
                     JOIN devices d ON d.id = s.device_id
                     WHERE d.revoked_at IS NULL ORDER BY s.account_key, d.joined_at, d.id",
                )?
                .query_map([], |r| {
                    Ok(Signin {
                        account_key: r.get(0)?,
                        device_id: r.get(1)?,
                        device_name: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }
}
