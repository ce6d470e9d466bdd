//! One publisher across devices (issue 12, items 7 and 9): several devices (each a `podium` with
//! its own database) in one team on the real `podium-hub`, the same Bluesky and Mastodon
//! accounts connected on each, publishing to the real Bluesky PDS and `mastodon-mock` on
//! 127.0.0.1. Every post goes out exactly once, whichever device wins its lease; a device
//! killed (SIGKILL) while holding a lease, at each step, leaves a post another device settles —
//! one post, never two — and every device's queue says `sent` after its next sync.
//!
//! They need the test peers, the `podium-hub` binary and a keyring: `cargo xtask test`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../sync/tests/support/hub.rs"]
mod hub;
mod peers;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use hub::HubProcess;
use peers::{
    db, draft, ok, podium, podium_env, queue, schedule_now, spawn, until, wait_for_stderr,
    Mastodon, Pds, Proxy,
};
use serde_json::Value;

/// A device: its own folder and database, joined to the hub's team as `name`.
struct Device {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Device {
    fn join(hub: &HubProcess, name: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let code = hub.invite(name, "executive");
        ok(
            &db,
            &["team", "join", &hub.url, &code, "--device-name", name],
            "",
        );
        Device { _dir: dir, db }
    }

    fn sync(&self) {
        ok(&self.db, &["sync", "--json"], "");
    }

    fn states(&self) -> HashMap<String, String> {
        queue(&self.db)
            .into_iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_owned(),
                    e["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

fn connect_bluesky(db: &Path, service: &str, who: &peers::BskyAccount) -> String {
    ok(
        db,
        &[
            "accounts",
            "add",
            "bluesky",
            "--handle",
            &who.handle,
            "--service",
            service,
            "--zone",
            "Europe/Oslo",
        ],
        &format!("{}\n", who.app_password),
    )
}

fn connect_mastodon(db: &Path, instance: &str) -> String {
    ok(
        db,
        &[
            "accounts",
            "add",
            "mastodon",
            "--instance",
            instance,
            "--zone",
            "Europe/Oslo",
        ],
        peers::MOCK_TOKEN,
    )
}

/// Every post's text on the servers, and how many times each is there.
fn counted(texts: impl IntoIterator<Item = String>) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for t in texts {
        *seen.entry(t).or_insert(0) += 1;
    }
    seen
}

fn bluesky_texts(pds: &Pds, did: &str) -> Vec<String> {
    pds.posts(did)
        .iter()
        .map(|p| p["value"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn mastodon_texts(masto: &Mastodon) -> Vec<String> {
    masto
        .statuses()
        .iter()
        .map(|s| {
            // The mock answers the HTML Mastodon makes of the text.
            let html = s["content"].as_str().unwrap_or_default();
            let mut text = String::new();
            let mut tag = false;
            for c in html.chars() {
                match c {
                    '<' => tag = true,
                    '>' => tag = false,
                    c if !tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

/// `devices` devices race over 25 Bluesky and 25 Mastodon posts, all due at once, each
/// running `podium scheduler`.
fn race(devices: usize) {
    const POSTS: usize = 25;
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let pds = Pds::shared();
    let who = pds.account("race");
    let masto = Mastodon::start();
    let team: Vec<Device> = (0..devices)
        .map(|i| Device::join(&hub, &format!("Device {i}")))
        .collect();
    let laptop = &team[0];
    let bsky = connect_bluesky(&laptop.db, &pds.url, &who);
    let mast = connect_mastodon(&laptop.db, &masto.url);
    let mut entries = Vec::new();
    let mut texts = Vec::new();
    for i in 0..POSTS {
        let text = format!("Innlegg nummer {i} fra teamet #podium");
        let d = draft(&laptop.db, &text, &[]);
        entries.push(schedule_now(&laptop.db, &d, &bsky));
        entries.push(schedule_now(&laptop.db, &d, &mast));
        texts.push(text);
    }
    laptop.sync();
    for device in &team[1..] {
        device.sync();
        // The account the team already has: this device connects to it, no second account.
        assert_eq!(connect_bluesky(&device.db, &pds.url, &who), bsky);
        assert_eq!(connect_mastodon(&device.db, &masto.url), mast);
        device.sync();
    }
    for device in &team {
        device.sync();
        assert_eq!(
            device.states().len(),
            2 * POSTS,
            "every device has the queue"
        );
    }

    let schedulers: Vec<Child> = team
        .iter()
        .map(|d| spawn(&d.db, &["scheduler"], &[]))
        .collect();
    until(Duration::from_secs(180), "every post to go out", || {
        let b = pds.posts(&who.did).len();
        let m = masto.statuses().len();
        (b >= POSTS && m >= POSTS).then_some(())
    });
    // Time for a late duplicate to show, if there were one.
    std::thread::sleep(Duration::from_secs(3));
    // Each post is reported sent by exactly one device's scheduler.
    let mut sent_by: HashMap<String, usize> = HashMap::new();
    let mut per_device = Vec::new();
    for mut s in schedulers {
        s.kill().unwrap();
        let out = s.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let mine: Vec<String> = stdout
            .lines()
            .filter(|l| l.starts_with("sent "))
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .collect();
        per_device.push(mine.len());
        for id in mine {
            *sent_by.entry(id).or_insert(0) += 1;
        }
    }
    eprintln!("posts sent per device: {per_device:?}");
    assert_eq!(sent_by.len(), 2 * POSTS, "{per_device:?}");
    assert!(sent_by.values().all(|n| *n == 1), "{sent_by:?}");
    let wanted: HashMap<String, usize> = texts.iter().map(|t| (t.clone(), 1)).collect();
    assert_eq!(
        counted(bluesky_texts(pds, &who.did)),
        wanted,
        "every Bluesky post exactly once"
    );
    assert_eq!(
        counted(mastodon_texts(&masto)),
        wanted,
        "every Mastodon post exactly once"
    );
    // Whichever device won, every device's queue says sent after its next sync.
    for device in &team {
        device.sync();
    }
    for (i, device) in team.iter().enumerate() {
        let states = device.states();
        for e in &entries {
            assert_eq!(
                states.get(e).map(String::as_str),
                Some("sent"),
                "device {i}, post {e}"
            );
        }
    }
}

#[test]
#[ignore = "needs the test peers, podium-hub and a keyring: run `cargo xtask test`"]
fn two_devices_racing_over_fifty_due_posts_send_each_exactly_once() {
    race(2);
}

#[test]
#[ignore = "needs the test peers, podium-hub and a keyring: run `cargo xtask test`"]
fn three_devices_racing_over_fifty_due_posts_send_each_exactly_once() {
    race(3);
}

/// Where the device holding the lease is killed.
#[derive(Debug, Clone, Copy)]
enum Crash {
    /// The hub and the database know the part is about to leave; the request did not.
    BeforeRequest,
    /// The request reached the server (the post exists); the answer never came back.
    RequestLeft,
    /// The answer came back and was not recorded.
    AfterResponse,
    /// Recorded here, but the hub never heard the part is out.
    BeforeReport,
}

const STEPS: [Crash; 4] = [
    Crash::BeforeRequest,
    Crash::RequestLeft,
    Crash::AfterResponse,
    Crash::BeforeReport,
];

/// How long a lease lasts in the crash tests: the killed device's lapses quickly.
const LEASE_MS: &str = "1500";

/// The laptop publishes under a lease and is killed at `step`; the server, which holds the same
/// account, is refused while the lease lasts, then takes it over and settles the post.
fn crash(
    step: Crash,
    connect: &dyn Fn(&Path, &str) -> String,
    upstream: &str,
    on_server: &dyn Fn() -> usize,
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let proxy = Proxy::start(upstream);
    let laptop = Device::join(&hub, "Laptop");
    let server = Device::join(&hub, "Server");
    let account = connect(&laptop.db, &proxy.url);
    let d = draft(&laptop.db, &format!("Krasjtest {step:?} #podium"), &[]);
    let entry = schedule_now(&laptop.db, &d, &account);
    laptop.sync();
    server.sync();
    assert_eq!(connect(&server.db, &proxy.url), account);
    server.sync();
    laptop.sync();

    let env = [("PODIUM_TEST_LEASE_MS", LEASE_MS)];
    let mut child = match step {
        Crash::BeforeRequest | Crash::AfterResponse | Crash::BeforeReport => {
            let at = match step {
                Crash::BeforeRequest => "before-request",
                Crash::AfterResponse => "after-response",
                _ => "before-report",
            };
            let mut c = spawn(
                &laptop.db,
                &["publish", "--due"],
                &[env[0], ("PODIUM_TEST_PAUSE_AT", at)],
            );
            wait_for_stderr(&mut c, &format!("paused at {at}"));
            c
        }
        Crash::RequestLeft => {
            proxy.set_delay(Duration::from_secs(20));
            let c = spawn(&laptop.db, &["publish", "--due"], &env);
            until(
                Duration::from_secs(30),
                "the post to reach the server",
                || (on_server() == 1).then_some(()),
            );
            c
        }
    };
    let before = on_server();
    assert_eq!(
        before,
        usize::from(!matches!(step, Crash::BeforeRequest)),
        "{step:?}"
    );
    child.kill().unwrap(); // SIGKILL, holding the lease
    child.wait().unwrap();
    proxy.set_delay(Duration::ZERO);

    // While the laptop's lease lasts, the server does not touch the post.
    let refused = podium_env(&server.db, &["publish", "--due"], "", &env);
    assert!(refused.status.success(), "{step:?}: {refused:?}");
    assert_eq!(
        on_server(),
        before,
        "{step:?}: nothing sent under another's lease"
    );
    assert_ne!(server.states()[&entry], "sent", "{step:?}");

    // The lease lapses: the server takes it over, settles the part by the network's own means
    // (same record key or Idempotency-Key), and the post is out exactly once.
    std::thread::sleep(Duration::from_millis(2_000));
    let out = podium_env(&server.db, &["publish", "--due"], "", &env);
    assert_eq!(
        server.states()[&entry],
        "sent",
        "{step:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(on_server(), 1, "{step:?}: exactly one post");

    // The laptop comes back: its next sync says sent, and publishing again sends nothing.
    laptop.sync();
    assert_eq!(laptop.states()[&entry], "sent", "{step:?}");
    let again = podium(&laptop.db, &["publish", "--due"], "");
    assert!(again.status.success(), "{step:?}: {again:?}");
    assert_eq!(on_server(), 1, "{step:?}: still one");
    assert_eq!(laptop.states()[&entry], "sent", "{step:?}");
}

#[test]
#[ignore = "needs the test peers, podium-hub and a keyring: run `cargo xtask test`"]
fn crash_matrix_a_device_killed_holding_a_bluesky_lease_leaves_one_post() {
    let pds = Pds::shared();
    for step in STEPS {
        let who = pds.account("lease");
        let connect = |db: &Path, service: &str| connect_bluesky(db, service, &who);
        crash(step, &connect, &pds.url, &|| pds.posts(&who.did).len());
    }
}

#[test]
#[ignore = "needs the test peers, podium-hub and a keyring: run `cargo xtask test`"]
fn crash_matrix_a_device_killed_holding_a_mastodon_lease_leaves_one_post() {
    for step in STEPS {
        let masto = Mastodon::start();
        crash(step, &connect_mastodon, &masto.url, &|| {
            masto.statuses().len()
        });
    }
}

/// A device that cannot reach the hub does not publish an account another device holds, and
/// says why; an account only it holds still goes out from it.
#[test]
#[ignore = "needs the test peers, podium-hub and a keyring: run `cargo xtask test`"]
fn without_the_hub_a_shared_account_waits_and_says_why_and_one_held_only_here_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = HubProcess::start(&dir.path().join("hub.db"));
    let shared = Mastodon::start();
    let mine = Mastodon::start();
    let laptop = Device::join(&hub, "Laptop");
    let server = Device::join(&hub, "Server");
    let both = connect_mastodon(&laptop.db, &shared.url);
    let only_here = connect_mastodon(&laptop.db, &mine.url);
    laptop.sync();
    server.sync();
    assert_eq!(connect_mastodon(&server.db, &shared.url), both);
    server.sync();
    laptop.sync();
    let d = draft(&laptop.db, "Uten huben", &[]);
    let waits = schedule_now(&laptop.db, &d, &both);
    let goes = schedule_now(&laptop.db, &d, &only_here);
    hub.kill();

    let out = podium(&laptop.db, &["publish", "--due"], "");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let states = laptop.states();
    assert_eq!(states[&goes], "sent", "{said}");
    assert_eq!(states[&waits], "queued", "{said}");
    assert!(shared.statuses().is_empty());
    assert_eq!(mine.statuses().len(), 1);
    let waiting: Value = queue(&laptop.db)
        .into_iter()
        .find(|e| e["id"] == waits.as_str())
        .unwrap();
    assert_eq!(waiting["error_code"], "shared_needs_hub", "{waiting}");
}
