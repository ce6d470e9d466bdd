//! Commands for accounts: connect (each network's sign-in), list, disconnect, and change an
//! account's slots, zone or pause. Anything that waits on the network or the keyring runs off
//! the UI thread, on its own database connection, so typing never waits for a server.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Utc;
use podium_core::notice::AccountNotice;
use podium_core::schedule;
use podium_publish::{connect, mastodon};
use podium_store::{Account, AccountChanges, PageCheck, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::drafts::Drafts;
use crate::publishing::OUTBOX_CHANGED;

use super::check::Limits;
use super::{Answer, CommandError};

/// A Mastodon sign-in waiting for the code the person pastes (its client secret stays here,
/// never in the window).
#[derive(Default)]
pub struct PendingSignIn(Mutex<Option<(mastodon::App, String)>>);

/// Runs `f` on a fresh connection to the database, off the UI thread.
async fn on_own_connection<T: Send + 'static>(
    path: PathBuf,
    f: impl FnOnce(&mut Store) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open_with(&path, PageCheck::Header)?;
        f(&mut store)
    })
    .await
    .map_err(CommandError::internal)?
}

/// An account as the window shows it: with what it needs from the user, if anything (a code
/// with data, worded by the window).
#[derive(Debug, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub notice: Option<AccountNotice>,
}

#[tauri::command]
pub fn list_accounts(
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
) -> Answer<Vec<AccountView>> {
    let accounts = drafts.with(|s| s.accounts())?;
    limits.learn(&accounts);
    let now = Utc::now();
    Ok(accounts
        .into_iter()
        .map(|account| AccountView {
            notice: account.notice(now),
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
    limits: State<'_, Limits>,
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
        .map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    Ok(account)
}

/// X with OAuth 1.0a user tokens: `[API key, API key secret, access token, token secret]`.
#[tauri::command]
pub async fn connect_x_oauth1(drafts: State<'_, Drafts>, keys: [String; 4]) -> Answer<Account> {
    on_own_connection(drafts.path().to_owned(), move |store| {
        let [a, b, c, d] = &keys;
        podium_publish::connect::x_oauth1(store, podium_publish::x::API, [a, b, c, d], None)
            .map_err(CommandError::from)
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
        .map_err(CommandError::from)
    })
    .await
}

/// After an account changed: the checks learn its instance's limit.
fn relearn(drafts: &Drafts, limits: &Limits) {
    if let Ok(accounts) = drafts.with(|s| s.accounts()) {
        limits.learn(&accounts);
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
        connect::bluesky(store, &service, &handle, &password, None).map_err(CommandError::from)
    })
    .await
}

/// The browser sign-in: the window gets the address in a `mastodon-sign-in` event (to show it
/// when no browser opened), and this answers once the redirect came back.
#[tauri::command]
pub async fn connect_mastodon(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
    instance: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_browser(store, &instance, None, true, &mut show_address(&app))
            .map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    Ok(account)
}

#[tauri::command]
pub async fn mastodon_paste_begin(
    pending: State<'_, PendingSignIn>,
    instance: String,
) -> Answer<String> {
    let (app, url, instance) = tauri::async_runtime::spawn_blocking(move || {
        connect::mastodon_paste_begin(&instance).map_err(CommandError::from)
    })
    .await
    .map_err(CommandError::internal)??;
    *pending.0.lock().map_err(CommandError::internal)? = Some((app, instance));
    Ok(url)
}

#[tauri::command]
pub async fn mastodon_paste_finish(
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
    pending: State<'_, PendingSignIn>,
    code: String,
) -> Answer<Account> {
    let (app, instance) = pending
        .0
        .lock()
        .map_err(CommandError::internal)?
        .take()
        .ok_or_else(|| {
            CommandError::new(
                "sign_in_not_started",
                serde_json::Value::Null,
                "start again: open the sign-in address first",
            )
        })?;
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_paste_finish(store, &instance, &app, &code, None)
            .map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    Ok(account)
}

#[tauri::command]
pub async fn connect_mastodon_token(
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
    instance: String,
    token: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::mastodon_token(store, &instance, &token, None).map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    Ok(account)
}

/// Threads with a long-lived token made in Meta's developer dashboard (Meta's sign-in wants an
/// https redirect, which a desktop app cannot receive).
#[tauri::command]
pub async fn connect_threads(
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
    token: String,
) -> Answer<Account> {
    let account = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::threads_token(store, podium_publish::threads::API, &token, None)
            .map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    Ok(account)
}

#[tauri::command]
pub async fn disconnect_account(
    app: AppHandle,
    drafts: State<'_, Drafts>,
    limits: State<'_, Limits>,
    id: String,
) -> Answer<usize> {
    let dropped = on_own_connection(drafts.path().to_owned(), move |store| {
        connect::disconnect(store, &id).map_err(CommandError::from)
    })
    .await?;
    relearn(&drafts, &limits);
    let _ = app.emit(OUTBOX_CHANGED, ());
    Ok(dropped)
}

/// Changes an account's slots (`["tue 08:30", …]`), zone, pause or (Mastodon) default
/// visibility.
#[tauri::command]
pub fn update_account(
    drafts: State<'_, Drafts>,
    id: String,
    slots: Option<Vec<String>>,
    zone: Option<String>,
    paused: Option<bool>,
    visibility: Option<podium_core::draft::Visibility>,
) -> Answer<Account> {
    let changes = AccountChanges {
        slots: slots.map(|s| schedule::parse_slots(&s)).transpose()?,
        zone,
        paused,
        visibility,
    };
    drafts.with(|s| s.update_account(&id, &changes))
}
