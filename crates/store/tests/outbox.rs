//! Accounts, slots and the outbox's rules, on a real database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use podium_core::draft::DraftState;
use podium_core::outbox::PartState;
use podium_core::schedule::{OutboxState, Slot};
use podium_core::text::check::Network;
use podium_store::{NewAccount, NewDraft, Store, When, GRACE_SETTING};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    now: Arc<Mutex<DateTime<Utc>>>,
    account: String,
}

/// The Mastodon account the tests schedule on (connecting it again is a reconnect).
fn leader() -> NewAccount {
    NewAccount {
        network: Some(Network::Mastodon),
        handle: "@leder@example.social".into(),
        service: "https://example.social".into(),
        remote_id: "42".into(),
        credential_ref: "mastodon:test".into(),
        zone: "Europe/Oslo".into(),
        ..NewAccount::default()
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
    // Friday 27 November 2026, 12:00 UTC (13:00 in Oslo).
    let now = Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
    ));
    let clock = now.clone();
    store.set_time_source(move || *clock.lock().unwrap());
    let account = store.add_account(leader()).unwrap().id;
    store
        .set_slots(
            &account,
            &[
                Slot::parse("tue 08:30").unwrap(),
                Slot::parse("thu 08:30").unwrap(),
            ],
        )
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        now,
        account,
    }
}

fn draft(store: &mut Store, text: &str) -> String {
    store
        .create_draft(NewDraft {
            text: text.into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id
}

fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
}

#[test]
fn add_to_queue_takes_the_next_free_slots_in_the_accounts_zone() {
    let mut f = fixture();
    let a = draft(&mut f.store, "First");
    let b = draft(&mut f.store, "Second");
    let c = draft(&mut f.store, "Third");
    let ea = f.store.schedule(&a, &f.account, When::NextSlot).unwrap();
    let eb = f.store.schedule(&b, &f.account, When::NextSlot).unwrap();
    let ec = f.store.schedule(&c, &f.account, When::NextSlot).unwrap();
    // Tue 1 Dec, Thu 3 Dec, Tue 8 Dec — 08:30 in Oslo is 07:30 UTC in winter.
    assert_eq!(ea.due_at, utc(1, 7, 30));
    assert_eq!(eb.due_at, utc(3, 7, 30));
    assert_eq!(ec.due_at, utc(8, 7, 30));
    assert_eq!(ea.state, OutboxState::Queued);
    assert_eq!(f.store.draft(&a).unwrap().state, DraftState::Scheduled);

    // Moving the first frees its slot for the next "add to queue".
    f.store.reschedule(&ea.id, When::At(utc(2, 12, 0))).unwrap();
    let d = draft(&mut f.store, "Fourth");
    assert_eq!(
        f.store
            .schedule(&d, &f.account, When::NextSlot)
            .unwrap()
            .due_at,
        utc(1, 7, 30)
    );

    // Scheduling a draft on an account again moves it (one entry per post and account).
    let again = f
        .store
        .schedule(&a, &f.account, When::At(utc(4, 9, 0)))
        .unwrap();
    assert_eq!(again.id, ea.id);
    assert_eq!(f.store.queue().unwrap().len(), 4);

    // Taking it out of the queue puts the draft back to ready.
    f.store.unschedule(&ea.id).unwrap();
    assert_eq!(f.store.draft(&a).unwrap().state, DraftState::Ready);
}

#[test]
fn an_account_without_slots_says_so() {
    let mut f = fixture();
    f.store.set_slots(&f.account, &[]).unwrap();
    let a = draft(&mut f.store, "x");
    let err = f
        .store
        .schedule(&a, &f.account, When::NextSlot)
        .unwrap_err();
    assert!(err.to_string().contains("no time slots"), "{err}");
    let empty = draft(&mut f.store, "  ");
    assert!(f
        .store
        .schedule(&empty, &f.account, When::At(utc(1, 0, 0)))
        .is_err());
}

#[test]
fn due_posts_are_sent_late_ones_within_grace_too_and_older_ones_wait_for_review() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let on_time = draft(&mut f.store, "due now");
    let late = draft(&mut f.store, "an hour late");
    let too_late = draft(&mut f.store, "three hours late");
    let future = draft(&mut f.store, "tomorrow");
    let e1 = f
        .store
        .schedule(&on_time, &f.account, When::At(now))
        .unwrap();
    let e2 = f
        .store
        .schedule(
            &late,
            &f.account,
            When::At(now - chrono::Duration::hours(1)),
        )
        .unwrap();
    let e3 = f
        .store
        .schedule(
            &too_late,
            &f.account,
            When::At(now - chrono::Duration::hours(3)),
        )
        .unwrap();
    let e4 = f
        .store
        .schedule(
            &future,
            &f.account,
            When::At(now + chrono::Duration::days(1)),
        )
        .unwrap();
    let grace = f.store.grace().unwrap();
    assert_eq!(grace, Duration::from_secs(7200));
    let due = f.store.take_due(now, grace).unwrap();
    assert_eq!(due.send, vec![e2.id.clone(), e1.id.clone()], "oldest first");
    assert_eq!(due.to_review.len(), 1);
    assert_eq!(due.to_review[0].id, e3.id);
    assert_eq!(f.store.entry(&e3.id).unwrap().state, OutboxState::Review);
    assert_eq!(due.next_at, Some(e4.due_at));

    // The plan asks for a week and for what needs the user.
    let week = f
        .store
        .entries_between(
            now - chrono::Duration::hours(2),
            now + chrono::Duration::hours(1),
        )
        .unwrap();
    assert_eq!(
        week.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        vec![e2.id.clone(), e1.id.clone()]
    );
    let needing: Vec<String> = f
        .store
        .entries_needing_user()
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(needing, vec![e3.id.clone()]);
    assert_eq!(f.store.entries_of_draft(&future).unwrap()[0].id, e4.id);

    // A wider grace window (a setting) would have sent it.
    f.store.set_setting(GRACE_SETTING, "14400").unwrap();
    assert_eq!(f.store.grace().unwrap(), Duration::from_secs(14400));

    // A paused queue sends nothing.
    f.store.set_paused(&f.account, true).unwrap();
    assert!(f.store.take_due(now, grace).unwrap().send.is_empty());
}

#[test]
fn a_claim_is_taken_once_and_fixes_the_parts_and_their_keys() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let a = draft(&mut f.store, "Thread");
    let e = f.store.schedule(&a, &f.account, When::At(now)).unwrap();
    let parts = vec![
        ("one".to_owned(), "k1".to_owned()),
        ("two".to_owned(), "k2".to_owned()),
    ];
    let claimed = f.store.claim(&e.id, &parts).unwrap().unwrap();
    assert_eq!(claimed.state, OutboxState::Claimed);
    assert!(
        f.store.claim(&e.id, &parts).unwrap().is_none(),
        "a second claim gets nothing"
    );

    // Part 1 goes out; part 2 is sending when the process dies.
    f.store.part_sending(&e.id, 0).unwrap();
    f.store
        .part_sent(&e.id, 0, "101", None, "https://example.social/@leder/101")
        .unwrap();
    f.store.part_sending(&e.id, 1).unwrap();
    assert_eq!(f.store.recover_interrupted().unwrap(), 1);
    let back = f.store.entry(&e.id).unwrap();
    assert_eq!(back.state, OutboxState::Queued);
    assert_eq!(back.parts[0].state, PartState::Sent);
    assert_eq!(
        back.parts[1].state,
        PartState::Sending,
        "what may have happened is kept"
    );

    // Claimed again with other texts and keys (the draft changed): the parts stay as fixed.
    let other = vec![("changed".to_owned(), "new".to_owned())];
    let again = f.store.claim(&e.id, &other).unwrap().unwrap();
    assert_eq!(again.parts.len(), 2);
    assert_eq!(again.parts[1].key, "k2");
    assert_eq!(
        again.remote_url.as_deref(),
        Some("https://example.social/@leder/101")
    );

    // While it is on its way, the user cannot move it or take it out.
    assert!(f.store.reschedule(&e.id, When::At(utc(9, 0, 0))).is_err());
    assert!(f.store.unschedule(&e.id).is_err());
    assert!(f.store.remove_account(&f.account).is_err());

    f.store
        .part_sent(&e.id, 1, "102", None, "https://example.social/@leder/102")
        .unwrap();
    let sent = f.store.entry_sent(&e.id).unwrap();
    assert_eq!(sent.state, OutboxState::Sent);
    assert_eq!(f.store.draft(&a).unwrap().state, DraftState::Published);
    let err = f
        .store
        .reschedule(&e.id, When::At(utc(9, 0, 0)))
        .unwrap_err();
    assert!(err.to_string().contains("already been published"), "{err}");
    assert!(
        f.store.retry(&e.id).is_err(),
        "a sent post never goes out again"
    );
}

#[test]
fn an_unclear_post_waits_for_the_user_who_can_confirm_or_send_again() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let a = draft(&mut f.store, "Unclear");
    let e = f.store.schedule(&a, &f.account, When::At(now)).unwrap();
    f.store
        .claim(&e.id, &[("Unclear".into(), "key-1".into())])
        .unwrap();
    f.store.part_sending(&e.id, 0).unwrap();
    let unknown = f.store.entry_unknown(&e.id, "no answer").unwrap();
    assert_eq!(unknown.state, OutboxState::Unknown);
    assert!(f
        .store
        .take_due(now, Duration::from_secs(7200))
        .unwrap()
        .send
        .is_empty());
    let err = f
        .store
        .reschedule(&e.id, When::At(utc(9, 0, 0)))
        .unwrap_err();
    assert!(err.to_string().contains("It was posted"), "{err}");

    // "Send again": the unclear part gets a new key (the user says the first did not land).
    let again = f.store.retry(&e.id).unwrap();
    assert_eq!(again.state, OutboxState::Queued);
    assert_eq!(again.parts[0].state, PartState::Pending);
    assert_ne!(again.parts[0].key, "key-1");

    // Or, on another entry, "it was posted".
    let b = draft(&mut f.store, "Seen");
    let e2 = f.store.schedule(&b, &f.account, When::At(now)).unwrap();
    f.store
        .claim(&e2.id, &[("Seen".into(), "k".into())])
        .unwrap();
    f.store.entry_unknown(&e2.id, "no answer").unwrap();
    assert_eq!(
        f.store.confirm_sent(&e2.id).unwrap().state,
        OutboxState::Sent
    );
}

#[test]
fn disconnecting_drops_waiting_posts_but_keeps_drafts_and_reconnecting_keeps_the_account() {
    let mut f = fixture();
    let a = draft(&mut f.store, "Waiting");
    f.store.schedule(&a, &f.account, When::NextSlot).unwrap();
    // Connecting the same account again is a reconnect: same id, slots kept.
    let again = f.store.add_account(leader()).unwrap();
    assert_eq!(again.id, f.account);
    assert_eq!(again.slots.len(), 2);
    assert_eq!(f.store.accounts().unwrap().len(), 1);

    assert_eq!(f.store.remove_account(&f.account).unwrap(), 1);
    assert!(f.store.accounts().unwrap().is_empty());
    assert!(f.store.queue().unwrap().is_empty());
    assert!(f.store.draft(&a).is_ok());
    let bad_zone = f.store.add_account(NewAccount {
        network: Some(Network::Bluesky),
        handle: "x.test".into(),
        credential_ref: "r".into(),
        zone: "Mars/Olympus".into(),
        ..NewAccount::default()
    });
    assert!(bad_zone.unwrap_err().to_string().contains("IANA"));
}

#[test]
fn an_accounts_zone_slots_and_pause_change_together_and_a_bad_zone_changes_nothing() {
    let mut f = fixture();
    let changes = podium_store::AccountChanges {
        slots: Some(vec![Slot::parse("wed 17:05").unwrap()]),
        zone: Some("America/New_York".into()),
        paused: Some(true),
        visibility: None,
    };
    let a = f.store.update_account(&f.account, &changes).unwrap();
    assert_eq!(a.slots, [Slot::parse("wed 17:05").unwrap()]);
    assert_eq!(a.zone, "America/New_York");
    assert!(a.paused);
    let bad = podium_store::AccountChanges {
        zone: Some("Mars/Olympus".into()),
        paused: Some(false),
        ..Default::default()
    };
    assert!(f.store.update_account(&f.account, &bad).is_err());
    let after = f.store.account(&f.account).unwrap();
    assert!(after.paused, "the zone is checked before anything changes");
    assert_eq!(after.zone, "America/New_York");
}
