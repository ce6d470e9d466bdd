//! Goals' targets and posts' readings, on a real database and between two devices.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod hub;
}

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use podium_core::goals::{plan, Gap, PLAN_WEEKS};
use podium_core::results::Metrics;
use podium_core::text::check::Network;
use podium_store::{NewAccount, NewDraft, Store, When};
use support::hub::{Device, Hub};

fn account(store: &mut Store, network: Network) -> String {
    store
        .add_account(NewAccount {
            network: Some(network),
            handle: format!("leder.{network}"),
            service: "https://example.social".into(),
            remote_id: "42".into(),
            credential_ref: format!("{network}:test"),
            zone: "Europe/Oslo".into(),
            ..NewAccount::default()
        })
        .unwrap()
        .id
}

fn draft(store: &mut Store, text: &str, goal: &str) -> String {
    store
        .create_draft(NewDraft {
            text: text.into(),
            goal: Some(goal.into()),
            tags: vec!["oslo".into()],
            ..NewDraft::default()
        })
        .unwrap()
        .id
}

/// Schedules the draft on the account and, when `sent`, publishes it (as the publisher does).
fn post(store: &mut Store, draft: &str, account: &str, at: DateTime<Utc>, sent: bool) -> String {
    let e = store.schedule(draft, account, When::At(at)).unwrap();
    if sent {
        store
            .claim(&e.id, &[("text".into(), "key".into())])
            .unwrap()
            .unwrap();
        store.part_sending(&e.id, 0).unwrap();
        store
            .part_sent(
                &e.id,
                0,
                &format!("remote-{}", e.id),
                None,
                "https://example.social/@leder/1",
            )
            .unwrap();
        store.entry_sent(&e.id).unwrap();
    }
    e.id
}

fn clocked(now: DateTime<Utc>) -> (tempfile::TempDir, Store, Arc<Mutex<DateTime<Utc>>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
    let clock = Arc::new(Mutex::new(now));
    let c = clock.clone();
    store.set_time_source(move || *c.lock().unwrap());
    (dir, store, clock)
}

#[test]
fn a_target_is_set_changed_and_removed_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store
        .set_target("", "Credibility", Some(Network::Linkedin), 2)
        .unwrap();
    store.set_target("", "visibility", None, 3).unwrap();
    store.set_target("", "visibility", None, 4).unwrap();
    store.set_target("", "Our people", None, 1).unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let targets = store.targets("").unwrap();
    let listed: Vec<(String, Option<Network>, u32)> = targets
        .iter()
        .map(|t| (t.target.goal.clone(), t.target.network, t.target.per_week))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("visibility".into(), None, 4),
            ("credibility".into(), Some(Network::Linkedin), 2),
            ("Our people".into(), None, 1),
        ]
    );
    assert!(store.goals().unwrap().contains(&"Our people".to_owned()));
    assert!(store
        .set_target("", "visibility", None, 0)
        .unwrap()
        .is_none());
    assert_eq!(store.targets("").unwrap().len(), 2);
    assert!(store.targets("Kari").unwrap().is_empty());
    assert!(store.set_target("", "culture", None, 101).is_err());
}

#[test]
fn the_plan_counts_published_and_queued_posts_against_the_targets_in_the_leaders_zone() {
    // Wednesday 4 November 2026, noon UTC.
    let now = Utc.with_ymd_and_hms(2026, 11, 4, 12, 0, 0).unwrap();
    let (_dir, mut store, clock) = clocked(now - Duration::days(3));
    let bsky = account(&mut store, Network::Bluesky);
    let masto = account(&mut store, Network::Mastodon);
    let a = draft(&mut store, "Først ut", "culture");
    // It goes out on Tuesday (the week starts Monday 2 November in Oslo).
    *clock.lock().unwrap() = now - Duration::days(1);
    // One draft on two networks: one post for the goal.
    post(&mut store, &a, &bsky, now - Duration::days(1), true);
    post(&mut store, &a, &masto, now - Duration::days(1), true);
    let b = draft(&mut store, "Neste uke", "culture");
    post(&mut store, &b, &bsky, now + Duration::days(7), false);
    store.set_target("", "culture", None, 2).unwrap();
    let zone = store.goals_zone().unwrap();
    assert_eq!(zone.name(), "Europe/Oslo");
    let targets: Vec<_> = store
        .targets("")
        .unwrap()
        .into_iter()
        .map(|t| t.target)
        .collect();
    let posts = store.plan_posts(now - Duration::days(14)).unwrap();
    let plan = plan(&targets, &posts, zone, now, PLAN_WEEKS);
    let weeks = &plan[0].weeks;
    assert_eq!((weeks[0].planned, weeks[0].published), (1, 1));
    assert_eq!(weeks[0].gap, Some(Gap::Short { missing: 1 }));
    assert_eq!((weeks[1].planned, weeks[1].published), (1, 0));
    assert_eq!(weeks[2].gap, Some(Gap::Nothing { missing: 2 }));
}

#[test]
fn readings_make_a_time_series_and_the_latest_is_the_result() {
    let out = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    let (_dir, mut store, clock) = clocked(out - Duration::hours(1));
    let bsky = account(&mut store, Network::Bluesky);
    let d = draft(&mut store, "Hei", "visibility");
    *clock.lock().unwrap() = out;
    let e = post(&mut store, &d, &bsky, out, true);
    assert!(store.readings_due(out, false).unwrap().is_empty());
    let hour = out + Duration::minutes(61);
    *clock.lock().unwrap() = hour;
    assert_eq!(store.readings_due(hour, false).unwrap().len(), 1);
    let first = Metrics {
        likes: Some(2),
        reposts: Some(0),
        replies: Some(1),
        quotes: Some(0),
        impressions: None,
    };
    store.record_reading(&e, &first).unwrap();
    assert!(store.readings_due(hour, false).unwrap().is_empty());
    assert_eq!(store.readings_due(hour, true).unwrap().len(), 1);
    let day = out + Duration::days(1);
    *clock.lock().unwrap() = day;
    let second = Metrics {
        likes: Some(9),
        ..first
    };
    store.record_reading(&e, &second).unwrap();
    let series = store.readings(&e).unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].metrics.likes, Some(2));
    let results = store.results(None).unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].metrics, second);
    assert_eq!(results[0].read_at, Some(day));
    assert_eq!(results[0].goal.as_deref(), Some("visibility"));
    assert_eq!(results[0].tags, vec!["oslo".to_owned()]);
    assert!(store.results(Some(day)).unwrap().is_empty());
}

#[test]
fn targets_and_readings_made_on_one_device_reach_the_other() {
    let now_ms = u64::try_from(Utc::now().timestamp_millis()).unwrap();
    let mut hub = Hub::new(now_ms);
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    let bsky = account(&mut a.store, Network::Bluesky);
    let d = draft(&mut a.store, "Hei", "culture");
    let e = post(
        &mut a.store,
        &d,
        &bsky,
        Utc::now() - Duration::hours(2),
        true,
    );
    a.store
        .set_target("", "culture", Some(Network::Bluesky), 3)
        .unwrap();
    let m = Metrics {
        likes: Some(4),
        reposts: Some(1),
        replies: Some(0),
        quotes: Some(2),
        impressions: None,
    };
    a.store.record_reading(&e, &m).unwrap();
    a.round(&mut hub);
    b.round(&mut hub);
    let targets = b.store.targets("").unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].target.per_week, 3);
    assert_eq!(targets[0].target.network, Some(Network::Bluesky));
    let readings = b.store.readings(&e).unwrap();
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0].metrics, m);
    // A change of the target on B comes back to A.
    b.store
        .set_target("", "culture", Some(Network::Bluesky), 1)
        .unwrap();
    b.round(&mut hub);
    a.round(&mut hub);
    assert_eq!(a.store.targets("").unwrap()[0].target.per_week, 1);
    // B holds no sign-in for the account: it never reads this post's numbers.
    assert!(b
        .store
        .readings_due(Utc::now() + Duration::days(3), false)
        .unwrap()
        .is_empty());
}
