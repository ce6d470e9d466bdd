//! The team hub as the app reaches it: joining, one sync round, the members, leaving, and the
//! conflicts — each a call into `podium-sync` or the store's sync side, and their errors as the
//! window words them.
//!

use podium_core::sync::{Member, Role};
use podium_store::{Conflict, Draft, Keep, Store};
use serde::Serialize;
use serde_json::{json, Value};

use crate::commands::CommandError;

/// Why a sync call did not go through.
#[derive(Debug, Clone)]
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

fn store_problem(error: podium_store::Error) -> Problem {
    Problem::Other(CommandError::from(error))
}

impl From<podium_sync::Error> for Problem {
    fn from(error: podium_sync::Error) -> Problem {
        use podium_sync::Error as E;
        let message = error.to_string();
        let (kind, data) = match error {
            E::NotJoined => return Problem::NotJoined,
            E::Unreachable { hub, why } => return Problem::Unreachable { hub, why },
            E::Store(e) => return store_problem(e),
            E::UpdateRequired => ("update_required", Value::Null),
            E::Revoked => ("revoked", Value::Null),
            E::BadCode => ("bad_code", Value::Null),
            E::ClockAhead { ahead_ms } => (
                "clock_ahead",
                json!({ "minutes": ahead_ms.div_ceil(60_000) }),
            ),
            E::Hub { code, message } => ("hub", json!({ "code": code, "detail": message })),
            E::Invalid(detail) => ("invalid", json!({ "detail": detail })),
            E::Keyring(detail) => ("keyring", json!({ "detail": detail })),
        };
        Problem::Other(CommandError::new(kind, data, message))
    }
}

pub fn identity(store: &Store) -> Result<Option<Identity>, Problem> {
    let found = store.sync_identity().map_err(store_problem)?;
    Ok(found.map(Identity::from))
}

impl From<podium_store::SyncIdentity> for Identity {
    fn from(id: podium_store::SyncIdentity) -> Identity {
        Identity {
            hub: id.hub,
            member_name: id.member_name,
            role: id.role,
            device_id: id.device_id,
        }
    }
}

/// Changes made here the hub does not have yet (0 when that cannot be read).
pub fn pending(store: &Store) -> u64 {
    store.sync_pending().unwrap_or(0)
}

/// The newest change the hub refused for this member's role (rolled back here), as the
/// window's problem: kind `forbidden`, `data.reason` its reason.
pub fn forbidden(store: &Store) -> Option<CommandError> {
    let (entity, id, reason) = store.sync_forbidden(1).ok()?.into_iter().next()?;
    Some(CommandError::new(
        "forbidden",
        json!({ "reason": reason, "entity": entity, "id": id, "detail": reason.to_string() }),
        reason.to_string(),
    ))
}

/// Conflict copies waiting for the user (0 when that cannot be read).
pub fn conflict_count(store: &Store) -> u64 {
    store.conflicts().map_or(0, |c| c.len() as u64)
}

/// Joins the team at `hub` with a one-time `code`; the device token goes to the keyring.
pub fn join(store: &mut Store, hub: &str, code: &str, device: &str) -> Result<Identity, Problem> {
    Ok(podium_sync::join(store, hub, code, device)?.into())
}

/// One round: pull and merge, push, pull what the push made.
pub fn round(store: &mut Store) -> Result<podium_sync::Round, Problem> {
    Ok(podium_sync::round(store)?)
}

pub fn members(store: &Store) -> Result<Vec<Member>, Problem> {
    Ok(podium_sync::members(store)?)
}

/// A one-time invite code for a new member (the hub makes it for an executive only).
pub fn invite(store: &Store, name: &str, role: Role) -> Result<podium_sync::Invite, Problem> {
    Ok(podium_sync::invite(store, name, role)?)
}

/// Removes a device from the team.
pub fn remove_device(store: &Store, device_id: &str) -> Result<(), Problem> {
    Ok(podium_sync::remove_device(store, device_id)?)
}

/// Removes a member's access: all their devices.
pub fn remove_member(store: &Store, member_id: &str) -> Result<(), Problem> {
    Ok(podium_sync::remove_member(store, member_id)?)
}

/// Leaves the team on this device: the hub forgets the device when it can be reached, the
/// keyring its token; its drafts stay.
pub fn leave(store: &mut Store) -> Result<(), Problem> {
    Ok(podium_sync::leave(store)?)
}

pub fn conflicts(store: &Store) -> Result<Vec<Conflict>, Problem> {
    store.conflicts().map_err(store_problem)
}

pub fn resolve(store: &mut Store, copy_id: &str, keep: Keep) -> Result<Draft, Problem> {
    store.resolve_conflict(copy_id, keep).map_err(store_problem)
}

/// The hub's long poll for this device, and the device it was made for (a new one is made
/// after joining again).
pub struct Listening {
    device_id: String,
    listener: podium_sync::Listener,
}

impl std::fmt::Debug for Listening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listening")
            .field("device_id", &self.device_id)
            .finish()
    }
}

/// The hub cursor this device has applied up to.
pub fn cursor(store: &Store) -> u64 {
    store.sync_cursor().unwrap_or(0)
}

/// Waits (up to `secs`) for the hub to have changes after `cursor`: `Ok(true)` when it has.
/// `listening` keeps the connection between calls.
pub fn wait_for_news(
    store: &Store,
    listening: &mut Option<Listening>,
    cursor: u64,
    secs: u64,
) -> Result<bool, Problem> {
    let Some(id) = store.sync_identity().map_err(store_problem)? else {
        *listening = None;
        return Err(Problem::NotJoined);
    };
    if listening
        .as_ref()
        .is_none_or(|l| l.device_id != id.device_id)
    {
        *listening = Some(Listening {
            listener: podium_sync::Listener::new(store)?,
            device_id: id.device_id,
        });
    }
    match listening.as_ref() {
        Some(l) => Ok(l.listener.wait(cursor, secs)?),
        None => Err(Problem::NotJoined),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_syncing_can_fail_reaches_the_window_as_a_kind_it_has_words_for() {
        use podium_sync::Error as E;
        let errors = [
            E::NotJoined,
            E::Unreachable {
                hub: "http://127.0.0.1:8730/".into(),
                why: "connection refused".into(),
            },
            E::UpdateRequired,
            E::Revoked,
            E::BadCode,
            E::ClockAhead { ahead_ms: 330_000 },
            E::Hub {
                code: podium_core::sync::ErrorCode::Internal,
                message: "m".into(),
            },
            E::Invalid("i".into()),
            E::Store(podium_store::Error::NoDraft("d".into())),
            E::Keyring("k".into()),
        ];
        let words = crate::commands::tests::ui_words().join("\n");
        for error in errors {
            let sent = Problem::from(error).into_error();
            let key = format!("\"error.{}\":", sent.kind);
            assert_eq!(
                words.matches(&key).count(),
                2,
                "{key} in English and Norwegian"
            );
            if sent.kind == "clock_ahead" {
                assert_eq!(sent.data["minutes"], 6, "5½ minutes ahead is told as 6");
            }
        }
    }

    #[test]
    fn a_hub_that_cannot_be_reached_is_offline_not_an_error() {
        let problem = Problem::from(podium_sync::Error::Unreachable {
            hub: "http://127.0.0.1:8730/".into(),
            why: "connection refused".into(),
        });
        assert!(matches!(problem, Problem::Unreachable { .. }));
    }
}
