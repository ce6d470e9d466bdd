//! Joining a team, one sync round, the status, the members, and the long-poll listener.

use chrono::{SecondsFormat, Utc};
use podium_core::clock::{Stamp, MAX_AHEAD_MS};
use podium_core::sync::{
    Change, ErrorCode, InviteCode, Member, PushStatus, Role, MAX_PAGE, MAX_WAIT_SECS,
    PROTOCOL_VERSION,
};
use podium_store::{Store, SyncIdentity};
use serde::Serialize;

use crate::client::Hub;
use crate::{token, Error, Result};

/// What one round did: changes this device pushed (the hub stored them, or had them already),
/// changes from other devices it pulled and applied (its own coming back are not counted), and
/// conflict copies it made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    pub pushed: u64,
    pub pulled: u64,
    pub conflicts: u64,
    /// Another device changed an approval, scheduled a post or commented.
    pub approvals: bool,
    /// Changes the hub refused for this member's role, rolled back here
    /// (`Store::sync_forbidden` says why).
    pub forbidden: u64,
    /// Images another device attached, fetched from the hub this round.
    pub images: u64,
}

/// How many push-then-pull passes one round makes at most: a pass repeats only while the hub
/// answered "stale" (another device's text arrived first: pull, merge, push the merge) and the
/// round makes progress, so two devices racing each other cannot keep a round going for ever.
pub const MAX_PASSES: usize = 5;

/// This device's sync state, from the store alone (asks the hub nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Status {
    pub joined: bool,
    /// The hub's address.
    pub hub: Option<String>,
    pub workspace: Option<String>,
    pub member_id: Option<String>,
    /// The member this device belongs to, and their role.
    pub member: Option<String>,
    pub role: Option<Role>,
    /// This device's id on the hub.
    pub device: Option<String>,
    /// Changes made here that the hub does not have yet.
    pub pending: u64,
    /// Of those, the ones the hub refused (they wait; `refused_reason` says why, in the hub's
    /// words, for the first of them).
    pub refused: u64,
    pub refused_reason: Option<String>,
    /// Conflict copies waiting for someone to keep one side.
    pub conflicts: u64,
    /// The hub's cursor this device has applied up to.
    pub cursor: u64,
    /// When the last round finished (RFC 3339).
    pub last_synced_at: Option<String>,
    /// Since when the hub has not been reachable (RFC 3339), while it is not.
    pub offline_since: Option<String>,
    /// How far this device's clock is ahead of the hub's, when it is too far (its changes wait).
    pub clock_ahead_ms: Option<u64>,
    /// What the last round failed on, in words, and its kind (`unreachable`, `revoked`, …).
    pub error: Option<String>,
    pub error_kind: Option<String>,
}

const LAST_SYNCED: &str = "sync.last_synced_at";
const OFFLINE_SINCE: &str = "sync.offline_since";
const CLOCK_AHEAD: &str = "sync.clock_ahead_ms";
const LAST_ERROR: &str = "sync.error";
const LAST_ERROR_KIND: &str = "sync.error_kind";

/// Joins the team of the hub at `hub` with an invite `code`, as a device called `device_name`:
/// the hub's token goes to the keyring (under this device's id), who this device is to the
/// store. Local drafts made before joining are pushed by the first round.
pub fn join(store: &mut Store, hub: &str, code: &str, device_name: &str) -> Result<SyncIdentity> {
    if let Some(id) = store.sync_identity()? {
        return Err(Error::Invalid(format!(
            "this device is already in the team of the hub at {}: leave it first (a device \
             belongs to one team)",
            id.hub
        )));
    }
    let invite: InviteCode = code.parse().map_err(Error::Invalid)?;
    let device_name = device_name.trim();
    if device_name.is_empty() {
        return Err(Error::Invalid(
            "name this device (e.g. \"Kari's laptop\"): the team sees it in its member list".into(),
        ));
    }
    let client = Hub::new(hub, invite.pin.as_deref())?;
    let hello = client.hello()?;
    if hello.min_protocol > PROTOCOL_VERSION {
        return Err(Error::UpdateRequired);
    }
    // The code is used once: make sure the keyring can take the token before spending it.
    podium_publish::credentials::check().map_err(|e| Error::Keyring(e.to_string()))?;
    let answer = client.join(&invite.to_string(), device_name)?;
    token::save(&answer.device_id, &answer.token)?;
    let identity = SyncIdentity {
        hub: client.address().to_owned(),
        workspace: answer.workspace,
        device_id: answer.device_id,
        member_id: answer.member.id,
        member_name: answer.member.name,
        role: answer.member.role,
        pin: invite.pin,
    };
    store.set_sync_identity(&identity)?;
    for key in [
        LAST_SYNCED,
        OFFLINE_SINCE,
        CLOCK_AHEAD,
        LAST_ERROR,
        LAST_ERROR_KIND,
    ] {
        store.set_setting(key, "")?;
    }
    Ok(identity)
}

/// Leaves the team: the hub forgets this device (if it can be reached), the keyring its token,
/// the store who it was. Drafts stay.
pub fn leave(store: &mut Store) -> Result<()> {
    let Some(id) = store.sync_identity()? else {
        return Ok(());
    };
    if let Ok(hub) = connect(&id) {
        match hub.revoke(&id.device_id) {
            Ok(()) | Err(Error::Revoked | Error::Unreachable { .. }) => {}
            Err(e) => tracing::warn!(error = %e, "the hub did not take this device off its list"),
        }
    }
    token::delete(&id.device_id)?;
    store.forget_sync_identity()?;
    Ok(())
}

/// The hub client of the device `id`, with its token from the keyring.
pub(crate) fn connect(id: &SyncIdentity) -> Result<Hub> {
    let secret = token::load(&id.device_id)?;
    Ok(Hub::new(&id.hub, id.pin.as_deref())?.with_token(secret))
}

fn identity(store: &Store) -> Result<SyncIdentity> {
    store.sync_identity()?.ok_or(Error::NotJoined)
}

/// One whole round: pull every page (the store merges each and saves its cursor with it), push
/// what is pending, and pull again what the push made — repeated while the hub answered
/// "stale" and the round makes progress (at most [`MAX_PASSES`]). After A syncs, B syncs and A
/// syncs, both hold the same text.
///
/// A hub that cannot be reached is [`Error::Unreachable`]: nothing is lost, the changes wait in
/// the store. The status notes (last synced, offline since, the error) are kept in the store.
pub fn round(store: &mut Store) -> Result<Round> {
    let id = identity(store)?;
    let result = connect(&id).and_then(|hub| {
        let done = Pass::new(hub.clone(), id.device_id.clone()).run(store)?;
        // Publishing across devices (issue 12): sign-ins told, outcomes heard. Not worth
        // failing the round for; the next one tries again.
        if let Err(e) = crate::lease::after_round(&hub, store) {
            tracing::warn!(error = %e, "the hub's publishers and outcomes were not read");
        }
        Ok(done)
    });
    note(store, &result)?;
    result
}

/// One round in progress: the hub, this device's id there, and what it has done so far.
struct Pass {
    hub: Hub,
    device: String,
    done: Round,
}

impl Pass {
    fn new(hub: Hub, device: String) -> Pass {
        Pass {
            hub,
            device,
            done: Round::default(),
        }
    }

    fn run(mut self, store: &mut Store) -> Result<Round> {
        self.pull_all(store)?;
        for _ in 0..MAX_PASSES {
            let pushed_before = self.done.pushed;
            let stale = self.push_all(store)?;
            if self.done.pushed == pushed_before && !stale {
                break;
            }
            self.pull_all(store)?;
            if !stale {
                break;
            }
        }
        // Images other devices attached, fetched now so the draft shows them and publishing
        // finds them (one the hub does not have yet comes in a later round).
        let missing = store.missing_media(None)?;
        match crate::media::fetch_with(&self.hub, store, &missing) {
            Ok(kept) => self.done.images = kept as u64,
            Err(e) => tracing::warn!(error = %e, "images were not fetched from the hub"),
        }
        Ok(self.done)
    }

    /// Pulls and applies pages until the hub has no more.
    fn pull_all(&mut self, store: &mut Store) -> Result<()> {
        loop {
            let after = store.sync_cursor()?;
            let page = self.hub.pull(after, MAX_PAGE, None)?;
            let applied = store.sync_apply(&page)?;
            let others = page
                .changes
                .iter()
                .filter(|c| c.cursor > after && c.device_id != self.device)
                .count();
            self.done.pulled += others as u64;
            self.done.conflicts += applied.conflicts.len() as u64;
            self.done.approvals |= applied.approvals;
            // A hub that says "more" without moving on would keep this loop going.
            if !page.more || page.cursor <= after {
                return Ok(());
            }
        }
    }

    /// Pushes pending changes page by page; `true` when the hub answered "stale" to some (they
    /// stay pending: the next pull merges them).
    ///
    /// Changes stamped while this device's clock ran more than 5 minutes ahead are refused by
    /// the hub and wait in the store; once the clock is right again the store stamps them
    /// afresh when it hears the refusal, and they go in the same round.
    fn push_all(&mut self, store: &mut Store) -> Result<bool> {
        let mut pages = 0;
        loop {
            let outgoing = store.sync_outgoing(MAX_PAGE)?;
            if outgoing.is_empty() {
                return Ok(false);
            }
            // An image goes to the hub before the row that names it.
            crate::media::upload_for(&self.hub, store, &outgoing)?;
            let answer = self.hub.push(&outgoing)?;
            let settled = store.sync_settle(&outgoing, &answer)?;
            self.done.pushed += settled.pushed as u64;
            self.done.forbidden += settled.forbidden.len() as u64;
            pages += 1;
            if settled.restamped > 0 && pages < MAX_RESTAMPED_PAGES {
                continue;
            }
            if let Some(ahead_ms) = clock_refusal(&answer.results, &outgoing, answer.hub_time_ms) {
                return Err(Error::ClockAhead { ahead_ms });
            }
            if settled.stale > 0 {
                return Ok(true);
            }
            if !settled.refused.is_empty() || (settled.pushed == 0 && settled.forbidden.is_empty())
            {
                // Refused for a reason that does not pass by itself (the store keeps them
                // and says why); pushing the same again would change nothing.
                return Ok(false);
            }
        }
    }
}

/// Pages pushed again at most in one round after the store stamped them afresh (a bound, in
/// case a clock keeps jumping).
const MAX_RESTAMPED_PAGES: usize = 1_000;

/// How far ahead the first change the hub refused for its clock was, if it refused one.
fn clock_refusal(
    results: &[podium_core::sync::PushResult],
    sent: &[Change],
    hub_time_ms: u64,
) -> Option<u64> {
    let refused = results
        .iter()
        .find(|r| r.status == PushStatus::Refused && r.code == Some(ErrorCode::ClockAhead))?;
    let wall = sent
        .iter()
        .find(|c| c.hlc == refused.hlc)
        .and_then(|c| c.hlc.parse::<Stamp>().ok())
        .map_or(hub_time_ms, |s| s.wall_ms);
    Some(wall.saturating_sub(hub_time_ms).max(MAX_AHEAD_MS))
}

/// Keeps the round's outcome for [`status`]: when it last worked, since when the hub has been
/// out of reach, what failed.
fn note(store: &mut Store, result: &Result<Round>) -> Result<()> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    match result {
        Ok(_) => {
            store.set_setting(LAST_SYNCED, &now)?;
            for key in [OFFLINE_SINCE, CLOCK_AHEAD, LAST_ERROR, LAST_ERROR_KIND] {
                store.set_setting(key, "")?;
            }
        }
        Err(e) => {
            if matches!(e, Error::Unreachable { .. }) {
                if store.setting(OFFLINE_SINCE)?.unwrap_or_default().is_empty() {
                    store.set_setting(OFFLINE_SINCE, &now)?;
                }
            } else {
                store.set_setting(OFFLINE_SINCE, "")?;
            }
            let ahead = match e {
                Error::ClockAhead { ahead_ms } => ahead_ms.to_string(),
                _ => String::new(),
            };
            store.set_setting(CLOCK_AHEAD, &ahead)?;
            store.set_setting(LAST_ERROR, &e.to_string())?;
            store.set_setting(LAST_ERROR_KIND, e.kind())?;
        }
    }
    Ok(())
}

/// This device's sync state, from the store alone.
pub fn status(store: &Store) -> Result<Status> {
    let note =
        |key: &str| -> Result<Option<String>> { Ok(store.setting(key)?.filter(|v| !v.is_empty())) };
    let conflicts = store.conflicts()?.len() as u64;
    let Some(id) = store.sync_identity()? else {
        return Ok(Status {
            conflicts,
            ..Status::default()
        });
    };
    let refused = store.sync_refused()?;
    Ok(Status {
        joined: true,
        refused: refused.len() as u64,
        refused_reason: refused.first().map(|(_, _, message)| message.clone()),
        hub: Some(id.hub),
        workspace: Some(id.workspace),
        member_id: Some(id.member_id),
        member: Some(id.member_name),
        role: Some(id.role),
        device: Some(id.device_id),
        pending: store.sync_pending()?,
        conflicts,
        cursor: store.sync_cursor()?,
        last_synced_at: note(LAST_SYNCED)?,
        offline_since: note(OFFLINE_SINCE)?,
        clock_ahead_ms: note(CLOCK_AHEAD)?.and_then(|v| v.parse().ok()),
        error: note(LAST_ERROR)?,
        error_kind: note(LAST_ERROR_KIND)?,
    })
}

/// The team's members and their devices, as the hub lists them.
pub fn members(store: &Store) -> Result<Vec<Member>> {
    connect(&identity(store)?)?.members()
}

/// A one-time invite code for a new member named `name` with `role` (an executive's device
/// only: the hub refuses others).
pub fn invite(store: &Store, name: &str, role: podium_core::sync::Role) -> Result<crate::Invite> {
    connect(&identity(store)?)?.invite(name, role)
}

/// Removes a device from the team (its own member's, or any by an executive): the hub refuses
/// its token from then on.
pub fn remove_device(store: &Store, device_id: &str) -> Result<()> {
    connect(&identity(store)?)?.revoke(device_id)
}

/// Removes a member's access: every device of theirs (an executive's device only). They can
/// come back only with a new invite code.
pub fn remove_member(store: &Store, member_id: &str) -> Result<()> {
    let hub = connect(&identity(store)?)?;
    let members = hub.members()?;
    let member = members
        .iter()
        .find(|m| m.id == member_id)
        .ok_or_else(|| Error::Invalid(format!("no member {member_id} in this team")))?;
    for device in &member.devices {
        hub.revoke(&device.id)?;
    }
    Ok(())
}

/// The audit trail of one outbox entry (and its draft), as the hub recorded it.
pub fn audit(store: &Store, entry_id: &str) -> Result<Vec<podium_core::sync::AuditEvent>> {
    connect(&identity(store)?)?.audit(entry_id)
}

/// Hears of other devices' changes as soon as the hub has them: a long poll that holds its own
/// connection and no store, so it runs on its own thread while the store is used elsewhere.
#[derive(Debug, Clone)]
pub struct Listener {
    hub: Hub,
}

impl Listener {
    /// A listener for the team this device has joined.
    pub fn new(store: &Store) -> Result<Listener> {
        Ok(Listener {
            hub: connect(&identity(store)?)?,
        })
    }

    /// Waits up to `secs` seconds (at most [`MAX_WAIT_SECS`]) for changes after `cursor`;
    /// `true` when there are some (then run a [`round`]), `false` when the wait ran out.
    pub fn wait(&self, cursor: u64, secs: u64) -> Result<bool> {
        let page = self.hub.pull(cursor, 1, Some(secs.min(MAX_WAIT_SECS)))?;
        Ok(!page.changes.is_empty())
    }
}
