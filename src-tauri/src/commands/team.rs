//! The team: its sync state, joining with the hub's address and an invite code, the members and
//! their devices, leaving, and the conflicts two devices left (keep one text, the other, or an
//! edit of both). Calls that reach the hub run off the UI thread on a connection of their own.

use podium_core::sync::{Member, Role};
use serde::Serialize;
use serde_json::json;
use tauri::{AppHandle, State};

use crate::drafts::Drafts;
use crate::sync::{SyncView, Syncing};
use crate::team::{self, Problem};
use podium_store::Keep;

use super::accounts::on_own_connection;
use super::drafts::DraftView;
use super::{Answer, CommandError};

#[tauri::command]
pub fn sync_status(syncing: State<'_, Syncing>) -> SyncView {
    syncing.view()
}

/// Joins the team of the hub at `hub` with a one-time `code`; the first round starts at once.
#[tauri::command]
pub async fn team_join(
    hub: String,
    code: String,
    app: AppHandle,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<SyncView> {
    let (hub, code) = (hub.trim().to_owned(), code.trim().to_owned());
    if hub.is_empty() || code.is_empty() {
        return Err(CommandError::new(
            "join_needs_both",
            serde_json::Value::Null,
            "give both the hub's address and the invite code",
        ));
    }
    let identity = on_own_connection(drafts.path().to_owned(), move |store| {
        team::join(store, &hub, &code, &team::device_name()).map_err(Problem::into_error)
    })
    .await?;
    syncing.update(&app, |v| {
        *v = SyncView {
            state: "syncing",
            identity: Some(identity),
            ..SyncView::default()
        };
    });
    syncing.now();
    Ok(syncing.view())
}

/// The team's members and their devices, as the hub knows them.
#[tauri::command]
pub async fn team_members(drafts: State<'_, Drafts>) -> Answer<Vec<Member>> {
    on_own_connection(drafts.path().to_owned(), |store| {
        team::members(store).map_err(Problem::into_error)
    })
    .await
}

/// A one-time invite code for a new member named `name` with `role` (`assistant` or
/// `executive`), to pass on: made by the hub, for an executive's device only.
#[tauri::command]
pub async fn team_invite(
    name: String,
    role: String,
    drafts: State<'_, Drafts>,
) -> Answer<podium_sync::Invite> {
    let role: Role = serde_json::from_value(json!(role)).map_err(|_| {
        CommandError::new(
            "invalid",
            json!({ "detail": format!("{role:?} is not a role: assistant or executive") }),
            format!("{role:?} is not a role: assistant or executive"),
        )
    })?;
    let name = name.trim().to_owned();
    on_own_connection(drafts.path().to_owned(), move |store| {
        team::invite(store, &name, role).map_err(Problem::into_error)
    })
    .await
}

/// Removes a member's access to the team (every device of theirs).
#[tauri::command]
pub async fn team_remove_member(member_id: String, drafts: State<'_, Drafts>) -> Answer<()> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        team::remove_member(store, &member_id).map_err(Problem::into_error)
    })
    .await
}

/// Removes a device from the team (another of this member's, or any by an executive).
#[tauri::command]
pub async fn team_remove_device(device_id: String, drafts: State<'_, Drafts>) -> Answer<()> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        team::remove_device(store, &device_id).map_err(Problem::into_error)
    })
    .await
}

/// Leaves the team on this device: its drafts stay here; nothing syncs any more.
#[tauri::command]
pub async fn team_leave(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<SyncView> {
    on_own_connection(drafts.path().to_owned(), |store| {
        team::leave(store).map_err(Problem::into_error)
    })
    .await?;
    syncing.update(&app, |v| *v = SyncView::default());
    Ok(syncing.view())
}

/// A round now ("Sync now", or the chip clicked while offline).
#[tauri::command]
pub fn sync_now(syncing: State<'_, Syncing>) {
    syncing.now();
}

/// A conflict as the conflict view shows it: both drafts with their titles.
#[derive(Debug, Serialize)]
pub struct ConflictView {
    original: DraftView,
    copy: DraftView,
    reason: &'static str,
}

#[tauri::command]
pub fn list_conflicts(drafts: State<'_, Drafts>) -> Answer<Vec<ConflictView>> {
    let found = drafts.with(|s| Ok(team::conflicts(s)))?;
    Ok(found
        .map_err(Problem::into_error)?
        .into_iter()
        .map(|c| ConflictView {
            original: c.original.into(),
            copy: c.copy.into(),
            reason: c.reason.as_str(),
        })
        .collect())
}

/// Ends a conflict: `keep` is `original`, `copy` or `text` (then `text` is the edit of both).
/// Answers the draft that stays.
#[tauri::command]
pub fn resolve_conflict(
    copy_id: String,
    keep: String,
    text: Option<String>,
    app: AppHandle,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<DraftView> {
    let keep = match (keep.as_str(), text) {
        ("original", _) => Keep::Original,
        ("copy", _) => Keep::Copy,
        ("text", Some(text)) => Keep::Text(text),
        (other, _) => {
            return Err(CommandError::new(
                "invalid",
                json!({ "detail": format!("{other:?} is not a way to end a conflict") }),
                format!("{other:?} is not a way to end a conflict"),
            ))
        }
    };
    let (kept, left) = drafts.with(|s| {
        let kept = team::resolve(s, &copy_id, keep);
        Ok((kept, team::conflict_count(s)))
    })?;
    let kept = kept.map_err(Problem::into_error)?;
    syncing.update(&app, |v| v.conflicts = left);
    syncing.saved();
    Ok(kept.into())
}
