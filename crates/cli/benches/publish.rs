//! Due → sent latency: posts scheduled a few seconds ahead, `podium scheduler` running, real
//! servers on 127.0.0.1 (the reference Bluesky PDS and mastodon-mock), secrets in the real
//! keyring. Prints the figures. Run with `cargo xtask bench publish` (it provides the peers
//! and the keyring session).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/peers/mod.rs"]
mod peers;

use std::time::Duration;

use chrono::{DateTime, Utc};
use peers::{ok, queue, spawn, until, Mastodon, Pds};

const POSTS: usize = 20;

fn measure(name: &str, db: &std::path::Path, account: &str) {
    let start = Utc::now() + chrono::Duration::seconds(4);
    for i in 0..POSTS {
        let draft = ok(db, &["drafts", "add"], &format!("Latency test {i} #podium"));
        let at = start + chrono::Duration::milliseconds(i as i64 * 700);
        ok(
            db,
            &[
                "schedule",
                &draft,
                "--account",
                account,
                "--at",
                &at.to_rfc3339(),
            ],
            "",
        );
    }
    let mut scheduler = spawn(db, &["scheduler"], &[]);
    let entries = until(Duration::from_secs(120), "every post sent", || {
        let q = queue(db);
        q.iter().all(|e| e["state"] == "sent").then_some(q)
    });
    scheduler.kill().unwrap();
    scheduler.wait().unwrap();
    let mut ms: Vec<f64> = entries
        .iter()
        .map(|e| {
            let due: DateTime<Utc> = e["due_at"].as_str().unwrap().parse().unwrap();
            let sent: DateTime<Utc> = e["sent_at"].as_str().unwrap().parse().unwrap();
            (sent - due).num_microseconds().unwrap() as f64 / 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<9} due → sent over {} posts: min {:.0} ms, median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        ms.len(),
        ms[0],
        at(0.5),
        at(0.95),
        ms[ms.len() - 1]
    );
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("podium.sqlite3");
    let account = ok(
        &db,
        &["accounts", "add", "mastodon", "--instance", &masto.url],
        peers::MOCK_TOKEN,
    );
    measure("Mastodon", &db, &account);

    let pds = Pds::shared();
    let who = pds.account("latency");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("podium.sqlite3");
    let account = ok(
        &db,
        &[
            "accounts",
            "add",
            "bluesky",
            "--handle",
            &who.handle,
            "--service",
            &pds.url,
        ],
        &who.app_password,
    );
    measure("Bluesky", &db, &account);
}
