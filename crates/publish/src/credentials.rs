//! The one module that touches secrets: app passwords, sessions and tokens live in the OS
//! keyring (the Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
//! one entry per account, named by the account's `credential_ref`. The database only keeps that
//! name. Nothing here logs or formats a secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use podium_core::reason::Reason;
use serde::{de::DeserializeOwned, Serialize};

use crate::{Error, Result};

/// The keyring "service" all of Podium's entries are filed under.
pub const SERVICE: &str = "no.podium.desktop";

/// A fresh, unguessable reference for a new account's keyring entry.
pub fn new_ref(network: &str) -> String {
    format!("{network}:{}", uuid::Uuid::now_v7())
}

fn entry(reference: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, reference).map_err(|e| explain(&e))
}

/// Stores `secret` (serialised as JSON) under `reference`, replacing what was there.
pub fn save<T: Serialize>(reference: &str, secret: &T) -> Result<()> {
    let json = serde_json::to_string(secret)
        .map_err(|e| Error::Invalid(format!("cannot encode a credential: {e}")))?;
    entry(reference)?
        .set_password(&json)
        .map_err(|e| explain(&e))
}

/// Secrets the keyring refused to store (after a refresh that rotated a token), kept in this
/// process's memory — the one place they still exist — until a save succeeds: reference →
/// (JSON, what it signs in, for the message).
type Unsaved = Mutex<HashMap<String, (String, String)>>;

fn unsaved_secrets() -> std::sync::MutexGuard<'static, HashMap<String, (String, String)>> {
    static UNSAVED: OnceLock<Unsaved> = OnceLock::new();
    UNSAVED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Keeps `secret` for `reference` in memory because the keyring refused it (`what` names the
/// account for the message). [`load_latest`] returns it, and every load and
/// [`retry_unsaved`] tries the keyring again.
pub(crate) fn keep_unsaved<T: Serialize>(reference: &str, what: &str, secret: &T) {
    if let Ok(json) = serde_json::to_string(secret) {
        unsaved_secrets().insert(reference.to_owned(), (json, what.to_owned()));
    }
}

/// The secret under `reference`: the one kept in memory if the keyring refused to store it
/// (saving it is tried again first), else the keyring's.
pub fn load_latest<T: DeserializeOwned>(reference: &str) -> Result<T> {
    let kept = unsaved_secrets()
        .get(reference)
        .map(|(json, _)| json.clone());
    match kept {
        Some(json) => {
            retry_one(reference, &json);
            serde_json::from_str(&json)
                .map_err(|e| Error::Invalid(format!("cannot decode a credential: {e}")))
        }
        None => load(reference),
    }
}

fn retry_one(reference: &str, json: &str) -> bool {
    let saved = entry(reference)
        .and_then(|e| e.set_password(json).map_err(|e| explain(&e)))
        .is_ok();
    if saved {
        // Only if nothing newer was kept meanwhile (a later refresh, also refused).
        let mut kept = unsaved_secrets();
        if kept.get(reference).is_some_and(|(j, _)| j == json) {
            kept.remove(reference);
        }
        drop(kept);
        tracing::info!(
            reference,
            "the keyring took the renewed sign-in it had refused"
        );
    }
    saved
}

/// Tries again to store the secrets the keyring refused; returns a message for each one it
/// still refuses (empty when all are stored).
pub fn retry_unsaved() -> Vec<String> {
    let kept: Vec<(String, String)> = unsaved_secrets()
        .iter()
        .map(|(r, (json, _))| (r.clone(), json.clone()))
        .collect();
    for (reference, json) in kept {
        retry_one(&reference, &json);
    }
    unsaved_secrets()
        .values()
        .map(|(_, what)| unsaved_message(what))
        .collect()
}

/// The accounts (as `@you on X`) whose renewed sign-in waits in memory for the keyring, without
/// asking the keyring anything.
pub fn unsaved() -> Vec<String> {
    let mut who: Vec<String> = unsaved_secrets().values().map(|(_, w)| w.clone()).collect();
    who.sort();
    who
}

/// What to tell the person when a renewed sign-in could not be stored.
pub fn unsaved_message(what: &str) -> String {
    format!(
        "the system keyring refused to store the renewed sign-in of {what}: Podium keeps it in \
         memory and tries again, but if it exits before the keyring takes it, the account must \
         be reconnected. Unlock or fix the keyring, and keep Podium running until then"
    )
}

/// Reads the secret under `reference`.
pub fn load<T: DeserializeOwned>(reference: &str) -> Result<T> {
    let json = entry(reference)?.get_password().map_err(|e| match e {
        keyring::Error::NoEntry => Error::Keyring(Reason::KeyringMissing {}),
        e => explain(&e),
    })?;
    serde_json::from_str(&json).map_err(|_| Error::Keyring(Reason::KeyringForeign {}))
}

/// Deletes the secret under `reference` (disconnecting an account). A missing entry is fine.
pub fn delete(reference: &str) -> Result<()> {
    match entry(reference)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => {
            unsaved_secrets().remove(reference);
            Ok(())
        }
        Err(e) => Err(explain(&e)),
    }
}

/// Whether the keyring can be used right now, with the reason when not.
pub fn check() -> Result<()> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(explain(e));
    }
    // A locked collection only shows when it is read.
    match entry("podium-keyring-check")?.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(explain(&e)),
    }
}

/// A keyring error as a message a person can act on. Never includes the secret.
fn explain(e: &keyring::Error) -> Error {
    let detail = e.to_string();
    Error::Keyring(match e {
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) => {
            Reason::KeyringUnreachable { detail }
        }
        keyring::Error::NoStorageAccess(_) => Reason::KeyringLocked { detail },
        _ => Reason::KeyringRefused { detail },
    })
}

/// The lock that serialises renewing the secret under `reference` in this process: two posts
/// that find a session expired at once renew it once (the second adopts what the first stored).
pub(crate) fn refresh_lock(reference: &str) -> Arc<Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(reference.to_owned()).or_default().clone()
}
