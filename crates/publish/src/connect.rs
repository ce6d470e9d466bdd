//! Connecting and disconnecting accounts: sign in, put the secret in the keyring (first — if
//! the keyring refuses, nothing is stored), then record the account's public data.

use std::time::Duration;

use podium_core::reason::Reason;
use podium_core::text::check::Network;
use podium_store::{network_str, Account, NewAccount, Store};

use crate::bluesky;
use crate::credentials;
use crate::loopback::{self, Loopback};
use crate::mastodon;
use crate::{Error, Result};

/// How long the browser sign-in may take.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The computer's IANA time zone (the default for a new account's slots), `UTC` if unknown.
pub fn local_zone() -> String {
    std::env::var("TZ")
        .ok()
        .map(|tz| tz.trim_start_matches(':').to_owned())
        .filter(|tz| podium_core::schedule::zone(tz).is_ok())
        .or_else(|| iana_time_zone::get_timezone().ok())
        .filter(|tz| podium_core::schedule::zone(tz).is_ok())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The keyring reference of an account being connected: its old one when it is a reconnect.
fn reference_for(
    store: &Store,
    network: Network,
    service: &str,
    remote_id: &str,
) -> Result<String> {
    Ok(store
        .accounts()?
        .into_iter()
        .find(|a| a.network == network && a.service == service && a.remote_id == remote_id)
        // An account another device of the team connected has no keyring entry here: this
        // device gets one of its own.
        .filter(|a| a.connected_here)
        .map_or_else(
            || credentials::new_ref(network_str(network)),
            |a| a.credential_ref,
        ))
}

/// Connects a Bluesky account with its handle (or DID) and an app password.
pub fn bluesky(
    store: &mut Store,
    service: &str,
    identifier: &str,
    app_password: &str,
    zone: Option<&str>,
) -> Result<Account> {
    credentials::check()?;
    let service = bluesky::service_url(service);
    let (session, secret) = bluesky::sign_in(&service, identifier, app_password)?;
    let reference = reference_for(store, Network::Bluesky, &service, &session.did)?;
    credentials::save(&reference, &secret)?;
    Ok(store.add_account(NewAccount {
        network: Some(Network::Bluesky),
        handle: session.handle.clone(),
        display_name: String::new(),
        service,
        remote_id: session.did,
        credential_ref: reference,
        zone: zone.map_or_else(local_zone, str::to_owned),
        token_expires_at: None,
    })?)
}

/// Connects a Mastodon account with an access token the user already has.
pub fn mastodon_token(
    store: &mut Store,
    instance: &str,
    token: &str,
    zone: Option<&str>,
) -> Result<Account> {
    credentials::check()?;
    let instance = mastodon::instance_url(instance)?;
    let secret = mastodon::Secret {
        access_token: token.trim().to_owned(),
    };
    finish_mastodon(store, &instance, &secret, zone)
}

/// Connects a Mastodon account through the browser: registers Podium with the instance, opens
/// (or, through `show`, shows) the sign-in page, and waits on a loopback listener for the
/// redirect. `show` gets the address and whether a browser was opened.
pub fn mastodon_browser(
    store: &mut Store,
    instance: &str,
    zone: Option<&str>,
    open_browser: bool,
    show: &mut dyn FnMut(&str, bool),
) -> Result<Account> {
    credentials::check()?;
    let instance = mastodon::instance_url(instance)?;
    let listener = Loopback::bind()?;
    let app = mastodon::register_app(&instance, &listener.redirect_uri())?;
    let state = loopback::new_state();
    let url = mastodon::authorize_url(&instance, &app, &state);
    let opened = open_browser && loopback::open_browser(&url);
    show(&url, opened);
    let code = listener.wait_for_code(&state, BROWSER_TIMEOUT)?;
    let secret = mastodon::exchange_code(&instance, &app, &code)?;
    finish_mastodon(store, &instance, &secret, zone)
}

/// The paste-the-code fallback, step 1: the address to open anywhere (the instance shows the
/// code instead of redirecting).
pub fn mastodon_paste_begin(instance: &str) -> Result<(mastodon::App, String, String)> {
    let instance = mastodon::instance_url(instance)?;
    let app = mastodon::register_app(&instance, mastodon::OUT_OF_BAND)?;
    let url = mastodon::authorize_url(&instance, &app, &loopback::new_state());
    Ok((app, url, instance))
}

/// The paste-the-code fallback, step 2: the code the person copied.
pub fn mastodon_paste_finish(
    store: &mut Store,
    instance: &str,
    app: &mastodon::App,
    code: &str,
    zone: Option<&str>,
) -> Result<Account> {
    credentials::check()?;
    let secret = mastodon::exchange_code(instance, app, code)?;
    finish_mastodon(store, instance, &secret, zone)
}

fn finish_mastodon(
    store: &mut Store,
    instance: &str,
    secret: &mastodon::Secret,
    zone: Option<&str>,
) -> Result<Account> {
    let me = mastodon::verify(instance, &secret.access_token)?;
    let (limit, media) = mastodon::limits(instance).unwrap_or((
        mastodon::DEFAULT_LIMIT,
        podium_core::media::InstanceMedia::default(),
    ));
    let reference = reference_for(store, Network::Mastodon, instance, &me.id)?;
    credentials::save(&reference, secret)?;
    let host = url::Url::parse(instance)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let account = store.add_account(NewAccount {
        network: Some(Network::Mastodon),
        handle: format!("@{}@{host}", me.username),
        display_name: me.display_name,
        service: instance.to_owned(),
        remote_id: me.id,
        credential_ref: reference,
        zone: zone.map_or_else(local_zone, str::to_owned),
        token_expires_at: None,
    })?;
    store.set_account_limits(&account.id, limit)?;
    store.set_account_media(&account.id, &media)?;
    Ok(store.account(&account.id)?)
}

/// Reads a Mastodon instance's post limit again (it can change) and records it.
pub fn refresh_limits(store: &mut Store, account: &Account) -> Result<usize> {
    if account.network != Network::Mastodon {
        return Err(Error::Invalid(
            "only Mastodon instances set their own limit".into(),
        ));
    }
    let (limit, media) = mastodon::limits(&account.service)?;
    store.set_account_limits(&account.id, limit)?;
    store.set_account_media(&account.id, &media)?;
    Ok(limit)
}

/// Disconnects an account: its keyring entry is deleted first, then its row, and its waiting
/// posts leave the queue (their drafts stay). Returns how many posts left the queue. If the
/// keyring cannot delete the entry, nothing is removed: a row is never dropped while its
/// secret stays behind in the keyring with nothing pointing at it. While a post of the account
/// is being sent, nothing is deleted at all (not the sign-in either: the post may need it to
/// finish, and the account would be left connected with no sign-in).
pub fn disconnect(store: &mut Store, account_id: &str) -> Result<usize> {
    let account = store.account(account_id)?;
    store.remove_account_after(account_id, || {
        credentials::delete(&account.credential_ref).map_err(|e| {
            let reason = match e {
                Error::Keyring(reason) => reason,
                other => Reason::KeyringRefused {
                    detail: other.to_string(),
                },
            };
            Error::Keyring(Reason::KeyringKeepsAccount {
                handle: account.handle.clone(),
                reason: Box::new(reason),
            })
        })
    })
}

/// Connects an X account through the browser (OAuth 2.0 with PKCE) with the Client ID of the
/// person's own X app; its redirect URI must be `http://127.0.0.1:PORT/callback`.
pub fn x_oauth2(
    store: &mut Store,
    endpoints: &crate::x::Endpoints,
    client_id: &str,
    port: u16,
    zone: Option<&str>,
    open_browser: bool,
    show: &mut dyn FnMut(&str, bool),
) -> Result<Account> {
    credentials::check()?;
    if client_id.trim().is_empty() {
        return Err(Error::Invalid(
            "give your X app's Client ID (developer.x.com → your app → Keys and tokens)".into(),
        ));
    }
    let (me, secret) = crate::x::oauth2_sign_in(endpoints, client_id, port, &mut |url| {
        let opened = open_browser && loopback::open_browser(url);
        show(url, opened);
    })?;
    finish_x(store, &endpoints.api, me, &secret, zone)
}

/// Connects an X account with OAuth 1.0a user tokens (they do not expire).
pub fn x_oauth1(
    store: &mut Store,
    api: &str,
    keys: [&str; 4],
    zone: Option<&str>,
) -> Result<Account> {
    credentials::check()?;
    let [consumer_key, consumer_secret, token, token_secret] = keys.map(|k| k.trim().to_owned());
    if [&consumer_key, &consumer_secret, &token, &token_secret]
        .iter()
        .any(|k| k.is_empty())
    {
        return Err(Error::Invalid(
            "OAuth 1.0a needs four keys: API key, API key secret, access token, access token secret"
                .into(),
        ));
    }
    let secret = crate::x::Secret::OAuth1 {
        consumer_key,
        consumer_secret,
        token,
        token_secret,
    };
    let me = crate::x::oauth1_sign_in(api, &secret)?;
    finish_x(store, api, me, &secret, zone)
}

fn finish_x(
    store: &mut Store,
    api: &str,
    me: crate::x::Me,
    secret: &crate::x::Secret,
    zone: Option<&str>,
) -> Result<Account> {
    let api = api.trim_end_matches('/').to_owned();
    let reference = reference_for(store, Network::X, &api, &me.id)?;
    credentials::save(&reference, secret)?;
    Ok(store.add_account(NewAccount {
        network: Some(Network::X),
        handle: format!("@{}", me.username),
        display_name: me.name,
        service: api,
        remote_id: me.id,
        credential_ref: reference,
        zone: zone.map_or_else(local_zone, str::to_owned),
        token_expires_at: None,
    })?)
}

/// Connects a LinkedIn account through the browser with the person's own LinkedIn app (its
/// Client ID and secret; redirect URI `http://127.0.0.1:PORT/callback`).
pub fn linkedin(
    store: &mut Store,
    endpoints: &crate::linkedin::Endpoints,
    (client_id, client_secret): (&str, &str),
    port: u16,
    zone: Option<&str>,
    open_browser: bool,
    show: &mut dyn FnMut(&str, bool),
) -> Result<Account> {
    credentials::check()?;
    if client_id.trim().is_empty() || client_secret.trim().is_empty() {
        return Err(Error::Invalid(
            "give your LinkedIn app's Client ID and Client Secret (linkedin.com/developers → your app → Auth)"
                .into(),
        ));
    }
    let (me, secret) =
        crate::linkedin::sign_in(endpoints, client_id, client_secret, port, &mut |url| {
            let opened = open_browser && loopback::open_browser(url);
            show(url, opened);
        })?;
    let api = endpoints.api.trim_end_matches('/').to_owned();
    let urn = crate::linkedin::person_urn(&me.sub);
    let reference = reference_for(store, Network::Linkedin, &api, &urn)?;
    credentials::save(&reference, &secret)?;
    Ok(store.add_account(NewAccount {
        network: Some(Network::Linkedin),
        handle: if me.name.is_empty() {
            urn.clone()
        } else {
            me.name.clone()
        },
        display_name: me.name,
        service: api,
        remote_id: urn,
        credential_ref: reference,
        zone: zone.map_or_else(local_zone, str::to_owned),
        token_expires_at: Some(secret.expires_at),
    })?)
}

/// Connects a Threads account with a long-lived access token made in Meta's developer
/// dashboard (Meta's sign-in wants an https redirect, which a loopback listener is not). The
/// token is renewed at once when Threads allows it, so its end date is known; it goes to the
/// keyring before the account is recorded.
pub fn threads_token(
    store: &mut Store,
    api: &str,
    token: &str,
    zone: Option<&str>,
) -> Result<Account> {
    credentials::check()?;
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::Invalid(
            "paste the long-lived access token from Meta's developer dashboard".into(),
        ));
    }
    let api = api.trim_end_matches('/').to_owned();
    let me = crate::threads::who_am_i(&api, token)?;
    let secret = crate::threads::pasted(&api, token);
    let reference = reference_for(store, Network::Threads, &api, &me.id)?;
    credentials::save(&reference, &secret)?;
    Ok(store.add_account(NewAccount {
        network: Some(Network::Threads),
        handle: format!("@{}", me.username),
        display_name: me.name,
        service: api,
        remote_id: me.id,
        credential_ref: reference,
        zone: zone.map_or_else(local_zone, str::to_owned),
        token_expires_at: Some(secret.expires_at),
    })?)
}
