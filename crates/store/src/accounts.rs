//! Connected accounts and their weekly slots: who posts where, in which time zone, and whether
//! the network still accepts the sign-in.
//!
//! An account row holds public data only: its secrets are in the OS keyring under
//! `credential_ref` (see `podium-publish`), never here. Disconnecting an account hides it and
//! takes its waiting posts out of the queue; its sent posts stay in the history.

use chrono::{DateTime, Utc};
use podium_core::draft::Visibility;
use podium_core::network::Network;
use podium_core::notice::AccountNotice;
use podium_core::outbox::{AccountStatus, OutboxState};
use podium_core::reason::Reason;
use podium_core::schedule::{self, Slot};
use podium_core::wait::QuotaReading;
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;
use serde_json::Map;

use crate::columns::{code_col, codes, opt_time_col, time_col};
use crate::{timestamp, Error, Result, Store};

/// A connected account. Its secrets are in the OS keyring under `credential_ref`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: String,
    pub network: Network,
    pub handle: String,
    pub display_name: String,
    pub service: String,
    pub remote_id: String,
    pub credential_ref: String,
    /// Whether this device holds the account's sign-in. An account that came from another
    /// device of the team has none here (`credential_ref` empty): it is connected there, and
    /// its posts are scheduled and published from there.
    pub connected_here: bool,
    /// The IANA zone its slots are in.
    pub zone: String,
    pub paused: bool,
    pub max_chars: Option<usize>,
    pub limits_at: Option<DateTime<Utc>>,
    /// Whether the sign-in works (`reconnect` and `offline` with `status_reason`).
    pub status: AccountStatus,
    pub status_reason: String,
    /// The same as a code with data (`podium_core::reason::Reason`), which the window words in
    /// the person's language; `None` when connected, or on a row an older Podium wrote.
    pub status_code: Option<String>,
    pub status_data: Option<serde_json::Value>,
    pub slots: Vec<Slot>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the sign-in stops working by itself (LinkedIn: 60 days), if it does.
    pub token_expires_at: Option<DateTime<Utc>>,
    /// Mastodon: who sees a post whose draft does not say (public unless changed).
    pub visibility: Visibility,
    /// The posting quota as the network last told this device (Threads), if it has one.
    pub quota: Option<QuotaReading>,
}

impl Account {
    /// Why the sign-in does not work, as a code with data: `None` when connected, for a row an
    /// older Podium wrote (only its English `status_reason`), or a code a newer Podium wrote.
    pub fn status_why(&self) -> Option<Reason> {
        let data = self.status_data.as_ref().map(|d| d.to_string());
        Reason::from_stored(self.status_code.as_deref()?, data.as_deref())
    }

    /// What the user should hear about this account at `now`, if anything: the network refused
    /// its sign-in, the sign-in ends within a week or has ended, or few posts are left of its
    /// posting quota (in that order: the first that applies).
    pub fn notice(&self, now: DateTime<Utc>) -> Option<AccountNotice> {
        if self.status == AccountStatus::Reconnect {
            return Some(AccountNotice::Reconnect {
                network: self.network,
                reason: self.status_reason.clone(),
                why: self.status_why(),
            });
        }
        AccountNotice::for_sign_in(self.network, self.token_expires_at, now)
            .or_else(|| AccountNotice::for_quota(self.network, self.quota.as_ref(), now))
    }
}

/// What the user changes about an account besides its sign-in (each `None` stays as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChanges {
    /// The weekly slots, replacing all of them (`Some(vec![])` removes every slot).
    pub slots: Option<Vec<Slot>>,
    /// An IANA time zone, e.g. `Europe/Oslo`.
    pub zone: Option<String>,
    /// Pause (nothing is sent) or resume the queue.
    pub paused: Option<bool>,
    /// Mastodon: the visibility of posts whose draft does not choose one.
    pub visibility: Option<Visibility>,
}

/// What connecting an account stores.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub network: Option<Network>,
    pub handle: String,
    pub display_name: String,
    pub service: String,
    pub remote_id: String,
    pub credential_ref: String,
    pub zone: String,
    pub token_expires_at: Option<DateTime<Utc>>,
}

/// A network's code as stored (`"bluesky"`). Kept for callers from before [`Network`] printed
/// itself: prefer `network.as_str()`.
pub fn network_str(n: Network) -> &'static str {
    n.as_str()
}

const ACCOUNT_COLUMNS: &str = "id, network, handle, display_name, service, remote_id, \
    credential_ref, zone, paused, max_chars, limits_at, status, status_reason, created_at, updated_at, \
    token_expires_at, status_code, status_data, visibility, quota_used, quota_total, quota_period, \
    quota_at";

fn read_account(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        network: code_col(r, 1)?,
        handle: r.get(2)?,
        display_name: r.get(3)?,
        service: r.get(4)?,
        remote_id: r.get(5)?,
        credential_ref: r.get(6)?,
        connected_here: !r.get::<_, String>(6)?.is_empty(),
        zone: r.get(7)?,
        paused: r.get(8)?,
        max_chars: r
            .get::<_, Option<i64>>(9)?
            .and_then(|n| usize::try_from(n).ok()),
        limits_at: opt_time_col(r, 10)?,
        status: code_col(r, 11)?,
        status_reason: r.get(12)?,
        slots: Vec::new(),
        created_at: time_col(r, 13)?,
        updated_at: time_col(r, 14)?,
        token_expires_at: opt_time_col(r, 15)?,
        status_code: r.get(16)?,
        status_data: r
            .get::<_, Option<String>>(17)?
            .and_then(|d| serde_json::from_str(&d).ok()),
        visibility: code_col(r, 18)?,
        quota: read_quota(r)?,
    })
}

/// The quota columns (19–22), when all four were written.
fn read_quota(r: &Row<'_>) -> rusqlite::Result<Option<QuotaReading>> {
    let (Some(used), Some(total), Some(period), Some(at)) = (
        r.get::<_, Option<i64>>(19)?,
        r.get::<_, Option<i64>>(20)?,
        r.get::<_, Option<i64>>(21)?,
        opt_time_col(r, 22)?,
    ) else {
        return Ok(None);
    };
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Ok(Some(QuotaReading {
        used: count(used),
        total: count(total),
        period_secs: u64::try_from(period.max(0)).unwrap_or(0),
        at,
    }))
}

impl Store {
    /// Stores a connected account. Connecting the same account again (same network, server and
    /// remote id) reconnects it: its id, slots and queue stay.
    pub fn add_account(&mut self, new: NewAccount) -> Result<Account> {
        let network = new
            .network
            .ok_or_else(|| Error::Invalid("an account needs a network".into()))?;
        schedule::zone(&new.zone).map_err(|e| Error::Invalid(e.to_string()))?;
        if new.handle.trim().is_empty() || new.credential_ref.is_empty() {
            return Err(Error::Invalid(
                "an account needs a handle and a credential".into(),
            ));
        }
        let now = timestamp(self.now());
        let existing: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM accounts WHERE network = ?1 AND service = ?2 AND remote_id = ?3
                 AND remote_id <> '' AND deleted = 0",
                params![network.as_str(), new.service, new.remote_id],
                |r| r.get(0),
            )
            .optional()?;
        let id = existing
            .clone()
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        // Connecting an account makes it this member's: they approve its posts.
        let owner = self.member()?.filter(|_| existing.is_none());
        self.with_log("account", &[&id], |conn| {
            add_or_reconnect(conn, &id, existing.is_some(), network, &new, &now)?;
            if let Some((name, role)) = &owner {
                conn.execute(
                    "UPDATE accounts SET owner = ?2, owner_role = ?3 WHERE id = ?1",
                    params![id, name, role.as_str()],
                )?;
            }
            Ok(())
        })?;
        self.account(&id)
    }

    pub fn account(&self, id: &str) -> Result<Account> {
        let mut account = self
            .conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1 AND deleted = 0"),
                [id],
                read_account,
            )
            .optional()?
            .ok_or_else(|| Error::NoAccount(id.to_owned()))?;
        account.slots = self.slots(id)?;
        Ok(account)
    }

    /// The connected accounts, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE deleted = 0 ORDER BY seq"
        ))?;
        let mut accounts = stmt
            .query_map([], read_account)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for a in &mut accounts {
            a.slots = self.slots(&a.id)?;
        }
        Ok(accounts)
    }

    /// Disconnects an account: it disappears from lists and its waiting posts are taken out of
    /// the queue (their drafts stay). Refused while one of its posts is being sent.
    pub fn remove_account(&mut self, id: &str) -> Result<usize> {
        self.remove_account_after(id, || Ok::<(), Error>(()))
    }

    /// [`remove_account`](Self::remove_account), with `first` run inside the same write
    /// transaction once the account is known to have no post being sent, and before any row
    /// changes (the caller deletes the account's keyring entry there). If `first` fails, nothing
    /// is removed; while it runs, no publisher can claim a post of the account (the transaction
    /// holds the database's write lock).
    pub fn remove_account_after<E: From<Error>>(
        &mut self,
        id: &str,
        first: impl FnOnce() -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        self.account(id)?;
        let in_flight = codes(OutboxState::ALL.into_iter().filter(|s| s.is_in_flight()));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::from)?;
        let busy: i64 = tx
            .query_row(
                &format!(
                    "SELECT count(*) FROM outbox WHERE account_id = ?1 AND state IN ({in_flight})"
                ),
                [id],
                |r| r.get(0),
            )
            .map_err(Error::from)?;
        if busy > 0 {
            return Err(Error::Invalid(
                "a post of this account is being sent right now; disconnect it when that is done"
                    .into(),
            )
            .into());
        }
        first()?;
        let dropping: Vec<String> = tx
            .prepare("SELECT id FROM outbox WHERE account_id = ?1 AND state <> ?2")
            .and_then(|mut stmt| {
                stmt.query_map(params![id, OutboxState::Sent.as_str()], |r| r.get(0))?
                    .collect()
            })
            .map_err(Error::from)?;
        let account_before = crate::public::snapshot(&tx, &self.device, "account", id)?;
        let dropped = tx
            .execute(
                "DELETE FROM outbox WHERE account_id = ?1 AND state <> ?2",
                params![id, OutboxState::Sent.as_str()],
            )
            .map_err(Error::from)?;
        tx.execute(
            "UPDATE accounts SET deleted = 1, updated_at = ?2 WHERE id = ?1",
            params![id, timestamp((self.now)())],
        )
        .map_err(Error::from)?;
        let now_ms = u64::try_from((self.now)().timestamp_millis()).unwrap_or(0);
        for entry in &dropping {
            let hlc = self.clock.tick(now_ms);
            crate::public::log_diff(
                &tx,
                &self.device,
                "outbox",
                entry,
                Some(Map::new()),
                None,
                hlc,
            )?;
        }
        let account_after = crate::public::snapshot(&tx, &self.device, "account", id)?;
        let hlc = self.clock.tick(now_ms);
        crate::public::log_diff(
            &tx,
            &self.device,
            "account",
            id,
            account_before,
            account_after,
            hlc,
        )?;
        tx.commit().map_err(Error::from)?;
        Ok(dropped)
    }

    /// Records whether the account's sign-in works, with the reason when it does not (the
    /// English in `status_reason`, the code and data beside it). A change the rule
    /// ([`AccountStatus::can_become`]) does not allow is left undone: a refused sign-in stays
    /// `reconnect` until the person signs in again.
    pub fn set_account_status(
        &mut self,
        id: &str,
        status: AccountStatus,
        reason: Option<&Reason>,
    ) -> Result<()> {
        let from = codes(AccountStatus::that_can_become(status));
        let now = timestamp(self.now());
        let english = reason.map(ToString::to_string).unwrap_or_default();
        let code = reason.map(|r| r.code().as_str());
        let data = reason.map(Reason::data_json);
        self.with_log("account", &[id], |conn| {
            conn.execute(
                &format!(
                    "UPDATE accounts SET status = ?2, status_reason = ?3, updated_at = ?4,
                     status_code = ?5, status_data = ?6
                     WHERE id = ?1 AND status IN ({from})
                     AND (status <> ?2 OR status_reason <> ?3 OR status_code IS NOT ?5)"
                ),
                params![id, status.as_str(), english, now, code, data],
            )?;
            Ok(())
        })
    }

    /// Records the server's post length limit (Mastodon's `max_characters`).
    pub fn set_account_limits(&mut self, id: &str, max_chars: usize) -> Result<()> {
        let now = timestamp(self.now());
        self.conn.execute(
            "UPDATE accounts SET max_chars = ?2, limits_at = ?3 WHERE id = ?1",
            params![id, max_chars as i64, now],
        )?;
        Ok(())
    }

    pub fn set_account_remote(&mut self, id: &str, remote_id: &str, handle: &str) -> Result<()> {
        self.with_log("account", &[id], |conn| {
            conn.execute(
                "UPDATE accounts SET remote_id = ?2, handle = ?3 WHERE id = ?1",
                params![id, remote_id, handle],
            )?;
            Ok(())
        })
    }

    /// A renewed sign-in's end (Threads refreshes its token before the 60 days run out).
    pub fn set_token_expiry(&mut self, id: &str, at: Option<DateTime<Utc>>) -> Result<()> {
        let now = timestamp(self.now());
        self.conn.execute(
            "UPDATE accounts SET token_expires_at = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, at.map(timestamp), now],
        )?;
        Ok(())
    }

    /// The posting quota as the network just told it (Threads, before each post). This device's
    /// reading only: not logged for sync.
    pub fn set_account_quota(&mut self, id: &str, reading: &QuotaReading) -> Result<()> {
        self.conn.execute(
            "UPDATE accounts SET quota_used = ?2, quota_total = ?3, quota_period = ?4,
             quota_at = ?5 WHERE id = ?1",
            params![
                id,
                reading.used,
                reading.total,
                i64::try_from(reading.period_secs).unwrap_or(i64::MAX),
                timestamp(reading.at)
            ],
        )?;
        Ok(())
    }

    /// Pauses or resumes an account's queue: a paused queue sends nothing, and its posts keep
    /// their times (a post that falls due while paused waits for the user when resumed late).
    pub fn set_paused(&mut self, id: &str, paused: bool) -> Result<()> {
        self.account(id)?;
        self.with_log("account", &[id], |conn| {
            conn.execute(
                "UPDATE accounts SET paused = ?2 WHERE id = ?1",
                params![id, paused],
            )?;
            Ok(())
        })
    }

    pub fn set_zone(&mut self, id: &str, zone: &str) -> Result<()> {
        schedule::zone(zone).map_err(|e| Error::Invalid(e.to_string()))?;
        self.account(id)?;
        self.with_log("account", &[id], |conn| {
            conn.execute(
                "UPDATE accounts SET zone = ?2 WHERE id = ?1",
                params![id, zone.trim()],
            )?;
            Ok(())
        })
    }

    pub fn slots(&self, account_id: &str) -> Result<Vec<Slot>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT weekday, minute FROM slots WHERE account_id = ?1 ORDER BY weekday, minute",
        )?;
        let slots = stmt
            .query_map([account_id], |r| {
                Ok(Slot {
                    weekday: r.get(0)?,
                    minute: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(slots)
    }

    /// Replaces an account's weekly slots.
    pub fn set_slots(&mut self, account_id: &str, slots: &[Slot]) -> Result<()> {
        self.account(account_id)?;
        self.with_log("account", &[account_id], |tx| {
            tx.execute("DELETE FROM slots WHERE account_id = ?1", [account_id])?;
            for s in slots {
                tx.execute(
                    "INSERT OR IGNORE INTO slots (account_id, weekday, minute)
                     VALUES (?1, ?2, ?3)",
                    params![account_id, s.weekday, s.minute],
                )?;
            }
            Ok(())
        })
    }

    /// Changes an account's zone, slots and pause (what the app's account page and `podium
    /// accounts slots|pause|resume` change), and answers the account as it now is.
    pub fn update_account(&mut self, id: &str, changes: &AccountChanges) -> Result<Account> {
        if let Some(zone) = &changes.zone {
            self.set_zone(id, zone)?;
        }
        if let Some(slots) = &changes.slots {
            self.set_slots(id, slots)?;
        }
        if let Some(paused) = changes.paused {
            self.set_paused(id, paused)?;
        }
        if let Some(visibility) = changes.visibility {
            self.account(id)?;
            let now = timestamp(self.now());
            // Logged like every synced field, so the other devices publish with it too.
            self.with_log("account", &[id], |conn| {
                conn.execute(
                    "UPDATE accounts SET visibility = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, visibility.as_str(), now],
                )?;
                Ok(())
            })?;
        }
        self.account(id)
    }
}

/// Stores a new account as `id`, or (with `reconnect`) signs the existing one in again.
fn add_or_reconnect(
    conn: &rusqlite::Connection,
    id: &str,
    reconnect: bool,
    network: Network,
    new: &NewAccount,
    now: &str,
) -> Result<()> {
    if reconnect {
        // Signing in again is what clears `reconnect`: it is a new sign-in, not a change of
        // status the publisher could make.
        conn.execute(
            "UPDATE accounts SET handle = ?2, display_name = ?3, credential_ref = ?4,
             status = ?6, status_reason = '', status_code = NULL, status_data = NULL,
             updated_at = ?5, token_expires_at = ?7 WHERE id = ?1",
            params![
                id,
                new.handle.trim(),
                new.display_name,
                new.credential_ref,
                now,
                AccountStatus::Connected.as_str(),
                new.token_expires_at.map(timestamp)
            ],
        )?;
    } else {
        conn.execute(
            "INSERT INTO accounts (id, network, handle, display_name, service, remote_id,
             credential_ref, zone, created_at, updated_at, token_expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
            params![
                id,
                network.as_str(),
                new.handle.trim(),
                new.display_name,
                new.service,
                new.remote_id,
                new.credential_ref,
                new.zone.trim(),
                now,
                new.token_expires_at.map(timestamp)
            ],
        )?;
    }
    Ok(())
}
