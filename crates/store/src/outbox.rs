//! The outbox: what goes out where and when, and how far it got.
//!
//! The outbox is the publisher's memory. Every step is committed before the network hears of
//! it: an entry is *claimed* with its parts and their keys (a Bluesky record key, a Mastodon
//! Idempotency-Key) fixed; a part is marked *sending* before its request leaves; *sent* with
//! the network's id once the answer came. A process killed anywhere in between leaves a row
//! that says exactly what may have happened, and the publisher settles it by asking the network
//! (see `podium-publish`) — it never guesses and never sends blindly twice.
//!
//! Which state may follow which is not decided here: every `UPDATE` that changes a state is
//! guarded by the states `podium_core::outbox` allows that step from (`WHERE state IN (…)`,
//! printed from the rule), so the store can only make the moves the rule names.

use std::time::Duration;

use chrono::{DateTime, Utc};
use podium_core::approval::Approval;
use podium_core::draft::DraftState;
use podium_core::fit::{texts_to_send, Misfit};
use podium_core::network::Network;
use podium_core::outbox::{self, OutboxState, PartState, Step};
use podium_core::reason::{Reason, ReasonCode};
use podium_core::schedule;
use podium_core::text::check::{Lang, Options};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;

use crate::columns::{code_col, codes, opt_time_col, time_col};
use crate::{timestamp, Account, DraftPatch, Error, Result, Store};

/// One part of an entry (a single post is one part; a thread has one per post).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub idx: u32,
    pub text: String,
    /// The record key (Bluesky) or Idempotency-Key (Mastodon), fixed before the first attempt.
    pub key: String,
    /// `pending`, `sending` (a request may have left) or `sent`.
    pub state: PartState,
    pub sending_at: Option<DateTime<Utc>>,
    pub remote_id: Option<String>,
    pub remote_cid: Option<String>,
    pub remote_url: Option<String>,
    /// On a network that publishes in two steps (Threads), the container made for this part:
    /// committed before the publish request, so whether it went out is asked about it.
    pub container: Option<String>,
}

impl Part {
    /// Whether an earlier attempt at this part may have gone out: it was left `sending`, or
    /// the user chose "Send again" when Podium could not tell (its key then carries the
    /// attempt, `…-N`, see [`Store::retry`]).
    pub fn may_be_out_already(&self) -> bool {
        self.sending_at.is_some() || self.key.contains(RESENT_MARK)
    }
}

/// What "Send again" appends to a part's key before the attempt number.
const RESENT_MARK: &str = "-again";

/// An outbox entry: one post for one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub draft_id: String,
    pub account_id: String,
    pub network: Network,
    pub handle: String,
    /// The draft's title, for lists.
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub state: OutboxState,
    pub attempts: u32,
    pub retry_at: Option<DateTime<Utc>>,
    pub remote_id: Option<String>,
    pub remote_url: Option<String>,
    /// Why it stopped or waits, in English (the CLI's and the log's words).
    pub error: Option<String>,
    /// The same as a code with data (`podium_core::reason::Reason`), which the window words in
    /// the person's language; `None` on a row an older Podium wrote (then only `error` says).
    pub error_code: Option<String>,
    pub error_data: Option<serde_json::Value>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub parts: Vec<Part>,
    /// Its approval as it holds now (`podium_core::approval::effective`): an approved entry
    /// whose content changed since reads `awaiting`. No team: always `approved`.
    pub approval: Approval,
    /// The member who scheduled it (`None`: no team).
    pub scheduled_by: Option<String>,
    /// Who approved it or requested changes.
    pub approved_by: Option<String>,
    /// The comment given with "request changes".
    pub approval_note: Option<String>,
    /// When it began to await approval, was approved or was sent back.
    pub approval_at: Option<DateTime<Utc>>,
    /// Whether this device's member may approve it or request changes now.
    pub may_approve: bool,
}

impl Entry {
    /// Why it stopped or waits, as a code with data: `None` when nothing is wrong, for a row an
    /// older Podium wrote (only its English `error`), or for a code a newer Podium wrote.
    pub fn reason(&self) -> Option<Reason> {
        let data = self.error_data.as_ref().map(|d| d.to_string());
        Reason::from_stored(self.error_code.as_deref()?, data.as_deref())
    }

    /// What the user may do with it now (the window's buttons).
    pub fn user_actions(&self) -> outbox::UserActions {
        outbox::UserActions::of(self.state, self.parts.iter().map(|p| p.state))
    }
}

/// When to schedule a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(DateTime<Utc>),
    /// "Add to queue": the account's next free slot.
    NextSlot,
}

/// What [`Store::take_due`] found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Due {
    /// Entries due now (or late within the grace window), oldest first.
    pub send: Vec<String>,
    /// Entries that were more than the grace window late and now wait for the user.
    pub to_review: Vec<Entry>,
    /// When the next queued entry falls due (to sleep until then).
    pub next_at: Option<DateTime<Utc>>,
}

static ENTRY_SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{ENTRY_COLUMNS}, {media} FROM outbox o JOIN accounts a ON a.id = o.account_id \
         JOIN drafts d ON d.id = o.draft_id",
        media = crate::approval::MEDIA_SQL
    )
});

const ENTRY_COLUMNS: &str = "SELECT o.id, o.draft_id, o.account_id, a.network, a.handle, d.text, \
    o.due_at, o.state, o.attempts, o.retry_at, o.remote_id, o.remote_url, o.error, o.created_by, \
    o.created_at, o.updated_at, o.sent_at, o.error_code, o.error_data, \
    d.variants, d.thread, d.content_warning, d.visibility, o.approval, o.approved_fp, \
    o.approved_by, o.approval_note, o.approval_at, o.scheduled_by";

/// The guard of `step`: the states it may start from, for `state IN (…)`.
fn from(step: Step) -> String {
    codes(step.from_states())
}

/// The guard of a part becoming `next`, for `state IN (…)`.
fn part_from(next: PartState) -> String {
    codes(PartState::that_can_become(next))
}

/// Whether `draft` fits `account`'s network as it would be sent (its version, its thread, the
/// account's own limit): `podium_core::fit`'s rule with the account's figures.
pub fn fit_on(draft: &crate::Draft, account: &Account) -> std::result::Result<(), Misfit> {
    let options = Options {
        limit: account.max_chars,
        lang: Lang::from_code(&draft.lang),
        ..Options::default()
    };
    texts_to_send(
        &draft.text,
        &draft.variants,
        draft.thread,
        account.network,
        &options,
    )
    .map(|_| ())
}

fn read_entry(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let state: String = r.get(7)?;
    let text: String = r.get(5)?;
    let network: Network = code_col(r, 3)?;
    let account_id: String = r.get(2)?;
    let (warning, visibility, media): (String, Option<String>, String) =
        (r.get(21)?, r.get(22)?, r.get(29)?);
    let now_fp = crate::approval::content_fp(
        &r.get::<_, String>(19)?,
        network,
        podium_core::approval::Content {
            text: &text,
            thread: r.get(20)?,
            content_warning: &warning,
            visibility: visibility.as_deref(),
            account_id: &account_id,
            media: &media,
        },
    );
    // A code this build does not know is taken as awaiting: nothing goes out unapproved.
    let stored: Approval = r
        .get::<_, String>(23)?
        .parse()
        .unwrap_or(Approval::Awaiting);
    let approval = podium_core::approval::effective(
        stored,
        r.get::<_, Option<String>>(24)?.as_deref(),
        &now_fp,
    );
    Ok(Entry {
        approval,
        approved_by: r.get(25)?,
        approval_note: r.get(26)?,
        approval_at: opt_time_col(r, 27)?,
        scheduled_by: r.get(28)?,
        may_approve: false,
        id: r.get(0)?,
        draft_id: r.get(1)?,
        account_id,
        network,
        handle: r.get(4)?,
        title: podium_core::draft::title(&text, crate::TITLE_CHARS),
        due_at: time_col(r, 6)?,
        // A state this build does not know (a newer Podium wrote it) is shown as unclear, so
        // the user decides and nothing is sent blindly.
        state: OutboxState::parse(&state).unwrap_or(OutboxState::Unknown),
        attempts: r.get(8)?,
        retry_at: opt_time_col(r, 9)?,
        remote_id: r.get(10)?,
        remote_url: r.get(11)?,
        error: r.get(12)?,
        created_by: r.get(13)?,
        created_at: time_col(r, 14)?,
        updated_at: time_col(r, 15)?,
        sent_at: opt_time_col(r, 16)?,
        error_code: r.get(17)?,
        // Data that does not read is left out: the English `error` still says why.
        error_data: r
            .get::<_, Option<String>>(18)?
            .and_then(|d| serde_json::from_str(&d).ok()),
        parts: Vec::new(),
    })
}

impl Store {
    // ---------------------------------------------------------------- scheduling

    /// Schedules a draft on an account, or moves it if it is already waiting there.
    pub fn schedule(&mut self, draft_id: &str, account_id: &str, when: When) -> Result<Entry> {
        let draft = self.draft(draft_id)?;
        if draft.deleted {
            return Err(Error::Invalid(
                "this draft is in the bin; bring it back before scheduling it".into(),
            ));
        }
        if draft.text.trim().is_empty() && draft.variants.values().all(|t| t.trim().is_empty()) {
            return Err(Error::Invalid("an empty draft cannot be scheduled".into()));
        }
        let account = self.account(account_id)?;
        if !account.connected_here {
            return Err(Error::NotConnectedHere {
                handle: account.handle,
            });
        }
        fit_on(&draft, &account)
            .and_then(|()| self.images_fit_on(&draft, &account))
            .map_err(|misfit| Error::DoesNotFit {
                handle: account.handle.clone(),
                misfit,
            })?;
        let existing: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM outbox WHERE draft_id = ?1 AND account_id = ?2",
                params![draft_id, account_id],
                |r| r.get(0),
            )
            .optional()?;
        let due_at = self.resolve_when(&account, when, existing.as_deref())?;
        let now = self.now();
        let id = match existing {
            Some(id) => {
                self.move_entry(&id, due_at)?;
                id
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                let (author, device) = (self.author.clone(), self.device.clone());
                let (approval, scheduled_by) = self.approval_on_schedule(account_id)?;
                // In a team, an executive's own post is approved as it is now.
                let approved_by = scheduled_by
                    .clone()
                    .filter(|_| approval == Approval::Approved);
                self.with_log("outbox", &[&id], |conn| {
                    conn.execute(
                        "INSERT INTO outbox (id, draft_id, account_id, due_at, state, created_by,
                         created_at, updated_at, device, approval, approved_by, approval_at,
                         scheduled_by)
                         VALUES (?1, ?2, ?3, ?4, ?7, ?5, ?6, ?6, ?8, ?9, ?10, ?11, ?12)",
                        params![
                            id,
                            draft_id,
                            account_id,
                            timestamp(due_at),
                            author,
                            timestamp(now),
                            OutboxState::Queued.as_str(),
                            device,
                            approval.as_str(),
                            approved_by,
                            scheduled_by.as_ref().map(|_| timestamp(now)),
                            scheduled_by
                        ],
                    )?;
                    if approved_by.is_some() {
                        let fp = crate::approval::entry_fp(conn, &id)?;
                        conn.execute(
                            "UPDATE outbox SET approved_fp = ?2 WHERE id = ?1",
                            params![id, fp],
                        )?;
                    }
                    Ok(())
                })?;
                id
            }
        };
        if matches!(
            draft.state,
            DraftState::Idea | DraftState::Draft | DraftState::Ready
        ) {
            self.update_draft(
                draft_id,
                DraftPatch {
                    state: Some(DraftState::Scheduled),
                    ..DraftPatch::default()
                },
            )?;
        }
        self.entry(&id)
    }

    fn resolve_when(
        &mut self,
        account: &Account,
        when: When,
        except: Option<&str>,
    ) -> Result<DateTime<Utc>> {
        match when {
            When::At(t) => Ok(t),
            When::NextSlot => {
                let zone =
                    schedule::zone(&account.zone).map_err(|e| Error::Invalid(e.to_string()))?;
                if account.slots.is_empty() {
                    return Err(Error::Invalid(format!(
                        "{} has no time slots yet: add some (e.g. \"tue 08:30\") or pick an exact time",
                        account.handle
                    )));
                }
                let taken = self.taken_times(&account.id, except)?;
                let now = self.now();
                schedule::next_free_slot(&account.slots, zone, now, &taken)
                    .ok_or_else(|| Error::Invalid("every slot of the next year is taken".into()))
            }
        }
    }

    /// Where "add to queue" would put a post on this account now (`None`: no slots).
    pub fn next_slot(&mut self, account_id: &str) -> Result<Option<DateTime<Utc>>> {
        let account = self.account(account_id)?;
        if account.slots.is_empty() {
            return Ok(None);
        }
        self.resolve_when(&account, When::NextSlot, None).map(Some)
    }

    /// The slot times of every account in `[from, to)` (for the calendar).
    pub fn slot_times(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        let days = (to - from).num_days().clamp(0, 62) + 1;
        let mut out = Vec::new();
        for account in self.accounts()? {
            let Ok(zone) = schedule::zone(&account.zone) else {
                continue;
            };
            for at in schedule::upcoming(&account.slots, zone, from, days) {
                if at < to {
                    out.push((account.id.clone(), at));
                }
            }
        }
        out.sort_by_key(|(_, at)| *at);
        Ok(out)
    }

    fn taken_times(&self, account_id: &str, except: Option<&str>) -> Result<Vec<DateTime<Utc>>> {
        let mut stmt = self.conn.prepare(
            "SELECT due_at FROM outbox WHERE account_id = ?1 AND id <> ?2 AND state <> ?3",
        )?;
        let times = stmt
            .query_map(
                params![account_id, except.unwrap_or(""), OutboxState::Sent.as_str()],
                |r| time_col(r, 0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(times)
    }

    /// Whether the draft of an entry fits its account as it is now (`Err`: why not).
    pub fn fit_of(&self, entry: &Entry) -> Result<std::result::Result<(), Misfit>> {
        let draft = self.draft(&entry.draft_id)?;
        let account = self.account(&entry.account_id)?;
        Ok(fit_on(&draft, &account))
    }

    /// After an edit of a draft: each of its posts waiting for its time that no longer fits
    /// its network is held for the user (`queued → review`, the reason in its error) instead
    /// of failing when it falls due; a held post whose time has not come yet goes back to the
    /// queue once an edit makes it fit again. Returns the posts that were held now.
    pub fn recheck_fit(&mut self, draft_id: &str) -> Result<Vec<Entry>> {
        let draft = self.draft(draft_id)?;
        let now = self.now();
        let mut held = Vec::new();
        for entry in self.entries_of_draft(draft_id)? {
            let fits = fit_on(&draft, &self.account(&entry.account_id)?);
            match (entry.state, fits) {
                (OutboxState::Queued, Err(misfit)) => {
                    // Not held: a publisher took it meanwhile (it then fails with the reason).
                    if !self.hold(&entry.id, &misfit.reason())? {
                        continue;
                    }
                    held.push(self.entry(&entry.id)?);
                }
                (OutboxState::Review, Ok(())) if entry.due_at > now => {
                    self.move_entry(&entry.id, entry.due_at)?;
                }
                _ => {}
            }
        }
        Ok(held)
    }

    /// Holds a queued post for the user before its time (`queued → review`), with why (its code
    /// and data beside the English, as every stored reason). `false` when it was not queued (a
    /// publisher has it, or it is already out).
    pub fn hold(&mut self, entry_id: &str, why: &Reason) -> Result<bool> {
        let now = timestamp(self.now());
        let changed = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?3, error = ?4, error_code = ?5, error_data = ?6,
                     updated_at = ?2 WHERE id = ?1 AND state IN ({})",
                    from(Step::Hold)
                ),
                params![
                    entry_id,
                    now,
                    OutboxState::Review.as_str(),
                    why.to_string(),
                    why.code().as_str(),
                    why.data_json()
                ],
            )?)
        })?;
        Ok(changed > 0)
    }

    /// Moves an entry to another time (drag in the calendar, `podium schedule` again). Only a
    /// post that is not on its way may move; a failed or late one is queued again.
    pub fn reschedule(&mut self, entry_id: &str, when: When) -> Result<Entry> {
        let entry = self.entry(entry_id)?;
        let account = self.account(&entry.account_id)?;
        let due_at = self.resolve_when(&account, when, Some(entry_id))?;
        self.move_entry(entry_id, due_at)?;
        self.entry(entry_id)
    }

    fn move_entry(&mut self, entry_id: &str, due_at: DateTime<Utc>) -> Result<()> {
        let now = timestamp(self.now());
        let changed = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET due_at = ?2, state = ?4, attempts = 0, retry_at = NULL,
                     error = NULL, error_code = NULL, error_data = NULL, updated_at = ?3 WHERE id = ?1 AND state IN ({})",
                    from(Step::Move)
                ),
                params![
                    entry_id,
                    timestamp(due_at),
                    now,
                    OutboxState::Queued.as_str()
                ],
            )?)
        })?;
        if changed == 0 {
            let entry = self.entry(entry_id)?;
            return Err(Error::Invalid(match entry.state {
                OutboxState::Sent => "this post has already been published".into(),
                OutboxState::Unknown => "Podium could not tell whether this post went out: check the network, then choose \"It was posted\" or \"Send again\"".into(),
                _ => "this post is being sent right now and cannot be moved".into(),
            }));
        }
        Ok(())
    }

    /// Takes a post out of the queue (its draft stays). Not possible once any part went out.
    pub fn unschedule(&mut self, entry_id: &str) -> Result<()> {
        let entry = self.entry(entry_id)?;
        let refused = |entry: &Entry| {
            Error::Invalid(
                if entry.state == OutboxState::Sent
                    || entry.parts.iter().any(|p| p.state == PartState::Sent)
                {
                    "part of this post has already been published; it cannot be taken back from here"
                } else {
                    "this post is being sent right now; wait a moment"
                }
                .into(),
            )
        };
        if !entry.user_actions().removable {
            return Err(refused(&entry));
        }
        // The same rule again inside the statement, so a publisher that claims it meanwhile
        // keeps it.
        let settled = codes(
            OutboxState::ALL
                .into_iter()
                .filter(|s| outbox::may_remove(*s, [])),
        );
        let deleted = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "DELETE FROM outbox WHERE id = ?1 AND state IN ({settled}) AND NOT EXISTS
                     (SELECT 1 FROM outbox_parts WHERE entry_id = ?1 AND state = ?2)"
                ),
                params![entry_id, PartState::Sent.as_str()],
            )?)
        })?;
        if deleted == 0 {
            return Err(refused(&self.entry(entry_id)?));
        }
        let others: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE draft_id = ?1",
            [&entry.draft_id],
            |r| r.get(0),
        )?;
        if others == 0 && self.draft(&entry.draft_id)?.state == DraftState::Scheduled {
            self.update_draft(
                &entry.draft_id,
                DraftPatch {
                    state: Some(DraftState::Ready),
                    ..DraftPatch::default()
                },
            )?;
        }
        Ok(())
    }

    /// The user's answer to a failed, late or unknown post: send it now. For an `unknown` post
    /// this is the user saying "it did not go out" — Podium never decides that by itself.
    pub fn retry(&mut self, entry_id: &str) -> Result<Entry> {
        let before = self.entry(entry_id)?;
        let refused =
            || Error::Invalid("only a failed, late or unclear post can be retried".into());
        if !before.state.allows(Step::Retry) {
            return Err(refused());
        }
        let now = timestamp(self.now());
        let now_ms = self.now_millis();
        let tx = self.conn.transaction()?;
        let before_row = crate::public::snapshot(&tx, &self.device, "outbox", entry_id)?;
        let changed = tx.execute(
            &format!(
                "UPDATE outbox SET state = ?3, due_at = ?2, attempts = 0, retry_at = NULL,
                 error = NULL, error_code = NULL, error_data = NULL, updated_at = ?2 WHERE id = ?1 AND state = ?4 AND state IN ({})",
                from(Step::Retry)
            ),
            params![
                entry_id,
                now,
                OutboxState::Queued.as_str(),
                before.state.as_str()
            ],
        )?;
        if changed == 0 {
            return Err(refused());
        }
        if before.state == OutboxState::Unknown {
            // "Send again" on an unclear part: the user saw it did not go out, so it is sent
            // afresh. (After a failure, a part that may have left keeps its key, and the next
            // attempt settles it with the network first.)
            tx.execute(
                &format!(
                    "UPDATE outbox_parts SET state = ?3, sending_at = NULL, container = NULL,
                     key = key || ?5 || ?2 WHERE entry_id = ?1 AND state = ?4 AND state IN ({})",
                    part_from(PartState::Pending)
                ),
                params![
                    entry_id,
                    before.attempts + 1,
                    PartState::Pending.as_str(),
                    PartState::Sending.as_str(),
                    RESENT_MARK
                ],
            )?;
        }
        crate::public::log_since(
            &tx,
            &self.device,
            &mut self.clock,
            now_ms,
            "outbox",
            entry_id,
            before_row,
        )?;
        tx.commit()?;
        self.entry(entry_id)
    }

    /// The user's answer to an `unknown` post: it did go out (they saw it on the network).
    pub fn confirm_sent(&mut self, entry_id: &str) -> Result<Entry> {
        let now = timestamp(self.now());
        let changed = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?3, sent_at = ?2, updated_at = ?2, error = NULL,
                 error_code = NULL, error_data = NULL
                 WHERE id = ?1 AND state IN ({})",
                    from(Step::ConfirmSent)
                ),
                params![entry_id, now, OutboxState::Sent.as_str()],
            )?)
        })?;
        if changed == 0 {
            self.entry(entry_id)?;
            return Err(Error::Invalid(
                "only an unclear post can be marked as posted".into(),
            ));
        }
        let entry = self.entry(entry_id)?;
        self.mark_draft_published(&entry.draft_id)?;
        Ok(entry)
    }

    pub fn entry(&self, id: &str) -> Result<Entry> {
        let mut entry = self
            .conn
            .query_row(
                &format!("{} WHERE o.id = ?1", *ENTRY_SELECT),
                [id],
                read_entry,
            )
            .optional()?
            .ok_or_else(|| Error::NoEntry(id.to_owned()))?;
        entry.parts = self.parts(id)?;
        self.decorate(std::slice::from_mut(&mut entry))?;
        Ok(entry)
    }

    /// The queue: every entry, by due time (sent ones too, newest last).
    pub fn queue(&self) -> Result<Vec<Entry>> {
        self.entries_where("1", &[])
    }

    /// The entries of one draft (its schedule on each account).
    pub fn entries_of_draft(&self, draft_id: &str) -> Result<Vec<Entry>> {
        self.entries_where("o.draft_id = ?1", &[&draft_id])
    }

    /// The entries due in `[from, to)`, by due time (what a week of the plan shows).
    pub fn entries_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Entry>> {
        self.entries_where(
            "o.due_at >= ?1 AND o.due_at < ?2",
            &[&timestamp(from), &timestamp(to)],
        )
    }

    /// The entries that wait for the user: failed, unclear, or too late to send by themselves.
    pub fn entries_needing_user(&self) -> Result<Vec<Entry>> {
        let waiting = codes(OutboxState::ALL.into_iter().filter(|s| s.waits_for_user()));
        self.entries_where(&format!("o.state IN ({waiting})"), &[])
    }

    fn entries_where(&self, condition: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare(&format!(
            "{} WHERE {condition} ORDER BY o.due_at, o.seq",
            *ENTRY_SELECT
        ))?;
        let mut entries = stmt
            .query_map(args, read_entry)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for e in &mut entries {
            e.parts = self.parts(&e.id)?;
        }
        self.decorate(&mut entries)?;
        Ok(entries)
    }

    fn parts(&self, entry_id: &str) -> Result<Vec<Part>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, text, key, state, sending_at, remote_id, remote_cid, remote_url, container
             FROM outbox_parts WHERE entry_id = ?1 ORDER BY idx",
        )?;
        let parts = stmt
            .query_map([entry_id], |r| {
                Ok(Part {
                    idx: r.get(0)?,
                    text: r.get(1)?,
                    key: r.get(2)?,
                    state: code_col(r, 3)?,
                    sending_at: opt_time_col(r, 4)?,
                    remote_id: r.get(5)?,
                    remote_cid: r.get(6)?,
                    remote_url: r.get(7)?,
                    container: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(parts)
    }

    // ---------------------------------------------------------------- the publisher's steps

    /// Entries left `claimed` or `sending` by a publisher that died go back to the queue; their
    /// parts keep their state and keys, so the next attempt settles a part that may have gone
    /// out before sending anything. Call only while holding the publisher lock.
    pub fn recover_interrupted(&mut self) -> Result<usize> {
        let now = timestamp(self.now());
        let mine = self.device.clone();
        let ids: Vec<String> = self
            .conn
            .prepare(&format!(
                "SELECT id FROM outbox WHERE state IN ({}) AND coalesce(device, ?1) = ?1",
                from(Step::Requeue)
            ))?
            .query_map([&mine], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.with_log("outbox", &ids, |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?2, updated_at = ?1 WHERE state IN ({})
                     AND coalesce(device, ?3) = ?3",
                    from(Step::Requeue)
                ),
                params![now, OutboxState::Queued.as_str(), mine],
            )?)
        })
    }

    /// What is due at `now`: entries to send, and entries too late to send without asking
    /// (moved to `review` here, in one transaction).
    pub fn take_due(&mut self, now: DateTime<Utc>, grace: Duration) -> Result<Due> {
        let now_ms = self.now_millis();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut due = Due::default();
        let mut late = Vec::new();
        let mut awaiting = Vec::new();
        {
            // An account the hub says another device holds too (issue 12) is published by
            // whichever device the hub grants each post to: its posts are taken here whoever
            // scheduled them, and so is one another device holds mid-send (the hub refuses
            // until that device's lease lapses, then this device settles it).
            let shared = format!(
                "a.credential_ref <> '' AND EXISTS (SELECT 1 FROM account_signins s
                 WHERE s.account_key = {})",
                crate::leases::ACCOUNT_KEY_SQL
            );
            let mut stmt = tx.prepare(&format!(
                "SELECT o.id, o.due_at, o.retry_at, o.attempts, o.state IN ({held}) FROM outbox o
                 JOIN accounts a ON a.id = o.account_id
                 WHERE a.paused = 0 AND a.deleted = 0
                 AND ((o.state IN ({claimable}) AND (coalesce(o.device, ?1) = ?1 OR ({shared})))
                      OR (o.state IN ({held}) AND {shared}))
                 ORDER BY o.due_at, o.seq",
                claimable = from(Step::Claim),
                held = from(Step::Requeue),
            ))?;
            let rows = stmt.query_map([&self.device], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    time_col(r, 1)?,
                    opt_time_col(r, 2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            })?;
            for row in rows {
                let (id, due_at, retry_at, attempts, held) = row?;
                if held {
                    // Mid-send on another device (its lease decides): settled here, not sent
                    // afresh; it was approved when it was first claimed.
                    due.send.push(id);
                    continue;
                }
                if !crate::approval::holds(&tx, &id)? {
                    // Awaiting approval: never sent; once its time came, held and told why.
                    match schedule::due(due_at, now, grace) {
                        schedule::Due::Wait(_) => {
                            due.next_at = Some(due.next_at.map_or(due_at, |n| n.min(due_at)));
                        }
                        _ => awaiting.push(id),
                    }
                    continue;
                }
                match schedule::due(due_at, now, grace) {
                    // A post already being retried is not "late": its lateness is the network's.
                    schedule::Due::Review if attempts == 0 => late.push(id),
                    schedule::Due::Wait(_) => {
                        due.next_at = Some(due.next_at.map_or(due_at, |n| n.min(due_at)));
                    }
                    _ => match retry_at {
                        Some(r) if r > now => {
                            due.next_at = Some(due.next_at.map_or(r, |n| n.min(r)));
                        }
                        _ => due.send.push(id),
                    },
                }
            }
        }
        let stamp = timestamp(now);
        let fell_behind = format!(
            "UPDATE outbox SET state = ?3, updated_at = ?2, error = ?4, error_code = ?5,
             error_data = ?6 WHERE id = ?1 AND state IN ({})",
            from(Step::FallBehind)
        );
        let why = Reason::FellBehind {};
        for id in &late {
            let before_row = crate::public::snapshot(&tx, &self.device, "outbox", id)?;
            tx.execute(
                &fell_behind,
                params![
                    id,
                    stamp,
                    OutboxState::Review.as_str(),
                    why.to_string(),
                    why.code().as_str(),
                    why.data_json()
                ],
            )?;
            crate::public::log_since(
                &tx,
                &self.device,
                &mut self.clock,
                now_ms,
                "outbox",
                id,
                before_row,
            )?;
        }
        let held = Reason::AwaitingApproval {};
        for id in &awaiting {
            let before_row = crate::public::snapshot(&tx, &self.device, "outbox", id)?;
            tx.execute(
                "UPDATE outbox SET error = ?2, error_code = ?3, error_data = ?4
                 WHERE id = ?1 AND error_code IS NOT ?3",
                params![id, held.to_string(), held.code().as_str(), held.data_json()],
            )?;
            crate::public::log_since(
                &tx,
                &self.device,
                &mut self.clock,
                now_ms,
                "outbox",
                id,
                before_row,
            )?;
        }
        tx.commit()?;
        for id in late {
            due.to_review.push(self.entry(&id)?);
        }
        Ok(due)
    }

    /// Claims a due entry: `queued → claimed`, with its parts and their keys fixed. Parts that
    /// exist from an earlier attempt are kept as they are (sent ones are never sent again).
    /// `None` when another publisher took it first or it is no longer queued.
    pub fn claim(&mut self, entry_id: &str, parts: &[(String, String)]) -> Result<Option<Entry>> {
        let now = timestamp(self.now());
        let now_ms = self.now_millis();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before_row = crate::public::snapshot(&tx, &self.device, "outbox", entry_id)?;
        // Only an entry whose approval holds (approved, as it is now) is ever claimed.
        if !crate::approval::holds(&tx, entry_id)? {
            return Ok(None);
        }
        let changed = tx.execute(
            &format!(
                "UPDATE outbox SET state = ?3, updated_at = ?2 WHERE id = ?1 AND state IN ({})
                 AND approval = ?4",
                from(Step::Claim)
            ),
            params![
                entry_id,
                now,
                OutboxState::Claimed.as_str(),
                Approval::Approved.as_str()
            ],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        // Approved since it was held: no longer waiting for anyone.
        tx.execute(
            "UPDATE outbox SET error = NULL, error_code = NULL, error_data = NULL
             WHERE id = ?1 AND error_code = ?2",
            params![entry_id, ReasonCode::AwaitingApproval.as_str()],
        )?;
        let have: i64 = tx.query_row(
            "SELECT count(*) FROM outbox_parts WHERE entry_id = ?1",
            [entry_id],
            |r| r.get(0),
        )?;
        if have == 0 {
            for (i, (text, key)) in parts.iter().enumerate() {
                tx.execute(
                    "INSERT INTO outbox_parts (entry_id, idx, text, key, state)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![entry_id, i as u32, text, key, PartState::Pending.as_str()],
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
            before_row,
        )?;
        tx.commit()?;
        self.entry(entry_id).map(Some)
    }

    /// Gives a claimed entry back to the queue untouched (e.g. the keyring is locked).
    pub fn release(
        &mut self,
        entry_id: &str,
        retry_at: DateTime<Utc>,
        reason: &Reason,
    ) -> Result<()> {
        self.requeue(entry_id, retry_at, reason, false)?;
        Ok(())
    }

    /// Back to the queue with why, to try again at `retry_at`; `attempt` counts it as a failed
    /// attempt. Answers how many rows changed (0: the entry's state does not allow it).
    fn requeue(
        &mut self,
        entry_id: &str,
        retry_at: DateTime<Utc>,
        reason: &Reason,
        attempt: bool,
    ) -> Result<usize> {
        let now = timestamp(self.now());
        let attempts = if attempt { "attempts + 1" } else { "attempts" };
        self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?5, attempts = {attempts}, retry_at = ?2, error = ?3,
                     updated_at = ?4, error_code = ?6, error_data = ?7
                     WHERE id = ?1 AND state IN ({})",
                    from(Step::Requeue)
                ),
                params![
                    entry_id,
                    timestamp(retry_at),
                    reason.to_string(),
                    now,
                    OutboxState::Queued.as_str(),
                    reason.code().as_str(),
                    reason.data_json()
                ],
            )?)
        })
    }

    /// A part's request is about to leave: committed first, so a crash from here on is settled
    /// by asking the network.
    pub fn part_sending(&mut self, entry_id: &str, idx: u32) -> Result<()> {
        let now = timestamp(self.now());
        let now_ms = self.now_millis();
        let tx = self.conn.transaction()?;
        let before_row = crate::public::snapshot(&tx, &self.device, "outbox", entry_id)?;
        let changed = tx.execute(
            &format!(
                "UPDATE outbox SET state = ?3, updated_at = ?2 WHERE id = ?1 AND state IN ({})",
                from(Step::SendPart)
            ),
            params![entry_id, now, OutboxState::Sending.as_str()],
        )?;
        if changed == 0 {
            drop(tx);
            return Err(self.step_refused(entry_id, Step::SendPart));
        }
        // A part already sent stays sent (the publisher skips it; this is the rule's word).
        tx.execute(
            &format!(
                "UPDATE outbox_parts SET state = ?4, sending_at = coalesce(sending_at, ?3)
                 WHERE entry_id = ?1 AND idx = ?2 AND state IN ({})",
                part_from(PartState::Sending)
            ),
            params![entry_id, idx, now, PartState::Sending.as_str()],
        )?;
        crate::public::log_since(
            &tx,
            &self.device,
            &mut self.clock,
            now_ms,
            "outbox",
            entry_id,
            before_row,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The container a two-step network (Threads) made for a part that is not out yet, or
    /// `None` to forget one that can no longer be published (it expired): committed before the
    /// publish request leaves.
    pub fn part_container(
        &mut self,
        entry_id: &str,
        idx: u32,
        container: Option<&str>,
    ) -> Result<()> {
        let changed = self.conn.execute(
            &format!(
                "UPDATE outbox_parts SET container = ?3
                 WHERE entry_id = ?1 AND idx = ?2 AND state IN ({})",
                codes([PartState::Pending, PartState::Sending])
            ),
            params![entry_id, idx, container],
        )?;
        if changed == 0 {
            return Err(Error::Invalid(format!(
                "part {} of post {entry_id} is already out or gone; its container was not kept",
                idx + 1
            )));
        }
        Ok(())
    }

    /// A part's request certainly made nothing (no connection; the server refused it): it may
    /// be sent afresh.
    pub fn part_not_sent(&mut self, entry_id: &str, idx: u32) -> Result<()> {
        self.conn.execute(
            &format!(
                "UPDATE outbox_parts SET state = ?3, sending_at = NULL
                 WHERE entry_id = ?1 AND idx = ?2 AND state IN ({})",
                part_from(PartState::Pending)
            ),
            params![entry_id, idx, PartState::Pending.as_str()],
        )?;
        Ok(())
    }

    /// A part is on the network: its id, content id (Bluesky CID) and address.
    pub fn part_sent(
        &mut self,
        entry_id: &str,
        idx: u32,
        remote_id: &str,
        remote_cid: Option<&str>,
        remote_url: &str,
    ) -> Result<()> {
        let now = timestamp(self.now());
        let now_ms = self.now_millis();
        let tx = self.conn.transaction()?;
        let before_row = crate::public::snapshot(&tx, &self.device, "outbox", entry_id)?;
        let changed = tx.execute(
            &format!(
                "UPDATE outbox_parts SET state = ?6, remote_id = ?3, remote_cid = ?4, remote_url = ?5
                 WHERE entry_id = ?1 AND idx = ?2 AND state IN ({})",
                part_from(PartState::Sent)
            ),
            params![
                entry_id,
                idx,
                remote_id,
                remote_cid,
                remote_url,
                PartState::Sent.as_str()
            ],
        )?;
        if changed == 0 {
            // Every request leaves from `sending`, committed first; anything else means the
            // entry was changed under the publisher. Say so loudly rather than lose the id.
            drop(tx);
            tracing::error!(
                entry = entry_id,
                part = idx,
                remote_id,
                "a sent part was not marked sending"
            );
            return Err(Error::Invalid(format!(
                "part {} of post {entry_id} went out as {remote_id} ({remote_url}), but the outbox \
                 did not have it as being sent; check the queue",
                idx + 1
            )));
        }
        if idx == 0 {
            tx.execute(
                "UPDATE outbox SET remote_id = ?2, remote_url = ?3, updated_at = ?4 WHERE id = ?1",
                params![entry_id, remote_id, remote_url, now],
            )?;
        }
        crate::public::log_since(
            &tx,
            &self.device,
            &mut self.clock,
            now_ms,
            "outbox",
            entry_id,
            before_row,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every part is out.
    pub fn entry_sent(&mut self, entry_id: &str) -> Result<Entry> {
        let now = timestamp(self.now());
        let changed = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?3, sent_at = ?2, updated_at = ?2, error = NULL,
                 error_code = NULL, error_data = NULL, retry_at = NULL WHERE id = ?1 AND state IN ({})",
                    from(Step::Finish)
                ),
                params![entry_id, now, OutboxState::Sent.as_str()],
            )?)
        })?;
        if changed == 0 {
            return Err(self.step_refused(entry_id, Step::Finish));
        }
        let entry = self.entry(entry_id)?;
        self.mark_draft_published(&entry.draft_id)?;
        Ok(entry)
    }

    pub(crate) fn draft_sent_everywhere(&mut self, draft_id: &str) -> Result<()> {
        self.mark_draft_published(draft_id)
    }

    fn mark_draft_published(&mut self, draft_id: &str) -> Result<()> {
        let waiting: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE draft_id = ?1 AND state <> ?2",
            params![draft_id, OutboxState::Sent.as_str()],
            |r| r.get(0),
        )?;
        if waiting == 0 && self.draft(draft_id)?.state == DraftState::Scheduled {
            self.update_draft(
                draft_id,
                DraftPatch {
                    state: Some(DraftState::Published),
                    ..DraftPatch::default()
                },
            )?;
        }
        Ok(())
    }

    /// A transient failure: back to the queue, to try again at `retry_at`.
    pub fn entry_retry_later(
        &mut self,
        entry_id: &str,
        retry_at: DateTime<Utc>,
        reason: &Reason,
    ) -> Result<Entry> {
        if self.requeue(entry_id, retry_at, reason, true)? == 0 {
            return Err(self.step_refused(entry_id, Step::Requeue));
        }
        self.entry(entry_id)
    }

    /// A permanent failure (or too many transient ones): stops with the network's reason.
    pub fn entry_failed(&mut self, entry_id: &str, reason: &Reason) -> Result<Entry> {
        self.entry_stopped(entry_id, Step::Fail, reason)
    }

    /// The outcome could not be settled: the user decides.
    pub fn entry_unknown(&mut self, entry_id: &str, reason: &Reason) -> Result<Entry> {
        self.entry_stopped(entry_id, Step::LoseTrack, reason)
    }

    fn entry_stopped(&mut self, entry_id: &str, step: Step, reason: &Reason) -> Result<Entry> {
        // Both stops start from the same states and end in one: the rule names it.
        let Some(state) = step.from_states().into_iter().find_map(|s| s.after(step)) else {
            return Err(self.step_refused(entry_id, step));
        };
        let now = timestamp(self.now());
        let changed = self.with_log("outbox", &[entry_id], |conn| {
            Ok(conn.execute(
                &format!(
                    "UPDATE outbox SET state = ?2, error = ?3, retry_at = NULL, updated_at = ?4,
                 error_code = ?5, error_data = ?6
                 WHERE id = ?1 AND state IN ({})",
                    from(step)
                ),
                params![
                    entry_id,
                    state.as_str(),
                    reason.to_string(),
                    now,
                    reason.code().as_str(),
                    reason.data_json()
                ],
            )?)
        })?;
        if changed == 0 {
            return Err(self.step_refused(entry_id, step));
        }
        self.entry(entry_id)
    }

    /// Why one of the publisher's steps was not made: the entry is no longer where the rule
    /// allows that step from (changed by someone else meanwhile, or gone).
    fn now_millis(&mut self) -> u64 {
        u64::try_from(self.now().timestamp_millis()).unwrap_or(0)
    }

    fn step_refused(&self, entry_id: &str, step: Step) -> Error {
        match self.entry(entry_id) {
            Ok(entry) => Error::Invalid(format!(
                "post {entry_id} is {} now, so the publisher's step {step:?} was not made and \
                 nothing more was sent; it is shown in the queue as it is",
                entry.state
            )),
            Err(e) => e,
        }
    }
}
