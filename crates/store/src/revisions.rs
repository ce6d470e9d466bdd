//! Revision history: what a draft's text was, and bringing it back.
//!
//! Rules (pinned by tests):
//! - Autosaves made while typing coalesce into one revision: an edit joins the newest
//!   revision when that one is an unnamed autosave by the same person in the same session (one
//!   run of the app), last touched less than [`PAUSE_SECONDS`] ago and begun less than
//!   [`BURST_MINUTES`] ago. A pause, reopening Podium or another author starts a new revision.
//! - Restoring a revision is a change like any other: the draft gets the old text and a new
//!   `restored` revision records it, so the text being replaced stays in the history too.
//! - History is bounded: past [`MAX_AUTOSAVES`] unnamed autosaves, the one closest in time to
//!   its successor is dropped (older than the newest 20), so the history thins out evenly
//!   instead of losing its start. Named, created, imported and restored revisions are kept.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use podium_core::clock::Stamp;
use podium_core::diff::{self, Part};
use podium_core::text::check::Network;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::drafts::{Draft, DraftPatch};
use crate::log::{self, Op};
use crate::{parse_time, timestamp, Error, Result, Store};

/// A pause in typing this long starts a new revision.
pub const PAUSE_SECONDS: i64 = 60;
/// One revision covers at most this much continuous typing.
pub const BURST_MINUTES: i64 = 10;
/// Unnamed autosaves kept per draft.
pub const MAX_AUTOSAVES: usize = 100;
/// The newest autosaves are never thinned.
const KEEP_RECENT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionKind {
    Created,
    Autosave,
    Restored,
    Imported,
}

impl RevisionKind {
    fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Created => "created",
            RevisionKind::Autosave => "autosave",
            RevisionKind::Restored => "restored",
            RevisionKind::Imported => "imported",
        }
    }

    fn parse(s: &str) -> Result<RevisionKind> {
        Ok(match s {
            "created" => RevisionKind::Created,
            "autosave" => RevisionKind::Autosave,
            "restored" => RevisionKind::Restored,
            "imported" => RevisionKind::Imported,
            other => return Err(Error::Invalid(format!("unknown revision kind {other:?}"))),
        })
    }
}

/// One version of a draft's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub id: String,
    pub draft_id: String,
    /// 1, 2, 3… per draft (numbers of thinned autosaves are not reused).
    pub number: i64,
    pub text: String,
    #[serde(default)]
    pub variants: BTreeMap<Network, String>,
    pub kind: RevisionKind,
    /// A name the user gave it ("sent to legal"); named revisions are kept for good.
    pub name: Option<String>,
    /// For a `restored` revision: the revision whose text came back.
    pub restored_from: Option<String>,
    pub author: String,
    /// The editing session that wrote it (autosaves coalesce within one session only).
    #[serde(default)]
    pub session: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub rev: i64,
    pub hlc: String,
}

pub(crate) const REVISION_COLUMNS: &str = "id, draft_id, number, text, variants, kind, name, \
     restored_from, author, session, created_at, updated_at, rev, hlc";

/// Why a draft's text changed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cause<'a> {
    Edit,
    Restore(&'a str),
    /// A conflict resolved (team sync): a deliberate replacement of the text, so it starts a
    /// revision of its own and the text it replaces stays in the history.
    Resolve,
}

impl Store {
    /// A draft's revisions, newest first.
    pub fn revisions(&self, draft_id: &str) -> Result<Vec<Revision>> {
        self.draft(draft_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions
             WHERE draft_id = ?1 AND deleted = 0 ORDER BY number DESC, hlc DESC"
        ))?;
        let rows = stmt.query_map([draft_id], read_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn revision(&self, id: &str) -> Result<Revision> {
        get_revision(&self.conn, id)?.ok_or_else(|| Error::NoRevision(id.to_owned()))
    }

    /// What changed from a revision to the draft's current text, word by word.
    pub fn revision_diff(&self, id: &str) -> Result<Vec<Part>> {
        let revision = self.revision(id)?;
        let draft = self.draft(&revision.draft_id)?;
        Ok(diff::words(&revision.text, &draft.text))
    }

    /// Names a revision (or clears its name with an empty one); named revisions are kept.
    pub fn name_revision(&mut self, id: &str, name: &str) -> Result<Revision> {
        let mut revision = self.revision(id)?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = (!name.is_empty()).then_some(name);
        if revision.name == name {
            return Ok(revision);
        }
        let hlc = self.stamp();
        revision.name = name;
        revision.rev += 1;
        revision.hlc = hlc.to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE revisions SET name = ?2, rev = ?3, hlc = ?4 WHERE id = ?1",
            params![id, revision.name, revision.rev, revision.hlc],
        )?;
        let mut fields = Map::new();
        fields.insert("name".into(), json!(revision.name));
        log::record(
            &tx,
            &self.device,
            "revision",
            id,
            Op::Update,
            revision.rev,
            hlc,
            fields,
        )?;
        tx.commit()?;
        Ok(revision)
    }

    /// Gives the draft a revision's text (and variants) back. The draft's current text stays
    /// in the history; the restore is recorded as a new revision.
    pub fn restore_revision(&mut self, id: &str) -> Result<Draft> {
        let revision = self.revision(id)?;
        let patch = DraftPatch {
            text: Some(revision.text),
            variants: Some(revision.variants),
            ..DraftPatch::default()
        };
        self.change_draft(&revision.draft_id, patch, Cause::Restore(id))
    }
}

/// The first revision of a new draft.
pub(crate) fn record_created(
    conn: &Connection,
    who: Writer<'_>,
    draft: &Draft,
    hlc: Stamp,
) -> Result<()> {
    insert(conn, who, draft, hlc, 1, RevisionKind::Created, None)
}

/// The device and editing session a change comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Writer<'a> {
    pub device: &'a str,
    pub session: &'a str,
}

/// Records a text change: joins the current burst of typing or starts a new revision.
pub(crate) fn record_change(
    conn: &Connection,
    who: Writer<'_>,
    draft: &Draft,
    hlc: Stamp,
    cause: Cause<'_>,
) -> Result<()> {
    let latest = conn
        .prepare_cached(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions
             WHERE draft_id = ?1 ORDER BY number DESC, hlc DESC LIMIT 1"
        ))?
        .query_row([&draft.id], read_row)
        .optional()?
        .transpose()?;
    let number = latest.as_ref().map_or(1, |r| r.number + 1);
    if let Cause::Restore(from) = cause {
        return insert(
            conn,
            who,
            draft,
            hlc,
            number,
            RevisionKind::Restored,
            Some(from),
        );
    }
    let deliberate = matches!(cause, Cause::Resolve);
    if let Some(latest) = latest.filter(|r| !deliberate && joins_burst(r, draft, who.session)) {
        let rev = latest.rev + 1;
        conn.execute(
            "UPDATE revisions SET text = ?2, variants = ?3, updated_at = ?4, rev = ?5, hlc = ?6
             WHERE id = ?1",
            params![
                latest.id,
                draft.text,
                serde_json::to_string(&draft.variants)?,
                timestamp(draft.updated_at),
                rev,
                hlc.to_string()
            ],
        )?;
        let mut fields = Map::new();
        fields.insert("text".into(), json!(draft.text));
        fields.insert("variants".into(), serde_json::to_value(&draft.variants)?);
        fields.insert("updated_at".into(), json!(timestamp(draft.updated_at)));
        return log::record(
            conn,
            who.device,
            "revision",
            &latest.id,
            Op::Update,
            rev,
            hlc,
            fields,
        );
    }
    insert(conn, who, draft, hlc, number, RevisionKind::Autosave, None)?;
    thin(conn, who.device, &draft.id, hlc)
}

fn joins_burst(latest: &Revision, draft: &Draft, session: &str) -> bool {
    latest.kind == RevisionKind::Autosave
        && latest.name.is_none()
        && latest.author == draft.updated_by
        && latest.session == session
        && (draft.updated_at - latest.updated_at).num_seconds() < PAUSE_SECONDS
        && (draft.updated_at - latest.created_at).num_minutes() < BURST_MINUTES
}

fn insert(
    conn: &Connection,
    who: Writer<'_>,
    draft: &Draft,
    hlc: Stamp,
    number: i64,
    kind: RevisionKind,
    restored_from: Option<&str>,
) -> Result<()> {
    let revision = Revision {
        id: uuid::Uuid::now_v7().to_string(),
        draft_id: draft.id.clone(),
        number,
        text: draft.text.clone(),
        variants: draft.variants.clone(),
        kind,
        name: None,
        restored_from: restored_from.map(str::to_owned),
        author: draft.updated_by.clone(),
        session: who.session.to_owned(),
        created_at: draft.updated_at,
        updated_at: draft.updated_at,
        rev: 1,
        hlc: hlc.to_string(),
    };
    insert_revision(conn, &revision)?;
    let fields = revision_fields(&revision)?;
    log::record(
        conn,
        who.device,
        "revision",
        &revision.id,
        Op::Insert,
        1,
        hlc,
        fields,
    )
}

/// All of a revision's synced fields, for the change log's insert rows (id, rev and stamp are
/// columns of the log row itself).
pub(crate) fn revision_fields(r: &Revision) -> Result<Map<String, Value>> {
    match serde_json::to_value(r)? {
        Value::Object(mut map) => {
            map.remove("id");
            map.remove("rev");
            map.remove("hlc");
            Ok(map)
        }
        _ => Ok(Map::new()),
    }
}

pub(crate) fn insert_revision(conn: &Connection, r: &Revision) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO revisions ({REVISION_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ),
        params![
            r.id,
            r.draft_id,
            r.number,
            r.text,
            serde_json::to_string(&r.variants)?,
            r.kind.as_str(),
            r.name,
            r.restored_from,
            r.author,
            r.session,
            timestamp(r.created_at),
            timestamp(r.updated_at),
            r.rev,
            r.hlc,
        ],
    )?;
    Ok(())
}

/// Drops autosaves beyond [`MAX_AUTOSAVES`], evenly (see the module comment).
fn thin(conn: &Connection, device: &str, draft_id: &str, hlc: Stamp) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at FROM revisions
         WHERE draft_id = ?1 AND kind = 'autosave' AND name IS NULL AND deleted = 0
         ORDER BY number",
    )?;
    let mut rows: Vec<(String, DateTime<Utc>)> = Vec::new();
    for row in stmt.query_map([draft_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (id, at) = row?;
        rows.push((id, parse_time(&at)?));
    }
    while rows.len() > MAX_AUTOSAVES {
        let candidates = rows.len() - KEEP_RECENT;
        let Some(victim) = (0..candidates).min_by_key(|&i| rows[i + 1].1 - rows[i].1) else {
            break;
        };
        let (id, _) = rows.remove(victim);
        conn.execute("DELETE FROM revisions WHERE id = ?1", [&id])?;
        log::record(
            conn,
            device,
            "revision",
            &id,
            Op::Delete,
            0,
            hlc,
            Map::new(),
        )?;
    }
    Ok(())
}

pub(crate) fn get_revision(conn: &Connection, id: &str) -> Result<Option<Revision>> {
    conn.prepare_cached(&format!(
        "SELECT {REVISION_COLUMNS} FROM revisions WHERE id = ?1 AND deleted = 0"
    ))?
    .query_row([id], read_row)
    .optional()?
    .transpose()
}

pub(crate) fn read_row(r: &Row<'_>) -> rusqlite::Result<Result<Revision>> {
    let raw = (
        r.get::<_, String>(0)?,
        r.get::<_, String>(1)?,
        r.get::<_, i64>(2)?,
        r.get::<_, String>(3)?,
        r.get::<_, String>(4)?,
        r.get::<_, String>(5)?,
        r.get::<_, Option<String>>(6)?,
        r.get::<_, Option<String>>(7)?,
        r.get::<_, String>(8)?,
        r.get::<_, String>(9)?,
        r.get::<_, String>(10)?,
        r.get::<_, String>(11)?,
        r.get::<_, i64>(12)?,
        r.get::<_, String>(13)?,
    );
    let (
        id,
        draft_id,
        number,
        text,
        variants,
        kind,
        name,
        from,
        author,
        session,
        created,
        updated,
        rev,
        hlc,
    ) = raw;
    Ok((|| {
        Ok(Revision {
            id,
            draft_id,
            number,
            text,
            variants: serde_json::from_str(&variants)?,
            kind: RevisionKind::parse(&kind)?,
            name,
            restored_from: from,
            author,
            session,
            created_at: parse_time(&created)?,
            updated_at: parse_time(&updated)?,
            rev,
            hlc,
        })
    })())
}
