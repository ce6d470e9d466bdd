//! The device's side of team sync (DESIGN.md §7): what to push, what the hub answered, and
//! applying what others changed — the merge rules of issue 11, on this database.
//!
//! - **Outgoing**: the change log's unpushed rows, oldest first, as the protocol's
//!   [`Change`]; a change to a draft's text or network versions names its `base`, the hub
//!   cursor of the newest text of that draft this device had merged.
//! - **Settling**: accepted and duplicate changes are done; a stale one waits (the next pull
//!   merges it and it goes again); a refused one waits with the hub's reason. A device whose
//!   clock ran ahead gets its waiting changes stamped afresh once its clock is right again.
//! - **Applying** a pulled page, in one transaction with the saved cursor (so a page is
//!   applied whole or not at all, and a page applied twice changes nothing the second time):
//!   - plain fields (state, goal, tags, networks, language, schedule, …) are last writer wins,
//!     per field, by hybrid-logical-clock stamp ([`crate`]'s `field_clock`);
//!   - a draft's text and network versions merge three-way ([`podium_core::merge`]) against the
//!     last synced text (`sync_base`): a clean merge becomes this device's text and is pushed;
//!     overlapping edits make a **conflict copy** of this device's text — a draft of its own,
//!     `conflict_of` the original, synced like any draft — and the original takes the hub's;
//!   - delete against edit: the edit survives as a conflict copy (reason `deleted`), made by
//!     exactly one device — the one that edited, when the delete came first in the hub's order,
//!     or the one that deleted, when the edit came first;
//!   - this device's own changes coming back only advance the merge bases;
//!   - every remote stamp is observed by the clock, so later local changes order after it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use podium_core::clock::{Clock, Stamp, MAX_AHEAD_MS};
use podium_core::draft::DraftState;
use podium_core::merge::{merge3, merge3_map, Merge};
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_core::sync::{Change, ErrorCode, Op, PullAnswer, PushAnswer, PushStatus, Role};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::drafts::{self, Draft, DraftPatch};
use crate::log;
use crate::revisions::{self, Cause, Revision, Writer};
use crate::{public, timestamp, Error, Result, Store};

/// Who this device is in a team, after it joined a hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncIdentity {
    /// The hub's address (`https://hub.example:8730`).
    pub hub: String,
    pub workspace: String,
    /// This device's id at the hub (the hub names the sender of every pulled change with it).
    pub device_id: String,
    pub member_id: String,
    pub member_name: String,
    pub role: Role,
    /// The hub certificate's SHA-256 (hex) when the invite code carried one.
    pub pin: Option<String>,
}

/// What [`Store::sync_settle`] recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Settled {
    /// Accepted or duplicate: the hub has them.
    pub pushed: usize,
    /// Made on a text the hub has since replaced: pull, merge, push again.
    pub stale: usize,
    /// Refused changes that wait: (stamp, why, the hub's words).
    pub refused: Vec<(String, ErrorCode, String)>,
    /// Changes stamped afresh because this device's clock had run ahead and is right again.
    pub restamped: usize,
    /// Changes the hub refused for the member's role, rolled back here to the hub's copy:
    /// (entity, row id, why).
    pub forbidden: Vec<(String, String, Reason)>,
}

/// What [`Store::sync_apply`] did with a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Changes of the page that were new here (this device's own included).
    pub applied: usize,
    /// The ids of the conflict copies this page made.
    pub conflicts: Vec<String>,
    /// Another device changed an entry's approval, scheduled one, or commented: the window's
    /// *Needs you* and comments refresh (`approval-changed`).
    pub approvals: bool,
}

/// Why a conflict copy exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConflictReason {
    /// Both devices changed the same words.
    Edited,
    /// The draft was deleted on another device while this text was edited.
    Deleted,
}

impl ConflictReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::Edited => "edited",
            ConflictReason::Deleted => "deleted",
        }
    }
}

/// A conflict copy and the draft it conflicts with, shown side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub original: Draft,
    pub copy: Draft,
    pub reason: ConflictReason,
}

/// How a conflict is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "keep", content = "text")]
pub enum Keep {
    /// The original stays as it is; the copy goes to the bin.
    Original,
    /// The copy's text (and network versions) replace the original's, as an edit; the copy goes
    /// to the bin. A deleted original comes back.
    Copy,
    /// This text (an edit of both) replaces the original's; the copy goes to the bin.
    Text(String),
}

const IDENTITY_KEY: &str = "sync.identity";
const CURSOR_KEY: &str = "sync.cursor";
/// The workspace this device last synced with (kept after leaving, so joining another team
/// sends everything again).
const TEAM_KEY: &str = "sync.last_workspace";

/// An outbox entry's fields that say where its approval stands.
const APPROVAL_FIELDS: &[&str] = &["approval", "approved_fp", "approved_by", "approval_note"];

/// A draft's fields that merge three-way instead of last-writer-wins.
const MERGED: [&str; 2] = ["text", "variants"];

/// A draft's fields that sync last-writer-wins.
const DRAFT_LWW: &[&str] = &[
    "networks",
    "lang",
    "goal",
    "tags",
    "state",
    "thread",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "deleted",
    "conflict_of",
    "conflict_reason",
    "content_warning",
    "visibility",
    "link_card",
];

const REVISION_LWW: &[&str] = &[
    "draft_id",
    "number",
    "text",
    "variants",
    "kind",
    "name",
    "restored_from",
    "author",
    "session",
    "created_at",
    "updated_at",
];

impl Store {
    /// This device's team, if it joined one.
    pub fn sync_identity(&self) -> Result<Option<SyncIdentity>> {
        let raw: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [IDENTITY_KEY],
                |r| r.get(0),
            )
            .optional()?;
        raw.map(|s| serde_json::from_str(&s).map_err(Error::from))
            .transpose()
    }

    /// Records the team this device joined. Everything made here before (drafts, their history,
    /// goals, accounts' public part, the queue) is logged to be pushed, each change with a stamp
    /// of its own.
    pub fn set_sync_identity(&mut self, id: &SyncIdentity) -> Result<()> {
        let now_ms = self.now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![IDENTITY_KEY, serde_json::to_string(id)?],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, '0')",
            [CURSOR_KEY],
        )?;
        let last_team: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [TEAM_KEY], |r| {
                r.get(0)
            })
            .optional()?;
        if last_team.as_ref().is_some_and(|t| *t != id.workspace) {
            // Another team: its hub has seen nothing of this device's, and the old hub's
            // cursors mean nothing to it. Everything here goes out again as new.
            tx.execute("DELETE FROM sync_base", [])?;
            tx.execute("DELETE FROM changes", [])?;
            tx.execute("UPDATE meta SET value = '0' WHERE key = ?1", [CURSOR_KEY])?;
            relog_everything(&tx, &self.device, &mut self.clock, now_ms)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![TEAM_KEY, id.workspace],
        )?;
        join_approval(&tx, &self.device, &mut self.clock, now_ms, id)?;
        // Accounts and outbox entries were not logged before schema 4.
        for (entity, table) in [
            ("account", "accounts"),
            ("outbox", "outbox"),
            ("target", "targets"),
            ("reading", "readings"),
            ("comment", "comments"),
            ("attachment", "attachments"),
        ] {
            let ids: Vec<String> = tx
                .prepare(&format!(
                    "SELECT id FROM {table} t WHERE NOT EXISTS
                     (SELECT 1 FROM changes c WHERE c.entity = ?1 AND c.entity_id = t.id)
                     ORDER BY rowid"
                ))?
                .query_map([entity], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for row in ids {
                let hlc = self.clock.tick(now_ms);
                let after = public::snapshot(&tx, &self.device, entity, &row)?;
                public::log_diff(&tx, &self.device, entity, &row, None, after, hlc)?;
            }
        }
        // Before schema 4 one transaction's rows shared a stamp; the hub takes a stamp it has
        // seen as a replay, so every waiting change gets one of its own, in order.
        let waiting: Vec<(i64, String, String, String)> = tx
            .prepare(
                "SELECT seq, hlc, entity, entity_id FROM changes WHERE pushed = 0 ORDER BY seq",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut last: Option<Stamp> = log::newest_recorded(&tx)?;
        let mut restamped = None;
        for (seq, old, entity, row) in waiting {
            let mut new = self.clock.tick(now_ms);
            if let Some(last) = last.filter(|l| *l >= new) {
                new = log::next_after(last, new.node);
            }
            last = Some(new);
            restamped = Some(new);
            restamp(&tx, seq, &old, &new.to_string(), &entity, &row)?;
        }
        if let Some(last) = restamped {
            save_clock(&tx, last)?;
            self.clock = Clock::new(last.node, Some(last));
        }
        tx.commit()?;
        Ok(())
    }

    /// Leaves the team: the identity and the cursor are forgotten; drafts and history stay.
    pub fn forget_sync_identity(&mut self) -> Result<()> {
        self.conn.execute(
            "DELETE FROM meta WHERE key LIKE 'sync.%' AND key <> ?1",
            [TEAM_KEY],
        )?;
        Ok(())
    }

    /// The hub cursor of the last change applied here (0 before the first pull).
    pub fn sync_cursor(&self) -> Result<u64> {
        read_cursor(&self.conn)
    }

    /// The next unpushed changes, oldest first, as the protocol's `Change` (with `base` for
    /// text fields); at most `limit`.
    pub fn sync_outgoing(&self, limit: usize) -> Result<Vec<Change>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity, entity_id, op, hlc, fields FROM changes
             WHERE pushed = 0 ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (entity, id, op, hlc, fields) in rows {
            let fields: Map<String, Value> = serde_json::from_str(&fields)?;
            let base = if entity == "draft" && MERGED.iter().any(|f| fields.contains_key(*f)) {
                Some(text_base_cursor(&self.conn, &id)?)
            } else {
                None
            };
            out.push(Change {
                entity,
                id,
                op: match op.as_str() {
                    "insert" => Op::Insert,
                    "delete" => Op::Delete,
                    _ => Op::Update,
                },
                hlc,
                fields,
                base,
            });
        }
        Ok(out)
    }

    /// Records the hub's answer: accepted/duplicate → pushed; stale → stays (the next pull
    /// merges it); refused → stays, with the reason kept for `sync_state`.
    pub fn sync_settle(&mut self, sent: &[Change], answer: &PushAnswer) -> Result<Settled> {
        let now_ms = self.now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut settled = Settled::default();
        let mut clock_ahead = false;
        let by_stamp: std::collections::HashMap<&str, &Change> =
            sent.iter().map(|c| (c.hlc.as_str(), c)).collect();
        for result in &answer.results {
            let Some(change) = by_stamp.get(result.hlc.as_str()) else {
                continue;
            };
            match result.status {
                PushStatus::Accepted | PushStatus::Duplicate => {
                    let cursor = result.cursor.and_then(|c| i64::try_from(c).ok());
                    tx.execute(
                        "UPDATE changes SET pushed = 1, cursor = coalesce(?2, cursor),
                         refused = NULL WHERE hlc = ?1 AND +pushed = 0",
                        params![result.hlc, cursor],
                    )?;
                    // The hub now holds this text at this cursor: it is the next merge's base.
                    if let (Some(cursor), "draft") = (result.cursor, change.entity.as_str()) {
                        for field in MERGED {
                            if let Some(value) = change.fields.get(field) {
                                advance_base(&tx, "draft", &change.id, field, value, cursor)?;
                            }
                        }
                    }
                    settled.pushed += 1;
                }
                PushStatus::Stale => settled.stale += 1,
                PushStatus::Refused if result.code == Some(ErrorCode::Forbidden) => {
                    // Refused for the member's role: never sent again; this device takes back
                    // the hub's copy and keeps why, worded, for the person.
                    let message = result.message.clone().unwrap_or_default();
                    let reason = result
                        .reason
                        .as_ref()
                        .and_then(|r| serde_json::from_value::<Reason>(r.clone()).ok())
                        .unwrap_or(Reason::HubForbade {
                            detail: message.clone(),
                        });
                    tx.execute(
                        "UPDATE changes SET pushed = 1, refused = ?2 WHERE hlc = ?1 AND +pushed = 0",
                        params![
                            result.hlc,
                            json!({"code": ErrorCode::Forbidden, "message": message, "reason": reason})
                                .to_string()
                        ],
                    )?;
                    if let Some(copy) = &result.current {
                        public::restore(&tx, &change.entity, &change.id, copy, &change.fields)?;
                        let names: Vec<&str> = change.fields.keys().map(String::as_str).collect();
                        log::forget_pending(&tx, &change.entity, &change.id, &names)?;
                    }
                    settled
                        .forbidden
                        .push((change.entity.clone(), change.id.clone(), reason));
                }
                PushStatus::Refused => {
                    let code = result.code.unwrap_or(ErrorCode::Internal);
                    let message = result.message.clone().unwrap_or_default();
                    clock_ahead |= code == ErrorCode::ClockAhead;
                    tx.execute(
                        "UPDATE changes SET refused = ?2 WHERE hlc = ?1 AND +pushed = 0",
                        params![
                            result.hlc,
                            json!({"code": code, "message": message}).to_string()
                        ],
                    )?;
                    settled.refused.push((result.hlc.clone(), code, message));
                }
            }
        }
        if clock_ahead && now_ms <= answer.hub_time_ms.saturating_add(MAX_AHEAD_MS) {
            // This device's clock is right again (the stamps were made while it ran ahead):
            // the waiting changes, which no one has seen, get stamps of now.
            settled.restamped = restamp_ahead(&tx, &mut self.clock, now_ms, answer.hub_time_ms)?;
        }
        tx.commit()?;
        Ok(settled)
    }

    /// Applies one pulled page and saves its cursor in the same transaction (see the module
    /// comment for the rules). Idempotent: a change at or before the saved cursor is skipped, so
    /// a page applied twice changes nothing the second time.
    pub fn sync_apply(&mut self, page: &PullAnswer) -> Result<Applied> {
        let own_device = self.sync_identity()?.map(|i| i.device_id);
        let now = self.now();
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let saved = read_cursor(&tx)?;
        let mut cx = Apply {
            tx: &tx,
            device: &self.device,
            session: &self.session,
            author: &self.author,
            clock: &mut self.clock,
            now,
            now_ms,
            conflicts: Vec::new(),
        };
        let mut applied = 0;
        let mut approvals = false;
        let mut detached = false;
        let mut newest = saved;
        for pulled in &page.changes {
            if pulled.cursor <= saved {
                continue;
            }
            newest = newest.max(pulled.cursor);
            applied += 1;
            let change = &pulled.change;
            let own = own_device.as_deref() == Some(pulled.device_id.as_str())
                || cx
                    .tx
                    .query_row(
                        "SELECT 1 FROM changes WHERE hlc = ?1",
                        [&change.hlc],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
            if own {
                cx.own(change, pulled.cursor)?;
                continue;
            }
            let Ok(stamp) = change.hlc.parse::<Stamp>() else {
                tracing::warn!(
                    hlc = change.hlc,
                    "a pulled change has no valid stamp; skipped"
                );
                continue;
            };
            // The hub refuses stamps more than five minutes ahead of its clock; one that is
            // anyway (a hub that let it through) is applied but not taken into this clock, which
            // would keep it for good.
            if stamp.not_too_far_ahead(page.hub_time_ms).is_ok() {
                cx.clock.observe(stamp, now_ms);
            }
            detached |= change.entity == "attachment" && change.op == Op::Delete;
            approvals |= change.entity == "comment"
                || (change.entity == "outbox"
                    && (change.op == Op::Insert
                        || APPROVAL_FIELDS
                            .iter()
                            .any(|f| change.fields.contains_key(*f))));
            match change.entity.as_str() {
                "draft" => cx.draft(change, pulled.cursor)?,
                "revision" => cx.revision(change)?,
                "goal" => cx.goal(change)?,
                "account" => cx.account(change)?,
                "outbox" => cx.outbox(change)?,
                "target" | "reading" | "attachment" => {
                    public::apply(cx.tx, cx.device, &change.entity, change)?
                }
                "comment" => cx.comment(change)?,
                other => tracing::warn!(entity = other, "a pulled change of an unknown kind"),
            }
        }
        let conflicts = std::mem::take(&mut cx.conflicts);
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![CURSOR_KEY, newest.max(page.cursor).to_string()],
        )?;
        save_clock(&tx, self.clock.last())?;
        tx.commit()?;
        if detached {
            // An image another device detached: its file goes when nothing names it.
            self.collect_media()?;
        }
        Ok(Applied {
            applied,
            conflicts,
            approvals,
        })
    }

    /// How many changes made here wait to be pushed.
    pub fn sync_pending(&self) -> Result<u64> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM changes WHERE pushed = 0", [], |r| {
                    r.get(0)
                })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Waiting changes the hub refused, with its reason: (stamp, why, the hub's words).
    pub fn sync_refused(&self) -> Result<Vec<(String, ErrorCode, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT hlc, refused FROM changes WHERE pushed = 0 AND refused IS NOT NULL ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (hlc, refused) in rows {
            #[derive(Deserialize)]
            struct Why {
                code: ErrorCode,
                message: String,
            }
            let why: Why = serde_json::from_str(&refused)?;
            out.push((hlc, why.code, why.message));
        }
        Ok(out)
    }

    /// The changes the hub refused for the member's role (rolled back here), newest first: (entity,
    /// row id, why). At most `limit`.
    pub fn sync_forbidden(&self, limit: usize) -> Result<Vec<(String, String, Reason)>> {
        let mut stmt = self.conn.prepare(
            "SELECT entity, entity_id, refused FROM changes
             WHERE pushed = 1 AND refused IS NOT NULL ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (entity, id, refused) in rows {
            let refused: Value = serde_json::from_str(&refused)?;
            let reason = refused
                .get("reason")
                .and_then(|r| serde_json::from_value::<Reason>(r.clone()).ok())
                .unwrap_or(Reason::HubForbade {
                    detail: refused["message"].as_str().unwrap_or_default().to_owned(),
                });
            out.push((entity, id, reason));
        }
        Ok(out)
    }

    /// The conflict copies not yet resolved, each with the draft it conflicts with.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, conflict_of FROM drafts
             WHERE conflict_of IS NOT NULL AND deleted = 0 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (copy, original) in rows {
            let copy = self.draft(&copy)?;
            let Some(original) = drafts::get_draft(&self.conn, &original)? else {
                continue;
            };
            let reason = match copy.conflict_reason.as_deref() {
                Some("deleted") => ConflictReason::Deleted,
                _ => ConflictReason::Edited,
            };
            out.push(Conflict {
                original,
                copy,
                reason,
            });
        }
        Ok(out)
    }

    /// Keeps one side: Keep::Original (the copy goes to the bin), Keep::Copy (its text
    /// replaces the original's as a normal edit; the copy goes to the bin), Keep::Text(s).
    /// Answers the original as it now is.
    pub fn resolve_conflict(&mut self, copy_id: &str, keep: Keep) -> Result<Draft> {
        let copy = self.draft(copy_id)?;
        let Some(original_id) = copy.conflict_of.clone() else {
            return Err(Error::Invalid(format!(
                "the draft {copy_id} is not a conflict copy: there is nothing to resolve"
            )));
        };
        let original = self.draft(&original_id)?;
        let patch = match keep {
            Keep::Original => None,
            Keep::Copy => Some(DraftPatch {
                text: Some(copy.text.clone()),
                variants: Some(copy.variants.clone()),
                ..DraftPatch::default()
            }),
            Keep::Text(text) => Some(DraftPatch {
                text: Some(text),
                ..DraftPatch::default()
            }),
        };
        if let Some(patch) = patch {
            if original.deleted {
                self.undelete_draft(&original_id)?;
            }
            self.change_draft(&original_id, patch, Cause::Resolve)?;
        }
        if !copy.deleted {
            self.delete_draft(copy_id)?;
        }
        self.draft(&original_id)
    }

    fn now_ms(&mut self) -> u64 {
        u64::try_from(self.now().timestamp_millis()).unwrap_or(0)
    }
}

fn read_cursor(conn: &Connection) -> Result<u64> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [CURSOR_KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(raw.and_then(|s| s.parse().ok()).unwrap_or(0))
}

/// Remembers the clock's newest stamp, unless a newer one is remembered (a change's stamp made
/// unique may be ahead of the clock).
fn save_clock(conn: &Connection, last: Stamp) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('clock', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value > value",
        [last.to_string()],
    )?;
    Ok(())
}

/// The newest hub cursor of a draft's text or network versions merged here (0: none yet).
fn text_base_cursor(conn: &Connection, id: &str) -> Result<u64> {
    let cursor: Option<i64> = conn.query_row(
        "SELECT max(cursor) FROM sync_base WHERE entity = 'draft' AND id = ?1",
        [id],
        |r| r.get(0),
    )?;
    Ok(cursor.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
}

/// The last synced value of a merged field, as JSON.
fn base_value(conn: &Connection, entity: &str, id: &str, field: &str) -> Result<Option<Value>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT value FROM sync_base WHERE entity = ?1 AND id = ?2 AND field = ?3")?
        .query_row(params![entity, id, field], |r| r.get(0))
        .optional()?;
    raw.map(|s| serde_json::from_str(&s).map_err(Error::from))
        .transpose()
}

/// Moves a merged field's base to `value` at `cursor`, unless it is already at a newer one.
fn advance_base(
    conn: &Connection,
    entity: &str,
    id: &str,
    field: &str,
    value: &Value,
    cursor: u64,
) -> Result<()> {
    let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO sync_base (entity, id, field, value, cursor) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (entity, id, field) DO UPDATE SET value = excluded.value,
             cursor = excluded.cursor
         WHERE excluded.cursor > sync_base.cursor",
    )?
    .execute(params![entity, id, field, value.to_string(), cursor])?;
    Ok(())
}

pub(crate) fn field_clock(
    conn: &Connection,
    entity: &str,
    id: &str,
    field: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hlc FROM field_clock WHERE entity = ?1 AND id = ?2 AND field = ?3")?
        .query_row(params![entity, id, field], |r| r.get(0))
        .optional()?)
}

/// Gives the change at `seq` the stamp `new` instead of `old`, wherever `old` was written for
/// it (the field clocks of its fields, the row's own stamp).
fn restamp(
    conn: &Connection,
    seq: i64,
    old: &str,
    new: &str,
    entity: &str,
    row: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE changes SET hlc = ?2, refused = NULL WHERE seq = ?1",
        params![seq, new],
    )?;
    let (op, fields): (String, String) = conn.query_row(
        "SELECT op, fields FROM changes WHERE seq = ?1",
        [seq],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let fields: Map<String, Value> = serde_json::from_str(&fields)?;
    let mut clocked: Vec<&str> = fields.keys().map(String::as_str).collect();
    if op == "delete" {
        clocked.push("deleted");
    }
    for field in clocked {
        conn.execute(
            "INSERT INTO field_clock (entity, id, field, hlc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (entity, id, field) DO UPDATE SET hlc = excluded.hlc",
            params![entity, row, field, new],
        )?;
    }
    let table = match entity {
        "draft" => Some("drafts"),
        "revision" => Some("revisions"),
        "goal" => Some("goals"),
        _ => None,
    };
    if let Some(table) = table {
        conn.execute(
            &format!("UPDATE {table} SET hlc = ?3 WHERE id = ?1 AND hlc = ?2"),
            params![row, old, new],
        )?;
    }
    Ok(())
}

/// Stamps afresh the waiting changes stamped more than [`MAX_AHEAD_MS`] ahead of the hub (made
/// while this device's clock ran ahead), after resetting the clock to the newest stamp it knows
/// that is not ahead. Answers how many were stamped afresh.
fn restamp_ahead(
    tx: &Transaction<'_>,
    clock: &mut Clock,
    now_ms: u64,
    hub_ms: u64,
) -> Result<usize> {
    let limit = Stamp {
        wall_ms: hub_ms.saturating_add(MAX_AHEAD_MS),
        counter: u16::MAX,
        node: u64::MAX,
    }
    .to_string();
    let ahead: Vec<(i64, String, String, String)> = tx
        .prepare("SELECT seq, hlc, entity, entity_id FROM changes WHERE pushed = 0 AND hlc > ?1 ORDER BY seq")?
        .query_map([&limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if ahead.is_empty() {
        return Ok(0);
    }
    let newest = |sql: &str| -> Result<Option<Stamp>> {
        let s: Option<String> = tx.query_row(sql, [&limit], |r| r.get(0))?;
        Ok(s.and_then(|s| s.parse().ok()))
    };
    let known = newest("SELECT max(hlc) FROM changes WHERE hlc <= ?1")?
        .max(newest("SELECT max(hlc) FROM field_clock WHERE hlc <= ?1")?);
    let node = clock.last().node;
    let mut fresh = Clock::new(node, known);
    let mut last = None;
    for (seq, old, entity, row) in &ahead {
        let new = fresh.tick(now_ms);
        last = Some(new);
        restamp(tx, *seq, old, &new.to_string(), entity, row)?;
    }
    if let Some(last) = last {
        // Back from the future: the remembered clock goes back to the newest stamp made now.
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'clock'",
            [last.to_string()],
        )?;
    }
    *clock = fresh;
    Ok(ahead.len())
}

/// Logs every row that syncs as new (for a hub that has seen nothing of this device's): drafts
/// before their history, accounts before their queue.
fn relog_everything(
    tx: &Transaction<'_>,
    device: &str,
    clock: &mut Clock,
    now_ms: u64,
) -> Result<()> {
    let drafts: Vec<Draft> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {} FROM drafts ORDER BY seq",
            drafts::DRAFT_COLUMNS
        ))?;
        let rows = stmt.query_map([], drafts::read_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.into_draft()?);
        }
        out
    };
    for d in &drafts {
        let hlc = clock.tick(now_ms);
        log::record(
            tx,
            device,
            "draft",
            &d.id,
            log::Op::Insert,
            d.rev,
            hlc,
            drafts::draft_fields(d)?,
        )?;
    }
    let revisions: Vec<Revision> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {} FROM revisions WHERE deleted = 0 ORDER BY seq",
            revisions::REVISION_COLUMNS
        ))?;
        let rows = stmt.query_map([], revisions::read_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        out
    };
    for r in &revisions {
        let hlc = clock.tick(now_ms);
        log::record(
            tx,
            device,
            "revision",
            &r.id,
            log::Op::Insert,
            r.rev,
            hlc,
            revisions::revision_fields(r)?,
        )?;
    }
    let goals: Vec<(String, String, String, bool)> = tx
        .prepare("SELECT id, name, created_at, deleted FROM goals ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, name, created_at, deleted) in goals {
        let hlc = clock.tick(now_ms);
        let mut fields = Map::new();
        fields.insert("name".into(), json!(name));
        fields.insert("created_at".into(), json!(created_at));
        fields.insert("deleted".into(), json!(deleted));
        log::record(tx, device, "goal", &id, log::Op::Insert, 1, hlc, fields)?;
    }
    for (entity, table) in [
        ("account", "accounts"),
        ("outbox", "outbox"),
        ("target", "targets"),
        ("reading", "readings"),
        ("attachment", "attachments"),
    ] {
        let ids: Vec<String> = tx
            .prepare(&format!("SELECT id FROM {table} ORDER BY rowid"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for row in ids {
            let hlc = clock.tick(now_ms);
            let after = public::snapshot(tx, device, entity, &row)?;
            public::log_diff(tx, device, entity, &row, None, after, hlc)?;
        }
    }
    Ok(())
}

/// Applying one page: the transaction and what a local change needs.
struct Apply<'a, 't> {
    tx: &'a Transaction<'t>,
    device: &'a str,
    session: &'a str,
    author: &'a str,
    clock: &'a mut Clock,
    now: DateTime<Utc>,
    now_ms: u64,
    conflicts: Vec<String>,
}

impl Apply<'_, '_> {
    fn tick(&mut self) -> Stamp {
        self.clock.tick(self.now_ms)
    }

    /// This device's own change, back from the hub: it is pushed (also when the answer to the
    /// push was lost), and its text is the base of the next merge.
    fn own(&mut self, change: &Change, cursor: u64) -> Result<()> {
        self.tx.execute(
            "UPDATE changes SET pushed = 1, cursor = ?2, refused = NULL
             WHERE hlc = ?1 AND +pushed = 0",
            params![change.hlc, i64::try_from(cursor).unwrap_or(i64::MAX)],
        )?;
        if change.entity == "draft" {
            for field in MERGED {
                if let Some(value) = change.fields.get(field) {
                    advance_base(self.tx, "draft", &change.id, field, value, cursor)?;
                }
            }
        }
        Ok(())
    }

    /// Whether a remote value stamped `hlc` for `field` is newer than the one here (`fallback`:
    /// the row's own stamp, for rows written before field clocks existed).
    fn newer(
        &self,
        entity: &str,
        id: &str,
        field: &str,
        hlc: &str,
        fallback: Option<&str>,
    ) -> Result<bool> {
        let here = field_clock(self.tx, entity, id, field)?;
        Ok(match here.as_deref().or(fallback) {
            Some(here) => hlc > here,
            None => true,
        })
    }

    fn draft(&mut self, change: &Change, cursor: u64) -> Result<()> {
        let id = change.id.as_str();
        let hlc = change.hlc.as_str();
        let Some(mut draft) = drafts::get_draft(self.tx, id)? else {
            if change.op != Op::Insert {
                return Ok(());
            }
            let mut map = change.fields.clone();
            map.insert("id".into(), json!(id));
            map.insert("rev".into(), json!(1));
            map.insert("hlc".into(), json!(hlc));
            let Ok(draft) = serde_json::from_value::<Draft>(Value::Object(map)) else {
                tracing::warn!(id, "a pulled draft does not read; skipped");
                return Ok(());
            };
            drafts::insert_draft(self.tx, &draft)?;
            for field in change.fields.keys() {
                log::set_field_clock(self.tx, "draft", id, field, hlc)?;
            }
            for field in MERGED {
                if let Some(value) = change.fields.get(field) {
                    advance_base(self.tx, "draft", id, field, value, cursor)?;
                }
            }
            return Ok(());
        };
        let before = draft.clone();

        // Plain fields: last writer wins, per field.
        let mut fields = change.fields.clone();
        if change.op == Op::Delete {
            fields.entry("deleted").or_insert(json!(true));
        }
        let mut map = match serde_json::to_value(&draft)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let mut won = Vec::new();
        for (field, value) in &fields {
            if !DRAFT_LWW.contains(&field.as_str())
                || !self.newer("draft", id, field, hlc, Some(&before.hlc))?
            {
                continue;
            }
            map.insert(field.clone(), value.clone());
            won.push(field.as_str());
        }
        if !won.is_empty() {
            match serde_json::from_value::<Draft>(Value::Object(map)) {
                Ok(d) => draft = d,
                Err(error) => {
                    tracing::warn!(id, %error, "a pulled change to a draft does not read; skipped");
                    return Ok(());
                }
            }
            for field in &won {
                log::set_field_clock(self.tx, "draft", id, field, hlc)?;
            }
            log::forget_pending(self.tx, "draft", id, &won)?;
        }

        // Text and network versions: three-way merge against the last synced text.
        let theirs_text = fields
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let theirs_variants: Option<BTreeMap<Network, String>> = fields
            .get("variants")
            .map(|v| serde_json::from_value(v.clone()))
            .transpose()?;
        let texts_changed = theirs_text.is_some() || theirs_variants.is_some();
        if texts_changed {
            let base_text = base_value(self.tx, "draft", id, "text")?
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let base_variants: BTreeMap<Network, String> =
                match base_value(self.tx, "draft", id, "variants")? {
                    Some(v) => serde_json::from_value(v)?,
                    None => BTreeMap::new(),
                };
            let text = match &theirs_text {
                Some(theirs) => match merge3(&base_text, &before.text, theirs) {
                    Merge::Clean(text) => Some(text),
                    Merge::Conflict => None,
                },
                None => Some(before.text.clone()),
            };
            let variants = match &theirs_variants {
                Some(theirs) => merge3_map(&base_variants, &before.variants, theirs),
                None => Some(before.variants.clone()),
            };
            let mut keep = Map::new();
            match (text, variants) {
                (Some(text), Some(variants)) => {
                    if theirs_text.as_ref().is_some_and(|t| *t != text) {
                        keep.insert("text".into(), json!(text));
                    }
                    if theirs_variants.as_ref().is_some_and(|v| *v != variants) {
                        keep.insert("variants".into(), serde_json::to_value(&variants)?);
                    }
                    draft.text = text;
                    draft.variants = variants;
                }
                _ => {
                    // Overlapping edits: the text that reached the hub first stays; this
                    // device's becomes a copy of its own.
                    self.copy(
                        &before,
                        &before.text,
                        &before.variants,
                        ConflictReason::Edited,
                    )?;
                    if let Some(theirs) = &theirs_text {
                        draft.text.clone_from(theirs);
                    }
                    if let Some(theirs) = &theirs_variants {
                        draft.variants.clone_from(theirs);
                    }
                }
            }
            self.repend(id, &fields, keep)?;
            for field in MERGED {
                if let Some(value) = fields.get(field) {
                    advance_base(self.tx, "draft", id, field, value, cursor)?;
                }
            }
        }

        // Delete against edit: the edit survives as a copy, made by exactly one device.
        if draft.deleted && !before.deleted {
            let edited_after: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE entity = 'draft' AND entity_id = ?1
                     AND (json_type(fields, '$.text') IS NOT NULL
                          OR json_type(fields, '$.variants') IS NOT NULL)
                     AND (pushed = 0 OR cursor > ?2))",
                params![id, i64::try_from(cursor).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )?;
            if edited_after {
                self.copy(
                    &before,
                    &before.text,
                    &before.variants,
                    ConflictReason::Deleted,
                )?;
                // The edit that waited lives on in the copy; the deleted original keeps the
                // text the hub has (the last synced one), like every other device.
                let waiting = MERGED.map(|f| (f.to_owned(), Value::Null));
                self.repend(id, &Map::from_iter(waiting), Map::new())?;
                if let Some(Value::String(text)) = base_value(self.tx, "draft", id, "text")? {
                    draft.text = text;
                }
                if let Some(variants) = base_value(self.tx, "draft", id, "variants")? {
                    draft.variants = serde_json::from_value(variants)?;
                }
            }
        } else if draft.deleted && before.deleted && texts_changed {
            let deleting: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE entity = 'draft' AND entity_id = ?1
                 AND +pushed = 0 AND json_extract(fields, '$.deleted') = 1)",
                [id],
                |r| r.get(0),
            )?;
            if deleting {
                let (text, variants) = (draft.text.clone(), draft.variants.clone());
                self.copy(&draft, &text, &variants, ConflictReason::Deleted)?;
            }
        }

        if draft != before {
            draft.rev = before.rev + 1;
            if change.hlc > draft.hlc {
                draft.hlc.clone_from(&change.hlc);
            }
            drafts::write_draft(self.tx, &draft)?;
            if draft.deleted {
                drafts::unindex(self.tx, id)?;
            } else {
                drafts::index(self.tx, &draft)?;
            }
        }
        Ok(())
    }

    /// After a remote text change: the merged fields `theirs` carried leave this device's
    /// waiting changes of the row; those in `keep` (a merge that differs from the hub's text)
    /// go out again as a new change.
    fn repend(
        &mut self,
        id: &str,
        theirs: &Map<String, Value>,
        keep: Map<String, Value>,
    ) -> Result<()> {
        let rows: Vec<(i64, String, String)> = self
            .tx
            .prepare_cached(
                "SELECT seq, op, fields FROM changes
                 WHERE entity = 'draft' AND entity_id = ?1 AND +pushed = 0",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, op, fields) in rows {
            let mut fields: Map<String, Value> = serde_json::from_str(&fields)?;
            let before = fields.len();
            for field in MERGED {
                if theirs.contains_key(field) {
                    fields.remove(field);
                }
            }
            if fields.len() == before {
                continue;
            }
            if fields.is_empty() && op == "update" {
                self.tx
                    .execute("DELETE FROM changes WHERE seq = ?1", [seq])?;
            } else {
                self.tx.execute(
                    "UPDATE changes SET fields = ?2 WHERE seq = ?1",
                    params![seq, Value::Object(fields).to_string()],
                )?;
            }
        }
        if !keep.is_empty() {
            let hlc = self.tick();
            let rev: i64 =
                self.tx
                    .query_row("SELECT rev FROM drafts WHERE id = ?1", [id], |r| r.get(0))?;
            log::record(
                self.tx,
                self.device,
                "draft",
                id,
                log::Op::Update,
                rev + 1,
                hlc,
                keep,
            )?;
        }
        Ok(())
    }

    /// A conflict copy of `original` holding `text`: a new draft, logged like any other.
    fn copy(
        &mut self,
        original: &Draft,
        text: &str,
        variants: &BTreeMap<Network, String>,
        reason: ConflictReason,
    ) -> Result<()> {
        let hlc = self.tick();
        let copy = Draft {
            id: uuid::Uuid::now_v7().to_string(),
            text: text.to_owned(),
            variants: variants.clone(),
            state: match original.state {
                DraftState::Scheduled | DraftState::Published => DraftState::Draft,
                other => other,
            },
            created_by: self.author.to_owned(),
            updated_by: self.author.to_owned(),
            created_at: self.now,
            updated_at: self.now,
            rev: 1,
            hlc: hlc.to_string(),
            deleted: false,
            conflict_of: Some(original.id.clone()),
            conflict_reason: Some(reason.as_str().to_owned()),
            ..original.clone()
        };
        drafts::insert_draft(self.tx, &copy)?;
        log::record(
            self.tx,
            self.device,
            "draft",
            &copy.id,
            log::Op::Insert,
            1,
            hlc,
            drafts::draft_fields(&copy)?,
        )?;
        let who = Writer {
            device: self.device,
            session: self.session,
        };
        revisions::record_created(self.tx, who, &copy, hlc)?;
        self.conflicts.push(copy.id);
        Ok(())
    }

    fn revision(&mut self, change: &Change) -> Result<()> {
        let id = change.id.as_str();
        let hlc = change.hlc.as_str();
        let existing: Option<(String, bool)> = self
            .tx
            .query_row(
                "SELECT hlc, deleted FROM revisions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((row_hlc, _)) = existing else {
            if change.op != Op::Insert {
                return Ok(());
            }
            let mut map = change.fields.clone();
            map.insert("id".into(), json!(id));
            map.insert("rev".into(), json!(1));
            map.insert("hlc".into(), json!(hlc));
            let Ok(revision) = serde_json::from_value::<Revision>(Value::Object(map)) else {
                tracing::warn!(id, "a pulled revision does not read; skipped");
                return Ok(());
            };
            if drafts::get_draft(self.tx, &revision.draft_id)?.is_none() {
                tracing::warn!(id, "a pulled revision of a draft not here; skipped");
                return Ok(());
            }
            revisions::insert_revision(self.tx, &revision)?;
            for field in change.fields.keys() {
                log::set_field_clock(self.tx, "revision", id, field, hlc)?;
            }
            return Ok(());
        };
        if change.op == Op::Delete || change.fields.get("deleted") == Some(&json!(true)) {
            if self.newer("revision", id, "deleted", hlc, Some(&row_hlc))? {
                self.tx
                    .execute("UPDATE revisions SET deleted = 1 WHERE id = ?1", [id])?;
                log::set_field_clock(self.tx, "revision", id, "deleted", hlc)?;
                log::forget_pending(self.tx, "revision", id, &["deleted"])?;
            }
            return Ok(());
        }
        let Some(mut revision) = revisions::get_revision(self.tx, id)? else {
            return Ok(());
        };
        let mut map = match serde_json::to_value(&revision)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let mut won = Vec::new();
        for (field, value) in &change.fields {
            if REVISION_LWW.contains(&field.as_str())
                && self.newer("revision", id, field, hlc, Some(&row_hlc))?
            {
                map.insert(field.clone(), value.clone());
                won.push(field.as_str());
            }
        }
        if won.is_empty() {
            return Ok(());
        }
        let Ok(mut after) = serde_json::from_value::<Revision>(Value::Object(map)) else {
            tracing::warn!(id, "a pulled change to a revision does not read; skipped");
            return Ok(());
        };
        after.rev = revision.rev + 1;
        if change.hlc > after.hlc {
            after.hlc.clone_from(&change.hlc);
        }
        revision = after;
        self.tx.execute(
            "UPDATE revisions SET number = ?2, text = ?3, variants = ?4, kind = ?5, name = ?6,
             restored_from = ?7, author = ?8, session = ?9, created_at = ?10, updated_at = ?11,
             rev = ?12, hlc = ?13 WHERE id = ?1",
            params![
                id,
                revision.number,
                revision.text,
                serde_json::to_string(&revision.variants)?,
                serde_json::to_value(revision.kind)?
                    .as_str()
                    .unwrap_or("autosave"),
                revision.name,
                revision.restored_from,
                revision.author,
                revision.session,
                timestamp(revision.created_at),
                timestamp(revision.updated_at),
                revision.rev,
                revision.hlc,
            ],
        )?;
        for field in &won {
            log::set_field_clock(self.tx, "revision", id, field, hlc)?;
        }
        log::forget_pending(self.tx, "revision", id, &won)?;
        Ok(())
    }

    fn goal(&mut self, change: &Change) -> Result<()> {
        let id = change.id.as_str();
        let hlc = change.hlc.as_str();
        let existing: Option<String> = self
            .tx
            .query_row("SELECT hlc FROM goals WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let Some(row_hlc) = existing else {
            let (Some(name), Some(created_at)) = (
                change.fields.get("name").and_then(Value::as_str),
                change.fields.get("created_at").and_then(Value::as_str),
            ) else {
                return Ok(());
            };
            self.tx.execute(
                "INSERT INTO goals (id, name, created_at, rev, hlc, deleted) VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                params![id, name, created_at, hlc, change.op == Op::Delete],
            )?;
            for field in change.fields.keys() {
                log::set_field_clock(self.tx, "goal", id, field, hlc)?;
            }
            return Ok(());
        };
        let mut fields = change.fields.clone();
        if change.op == Op::Delete {
            fields.entry("deleted").or_insert(json!(true));
        }
        for (field, value) in &fields {
            let column = match field.as_str() {
                "name" => "name",
                "deleted" => "deleted",
                _ => continue,
            };
            if !self.newer("goal", id, field, hlc, Some(&row_hlc))? {
                continue;
            }
            let value = match value {
                Value::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
                Value::String(s) => rusqlite::types::Value::Text(s.clone()),
                _ => continue,
            };
            self.tx.execute(
                &format!("UPDATE goals SET {column} = ?2, rev = rev + 1 WHERE id = ?1"),
                params![id, value],
            )?;
            log::set_field_clock(self.tx, "goal", id, field, hlc)?;
            log::forget_pending(self.tx, "goal", id, &[field.as_str()])?;
        }
        Ok(())
    }

    fn account(&mut self, change: &Change) -> Result<()> {
        public::apply(self.tx, self.device, "account", change)
    }

    fn outbox(&mut self, change: &Change) -> Result<()> {
        public::apply(self.tx, self.device, "outbox", change)
    }

    fn comment(&mut self, change: &Change) -> Result<()> {
        public::apply(self.tx, self.device, "comment", change)
    }
}

/// On joining a team: accounts connected here become this member's (they connected them), and
/// an assistant's waiting posts await an executive's approval (they were approved only because
/// there was no team). Logged so the hub and the team's devices see it.
fn join_approval(
    tx: &Transaction<'_>,
    device: &str,
    clock: &mut Clock,
    now_ms: u64,
    id: &SyncIdentity,
) -> Result<()> {
    let now = timestamp(
        DateTime::<Utc>::from_timestamp_millis(i64::try_from(now_ms).unwrap_or(0))
            .unwrap_or_default(),
    );
    let accounts: Vec<String> = tx
        .prepare(
            "SELECT id FROM accounts WHERE owner IS NULL AND credential_ref <> '' AND deleted = 0",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for account in accounts {
        let before = public::snapshot(tx, device, "account", &account)?;
        tx.execute(
            "UPDATE accounts SET owner = ?2, owner_role = ?3 WHERE id = ?1",
            params![account, id.member_name, id.role.as_str()],
        )?;
        log_if_seen(tx, device, clock, now_ms, "account", &account, before)?;
    }
    let entries: Vec<String> = tx
        .prepare("SELECT id FROM outbox WHERE scheduled_by IS NULL AND state <> 'sent'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for entry in entries {
        let before = public::snapshot(tx, device, "outbox", &entry)?;
        if id.role == Role::Assistant {
            tx.execute(
                "UPDATE outbox SET scheduled_by = ?2, approval = 'awaiting', approval_at = ?3,
                 approved_by = NULL, approved_fp = NULL WHERE id = ?1",
                params![entry, id.member_name, now],
            )?;
        } else {
            tx.execute(
                "UPDATE outbox SET scheduled_by = ?2, approval_at = coalesce(approval_at, ?3)
                 WHERE id = ?1",
                params![entry, id.member_name, now],
            )?;
        }
        log_if_seen(tx, device, clock, now_ms, "outbox", &entry, before)?;
    }
    Ok(())
}

/// Logs a row's change when the hub has seen the row; a row it has not seen waits to be logged
/// whole as an insert (its unpushed changes are dropped, so the insert carries what it is now).
fn log_if_seen(
    tx: &Transaction<'_>,
    device: &str,
    clock: &mut Clock,
    now_ms: u64,
    entity: &str,
    row: &str,
    before: Option<Map<String, Value>>,
) -> Result<()> {
    let seen: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE entity = ?1 AND entity_id = ?2 AND pushed = 1)",
        [entity, row],
        |r| r.get(0),
    )?;
    if seen {
        public::log_since(tx, device, clock, now_ms, entity, row, before)
    } else {
        tx.execute(
            "DELETE FROM changes WHERE entity = ?1 AND entity_id = ?2 AND pushed = 0",
            [entity, row],
        )?;
        Ok(())
    }
}
