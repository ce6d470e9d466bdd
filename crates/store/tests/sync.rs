//! Team sync on the device side: real stores, an in-test hub that follows the hub's rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod hub;
}

use podium_core::draft::DraftState;
use podium_store::{ConflictReason, DraftPatch, Filter, Keep, NewDraft, Store};
use support::hub::{Device, Hub};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

fn text(store: &Store, id: &str) -> String {
    store.draft(id).unwrap().text
}

fn edit(store: &mut Store, id: &str, text: &str) {
    store
        .update_draft(
            id,
            DraftPatch {
                text: Some(text.into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
}

fn create(store: &mut Store, text: &str) -> String {
    store
        .create_draft(NewDraft {
            text: text.into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id
}

/// Two devices that both hold `text` as a synced draft.
fn shared(text: &str) -> (Hub, Device, Device, String) {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let id = create(&mut a.store, text);
    a.round(&mut hub);
    b.round(&mut hub);
    (hub, a, b, id)
}

#[test]
fn a_draft_typed_on_one_device_appears_on_the_other_with_its_history() {
    let (_, a, b, id) = shared("Hei fra A");
    assert_eq!(text(&b.store, &id), "Hei fra A");
    assert_eq!(
        b.store.revisions(&id).unwrap().len(),
        a.store.revisions(&id).unwrap().len()
    );
    assert_eq!(b.store.sync_pending().unwrap(), 0);
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    let listed = b.store.list_drafts(&Filter::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].conflict_of, None);
}

#[test]
fn offline_edits_to_different_sentences_merge_into_one_text_on_both_devices() {
    let (mut hub, mut a, mut b, id) = shared("Vi ansetter i Bodø. Søk innen fredag. Hilsen Kari.");
    edit(
        &mut a.store,
        &id,
        "Vi ansetter tre ingeniører i Bodø. Søk innen fredag. Hilsen Kari.",
    );
    edit(
        &mut b.store,
        &id,
        "Vi ansetter i Bodø. Søk innen fredag. Hilsen Kari og Ola.",
    );
    a.round(&mut hub);
    assert!(b.round(&mut hub).is_empty());
    a.round(&mut hub);
    let merged = "Vi ansetter tre ingeniører i Bodø. Søk innen fredag. Hilsen Kari og Ola.";
    assert_eq!(text(&a.store, &id), merged);
    assert_eq!(text(&b.store, &id), merged);
    assert!(a.store.conflicts().unwrap().is_empty());
}

#[test]
fn overlapping_edits_make_exactly_one_conflict_copy_of_the_text_that_came_second() {
    let (mut hub, mut a, mut b, id) = shared("Møtet er på tirsdag.");
    edit(&mut a.store, &id, "Møtet er på onsdag.");
    edit(&mut b.store, &id, "Møtet er på torsdag.");
    assert!(a.round(&mut hub).is_empty());
    let copies = b.round(&mut hub);
    assert_eq!(copies.len(), 1);
    assert!(a.round(&mut hub).is_empty());
    for device in [&a, &b] {
        let conflicts = device.store.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].original.text, "Møtet er på onsdag.");
        assert_eq!(conflicts[0].copy.text, "Møtet er på torsdag.");
        assert_eq!(conflicts[0].copy.conflict_of.as_deref(), Some(id.as_str()));
        assert_eq!(conflicts[0].reason, ConflictReason::Edited);
        let listed = device.store.list_drafts(&Filter::default()).unwrap();
        assert!(listed
            .iter()
            .any(|d| d.conflict_of.as_deref() == Some(id.as_str())
                && d.text == "Møtet er på torsdag."));
    }
    // Keeping the copy's text is an edit like any other, and syncs.
    b.store.resolve_conflict(&copies[0], Keep::Copy).unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    for device in [&a, &b] {
        assert_eq!(text(&device.store, &id), "Møtet er på torsdag.");
        assert!(device.store.conflicts().unwrap().is_empty());
    }
}

#[test]
fn a_page_applied_twice_changes_nothing_the_second_time() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let id = create(&mut a.store, "Første");
    a.round(&mut hub);
    let page = hub.pull(0);
    b.store.sync_apply(&page).unwrap();
    let once = b.store.draft(&id).unwrap();
    let cursor = b.store.sync_cursor().unwrap();
    let changes = b.store.changes_since(0).unwrap().len();
    let again = b.store.sync_apply(&page).unwrap();
    assert_eq!(again.applied, 0);
    assert_eq!(b.store.draft(&id).unwrap(), once);
    assert_eq!(b.store.sync_cursor().unwrap(), cursor);
    assert_eq!(b.store.changes_since(0).unwrap().len(), changes);
}

#[test]
fn plain_fields_take_the_newest_change_whatever_order_they_arrive_in() {
    let (mut hub, mut a, mut b, id) = shared("Tekst");
    let state = |s| DraftPatch {
        state: Some(s),
        ..DraftPatch::default()
    };
    a.store.update_draft(&id, state(DraftState::Ready)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    b.store.update_draft(&id, state(DraftState::Idea)).unwrap();
    // The newer change (B's) reaches the hub first.
    b.round(&mut hub);
    a.round(&mut hub);
    b.round(&mut hub);
    assert_eq!(a.store.draft(&id).unwrap().state, DraftState::Idea);
    assert_eq!(b.store.draft(&id).unwrap().state, DraftState::Idea);
}

#[test]
fn an_edit_made_while_another_device_deleted_the_draft_survives_as_a_conflict_copy() {
    // The delete reaches the hub first: the editing device makes the copy.
    let (mut hub, mut a, mut b, id) = shared("Utkast");
    a.store.delete_draft(&id).unwrap();
    edit(&mut b.store, &id, "Utkast med mer tekst");
    a.round(&mut hub);
    let copies = b.round(&mut hub);
    assert_eq!(copies.len(), 1);
    a.round(&mut hub);
    for device in [&a, &b] {
        let conflicts = device.store.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "one copy on each device");
        assert_eq!(conflicts[0].reason, ConflictReason::Deleted);
        assert_eq!(conflicts[0].copy.text, "Utkast med mer tekst");
        assert!(conflicts[0].original.deleted);
    }

    // The edit reaches the hub first: the deleting device makes the copy.
    let (mut hub, mut a, mut b, id) = shared("Utkast");
    a.store.delete_draft(&id).unwrap();
    edit(&mut b.store, &id, "Utkast med mer tekst");
    assert!(b.round(&mut hub).is_empty());
    assert_eq!(a.round(&mut hub).len(), 1);
    assert!(b.round(&mut hub).is_empty());
    for device in [&a, &b] {
        let conflicts = device.store.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "one copy on each device");
        assert_eq!(conflicts[0].copy.text, "Utkast med mer tekst");
        assert!(conflicts[0].original.deleted);
    }
}

#[test]
fn own_changes_coming_back_change_nothing_and_need_no_second_push() {
    let mut hub = Hub::new(now_ms());
    let mut a = Device::new("a");
    let id = create(&mut a.store, "Mitt");
    edit(&mut a.store, &id, "Mitt utkast");
    a.round(&mut hub);
    let before = a.store.draft(&id).unwrap();
    let pushed = hub.len();
    a.round(&mut hub);
    assert_eq!(a.store.draft(&id).unwrap(), before);
    assert_eq!(hub.len(), pushed);
    assert_eq!(a.store.sync_pending().unwrap(), 0);
}

fn account(store: &mut Store) -> String {
    let account = store
        .add_account(podium_store::NewAccount {
            network: Some(podium_core::network::Network::Mastodon),
            handle: "@kari@social.example".into(),
            display_name: "Kari".into(),
            service: "https://social.example".into(),
            remote_id: "109".into(),
            credential_ref: "podium:mastodon:kari-secret-ref".into(),
            zone: "Europe/Oslo".into(),
            token_expires_at: None,
        })
        .unwrap();
    store
        .set_slots(
            &account.id,
            &[podium_core::schedule::Slot {
                weekday: 1,
                minute: 510,
            }],
        )
        .unwrap();
    account.id
}

#[test]
fn an_account_syncs_its_public_part_and_never_its_sign_in() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let id = account(&mut a.store);
    a.round(&mut hub);
    b.round(&mut hub);
    let there = b.store.account(&id).unwrap();
    assert_eq!(there.handle, "@kari@social.example");
    assert_eq!(there.zone, "Europe/Oslo");
    assert_eq!(there.slots.len(), 1);
    assert_eq!(there.credential_ref, "", "no sign-in on the other device");
    let pushed = hub.pull(0);
    let wire = serde_json::to_string(&pushed).unwrap();
    assert!(!wire.contains("kari-secret-ref"), "{wire}");
    assert!(!wire.contains("credential_ref"), "{wire}");
    // Pausing on the other device reaches the first.
    b.store.set_paused(&id, true).unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    assert!(a.store.account(&id).unwrap().paused);
    assert_eq!(
        a.store.account(&id).unwrap().credential_ref,
        "podium:mastodon:kari-secret-ref"
    );
}

#[test]
fn a_queued_post_shows_on_every_device_but_only_its_creator_sends_it_and_its_outcome_syncs() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let acc = account(&mut a.store);
    let draft = create(&mut a.store, "Klar til å sendes");
    let past = chrono::Utc::now() - chrono::Duration::seconds(10);
    let entry = a
        .store
        .schedule(&draft, &acc, podium_store::When::At(past))
        .unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    assert_eq!(b.store.queue().unwrap().len(), 1);
    let grace = std::time::Duration::from_secs(3600);
    let due_b = b.store.take_due(chrono::Utc::now(), grace).unwrap();
    assert!(due_b.send.is_empty(), "B does not send A's post");
    let due_a = a.store.take_due(chrono::Utc::now(), grace).unwrap();
    assert_eq!(due_a.send, vec![entry.id.clone()]);

    a.store
        .claim(&entry.id, &[("Klar til å sendes".into(), "key-1".into())])
        .unwrap();
    a.store.part_sending(&entry.id, 0).unwrap();
    a.store
        .part_sent(
            &entry.id,
            0,
            "9001",
            None,
            "https://social.example/@kari/9001",
        )
        .unwrap();
    a.store.entry_sent(&entry.id).unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    let there = b.store.entry(&entry.id).unwrap();
    assert_eq!(there.state, podium_core::outbox::OutboxState::Sent);
    assert_eq!(
        there.remote_url.as_deref(),
        Some("https://social.example/@kari/9001")
    );
    assert_eq!(b.store.draft(&draft).unwrap().state, DraftState::Published);
}
