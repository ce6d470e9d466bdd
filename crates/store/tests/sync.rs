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
