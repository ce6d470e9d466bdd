//! Disconnecting an account when the keyring cannot delete its secret: the account stays, and
//! the error says so (a row is never dropped while its secret stays behind in the keyring).
//! This test binary has no keyring on purpose: its D-Bus session address leads nowhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use podium_core::text::check::Network;
use podium_publish::connect;
use podium_store::{NewAccount, Store};

#[test]
fn an_account_whose_keyring_entry_cannot_be_deleted_stays_connected() {
    // Before any keyring use in this process: the Secret Service cannot be reached.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/podium-no-bus",
    );
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("podium.db")).unwrap();
    let account = store
        .add_account(NewAccount {
            network: Some(Network::Mastodon),
            handle: "@leader@m.example".into(),
            display_name: "A Leader".into(),
            service: "https://m.example".into(),
            remote_id: "1".into(),
            credential_ref: "mastodon:test-ref".into(),
            zone: "Europe/Oslo".into(),
            token_expires_at: None,
        })
        .unwrap();
    let e = connect::disconnect(&mut store, &account.id)
        .expect_err("the keyring cannot delete")
        .to_string();
    assert!(e.contains("stays connected"), "{e}");
    assert_eq!(
        store.accounts().unwrap().len(),
        1,
        "the account is still there"
    );
}
