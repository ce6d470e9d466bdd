//! Drafts: create, read, change, tombstone, list.
//!
//! Every change is one transaction holding the row, its search-index entry, the revision it
//! feeds (for text changes) and its change-log row.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use podium_core::draft::{normalise_goal, normalise_tags, title, DraftState, Visibility};
use podium_core::network::Network;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use unicode_normalization::UnicodeNormalization;

use crate::log::{self, Op};
use crate::revisions::{self, Cause, Writer};
use crate::{parse_time, timestamp, Error, Result, Store};

/// A draft as the editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub text: String,
    /// Per-network versions of the text, where the leader wrote one.
    #[serde(default)]
    pub variants: BTreeMap<Network, String>,
    /// The networks the draft is meant for.
    #[serde(default)]
    pub networks: Vec<Network>,
    /// The post's language (BCP 47, e.g. `nb`, `en`): Bluesky's `langs`, the checks' words.
    pub lang: String,
    pub goal: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub state: DraftState,
    /// Shown and published as a thread of numbered posts.
    #[serde(default)]
    pub thread: bool,
    /// Mastodon's content warning (`spoiler_text`): shown in place of the text until opened;
    /// empty for none. Counted with the text by the checks.
    #[serde(default)]
    pub content_warning: String,
    /// Who sees it on Mastodon; `None`: the account's default.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Whether a post with a link and no image carries the link's card where Podium builds it
    /// (Bluesky, LinkedIn); `false` when the user dropped the card.
    #[serde(default = "yes")]
    pub link_card: bool,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub rev: i64,
    pub hlc: String,
    #[serde(default)]
    pub deleted: bool,
    /// For a conflict copy: the id of the draft it conflicts with (team sync).
    #[serde(default)]
    pub conflict_of: Option<String>,
    /// For a conflict copy: `edited` (both texts changed the same place) or `deleted` (the
    /// original was deleted on another device while this text was edited).
    #[serde(default)]
    pub conflict_reason: Option<String>,
}

/// What a new draft starts with; everything but the text has a default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewDraft {
    pub text: String,
    pub variants: BTreeMap<Network, String>,
    pub networks: Vec<Network>,
    pub lang: Option<String>,
    pub goal: Option<String>,
    pub tags: Vec<String>,
    pub state: Option<DraftState>,
    pub thread: bool,
    pub content_warning: String,
    pub visibility: Option<Visibility>,
    /// `None` (the default): the link's card is made.
    pub link_card: Option<bool>,
}

/// A change to a draft: the fields that are `Some` change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftPatch {
    pub text: Option<String>,
    pub variants: Option<BTreeMap<Network, String>>,
    pub networks: Option<Vec<Network>>,
    pub lang: Option<String>,
    /// `Some(None)` clears the goal.
    #[serde(with = "double_option")]
    pub goal: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub state: Option<DraftState>,
    pub thread: Option<bool>,
    /// The text change is a one-click fix (a note's button): it becomes a revision of its own,
    /// after the one holding the text before it.
    pub fix: bool,
    /// `Some("")` removes the content warning.
    pub content_warning: Option<String>,
    /// `Some(None)`: the account's default again.
    #[serde(with = "double_option")]
    pub visibility: Option<Option<Visibility>>,
    /// `Some(false)` drops the link's card, `Some(true)` brings it back.
    pub link_card: Option<bool>,
}

/// A draft as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftSummary {
    pub id: String,
    pub title: String,
    /// The whole text (the CLI prints it; the app sends its list only the title and an
    /// excerpt).
    pub text: String,
    pub state: DraftState,
    pub goal: Option<String>,
    pub tags: Vec<String>,
    pub networks: Vec<Network>,
    pub updated_at: DateTime<Utc>,
    /// For a conflict copy: the id of the draft it conflicts with (`null` otherwise).
    pub conflict_of: Option<String>,
}

/// Which drafts a list or search shows. Archived and deleted drafts are left out unless the
/// filter asks for the archived state, or for the bin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub query: Option<String>,
    pub state: Option<DraftState>,
    pub goal: Option<String>,
    pub tag: Option<String>,
    pub limit: Option<usize>,
    /// The bin: drafts moved there (and not emptied), newest move first; a query matches the
    /// text's words by their start, as the search does.
    pub bin: bool,
}

/// How long a draft's title in lists is, at most (about).
pub const TITLE_CHARS: usize = 80;

pub(crate) const DRAFT_COLUMNS: &str = "id, text, variants, networks, lang, goal, tags, state, \
     thread, created_by, updated_by, created_at, updated_at, rev, hlc, deleted, conflict_of, \
     conflict_reason, content_warning, visibility, link_card";

impl Store {
    /// Creates a draft; its text becomes the first revision.
    pub fn create_draft(&mut self, new: NewDraft) -> Result<Draft> {
        let now = self.now();
        let hlc = self.stamp();
        let draft = Draft {
            id: uuid::Uuid::now_v7().to_string(),
            text: new.text,
            variants: clean_variants(new.variants),
            networks: dedup(new.networks),
            lang: clean_lang(new.lang.as_deref())?,
            goal: new.goal.as_deref().and_then(normalise_goal),
            tags: normalise_tags(&new.tags),
            state: new.state.unwrap_or_default(),
            thread: new.thread,
            content_warning: clean_warning(&new.content_warning),
            visibility: new.visibility,
            link_card: new.link_card.unwrap_or(true),
            created_by: self.author.clone(),
            updated_by: self.author.clone(),
            created_at: now,
            updated_at: now,
            rev: 1,
            hlc: hlc.to_string(),
            deleted: false,
            conflict_of: None,
            conflict_reason: None,
        };
        let tx = self.conn.transaction()?;
        insert_draft(&tx, &draft)?;
        log::record(
            &tx,
            &self.device,
            "draft",
            &draft.id,
            Op::Insert,
            1,
            hlc,
            draft_fields(&draft)?,
        )?;
        let who = Writer {
            device: &self.device,
            session: &self.session,
        };
        revisions::record_created(&tx, who, &draft, hlc)?;
        tx.commit()?;
        Ok(draft)
    }

    /// One draft (also a deleted one: it can be brought back).
    pub fn draft(&self, id: &str) -> Result<Draft> {
        get_draft(&self.conn, id)?.ok_or_else(|| Error::NoDraft(id.to_owned()))
    }

    /// Changes a draft. Text changes feed the revision history (coalesced while typing);
    /// a patch that changes nothing writes nothing.
    pub fn update_draft(&mut self, id: &str, patch: DraftPatch) -> Result<Draft> {
        let cause = if patch.fix { Cause::Fix } else { Cause::Edit };
        self.change_draft(id, patch, cause)
    }

    pub(crate) fn change_draft(
        &mut self,
        id: &str,
        patch: DraftPatch,
        cause: Cause<'_>,
    ) -> Result<Draft> {
        let before = self.draft(id)?;
        if before.deleted {
            return Err(Error::Invalid(format!(
                "the draft {id} is in the bin: restore it before changing it"
            )));
        }
        let mut after = before.clone();
        if let Some(text) = patch.text {
            after.text = text;
        }
        if let Some(variants) = patch.variants {
            after.variants = clean_variants(variants);
        }
        if let Some(networks) = patch.networks {
            after.networks = dedup(networks);
        }
        if let Some(lang) = patch.lang {
            after.lang = clean_lang(Some(&lang))?;
        }
        if let Some(goal) = patch.goal {
            after.goal = goal.as_deref().and_then(normalise_goal);
        }
        if let Some(tags) = patch.tags {
            after.tags = normalise_tags(&tags);
        }
        if let Some(state) = patch.state {
            after.state = state;
        }
        if let Some(thread) = patch.thread {
            after.thread = thread;
        }
        if let Some(warning) = patch.content_warning {
            after.content_warning = clean_warning(&warning);
        }
        if let Some(visibility) = patch.visibility {
            after.visibility = visibility;
        }
        if let Some(card) = patch.link_card {
            after.link_card = card;
        }
        let mut fields = changed_fields(&before, &after)?;
        if fields.is_empty() {
            return Ok(before);
        }
        // What decides whether its queued posts still fit their networks.
        let fits_differently = ["text", "variants", "thread", "lang"]
            .iter()
            .any(|f| fields.contains_key(*f));
        // What an approval is given to (`podium_core::approval::Content`).
        let content_changed = [
            "text",
            "variants",
            "thread",
            "content_warning",
            "visibility",
            "link_card",
        ]
        .iter()
        .any(|f| fields.contains_key(*f));
        let now = self.now();
        let hlc = self.stamp();
        after.updated_at = now;
        after.updated_by = self.author.clone();
        after.rev = before.rev + 1;
        after.hlc = hlc.to_string();
        fields.insert("updated_at".into(), json!(timestamp(now)));
        fields.insert("updated_by".into(), json!(after.updated_by));

        let tx = self.conn.transaction()?;
        write_draft(&tx, &after)?;
        if fields.contains_key("text") || fields.contains_key("tags") || fields.contains_key("goal")
        {
            index(&tx, &after)?;
        }
        if fields.contains_key("text") || fields.contains_key("variants") {
            let who = Writer {
                device: &self.device,
                session: &self.session,
            };
            let closed = self.closed_revision.as_deref();
            let made = revisions::record_change(&tx, who, &after, hlc, cause, closed)?;
            if made.is_some() {
                self.closed_revision = made;
            }
        }
        log::record(
            &tx,
            &self.device,
            "draft",
            id,
            Op::Update,
            after.rev,
            hlc,
            fields,
        )?;
        tx.commit()?;
        if fits_differently {
            self.recheck_fit(id)?;
        }
        if content_changed {
            self.after_content_edit(id)?;
        }
        Ok(after)
    }

    /// Moves a draft to the bin (a tombstone: it syncs as deleted and can be brought back).
    pub fn delete_draft(&mut self, id: &str) -> Result<()> {
        self.set_deleted(id, true)
    }

    /// Brings a draft back from the bin.
    pub fn undelete_draft(&mut self, id: &str) -> Result<Draft> {
        self.set_deleted(id, false)?;
        self.draft(id)
    }

    fn set_deleted(&mut self, id: &str, deleted: bool) -> Result<()> {
        let mut draft = self.draft(id)?;
        if draft.deleted == deleted {
            return Ok(());
        }
        let now = self.now();
        let hlc = self.stamp();
        draft.deleted = deleted;
        draft.rev += 1;
        draft.hlc = hlc.to_string();
        draft.updated_at = now;
        draft.updated_by = self.author.clone();
        let tx = self.conn.transaction()?;
        write_draft(&tx, &draft)?;
        if deleted {
            unindex(&tx, id)?;
        } else {
            index(&tx, &draft)?;
        }
        let mut fields = Map::new();
        fields.insert("deleted".into(), json!(deleted));
        fields.insert("updated_at".into(), json!(timestamp(now)));
        fields.insert("updated_by".into(), json!(draft.updated_by));
        let op = if deleted { Op::Delete } else { Op::Update };
        log::record(&tx, &self.device, "draft", id, op, draft.rev, hlc, fields)?;
        tx.commit()?;
        Ok(())
    }

    /// Drafts, newest change first; with a query, ranked by search relevance.
    pub fn list_drafts(&self, filter: &Filter) -> Result<Vec<DraftSummary>> {
        if filter.bin {
            return self.bin(filter);
        }
        if let Some(query) = filter.query.as_deref().filter(|q| !q.trim().is_empty()) {
            return self.search(query, filter);
        }
        let (conditions, values) = filter_sql(filter);
        let sql = format!(
            "SELECT id, text, state, goal, tags, networks, updated_at, conflict_of
             FROM drafts d WHERE {conditions} ORDER BY updated_at DESC, seq DESC LIMIT ?{}",
            values.len() + 1
        );
        query_summaries(&self.conn, &sql, values, filter.limit)
    }

    /// The drafts in the bin, newest move first. The bin is not in the search index (a deleted
    /// draft is never a search hit), so a query here is a plain scan of the bin's few drafts:
    /// every word must start a word of the text (in any letter case).
    fn bin(&self, filter: &Filter) -> Result<Vec<DraftSummary>> {
        let sql = "SELECT id, text, state, goal, tags, networks, updated_at, conflict_of
             FROM drafts d WHERE d.deleted = 1 AND d.text <> ''
             ORDER BY updated_at DESC, seq DESC LIMIT ?1";
        let found = query_summaries(&self.conn, sql, Vec::new(), None)?;
        let query = filter.query.as_deref().unwrap_or_default().to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        let hit = |text: &str| {
            let text = text.to_lowercase();
            let starts: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            words.iter().all(|q| {
                let q = q.trim_start_matches('#');
                starts.iter().any(|w| w.starts_with(q))
            })
        };
        Ok(found
            .into_iter()
            .filter(|d| words.is_empty() || hit(&d.text))
            .take(filter.limit.unwrap_or(usize::MAX))
            .collect())
    }

    /// How many drafts are in the bin.
    pub fn bin_size(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM drafts WHERE deleted = 1 AND text <> ''",
            [],
            |r| r.get(0),
        )?)
    }

    /// Empties the bin: the drafts in it lose their text, versions, tags and history for good.
    /// Each stays a tombstone (so another device learns it was deleted), with nothing left in
    /// it to restore. Answers how many were emptied.
    pub fn empty_bin(&mut self) -> Result<usize> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM drafts WHERE deleted = 1
                     AND (text <> '' OR content_warning <> '')",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let now = self.now();
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let stamps: Vec<_> = ids.iter().map(|_| self.stamp()).collect();
        let tx = self.conn.transaction()?;
        crate::media::drop_for_drafts(&tx, (&self.device, &mut self.clock, now_ms), &ids)?;
        for (id, hlc) in ids.iter().zip(stamps) {
            let Some(mut draft) = get_draft(&tx, id)? else {
                continue;
            };
            draft.text = String::new();
            draft.variants = BTreeMap::new();
            draft.tags = Vec::new();
            draft.goal = None;
            draft.content_warning = String::new();
            draft.rev += 1;
            draft.hlc = hlc.to_string();
            draft.updated_at = now;
            draft.updated_by = self.author.clone();
            write_draft(&tx, &draft)?;
            let mut fields = Map::new();
            for (key, value) in [
                ("text", json!("")),
                ("variants", json!({})),
                ("tags", json!([])),
                ("goal", Value::Null),
                ("content_warning", json!("")),
                ("updated_at", json!(timestamp(now))),
            ] {
                fields.insert(key.into(), value);
            }
            log::record(
                &tx,
                &self.device,
                "draft",
                id,
                Op::Update,
                draft.rev,
                hlc,
                fields,
            )?;
            let revisions: Vec<String> = {
                let mut stmt = tx.prepare_cached("SELECT id FROM revisions WHERE draft_id = ?1")?;
                let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for revision in revisions {
                tx.execute("DELETE FROM revisions WHERE id = ?1", [&revision])?;
                log::record(
                    &tx,
                    &self.device,
                    "revision",
                    &revision,
                    Op::Delete,
                    0,
                    hlc,
                    Map::new(),
                )?;
            }
        }
        tx.commit()?;
        // Their images' files go now, unless a kept backup still names them.
        self.collect_media()?;
        Ok(ids.len())
    }

    /// Every tag in use, with how many drafts carry it, most used first.
    pub fn tags(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.value, count(*) FROM drafts d, json_each(d.tags) t
             WHERE d.deleted = 0 GROUP BY t.value ORDER BY count(*) DESC, t.value",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many drafts are in each state (for the list's filter).
    pub fn count_by_state(&self) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM drafts WHERE deleted = 0 GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The WHERE clause for a filter and its values (numbered ?1…).
pub(crate) fn filter_sql(filter: &Filter) -> (String, Vec<Value>) {
    let mut conditions = vec!["d.deleted = 0".to_owned()];
    let mut values: Vec<Value> = Vec::new();
    match filter.state {
        Some(state) => {
            values.push(json!(state.as_str()));
            conditions.push(format!("d.state = ?{}", values.len()));
        }
        None => conditions.push(format!("d.state <> '{}'", DraftState::Archived)),
    }
    if let Some(goal) = filter.goal.as_deref().and_then(normalise_goal) {
        values.push(json!(goal));
        conditions.push(format!("d.goal = ?{}", values.len()));
    }
    if let Some(tag) = filter.tag.as_deref() {
        let tag = tag.trim().trim_start_matches('#');
        values.push(json!(tag));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM json_each(d.tags) WHERE value = ?{})",
            values.len()
        ));
    }
    (conditions.join(" AND "), values)
}

pub(crate) fn query_summaries(
    conn: &Connection,
    sql: &str,
    mut values: Vec<Value>,
    limit: Option<usize>,
) -> Result<Vec<DraftSummary>> {
    values.push(json!(limit.map_or(-1, |l| l as i64)));
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(to_sql(&values)), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, text, state, goal, tags, networks, updated_at, conflict_of) = row?;
        out.push(DraftSummary {
            id,
            title: title(&text, TITLE_CHARS),
            text,
            state: state.parse().map_err(|e| Error::Invalid(format!("{e}")))?,
            goal,
            tags: serde_json::from_str(&tags)?,
            networks: serde_json::from_str(&networks)?,
            updated_at: parse_time(&updated_at)?,
            conflict_of,
        });
    }
    Ok(out)
}

/// Filter values as SQL parameters.
pub(crate) fn to_sql(values: &[Value]) -> Vec<rusqlite::types::Value> {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap_or(-1)),
            other => rusqlite::types::Value::Text(other.to_string()),
        })
        .collect()
}

pub(crate) fn get_draft(conn: &Connection, id: &str) -> Result<Option<Draft>> {
    let row = conn
        .prepare_cached(&format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?1"))?
        .query_row([id], read_row)
        .optional()?;
    row.map(RawDraft::into_draft).transpose()
}

/// Columns as stored, before JSON and times are parsed.
pub(crate) struct RawDraft {
    id: String,
    text: String,
    variants: String,
    networks: String,
    lang: String,
    goal: Option<String>,
    tags: String,
    state: String,
    thread: bool,
    created_by: String,
    updated_by: String,
    created_at: String,
    updated_at: String,
    rev: i64,
    hlc: String,
    deleted: bool,
    conflict_of: Option<String>,
    conflict_reason: Option<String>,
    content_warning: String,
    visibility: Option<String>,
    link_card: bool,
}

pub(crate) fn read_row(r: &Row<'_>) -> rusqlite::Result<RawDraft> {
    Ok(RawDraft {
        id: r.get(0)?,
        text: r.get(1)?,
        variants: r.get(2)?,
        networks: r.get(3)?,
        lang: r.get(4)?,
        goal: r.get(5)?,
        tags: r.get(6)?,
        state: r.get(7)?,
        thread: r.get(8)?,
        created_by: r.get(9)?,
        updated_by: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        rev: r.get(13)?,
        hlc: r.get(14)?,
        deleted: r.get(15)?,
        conflict_of: r.get(16)?,
        conflict_reason: r.get(17)?,
        content_warning: r.get(18)?,
        visibility: r.get(19)?,
        link_card: r.get(20)?,
    })
}

impl RawDraft {
    pub(crate) fn into_draft(self) -> Result<Draft> {
        Ok(Draft {
            variants: serde_json::from_str(&self.variants)?,
            networks: serde_json::from_str(&self.networks)?,
            tags: serde_json::from_str(&self.tags)?,
            state: self
                .state
                .parse()
                .map_err(|e| Error::Invalid(format!("{e}")))?,
            created_at: parse_time(&self.created_at)?,
            updated_at: parse_time(&self.updated_at)?,
            id: self.id,
            text: self.text,
            lang: self.lang,
            goal: self.goal,
            thread: self.thread,
            content_warning: self.content_warning,
            visibility: self
                .visibility
                .map(|v| v.parse().map_err(|e| Error::Invalid(format!("{e}"))))
                .transpose()?,
            link_card: self.link_card,
            created_by: self.created_by,
            updated_by: self.updated_by,
            rev: self.rev,
            hlc: self.hlc,
            deleted: self.deleted,
            conflict_of: self.conflict_of,
            conflict_reason: self.conflict_reason,
        })
    }
}

pub(crate) fn insert_draft(tx: &Transaction<'_>, d: &Draft) -> Result<()> {
    execute_with_columns(
        tx,
        &format!(
            "INSERT INTO drafts ({DRAFT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21)"
        ),
        d,
    )?;
    if !d.deleted {
        index(tx, d)?;
    }
    Ok(())
}

pub(crate) fn write_draft(tx: &Transaction<'_>, d: &Draft) -> Result<()> {
    execute_with_columns(
        tx,
        "UPDATE drafts SET text = ?2, variants = ?3, networks = ?4, lang = ?5, goal = ?6,
             tags = ?7, state = ?8, thread = ?9, created_by = ?10, updated_by = ?11,
             created_at = ?12, updated_at = ?13, rev = ?14, hlc = ?15, deleted = ?16,
             conflict_of = ?17, conflict_reason = ?18, content_warning = ?19, visibility = ?20,
             link_card = ?21
         WHERE id = ?1",
        d,
    )
}

/// Runs `sql`, whose parameters ?1…?21 are the draft's columns in [`DRAFT_COLUMNS`] order.
fn execute_with_columns(tx: &Transaction<'_>, sql: &str, d: &Draft) -> Result<()> {
    tx.execute(
        sql,
        params![
            d.id,
            d.text,
            serde_json::to_string(&d.variants)?,
            serde_json::to_string(&d.networks)?,
            d.lang,
            d.goal,
            serde_json::to_string(&d.tags)?,
            d.state.as_str(),
            d.thread,
            d.created_by,
            d.updated_by,
            timestamp(d.created_at),
            timestamp(d.updated_at),
            d.rev,
            d.hlc,
            d.deleted,
            d.conflict_of,
            d.conflict_reason,
            d.content_warning,
            d.visibility.map(Visibility::as_str),
            d.link_card,
        ],
    )?;
    Ok(())
}

/// (Re)writes a draft's search entry: text in NFC, tags as words, the goal.
pub(crate) fn index(tx: &Connection, d: &Draft) -> Result<()> {
    let seq: i64 = tx.query_row("SELECT seq FROM drafts WHERE id = ?1", [&d.id], |r| {
        r.get(0)
    })?;
    tx.execute("DELETE FROM drafts_search WHERE rowid = ?1", [seq])?;
    let variants: String = d.variants.values().map(|v| format!("\n{v}")).collect();
    tx.execute(
        "INSERT INTO drafts_search (rowid, text, tags, goal) VALUES (?1, ?2, ?3, ?4)",
        params![
            seq,
            format!("{}{variants}", d.text).nfc().collect::<String>(),
            d.tags.join(" ").nfc().collect::<String>(),
            d.goal.as_deref().unwrap_or("")
        ],
    )?;
    Ok(())
}

pub(crate) fn unindex(tx: &Connection, id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM drafts_search WHERE rowid = (SELECT seq FROM drafts WHERE id = ?1)",
        [id],
    )?;
    Ok(())
}

/// All of a draft's synced fields, for the change log's insert rows.
pub(crate) fn draft_fields(d: &Draft) -> Result<Map<String, Value>> {
    match serde_json::to_value(d)? {
        Value::Object(mut map) => {
            map.remove("id");
            map.remove("rev");
            map.remove("hlc");
            Ok(map)
        }
        _ => Ok(Map::new()),
    }
}

fn changed_fields(before: &Draft, after: &Draft) -> Result<Map<String, Value>> {
    let (old, new) = (draft_fields(before)?, draft_fields(after)?);
    Ok(new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect())
}

fn dedup(networks: Vec<Network>) -> Vec<Network> {
    let mut out: Vec<Network> = Vec::new();
    for n in networks {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Variants equal to nothing are dropped (an emptied variant means "use the main text").
fn clean_variants(variants: BTreeMap<Network, String>) -> BTreeMap<Network, String> {
    variants
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

/// A content warning as stored: trimmed, its lines joined (Mastodon shows it on one line).
fn clean_warning(warning: &str) -> String {
    warning.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A language tag like `nb`, `en`, `pt-BR`; default `en`.
fn clean_lang(lang: Option<&str>) -> Result<String> {
    let lang = lang
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("en");
    let ok = lang.len() <= 35
        && lang
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && lang
            .chars()
            .take_while(|c| *c != '-')
            .all(|c| c.is_ascii_alphabetic());
    if ok {
        Ok(lang.to_owned())
    } else {
        Err(Error::Invalid(format!(
            "{lang:?} is not a language tag: use one like nb, en or pt-BR"
        )))
    }
}

/// `Option<Option<T>>` that tells a missing field (no change) from `null` (clear it).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn yes() -> bool {
    true
}
