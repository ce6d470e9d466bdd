//! One publisher across devices (issue 12), the device's database side: one account connected on
//! two devices is one account, a post is taken over with the hub's parts, and an outcome the
//! hub tells shows at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod hub;
}

use podium_core::lease::{LeaseOutcome, LeasePart, LeasePartState, LeaseState, Settlement, Signin};
use podium_core::outbox::{OutboxState, PartState};
use podium_store::{NewAccount, NewDraft, Store, When};
use support::hub::{Device, Hub};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

fn connect(store: &mut Store, secret: &str) -> String {
    store
        .add_account(NewAccount {
            network: Some(podium_core::network::Network::Mastodon),
            handle: "@kari@social.example".into(),
            display_name: "Kari".into(),
            service: "https://social.example".into(),
            remote_id: "109".into(),
            credential_ref: secret.into(),
            zone: "Europe/Oslo".into(),
            token_expires_at: None,
        })
        .unwrap()
        .id
}

fn due_post(store: &mut Store, account: &str, text: &str) -> String {
    let draft = store
        .create_draft(NewDraft {
            text: text.into(),
            networks: vec![podium_core::network::Network::Mastodon],
            ..NewDraft::default()
        })
        .unwrap();
    let at = chrono::Utc::now() - chrono::Duration::seconds(5);
    store.schedule(&draft.id, account, When::At(at)).unwrap().id
}

#[test]
fn an_account_connected_on_two_devices_before_they_met_becomes_one_account_with_both_posts() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let on_a = connect(&mut a.store, "podium:mastodon:a-ref");
    let on_b = connect(&mut b.store, "podium:mastodon:b-ref");
    assert_ne!(on_a, on_b);
    let post_a = due_post(&mut a.store, &on_a, "Fra laptopen");
    let post_b = due_post(&mut b.store, &on_b, "Fra serveren");
    for _ in 0..2 {
        a.round(&mut hub);
        b.round(&mut hub);
    }
    let older = on_a.clone().min(on_b.clone());
    for (device, secret) in [(&a, "podium:mastodon:a-ref"), (&b, "podium:mastodon:b-ref")] {
        let accounts = device.store.accounts().unwrap();
        assert_eq!(accounts.len(), 1, "one account, not two: {accounts:#?}");
        assert_eq!(accounts[0].id, older, "every device keeps the same row");
        assert_eq!(
            accounts[0].credential_ref, secret,
            "each device keeps its own sign-in"
        );
        let queue = device.store.queue().unwrap();
        assert_eq!(queue.len(), 2, "both posts, on the one account");
        assert!(queue.iter().all(|e| e.account_id == older));
        assert!(queue.iter().any(|e| e.id == post_a) && queue.iter().any(|e| e.id == post_b));
    }
}

fn signins(key: &str, names: &[(&str, &str)]) -> Vec<Signin> {
    names
        .iter()
        .map(|(id, name)| Signin {
            account_key: key.into(),
            device_id: (*id).into(),
            device_name: (*name).into(),
        })
        .collect()
}

#[test]
fn a_post_scheduled_elsewhere_is_due_here_only_once_another_device_holds_the_account_too() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let account = connect(&mut a.store, "podium:mastodon:a-ref");
    a.round(&mut hub);
    b.round(&mut hub);
    assert_eq!(connect(&mut b.store, "podium:mastodon:b-ref"), account);
    let post = due_post(&mut a.store, &account, "Planlagt på laptopen");
    a.round(&mut hub);
    b.round(&mut hub);
    let grace = std::time::Duration::from_secs(3600);
    let now = chrono::Utc::now();
    assert!(
        b.store.take_due(now, grace).unwrap().send.is_empty(),
        "alone, only its creator sends it, as before"
    );
    let key = b.store.account(&account).unwrap().key();
    b.store
        .set_signins(&signins(&key, &[("dev-a", "Laptop"), ("dev-b", "Server")]))
        .unwrap();
    assert_eq!(b.store.take_due(now, grace).unwrap().send, vec![post]);
    let names: Vec<_> = b
        .store
        .signins_of(&b.store.account(&account).unwrap())
        .unwrap()
        .into_iter()
        .map(|s| s.device_name)
        .collect();
    assert_eq!(names, ["Laptop", "Server"]);
}

#[test]
fn a_post_taken_over_carries_the_first_devices_keys_and_a_part_that_may_be_out() {
    let mut store = Store::open_in_memory().unwrap();
    let account = connect(&mut store, "podium:mastodon:b-ref");
    let post = due_post(&mut store, &account, "Tatt over");
    let parts = [LeasePart {
        text: "Tatt over".into(),
        key: "idem-from-laptop".into(),
        state: LeasePartState::Sending,
        remote_id: None,
        remote_cid: None,
        remote_url: None,
    }];
    let entry = store.take_over(&post, &parts).unwrap().expect("taken");
    assert_eq!(entry.state, OutboxState::Claimed);
    assert_eq!(entry.parts[0].key, "idem-from-laptop");
    assert_eq!(entry.parts[0].state, PartState::Sending);
    assert!(entry.parts[0].may_be_out_already());
}

#[test]
fn an_outcome_heard_from_the_hub_shows_sent_with_its_address_and_device_at_once() {
    let mut store = Store::open_in_memory().unwrap();
    let account = connect(&mut store, "podium:mastodon:b-ref");
    let post = due_post(&mut store, &account, "Sendt fra serveren");
    let heard = LeaseState {
        entry_id: post.clone(),
        outcome: LeaseOutcome::Sent,
        device_id: Some("dev-server".into()),
        device_name: Some("Kari (server)".into()),
        expires_ms: 0,
        token: 2,
        parts: Vec::new(),
        settlement: Settlement {
            outcome: LeaseOutcome::Sent,
            remote_id: Some("111".into()),
            remote_url: Some("https://social.example/@kari/111".into()),
            reason_code: None,
            reason_data: None,
            error: None,
        },
    };
    assert!(store.hear_outcome(&heard).unwrap());
    let entry = store.entry(&post).unwrap();
    assert_eq!(entry.state, OutboxState::Sent);
    assert_eq!(
        entry.remote_url.as_deref(),
        Some("https://social.example/@kari/111")
    );
    assert_eq!(
        store.published_by(&post).unwrap().as_deref(),
        Some("Kari (server)")
    );
    assert!(!store.hear_outcome(&heard).unwrap(), "once is enough");
}
