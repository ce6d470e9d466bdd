//! Approval of scheduled posts and comments on drafts (issue 12), on this database.
//!
//! The rules are `podium_core::approval`'s: who may decide ([`may_decide`]), what a new entry
//! starts as, and when an approval no longer holds (the content's fingerprint changed). This
//! module keeps the columns (`outbox.approval`, `approved_fp`, `approved_by`, `approval_note`,
//! `approval_at`, `scheduled_by`; `accounts.owner`, `owner_role`; the `comments` table) and
//! logs every write through `with_log`, so the team's other devices and the hub see it. The hub
//! checks the same rules on every pushed change; asking them here first lets the person hear
//! why at once.
//!
//! With no team (a single laptop) nothing changes from before approval existed: every entry is
//! approved and no name is written.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use podium_core::approval::{self, Approval, Content, Person};
use podium_core::network::Network;
use podium_core::outbox::OutboxState;
use podium_core::reason::{Reason, ReasonCode};
use podium_core::sync::Role;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::columns::time_col;
use crate::{timestamp, Entry, Error, Result, Store};

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// What `approval_news` last saw: a line per entry (its id, approval and the approval's time).
const NEWS_SEEN: &str = "approval.news_seen";

/// A comment on a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: String,
    pub draft_id: String,
    /// The member's name (`None`: written before the team existed here).
    pub author: Option<String>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// Written by this device's member.
    pub mine: bool,
}

/// What changed about approvals since the last look (for desktop notifications).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApprovalNews {
    /// Entries newly awaiting approval that this member may approve.
    pub awaiting: Vec<Entry>,
    /// Entries this member scheduled that were approved or sent back since.
    pub decided: Vec<Entry>,
}

/// The fingerprint of what an entry would publish (see `podium_core::approval::fingerprint`),
/// from the draft's stored columns: `content` with the main text, which becomes `network`'s
/// (its version in `variants_json`, else the main text).
pub(crate) fn content_fp(variants_json: &str, network: Network, content: Content<'_>) -> String {
    let variants: BTreeMap<Network, String> =
        serde_json::from_str(variants_json).unwrap_or_default();
    approval::fingerprint(&Content {
        text: podium_core::draft::text_for(content.text, &variants, network),
        ..content
    })
}

/// SQL for an entry's media part (`podium_core::approval::media`) from `d`, the draft, as one
/// column: each image as `sha256 N alt` (N: the alt text's length) in order, then `no card`
/// when the card is dropped.
pub(crate) const MEDIA_SQL: &str = "(SELECT coalesce(group_concat(sha256 || ' ' || length(alt) \
    || ' ' || alt || char(10), '' ORDER BY position, id), '') FROM attachments \
    WHERE draft_id = d.id) || CASE WHEN d.link_card THEN '' ELSE 'no card' || char(10) END";

/// The SQL that reads an entry's content for [`content_fp`] (bound to `?1`, the entry's id):
/// text, variants, network, thread, content warning, visibility, account id, media.
fn content_sql() -> String {
    format!(
        "SELECT d.text, d.variants, a.network, d.thread, d.content_warning, d.visibility, \
         o.account_id, {MEDIA_SQL} FROM outbox o JOIN drafts d ON d.id = o.draft_id \
         JOIN accounts a ON a.id = o.account_id WHERE o.id = ?1"
    )
}

pub(crate) fn entry_fp(conn: &rusqlite::Connection, entry_id: &str) -> Result<Option<String>> {
    let row = conn
        .prepare_cached(&content_sql())?
        .query_row([entry_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                crate::columns::code_col::<Network>(r, 2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?;
    Ok(row.map(
        |(text, variants, network, thread, cw, vis, account, media)| {
            content_fp(
                &variants,
                network,
                Content {
                    text: &text,
                    thread,
                    content_warning: &cw,
                    visibility: vis.as_deref(),
                    account_id: &account,
                    media: &media,
                },
            )
        },
    ))
}

/// Whether an entry's approval holds now (approved, and its content as approved).
pub(crate) fn holds(conn: &rusqlite::Connection, entry_id: &str) -> Result<bool> {
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT approval, approved_fp FROM outbox WHERE id = ?1",
            [entry_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((stored, approved)) = row else {
        return Ok(false);
    };
    let stored: Approval = stored.parse().unwrap_or(Approval::Awaiting);
    let now = entry_fp(conn, entry_id)?.unwrap_or_default();
    Ok(approval::effective(stored, approved.as_deref(), &now) == Approval::Approved)
}

fn role_of(s: Option<String>) -> Option<Role> {
    s.and_then(|s| s.parse().ok())
}

impl Store {
    /// This device's member in its team (`None`: no team).
    pub(crate) fn member(&self) -> Result<Option<(String, Role)>> {
        Ok(self.sync_identity()?.map(|i| (i.member_name, i.role)))
    }

    /// Who owns an account (`None`: connected before the team existed here).
    fn owner(&self, account_id: &str) -> Result<Option<(String, Role)>> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT owner, owner_role FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((Some(name), role)) => role_of(role).map(|role| (name, role)),
            _ => None,
        })
    }

    /// Whether this device's member may approve (or request changes on) posts on `account_id`.
    pub fn may_decide_on(&self, account_id: &str) -> Result<std::result::Result<(), Reason>> {
        let me = self.member()?;
        let owner = self.owner(account_id)?;
        Ok(approval::may_decide(
            me.as_ref().map(|(name, role)| Person { name, role: *role }),
            owner
                .as_ref()
                .map(|(name, role)| Person { name, role: *role }),
        ))
    }

    /// The approval a new entry on `account_id` starts with, and who scheduled it.
    pub(crate) fn approval_on_schedule(
        &self,
        account_id: &str,
    ) -> Result<(Approval, Option<String>)> {
        let me = self.member()?;
        let approval = match self.may_decide_on(account_id)? {
            Ok(()) => Approval::Approved,
            Err(_) => Approval::Awaiting,
        };
        Ok((approval, me.map(|(name, _)| name)))
    }

    /// Fills in what this member may do with each entry (`may_approve`).
    pub(crate) fn decorate(&self, entries: &mut [Entry]) -> Result<()> {
        let mut by_account: BTreeMap<String, bool> = BTreeMap::new();
        for e in entries.iter_mut() {
            let may = match by_account.get(&e.account_id) {
                Some(may) => *may,
                None => {
                    let may = self.may_decide_on(&e.account_id)?.is_ok();
                    by_account.insert(e.account_id.clone(), may);
                    may
                }
            };
            e.may_approve = may && e.state != OutboxState::Sent;
        }
        Ok(())
    }

    fn decide(&mut self, entry_id: &str) -> Result<(Entry, Option<String>)> {
        let entry = self.entry(entry_id)?;
        if let Err(why) = self.may_decide_on(&entry.account_id)? {
            return Err(Error::NotAllowed(why));
        }
        if entry.state == OutboxState::Sent {
            return Err(Error::Invalid(
                "this post has already been published; there is nothing to approve".into(),
            ));
        }
        Ok((entry, self.member()?.map(|(name, _)| name)))
    }

    /// An executive approves an entry (as it is now: its content's fingerprint is kept). A
    /// post held late while awaiting approval goes out at the next publisher run if it is still
    /// within the grace window, else it waits for the user like any late post.
    pub fn approve(&mut self, entry_id: &str) -> Result<Entry> {
        let (_, me) = self.decide(entry_id)?;
        let now = timestamp(self.now());
        let team = me.is_some();
        self.with_log("outbox", &[entry_id], |conn| {
            let fp = if team {
                entry_fp(conn, entry_id)?
            } else {
                None
            };
            conn.execute(
                "UPDATE outbox SET approval = ?2, approved_fp = ?3, approved_by = ?4,
                 approval_note = NULL, approval_at = ?5, updated_at = ?5 WHERE id = ?1",
                params![entry_id, Approval::Approved.as_str(), fp, me, now],
            )?;
            conn.execute(
                "UPDATE outbox SET error = NULL, error_code = NULL, error_data = NULL
                 WHERE id = ?1 AND error_code = ?2",
                params![entry_id, ReasonCode::AwaitingApproval.as_str()],
            )?;
            Ok(())
        })?;
        self.entry(entry_id)
    }

    /// An executive sends an entry back with a comment (added to its draft's thread too).
    pub fn request_changes(&mut self, entry_id: &str, comment: &str) -> Result<Entry> {
        let comment = clean_comment(comment)?;
        let (entry, me) = self.decide(entry_id)?;
        self.add_comment(&entry.draft_id, &comment)?;
        let now = timestamp(self.now());
        self.with_log("outbox", &[entry_id], |conn| {
            conn.execute(
                "UPDATE outbox SET approval = ?2, approved_by = ?3, approval_note = ?4,
                 approval_at = ?5, updated_at = ?5 WHERE id = ?1",
                params![
                    entry_id,
                    Approval::ChangesRequested.as_str(),
                    me,
                    comment,
                    now
                ],
            )?;
            Ok(())
        })?;
        self.entry(entry_id)
    }

    /// Entries not yet sent whose approval does not hold, oldest first (since when they wait,
    /// then their time): the executive's *Needs you*.
    pub fn awaiting(&self) -> Result<Vec<Entry>> {
        let mut entries: Vec<Entry> = self
            .queue()?
            .into_iter()
            .filter(|e| e.approval == Approval::Awaiting && e.state != OutboxState::Sent)
            .collect();
        entries.sort_by(|a, b| {
            (a.approval_at.unwrap_or(a.created_at), a.due_at)
                .cmp(&(b.approval_at.unwrap_or(b.created_at), b.due_at))
        });
        Ok(entries)
    }

    /// Adds a comment to a draft, in this member's name.
    pub fn add_comment(&mut self, draft_id: &str, text: &str) -> Result<Comment> {
        let text = clean_comment(text)?;
        self.draft(draft_id)?;
        let id = uuid::Uuid::now_v7().to_string();
        let author = self.member()?.map(|(name, _)| name);
        let now = timestamp(self.now());
        self.with_log("comment", &[&id], |conn| {
            conn.execute(
                "INSERT INTO comments (id, draft_id, author, text, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, draft_id, author, text, now],
            )?;
            Ok(())
        })?;
        self.comments(draft_id)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::Invalid("the comment was not saved".into()))
    }

    /// A draft's comments, oldest first.
    pub fn comments(&self, draft_id: &str) -> Result<Vec<Comment>> {
        let me = self.member()?.map(|(name, _)| name);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, draft_id, author, text, created_at FROM comments
             WHERE draft_id = ?1 AND deleted = 0 ORDER BY created_at, seq",
        )?;
        let rows = stmt
            .query_map([draft_id], |r| {
                let author: Option<String> = r.get(2)?;
                Ok(Comment {
                    id: r.get(0)?,
                    draft_id: r.get(1)?,
                    mine: author == me,
                    author,
                    text: r.get(3)?,
                    created_at: time_col(r, 4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// What changed about approvals since the last call: for an executive, entries newly
    /// awaiting that they may approve; for the member who scheduled an entry, that it was
    /// approved or sent back. The first call remembers what is there and answers nothing.
    ///
    /// What was told is remembered by each entry's approval and its time, not by this device's
    /// clock: a decision made on another device earlier than the last look, and synced in only
    /// after it, is still news.
    pub fn approval_news(&mut self) -> Result<ApprovalNews> {
        let seen: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [NEWS_SEEN], |r| {
                r.get(0)
            })
            .optional()?;
        let mut now = Vec::new();
        let mut keys = Vec::new();
        for e in self.queue()? {
            let Some(at) = e.approval_at else { continue };
            if e.state == OutboxState::Sent {
                continue;
            }
            keys.push(format!("{}|{:?}|{}", e.id, e.approval, timestamp(at)));
            now.push(e);
        }
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![NEWS_SEEN, keys.join("\n")],
        )?;
        let (Some(seen), Some((me, _))) = (seen, self.member()?) else {
            return Ok(ApprovalNews::default());
        };
        let seen: std::collections::HashSet<&str> = seen.lines().collect();
        let mut news = ApprovalNews::default();
        for (e, key) in now.into_iter().zip(&keys) {
            if seen.contains(key.as_str()) {
                continue;
            }
            if e.approval == Approval::Awaiting && e.may_approve {
                news.awaiting.push(e);
            } else if e.approval != Approval::Awaiting
                && e.scheduled_by.as_deref() == Some(me.as_str())
                && e.approved_by.as_deref() != Some(me.as_str())
            {
                news.decided.push(e);
            }
        }
        Ok(news)
    }

    /// After an edit of what a draft would publish: an executive's own edit keeps their
    /// approval (it is given to the new content); anyone else's sends the draft's entries whose
    /// content it changed (and those sent back for changes) back to awaiting approval. Nothing
    /// with no team.
    pub(crate) fn after_content_edit(&mut self, draft_id: &str) -> Result<()> {
        if self.member()?.is_none() {
            return Ok(());
        }
        let now = timestamp(self.now());
        for entry in self.entries_of_draft(draft_id)? {
            if entry.state == OutboxState::Sent {
                continue;
            }
            let (stored, approved_fp): (String, Option<String>) = self.conn.query_row(
                "SELECT approval, approved_fp FROM outbox WHERE id = ?1",
                [&entry.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let stored: Approval = stored.parse().unwrap_or(Approval::Awaiting);
            // An edit of another network's version leaves this entry's approval as it was.
            let untouched = stored == Approval::Approved
                && approved_fp.is_some()
                && entry.approval == Approval::Approved;
            let mine = self.may_decide_on(&entry.account_id)?.is_ok();
            let id = entry.id.as_str();
            match (stored, mine) {
                (Approval::Approved, true) => self.with_log("outbox", &[id], |conn| {
                    let fp = entry_fp(conn, id)?;
                    conn.execute(
                        "UPDATE outbox SET approved_fp = ?2 WHERE id = ?1 AND approved_fp IS NOT ?2",
                        params![id, fp],
                    )?;
                    Ok(())
                })?,
                (Approval::Approved, false) if untouched => {}
                (Approval::Approved | Approval::ChangesRequested, false) => {
                    self.with_log("outbox", &[id], |conn| {
                        conn.execute(
                            "UPDATE outbox SET approval = ?2, approval_at = ?3 WHERE id = ?1",
                            params![id, Approval::Awaiting.as_str(), now],
                        )?;
                        Ok(())
                    })?
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn clean_comment(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Invalid("a comment needs some words".into()));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(Error::Invalid(format!(
            "a comment is at most {MAX_COMMENT_CHARS} characters; shorten it"
        )));
    }
    Ok(text.to_owned())
}
