//! Commands for accounts: connect (each network's sign-in), list, disconnect, and change an
//! account's slots, zone or pause. Anything that waits on the network or the keyring runs off
//! the UI thread, on its own database connection, so typing never waits for a server.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Utc;
use podium_core::schedule::Slot;
use podium_publish::{connect, mastodon};
use podium_store::{Account, PageCheck, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::drafts::Drafts;
use crate::publishing::OUTBOX_CHANGED;

type Answer<T> = Result<T, String>;

/// A Mastodon sign-in waiting for the code the person pastes (its client secret stays here,
/// never in the window).
#[derive(Default)]
pub struct PendingSignIn(Mutex<Option<(mastodon::App, String)>>);

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
    crate::commands::check::learn_limits(&accounts);
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
        crate::commands::check::learn_limits(&accounts);
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
