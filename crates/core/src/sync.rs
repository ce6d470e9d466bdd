//! The team hub's wire protocol (DESIGN.md §7): the JSON that devices and `podium-hub` exchange.
//!
//! Both sides use these types, so a change to them is a change to the protocol: bump
//! [`PROTOCOL_VERSION`] when an older peer could misread the new shape, and keep
//! [`MIN_PROTOCOL_VERSION`] at the oldest version the hub still serves.
//!
//! The hub is an ordered, authenticated log of changes. It does not merge: it orders what devices
//! push with a gap-free cursor, refuses a text change made on a text it has since replaced
//! ([`PushStatus::Stale`]: the device pulls, merges and pushes again — so the text that reached
//! the hub first stays), refuses stamps too far ahead of its clock, and records who sent what.
//! Devices merge what they pull by the pure rules in this crate.
//!
//! Every request carries the header [`PROTOCOL_HEADER`]; every request except [`Hello`] and
//! [`JoinRequest`] carries `Authorization: Bearer <device token>`. Errors come back with an HTTP
//! status and an [`ErrorBody`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The protocol this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest protocol a hub of this build serves; an older device is told to update
/// ([`ErrorCode::UpdateRequired`], HTTP 426) and changes nothing.
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// The largest image blob a hub keeps (`PUT /v1/blobs/{sha256}`): 20 MiB, far above what
/// Podium stores (an attached image is re-encoded well under that), and still a bound.
pub const MAX_BLOB_BYTES: u64 = 20 * 1024 * 1024;

/// Whether `name` is a blob's name: a SHA-256 in 64 lower-case hex digits.
pub fn is_blob_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The request header that names the protocol a device speaks.
pub const PROTOCOL_HEADER: &str = "Podium-Protocol";

/// The most changes one push may carry, and the most one pulled page holds.
pub const MAX_PAGE: usize = 500;

/// The longest a pull may wait for news (`wait` seconds) before answering with none.
pub const MAX_WAIT_SECS: u64 = 30;

/// The hub's default address: this machine, port 8730.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8730";

/// `GET /v1/hello`, without authentication: what a device asks before joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The protocol the hub speaks, and the oldest it still serves.
    pub protocol: u32,
    pub min_protocol: u32,
    /// The workspace's id (a UUID), the same from every hub process on one database.
    pub workspace: String,
}

/// A member's role, enforced by the hub on every pushed change ([`crate::approval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Executive,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Executive => "executive",
            Role::Assistant => "assistant",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "executive" => Ok(Role::Executive),
            "assistant" => Ok(Role::Assistant),
            other => Err(format!(
                "{other:?} is not a role: use executive or assistant"
            )),
        }
    }
}

/// `POST /v1/join`, without authentication: a device joins with a one-time invite code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    /// How the device calls itself ("Kari's laptop"), shown in the member list.
    pub device_name: String,
}

/// The hub's answer to a join: the device's token (kept in the OS keyring; the hub keeps only
/// its hash) and who the device belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinAnswer {
    pub workspace: String,
    pub device_id: String,
    pub token: String,
    pub member: Member,
}

/// A member of the workspace and their devices (`GET /v1/members` answers `Vec<Member>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub devices: Vec<Device>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub name: String,
    /// RFC 3339. Revoked devices are left out of the list.
    pub joined_at: String,
    /// RFC 3339 time of the device's latest request, if any.
    #[serde(default)]
    pub last_seen: Option<String>,
}

/// What a change does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// One change as a device pushes it: one row of the device's change log.
///
/// `hlc` is the change's hybrid-logical-clock stamp ([`crate::clock::Stamp`] as text). It names
/// the change: a stamp is unique (it carries the device's node) and every local edit gets a new
/// one, so the hub answers a replayed stamp with [`PushStatus::Duplicate`] and stores nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// `draft`, `revision`, `goal`, `account`, `outbox`, … (the device's table, singular).
    pub entity: String,
    /// The row's UUID.
    pub id: String,
    pub op: Op,
    pub hlc: String,
    /// The changed fields and their new values (all of them for an insert). Never a secret.
    pub fields: Map<String, Value>,
    /// For a change to a merged text field (a draft's `text` or `variants`): the cursor of the
    /// newest change to that row's text this device had applied when the edit was made (0 for a
    /// row the hub has not seen). The hub accepts the text only if no newer text change to the
    /// row has arrived since; otherwise it answers [`PushStatus::Stale`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<u64>,
}

/// `POST /v1/changes`: up to [`MAX_PAGE`] changes, applied by the hub in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

/// What became of one pushed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Stored; `cursor` is its place in the hub's order.
    Accepted,
    /// This stamp was stored before (a replay); nothing changed.
    Duplicate,
    /// A text change made on a text the hub has since replaced: pull, merge, push again.
    Stale,
    /// Refused for good or until something changes; `code` says why (e.g.
    /// [`ErrorCode::ClockAhead`], [`ErrorCode::Forbidden`]).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub hlc: String,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For a change refused as [`ErrorCode::Forbidden`]: why, as a
    /// [`crate::reason::Reason`] (`{code, data}`; kept as JSON so a code a newer hub sends does
    /// not break the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Value>,
    /// For a change refused as [`ErrorCode::Forbidden`]: the hub's copy of what it tried to
    /// change, which the device takes back (it "rolls back to the hub's").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<HubCopy>,
}

/// The hub's copy of a row's fields, from the newest accepted change of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubCopy {
    /// Whether the hub has the row at all (an insert it accepted, and no delete after it).
    pub exists: bool,
    /// Per field asked about that the hub has: `{"value": …, "hlc": "…"}`.
    pub fields: Map<String, Value>,
}

/// `GET /v1/audit?after=CURSOR&limit=N` (everything, oldest first) or `?entry=ID` (one
/// outbox entry and its draft): who did what and when, as the hub recorded it from
/// authenticated pushes — a device cannot forge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// The change's place in the hub's log.
    pub cursor: u64,
    /// RFC 3339, the hub's clock when it accepted the change.
    pub at: String,
    pub member: String,
    pub device: String,
    /// `created`, `edited`, `scheduled`, `rescheduled`, `approved`, `changes_requested`,
    /// `awaiting`, `published`, `unscheduled`, `commented`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
}

/// The answer to a push: one result per change, in the request's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAnswer {
    pub results: Vec<PushResult>,
    /// The hub's clock when it answered (ms since the epoch), so a device can tell how far its
    /// own clock is off.
    pub hub_time_ms: u64,
}

/// `GET /v1/changes?after=CURSOR&limit=N&wait=SECS`: the changes after `after`, oldest first.
/// With `wait`, the hub holds the request open up to that many seconds (at most
/// [`MAX_WAIT_SECS`]) until there is something newer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullAnswer {
    pub changes: Vec<Pulled>,
    /// The cursor of the last change in this page (or `after` when empty): the next `after`.
    pub cursor: u64,
    /// More changes wait after this page.
    pub more: bool,
    pub hub_time_ms: u64,
}

/// A change as the hub hands it out: the pushed change, its place in the order, and who sent it
/// (recorded by the hub from the authenticated request: a device cannot forge it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    pub cursor: u64,
    pub device_id: String,
    pub member_id: String,
    #[serde(flatten)]
    pub change: Change,
}

/// Why the hub refused a request or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The device speaks an older protocol than the hub serves (HTTP 426).
    UpdateRequired,
    /// No token, an unknown token, or a revoked device (HTTP 401).
    Unauthorized,
    /// The invite code is unknown, used or expired (HTTP 403 on join).
    BadCode,
    /// The member's role does not allow this change.
    Forbidden,
    /// The change's stamp is more than [`crate::clock::MAX_AHEAD_MS`] ahead of the hub's clock.
    ClockAhead,
    /// The request or a change does not parse or breaks a limit (HTTP 400).
    BadRequest,
    /// Something failed on the hub (HTTP 500); the device retries later.
    Internal,
}

/// The JSON body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// In plain English, for logs and the CLI; the app words it from `error`.
    pub message: String,
}

/// A one-time invite code as a person passes it on: one word, no spaces.
///
/// `{secret}` — 32 lowercase hex digits (128 random bits) — or, for a hub with a self-signed
/// certificate, `{secret}-{pin}` where `pin` is the SHA-256 of the certificate (DER) in 64
/// lowercase hex digits, which the device then pins instead of trusting the system's roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode {
    pub secret: String,
    pub pin: Option<String>,
}

impl std::fmt::Display for InviteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pin {
            Some(pin) => write!(f, "{}-{pin}", self.secret),
            None => f.write_str(&self.secret),
        }
    }
}

impl std::str::FromStr for InviteCode {
    type Err = String;

    fn from_str(s: &str) -> Result<InviteCode, String> {
        let s = s.trim();
        let hex = |part: &str, len: usize| {
            part.len() == len && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        };
        let (secret, pin) = match s.split_once('-') {
            Some((secret, pin)) => (secret, Some(pin)),
            None => (s, None),
        };
        if !hex(secret, 32) || pin.is_some_and(|p| !hex(p, 64)) {
            return Err(
                "this is not an invite code: copy the whole code podium-hub invite printed \
                 (32 or 97 letters and digits)"
                    .to_owned(),
            );
        }
        Ok(InviteCode {
            secret: secret.to_owned(),
            pin: pin.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pulled_change_is_the_pushed_change_with_its_cursor_and_sender_beside_it() {
        let mut fields = Map::new();
        fields.insert("text".into(), Value::from("Hello"));
        let pulled = Pulled {
            cursor: 7,
            device_id: "d".into(),
            member_id: "m".into(),
            change: Change {
                entity: "draft".into(),
                id: "0193".into(),
                op: Op::Update,
                hlc: "0000000000001-0000-0000000000000001".into(),
                fields,
                base: Some(3),
            },
        };
        let json = serde_json::to_value(&pulled).unwrap_or_default();
        assert_eq!(json["cursor"], 7);
        assert_eq!(json["entity"], "draft");
        assert_eq!(json["op"], "update");
        assert_eq!(json["base"], 3);
        let back: Pulled = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, pulled);
    }

    #[test]
    fn an_invite_code_reads_back_with_and_without_its_certificate_pin() {
        let bare = InviteCode {
            secret: "0123456789abcdef0123456789abcdef".into(),
            pin: None,
        };
        assert_eq!(bare.to_string().parse::<InviteCode>(), Ok(bare.clone()));
        let pinned = InviteCode {
            pin: Some("ab".repeat(32)),
            ..bare
        };
        assert_eq!(pinned.to_string().parse::<InviteCode>(), Ok(pinned));
        assert!("0123456789ABCDEF0123456789abcdef"
            .parse::<InviteCode>()
            .is_err());
        assert!("0123456789abcdef 0123456789abcdef"
            .parse::<InviteCode>()
            .is_err());
    }

    #[test]
    fn roles_read_only_the_two_names() {
        assert_eq!("executive".parse::<Role>(), Ok(Role::Executive));
        assert!("admin".parse::<Role>().is_err());
    }
}
