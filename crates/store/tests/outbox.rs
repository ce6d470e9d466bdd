//! Accounts, slots and the outbox's rules, on a real database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use podium_core::draft::DraftState;
use podium_core::outbox::{AccountStatus, PartState};
use podium_core::reason::Reason;
use podium_core::schedule::{OutboxState, Slot};
use podium_core::text::check::Network;
use podium_core::wait::QuotaReading;
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

fn no_answer() -> Reason {
    Reason::NoAnswer {
        network: Network::Mastodon,
        detail: "it did not answer within 30 s".into(),
    }
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
    let unknown = f.store.entry_unknown(&e.id, &no_answer()).unwrap();
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
    f.store.entry_unknown(&e2.id, &no_answer()).unwrap();
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

#[test]
fn a_failure_records_its_code_and_the_networks_words_as_they_came() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let a = draft(&mut f.store, "Refused");
    let e = f.store.schedule(&a, &f.account, When::At(now)).unwrap();
    f.store
        .claim(&e.id, &[("Refused".into(), "key-1".into())])
        .unwrap();
    let said = "Validation failed: «Text» character limit of 500 exceeded";
    let why = Reason::Answered {
        network: Network::Mastodon,
        status: 422,
        detail: said.into(),
    };
    let failed = f.store.entry_failed(&e.id, &why).unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert_eq!(failed.error_code.as_deref(), Some("answered"));
    let data = failed.error_data.as_ref().unwrap();
    assert_eq!(data["detail"], said, "quoted as it came");
    assert_eq!(data["status"], 422);
    assert_eq!(data["network"], "mastodon");
    assert_eq!(failed.reason(), Some(why.clone()));
    assert_eq!(
        failed.error.as_deref(),
        Some(format!("Mastodon answered 422: {said}").as_str()),
        "the English stays for the CLI and the log"
    );
    // What `podium queue --json` prints: the English, the code and its data.
    let json = serde_json::to_value(&failed).unwrap();
    assert_eq!(json["error_code"], "answered");
    assert_eq!(json["error_data"]["detail"], said);

    // Sending it again forgets why it failed.
    let again = f.store.retry(&e.id).unwrap();
    assert_eq!(
        (again.error, again.error_code, again.error_data),
        (None, None, None)
    );
}

#[test]
fn a_transient_failure_keeps_its_reason_and_when_it_is_tried_again() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let a = draft(&mut f.store, "Later");
    let e = f.store.schedule(&a, &f.account, When::At(now)).unwrap();
    f.store
        .claim(&e.id, &[("Later".into(), "key-1".into())])
        .unwrap();
    let at = now + chrono::Duration::minutes(2);
    let why = Reason::NotReached {
        network: Network::Mastodon,
        detail: "connection refused".into(),
    }
    .retrying(at);
    let queued = f.store.entry_retry_later(&e.id, at, &why).unwrap();
    assert_eq!(queued.error_code.as_deref(), Some("retrying"));
    let data = queued.error_data.as_ref().unwrap();
    assert_eq!(data["reason"]["code"], "not_reached");
    assert_eq!(data["reason"]["data"]["detail"], "connection refused");
    assert_eq!(queued.reason(), Some(why));
}

#[test]
fn a_post_that_fell_behind_waits_with_its_code() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    let a = draft(&mut f.store, "Late");
    let e = f
        .store
        .schedule(&a, &f.account, When::At(now - chrono::Duration::hours(5)))
        .unwrap();
    let due = f.store.take_due(now, Duration::from_secs(3600)).unwrap();
    assert_eq!(due.to_review.len(), 1);
    let late = f.store.entry(&e.id).unwrap();
    assert_eq!(late.state, OutboxState::Review);
    assert_eq!(late.reason(), Some(Reason::FellBehind {}));
    assert!(late.error.unwrap().starts_with("It was due while Podium"));
}

#[test]
fn an_accounts_refused_sign_in_is_kept_as_a_code_and_told_with_it() {
    let mut f = fixture();
    let why = Reason::SignInRefused {
        network: Network::Mastodon,
        detail: "The access token was revoked".into(),
    };
    f.store
        .set_account_status(&f.account, AccountStatus::Reconnect, Some(&why))
        .unwrap();
    let account = f.store.account(&f.account).unwrap();
    assert_eq!(account.status_code.as_deref(), Some("sign_in_refused"));
    assert_eq!(account.status_why(), Some(why.clone()));
    assert_eq!(account.status_reason, why.to_string());
    let notice = account.notice(*f.now.lock().unwrap()).unwrap();
    let json = serde_json::to_value(&notice).unwrap();
    assert_eq!(json["why"]["code"], "sign_in_refused");
    assert_eq!(
        json["why"]["data"]["detail"],
        "The access token was revoked"
    );
    // Signing in again clears it.
    let again = f.store.add_account(leader()).unwrap();
    assert_eq!(again.status, AccountStatus::Connected);
    assert_eq!((again.status_code, again.status_data), (None, None));
}

#[test]
fn a_quota_nearly_used_up_is_kept_per_account_and_told_until_its_window_passes() {
    let mut f = fixture();
    let now = *f.now.lock().unwrap();
    assert_eq!(f.store.account(&f.account).unwrap().quota, None);
    let reading = |used| QuotaReading {
        used,
        total: 250,
        period_secs: 24 * 3600,
        at: now,
    };
    f.store
        .set_account_quota(&f.account, &reading(200))
        .unwrap();
    let account = f.store.account(&f.account).unwrap();
    assert_eq!(account.quota, Some(reading(200)));
    assert_eq!(account.notice(now), None, "50 left is plenty");
    // The last reading replaces the one before.
    f.store
        .set_account_quota(&f.account, &reading(247))
        .unwrap();
    let account = f.store.accounts().unwrap().remove(0);
    let notice = account.notice(now).unwrap();
    assert_eq!(notice.kind(), "quota_near");
    let json = serde_json::to_value(&notice).unwrap();
    assert_eq!(
        (json["left"].as_u64(), json["total"].as_u64()),
        (Some(3), Some(250))
    );
    assert!(
        notice.to_string().contains("this account has 3 left"),
        "{notice}"
    );
    assert_eq!(account.notice(now + chrono::Duration::hours(24)), None);
    // A refused sign-in comes first: posting waits for it anyway.
    let why = Reason::SignInRefused {
        network: Network::Mastodon,
        detail: "The access token was revoked".into(),
    };
    f.store
        .set_account_status(&f.account, AccountStatus::Reconnect, Some(&why))
        .unwrap();
    let account = f.store.account(&f.account).unwrap();
    assert_eq!(account.notice(now).unwrap().kind(), "reconnect");
}

/// A database an older Podium (schema 3) wrote, with a failed post and a refused sign-in in
/// its English only: it upgrades, and both read as they were, without a code.
#[test]
fn an_old_row_without_a_code_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-3.sqlite3");
    std::fs::copy(fixture, &path).unwrap();
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        let version: i64 = old
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 3);
        old.execute_batch(
            "UPDATE outbox SET state = 'failed', error = 'Mastodon answered 422: Validation failed';
             UPDATE accounts SET status = 'reconnect', status_reason = 'token revoked, reconnect';",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let entry = store.queue().unwrap().remove(0);
    assert_eq!(entry.state, OutboxState::Failed);
    assert_eq!(
        entry.error.as_deref(),
        Some("Mastodon answered 422: Validation failed")
    );
    assert_eq!((entry.error_code.as_deref(), entry.reason()), (None, None));
    let json = serde_json::to_value(&entry).unwrap();
    assert!(json["error_code"].is_null() && json["error_data"].is_null());
    let account = store.account(&entry.account_id).unwrap();
    assert_eq!(account.status, AccountStatus::Reconnect);
    assert_eq!(account.status_reason, "token revoked, reconnect");
    assert_eq!(account.status_why(), None);
    let notice = serde_json::to_value(account.notice(Utc::now()).unwrap()).unwrap();
    assert_eq!(notice["reason"], "token revoked, reconnect");
    assert!(notice.get("why").is_none(), "{notice}");
}

#[test]
fn a_post_that_does_not_fit_is_not_scheduled_and_the_error_names_the_network_and_why() {
    let mut f = fixture();
    let long = draft(&mut f.store, &"Lang tekst. ".repeat(50)); // 600 > Mastodon's 500
    let refused = f
        .store
        .schedule(&long, &f.account, When::NextSlot)
        .unwrap_err();
    match &refused {
        podium_store::Error::DoesNotFit { handle, misfit } => {
            assert_eq!(handle, "@leder@example.social");
            assert_eq!(misfit.network, Network::Mastodon);
        }
        other => panic!("expected DoesNotFit, got {other:?}"),
    }
    assert!(
        refused
            .to_string()
            .contains("too long for Mastodon (600 of 500 allowed)"),
        "{refused}"
    );
    assert!(f.store.entries_of_draft(&long).unwrap().is_empty());
    // Thread mode makes it fit: then it is scheduled.
    f.store
        .update_draft(
            &long,
            podium_store::DraftPatch {
                thread: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    f.store.schedule(&long, &f.account, When::NextSlot).unwrap();
}

#[test]
fn a_queued_post_edited_past_the_limit_is_held_for_the_user_before_its_time_and_released_when_it_fits_again(
) {
    let mut f = fixture();
    let id = draft(&mut f.store, "Kort og godt.");
    let entry = f.store.schedule(&id, &f.account, When::NextSlot).unwrap();
    let edit = |f: &mut Fixture, text: String| {
        f.store
            .update_draft(
                &id,
                podium_store::DraftPatch {
                    text: Some(text),
                    ..Default::default()
                },
            )
            .unwrap();
        f.store.entry(&entry.id).unwrap()
    };
    let held = edit(&mut f, "Lang tekst. ".repeat(50));
    assert_eq!(held.state, OutboxState::Review);
    assert!(held
        .error
        .as_deref()
        .unwrap_or("")
        .contains("too long for Mastodon"));
    assert_eq!(
        held.error_code.as_deref(),
        Some("too_long"),
        "why, as a code the window words in either language"
    );
    assert!(matches!(
        held.reason(),
        Some(Reason::TooLong {
            network: Network::Mastodon,
            ..
        })
    ));
    assert_eq!(held.due_at, entry.due_at, "it keeps its time");
    // Held is a change the team's other devices learn of, with its reason.
    let logged = f.store.sync_outgoing(1000).unwrap();
    assert!(
        logged.iter().any(|c| c.entity == "outbox"
            && c.id == entry.id
            && c.fields.get("state") == Some(&serde_json::json!("review"))
            && c.fields.get("error_code") == Some(&serde_json::json!("too_long"))),
        "{logged:?}"
    );
    let waiting: Vec<String> = f
        .store
        .entries_needing_user()
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        waiting,
        std::slice::from_ref(&entry.id),
        "it is in Needs you"
    );
    assert!(f.store.fit_of(&held).unwrap().is_err());
    // Nothing is sent: at its time the publisher finds nothing due.
    let due = f
        .store
        .take_due(entry.due_at, Duration::from_secs(3600))
        .unwrap();
    assert!(due.send.is_empty());

    let back = edit(&mut f, "Kort igjen.".into());
    assert_eq!(back.state, OutboxState::Queued);
    assert_eq!(back.error, None);
    assert_eq!(back.due_at, entry.due_at);
}
