//! The hub's rules for one pushed change, in one place for both storage backends: a backend
//! looks up whether the stamp was seen and the row's newest text change, and asks [`judge`].
//!
//! Pure: no clock is read here (the caller passes "now"), no database is touched.

use podium_core::clock::{Stamp, MAX_AHEAD_MS};
use podium_core::sync::{Change, ErrorCode};

/// The fields a device merges three-way: a change to them carries a `base`.
pub const TEXT_FIELDS: &[&str] = &["text", "variants"];

/// The longest entity name and row id the hub takes (a UUID is 36).
pub const MAX_ENTITY_LEN: usize = 32;
pub const MAX_ID_LEN: usize = 64;

/// The newest accepted text change of one row: its cursor and the device that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextHead {
    pub cursor: u64,
    pub device_id: String,
}

/// What becomes of one pushed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Store it; `text` when it changes a merged text field (the row's text head moves to it).
    Accept {
        text: bool,
    },
    /// Its stamp was stored before: nothing changes.
    Duplicate,
    /// A text change made on a text the hub has since replaced.
    Stale,
    Refused {
        code: ErrorCode,
        message: String,
    },
}

/// Whether the change touches a merged text field.
pub fn touches_text(change: &Change) -> bool {
    TEXT_FIELDS.iter().any(|f| change.fields.contains_key(*f))
}

/// The verdict on `change`, pushed by `device_id` at `now_ms` (the hub's clock), given whether
/// its stamp is already stored and the row's text head.
///
/// Stale: the change touches text, and a text change newer than its `base` (a missing base
/// counts as 0: the device had seen no text of the row) was sent by ANOTHER device. A device's
/// own newer text change does not make its next one stale — it made that text, so its next edit
/// was made on it; two edits of one draft pushed together would otherwise conflict with each
/// other.
pub fn judge(
    change: &Change,
    now_ms: u64,
    seen: bool,
    head: Option<&TextHead>,
    device_id: &str,
) -> Verdict {
    if seen {
        return Verdict::Duplicate;
    }
    if let Err((code, message)) = check_shape(change, now_ms) {
        return Verdict::Refused { code, message };
    }
    let text = touches_text(change);
    if text {
        let base = change.base.unwrap_or(0);
        if let Some(head) = head {
            if head.cursor > base && head.device_id != device_id {
                return Verdict::Stale;
            }
        }
    }
    Verdict::Accept { text }
}

/// A change the hub can store: a known shape, a stamp that parses and is not too far ahead.
fn check_shape(change: &Change, now_ms: u64) -> Result<(), (ErrorCode, String)> {
    let bad = |message: String| Err((ErrorCode::BadRequest, message));
    if change.entity.is_empty()
        || change.entity.len() > MAX_ENTITY_LEN
        || !change
            .entity
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        return bad(format!(
            "{:?} is not an entity name (lowercase letters, at most {MAX_ENTITY_LEN})",
            change.entity
        ));
    }
    if change.id.is_empty() || change.id.len() > MAX_ID_LEN {
        return bad(format!(
            "a row id must be 1 to {MAX_ID_LEN} characters, not {}",
            change.id.len()
        ));
    }
    let stamp: Stamp = match change.hlc.parse() {
        Ok(stamp) => stamp,
        Err(e) => return bad(e.to_string()),
    };
    if let Err(ahead) = stamp.not_too_far_ahead(now_ms) {
        return Err((
            ErrorCode::ClockAhead,
            format!(
                "this change is stamped {} ms ahead of the hub's clock (at most {} minutes is \
                 taken): set this computer's date and time right; the change waits on the \
                 device until then",
                ahead.ahead_ms,
                MAX_AHEAD_MS / 60_000
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_core::sync::Op;
    use serde_json::{Map, Value};

    const NOW: u64 = 1_800_000_000_000;

    fn change(hlc_ms: u64, field: &str, base: Option<u64>) -> Change {
        let mut fields = Map::new();
        fields.insert(field.into(), Value::from("x"));
        Change {
            entity: "draft".into(),
            id: "0193a1b2-0000-7000-8000-000000000001".into(),
            op: Op::Update,
            hlc: Stamp {
                wall_ms: hlc_ms,
                counter: 0,
                node: 1,
            }
            .to_string(),
            fields,
            base,
        }
    }

    fn head(cursor: u64, device: &str) -> TextHead {
        TextHead {
            cursor,
            device_id: device.into(),
        }
    }

    #[test]
    fn a_seen_stamp_is_a_duplicate_whatever_else_it_carries() {
        let c = change(NOW + 10 * MAX_AHEAD_MS, "text", Some(0));
        assert_eq!(
            judge(&c, NOW, true, Some(&head(9, "b")), "a"),
            Verdict::Duplicate
        );
    }

    #[test]
    fn a_text_edit_on_an_older_text_from_another_device_is_stale() {
        let c = change(NOW, "text", Some(3));
        assert_eq!(
            judge(&c, NOW, false, Some(&head(4, "b")), "a"),
            Verdict::Stale
        );
        assert_eq!(
            judge(&c, NOW, false, Some(&head(3, "b")), "a"),
            Verdict::Accept { text: true }
        );
        let variants = change(NOW, "variants", None);
        assert_eq!(
            judge(&variants, NOW, false, Some(&head(1, "b")), "a"),
            Verdict::Stale
        );
    }

    #[test]
    fn a_devices_own_newer_text_does_not_make_its_next_edit_stale() {
        let c = change(NOW, "text", Some(3));
        assert_eq!(
            judge(&c, NOW, false, Some(&head(8, "a")), "a"),
            Verdict::Accept { text: true }
        );
    }

    #[test]
    fn other_fields_are_never_stale() {
        let c = change(NOW, "state", None);
        assert_eq!(
            judge(&c, NOW, false, Some(&head(8, "b")), "a"),
            Verdict::Accept { text: false }
        );
    }

    #[test]
    fn a_stamp_more_than_five_minutes_ahead_is_refused_and_five_minutes_is_taken() {
        let ahead = change(NOW + MAX_AHEAD_MS + 1, "state", None);
        assert!(matches!(
            judge(&ahead, NOW, false, None, "a"),
            Verdict::Refused {
                code: ErrorCode::ClockAhead,
                ..
            }
        ));
        let edge = change(NOW + MAX_AHEAD_MS, "state", None);
        assert_eq!(
            judge(&edge, NOW, false, None, "a"),
            Verdict::Accept { text: false }
        );
        let day_behind = change(NOW - 86_400_000, "state", None);
        assert_eq!(
            judge(&day_behind, NOW, false, None, "a"),
            Verdict::Accept { text: false }
        );
    }

    #[test]
    fn a_change_with_a_bad_stamp_or_entity_is_refused_as_a_bad_request() {
        let mut c = change(NOW, "state", None);
        c.hlc = "yesterday".into();
        assert!(matches!(
            judge(&c, NOW, false, None, "a"),
            Verdict::Refused {
                code: ErrorCode::BadRequest,
                ..
            }
        ));
        let mut c = change(NOW, "state", None);
        c.entity = "Drafts; DROP".into();
        assert!(matches!(
            judge(&c, NOW, false, None, "a"),
            Verdict::Refused {
                code: ErrorCode::BadRequest,
                ..
            }
        ));
    }
}
