//! Approval of scheduled posts, comments on drafts and the audit trail (issue 12). Glue only:
//! the rules are `podium_core::approval`'s, the state the store's, the audit trail the hub's
//! (asked through `podium-sync`). The contract the window builds on is written down in
//! `ui/api.js` beside each wrapper.

use podium_core::sync::{AuditEvent, Role};
use podium_store::{ApprovalNews, Comment, Entry};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::drafts::Drafts;
use crate::publishing::OUTBOX_CHANGED;
use crate::team::Problem;

use super::accounts::on_own_connection;
use super::Answer;

/// An entry's approval changed, one was scheduled, or a comment came (here or from another
/// device): *Needs you*, the open post's comments and the notifications refresh.
pub const APPROVAL_CHANGED: &str = "approval-changed";

/// Who this device's member is in the team (`team: false`: no team, everything is approved).
#[derive(Debug, Serialize)]
pub struct RoleView {
    pub team: bool,
    pub member: Option<String>,
    pub role: Option<Role>,
}

#[tauri::command]
pub fn team_role(drafts: State<'_, Drafts>) -> Answer<RoleView> {
    let identity = drafts.with(|s| s.sync_identity())?;
    Ok(RoleView {
        team: identity.is_some(),
        member: identity.as_ref().map(|i| i.member_name.clone()),
        role: identity.map(|i| i.role),
    })
}

fn changed(app: &AppHandle) {
    let _ = app.emit(APPROVAL_CHANGED, ());
    let _ = app.emit(OUTBOX_CHANGED, ());
}

#[tauri::command]
pub fn approve_entry(app: AppHandle, drafts: State<'_, Drafts>, id: String) -> Answer<Entry> {
    let entry = drafts.with(|s| s.approve(&id))?;
    changed(&app);
    Ok(entry)
}

#[tauri::command]
pub fn request_changes(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    id: String,
    comment: String,
) -> Answer<Entry> {
    let entry = drafts.with(|s| s.request_changes(&id, &comment))?;
    changed(&app);
    Ok(entry)
}

/// Posts not yet sent that await approval, oldest first.
#[tauri::command]
pub fn list_awaiting(drafts: State<'_, Drafts>) -> Answer<Vec<Entry>> {
    drafts.with(|s| s.awaiting())
}

#[tauri::command]
pub fn list_comments(drafts: State<'_, Drafts>, draft_id: String) -> Answer<Vec<Comment>> {
    drafts.with(|s| s.comments(&draft_id))
}

#[tauri::command]
pub fn add_comment(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    draft_id: String,
    text: String,
) -> Answer<Comment> {
    let comment = drafts.with(|s| s.add_comment(&draft_id, &text))?;
    let _ = app.emit(APPROVAL_CHANGED, ());
    // The team sees it within about a second, not at the next periodic round.
    app.state::<crate::sync::Syncing>().saved();
    Ok(comment)
}

/// The audit trail of a post, as the hub recorded it.
#[derive(Debug, Serialize)]
pub struct AuditView {
    pub team: bool,
    /// `false`: the hub could not be reached just now (the trail lives on the hub).
    pub reachable: bool,
    pub events: Vec<AuditEvent>,
}

#[tauri::command]
pub async fn entry_audit(drafts: State<'_, Drafts>, id: String) -> Answer<AuditView> {
    on_own_connection(
        drafts.path().to_owned(),
        move |store| match podium_sync::audit(store, &id).map_err(Problem::from) {
            Ok(events) => Ok(AuditView {
                team: true,
                reachable: true,
                events,
            }),
            Err(Problem::NotJoined) => Ok(AuditView {
                team: false,
                reachable: true,
                events: Vec::new(),
            }),
            Err(Problem::Unreachable { .. }) => Ok(AuditView {
                team: true,
                reachable: false,
                events: Vec::new(),
            }),
            Err(problem) => Err(problem.into_error()),
        },
    )
    .await
}

/// What changed about approvals since the last call (for desktop notifications).
#[tauri::command]
pub fn approval_news(drafts: State<'_, Drafts>) -> Answer<ApprovalNews> {
    drafts.with(|s| s.approval_news())
}
