//! Disconnecting an account when the keyring cannot delete its secret: the account stays, and
//! the error says so (a row is never dropped while its secret stays behind in the keyring).
//! This test binary has no keyring on purpose: its D-Bus session address leads nowhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use podium_core::text::check::Network;
use podium_publish::connect;
use podium_store::{NewAccount, Store};

/// A store with a Mastodon account whose sign-in sits under `credential_ref`, in a process
/// whose Secret Service cannot be reached (set before any keyring use in this process).
fn without_keyring(dir: &std::path::Path, credential_ref: &str) -> (Store, podium_store::Account) {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/podium-no-bus",
    );
    let mut store = Store::open(&dir.join("podium.db")).unwrap();
    let account = store
        .add_account(NewAccount {
            network: Some(Network::Mastodon),
            handle: "@leader@m.example".into(),
            display_name: "A Leader".into(),
            service: "https://m.example".into(),
            remote_id: "1".into(),
            credential_ref: credential_ref.into(),
            zone: "Europe/Oslo".into(),
            token_expires_at: None,
        })
        .unwrap();
    (store, account)
}

#[test]
fn an_account_whose_keyring_entry_cannot_be_deleted_stays_connected() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, account) = without_keyring(dir.path(), "mastodon:test-ref");
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

#[test]
fn an_account_with_a_post_being_sent_is_not_touched_not_even_its_sign_in() {
    // No keyring here either: had disconnect reached the keyring, the error would say so.
    let dir = tempfile::tempdir().unwrap();
    let (mut store, account) = without_keyring(dir.path(), "mastodon:test-ref-2");
    let draft = store
        .create_draft(podium_store::NewDraft {
            text: "Takk for i dag!".into(),
            ..Default::default()
        })
        .unwrap();
    let entry = store
        .schedule(
            &draft.id,
            &account.id,
            podium_store::When::At(chrono::Utc::now()),
        )
        .unwrap();
    let claimed = store
        .claim(&entry.id, &[("Takk for i dag!".into(), "key-1".into())])
        .unwrap();
    assert!(claimed.is_some(), "the post is on its way");

    let e = connect::disconnect(&mut store, &account.id)
        .expect_err("a post is being sent")
        .to_string();
    assert!(e.contains("being sent right now"), "{e}");
    assert!(
        !e.contains("keyring"),
        "the sign-in was not touched while its post is on its way: {e}"
    );
    assert_eq!(store.accounts().unwrap().len(), 1);
}
