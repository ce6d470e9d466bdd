//! Commands for scheduling, the plan (calendar) and the publisher. Glue only: the rules are in
//! `podium-core` (slots, zones), the state in `podium-store` (outbox), the network in
//! `podium-publish`. The keyring check runs off the UI thread, so typing never waits for it.

use chrono::{DateTime, Utc};
use podium_core::fit::Misfit;
use podium_core::notice::AccountNotice;
use podium_core::outbox::{OutboxState, PartState, UserActions};
use podium_core::schedule::parse_instant;
use podium_publish::{connect, credentials};
use podium_store::{fit_on, Account, Entry, When};
use serde::Serialize;
use serde_json::json;
use tauri::{AppHandle, Emitter, State};

use crate::drafts::Drafts;
use crate::publishing::{Publishing, OUTBOX_CHANGED};

use super::{Answer, CommandError};

/// An account as the schedule dialog offers it: where "add to queue" would put the post
/// (`null`: the account has no slots), and why the draft cannot go out there, if it cannot.
#[derive(Debug, Serialize)]
pub struct ScheduleChoice {
    pub account_id: String,
    pub next_at: Option<DateTime<Utc>>,
    pub misfit: Option<Misfit>,
}

/// Each account's choice for the draft `draft_id` (no draft yet: none is checked for fit).
#[tauri::command]
pub fn schedule_choices(
    drafts: State<'_, Drafts>,
    draft_id: Option<String>,
) -> Answer<Vec<ScheduleChoice>> {
    drafts.with(|s| {
        let draft = draft_id.map(|id| s.draft(&id)).transpose()?;
        let accounts = s.accounts()?;
        accounts
            .into_iter()
            .map(|a| {
                Ok(ScheduleChoice {
                    next_at: s.next_slot(&a.id)?,
                    misfit: draft.as_ref().and_then(|d| fit_on(d, &a).err()),
                    account_id: a.id,
                })
            })
            .collect()
    })
}

/// Schedules a draft on accounts: at `at` (RFC 3339), or in each account's next free slot.
#[tauri::command]
pub fn schedule_draft(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    draft_id: String,
    account_ids: Vec<String>,
    at: Option<String>,
) -> Answer<Vec<Entry>> {
    if account_ids.is_empty() {
        return Err(CommandError::new(
            "no_account_chosen",
            json!(null),
            "choose at least one account",
        ));
    }
    let when = match at {
        Some(at) => When::At(parse_instant(&at)?),
        None => When::NextSlot,
    };
    let entries = drafts.with(|s| {
        account_ids
            .iter()
            .map(|a| s.schedule(&draft_id, a, when))
            .collect()
    })?;
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(entries)
}

#[tauri::command]
pub fn draft_schedule(drafts: State<'_, Drafts>, draft_id: String) -> Answer<Vec<Entry>> {
    drafts.with(|s| s.entries_of_draft(&draft_id))
}

#[tauri::command]
pub fn reschedule_entry(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    id: String,
    at: String,
) -> Answer<Entry> {
    let at = parse_instant(&at)?;
    let entry = drafts.with(|s| s.reschedule(&id, When::At(at)))?;
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(entry)
}

#[tauri::command]
pub fn unschedule_entry(app: AppHandle, drafts: State<'_, Drafts>, id: String) -> Answer<()> {
    drafts.with(|s| s.unschedule(&id))?;
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(())
}

#[tauri::command]
pub fn retry_entry(app: AppHandle, drafts: State<'_, Drafts>, id: String) -> Answer<Entry> {
    let entry = drafts.with(|s| s.retry(&id))?;
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(entry)
}

#[tauri::command]
pub fn confirm_entry_sent(app: AppHandle, drafts: State<'_, Drafts>, id: String) -> Answer<Entry> {
    let entry = drafts.with(|s| s.confirm_sent(&id))?;
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(entry)
}

/// A slot of an account, at an instant.
#[derive(Debug, Serialize)]
pub struct SlotAt {
    pub account_id: String,
    pub at: DateTime<Utc>,
}

/// A post in the plan, with what the user may do with it (`movable`, `retryable`,
/// `confirmable`, `removable`: the rule in `podium_core::outbox` says, the window only shows).
#[derive(Debug, Serialize)]
pub struct PlanEntry {
    #[serde(flatten)]
    pub entry: Entry,
    #[serde(flatten)]
    pub actions: UserActions,
    /// How many of its parts are on the network (a thread may be partly out).
    pub parts_sent: usize,
    /// Why a post waiting for the user cannot go out as its draft now reads, if it cannot
    /// (an edit made it too long: it was held before its time).
    pub misfit: Option<Misfit>,
    /// Which devices can publish it and which one did (outside a team: neither).
    #[serde(flatten)]
    pub publishers: podium_store::Publishers,
}

impl PlanEntry {
    /// The entry with its misfit, when it waits for the user.
    fn checked(store: &podium_store::Store, entry: Entry) -> PlanEntry {
        let misfit = if entry.state == OutboxState::Review {
            store.fit_of(&entry).ok().and_then(Result::err)
        } else {
            None
        };
        PlanEntry {
            misfit,
            publishers: store.publishers(&entry).unwrap_or_default(),
            ..PlanEntry::from(entry)
        }
    }
}

impl From<Entry> for PlanEntry {
    fn from(entry: Entry) -> PlanEntry {
        PlanEntry {
            actions: entry.user_actions(),
            parts_sent: entry
                .parts
                .iter()
                .filter(|p| p.state == PartState::Sent)
                .count(),
            misfit: None,
            publishers: podium_store::Publishers::default(),
            entry,
        }
    }
}

/// What the calendar shows for `[from, to)`: the posts, the slots, the accounts, and the posts
/// that need the user wherever they are in time.
#[derive(Debug, Serialize)]
pub struct Plan {
    pub entries: Vec<PlanEntry>,
    pub slots: Vec<SlotAt>,
    pub accounts: Vec<Account>,
    pub attention: Vec<PlanEntry>,
    /// Accounts that need the user: a sign-in that expires within a week or has expired, or
    /// one the network no longer accepts. `(handle, notice)`; the window words the notice.
    pub notices: Vec<(String, AccountNotice)>,
}

#[tauri::command]
pub fn week_plan(drafts: State<'_, Drafts>, from: String, to: String) -> Answer<Plan> {
    let (from, to) = (parse_instant(&from)?, parse_instant(&to)?);
    drafts.with(|s| {
        let attention = s.entries_needing_user()?;
        let entries = s.entries_between(from, to)?;
        let slots = s
            .slot_times(from, to)?
            .into_iter()
            .map(|(account_id, at)| SlotAt { account_id, at })
            .collect();
        let accounts = s.accounts()?;
        let now = Utc::now();
        let notices = accounts
            .iter()
            .filter_map(|a| Some((a.handle.clone(), a.notice(now)?)))
            .collect();
        Ok(Plan {
            entries: entries
                .into_iter()
                .map(|e| PlanEntry::checked(s, e))
                .collect(),
            slots,
            accounts,
            attention: attention
                .into_iter()
                .map(|e| PlanEntry::checked(s, e))
                .collect(),
            notices,
        })
    })
}

/// The publisher's state, the keyring's, and the grace window.
#[derive(Debug, Serialize)]
pub struct PublishingInfo {
    /// `starting`, `running`, `busy` (another Podium publishes) or `off`.
    pub status: &'static str,
    /// Why the publisher is off, if it is.
    pub problem: Option<CommandError>,
    /// Why the keyring cannot be used, if it cannot.
    pub keyring: Option<CommandError>,
    pub grace_hours: f64,
    pub zone: String,
}

#[tauri::command]
pub async fn publishing_info(
    drafts: State<'_, Drafts>,
    publishing: State<'_, Publishing>,
) -> Answer<PublishingInfo> {
    let keyring = tauri::async_runtime::spawn_blocking(credentials::check)
        .await
        .map_err(CommandError::internal)?
        .err()
        .map(CommandError::from);
    let grace = drafts.with(|s| s.grace())?;
    let status = publishing.status();
    Ok(PublishingInfo {
        status: status.state,
        problem: status.problem,
        keyring,
        grace_hours: grace.as_secs_f64() / 3600.0,
        zone: connect::local_zone(),
    })
}

#[tauri::command]
pub fn set_grace_hours(drafts: State<'_, Drafts>, hours: f64) -> Answer<()> {
    if !(0.0..=168.0).contains(&hours) {
        return Err(CommandError::new(
            "grace_out_of_range",
            json!({ "hours": hours, "min": 0, "max": 168 }),
            "the grace window is between 0 and 168 hours (a week)",
        ));
    }
    let seconds = (hours * 3600.0).round() as u64;
    drafts.with(|s| s.set_grace(std::time::Duration::from_secs(seconds)))
}

/// The window's language and its words for desktop notifications (the `notify.*`, `notice.*`
/// and `reason.*` keys of `ui/i18n`), sent when it starts and when the language changes.
#[tauri::command]
pub fn use_language(
    publishing: State<'_, Publishing>,
    lang: String,
    words: std::collections::BTreeMap<String, String>,
) {
    publishing.use_words(&lang, words);
}

/// Opens a post's address in the system browser (only web addresses).
#[tauri::command]
pub fn open_link(url: String) -> Answer<()> {
    let not_web = || {
        CommandError::new(
            "not_a_web_address",
            json!({ "url": url }),
            format!("only web addresses are opened, and {url:?} is not one"),
        )
    };
    let parsed = tauri::Url::parse(&url).map_err(|_| not_web())?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(not_web());
    }
    if podium_publish::loopback::open_browser(parsed.as_str()) {
        Ok(())
    } else {
        Err(CommandError::new(
            "no_browser",
            json!({ "url": url }),
            format!("no browser could be started; the address is {url}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_core::network::Network;
    use podium_store::Part;

    fn entry(state: OutboxState, parts: &[PartState]) -> Entry {
        let at = DateTime::parse_from_rfc3339("2026-12-01T07:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Entry {
            id: "e1".into(),
            draft_id: "d1".into(),
            account_id: "a1".into(),
            network: Network::Bluesky,
            handle: "leder.example.com".into(),
            title: "Ledelse".into(),
            due_at: at,
            state,
            attempts: 0,
            retry_at: None,
            remote_id: None,
            remote_url: None,
            error: None,
            error_code: None,
            error_data: None,
            created_by: "leder".into(),
            created_at: at,
            updated_at: at,
            sent_at: None,
            approval: podium_core::approval::Approval::Approved,
            scheduled_by: None,
            approved_by: None,
            approval_note: None,
            approval_at: None,
            may_approve: true,
            parts: parts
                .iter()
                .enumerate()
                .map(|(i, &state)| Part {
                    idx: i as u32,
                    text: format!("del {i}"),
                    key: format!("k{i}"),
                    state,
                    sending_at: None,
                    remote_id: None,
                    remote_cid: None,
                    remote_url: None,
                    container: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_window_gets_each_post_as_before_plus_what_it_may_do_with_it() {
        let failed = entry(OutboxState::Failed, &[PartState::Sent, PartState::Pending]);
        let before = serde_json::to_value(&failed).unwrap();
        let shown = serde_json::to_value(PlanEntry::from(failed)).unwrap();
        for (key, value) in before.as_object().unwrap() {
            assert_eq!(&shown[key], value, "{key} is sent as before");
        }
        assert_eq!(shown["state"], "failed");
        assert_eq!(shown["network"], "bluesky");
        assert_eq!(shown["parts"][0]["state"], "sent");
        assert_eq!(shown["movable"], true);
        assert_eq!(shown["retryable"], true);
        assert_eq!(shown["confirmable"], false);
        // Half a thread is out: it cannot be taken back from the plan.
        assert_eq!(shown["removable"], false);
        assert_eq!(shown["parts_sent"], 1);
    }

    #[test]
    fn a_post_being_sent_offers_nothing() {
        let sending = PlanEntry::from(entry(OutboxState::Sending, &[PartState::Sending]));
        assert_eq!(sending.actions, UserActions::default());
    }
}
