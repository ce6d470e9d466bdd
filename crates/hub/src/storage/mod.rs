//! Where the hub keeps its log, members, devices and invites: one trait, two backends.
//!
//! [`SqliteStorage`] is the default (one file, nothing to install); [`PostgresStorage`] is for a
//! hub on a server, and several `podium-hub` processes may serve one PostgreSQL database at once
//! — neither backend keeps anything in memory that another process would need. Both pass the
//! same suite (`tests/storage.rs`). The rules for a pushed change are [`crate::rules::judge`];
//! a backend only looks up what the rules need, inside the push's one transaction, and assigns
//! cursors so that no reader ever sees cursor N+1 before N is committed (pushes are serialised:
//! SQLite has one writer, PostgreSQL takes an advisory transaction lock).

use std::future::Future;

use chrono::{DateTime, SecondsFormat, Utc};
use podium_core::sync::{Change, Member, Pulled, PushResult, PushStatus, Role};

use crate::Result;

mod postgres;
mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// How long an invite code is good for: 7 days.
pub const INVITE_LIFETIME_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// How often a device's `last_seen` is written at most (every request would make every read a
/// write).
pub const LAST_SEEN_EVERY_MS: u64 = 60_000;

/// An authenticated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authed {
    pub device_id: String,
    pub member_id: String,
    pub role: Role,
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    Device(Authed),
    Unknown,
    Revoked,
}

/// A new invite: the secret is shown once (as an [`podium_core::sync::InviteCode`]) and only its
/// hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invited {
    pub member_id: String,
    pub secret: String,
    pub expires_at_ms: u64,
}

/// A device that joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub device_id: String,
    pub member: Member,
}

/// A device as the hub records it, revoked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: String,
    pub member_id: String,
    pub revoked: bool,
}

/// One page of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub changes: Vec<Pulled>,
    pub more: bool,
}

/// Told of the newest cursor after a push through any process; answers `false` once no one
/// wants to hear any more.
pub type News = std::sync::Arc<dyn Fn(u64) -> bool + Send + Sync>;

/// The hub's storage. Every method is one transaction; `now_ms` is the hub's clock, passed in so
/// tests can move it.
/// (Sign-ins and leases are [`crate::lease::Leases`], part of every storage.)
/// (Image blobs are [`crate::blob::Blobs`], part of every storage too.)
pub trait Storage: crate::lease::Leases + crate::blob::Blobs + Send + Sync + 'static {
    /// The workspace's id, made when the database was created.
    fn workspace(&self) -> impl Future<Output = Result<String>> + Send;

    /// Makes (or finds, by name) a member with `role` and a one-time invite for one device.
    fn invite(
        &self,
        name: &str,
        role: Role,
        now_ms: u64,
    ) -> impl Future<Output = Result<Invited>> + Send;

    /// Uses the invite whose secret hashes to `secret_hash` — unknown, used or expired is `None`
    /// — and records a device with the token hash.
    fn join(
        &self,
        secret_hash: &str,
        device_name: &str,
        token_hash: &str,
        now_ms: u64,
    ) -> impl Future<Output = Result<Option<Joined>>> + Send;

    fn authenticate(
        &self,
        token_hash: &str,
        now_ms: u64,
    ) -> impl Future<Output = Result<Auth>> + Send;

    /// Judges and stores `changes` in order, in one transaction.
    fn push(
        &self,
        device: &Authed,
        changes: &[Change],
        now_ms: u64,
    ) -> impl Future<Output = Result<Vec<PushResult>>> + Send;

    /// Up to `limit` changes after `after`, oldest first.
    fn pull(&self, after: u64, limit: usize) -> impl Future<Output = Result<Page>> + Send;

    /// The newest cursor (0 for an empty log).
    fn head(&self) -> impl Future<Output = Result<u64>> + Send;

    /// Every member, with their devices that are not revoked.
    fn members(&self) -> impl Future<Output = Result<Vec<Member>>> + Send;

    fn device(&self, id: &str) -> impl Future<Output = Result<Option<DeviceRecord>>> + Send;

    /// The certificate pin the hub last served with (`serve --tls-cert` with a self-signed
    /// certificate), which `invite` puts in the code.
    fn pin(&self) -> impl Future<Output = Result<Option<String>>> + Send;

    fn set_pin(&self, pin: Option<&str>) -> impl Future<Output = Result<()>> + Send;

    /// Starts telling `news` of pushes through any process on this database, as they commit,
    /// if the database can (`true`); otherwise the hub reads [`Storage::head`] a few times a
    /// second.
    fn listen(&self, news: News) -> bool {
        let _ = news;
        false
    }

    /// Revokes a device: its token stops working at once. `false` when there is no such device.
    fn revoke(&self, device_id: &str, now_ms: u64) -> impl Future<Output = Result<bool>> + Send;

    /// The audit trail ([`crate::audit`]) of one outbox entry and its draft (`Some(id)`), or
    /// of the whole workspace, oldest first.
    fn audit(
        &self,
        entry: Option<&str>,
    ) -> impl Future<Output = Result<Vec<podium_core::sync::AuditEvent>>> + Send;
}

/// Milliseconds since the epoch, as the hub's clock reads them.
pub fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
}

/// `ms` as RFC 3339 text, as the database keeps times.
pub(crate) fn rfc3339(ms: u64) -> String {
    DateTime::<Utc>::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX))
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(crate::Error::BadName);
    }
    Ok(name.to_owned())
}

pub(crate) fn role_of(s: &str) -> Result<Role> {
    s.parse()
        .map_err(|_| crate::Error::Corrupt(format!("unknown role {s:?}")))
}

pub(crate) fn op_of(s: &str) -> Result<podium_core::sync::Op> {
    serde_json::from_value(serde_json::Value::from(s))
        .map_err(|_| crate::Error::Corrupt(format!("unknown op {s:?}")))
}

pub(crate) fn op_str(op: podium_core::sync::Op) -> &'static str {
    match op {
        podium_core::sync::Op::Insert => "insert",
        podium_core::sync::Op::Update => "update",
        podium_core::sync::Op::Delete => "delete",
    }
}

pub(crate) fn fields_of(s: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(s).map_err(|e| crate::Error::Corrupt(format!("a change's fields: {e}")))
}

/// A push's answer for one change.
pub(crate) fn result(
    change: &Change,
    status: PushStatus,
    cursor: Option<u64>,
    refused: Option<(podium_core::sync::ErrorCode, String)>,
) -> PushResult {
    let (code, message) = match refused {
        Some((code, message)) => (Some(code), Some(message)),
        None => (None, None),
    };
    PushResult {
        hlc: change.hlc.clone(),
        status,
        cursor,
        code,
        message,
        reason: None,
        current: None,
    }
}

/// A push's answer for a change its sender's role does not allow: why, as a reason the device
/// words, and the hub's copy it takes back.
pub(crate) fn forbidden(
    change: &Change,
    why: &podium_core::reason::Reason,
    current: podium_core::sync::HubCopy,
) -> PushResult {
    PushResult {
        reason: serde_json::to_value(why).ok(),
        current: Some(current),
        ..result(
            change,
            PushStatus::Refused,
            None,
            Some((podium_core::sync::ErrorCode::Forbidden, why.to_string())),
        )
    }
}
