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
    // Pausing and a new default visibility on the other device reach the first.
    b.store.set_paused(&id, true).unwrap();
    b.store
        .update_account(
            &id,
            &podium_store::AccountChanges {
                visibility: Some(podium_core::draft::Visibility::Unlisted),
                ..podium_store::AccountChanges::default()
            },
        )
        .unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    assert!(a.store.account(&id).unwrap().paused);
    assert_eq!(
        a.store.account(&id).unwrap().visibility,
        podium_core::draft::Visibility::Unlisted
    );
    assert_eq!(
        a.store.account(&id).unwrap().credential_ref,
        "podium:mastodon:kari-secret-ref"
    );
}

/// An account another device connected is shown here as connected there: a post cannot be
/// scheduled on it from here (nothing here could publish it) until it is connected here too,
/// which gives this device a sign-in of its own on the same account, not a second account.
#[test]
fn an_account_connected_on_another_device_cannot_be_scheduled_here_until_connected_here_too() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let id = account(&mut a.store);
    a.round(&mut hub);
    b.round(&mut hub);
    assert!(a.store.account(&id).unwrap().connected_here);
    assert!(!b.store.account(&id).unwrap().connected_here);
    let draft = create(&mut b.store, "Planlagt fra feil maskin");
    let refused = b
        .store
        .schedule(&draft, &id, podium_store::When::NextSlot)
        .unwrap_err();
    assert!(
        matches!(&refused, podium_store::Error::NotConnectedHere { handle } if handle == "@kari@social.example"),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("another device"), "{refused}");
    assert!(b.store.queue().unwrap().is_empty(), "nothing was scheduled");
    // Connecting the same account on B connects B to it: one account, a sign-in on each device.
    let here = b
        .store
        .add_account(podium_store::NewAccount {
            network: Some(podium_core::network::Network::Mastodon),
            handle: "@kari@social.example".into(),
            display_name: "Kari".into(),
            service: "https://social.example".into(),
            remote_id: "109".into(),
            credential_ref: "podium:mastodon:b-ref".into(),
            zone: "Europe/Oslo".into(),
            token_expires_at: None,
        })
        .unwrap();
    assert_eq!(here.id, id);
    assert!(here.connected_here);
    assert_eq!(b.store.accounts().unwrap().len(), 1);
    b.store
        .schedule(&draft, &id, podium_store::When::NextSlot)
        .unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    assert_eq!(
        a.store.account(&id).unwrap().credential_ref,
        "podium:mastodon:kari-secret-ref",
        "A keeps its own sign-in"
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

/// A device whose clock is off by `offset` (changeable while the test runs).
fn skewed(name: &str, offset: &std::sync::Arc<std::sync::atomic::AtomicI64>) -> Device {
    let mut device = Device::new(name);
    let offset = offset.clone();
    device.store.set_time_source(move || {
        chrono::Utc::now()
            + chrono::Duration::milliseconds(offset.load(std::sync::atomic::Ordering::SeqCst))
    });
    device
}

fn set_state(store: &mut Store, id: &str, state: DraftState) {
    store
        .update_draft(
            id,
            DraftPatch {
                state: Some(state),
                ..DraftPatch::default()
            },
        )
        .unwrap();
}

#[test]
fn a_device_a_day_ahead_is_refused_keeps_its_changes_and_syncs_them_in_order_once_its_clock_is_right(
) {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    let day = 86_400_000;
    let offset = Arc::new(AtomicI64::new(day));
    let mut hub = Hub::new(now_ms());
    let mut a = skewed("a", &offset);
    let mut b = Device::new("b");
    let id = create(&mut a.store, "Skrevet i morgen");
    a.round(&mut hub);
    assert_eq!(hub.len(), 0, "the hub took nothing");
    let refused = a.store.sync_refused().unwrap();
    assert!(!refused.is_empty());
    assert!(refused
        .iter()
        .all(|(_, code, _)| *code == podium_core::sync::ErrorCode::ClockAhead));
    assert!(a.store.sync_pending().unwrap() > 0, "the changes wait");

    // The clock is put right: the waiting changes go out, stamped now.
    offset.store(0, Ordering::SeqCst);
    hub.now_ms = now_ms();
    a.round(&mut hub);
    a.round(&mut hub);
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    assert!(a.store.sync_refused().unwrap().is_empty());
    b.round(&mut hub);
    assert_eq!(text(&b.store, &id), "Skrevet i morgen");

    // Order is not corrupted: A's next change is not stamped a day ahead, so B's later change
    // wins.
    set_state(&mut a.store, &id, DraftState::Idea);
    std::thread::sleep(std::time::Duration::from_millis(5));
    set_state(&mut b.store, &id, DraftState::Ready);
    hub.now_ms = now_ms();
    b.round(&mut hub);
    a.round(&mut hub);
    b.round(&mut hub);
    assert_eq!(a.store.draft(&id).unwrap().state, DraftState::Ready);
    assert_eq!(b.store.draft(&id).unwrap().state, DraftState::Ready);
}

#[test]
fn a_device_a_day_behind_still_orders_its_changes_after_what_it_has_seen() {
    use std::sync::atomic::AtomicI64;
    use std::sync::Arc;
    let offset = Arc::new(AtomicI64::new(-86_400_000));
    let mut hub = Hub::new(now_ms());
    let mut a = skewed("a", &offset);
    let mut b = Device::new("b");
    let id = create(&mut b.store, "Fra B");
    set_state(&mut b.store, &id, DraftState::Ready);
    b.round(&mut hub);
    a.round(&mut hub);
    // A's clock says yesterday, but A has seen B's change: A's later change wins.
    set_state(&mut a.store, &id, DraftState::Idea);
    a.round(&mut hub);
    b.round(&mut hub);
    assert_eq!(a.store.draft(&id).unwrap().state, DraftState::Idea);
    assert_eq!(b.store.draft(&id).unwrap().state, DraftState::Idea);
}

#[test]
fn a_push_whose_answer_was_lost_is_not_sent_twice_and_is_settled_by_the_next_pull() {
    let mut hub = Hub::new(now_ms());
    let mut a = Device::new("a");
    let id = create(&mut a.store, "Sendt, men svaret kom aldri");
    let out = a.store.sync_outgoing(100).unwrap();
    hub.push(&a.id, &out); // the answer is lost: nothing is settled
    assert!(a.store.sync_pending().unwrap() > 0);
    // Pushed again: the hub answers duplicate, and nothing is stored twice.
    let again = a.store.sync_outgoing(100).unwrap();
    let answer = hub.push(&a.id, &again);
    assert!(answer
        .results
        .iter()
        .all(|r| r.status == podium_core::sync::PushStatus::Duplicate));
    a.store.sync_settle(&again, &answer).unwrap();
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    assert_eq!(hub.len(), out.len());
    // The lost answer is also settled by pulling the device's own changes back.
    let mut c = Device::new("c");
    let id_c = create(&mut c.store, "Også tapt");
    let out = c.store.sync_outgoing(100).unwrap();
    hub.push(&c.id, &out);
    c.pull(&hub);
    assert_eq!(c.store.sync_pending().unwrap(), 0);
    assert_eq!(text(&c.store, &id_c), "Også tapt");
    assert_eq!(text(&c.store, &id), "Sendt, men svaret kom aldri");
}

#[test]
fn a_conflict_is_resolved_by_keeping_either_text_or_an_edit_of_both() {
    for (keep, expected) in [
        (Keep::Original, "Møtet er på onsdag."),
        (
            Keep::Text("Møtet er på onsdag eller torsdag.".into()),
            "Møtet er på onsdag eller torsdag.",
        ),
    ] {
        let (mut hub, mut a, mut b, id) = shared("Møtet er på tirsdag.");
        edit(&mut a.store, &id, "Møtet er på onsdag.");
        edit(&mut b.store, &id, "Møtet er på torsdag.");
        a.round(&mut hub);
        let copy = b.round(&mut hub).pop().unwrap();
        a.round(&mut hub);
        let kept = a.store.resolve_conflict(&copy, keep).unwrap();
        assert_eq!(kept.text, expected);
        a.round(&mut hub);
        b.round(&mut hub);
        for device in [&a, &b] {
            assert_eq!(text(&device.store, &id), expected);
            assert!(device.store.conflicts().unwrap().is_empty());
            assert!(
                device.store.draft(&copy).unwrap().deleted,
                "the copy is in the bin"
            );
        }
    }
    let (_, mut a, _, id) = shared("Ikke en kopi");
    assert!(a.store.resolve_conflict(&id, Keep::Original).is_err());
}

#[test]
fn network_versions_merge_per_network_and_history_made_on_two_devices_is_the_same_on_both() {
    use podium_core::network::Network;
    use std::collections::BTreeMap;
    let (mut hub, mut a, mut b, id) = shared("Hovedtekst");
    let variants = |pairs: &[(Network, &str)]| {
        pairs
            .iter()
            .map(|(n, t)| (*n, (*t).to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    a.store
        .update_draft(
            &id,
            DraftPatch {
                variants: Some(variants(&[(Network::X, "Kort for X")])),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    b.store
        .update_draft(
            &id,
            DraftPatch {
                variants: Some(variants(&[(Network::Bluesky, "Litt lengre for Bluesky")])),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    a.round(&mut hub);
    let both = variants(&[
        (Network::X, "Kort for X"),
        (Network::Bluesky, "Litt lengre for Bluesky"),
    ]);
    assert_eq!(a.store.draft(&id).unwrap().variants, both);
    assert_eq!(b.store.draft(&id).unwrap().variants, both);
    // A's edit joined the revision it created the draft with (one stretch of typing); B's
    // started a revision of its own. Both are kept, and the history is the same everywhere.
    let history = |s: &Store| {
        let mut ids: Vec<String> = s
            .revisions(&id)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(history(&a.store), history(&b.store));
    assert_eq!(history(&a.store).len(), 2);
}

#[test]
fn a_goal_added_on_one_device_is_offered_on_the_other_once() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    a.store.add_goal("Rekruttere").unwrap();
    a.store.add_goal("Vekst").unwrap();
    b.store.add_goal("Rekruttere").unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    a.round(&mut hub);
    for device in [&a, &b] {
        let goals = device.store.goals().unwrap();
        assert_eq!(
            goals.iter().filter(|g| *g == "Rekruttere").count(),
            1,
            "{goals:?}"
        );
        assert!(goals.contains(&"Vekst".to_owned()), "{goals:?}");
    }
}

#[test]
fn a_device_that_leaves_and_joins_another_team_brings_everything_to_the_new_hub() {
    let mut old_hub = Hub::new(now_ms());
    let mut a = Device::new("a");
    let id = create(&mut a.store, "Fra det gamle teamet");
    edit(&mut a.store, &id, "Fra det gamle teamet, rettet");
    a.store.add_goal("Rekruttere").unwrap();
    a.round(&mut old_hub);
    a.store.forget_sync_identity().unwrap();
    assert_eq!(a.store.sync_identity().unwrap(), None);

    let mut identity = podium_store::SyncIdentity {
        hub: "http://127.0.0.1:8731".into(),
        workspace: "another-team".into(),
        device_id: "device-a2".into(),
        member_id: "m2".into(),
        member_name: "a".into(),
        role: podium_core::sync::Role::Assistant,
        pin: None,
    };
    a.store.set_sync_identity(&identity).unwrap();
    assert_eq!(a.store.sync_cursor().unwrap(), 0);
    a.id = identity.device_id.clone();
    let mut new_hub = Hub::new(now_ms());
    a.round(&mut new_hub);
    let mut b = Device::new("b");
    b.round(&mut new_hub);
    assert_eq!(text(&b.store, &id), "Fra det gamle teamet, rettet");
    assert_eq!(
        b.store.revisions(&id).unwrap().len(),
        a.store.revisions(&id).unwrap().len()
    );
    assert!(b.store.goals().unwrap().contains(&"Rekruttere".to_owned()));

    // Joining the same team again sends nothing twice.
    let before = new_hub.len();
    identity.device_id = "device-a3".into();
    a.store.set_sync_identity(&identity).unwrap();
    a.round(&mut new_hub);
    assert_eq!(new_hub.len(), before);
}

#[test]
fn a_post_moved_on_another_device_while_its_creator_sends_it_ends_sent_on_both() {
    let mut hub = Hub::new(now_ms());
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let acc = account(&mut a.store);
    let draft = create(&mut a.store, "Sendes nå");
    let past = chrono::Utc::now() - chrono::Duration::seconds(10);
    let entry = a
        .store
        .schedule(&draft, &acc, podium_store::When::At(past))
        .unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    a.store
        .claim(&entry.id, &[("Sendes nå".into(), "key-1".into())])
        .unwrap();
    a.store.part_sending(&entry.id, 0).unwrap();
    // Meanwhile B moves it to tomorrow.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    b.store
        .reschedule(&entry.id, podium_store::When::At(tomorrow))
        .unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    assert_eq!(
        a.store.entry(&entry.id).unwrap().state,
        podium_core::outbox::OutboxState::Sending,
        "the post on its way stays on its way"
    );
    a.store
        .part_sent(&entry.id, 0, "1", None, "https://social.example/@kari/1")
        .unwrap();
    a.store.entry_sent(&entry.id).unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    let (on_a, on_b) = (
        a.store.entry(&entry.id).unwrap(),
        b.store.entry(&entry.id).unwrap(),
    );
    assert_eq!(on_a.state, podium_core::outbox::OutboxState::Sent);
    assert_eq!(on_b.state, podium_core::outbox::OutboxState::Sent);
    assert_eq!(on_a.due_at, on_b.due_at);
    assert_eq!(on_b.remote_url, on_a.remote_url);
}
