//! One publisher across devices (issue 12, item 7): the hub's leases and sign-ins, as the JSON
//! devices and `podium-hub` exchange (routes under `/v1/leases` and `/v1/signins`).
//!
//! An account may be connected on several devices of a team. Each due entry is then *claimed*
//! on the hub before it is sent: the hub grants a lease with a fencing token (a number that
//! grows with every grant) by one conditional update, and refuses every later step that does
//! not carry the current token. The hub also keeps each entry's parts with their keys (a
//! Bluesky record key, a Mastodon Idempotency-Key) and how far each got, so a device that takes
//! over a lapsed lease settles what may have gone out with the same keys, never blindly.
//!
//! Which devices hold an account's sign-in is reported by each device (the list of account
//! keys it holds, replacing what it said before); an account is named across devices by
//! [`account_key`], never by its row id (two devices that connected it before joining have two
//! rows until sync folds them into one).
//!
//! Pure types and rules only: no I/O.

use serde::{Deserialize, Serialize};

/// How long a lease lasts unless the holder renews it with a step: long enough for one request
/// (a request times out after 30 s), short enough that a killed device's posts go out soon.
pub const LEASE_MS: u64 = 60_000;

/// The shortest and longest lease a device may ask for.
pub const MIN_LEASE_MS: u64 = 1_000;
pub const MAX_LEASE_MS: u64 = 600_000;

/// An account as every device names it: its network, its server and its id there.
pub fn account_key(network: &str, service: &str, remote_id: &str) -> String {
    format!("{network} {} {remote_id}", service.trim_end_matches('/'))
}

/// Where an entry stands on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeaseOutcome {
    /// Not settled: free, or held by the lease's holder until it expires.
    Open,
    Sent,
    Failed,
    /// The holder could not tell whether it went out: the person decides.
    Unknown,
}

impl LeaseOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseOutcome::Open => "open",
            LeaseOutcome::Sent => "sent",
            LeaseOutcome::Failed => "failed",
            LeaseOutcome::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<LeaseOutcome> {
        match s {
            "open" => Some(LeaseOutcome::Open),
            "sent" => Some(LeaseOutcome::Sent),
            "failed" => Some(LeaseOutcome::Failed),
            "unknown" => Some(LeaseOutcome::Unknown),
            _ => None,
        }
    }

    /// Whether nothing more will happen to it without the person.
    pub fn is_settled(self) -> bool {
        self != LeaseOutcome::Open
    }
}

/// How far one part got, as the hub keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeasePartState {
    Pending,
    /// Its request may have left: settle it (same key) before sending again.
    Sending,
    Sent,
}

/// One part of an entry on the hub: its text and key, fixed by the first claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeasePart {
    pub text: String,
    pub key: String,
    pub state: LeasePartState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_cid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_url: Option<String>,
}

/// `POST /v1/leases/claim`: the right to send `entry_id` now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    pub entry_id: String,
    pub account_key: String,
    /// The parts this device would send (text and a fresh key each); the hub keeps them only
    /// when the entry has none yet, and answers the ones it keeps.
    pub parts: Vec<LeasePart>,
    /// How long the lease should last (clamped to [`MIN_LEASE_MS`]..=[`MAX_LEASE_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_ms: Option<u64>,
}

/// What one step of a lease holder tells the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum LeaseStep {
    /// Part `idx`'s request is about to leave (also renews the lease).
    Sending { idx: u32 },
    /// Part `idx` is out.
    Sent {
        idx: u32,
        remote_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remote_cid: Option<String>,
        remote_url: String,
    },
    /// Only renews the lease.
    Renew {},
}

/// `POST /v1/leases/step`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRequest {
    pub entry_id: String,
    pub token: u64,
    /// How long the renewed lease should last (as in [`ClaimRequest::lease_ms`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_ms: Option<u64>,
    #[serde(flatten)]
    pub step: LeaseStep,
}

/// How an entry ended, as the holder reports it the moment it settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// `sent`, `failed` or `unknown`; `open` gives the entry back (to be tried again later).
    pub outcome: LeaseOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_url: Option<String>,
    /// Why it failed or is unclear: a `podium_core::reason::Reason` code, its data (JSON), and
    /// the English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /v1/leases/settle`. Without a token it is a device that published alone (the account
/// was connected only there, or it was offline): accepted only while no one else holds a lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettleRequest {
    pub entry_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_key: Option<String>,
    #[serde(flatten)]
    pub settlement: Settlement,
}

/// An entry as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseState {
    pub entry_id: String,
    pub outcome: LeaseOutcome,
    /// The device holding the lease (or that settled it), and its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// When the current lease ends (ms since the epoch; 0 when none was granted).
    pub expires_ms: u64,
    /// The newest token granted (0: never claimed).
    pub token: u64,
    pub parts: Vec<LeasePart>,
    /// How it ended (its `outcome` is this state's), with the post's address or the reason.
    pub settlement: Settlement,
}

/// Every lease route's answer: whether the step was taken, with the entry as the hub has it
/// now — so a device refused is told who holds it or how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseAnswer {
    pub granted: bool,
    pub state: LeaseState,
    pub hub_time_ms: u64,
}

/// `POST /v1/leases/states`: how these entries stand (unknown ones are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatesRequest {
    pub entry_ids: Vec<String>,
}

/// The most entries one [`StatesRequest`] may name.
pub const MAX_STATES: usize = 500;

/// `PUT /v1/signins`: every account whose sign-in this device holds now (replaces what it said
/// before; an empty list: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigninsRequest {
    pub account_keys: Vec<String>,
}

/// One device holding an account's sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signin {
    pub account_key: String,
    pub device_id: String,
    pub device_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_the_same_key_with_or_without_a_trailing_slash_on_its_server() {
        assert_eq!(
            account_key("mastodon", "https://m.example/", "7"),
            account_key("mastodon", "https://m.example", "7")
        );
        assert_ne!(
            account_key("mastodon", "https://m.example", "7"),
            account_key("mastodon", "https://n.example", "7")
        );
    }

    #[test]
    fn a_lease_state_reads_back_as_it_was_written() {
        let state = LeaseState {
            entry_id: "e".into(),
            outcome: LeaseOutcome::Sent,
            device_id: Some("d".into()),
            device_name: Some("Kari (server)".into()),
            expires_ms: 0,
            token: 2,
            parts: Vec::new(),
            settlement: Settlement {
                outcome: LeaseOutcome::Sent,
                remote_id: Some("1".into()),
                remote_url: Some("u".into()),
                reason_code: None,
                reason_data: None,
                error: None,
            },
        };
        let text = serde_json::to_string(&state).unwrap_or_default();
        let back: LeaseState =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, state);
    }

    #[test]
    fn a_step_reads_as_the_hub_expects_it() {
        let step: StepRequest = serde_json::from_str(
            r#"{"entry_id":"e","token":3,"step":"sent","idx":0,"remote_id":"1","remote_url":"u"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(step.token, 3);
        assert!(matches!(step.step, LeaseStep::Sent { idx: 0, .. }));
    }
}
