//! One publisher across devices (issue 12, item 7), the device's side in its database: which
//! devices hold each account's sign-in (as the hub last said), a post taken over under a lease
//! with the parts the hub keeps, an outcome heard from the hub, and which device published.
//!
//! The hub decides who sends (`podium_core::lease`); this module only keeps what the device
//! needs to act on that decision, and to decide alone when the hub cannot be reached: an
//! account no other device holds is published from here as before; one another device holds
//! waits for the hub.

use podium_core::lease::{
    account_key, LeaseOutcome, LeasePart, LeasePartState, LeaseState, Signin,
};
use podium_core::outbox::{OutboxState, PartState, Step};
use rusqlite::params;

use crate::columns::codes;
use crate::{timestamp, Account, Entry, Result, Store};

impl Account {
    /// How every device of the team names this account (its row id may differ between devices
    /// until sync folds their rows into one).
    pub fn key(&self) -> String {
        account_key(self.network.as_str(), &self.service, &self.remote_id)
    }
}

/// The key of an account row in SQL, as [`Account::key`] builds it.
pub(crate) const ACCOUNT_KEY_SQL: &str =
    "(a.network || ' ' || rtrim(a.service, '/') || ' ' || a.remote_id)";

impl Store {
    /// The keys of the accounts whose sign-in this device holds: what it reports to the hub.
    pub fn held_here(&self) -> Result<Vec<String>> {
        Ok(self
            .accounts()?
            .into_iter()
            .filter(|a| a.connected_here)
            .map(|a| a.key())
            .collect())
    }

    /// Keeps the hub's list of who holds which sign-in (replacing the one kept before).
    pub fn set_signins(&mut self, signins: &[Signin]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM account_signins", [])?;
        for s in signins {
            tx.execute(
                "INSERT OR IGNORE INTO account_signins (account_key, device_id, device_name)
                 VALUES (?1, ?2, ?3)",
                params![s.account_key, s.device_id, s.device_name],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The devices holding `account`'s sign-in, as the hub last said (empty: never heard).
    pub fn signins_of(&self, account: &Account) -> Result<Vec<Signin>> {
        let key = account.key();
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, device_name FROM account_signins WHERE account_key = ?1
             ORDER BY device_name, device_id",
        )?;
        let rows = stmt
            .query_map([&key], |r| {
                Ok(Signin {
                    account_key: key.clone(),
                    device_id: r.get(0)?,
                    device_name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Takes a post over under a lease the hub granted: `claimed` from wherever sending stood
    /// (queued, or claimed or sending by this device before it died, or by another device whose
    /// lease lapsed), with the hub's parts — their keys, and how far each got — in place of any
    /// kept here, so a part that may be out is settled with its own key. `None` when the post
    /// is no longer waiting to go out here (sent, failed, moved to review meanwhile).
    pub fn take_over(&mut self, entry_id: &str, parts: &[LeasePart]) -> Result<Option<Entry>> {
        let now = timestamp(self.now());
        let now_ms = u64::try_from(self.now().timestamp_millis()).unwrap_or(0);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = crate::public::snapshot(&tx, &self.device, "outbox", entry_id)?;
        let from = codes(
            [OutboxState::Queued]
                .into_iter()
                .chain(Step::Requeue.from_states()),
        );
        let changed = tx.execute(
            &format!(
                "UPDATE outbox SET state = ?3, updated_at = ?2 WHERE id = ?1 AND state IN ({from})"
            ),
            params![entry_id, now, OutboxState::Claimed.as_str()],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        if !parts.is_empty() {
            tx.execute("DELETE FROM outbox_parts WHERE entry_id = ?1", [entry_id])?;
            for (i, p) in parts.iter().enumerate() {
                let (state, sending_at) = match p.state {
                    LeasePartState::Pending => (PartState::Pending, None),
                    LeasePartState::Sending => (PartState::Sending, Some(now.clone())),
                    LeasePartState::Sent => (PartState::Sent, Some(now.clone())),
                };
                tx.execute(
                    "INSERT INTO outbox_parts (entry_id, idx, text, key, state, sending_at,
                     remote_id, remote_cid, remote_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        entry_id,
                        i as u32,
                        p.text,
                        p.key,
                        state.as_str(),
                        sending_at,
                        p.remote_id,
                        p.remote_cid,
                        p.remote_url
                    ],
                )?;
            }
        }
        crate::public::log_since(
            &tx,
            &self.device,
            &mut self.clock,
            now_ms,
            "outbox",
            entry_id,
            before,
        )?;
        tx.commit()?;
        self.entry(entry_id).map(Some)
    }

    /// How the hub says a post ended (another device sent it, or failed or lost track of it),
    /// taken as a synced change is: the post shows it at once, before that device's own
    /// changes arrive. Only a post still waiting here changes; `true` when it did.
    pub fn hear_outcome(&mut self, state: &LeaseState) -> Result<bool> {
        let to = match state.outcome {
            LeaseOutcome::Open => return Ok(false),
            LeaseOutcome::Sent => OutboxState::Sent,
            LeaseOutcome::Failed => OutboxState::Failed,
            LeaseOutcome::Unknown => OutboxState::Unknown,
        };
        let now = timestamp(self.now());
        let waiting = codes([
            OutboxState::Queued,
            OutboxState::Claimed,
            OutboxState::Sending,
            OutboxState::Review,
        ]);
        let s = &state.settlement;
        let changed = self.conn.execute(
            &format!(
                "UPDATE outbox SET state = ?2, updated_at = ?3, retry_at = NULL,
                 remote_id = coalesce(?4, remote_id), remote_url = coalesce(?5, remote_url),
                 sent_at = CASE WHEN ?2 = 'sent' THEN coalesce(sent_at, ?3) ELSE sent_at END,
                 error = ?6, error_code = ?7, error_data = ?8, published_by = ?9
                 WHERE id = ?1 AND state IN ({waiting})"
            ),
            params![
                state.entry_id,
                to.as_str(),
                now,
                s.remote_id,
                s.remote_url,
                s.error,
                s.reason_code,
                s.reason_data,
                state.device_name
            ],
        )?;
        if changed == 1 && to == OutboxState::Sent {
            let draft: String = self.conn.query_row(
                "SELECT draft_id FROM outbox WHERE id = ?1",
                [&state.entry_id],
                |r| r.get(0),
            )?;
            self.draft_sent_everywhere(&draft)?;
        }
        Ok(changed == 1)
    }

    /// Records which device published a post (synced, so the plan says it everywhere).
    pub fn set_published_by(&mut self, entry_id: &str, device_name: &str) -> Result<()> {
        self.with_log("outbox", &[entry_id], |conn| {
            conn.execute(
                "UPDATE outbox SET published_by = ?2 WHERE id = ?1",
                params![entry_id, device_name],
            )?;
            Ok(())
        })
    }

    /// The device that published a post, when one of the team did and said so.
    pub fn published_by(&self, entry_id: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT published_by FROM outbox WHERE id = ?1",
            [entry_id],
            |r| r.get(0),
        )?)
    }

    /// Posts that have not ended here (at most `limit`, soonest first): what a sync round asks
    /// the hub about, so a post another device sent shows `sent` here at once.
    pub fn unsettled_entries(&self, limit: usize) -> Result<Vec<String>> {
        let waiting = codes([
            OutboxState::Queued,
            OutboxState::Claimed,
            OutboxState::Sending,
            OutboxState::Review,
        ]);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id FROM outbox WHERE state IN ({waiting}) ORDER BY due_at LIMIT ?1"
        ))?;
        let ids = stmt
            .query_map([limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// Notes why a due post waits here without changing its state (this device's own note, not
    /// synced: another device may well be sending it).
    pub fn note_waiting(
        &mut self,
        entry_id: &str,
        why: &podium_core::reason::Reason,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET error = ?2, error_code = ?3, error_data = ?4 WHERE id = ?1
             AND state = ?5",
            params![
                entry_id,
                why.to_string(),
                why.code().as_str(),
                why.data_json(),
                OutboxState::Queued.as_str()
            ],
        )?;
        Ok(())
    }
}

/// `change` with its `account_id` pointing at the account its own names was folded into, if it
/// was (an outbox entry scheduled on a twin before the two rows met).
pub(crate) fn unalias<'c>(
    conn: &rusqlite::Connection,
    entity: &str,
    change: &'c podium_core::sync::Change,
) -> Result<std::borrow::Cow<'c, podium_core::sync::Change>> {
    use rusqlite::OptionalExtension;
    let Some(alias) = change
        .fields
        .get("account_id")
        .and_then(serde_json::Value::as_str)
        .filter(|_| entity == "outbox")
    else {
        return Ok(std::borrow::Cow::Borrowed(change));
    };
    let folded: Option<String> = conn
        .query_row(
            "SELECT account_id FROM account_aliases WHERE alias = ?1",
            [alias],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match folded {
        Some(account) => {
            let mut change = change.clone();
            change
                .fields
                .insert("account_id".into(), serde_json::Value::String(account));
            std::borrow::Cow::Owned(change)
        }
        None => std::borrow::Cow::Borrowed(change),
    })
}

/// After a pulled account row was stored as `id`: when this device has the same account
/// (network, server, id there) under another row — both devices connected it before their rows
/// met — the two fold into the older row (the smaller UUIDv7, so every device picks the same
/// one): it takes this device's sign-in, the posts of both, and the newer row becomes a
/// tombstone whose id is kept as an alias. Not logged: every device folds the same pair the
/// same way when it holds both.
pub(crate) fn fold_twin(conn: &rusqlite::Connection, id: &str) -> Result<()> {
    use rusqlite::OptionalExtension;
    let twin: Option<String> = conn
        .query_row(
            "SELECT t.id FROM accounts t JOIN accounts a ON a.id = ?1
             WHERE t.id <> a.id AND t.deleted = 0 AND a.deleted = 0 AND t.network = a.network
             AND rtrim(t.service, '/') = rtrim(a.service, '/') AND t.remote_id = a.remote_id
             AND a.remote_id <> '' ORDER BY t.id LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(twin) = twin else {
        return Ok(());
    };
    let (keep, drop) = if id < twin.as_str() {
        (id.to_owned(), twin)
    } else {
        (twin, id.to_owned())
    };
    conn.execute(
        "UPDATE accounts SET credential_ref = (SELECT credential_ref FROM accounts WHERE id = ?2)
         WHERE id = ?1 AND credential_ref = ''",
        params![keep, drop],
    )?;
    let keep_has_slots: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM slots WHERE account_id = ?1)",
        [&keep],
        |r| r.get(0),
    )?;
    if !keep_has_slots {
        conn.execute(
            "UPDATE OR IGNORE slots SET account_id = ?1 WHERE account_id = ?2",
            params![keep, drop],
        )?;
    }
    conn.execute(
        "UPDATE outbox SET account_id = ?1 WHERE account_id = ?2",
        params![keep, drop],
    )?;
    conn.execute(
        "UPDATE accounts SET deleted = 1, credential_ref = '' WHERE id = ?1",
        [&drop],
    )?;
    conn.execute(
        "INSERT OR REPLACE INTO account_aliases (alias, account_id) VALUES (?1, ?2)",
        params![drop, keep],
    )?;
    tracing::info!(kept = %keep, folded = %drop, "one account connected on two devices: folded into one");
    Ok(())
}

/// Which devices can publish a post (those holding its account's sign-in, as the hub last
/// said) and which one did: what the plan shows. Both empty outside a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Publishers {
    pub can_publish: Vec<String>,
    pub published_by: Option<String>,
}

impl Store {
    /// [`Publishers`] of `entry`.
    pub fn publishers(&self, entry: &Entry) -> Result<Publishers> {
        if self.sync_identity()?.is_none() {
            return Ok(Publishers::default());
        }
        let account = self.account(&entry.account_id)?;
        Ok(Publishers {
            can_publish: self
                .signins_of(&account)?
                .into_iter()
                .map(|s| s.device_name)
                .collect(),
            published_by: self.published_by(&entry.id)?,
        })
    }

    /// Whether another device of the team holds the sign-in of an account connected here: then
    /// posts go out while that device runs, even with this one closed.
    pub fn other_publishers(&self) -> Result<bool> {
        let Some(me) = self.sync_identity()? else {
            return Ok(false);
        };
        for account in self.accounts()?.into_iter().filter(|a| a.connected_here) {
            if self
                .signins_of(&account)?
                .iter()
                .any(|s| s.device_id != me.device_id)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
