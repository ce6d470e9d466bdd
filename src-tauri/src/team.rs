//! The team hub as the app reaches it: joining, one sync round, the members, leaving, and the
//! conflicts — each a call into `podium-sync` or the store's sync side, and their errors as the
//! window words them.
//!
//! Until the client crate lands this answers "not joined" everywhere, so the window's Team
//! panel, sync chip and conflict view work against the real commands from the start.

use podium_core::sync::{Member, Role};
use podium_store::{Conflict, Draft, Keep, Store};
use serde::Serialize;
use serde_json::json;

use crate::commands::CommandError;

/// Why a sync call did not go through.
#[derive(Debug, Clone)]
#[allow(dead_code)] // Unreachable comes with podium-sync
pub enum Problem {
    /// This device has not joined a team.
    NotJoined,
    /// The hub could not be reached: working offline.
    Unreachable { hub: String, why: String },
    /// Anything else, as the window words it.
    Other(CommandError),
}

impl Problem {
    pub fn into_error(self) -> CommandError {
        match self {
            Problem::NotJoined => CommandError::new(
                "not_joined",
                serde_json::Value::Null,
                "this device has not joined a team: join one in Settings → Team",
            ),
            Problem::Unreachable { hub, why } => CommandError::new(
                "hub_unreachable",
                json!({ "hub": hub, "detail": why }),
                format!("the team hub {hub} cannot be reached ({why}); Podium keeps working and syncs when it is back"),
            ),
            Problem::Other(error) => error,
        }
    }
}

/// Who this device is in its team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    pub hub: String,
    pub member_name: String,
    pub role: Role,
    pub device_id: String,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Round {
    pub pushed: u64,
    pub pulled: u64,
    pub conflicts: u64,
}

fn store_problem(error: podium_store::Error) -> Problem {
    Problem::Other(CommandError::from(error))
}

pub fn identity(store: &Store) -> Result<Option<Identity>, Problem> {
    let found = store.sync_identity().map_err(store_problem)?;
    Ok(found.map(|id| Identity {
        hub: id.hub,
        member_name: id.member_name,
        role: id.role,
        device_id: id.device_id,
    }))
}

/// Changes made here the hub does not have yet (0 when that cannot be read).
pub fn pending(store: &Store) -> u64 {
    store.sync_pending().unwrap_or(0)
}

/// Conflict copies waiting for the user (0 when that cannot be read).
pub fn conflict_count(store: &Store) -> u64 {
    store.conflicts().map_or(0, |c| c.len() as u64)
}

pub fn join(
    _store: &mut Store,
    _hub: &str,
    _code: &str,
    _device: &str,
) -> Result<Identity, Problem> {
    Err(Problem::Other(CommandError::new(
        "sync_unavailable",
        serde_json::Value::Null,
        "this Podium cannot join a team yet",
    )))
}

pub fn round(_store: &mut Store) -> Result<Round, Problem> {
    Err(Problem::NotJoined)
}

pub fn members(_store: &Store) -> Result<Vec<Member>, Problem> {
    Err(Problem::NotJoined)
}

/// Leaves the team on this device: its drafts stay; nothing syncs any more.
pub fn leave(store: &mut Store) -> Result<(), Problem> {
    store.forget_sync_identity().map_err(store_problem)
}

pub fn conflicts(store: &Store) -> Result<Vec<Conflict>, Problem> {
    store.conflicts().map_err(store_problem)
}

pub fn resolve(store: &mut Store, copy_id: &str, keep: Keep) -> Result<Draft, Problem> {
    store.resolve_conflict(copy_id, keep).map_err(store_problem)
}

/// Waits (up to `secs`) for the hub to have changes after this device's cursor: `Ok(true)`
/// when it has.
pub fn wait_for_news(_store: &Store, _secs: u64) -> Result<bool, Problem> {
    Err(Problem::NotJoined)
}

/// This machine's name, for the member list ("Kari's laptop" is what people recognise).
pub fn device_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Podium".to_owned())
}
