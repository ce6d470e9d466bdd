//! Goals: the built-in ones and those the user adds. A goal says what a post is for
//! (visibility, credibility, culture, reputation…) so a leader posts to a plan.

use podium_core::clock::Clock;
use podium_core::draft::{normalise_goal, BUILT_IN_GOALS};
use rusqlite::Connection;
use serde_json::{json, Map};

use crate::log::{self, Op};
use crate::{Result, Store};

impl Store {
    /// Built-in goals first, then the user's, alphabetically.
    pub fn goals(&self) -> Result<Vec<String>> {
        let mut all: Vec<String> = BUILT_IN_GOALS.iter().map(|g| (*g).to_owned()).collect();
        all.extend(self.user_goals()?);
        Ok(all)
    }

    pub(crate) fn user_goals(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT name FROM goals WHERE deleted = 0 ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a goal of the user's own (a built-in or existing one is not added twice).
    pub fn add_goal(&mut self, name: &str) -> Result<Option<String>> {
        let now_ms = u64::try_from(self.now().timestamp_millis()).unwrap_or(0);
        let tx = self.conn.transaction()?;
        let added = insert_goal(&tx, &self.device, &mut self.clock, now_ms, name)?;
        tx.commit()?;
        Ok(added)
    }
}

pub(crate) fn insert_goal(
    conn: &Connection,
    device: &str,
    clock: &mut Clock,
    now_ms: u64,
    name: &str,
) -> Result<Option<String>> {
    let Some(name) = normalise_goal(name) else {
        return Ok(None);
    };
    if BUILT_IN_GOALS.contains(&name.as_str()) {
        return Ok(Some(name));
    }
    // Compared without letter case in Rust: SQLite's lower() knows only ASCII.
    let mut stmt = conn.prepare_cached("SELECT name FROM goals WHERE deleted = 0")?;
    let existing = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(same) = existing
        .into_iter()
        .find(|g| g.to_lowercase() == name.to_lowercase())
    {
        return Ok(Some(same));
    }
    let hlc = clock.tick(now_ms);
    let id = uuid::Uuid::now_v7().to_string();
    let created_at = chrono::DateTime::from_timestamp_millis(i64::try_from(now_ms).unwrap_or(0))
        .map(crate::timestamp)
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO goals (id, name, created_at, rev, hlc) VALUES (?1, ?2, ?3, 1, ?4)",
        rusqlite::params![id, name, created_at, hlc.to_string()],
    )?;
    let mut fields = Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("created_at".into(), json!(created_at));
    log::record(conn, device, "goal", &id, Op::Insert, 1, hlc, fields)?;
    Ok(Some(name))
}
