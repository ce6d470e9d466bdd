//! Results benchmark: 1,000 published posts on Bluesky, Mastodon and LinkedIn over 8 weeks, each
//! read 1 hour, 1 day and 7 days after it went out (3,000 readings), in a real database file;
//! then what the Results view asks of the store and of `podium_core` each time it opens — the
//! targets, the plan's posts, every post's latest numbers, the sums per goal and network, the
//! best posts' readings, the ready drafts — and the JSON the window receives. Prints p50, p95
//! and the worst of 30 runs (the goal for the whole view: under 100 ms; the window's drawing is
//! timed in the page by the E2E test and printed there). Then the reads' cost: how many reads
//! 50 posts a week make per hour, from the reading schedule.
//!
//! Run: `cargo bench -p podium-store --bench results` (or `cargo xtask bench results`).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, Utc};
use podium_core::draft::DraftState;
use podium_core::goals::{plan, week_bounds, week_of, PLAN_WEEKS};
use podium_core::network::Network;
use podium_core::results::{summarise, Metrics, READ_AFTER};
use podium_store::{Filter, NewAccount, NewDraft, Store, When};

const POSTS: usize = 1_000;
const RUNS: usize = 30;
const GOALS: [&str; 4] = ["visibility", "credibility", "culture", "reputation"];
const TAGS: [&str; 6] = [
    "ledelse",
    "bodø",
    "ai",
    "rekruttering",
    "bærekraft",
    "kvartal",
];

/// The same seed as the window's E2E test (`tests/results.rs`), with `posts` posts.
fn seed(store: &mut Store, posts: usize) {
    let clock = Arc::new(Mutex::new(Utc::now() - Duration::weeks(9)));
    let c = clock.clone();
    store.set_time_source(move || *c.lock().unwrap());
    let networks = [Network::Bluesky, Network::Mastodon, Network::Linkedin];
    let accounts: Vec<String> = networks
        .iter()
        .map(|n| {
            store
                .add_account(NewAccount {
                    network: Some(*n),
                    handle: format!("leder.{n}"),
                    service: "https://example.social".into(),
                    remote_id: "7".into(),
                    credential_ref: format!("{n}:bench"),
                    zone: "Europe/Oslo".into(),
                    ..NewAccount::default()
                })
                .unwrap()
                .id
        })
        .collect();
    let start = Utc::now() - Duration::weeks(8);
    let span = Duration::weeks(8).num_minutes() - 60 * 24 * 8;
    let mut readings = 0;
    for i in 0..posts {
        let at: DateTime<Utc> = start + Duration::minutes(span * i as i64 / posts as i64);
        *clock.lock().unwrap() = at - Duration::minutes(5);
        let goal = GOALS[i % 4];
        let draft = store
            .create_draft(NewDraft {
                text: format!("Innlegg nummer {i} om {goal}: hva vi lærte denne uka"),
                goal: Some(goal.into()),
                tags: vec![
                    TAGS[i % TAGS.len()].into(),
                    TAGS[(i / 3) % TAGS.len()].into(),
                ],
                ..NewDraft::default()
            })
            .unwrap();
        // Every network is read here (LinkedIn too), so each post has its 3 readings.
        let k = i % networks.len();
        let e = store
            .schedule(&draft.id, &accounts[k], When::At(at))
            .unwrap();
        *clock.lock().unwrap() = at;
        store
            .claim(&e.id, &[("t".into(), format!("k{i}"))])
            .unwrap()
            .unwrap();
        store.part_sending(&e.id, 0).unwrap();
        store
            .part_sent(
                &e.id,
                0,
                &format!("r{i}"),
                None,
                &format!("https://example.social/p/{i}"),
            )
            .unwrap();
        store.entry_sent(&e.id).unwrap();
        let base = (i * 7919 % 23) as u64;
        for (n, after) in READ_AFTER.iter().enumerate() {
            *clock.lock().unwrap() = at + *after;
            let grow = n as u64 + 1;
            store
                .record_reading(
                    &e.id,
                    &Metrics {
                        likes: Some(base * grow),
                        reposts: Some(base / 3 * grow),
                        replies: Some(base / 5 + n as u64),
                        quotes: Some(base / 7),
                        impressions: None,
                    },
                )
                .unwrap();
            readings += 1;
        }
    }
    *clock.lock().unwrap() = Utc::now();
    store.set_target("", "culture", None, 3).unwrap();
    store
        .set_target("", "credibility", Some(Network::Linkedin), 2)
        .unwrap();
    store
        .create_draft(NewDraft {
            text: "Hvorfor vi flytter hovedkontoret til Bodø".into(),
            goal: Some("culture".into()),
            state: Some(DraftState::Ready),
            ..NewDraft::default()
        })
        .unwrap();
    assert_eq!(readings, posts * READ_AFTER.len());
}

/// What the window's `results_view` command does (src-tauri/src/commands/results.rs), ending
/// in the JSON it sends: its length.
fn view(s: &Store) -> usize {
    let zone = s.goals_zone().unwrap();
    let now = Utc::now();
    let targets: Vec<_> = s
        .targets("")
        .unwrap()
        .into_iter()
        .map(|t| t.target)
        .collect();
    let this_week = week_bounds(week_of(now, zone), zone).0;
    let posts = s.plan_posts(this_week).unwrap();
    let results = s.results(None).unwrap();
    let summary = summarise(&results, &targets, zone, now, 8, 5);
    let mut series = BTreeMap::new();
    for post in summary.best.values().flatten() {
        series.insert(post.entry_id.clone(), s.readings(&post.entry_id).unwrap());
    }
    let filter = Filter {
        state: Some(DraftState::Ready),
        ..Filter::default()
    };
    let ready: Vec<(Option<String>, String)> = s
        .list_drafts(&filter)
        .unwrap()
        .into_iter()
        .map(|d| (d.goal, d.title))
        .collect();
    let planned = plan(&targets, &posts, zone, now, PLAN_WEEKS);
    assert_eq!(results.len(), POSTS);
    serde_json::to_string(&serde_json::json!({
        "summary": summary,
        "plan": planned,
        "series": series,
        "ready": ready,
    }))
    .unwrap()
    .len()
}

fn ms(d: Elapsed) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let seeding = Instant::now();
    seed(&mut store, POSTS);
    println!(
        "seeded {POSTS} published posts × {} readings in {:.1} s",
        READ_AFTER.len(),
        seeding.elapsed().as_secs_f64()
    );
    drop(store);
    // The view as the window opens it: a store opened afresh on the file.
    let store = Store::open(&path).unwrap();
    let bytes = view(&store); // warm the page cache once, as a window already open has
    let mut times: Vec<Elapsed> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(view(&store));
            t.elapsed()
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "results view data, {POSTS} posts × 3 readings: p50 {:.1} ms, p95 {:.1} ms, worst {:.1} ms \
         ({RUNS} runs; {} KB of JSON to the window; goal for the whole view < 100 ms)",
        ms(p(0.5)),
        ms(p(0.95)),
        ms(*times.last().unwrap()),
        bytes / 1024
    );

    // The reads' cost: each post on one network is read READ_AFTER.len() times (1 h, 1 day,
    // 7 days after it went out); each read is one request to its network.
    let per_week = 50.0;
    let reads_week = per_week * READ_AFTER.len() as f64;
    let hours_week = 7.0 * 24.0;
    println!(
        "reads for 50 posts a week on one network each: {reads_week:.0} reads a week, {:.2} a \
         hour on average (one request each; X bills each one); the same posts on all of X, \
         Bluesky, Mastodon: {:.2} requests an hour, {:.2} of them to X",
        reads_week / hours_week,
        3.0 * reads_week / hours_week,
        reads_week / hours_week
    );
}
