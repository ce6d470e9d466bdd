//! Team sync, timed against the real `podium-hub` on 127.0.0.1 (SQLite), with device tokens in
//! the real keyring. Prints the figures:
//!
//! - the first sync of 10,000 drafts with their revisions to a new device (goal < 5 s);
//! - a change saved on device A, visible on device B (B listens with the long poll, as the app
//!   does, and runs a round when it hears of news; A saves and runs a round, as the app does
//!   shortly after a save): p50 and p95 over 50 changes (goal p95 < 2 s).
//!
//! Run inside a D-Bus session with an unlocked keyring, with `PODIUM_HUB` naming the hub binary
//! (else `podium-hub` beside this bench's target folder):
//! `cargo bench -p podium-sync --bench sync` (`PODIUM_BENCH_SKIP_FIRST_SYNC=1` measures only
//! the latency, in seconds instead of a minute). The hub's own figures under load are its
//! bench's (`podium-hub`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/support/hub.rs"]
mod hub;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use chrono::Utc;
use podium_store::{DraftPatch, Filter, NewDraft, Store};
use podium_sync::Listener;

use hub::HubProcess;

const DRAFTS: usize = 10_000;
/// Edits per draft after its first text, each far enough apart to be a revision of its own.
const EDITS: usize = 2;
const CHANGES: usize = 50;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    if std::env::var_os("PODIUM_BENCH_SKIP_FIRST_SYNC").is_none() {
        first_sync(&hub, dir.path());
    }
    drop(hub);
    // A hub of its own, so the latency is not that of pulling the first part's 10,000 drafts.
    let hub = HubProcess::start(&dir.path().join("hub-latency.db"));
    latency(&hub, dir.path());
}

fn joined(hub: &HubProcess, folder: &std::path::Path, name: &str) -> Store {
    std::fs::create_dir_all(folder).unwrap();
    let mut store = Store::open(&folder.join("podium.sqlite3")).unwrap();
    let code = hub.invite(name, "assistant");
    podium_sync::join(&mut store, &hub.url, &code, name).unwrap();
    store
}

fn first_sync(hub: &HubProcess, dir: &std::path::Path) {
    let mut a = joined(hub, &dir.join("a"), "A");
    // Time runs in steps of two minutes from a day ago, so each edit is a revision of its own;
    // it goes back to the start for each draft, so no stamp is ahead of the hub.
    let offset = Arc::new(AtomicI64::new(0));
    let start = Utc::now() - chrono::Duration::days(1);
    let clock = offset.clone();
    a.set_time_source(move || start + chrono::Duration::minutes(clock.load(Ordering::Relaxed)));
    let made = Instant::now();
    for i in 0..DRAFTS {
        offset.store(0, Ordering::Relaxed);
        let id = a
            .create_draft(NewDraft {
                text: format!("Draft {i}: culture eats strategy for breakfast, says the CEO."),
                ..NewDraft::default()
            })
            .unwrap()
            .id;
        for e in 1..=EDITS {
            offset.store(2 * e as i64, Ordering::Relaxed);
            a.update_draft(
                &id,
                DraftPatch {
                    text: Some(format!(
                        "Draft {i}, edit {e}: culture eats strategy for breakfast, says the CEO."
                    )),
                    ..DraftPatch::default()
                },
            )
            .unwrap();
        }
    }
    a.set_time_source(Utc::now);
    let pending = a.sync_pending().unwrap();
    println!(
        "made {DRAFTS} drafts with {} revisions each on A in {:.1} s ({pending} changes to push)",
        EDITS + 1,
        made.elapsed().as_secs_f64()
    );
    // Where one page's time goes: the store reads it, the hub takes it, the store settles it.
    let id = a.sync_identity().unwrap().unwrap();
    let token = podium_sync::token::load(&id.device_id).unwrap();
    let client = podium_sync::Hub::new(&id.hub, None)
        .unwrap()
        .with_token(token);
    let t = Instant::now();
    let page = a.sync_outgoing(podium_core::sync::MAX_PAGE).unwrap();
    let read = t.elapsed();
    let t = Instant::now();
    let answer = client.push(&page).unwrap();
    let hub_took = t.elapsed();
    let t = Instant::now();
    a.sync_settle(&page, &answer).unwrap();
    let settle = t.elapsed();
    println!(
        "one page of {} changes: the store reads it in {:.0} ms, the hub takes it in {:.0} ms, \
         the store settles it in {:.0} ms",
        page.len(),
        read.as_secs_f64() * 1000.0,
        hub_took.as_secs_f64() * 1000.0,
        settle.as_secs_f64() * 1000.0
    );
    let pushed = Instant::now();
    let round = podium_sync::round(&mut a).unwrap();
    println!(
        "A pushes them to the hub: {:.2} s ({} pushed)",
        pushed.elapsed().as_secs_f64(),
        round.pushed
    );

    let mut b = joined(hub, &dir.join("b"), "B");
    let started = Instant::now();
    let round = podium_sync::round(&mut b).unwrap();
    let took = started.elapsed();
    let drafts = b
        .list_drafts(&Filter {
            limit: Some(DRAFTS * 2),
            ..Filter::default()
        })
        .unwrap();
    let sample = &drafts[drafts.len() / 2].id;
    let revisions = b.revisions(sample).unwrap().len();
    println!(
        "first sync of {DRAFTS} drafts with their revisions to a new device: {:.2} s \
         ({} changes pulled, {} drafts listed, {revisions} revisions on a sample draft; goal < 5 s)",
        took.as_secs_f64(),
        round.pulled,
        drafts.len()
    );
}

fn latency(hub: &HubProcess, dir: &std::path::Path) {
    let mut a = joined(hub, &dir.join("la"), "LA");
    let b_folder = dir.join("lb");
    let b = joined(hub, &b_folder, "LB");
    podium_sync::round(&mut a).unwrap();
    drop(b);
    let id = a
        .create_draft(NewDraft {
            text: "Latency 0".into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id;
    podium_sync::round(&mut a).unwrap();

    // B: the app's listener loop — wait for news, run a round, report what the draft says.
    let (seen_tx, seen_rx) = mpsc::channel::<(String, Instant)>();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let watched = id.clone();
    let listener = std::thread::spawn(move || {
        let mut b = Store::open(&b_folder.join("podium.sqlite3")).unwrap();
        podium_sync::round(&mut b).unwrap();
        if let Ok(d) = b.draft(&watched) {
            let _ = seen_tx.send((d.text, Instant::now()));
        }
        let listener = Listener::new(&b).unwrap();
        while stop_rx.try_recv().is_err() {
            let cursor = b.sync_cursor().unwrap();
            if listener.wait(cursor, 5).unwrap() {
                podium_sync::round(&mut b).unwrap();
                if let Ok(d) = b.draft(&watched) {
                    let _ = seen_tx.send((d.text, Instant::now()));
                }
            }
        }
    });

    // B is listening once it has the draft as it is.
    let (first, _) = seen_rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(first, "Latency 0");
    let mut ms = Vec::new();
    for i in 1..=CHANGES {
        std::thread::sleep(Duration::from_millis(200));
        let text = format!("Latency {i}");
        let saved = Instant::now();
        a.update_draft(
            &id,
            DraftPatch {
                text: Some(text.clone()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
        podium_sync::round(&mut a).unwrap();
        loop {
            let (seen, at) = seen_rx.recv_timeout(Duration::from_secs(30)).unwrap();
            if seen == text {
                ms.push(at.duration_since(saved).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    let _ = stop_tx.send(());
    // A last change wakes the listener so it sees the stop.
    a.update_draft(
        &id,
        DraftPatch {
            text: Some("Done".into()),
            ..DraftPatch::default()
        },
    )
    .unwrap();
    podium_sync::round(&mut a).unwrap();
    listener.join().unwrap();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "a change saved on A, visible on B (A saves and syncs; B long-polls and syncs), over \
         {} changes: min {:.0} ms, p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (goal p95 < 2 s)",
        ms.len(),
        ms[0],
        at(0.5),
        at(0.95),
        ms[ms.len() - 1]
    );
}
