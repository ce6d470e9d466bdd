//! Commands for accounts, scheduling and the plan (calendar). Glue only: the rules are in
//! `podium-core` (slots, zones), the state in `podium-store` (outbox), the network in
//! `podium-publish`. Anything that waits on the network or the keyring runs off the UI thread,
//! on its own database connection, so typing never waits for a server.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use podium_core::outbox::{AccountStatus, PartState, UserActions};
use podium_core::schedule::Slot;
use podium_publish::{connect, credentials, mastodon};
use podium_store::{Account, Entry, PageCheck, Store, When};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::drafts::Drafts;
use crate::publishing::{Publishing, OUTBOX_CHANGED};

type Answer<T> = Result<T, String>;

/// A Mastodon sign-in waiting for the code the person pastes (its client secret stays here,
/// never in the window).
#[derive(Default)]
pub struct PendingSignIn(Mutex<Option<(mastodon::App, String)>>);

fn parse_time(s: &str) -> Answer<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{s:?} is not a time"))
}

/// Runs `f` on a fresh connection to the database, off the UI thread.
async fn on_own_connection<T: Send + 'static>(
    path: PathBuf,
    f: impl FnOnce(&mut Store) -> Result<T, String> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open_with(&path, PageCheck::Header).map_err(|e| e.to_string())?;
        f(&mut store)
    })
    .await
    .map_err(|e| format!("Podium hit an internal error ({e}); nothing was changed"))?
}

/// An account as the window shows it: with a word about its sign-in expiring, if due.
#[derive(Debug, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub notice: Option<String>,
}

#[tauri::command]
pub fn list_accounts(drafts: State<'_, Drafts>) -> Answer<Vec<AccountView>> {
    let accounts = drafts.with(|s| s.accounts())?;
    crate::commands::learn_limits(&accounts);
    let now = Utc::now();
    Ok(accounts
        .into_iter()
        .map(|account| AccountView {
            notice: podium_publish::linkedin::expiry_notice(account.token_expires_at, now),
            account,
        })
        .collect())
}

/// Tells the window the sign-in address (to show it when no browser opened).
fn show_address(app: &AppHandle) -> impl FnMut(&str, bool) + '_ {
    move |url, opened| {
        let _ = app.emit(
            "sign-in-address",
            serde_json::json!({ "url": url, "opened": opened }),
        );
    }
}

/// X through the browser (OAuth 2.0 with PKCE) with the person's own X app's Client ID.
#[tauri::command]
pub async fn connect_x(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    client_id: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        podium_publish::connect::x_oauth2(
            store,
            &podium_publish::x::Endpoints::default(),
            &client_id,
            podium_publish::x::REDIRECT_PORT,
            None,
            true,
            &mut show_address(&app),
        )
        .map_err(|e| e.to_string())
    })
    .await?;
    relearn(&drafts);
    Ok(account)
}

/// X with OAuth 1.0a user tokens: `[API key, API key secret, access token, token secret]`.
#[tauri::command]
pub async fn connect_x_oauth1(drafts: State<'_, Drafts>, keys: [String; 4]) -> Answer<Account> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        let [a, b, c, d] = &keys;
        podium_publish::connect::x_oauth1(store, podium_publish::x::API, [a, b, c, d], None)
            .map_err(|e| e.to_string())
    })
    .await
}

/// LinkedIn through the browser with the person's own LinkedIn app.
#[tauri::command]
pub async fn connect_linkedin(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    client_id: String,
    client_secret: String,
) -> Answer<Account> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        podium_publish::connect::linkedin(
            store,
            &podium_publish::linkedin::Endpoints::default(),
            (&client_id, &client_secret),
            podium_publish::linkedin::REDIRECT_PORT,
            None,
            true,
            &mut show_address(&app),
        )
        .map_err(|e| e.to_string())
    })
    .await
}

/// After an account changed: the checks learn its instance's limit.
fn relearn(drafts: &Drafts) {
    if let Ok(accounts) = drafts.with(|s| s.accounts()) {
        crate::commands::learn_limits(&accounts);
    }
}

#[tauri::command]
pub async fn connect_bluesky(
    drafts: State<'_, Drafts>,
    service: String,
    handle: String,
    password: String,
) -> Answer<Account> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        connect::bluesky(store, &service, &handle, &password, None).map_err(|e| e.to_string())
    })
    .await
}

/// The browser sign-in: the window gets the address in a `mastodon-sign-in` event (to show it
/// when no browser opened), and this answers once the redirect came back.
#[tauri::command]
pub async fn connect_mastodon(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    instance: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_browser(store, &instance, None, true, &mut show_address(&app))
            .map_err(|e| e.to_string())
    })
    .await?;
    relearn(&drafts);
    Ok(account)
}

#[tauri::command]
pub async fn mastodon_paste_begin(
    pending: State<'_, PendingSignIn>,
    instance: String,
) -> Answer<String> {
    let (app, url, instance) = tauri::async_runtime::spawn_blocking(move || {
        connect::mastodon_paste_begin(&instance).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    *pending.0.lock().map_err(|e| e.to_string())? = Some((app, instance));
    Ok(url)
}

#[tauri::command]
pub async fn mastodon_paste_finish(
    drafts: State<'_, Drafts>,
    pending: State<'_, PendingSignIn>,
    code: String,
) -> Answer<Account> {
    let (app, instance) = pending
        .0
        .lock()
        .map_err(|e| e.to_string())?
        .take()
        .ok_or("start again: open the sign-in address first")?;
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_paste_finish(store, &instance, &app, &code, None)
            .map_err(|e| e.to_string())
    })
    .await?;
    relearn(&drafts);
    Ok(account)
}

#[tauri::command]
pub async fn connect_mastodon_token(
    drafts: State<'_, Drafts>,
    instance: String,
    token: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_token(store, &instance, &token, None).map_err(|e| e.to_string())
    })
    .await?;
    relearn(&drafts);
    Ok(account)
}

#[tauri::command]
pub async fn disconnect_account(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    id: String,
) -> Answer<usize> {
    let dropped = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::disconnect(store, &id).map_err(|e| e.to_string())
    })
    .await?;
    relearn(&drafts);
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(dropped)
}

/// Changes an account's slots (`["tue 08:30", …]`), zone or pause.
#[tauri::command]
pub fn update_account(
    drafts: State<'_, Drafts>,
    id: String,
    slots: Option<Vec<String>>,
    zone: Option<String>,
    paused: Option<bool>,
) -> Answer<Account> {
    let slots = slots
        .map(|list| {
            list.iter()
                .map(|s| Slot::parse(s))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    drafts.with(|s| {
        if let Some(zone) = &zone {
            s.set_zone(&id, zone)?;
        }
        if let Some(slots) = &slots {
            s.set_slots(&id, slots)?;
        }
        if let Some(paused) = paused {
            s.set_paused(&id, paused)?;
        }
        s.account(&id)
    })
}

/// Where "add to queue" would put the post, per account (`null`: the account has no slots).
#[tauri::command]
pub fn next_slots(drafts: State<'_, Drafts>) -> Answer<Vec<(String, Option<DateTime<Utc>>)>> {
    drafts.with(|s| {
        let ids: Vec<String> = s.accounts()?.into_iter().map(|a| a.id).collect();
        ids.into_iter()
            .map(|id| s.next_slot(&id).map(|at| (id, at)))
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
        return Err("choose at least one account".into());
    }
    let when = match at {
        Some(at) => When::At(parse_time(&at)?),
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
    let at = parse_time(&at)?;
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
    /// one the network no longer accepts. `(handle, what to do)`.
    pub notices: Vec<(String, String)>,
}

#[tauri::command]
pub fn week_plan(drafts: State<'_, Drafts>, from: String, to: String) -> Answer<Plan> {
    let (from, to) = (parse_time(&from)?, parse_time(&to)?);
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
            .filter_map(|a| {
                let text = if a.status == AccountStatus::Reconnect {
                    Some(a.status_reason.clone())
                } else {
                    podium_publish::linkedin::expiry_notice(a.token_expires_at, now)
                };
                text.map(|t| (a.handle.clone(), t))
            })
            .collect();
        Ok(Plan {
            entries: entries.into_iter().map(PlanEntry::from).collect(),
            slots,
            accounts,
            attention: attention.into_iter().map(PlanEntry::from).collect(),
            notices,
        })
    })
}

/// The publisher's state, the keyring's, and the grace window.
#[derive(Debug, Serialize)]
pub struct PublishingInfo {
    pub status: String,
    /// Why the keyring cannot be used, if it cannot.
    pub keyring: Option<String>,
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
        .map_err(|e| e.to_string())?
        .err()
        .map(|e| e.to_string());
    let grace = drafts.with(|s| s.grace())?;
    Ok(PublishingInfo {
        status: publishing.status(),
        keyring,
        grace_hours: grace.as_secs_f64() / 3600.0,
        zone: connect::local_zone(),
    })
}

#[tauri::command]
pub fn set_grace_hours(drafts: State<'_, Drafts>, hours: f64) -> Answer<()> {
    if !(0.0..=168.0).contains(&hours) {
        return Err("the grace window is between 0 and 168 hours (a week)".into());
    }
    let seconds = (hours * 3600.0).round() as u64;
    drafts.with(|s| s.set_grace(std::time::Duration::from_secs(seconds)))
}

/// Opens a post's address in the system browser (only web addresses).
#[tauri::command]
pub fn open_link(url: String) -> Answer<()> {
    let parsed = tauri::Url::parse(&url).map_err(|_| format!("{url:?} is not an address"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("only web addresses are opened".into());
    }
    if podium_publish::loopback::open_browser(parsed.as_str()) {
        Ok(())
    } else {
        Err(format!("no browser could be started; the address is {url}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_core::network::Network;
    use podium_core::outbox::OutboxState;
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
            created_by: "leder".into(),
            created_at: at,
            updated_at: at,
            sent_at: None,
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
