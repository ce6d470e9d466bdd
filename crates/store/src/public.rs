//! The synced part of accounts, outbox entries and comments (issue 11, item 7; issue 12), and
//! of goals' targets and posts' readings (issue 14).
//!
//! An account syncs its public part only — network, handle, display name, server, remote id,
//! zone, pause, slots, status — never `credential_ref` (the keyring entry's name, which is this
//! device's) nor anything secret. An account that arrives from another device has no sign-in
//! here (`credential_ref` empty): "connected on another device". An outbox entry syncs with its
//! outcome (state, the post's address, the network's reason) and the device that created it,
//! which alone publishes it until the approval issue brings leases.
//!
//! Both are logged as the fields that changed between a snapshot before and after a write
//! (last writer wins per field, like a draft's plain fields).

use podium_core::clock::Stamp;
use podium_core::sync::{Change, Op};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::log;
use crate::sync::field_clock;
use crate::Result;

/// The synced columns of each entity (besides `id`), and its table.
fn columns(entity: &str) -> Option<(&'static str, &'static [&'static str])> {
    match entity {
        "account" => Some((
            "accounts",
            &[
                "network",
                "handle",
                "display_name",
                "service",
                "remote_id",
                "zone",
                "paused",
                "status",
                "status_reason",
                "status_code",
                "status_data",
                "visibility",
                "created_at",
                "updated_at",
                "deleted",
                "owner",
                "owner_role",
            ],
        )),
        "outbox" => Some((
            "outbox",
            &[
                "draft_id",
                "account_id",
                "due_at",
                "state",
                "attempts",
                "retry_at",
                "remote_id",
                "remote_url",
                "error",
                "error_code",
                "error_data",
                "created_by",
                "created_at",
                "updated_at",
                "sent_at",
                "device",
                "approval",
                "approved_fp",
                "approved_by",
                "approval_note",
                "approval_at",
                "scheduled_by",
                "published_by",
            ],
        )),
        "target" => Some((
            "targets",
            &[
                "leader",
                "goal",
                "network",
                "per_week",
                "created_at",
                "updated_at",
                "deleted",
            ],
        )),
        "reading" => Some((
            "readings",
            &[
                "entry_id",
                "read_at",
                "likes",
                "reposts",
                "replies",
                "quotes",
                "impressions",
            ],
        )),
        "comment" => Some((
            "comments",
            &["draft_id", "author", "text", "created_at", "deleted"],
        )),
        // An image on a draft (issue 13): which file (its SHA-256; the bytes travel as a blob
        // through the hub, `podium-sync`), where, and its alt text. Detaching is a delete.
        "attachment" => Some((
            "attachments",
            &[
                "draft_id",
                "position",
                "sha256",
                "mime",
                "width",
                "height",
                "bytes",
                "alt",
                "created_at",
                "updated_at",
            ],
        )),
        _ => None,
    }
}

/// An outbox entry's fields that say how far sending got.
const PUBLISHER_FIELDS: &[&str] = &[
    "state",
    "attempts",
    "retry_at",
    "remote_id",
    "remote_url",
    "error",
    "error_code",
    "error_data",
    "sent_at",
];

fn to_json(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) | ValueRef::Blob(t) => json!(String::from_utf8_lossy(t)),
    }
}

fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Sql::Integer)
            .or_else(|| n.as_f64().map(Sql::Real))
            .unwrap_or(Sql::Null),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// The synced fields of a row as they are now (`None`: no such row). An outbox entry made here
/// before sync existed names this device (`device`) as its creator.
pub(crate) fn snapshot(
    conn: &Connection,
    device: &str,
    entity: &str,
    id: &str,
) -> Result<Option<Map<String, Value>>> {
    let Some((table, cols)) = columns(entity) else {
        return Ok(None);
    };
    let sql = format!("SELECT {} FROM {table} WHERE id = ?1", cols.join(", "));
    let row = conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let mut map = Map::new();
            for (i, col) in cols.iter().enumerate() {
                map.insert((*col).to_owned(), to_json(r.get_ref(i)?));
            }
            Ok(map)
        })
        .optional()?;
    let Some(mut map) = row else {
        return Ok(None);
    };
    if entity == "account" {
        let mut stmt = conn.prepare_cached(
            "SELECT weekday, minute FROM slots WHERE account_id = ?1 ORDER BY weekday, minute",
        )?;
        let slots = stmt
            .query_map([id], |r| {
                Ok(json!([r.get::<_, i64>(0)?, r.get::<_, i64>(1)?]))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        map.insert("slots".into(), Value::Array(slots));
    }
    if entity == "outbox" && map.get("device") == Some(&Value::Null) {
        map.insert("device".into(), json!(device));
    }
    Ok(Some(map))
}

/// Logs what changed between two snapshots of a row, stamped `hlc`.
pub(crate) fn log_diff(
    conn: &Connection,
    device: &str,
    entity: &str,
    id: &str,
    before: Option<Map<String, Value>>,
    after: Option<Map<String, Value>>,
    hlc: Stamp,
) -> Result<()> {
    match (before, after) {
        (None, Some(after)) => {
            log::record(conn, device, entity, id, log::Op::Insert, 0, hlc, after)
        }
        (Some(_), None) => {
            let mut fields = Map::new();
            fields.insert("deleted".into(), json!(true));
            log::record(conn, device, entity, id, log::Op::Delete, 0, hlc, fields)
        }
        (Some(before), Some(after)) => {
            let changed: Map<String, Value> = after
                .into_iter()
                .filter(|(k, v)| before.get(k) != Some(v))
                .collect();
            if changed.is_empty() {
                return Ok(());
            }
            log::record(conn, device, entity, id, log::Op::Update, 0, hlc, changed)
        }
        (None, None) => Ok(()),
    }
}

/// Applies another device's change to an account or outbox entry: last writer wins per field.
/// An entry this device is sending right now is left alone (only its creator publishes it).
pub(crate) fn apply(conn: &Connection, device: &str, entity: &str, change: &Change) -> Result<()> {
    let Some((table, cols)) = columns(entity) else {
        return Ok(());
    };
    // A post of an account folded into its twin lands on the one account (issue 12).
    let change = &crate::leases::unalias(conn, entity, change)?;
    let id = change.id.as_str();
    let hlc = change.hlc.as_str();
    let exists = conn
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE id = ?1"),
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let mut busy = false;
    if entity == "outbox" && exists {
        busy = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?1 AND state IN ('claimed', 'sending')
             AND coalesce(device, ?2) = ?2)",
            [id, device],
            |r| r.get(0),
        )?;
    }
    if !exists {
        if change.op == Op::Delete {
            return Ok(());
        }
        if entity == "attachment" {
            let complete = [
                "draft_id", "position", "sha256", "mime", "width", "height", "bytes",
            ]
            .iter()
            .all(|f| change.fields.get(*f).is_some_and(|v| !v.is_null()));
            if !complete {
                tracing::warn!(id, "a pulled change to an image not here; skipped");
                return Ok(());
            }
        }
        if entity == "comment" || entity == "attachment" {
            let draft = change.fields.get("draft_id").and_then(Value::as_str);
            let known: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM drafts WHERE id = ?1)",
                [draft.unwrap_or_default()],
                |r| r.get(0),
            )?;
            if !known {
                tracing::warn!(id, "a pulled comment on a draft not here; skipped");
                return Ok(());
            }
        }
        if entity == "outbox" {
            let (Some(draft), Some(account)) = (
                change.fields.get("draft_id").and_then(Value::as_str),
                change.fields.get("account_id").and_then(Value::as_str),
            ) else {
                return Ok(());
            };
            let known: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM drafts WHERE id = ?1)
                 AND EXISTS (SELECT 1 FROM accounts WHERE id = ?2)",
                [draft, account],
                |r| r.get(0),
            )?;
            if !known {
                tracing::warn!(id, "a pulled post of a draft or account not here; skipped");
                return Ok(());
            }
        }
        let mut names = vec!["id"];
        let mut values = vec![Sql::Text(id.to_owned())];
        for col in cols {
            if let Some(v) = change.fields.get(*col) {
                names.push(col);
                values.push(to_sql(v));
            }
        }
        if entity == "account" {
            // No sign-in on this device: the keyring entry is the other device's.
            names.push("credential_ref");
            values.push(Sql::Text(String::new()));
        }
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let inserted = conn.execute(
            &format!(
                "INSERT OR IGNORE INTO {table} ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            ),
            params_from_iter(values),
        )?;
        if inserted == 0 {
            tracing::warn!(id, entity, "a pulled row clashes with one here; skipped");
            return Ok(());
        }
        if let Some(Value::Array(slots)) = change.fields.get("slots") {
            set_slots(conn, id, slots)?;
        }
        for field in change.fields.keys() {
            log::set_field_clock(conn, entity, id, field, hlc)?;
        }
        if entity == "account" {
            crate::leases::fold_twin(conn, id)?;
        }
        return Ok(());
    }
    if busy && change.op == Op::Delete {
        tracing::info!(id, "a post being sent here is not taken out of the queue");
        return Ok(());
    }
    if change.op == Op::Delete && matches!(entity, "outbox" | "attachment") {
        conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
        return Ok(());
    }
    let mut fields = change.fields.clone();
    if change.op == Op::Delete {
        fields.entry("deleted").or_insert(json!(true));
    }
    for (field, value) in &fields {
        // While this device sends the post, how far it got is this device's to say: its own
        // next step (stamped after what it has seen) goes out and wins everywhere.
        if busy && PUBLISHER_FIELDS.contains(&field.as_str()) {
            continue;
        }
        let newer = match field_clock(conn, entity, id, field)? {
            Some(here) => hlc > here.as_str(),
            None => true,
        };
        if !newer {
            continue;
        }
        if field == "slots" && entity == "account" {
            if let Value::Array(slots) = value {
                set_slots(conn, id, slots)?;
            }
        } else if let Some(col) = cols.iter().find(|c| **c == field) {
            conn.execute(
                &format!("UPDATE OR IGNORE {table} SET {col} = ?2 WHERE id = ?1"),
                [Sql::Text(id.to_owned()), to_sql(value)],
            )?;
        } else {
            continue;
        }
        log::set_field_clock(conn, entity, id, field, hlc)?;
        log::forget_pending(conn, entity, id, &[field.as_str()])?;
    }
    Ok(())
}

fn set_slots(conn: &Connection, account: &str, slots: &[Value]) -> Result<()> {
    conn.execute("DELETE FROM slots WHERE account_id = ?1", [account])?;
    for slot in slots {
        let (Some(weekday), Some(minute)) = (
            slot.get(0).and_then(Value::as_i64),
            slot.get(1).and_then(Value::as_i64),
        ) else {
            continue;
        };
        conn.execute(
            "INSERT OR IGNORE INTO slots (account_id, weekday, minute) VALUES (?1, ?2, ?3)",
            rusqlite::params![account, weekday, minute],
        )?;
    }
    Ok(())
}

impl crate::Store {
    /// Runs `write` in one write transaction and logs what it changed in the synced part of
    /// the rows `ids` of `entity` (each row's changed fields, with one stamp each), so the
    /// change and its log row commit together. When `write` fails, nothing is written.
    pub(crate) fn with_log<T>(
        &mut self,
        entity: &str,
        ids: &[&str],
        write: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let now_ms = u64::try_from(self.now().timestamp_millis()).unwrap_or(0);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut before = Vec::with_capacity(ids.len());
        for id in ids {
            before.push(snapshot(&tx, &self.device, entity, id)?);
        }
        let out = write(&tx)?;
        for (id, before) in ids.iter().zip(before) {
            let after = snapshot(&tx, &self.device, entity, id)?;
            if before != after {
                let hlc = self.clock.tick(now_ms);
                log_diff(&tx, &self.device, entity, id, before, after, hlc)?;
            }
        }
        tx.commit()?;
        Ok(out)
    }
}

/// Logs what changed in a row's synced part since `before` (a snapshot taken earlier in the
/// same transaction), with a fresh stamp from `clock`.
pub(crate) fn log_since(
    conn: &Connection,
    device: &str,
    clock: &mut podium_core::clock::Clock,
    now_ms: u64,
    entity: &str,
    id: &str,
    before: Option<Map<String, Value>>,
) -> Result<()> {
    let after = snapshot(conn, device, entity, id)?;
    if before != after {
        let hlc = clock.tick(now_ms);
        log_diff(conn, device, entity, id, before, after, hlc)?;
    }
    Ok(())
}

/// Takes back the hub's copy of a row after the hub refused this device's change to it for the
/// member's role (`fields`: what the change tried to set). A row the hub does not have is taken
/// out here (an outbox entry or a comment; an account stays). A field the hub never had gets
/// the value every other device has for it: the column's default.
pub(crate) fn restore(
    conn: &Connection,
    entity: &str,
    id: &str,
    copy: &podium_core::sync::HubCopy,
    fields: &Map<String, Value>,
) -> Result<()> {
    let Some((table, cols)) = columns(entity) else {
        return Ok(());
    };
    if !copy.exists {
        if matches!(entity, "outbox" | "comment" | "attachment") {
            conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
        }
        return Ok(());
    }
    for field in fields.keys() {
        let Some(col) = cols.iter().find(|c| **c == field) else {
            continue;
        };
        let (value, hlc) = match copy.fields.get(field.as_str()) {
            Some(held) => (
                held.get("value").cloned().unwrap_or(Value::Null),
                held.get("hlc").and_then(Value::as_str).map(str::to_owned),
            ),
            None => (column_default(entity, col), None),
        };
        conn.execute(
            &format!("UPDATE OR IGNORE {table} SET {col} = ?2 WHERE id = ?1"),
            [Sql::Text(id.to_owned()), to_sql(&value)],
        )?;
        match hlc {
            Some(hlc) => log::set_field_clock(conn, entity, id, field, &hlc)?,
            None => {
                conn.execute(
                    "DELETE FROM field_clock WHERE entity = ?1 AND id = ?2 AND field = ?3",
                    [entity, id, field.as_str()],
                )?;
            }
        }
    }
    Ok(())
}

/// What a synced column holds on a row whose insert did not name it.
fn column_default(entity: &str, col: &str) -> Value {
    match (entity, col) {
        ("outbox", "approval") => json!("approved"),
        ("outbox", "attempts") | (_, "deleted") | ("account", "paused") => json!(0),
        _ => Value::Null,
    }
}
