//! The local change log: one row per change, written in the same transaction as the change,
//! so a later sync can send exactly what this device did (DESIGN.md §7).
//!
//! Autosave writes a draft about once a second while someone types. Until the hub has taken a
//! change (`pushed = 0`), a further update of the same row folds into it — the hub would only
//! keep the last value of each field anyway — so the log grows per editing session, not per
//! keystroke.
//!
//! For team sync (schema 4) every change gets a stamp of its own (the hub takes a stamp it has
//! seen as a replay), recorded stamps never go back, each field of a row waits in one change at
//! most (the newest), and every field written gets its stamp in `field_clock`, against which
//! another device's value for it is weighed (last writer wins).

use podium_core::clock::Stamp;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    pub rev: i64,
    pub hlc: String,
    pub fields: Value,
    pub device: String,
}

impl Store {
    /// A fresh clock stamp for a local change.
    pub(crate) fn stamp(&mut self) -> Stamp {
        let now = u64::try_from(self.now().timestamp_millis()).unwrap_or(0);
        self.clock.tick(now)
    }

    /// The change log from `after` on (oldest first).
    pub fn changes_since(&self, after: i64) -> Result<Vec<Change>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, entity, entity_id, op, rev, hlc, fields, device
             FROM changes WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([after], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, entity, entity_id, op, rev, hlc, fields, device) = row?;
            out.push(Change {
                seq,
                entity,
                entity_id,
                op,
                rev,
                hlc,
                fields: serde_json::from_str(&fields)?,
                device,
            });
        }
        Ok(out)
    }
}

/// Writes one change (inside the caller's transaction) and remembers the clock.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    conn: &Connection,
    device: &str,
    entity: &str,
    id: &str,
    op: Op,
    rev: i64,
    hlc: Stamp,
    fields: Map<String, Value>,
) -> Result<()> {
    // Every change gets a stamp of its own (the hub takes a stamp it has seen as a replay),
    // also when one transaction writes several rows: a later one gets the next stamp.
    let newest = newest_recorded(conn)?;
    let hlc = match newest {
        Some(newest) if newest >= hlc => next_after(newest, hlc.node),
        _ => hlc,
    };
    let hlc = hlc.to_string();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('clock', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [&hlc],
    )?;
    if op == Op::Update {
        let open: Option<(i64, String, String)> = conn
            .query_row(
                "SELECT seq, op, fields FROM changes
                 WHERE entity = ?1 AND entity_id = ?2 AND +pushed = 0
                 ORDER BY seq DESC LIMIT 1",
                params![entity, id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        // Fold into the newest unpushed insert or update of the same row (an insert stays an
        // insert: the hub has not seen the row yet).
        if let Some((seq, _, previous)) = open.filter(|(_, op, _)| op != "delete") {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            forget_pending_except(conn, entity, id, &names, Some(seq))?;
            let mut merged: Map<String, Value> = serde_json::from_str(&previous)?;
            merged.extend(fields);
            // The folded change goes out with this stamp for every field it holds: so it is
            // here too.
            set_field_clocks(conn, entity, id, op, &merged, &hlc)?;
            conn.execute(
                "UPDATE changes SET rev = ?2, hlc = ?3, fields = ?4 WHERE seq = ?1",
                params![seq, rev, hlc, Value::Object(merged).to_string()],
            )?;
            return Ok(());
        }
    }
    set_field_clocks(conn, entity, id, op, &fields, &hlc)?;
    // Each field waits in one change at most, the newest: a waiting older change never holds
    // a value this device has since replaced (it could be folded into and restamped later).
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    forget_pending_except(conn, entity, id, &names, None)?;
    conn.execute(
        "INSERT INTO changes (entity, entity_id, op, rev, hlc, fields, device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entity,
            id,
            op.as_str(),
            rev,
            hlc,
            Value::Object(fields).to_string(),
            device
        ],
    )?;
    Ok(())
}

/// The newest stamp this device recorded (in its change log or as its clock).
pub(crate) fn newest_recorded(conn: &Connection) -> Result<Option<Stamp>> {
    let newest: Option<String> = conn.query_row(
        "SELECT max(coalesce((SELECT max(hlc) FROM changes), ''),
                    coalesce((SELECT value FROM meta WHERE key = 'clock'), ''))",
        [],
        |r| r.get(0),
    )?;
    Ok(newest.and_then(|s| s.parse().ok()))
}

/// The stamp right after `after`, on `node`.
pub(crate) fn next_after(after: Stamp, node: u64) -> Stamp {
    match after.counter.checked_add(1) {
        Some(counter) => Stamp {
            wall_ms: after.wall_ms,
            counter,
            node,
        },
        None => Stamp {
            wall_ms: after.wall_ms + 1,
            counter: 0,
            node,
        },
    }
}

/// Records that every field of a change (a delete: `deleted`) got its value at `hlc`.
pub(crate) fn set_field_clocks(
    conn: &Connection,
    entity: &str,
    id: &str,
    op: Op,
    fields: &Map<String, Value>,
    hlc: &str,
) -> Result<()> {
    for field in fields.keys() {
        set_field_clock(conn, entity, id, field, hlc)?;
    }
    if op == Op::Delete {
        set_field_clock(conn, entity, id, "deleted", hlc)?;
    }
    Ok(())
}

/// Records that `field` of a row got a value stamped `hlc`, unless it has a newer one.
pub(crate) fn set_field_clock(
    conn: &Connection,
    entity: &str,
    id: &str,
    field: &str,
    hlc: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO field_clock (entity, id, field, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (entity, id, field) DO UPDATE SET hlc = excluded.hlc
         WHERE excluded.hlc > field_clock.hlc",
    )?
    .execute(params![entity, id, field, hlc])?;
    Ok(())
}

/// Takes `fields` out of this device's waiting changes of a row: another device's newer value
/// won them, so this device's older one must not go out (later, folded into a newer change, it
/// would win elsewhere while it lost here). A waiting update left with nothing is dropped.
pub(crate) fn forget_pending(
    conn: &Connection,
    entity: &str,
    id: &str,
    fields: &[&str],
) -> Result<()> {
    forget_pending_except(conn, entity, id, fields, None)
}

/// [`forget_pending`], leaving the change at `except` as it is.
fn forget_pending_except(
    conn: &Connection,
    entity: &str,
    id: &str,
    fields: &[&str],
    except: Option<i64>,
) -> Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT seq, op, fields FROM changes
             WHERE entity = ?1 AND entity_id = ?2 AND +pushed = 0 AND op <> 'insert'",
        )?
        .query_map(params![entity, id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, op, raw) in rows {
        if Some(seq) == except {
            continue;
        }
        let mut map: Map<String, Value> = serde_json::from_str(&raw)?;
        let before = map.len();
        for field in fields {
            map.remove(*field);
        }
        if map.len() == before {
            continue;
        }
        if map.is_empty() && op == "update" {
            conn.execute("DELETE FROM changes WHERE seq = ?1", [seq])?;
        } else {
            conn.execute(
                "UPDATE changes SET fields = ?2 WHERE seq = ?1",
                params![seq, Value::Object(map).to_string()],
            )?;
        }
    }
    Ok(())
}
