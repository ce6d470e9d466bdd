//! Hub-side faults with the real `podium-hub`: the hub killed in the middle of a push, and two
//! hub processes serving one PostgreSQL with the devices split between them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use podium_core::sync::{Change, PushStatus};
use support::{change, invite, join, now, stamp, start_hub, Device};

/// 500 changes of about 2 KB each: a push that takes the hub a while to store.
fn big_push(node: u64, round: u16) -> Vec<Change> {
    let t = now();
    let text = "word ".repeat(400);
    (0..podium_core::sync::MAX_PAGE as u16)
        .map(|i| {
            change(
                &format!("d{round}-{i}"),
                stamp(t, i, node + u64::from(round) * 1000),
                "text",
                &text,
                Some(0),
            )
        })
        .collect()
}

/// Pushes a big batch, kills the hub `delay` later, starts it again on the same database, and
/// replays the batch: the first push either landed whole (the replay is all duplicate) or not
/// at all (the replay is all accepted), and the log stays gap-free.
async fn kill_mid_push(db_args: Vec<String>) {
    let args: Vec<&str> = db_args.iter().map(String::as_str).collect();
    let code = invite(&args, "Kari", "executive");
    let mut hub = start_hub(&args);
    let mut device = join(&hub.url, &code, "laptop").await;
    let (mut whole, mut none) = (0, 0);
    for (round, delay_ms) in [0u64, 10, 30, 60, 120, 250, 500].into_iter().enumerate() {
        let batch = big_push(1, round as u16);
        let sending = tokio::spawn({
            let device = device.clone();
            let batch = batch.clone();
            // The hub dies under it: the answer may never come.
            async move {
                let _ = device
                    .req(reqwest::Method::POST, "/v1/changes")
                    .json(&podium_core::sync::PushRequest { changes: batch })
                    .send()
                    .await;
            }
        });
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        hub.child.kill().unwrap();
        hub.child.wait().unwrap();
        let _ = sending.await;
        hub = start_hub(&args);
        device = Device {
            url: hub.url.clone(),
            ..device
        };
        let replay = device.push(&batch).await;
        let statuses: Vec<_> = replay.results.iter().map(|r| r.status).collect();
        if statuses.iter().all(|s| *s == PushStatus::Duplicate) {
            whole += 1;
        } else if statuses.iter().all(|s| *s == PushStatus::Accepted) {
            none += 1;
        } else {
            panic!("a push killed after {delay_ms} ms landed in part: {statuses:?}");
        }
        let cursors: Vec<u64> = device.pull_all().await.iter().map(|p| p.cursor).collect();
        assert_eq!(
            cursors,
            (1..=cursors.len() as u64).collect::<Vec<_>>(),
            "gap-free after a kill at {delay_ms} ms"
        );
        assert_eq!(cursors.len(), (round + 1) * batch.len());
    }
    // Not a check on speed: which way each round went depends on the machine; both are right.
    eprintln!("killed mid-push: {whole} landed whole, {none} not at all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_killed_mid_push_on_sqlite_keeps_the_push_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    kill_mid_push(support::sqlite_args(&dir.path().join("hub.db"))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_killed_mid_push_on_postgres_keeps_the_push_whole_or_not_at_all() {
    let url = support::fresh_postgres().await;
    kill_mid_push(vec!["--postgres".into(), url]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hub_processes_on_one_postgres_give_every_device_the_same_gap_free_log() {
    let url = support::fresh_postgres().await;
    let args = ["--postgres", url.as_str()];
    // Both start at once on the empty database: the migrations take turns.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start_hub(&args));
        let b = s.spawn(|| start_hub(&args));
        (a.join().unwrap(), b.join().unwrap())
    });
    let mut devices = Vec::new();
    for (i, hub) in [&a, &b, &a, &b].into_iter().enumerate() {
        let code = invite(&args, &format!("Member {i}"), "assistant");
        devices.push(join(&hub.url, &code, "laptop").await);
    }
    // A device on hub B waits for news; a push through hub A reaches it.
    let waiting = tokio::spawn({
        let d = devices[1].clone();
        async move { d.pull_hearing_news(0).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    devices[0]
        .push(&[change("first", stamp(now(), 0, 1), "state", "x", None)])
        .await;
    let heard = waiting.await.unwrap();
    assert_eq!(heard.changes.len(), 1, "hub B heard of hub A's push");
    assert_eq!(heard.changes[0].device_id, devices[0].id);
    let mut tasks = Vec::new();
    for (i, device) in devices.iter().cloned().enumerate() {
        tasks.push(tokio::spawn(async move {
            for n in 0..25u16 {
                let hlc = stamp(now(), n, i as u64 + 1);
                // Every device edits the same two drafts' states, and its own draft's text.
                let batch = [
                    change(&format!("shared{}", n % 2), hlc, "state", "x", None),
                    change(
                        &format!("own{i}"),
                        stamp(now(), n + 100, i as u64 + 1),
                        "text",
                        &format!("text {n}"),
                        Some(0),
                    ),
                ];
                let answer = device.push(&batch).await;
                assert!(
                    answer
                        .results
                        .iter()
                        .all(|r| r.status == PushStatus::Accepted),
                    "{:?}",
                    answer.results
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut logs = Vec::new();
    for d in &devices {
        logs.push(d.pull_all().await);
    }
    let first: Vec<_> = logs[0]
        .iter()
        .map(|p| (p.cursor, p.change.hlc.clone()))
        .collect();
    assert_eq!(first.len(), 1 + 4 * 25 * 2);
    assert_eq!(
        first.iter().map(|c| c.0).collect::<Vec<_>>(),
        (1..=201).collect::<Vec<_>>()
    );
    for log in &logs[1..] {
        let other: Vec<_> = log
            .iter()
            .map(|p| (p.cursor, p.change.hlc.clone()))
            .collect();
        assert_eq!(
            other, first,
            "every device, through either hub, sees one order"
        );
    }
    // A page read again is the same page, from either process.
    let mut again = [devices[0].pull(50, 0).await, devices[1].pull(50, 0).await];
    for page in &mut again {
        page.hub_time_ms = 0;
    }
    assert_eq!(again[0], again[1]);
    assert_eq!(again[0].changes.len(), podium_core::sync::MAX_PAGE.min(151));
}
