//! Scheduling and publishing against real servers on 127.0.0.1 — the reference Bluesky PDS and
//! `mastodon-mock` — through the real `podium` binary, with secrets in the real Secret Service
//! (`cargo xtask test` runs these inside a D-Bus session with an unlocked gnome-keyring).
//!
//! The crash matrix kills the publishing process with SIGKILL at each step and asserts exactly
//! one post on the server afterwards, for both networks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod peers;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use peers::{
    account_field, db, draft, entry, ok, podium, podium_env, schedule_now, spawn, until,
    wait_for_stderr, Mastodon, Pds, Proxy,
};
use serde_json::{json, Value};

fn connect_bluesky(db: &Path, service: &str, account: &peers::BskyAccount) -> String {
    ok(
        db,
        &[
            "accounts",
            "add",
            "bluesky",
            "--handle",
            &account.handle,
            "--service",
            service,
            "--zone",
            "Europe/Oslo",
        ],
        &format!("{}\n", account.app_password),
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

fn publish_due(db: &Path) -> String {
    let out = podium(db, &["publish", "--due"], "");
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn a_bluesky_post_goes_out_with_facets_langs_and_time_as_sent() {
    let pds = Pds::shared();
    let alice = pds.account("alice");
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_bluesky(&db, &pds.url, &alice);

    // The app password went to the keyring, not the database.
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("podium.sqlite3-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(
            !file
                .windows(alice.app_password.len())
                .any(|w| w == alice.app_password.as_bytes()),
            "the app password is not in the database"
        );
    }

    let text = "Lederskap på norsk: æøå 🎉 #ledelse https://example.com/a?b=1 (les mer)";
    let id = draft(&db, text, &["--lang", "nb"]);
    let before = Utc::now();
    let entry_id = schedule_now(&db, &id, &account);
    let out = publish_due(&db);
    assert!(out.contains("sent"), "{out}");

    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "sent");
    let uri = e["remote_id"].as_str().unwrap();
    let rkey = uri.rsplit('/').next().unwrap();
    assert!(e["remote_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/post/{rkey}")));
    assert_eq!(
        e["parts"][0]["key"], rkey,
        "the record key chosen before sending is the post's"
    );

    let got = pds.get_record(&alice.did, rkey);
    let record = &got["value"];
    assert_eq!(record["text"], text);
    assert_eq!(record["langs"], json!(["nb"]));
    let tag_start = text.find("#ledelse").unwrap();
    let link_start = text.find("https://").unwrap();
    let link_end = link_start + "https://example.com/a?b=1".len();
    assert_eq!(
        record["facets"],
        json!([
            {"index": {"byteStart": tag_start, "byteEnd": tag_start + "#ledelse".len()},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "ledelse"}]},
            {"index": {"byteStart": link_start, "byteEnd": link_end},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a?b=1"}]},
        ]),
        "facets carry UTF-8 byte offsets (æøå and 🎉 are several bytes each)"
    );
    let created: DateTime<Utc> = record["createdAt"].as_str().unwrap().parse().unwrap();
    assert!(created >= before - chrono::Duration::seconds(1) && created <= Utc::now());
    assert_eq!(pds.posts(&alice.did).len(), 1);

    // The draft is now published; the queue says so with a link.
    let shown: Value =
        serde_json::from_str(&ok(&db, &["drafts", "show", &id, "--json"], "")).unwrap();
    assert_eq!(shown["draft"]["state"], "published");
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn a_bluesky_thread_replies_part_to_part_and_resumes_where_it_failed() {
    let pds = Pds::shared();
    let bob = pds.account("bob");
    let proxy = Proxy::start(&pds.url);
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_bluesky(&db, &proxy.url, &bob);
    let sentence = "Dette er en setning som handler om ledelse og om å lytte til folk. ";
    let text = sentence.repeat(12);
    let id = draft(&db, text.trim(), &["--thread", "--lang", "nb"]);
    let entry_id = schedule_now(&db, &id, &account);

    // The third createRecord is answered 503 by the network, once.
    proxy.fail("createRecord", 2, 1);
    let out = publish_due(&db);
    assert!(out.contains("retrying"), "{out}");
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "queued");
    assert!(e["error"].as_str().unwrap().contains("503"), "{e}");
    let parts = e["parts"].as_array().unwrap();
    assert!(parts.len() >= 3, "{} parts", parts.len());
    assert_eq!(parts[0]["state"], "sent");
    assert_eq!(parts[1]["state"], "sent");
    assert_eq!(pds.posts(&bob.did).len(), 2);

    // The retry comes after the backoff (2.5–5 s for the first), and resumes at part 3.
    std::thread::sleep(Duration::from_secs(6));
    let out = publish_due(&db);
    assert!(out.contains("sent"), "{out}");
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "sent");
    let posts = pds.posts(&bob.did);
    assert_eq!(posts.len(), parts.len(), "each part exactly once");
    // Every part after the first replies to its parent, with the first as root.
    let by_uri = |uri: &str| posts.iter().find(|p| p["uri"] == uri).unwrap().clone();
    let parts = e["parts"].as_array().unwrap();
    let root = parts[0]["remote_id"].as_str().unwrap();
    for k in 1..parts.len() {
        let post = by_uri(parts[k]["remote_id"].as_str().unwrap());
        assert_eq!(post["value"]["reply"]["root"]["uri"], root);
        assert_eq!(
            post["value"]["reply"]["parent"]["uri"],
            parts[k - 1]["remote_id"]
        );
        assert!(post["value"]["text"].as_str().unwrap().ends_with(&format!(
            "{}/{}",
            k + 1,
            parts.len()
        )));
    }
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn an_expired_bluesky_session_is_refreshed_once_and_a_dead_one_asks_to_reconnect() {
    let pds = Pds::shared();
    let carol = pds.account("carol");
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_bluesky(&db, &pds.url, &carol);
    let reference = account_field(&db, &account, "credential_ref");

    // The stored access token no longer works: the publisher refreshes and goes on.
    let mut secret: podium_publish::bluesky::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    secret.access_jwt = "not-a-valid-token".into();
    podium_publish::credentials::save(&reference, &secret).unwrap();
    let id = draft(&db, "After a refresh", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    publish_due(&db);
    assert_eq!(entry(&db, &entry_id)["state"], "sent");
    let renewed: podium_publish::bluesky::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    assert_ne!(
        renewed.access_jwt, "not-a-valid-token",
        "the new session was stored"
    );

    // Nothing works any more (tokens and app password revoked): the account needs reconnecting,
    // and the post stays queued — not failed, not lost.
    let dead = podium_publish::bluesky::Secret {
        app_password: "wrong-wrong-wrong-wrong".into(),
        access_jwt: "x".into(),
        refresh_jwt: "y".into(),
    };
    podium_publish::credentials::save(&reference, &dead).unwrap();
    let id = draft(&db, "While signed out", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    let out = publish_due(&db);
    assert!(out.contains("waiting"), "{out}");
    assert_eq!(entry(&db, &entry_id)["state"], "queued");
    assert_eq!(account_field(&db, &account, "status"), "reconnect");
    assert_eq!(pds.posts(&carol.did).len(), 1);

    // Reconnecting (same account) brings it back, and the post goes.
    connect_bluesky(&db, &pds.url, &carol);
    assert_eq!(account_field(&db, &account, "status"), "connected");
    // Its post was held, not failed: it goes out now, by itself.
    publish_due(&db);
    assert_eq!(entry(&db, &entry_id)["state"], "sent");
    assert_eq!(pds.posts(&carol.did).len(), 2);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn mastodon_connects_through_the_browser_and_a_loopback_redirect() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let mut child = spawn(
        &db,
        &[
            "accounts",
            "add",
            "mastodon",
            "--instance",
            &masto.url,
            "--browser",
            "--no-browser",
            "--zone",
            "Europe/Oslo",
        ],
        &[],
    );
    // The CLI prints the address to open; the test plays the browser.
    let (url, reader) = peers::sign_in_address(&mut child);
    assert!(
        url.contains("/oauth/authorize?") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A")
    );
    let page = masto.authorize_in_browser(&url);
    assert!(page.contains("Podium is connected"), "{page}");
    let out = child.wait_with_output().unwrap();
    let said = reader.join().unwrap();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("connected @testuser@127.0.0.1"), "{said}");
    let account = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(
        account_field(&db, &account, "handle"),
        format!("@{}@127.0.0.1", peers::MOCK_USER)
    );
    let limits: Value =
        serde_json::from_str(&ok(&db, &["accounts", "list", "--json"], "")).unwrap();
    assert!(
        limits[0]["max_chars"].as_u64().unwrap() >= 500,
        "the instance's limit was read"
    );

    let id = draft(&db, "Hei fra Podium #ledelse", &["--lang", "nb"]);
    let entry_id = schedule_now(&db, &id, &account);
    publish_due(&db);
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "sent");
    let statuses = masto.statuses();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0]["id"], e["remote_id"]);
    assert_eq!(statuses[0]["language"], "nb");
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn mastodon_faults_retry_with_the_same_key_and_honour_rate_limits() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);

    // A malformed answer to the post: unclear, so it is retried with the same Idempotency-Key.
    masto.fault(json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "malformed"}, "count": 1}));
    let id = draft(&db, "Malformed first", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    let out = publish_due(&db);
    assert!(
        out.contains("retrying") && out.contains("not valid JSON"),
        "{out}"
    );
    let key = entry(&db, &entry_id)["parts"][0]["key"].clone();
    std::thread::sleep(Duration::from_secs(6));
    publish_due(&db);
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "sent");
    assert_eq!(e["parts"][0]["key"], key, "the same key on the retry");
    assert_eq!(masto.statuses().len(), 1);

    // 429 with rate-limit headers: the next attempt waits for the reset, not for our backoff.
    masto.fault(json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "ratelimit"}, "count": 1}));
    let id = draft(&db, "Rate limited", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    let out = publish_due(&db);
    // The reset read from the headers, said as a wait (one set of words for every network).
    assert!(
        out.contains("Mastodon asks Podium to slow down (rate limit): Podium tries again in about"),
        "{out}"
    );
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "queued");
    let retry_at: DateTime<Utc> = e["retry_at"].as_str().unwrap().parse().unwrap();
    assert!(
        retry_at > Utc::now() + chrono::Duration::seconds(280),
        "waits for the reset: {retry_at}"
    );
    assert!(
        publish_due(&db).trim().is_empty(),
        "nothing is sent before the reset"
    );
    assert_eq!(masto.statuses().len(), 1);

    // A slow instance (1.5 s) is waited for: one post, no retry.
    masto.fault(json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 1500}, "count": 1}));
    let id = draft(&db, "Slow but fine", &[]);
    let slow = schedule_now(&db, &id, &account);
    publish_due(&db);
    assert_eq!(entry(&db, &slow)["state"], "sent");
    assert_eq!(entry(&db, &slow)["attempts"], 0);
    assert_eq!(masto.statuses().len(), 2);

    // 503: retried after the backoff; a 422 (validation) stops with the instance's reason.
    masto.fault(json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 503}, "count": 1}));
    let id = draft(&db, "After a 503", &[]);
    let e503 = schedule_now(&db, &id, &account);
    masto.fault(json!({"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 422, "body": {"error": "Validation failed: Text can't be blank"}}, "count": 1}));
    let id = draft(&db, "Refused", &[]);
    let e422 = schedule_now(&db, &id, &account);
    // Sent in due order: the first meets the 503, the second the 422.
    publish_due(&db);
    assert_eq!(entry(&db, &e503)["state"], "queued");
    let refused = entry(&db, &e422);
    assert_eq!(refused["state"], "failed");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("Validation failed"),
        "{refused}"
    );
    std::thread::sleep(Duration::from_secs(6));
    publish_due(&db);
    assert_eq!(entry(&db, &e503)["state"], "sent");
    // The failed one is retried by the user and goes out.
    ok(&db, &["queue", "retry", &e422], "");
    publish_due(&db);
    assert_eq!(entry(&db, &e422)["state"], "sent");
    assert_eq!(masto.statuses().len(), 4);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn a_mastodon_thread_resumes_at_the_failed_part_with_its_key() {
    let masto = Mastodon::start();
    let proxy = Proxy::start(&masto.url);
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &proxy.url);
    let text =
        "Ledelse handler om å lytte, og om å ta ansvar når det gjelder som mest. ".repeat(20);
    let id = draft(&db, text.trim(), &["--thread"]);
    let entry_id = schedule_now(&db, &id, &account);
    proxy.fail("POST /api/v1/statuses", 2, 1);
    publish_due(&db);
    let e = entry(&db, &entry_id);
    let n = e["parts"].as_array().unwrap().len();
    assert!(n >= 3, "{n} parts");
    assert_eq!(masto.statuses().len(), 2);
    std::thread::sleep(Duration::from_secs(6));
    publish_due(&db);
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "sent");
    let statuses = masto.statuses();
    assert_eq!(statuses.len(), n, "each part exactly once");
    for k in 1..n {
        let s = statuses
            .iter()
            .find(|s| s["id"] == e["parts"][k]["remote_id"])
            .unwrap();
        assert_eq!(s["in_reply_to_id"], e["parts"][k - 1]["remote_id"]);
    }
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn a_mastodon_post_left_sending_past_the_idempotency_window_asks_the_user() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);
    let id = draft(&db, "Unclear", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    // A publisher died mid-request two hours ago (as the database would show it).
    let mut child = spawn(
        &db,
        &["publish", "--due"],
        &[("PODIUM_TEST_PAUSE_AT", "before-request")],
    );
    wait_for_stderr(&mut child, "paused at before-request");
    child.kill().unwrap();
    child.wait().unwrap();
    {
        let store = podium_store::Store::open(&db).unwrap();
        let two_hours_ago = (Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
        store
            .connection()
            .execute("UPDATE outbox_parts SET sending_at = ?1", [two_hours_ago])
            .unwrap();
    }
    let out = publish_due(&db);
    assert!(out.contains("unclear"), "{out}");
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "unknown");
    assert!(e["error"].as_str().unwrap().contains("It was posted"));
    assert_eq!(masto.statuses().len(), 0, "never a blind retry");
    // The user looked: it did not go out. Send again.
    ok(&db, &["queue", "retry", &entry_id], "");
    publish_due(&db);
    assert_eq!(entry(&db, &entry_id)["state"], "sent");
    assert_eq!(masto.statuses().len(), 1);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn posts_that_fell_due_long_ago_wait_for_review_and_a_paused_queue_sends_nothing() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);
    let late = draft(&db, "Three hours late", &[]);
    let at = (Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
    let late_entry = ok(
        &db,
        &["schedule", &late, "--account", &account, "--at", &at],
        "",
    );
    let in_grace = draft(&db, "One hour late", &[]);
    let at = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let grace_entry = ok(
        &db,
        &["schedule", &in_grace, "--account", &account, "--at", &at],
        "",
    );
    publish_due(&db);
    assert_eq!(entry(&db, &late_entry)["state"], "review");
    assert_eq!(entry(&db, &grace_entry)["state"], "sent");
    assert_eq!(masto.statuses().len(), 1);

    ok(&db, &["accounts", "pause", &account], "");
    ok(&db, &["queue", "retry", &late_entry], "");
    assert!(publish_due(&db).trim().is_empty());
    assert_eq!(entry(&db, &late_entry)["state"], "queued");
    ok(&db, &["accounts", "resume", &account], "");
    publish_due(&db);
    assert_eq!(entry(&db, &late_entry)["state"], "sent");
    assert_eq!(masto.statuses().len(), 2);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn next_slot_scheduling_uses_the_accounts_zone() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);
    ok(
        &db,
        &[
            "accounts",
            "slots",
            &account,
            "tue 08:30",
            "thu 08:30",
            "--zone",
            "Europe/Oslo",
        ],
        "",
    );
    let a = draft(&db, "First", &[]);
    let b = draft(&db, "Second", &[]);
    let ea: Value = serde_json::from_str(&ok(
        &db,
        &[
            "schedule",
            &a,
            "--account",
            &account,
            "--next-slot",
            "--json",
        ],
        "",
    ))
    .unwrap();
    let eb: Value = serde_json::from_str(&ok(
        &db,
        &[
            "schedule",
            &b,
            "--account",
            &account,
            "--next-slot",
            "--json",
        ],
        "",
    ))
    .unwrap();
    let zone: chrono_tz::Tz = "Europe/Oslo".parse().unwrap();
    for e in [&ea, &eb] {
        let due: DateTime<Utc> = e["due_at"].as_str().unwrap().parse().unwrap();
        let local = due.with_timezone(&zone);
        assert_eq!(local.format("%H:%M").to_string(), "08:30");
        assert!(["Tue", "Thu"].contains(&local.format("%a").to_string().as_str()));
        assert!(due > Utc::now());
    }
    assert_ne!(
        ea["due_at"], eb["due_at"],
        "the second takes the next free slot"
    );
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn without_a_secret_service_connecting_says_what_is_missing_and_posts_stay_queued() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/podium-test-bus",
    )];
    let out = podium_env(
        &db,
        &["accounts", "add", "mastodon", "--instance", &masto.url],
        peers::MOCK_TOKEN,
        &no_bus,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("system keyring") && err.contains("gnome-keyring"),
        "{err}"
    );
    let list: Value = serde_json::from_str(&ok(&db, &["accounts", "list", "--json"], "")).unwrap();
    assert_eq!(list, json!([]), "nothing half-connected");

    // Connected while the keyring was there; then it is gone: the post waits, nothing crashes.
    let account = connect_mastodon(&db, &masto.url);
    let id = draft(&db, "Waits for the keyring", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    let out = podium_env(&db, &["publish", "--due"], "", &no_bus);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("waiting") && text.contains("keyring"),
        "{text}"
    );
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "queued");
    assert!(
        e["error"].as_str().unwrap().contains("keyring"),
        "the queue says why: {e}"
    );
    // The keyring is back: the post goes at the next try (within seconds).
    until(Duration::from_secs(30), "the post to go out", || {
        publish_due(&db);
        (entry(&db, &entry_id)["state"] == "sent").then_some(())
    });
    assert_eq!(masto.statuses().len(), 1);
    // Disconnecting deletes the keyring entry.
    let reference = account_field(&db, &account, "credential_ref");
    ok(&db, &["accounts", "remove", &account], "");
    assert!(podium_publish::credentials::load::<Value>(&reference).is_err());
}

// ------------------------------------------------------------------ crash matrix

#[derive(Debug, Clone, Copy)]
enum Crash {
    /// State `sending` committed, request not sent.
    BeforeRequest,
    /// The request reached the server (the post exists); the answer never arrived.
    RequestLeft,
    /// The answer arrived but was not recorded.
    AfterResponse,
}

const STEPS: [Crash; 3] = [
    Crash::BeforeRequest,
    Crash::RequestLeft,
    Crash::AfterResponse,
];

/// Kills `podium publish --due` at `step`; returns once it is dead.
fn kill_at(db: &Path, step: Crash, proxy: &Proxy, posts_on_server: &dyn Fn() -> usize) {
    let mut child = match step {
        Crash::BeforeRequest => {
            let mut c = spawn(
                db,
                &["publish", "--due"],
                &[("PODIUM_TEST_PAUSE_AT", "before-request")],
            );
            wait_for_stderr(&mut c, "paused at before-request");
            assert_eq!(posts_on_server(), 0);
            c
        }
        Crash::RequestLeft => {
            proxy.set_delay(Duration::from_secs(20));
            let c = spawn(db, &["publish", "--due"], &[]);
            until(
                Duration::from_secs(30),
                "the post to reach the server",
                || (posts_on_server() == 1).then_some(()),
            );
            c
        }
        Crash::AfterResponse => {
            let mut c = spawn(
                db,
                &["publish", "--due"],
                &[("PODIUM_TEST_PAUSE_AT", "after-response")],
            );
            wait_for_stderr(&mut c, "paused at after-response");
            assert_eq!(posts_on_server(), 1);
            c
        }
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    proxy.set_delay(Duration::ZERO);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn crash_matrix_bluesky_ends_in_exactly_one_post() {
    let pds = Pds::shared();
    for step in STEPS {
        let who = pds.account("crash");
        let proxy = Proxy::start(&pds.url);
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let account = connect_bluesky(&db, &proxy.url, &who);
        let id = draft(&db, &format!("Crash test {step:?} #podium"), &[]);
        let entry_id = schedule_now(&db, &id, &account);
        kill_at(&db, step, &proxy, &|| pds.posts(&who.did).len());
        assert_eq!(
            entry(&db, &entry_id)["state"],
            "sending",
            "{step:?}: the row says what may have happened"
        );
        let out = publish_due(&db);
        let e = entry(&db, &entry_id);
        assert_eq!(e["state"], "sent", "{step:?}: {out}");
        let posts = pds.posts(&who.did);
        assert_eq!(posts.len(), 1, "{step:?}: exactly one post");
        assert_eq!(posts[0]["uri"], e["remote_id"], "{step:?}");
        // Running again changes nothing.
        publish_due(&db);
        assert_eq!(pds.posts(&who.did).len(), 1, "{step:?}");
    }
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn crash_matrix_mastodon_ends_in_exactly_one_post() {
    for step in STEPS {
        let masto = Mastodon::start();
        let proxy = Proxy::start(&masto.url);
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let account = connect_mastodon(&db, &proxy.url);
        let id = draft(&db, &format!("Crash test {step:?} #podium"), &[]);
        let entry_id = schedule_now(&db, &id, &account);
        kill_at(&db, step, &proxy, &|| masto.statuses().len());
        assert_eq!(entry(&db, &entry_id)["state"], "sending", "{step:?}");
        let out = publish_due(&db);
        let e = entry(&db, &entry_id);
        assert_eq!(e["state"], "sent", "{step:?}: {out}");
        let statuses = masto.statuses();
        assert_eq!(statuses.len(), 1, "{step:?}: exactly one post");
        assert_eq!(statuses[0]["id"], e["remote_id"], "{step:?}");
        publish_due(&db);
        assert_eq!(masto.statuses().len(), 1, "{step:?}");
    }
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn two_publishers_never_send_the_same_post() {
    let masto = Mastodon::start();
    let proxy = Proxy::start(&masto.url);
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &proxy.url);
    let id = draft(&db, "Only once", &[]);
    schedule_now(&db, &id, &account);
    proxy.set_delay(Duration::from_secs(2));
    let first = spawn(&db, &["publish", "--due"], &[]);
    // Wait until the first holds the publishing lock.
    let lock = dir.path().join("podium.sqlite3.publisher.lock");
    until(
        Duration::from_secs(30),
        "the first publisher to take the lock",
        || {
            let file = std::fs::File::options().write(true).open(&lock).ok()?;
            match file.try_lock() {
                Err(std::fs::TryLockError::WouldBlock) => Some(()),
                _ => None,
            }
        },
    );
    let second = podium(&db, &["publish", "--due"], "");
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already publishing"));
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(masto.statuses().len(), 1);
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn mastodon_connects_with_a_pasted_code_when_no_browser_can_reach_podium() {
    use std::io::Write;
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let mut child = peers::spawn_with(
        &db,
        &[
            "accounts",
            "add",
            "mastodon",
            "--instance",
            &masto.url,
            "--paste-code",
        ],
        &[],
        std::process::Stdio::piped(),
    );
    let (url, reader) = peers::sign_in_address(&mut child);
    assert!(
        url.contains("redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"),
        "{url}"
    );
    // The person signs in somewhere else; the instance shows the code instead of redirecting.
    let parsed = url::Url::parse(&url).unwrap();
    let q = |k: &str| {
        parsed
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    podium_publish::http::install_tls();
    let page = reqwest::blocking::Client::new()
        .post(format!("{}/oauth/authorize", masto.url))
        .form(&[
            ("username", peers::MOCK_USER.to_owned()),
            ("redirect_uri", q("redirect_uri")),
            ("client_id", q("client_id")),
            ("scope", q("scope")),
        ])
        .send()
        .unwrap()
        .text()
        .unwrap();
    let code = page
        .split("Authorization code: ")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{code}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let said = reader.join().unwrap();
    assert!(out.status.success(), "{said}");
    let account = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(account_field(&db, &account, "status"), "connected");
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn an_unreachable_instance_marks_the_account_offline_and_the_post_waits() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);
    drop(masto); // the network is gone
    let id = draft(&db, "While offline", &[]);
    let entry_id = schedule_now(&db, &id, &account);
    let out = publish_due(&db);
    assert!(out.contains("retrying"), "{out}");
    let e = entry(&db, &entry_id);
    assert_eq!(e["state"], "queued");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{e}"
    );
    assert_eq!(
        e["parts"][0]["state"], "pending",
        "nothing left, nothing to settle"
    );
    assert_eq!(account_field(&db, &account, "status"), "offline");
}

#[test]
#[ignore = "needs the test peers and a keyring: run `cargo xtask test`"]
fn a_mastodon_post_carries_its_content_warning_visibility_and_language() {
    let masto = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = connect_mastodon(&db, &masto.url);

    // The draft's own options, exactly as `drafts add` took them.
    let id = draft(
        &db,
        "Vi legger ned avdelingen i Bergen. Alle berørte får beskjed i dag.",
        &[
            "--network",
            "mastodon",
            "--lang",
            "nb",
            "--content-warning",
            "Nedbemanning",
            "--visibility",
            "private",
        ],
    );
    let shown: Value =
        serde_json::from_str(&ok(&db, &["drafts", "show", &id, "--json"], "")).unwrap();
    assert_eq!(shown["draft"]["content_warning"], "Nedbemanning");
    assert_eq!(shown["draft"]["visibility"], "private");
    let e = schedule_now(&db, &id, &account);
    publish_due(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    let statuses = masto.statuses();
    let s = statuses
        .iter()
        .find(|s| s["id"] == entry(&db, &e)["remote_id"])
        .unwrap();
    assert_eq!(s["spoiler_text"], "Nedbemanning");
    assert_eq!(s["visibility"], "private");
    assert_eq!(s["language"], "nb");
    assert_eq!(
        s["sensitive"], true,
        "a content warning marks the post sensitive"
    );

    // A draft that says nothing takes the account's default: public, then unlisted once the
    // account says so.
    let plain = draft(&db, "Good news from the team today.", &["--lang", "en"]);
    let e = schedule_now(&db, &plain, &account);
    publish_due(&db);
    let s = masto
        .statuses()
        .into_iter()
        .find(|s| s["id"] == entry(&db, &e)["remote_id"])
        .unwrap();
    assert_eq!(s["visibility"], "public");
    assert_eq!(s["spoiler_text"], "");
    assert_eq!(s["language"], "en");
    ok(&db, &["accounts", "visibility", &account, "unlisted"], "");
    let quiet = draft(&db, "A quieter note for the regulars.", &[]);
    let e = schedule_now(&db, &quiet, &account);
    publish_due(&db);
    let s = masto
        .statuses()
        .into_iter()
        .find(|s| s["id"] == entry(&db, &e)["remote_id"])
        .unwrap();
    assert_eq!(s["visibility"], "unlisted");

    // The content warning counts toward the instance's limit: a text that fits alone but not
    // with its warning is refused before anything is sent.
    let text = "a".repeat(490);
    let long = draft(&db, &text, &["--content-warning", "Twelve chars"]);
    let e = schedule_now(&db, &long, &account);
    publish_due(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "failed", "{got}");
    assert!(
        got["error"]
            .as_str()
            .unwrap()
            .contains("too long for Mastodon (502 of 500"),
        "{got}"
    );
}
