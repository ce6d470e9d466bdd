//! The audit trail: who created, edited, scheduled, approved, sent back and published each
//! post, and when — read off the hub's log, whose every row names the member and device the
//! hub authenticated and the hub's own time. A device cannot forge any of it: it never sends
//! who it is or when (the token says who; the hub's clock says when).
//!
//! Pure: a backend hands over the logged changes ([`Logged`]) and the names; nothing here
//! touches a database.

use std::collections::HashMap;

use podium_core::sync::{AuditEvent, HubCopy, Op};
use serde_json::{json, Map, Value};

/// One accepted change as the hub keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub cursor: u64,
    pub hlc: String,
    pub entity: String,
    pub row_id: String,
    pub op: Op,
    pub fields: Map<String, Value>,
    pub device_id: String,
    pub member_id: String,
    /// RFC 3339, the hub's clock.
    pub received_at: String,
}

/// A draft's fields that change what would be published: an update to one is an edit.
const CONTENT_FIELDS: &[&str] = &[
    "text",
    "variants",
    "thread",
    "content_warning",
    "visibility",
];

/// Members' and devices' names by id (an id without a name is shown as the id).
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub members: HashMap<String, String>,
    pub devices: HashMap<String, String>,
}

/// The audit events of `log` (oldest first), named with `names`. An outbox entry's draft is
/// known from its insert; `drafts` may name it for entries whose insert is not in `log`.
pub fn events(log: &[Logged], names: &Names, drafts: &HashMap<String, String>) -> Vec<AuditEvent> {
    let mut drafts = drafts.clone();
    let mut out = Vec::new();
    for change in log {
        let str_field = |name: &str| change.fields.get(name).and_then(Value::as_str);
        let mut actions: Vec<&str> = Vec::new();
        let (mut draft_id, mut entry_id) = (None, None);
        match (change.entity.as_str(), change.op) {
            ("draft", Op::Insert) => {
                actions.push("created");
                draft_id = Some(change.row_id.clone());
            }
            ("draft", Op::Update)
                if CONTENT_FIELDS
                    .iter()
                    .any(|f| change.fields.contains_key(*f)) =>
            {
                actions.push("edited");
                draft_id = Some(change.row_id.clone());
            }
            ("outbox", op) => {
                if let Some(draft) = str_field("draft_id") {
                    drafts.insert(change.row_id.clone(), draft.to_owned());
                }
                entry_id = Some(change.row_id.clone());
                draft_id = drafts.get(&change.row_id).cloned();
                match op {
                    Op::Insert => actions.push("scheduled"),
                    Op::Delete => actions.push("unscheduled"),
                    Op::Update if change.fields.contains_key("due_at") => {
                        actions.push("rescheduled")
                    }
                    Op::Update => {}
                }
                match str_field("approval") {
                    Some("approved") => actions.push("approved"),
                    Some("changes_requested") => actions.push("changes_requested"),
                    Some("awaiting") if op != Op::Insert => actions.push("awaiting"),
                    _ => {}
                }
                if str_field("state") == Some("sent") {
                    actions.push("published");
                }
            }
            ("comment", Op::Insert) => {
                actions.push("commented");
                draft_id = str_field("draft_id").map(str::to_owned);
            }
            _ => {}
        }
        for action in actions {
            out.push(AuditEvent {
                cursor: change.cursor,
                at: change.received_at.clone(),
                member: names
                    .members
                    .get(&change.member_id)
                    .cloned()
                    .unwrap_or_else(|| change.member_id.clone()),
                device: names
                    .devices
                    .get(&change.device_id)
                    .cloned()
                    .unwrap_or_else(|| change.device_id.clone()),
                action: action.to_owned(),
                draft_id: draft_id.clone(),
                entry_id: entry_id.clone(),
            });
        }
    }
    out
}

/// The hub's copy of `fields` of one row, from its log (oldest first): whether the row exists
/// (an insert, and no delete after it) and, per field, the newest value with its stamp.
pub fn hub_copy(row_log: &[Logged], fields: &Map<String, Value>) -> HubCopy {
    let mut exists = false;
    let mut newest: Map<String, Value> = Map::new();
    for change in row_log {
        match change.op {
            Op::Insert => exists = true,
            Op::Delete => exists = false,
            Op::Update => {}
        }
        for (field, value) in &change.fields {
            if fields.contains_key(field) {
                newest.insert(field.clone(), json!({ "value": value, "hlc": change.hlc }));
            }
        }
    }
    HubCopy {
        exists,
        fields: newest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(cursor: u64, entity: &str, row: &str, op: Op, fields: Value) -> Logged {
        Logged {
            cursor,
            hlc: format!("h{cursor}"),
            entity: entity.into(),
            row_id: row.into(),
            op,
            fields: fields.as_object().cloned().unwrap_or_default(),
            device_id: "dev-a".into(),
            member_id: "m-anne".into(),
            received_at: format!("2026-11-29T10:00:0{cursor}.000Z"),
        }
    }

    #[test]
    fn a_posts_life_reads_as_who_did_what_in_the_hubs_order() {
        let log = vec![
            logged(1, "draft", "d1", Op::Insert, json!({"text": "Hi"})),
            logged(2, "draft", "d1", Op::Update, json!({"text": "Hi!"})),
            logged(3, "draft", "d1", Op::Update, json!({"tags": ["x"]})),
            logged(
                4,
                "outbox",
                "e1",
                Op::Insert,
                json!({"draft_id": "d1", "approval": "awaiting"}),
            ),
            logged(
                5,
                "outbox",
                "e1",
                Op::Update,
                json!({"approval": "approved"}),
            ),
            logged(6, "outbox", "e1", Op::Update, json!({"state": "sent"})),
            logged(7, "comment", "c1", Op::Insert, json!({"draft_id": "d1"})),
        ];
        let names = Names {
            members: [("m-anne".to_owned(), "Anne".to_owned())].into(),
            devices: HashMap::new(),
        };
        let events = events(&log, &names, &HashMap::new());
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "created",
                "edited",
                "scheduled",
                "approved",
                "published",
                "commented"
            ]
        );
        assert!(events.iter().all(|e| e.member == "Anne"));
        assert_eq!(events[4].draft_id.as_deref(), Some("d1"));
        assert_eq!(events[4].entry_id.as_deref(), Some("e1"));
        assert_eq!(events[4].at, "2026-11-29T10:00:06.000Z");
    }

    #[test]
    fn the_hubs_copy_is_the_newest_accepted_value_of_each_field_asked() {
        let log = vec![
            logged(
                1,
                "outbox",
                "e1",
                Op::Insert,
                json!({"approval": "awaiting", "state": "queued"}),
            ),
            logged(
                2,
                "outbox",
                "e1",
                Op::Update,
                json!({"approval": "approved"}),
            ),
        ];
        let asked = json!({"approval": "x", "approved_by": "y"});
        let copy = hub_copy(&log, asked.as_object().unwrap_or(&Map::new()));
        assert!(copy.exists);
        assert_eq!(copy.fields["approval"]["value"], "approved");
        assert_eq!(copy.fields["approval"]["hlc"], "h2");
        assert!(!copy.fields.contains_key("approved_by"));
        assert!(!copy.fields.contains_key("state"));
        assert!(!hub_copy(&[], &Map::new()).exists);
    }
}
