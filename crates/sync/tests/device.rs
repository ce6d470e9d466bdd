//! A device against the real `podium-hub` on 127.0.0.1: joining, rounds that converge, and the
//! faults a device meets — the hub killed mid-push, a page replayed, a clock a day off, a stamp
//! from the far future, an old protocol, a revoked device.
//!
//! Each needs the `podium-hub` binary (see support/hub.rs) and a keyring (the device token lives
//! there): `cargo xtask test` runs them in a D-Bus session with an unlocked gnome-keyring.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/hub.rs"]
mod hub;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use podium_core::draft::DraftState;
use podium_core::sync::{PushStatus, MAX_PAGE};
use podium_store::{DraftPatch, Filter, NewDraft, Store};
use podium_sync::{Error, Hub, Listener};

use hub::HubProcess;

/// A device: its own database in its own folder.
struct Device {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
}

impl Device {
    fn new() -> Device {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("podium.sqlite3");
        let store = Store::open(&path).unwrap();
        Device {
            _dir: dir,
            path,
            store,
        }
    }

    /// A new device that joined the hub's team as a new member.
    fn joined(hub: &HubProcess, name: &str) -> Device {
        let mut device = Device::new();
        let code = hub.invite(name, "assistant");
        podium_sync::join(
            &mut device.store,
            &hub.url,
            &code,
            &format!("{name}'s laptop"),
        )
        .unwrap_or_else(|e| panic!("{name} joins: {e}"));
        device
    }

    fn round(&mut self) -> podium_sync::Round {
        podium_sync::round(&mut self.store).unwrap_or_else(|e| panic!("a round: {e}"))
    }

    fn add(&mut self, text: &str) -> String {
        self.store
            .create_draft(NewDraft {
                text: text.into(),
                ..NewDraft::default()
            })
            .unwrap()
            .id
    }

    fn edit(&mut self, id: &str, text: &str) {
        self.store
            .update_draft(
                id,
                DraftPatch {
                    text: Some(text.into()),
                    ..DraftPatch::default()
                },
            )
            .unwrap();
    }

    fn set_state(&mut self, id: &str, state: DraftState) {
        self.store
            .update_draft(
                id,
                DraftPatch {
                    state: Some(state),
                    ..DraftPatch::default()
                },
            )
            .unwrap();
    }

    fn text(&self, id: &str) -> String {
        self.store.draft(id).unwrap().text
    }

    /// Every draft in the default list: (id, text, conflict_of), sorted by id.
    fn list(&self) -> Vec<(String, String, Option<String>)> {
        let mut all: Vec<_> = self
            .store
            .list_drafts(&Filter::default())
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d.text, d.conflict_of))
            .collect();
        all.sort();
        all
    }

    /// The device's hub client, with its token (for requests a round never makes).
    fn hub_client(&self) -> Hub {
        let id = self.store.sync_identity().unwrap().unwrap();
        let token = podium_sync::token::load(&id.device_id).unwrap();
        Hub::new(&id.hub, None).unwrap().with_token(token)
    }
}

fn hub() -> (tempfile::TempDir, HubProcess) {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    (dir, hub)
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_joined_device_keeps_its_token_in_the_keyring_under_its_own_id_and_a_code_works_once() {
    let (_d, hub) = hub();
    let code = hub.invite("Kari", "executive");
    let mut a = Device::new();
    let id = podium_sync::join(&mut a.store, &hub.url, &code, "Kari's laptop").unwrap();
    assert_eq!(id.member_name, "Kari");
    assert_eq!(id.role, podium_core::sync::Role::Executive);
    // The token is in the keyring under this device's id, never in the database.
    let token = podium_sync::token::load(&id.device_id).unwrap();
    assert!(!token.is_empty());
    let dump = std::fs::read(&a.path).unwrap();
    assert!(
        !dump.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token is not in the database file"
    );
    // The code is spent: a second device cannot join with it.
    let mut b = Device::new();
    match podium_sync::join(&mut b.store, &hub.url, &code, "Another laptop") {
        Err(Error::BadCode) => {}
        other => panic!("expected bad code, got {other:?}"),
    }
    assert!(b.store.sync_identity().unwrap().is_none());
    // A second device of the same machine, another database: its own token, its own entry.
    let b = Device::joined(&hub, "Ola");
    let b_id = b.store.sync_identity().unwrap().unwrap();
    assert_ne!(b_id.device_id, id.device_id);
    assert_ne!(podium_sync::token::load(&b_id.device_id).unwrap(), token);
    let status = podium_sync::status(&a.store).unwrap();
    assert!(status.joined);
    assert_eq!(status.member.as_deref(), Some("Kari"));
    // Both members are listed with their devices.
    let members = podium_sync::members(&a.store).unwrap();
    let kari = members.iter().find(|m| m.name == "Kari").unwrap();
    assert_eq!(kari.devices.len(), 1);
    assert_eq!(kari.devices[0].id, id.device_id);
    assert_eq!(kari.devices[0].name, "Kari's laptop");
    assert!(members.iter().any(|m| m.name == "Ola"));
    // Leaving forgets the token and the team; the hub no longer lists the device.
    podium_sync::leave(&mut a.store).unwrap();
    assert!(a.store.sync_identity().unwrap().is_none());
    assert!(podium_sync::token::load(&id.device_id).is_err());
    assert!(matches!(
        podium_sync::round(&mut a.store),
        Err(Error::NotJoined)
    ));
    let members = podium_sync::members(&b.store).unwrap();
    assert!(members
        .iter()
        .all(|m| m.devices.iter().all(|d| d.id != id.device_id)));
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn edits_to_different_sentences_on_two_devices_end_as_one_text_on_both() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    let id = a.add("Culture eats strategy. Listen first. Decide later.");
    a.round();
    b.round();
    assert_eq!(
        b.text(&id),
        "Culture eats strategy. Listen first. Decide later."
    );
    // Offline, both edit: A the first sentence, B the last.
    a.edit(
        &id,
        "Culture eats strategy for breakfast. Listen first. Decide later.",
    );
    b.edit(&id, "Culture eats strategy. Listen first. Decide together.");
    a.round();
    b.round();
    a.round();
    let merged = "Culture eats strategy for breakfast. Listen first. Decide together.";
    assert_eq!(a.text(&id), merged);
    assert_eq!(b.text(&id), merged);
    assert_eq!(a.list(), b.list());
    assert!(
        a.list().iter().all(|(_, _, c)| c.is_none()),
        "no conflict copy"
    );
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn overlapping_edits_keep_the_first_text_and_make_exactly_one_conflict_copy_everywhere() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    let id = a.add("We launch on Monday.");
    a.round();
    b.round();
    a.edit(&id, "We launch on Tuesday.");
    b.edit(&id, "We launch on Friday.");
    a.round(); // A's text reaches the hub first.
    let r = b.round();
    assert_eq!(r.conflicts, 1);
    a.round();
    b.round();
    for device in [&a, &b] {
        let list = device.list();
        assert_eq!(list.len(), 2, "{list:?}");
        let original = list.iter().find(|(i, _, _)| *i == id).unwrap();
        assert_eq!(original.1, "We launch on Tuesday.");
        let copies: Vec<_> = list.iter().filter(|(_, _, c)| c.is_some()).collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0].1, "We launch on Friday.");
        assert_eq!(copies[0].2.as_deref(), Some(id.as_str()));
    }
    assert_eq!(podium_sync::status(&a.store).unwrap().conflicts, 1);
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_hub_killed_mid_push_loses_nothing_and_stores_nothing_twice() {
    let (_d, mut hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    let n = 8 * MAX_PAGE;
    for i in 0..n {
        a.add(&format!("Draft number {i} of the big push"));
    }
    let total = a.store.sync_pending().unwrap();
    // Kill the hub while A pushes its pages, as soon as the first page has landed.
    let path = a.path.clone();
    let pusher = std::thread::spawn(move || {
        let mut store = Store::open(&path).unwrap();
        podium_sync::round(&mut store)
    });
    while a.store.sync_pending().unwrap() == total && !pusher.is_finished() {
        std::thread::sleep(Duration::from_millis(1));
    }
    hub.kill();
    let first = pusher.join().unwrap();
    assert!(matches!(first, Err(Error::Unreachable { .. })), "{first:?}");
    let status = podium_sync::status(&a.store).unwrap();
    assert!(status.offline_since.is_some());
    assert_eq!(status.error_kind.as_deref(), Some("unreachable"));
    let left = status.pending;
    assert!(left > 0 && left < total, "{left} of {total} still to push");
    hub.restart();
    a.round();
    assert_eq!(a.store.sync_pending().unwrap(), 0);
    b.round();
    let list = b.list();
    assert_eq!(list.len(), n, "every draft once, none twice");
    assert_eq!(a.list(), list);
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_replayed_push_is_a_duplicate_and_a_replayed_page_changes_nothing() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    let id = a.add("Said once.");
    a.edit(&id, "Said once, and only once.");
    // What A is about to push, pushed by A's round, then pushed again as a replay.
    let outgoing = a.store.sync_outgoing(MAX_PAGE).unwrap();
    assert!(!outgoing.is_empty());
    a.round();
    let again = a.hub_client().push(&outgoing).unwrap();
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == PushStatus::Duplicate),
        "{:?}",
        again.results
    );
    // B pulls the same page twice: the second time changes nothing.
    let page = b.hub_client().pull(0, MAX_PAGE, None).unwrap();
    b.store.sync_apply(&page).unwrap();
    let once = (b.list(), b.store.revisions(&id).unwrap().len());
    let replay = b.store.sync_apply(&page).unwrap();
    assert_eq!(replay.conflicts.len(), 0);
    assert_eq!((b.list(), b.store.revisions(&id).unwrap().len()), once);
    b.round();
    assert_eq!(b.text(&id), "Said once, and only once.");
    assert_eq!(b.list().len(), 1);
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_clock_a_day_ahead_is_told_so_and_its_changes_wait_until_it_is_right() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    a.store
        .set_time_source(|| Utc::now() + chrono::Duration::days(1));
    let id = a.add("Written with the clock a day ahead.");
    a.set_state(&id, DraftState::Archived);
    match podium_sync::round(&mut a.store) {
        Err(Error::ClockAhead { ahead_ms }) => {
            assert!(
                ahead_ms > 23 * 3_600_000 && ahead_ms < 25 * 3_600_000,
                "{ahead_ms}"
            );
        }
        other => panic!("expected clock ahead, got {other:?}"),
    }
    let status = podium_sync::status(&a.store).unwrap();
    assert!(status.clock_ahead_ms.is_some());
    assert_eq!(status.error_kind.as_deref(), Some("clock_ahead"));
    assert!(status.pending > 0, "the change waits");
    assert!(status.refused > 0, "{status:?}");
    assert!(status.refused_reason.is_some(), "{status:?}");
    b.round();
    assert!(b.list().is_empty(), "nothing of A's reached the hub");
    // The clock is right again: the waiting change goes, and the draft reaches B.
    a.store.set_time_source(Utc::now);
    a.round();
    let status = podium_sync::status(&a.store).unwrap();
    assert_eq!(status.clock_ahead_ms, None);
    assert_eq!((status.pending, status.refused), (0, 0));
    b.round();
    assert_eq!(b.text(&id), "Written with the clock a day ahead.");
    // Order is not corrupted: B's change made after it saw A's is the later one on both (had
    // A's stamps stayed a day ahead, A's state would win for a day).
    b.set_state(&id, DraftState::Ready);
    b.round();
    a.round();
    for device in [&a, &b] {
        assert_eq!(device.store.draft(&id).unwrap().state, DraftState::Ready);
    }
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_clock_a_day_behind_still_orders_its_later_change_after_what_it_has_seen() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let mut b = Device::joined(&hub, "Ola");
    b.store
        .set_time_source(|| Utc::now() - chrono::Duration::days(1));
    let id = a.add("Ordered by what was seen.");
    a.set_state(&id, DraftState::Ready);
    a.round();
    b.round();
    // B, a day behind, changes the state after seeing A's: B's change is the later one.
    b.set_state(&id, DraftState::Idea);
    b.round();
    a.round();
    for device in [&a, &b] {
        assert_eq!(device.store.draft(&id).unwrap().state, DraftState::Idea);
    }
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_revoked_device_is_told_so_and_keeps_its_drafts() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let id = a.add("Mine still.");
    a.round();
    let device = a.store.sync_identity().unwrap().unwrap().device_id;
    a.hub_client().revoke(&device).unwrap();
    a.edit(&id, "Mine still, after the revocation.");
    match podium_sync::round(&mut a.store) {
        Err(Error::Revoked) => {}
        other => panic!("expected revoked, got {other:?}"),
    }
    let status = podium_sync::status(&a.store).unwrap();
    assert_eq!(status.error_kind.as_deref(), Some("revoked"));
    assert!(status.error.unwrap().contains("new invite code"));
    assert_eq!(a.text(&id), "Mine still, after the revocation.");
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn the_listener_hears_of_another_devices_change_while_it_waits() {
    let (_d, hub) = hub();
    let mut a = Device::joined(&hub, "Kari");
    let b = Device::joined(&hub, "Ola");
    let listener = Listener::new(&b.store).unwrap();
    let cursor = b.store.sync_cursor().unwrap();
    let waiting = std::thread::spawn(move || listener.wait(cursor, 30));
    std::thread::sleep(Duration::from_millis(300));
    a.add("Heard at once.");
    a.round();
    assert!(
        waiting.join().unwrap().unwrap(),
        "the listener heard of the change"
    );
    // With nothing new, the wait runs out and says so.
    let quiet = Listener::new(&b.store).unwrap();
    let head = a.store.sync_cursor().unwrap();
    assert!(!quiet.wait(head, 1).unwrap());
}
