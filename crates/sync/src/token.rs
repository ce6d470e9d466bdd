//! The device token, in the OS keyring like every other secret.
//!
//! The entry is named by this device — the device id the hub gave this database when it joined
//! — never by the hub's address or a fixed name: two databases on one machine (two profiles,
//! tests) joined to the same hub are two devices with two tokens in one keyring.

use crate::{Error, Result};

/// The keyring "service" all of Podium's entries are filed under (the publisher's too).
pub use podium_publish::credentials::SERVICE;

/// The keyring entry's name for the device `device_id`.
pub fn entry_name(device_id: &str) -> String {
    format!("sync-device:{device_id}")
}

fn entry(device_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &entry_name(device_id)).map_err(|e| explain(&e))
}

/// Keeps the token of `device_id`, replacing what was there.
pub fn save(device_id: &str, token: &str) -> Result<()> {
    entry(device_id)?
        .set_password(token)
        .map_err(|e| explain(&e))
}

/// The token of `device_id`.
pub fn load(device_id: &str) -> Result<String> {
    entry(device_id)?.get_password().map_err(|e| match e {
        keyring::Error::NoEntry => Error::Keyring(
            "this device's team token is missing from the system keyring (it was deleted, or \
             the keyring was reset): join the team again with a new invite code"
                .into(),
        ),
        e => explain(&e),
    })
}

/// Forgets the token of `device_id` (leaving the team). A missing entry is fine.
pub fn delete(device_id: &str) -> Result<()> {
    match entry(device_id)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(explain(&e)),
    }
}

/// A keyring error as a message a person can act on. Never includes the token.
fn explain(e: &keyring::Error) -> Error {
    let detail = e.to_string();
    Error::Keyring(match e {
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) => format!(
            "Podium keeps this device's team token in the system keyring, and none can be \
             reached ({detail}). On Linux, install and start a Secret Service (GNOME Keyring: \
             `apt install gnome-keyring`, or KWallet) in your desktop session, then try again. \
             Your drafts stay on this computer and sync once it works."
        ),
        keyring::Error::NoStorageAccess(_) => format!(
            "the system keyring is locked ({detail}): unlock it (log in to your desktop, or \
             open \"Passwords and Keys\") and sync again"
        ),
        _ => format!("the system keyring refused: {detail}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_devices_keep_their_tokens_under_two_names() {
        assert_ne!(entry_name("device-a"), entry_name("device-b"));
        assert!(entry_name("device-a").contains("device-a"));
    }

    #[test]
    #[ignore = "needs a keyring: run `cargo xtask test`"]
    fn a_token_saved_for_one_device_is_read_back_by_it_alone_and_forgotten_on_leaving() {
        let a = format!("test-a-{}", std::process::id());
        let b = format!("test-b-{}", std::process::id());
        save(&a, "token-of-a").unwrap_or_else(|e| panic!("{e}"));
        save(&b, "token-of-b").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(&a).ok().as_deref(), Some("token-of-a"));
        assert_eq!(load(&b).ok().as_deref(), Some("token-of-b"));
        delete(&a).unwrap_or_else(|e| panic!("{e}"));
        match load(&a) {
            Err(Error::Keyring(m)) => assert!(m.contains("join the team again"), "{m}"),
            other => panic!("expected a missing token, got {other:?}"),
        }
        assert_eq!(load(&b).ok().as_deref(), Some("token-of-b"));
        delete(&b).unwrap_or_else(|e| panic!("{e}"));
        delete(&b).unwrap_or_else(|e| panic!("deleting twice is fine: {e}"));
    }
}
