//! Contract tests for Threads: the `podium` binary against a local server that plays Threads'
//! documented Graph API (tests/contract), with the token in the real keyring. Publishing is two
//! steps — a container, then its publication — and the container is committed to the outbox
//! before the publish request, so the crash matrix finds exactly one post every time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod peers;

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use contract::{Fault, Server};
use peers::{
    account, db, draft, entry, ok, podium, podium_env, schedule_now, spawn, until, wait_for_stderr,
};

fn connect_threads(db: &Path, server: &Server, token: &str) -> String {
    ok(
        db,
        &["accounts", "add", "threads", "--api", &server.url],
        token,
    )
}

fn publish(db: &Path) -> String {
    let out = podium_env(
        db,
        &["publish", "--due"],
        "",
        &[("PODIUM_HTTP_TIMEOUT_SECS", "5")],
    );
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// The retry an earlier failure planned, made due now.
fn due_again(db: &Path, entry: &str) {
    let store = podium_store::Store::open(db).unwrap();
    let past = (Utc::now() - chrono::Duration::seconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store
        .connection()
        .execute(
            "UPDATE outbox SET retry_at = ?2 WHERE id = ?1",
            [entry, past.as_str()],
        )
        .unwrap();
}

fn days_from_now(at: &serde_json::Value) -> i64 {
    let at: chrono::DateTime<Utc> = at.as_str().unwrap().parse().unwrap();
    (at - Utc::now()).num_hours().div_euclid(24)
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn threads_connects_with_a_pasted_token_and_posts_a_thread_through_containers() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let token = server.threads_token();
    let id = connect_threads(&db, &server, &format!("{token}\n"));
    let a = account(&db, &id);
    assert_eq!(a["handle"], "@leder");
    assert_eq!(a["network"], "threads");
    assert_eq!(a["remote_id"], "1789");
    // Renewed at once (the token was old enough): the account knows its end, 60 days away.
    assert_eq!(server.state.lock().unwrap().threads.refreshes, 1);
    assert!(
        (58..=60).contains(&days_from_now(&a["token_expires_at"])),
        "{a}"
    );
    // The token is in the keyring, not in the database.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));

    // A thread: every part its own container, each a reply to the part before; the first
    // hashtag goes as the topic tag and the first link as the link attachment.
    let sentence = "Ledelse handler om å lytte, og om å ta ansvar når det gjelder for alvor. ";
    let text = format!(
        "#Ledelse i praksis: https://example.com/ledelse {}",
        sentence.repeat(9)
    );
    let d = draft(&db, text.trim(), &["--thread", "--network", "threads"]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    let posts = server.threads_posts();
    let parts = got["parts"].as_array().unwrap();
    assert!(parts.len() >= 2, "{got}");
    assert_eq!(posts.len(), parts.len());
    assert_eq!(posts[0].2["topic_tag"], "Ledelse");
    assert_eq!(posts[0].2["link_attachment"], "https://example.com/ledelse");
    assert!(!posts[0].2.contains_key("reply_to_id"));
    for k in 1..posts.len() {
        assert_eq!(
            posts[k].2.get("reply_to_id"),
            Some(&posts[k - 1].0),
            "part {k} replies to part {}",
            k - 1
        );
    }
    // Each part kept the container it was published from.
    for (part, post) in parts.iter().zip(&posts) {
        assert_eq!(part["container"], post.1.as_str());
        assert_eq!(part["remote_id"], post.0.as_str());
    }
    assert_eq!(
        got["remote_url"],
        format!("https://www.threads.net/@leder/post/P{}", posts[0].0)
    );
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn threads_quota_renewal_and_expiry_are_said_plainly() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let token = server.threads_token();
    // A token made today cannot be renewed yet: it is taken as it is, ending in 60 days.
    server
        .state
        .lock()
        .unwrap()
        .threads
        .fresh
        .push(token.clone());
    let id = connect_threads(&db, &server, &token);
    let a = account(&db, &id);
    assert_eq!(server.state.lock().unwrap().threads.refreshes, 0);
    assert!(
        (59..=60).contains(&days_from_now(&a["token_expires_at"])),
        "{a}"
    );
    let reference = a["credential_ref"].as_str().unwrap().to_owned();

    // 250 posts in the last 24 hours: nothing is made, and the queue says why in plain words.
    server.state.lock().unwrap().threads.quota_used = 250;
    let d = draft(&db, "Kvoten er brukt opp", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "queued", "{got}");
    let error = got["error"].as_str().unwrap();
    assert!(
        error.contains("Threads allows 250 posts in 24 hours and this account has published 250"),
        "{error}"
    );
    assert!(
        error.contains("Podium tries again in about 1 hour"),
        "{error}"
    );
    assert!(server.state.lock().unwrap().threads.containers.is_empty());
    // The account says so too, in the words of the checks, until a reading says otherwise.
    let listed = ok(&db, &["accounts", "list"], "");
    assert!(
        listed.contains("Threads allows 250 posts in 24 hours; this account has 0 left"),
        "{listed}"
    );
    ok(&db, &["queue", "remove", &e], "");
    server.state.lock().unwrap().threads.quota_used = 0;

    // Fewer than 50 days left (and a day old): renewed before the post goes, and the account's
    // end date follows.
    server.state.lock().unwrap().threads.fresh.clear();
    let mut secret: podium_publish::threads::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    secret.expires_at = Utc::now() + chrono::Duration::days(10);
    podium_publish::credentials::save(&reference, &secret).unwrap();
    let d = draft(&db, "Fornyet innlogging", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    let listed = ok(&db, &["accounts", "list"], "");
    assert!(!listed.contains(" left"), "{listed}");
    assert_eq!(server.state.lock().unwrap().threads.refreshes, 1);
    let renewed: podium_publish::threads::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    assert_ne!(renewed.access_token, token);
    assert!((58..=60).contains(&days_from_now(&account(&db, &id)["token_expires_at"])));

    // A week before the end the account says so; after it, the post waits for a reconnect.
    let mut secret = renewed;
    secret.expires_at = Utc::now() - chrono::Duration::hours(1);
    podium_publish::credentials::save(&reference, &secret).unwrap();
    let d = draft(&db, "Etter utløp", &[]);
    let e = schedule_now(&db, &d, &id);
    let out = publish(&db);
    assert!(out.contains("expired"), "{out}");
    assert_eq!(entry(&db, &e)["state"], "queued");
    let a = account(&db, &id);
    assert_eq!(a["status"], "reconnect");
    assert!(a["status_reason"]
        .as_str()
        .unwrap()
        .contains("Threads sign-in expired on"));
    // Pasting a token again brings it back, and the post goes.
    let token = server.threads_token();
    connect_threads(&db, &server, &token);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    assert_eq!(server.threads_posts().len(), 2);
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn an_unclear_publish_is_settled_by_the_containers_status_never_twice() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_threads(&db, &server, &server.threads_token());

    // Published, then a 503: the container says PUBLISHED, the post is found → sent, once.
    server.fault(Fault::UnavailableAfterCreate);
    let d = draft(&db, "Uklart svar fra Threads", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    assert_eq!(server.threads_posts().len(), 1);

    // A 503 before anything was published: the same container is published on the next try.
    server.fault(Fault::Unavailable);
    let d = draft(&db, "Threads var nede", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "queued", "{got}");
    let container = got["parts"][0]["container"].as_str().unwrap().to_owned();
    due_again(&db, &e);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    let posts = server.threads_posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[1].1, container,
        "the container committed first was the one published"
    );
    assert_eq!(server.state.lock().unwrap().threads.containers.len(), 2);
}

#[derive(Debug, Clone, Copy)]
enum Crash {
    BeforeRequest,
    RequestLeft,
    AfterResponse,
    /// Killed before the publish request, and the container expired before the next run.
    BeforeRequestThenExpired,
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn crash_matrix_threads_never_posts_twice() {
    for step in [
        Crash::BeforeRequest,
        Crash::RequestLeft,
        Crash::AfterResponse,
        Crash::BeforeRequestThenExpired,
    ] {
        let server = Server::start();
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let id = connect_threads(&db, &server, &server.threads_token());
        let d = draft(&db, &format!("Krasj {step:?} på Threads"), &[]);
        let e = schedule_now(&db, &d, &id);
        let env = ("PODIUM_HTTP_TIMEOUT_SECS", "30");
        let mut child = match step {
            Crash::BeforeRequest | Crash::BeforeRequestThenExpired => {
                let mut c = spawn(
                    &db,
                    &["publish", "--due"],
                    &[("PODIUM_TEST_PAUSE_AT", "before-request"), env],
                );
                wait_for_stderr(&mut c, "paused at before-request");
                c
            }
            Crash::RequestLeft => {
                server.fault(Fault::HoldAfterCreate);
                let c = spawn(&db, &["publish", "--due"], &[env]);
                until(Duration::from_secs(30), "the post to be published", || {
                    (server.threads_posts().len() == 1).then_some(())
                });
                c
            }
            Crash::AfterResponse => {
                let mut c = spawn(
                    &db,
                    &["publish", "--due"],
                    &[("PODIUM_TEST_PAUSE_AT", "after-response"), env],
                );
                wait_for_stderr(&mut c, "paused at after-response");
                c
            }
        };
        child.kill().unwrap();
        child.wait().unwrap();
        // The container was committed before the publish request.
        let left = entry(&db, &e);
        let container = left["parts"][0]["container"].as_str().unwrap().to_owned();
        if matches!(step, Crash::BeforeRequestThenExpired) {
            server.expire_threads_container(&container);
        }
        publish(&db);
        publish(&db);
        let got = entry(&db, &e);
        let posts = server.threads_posts();
        assert_eq!(posts.len(), 1, "{step:?}: exactly one post");
        assert_eq!(got["state"], "sent", "{step:?}: {got}");
        assert_eq!(got["remote_id"], posts[0].0.as_str());
        match step {
            Crash::BeforeRequestThenExpired => {
                assert_ne!(
                    posts[0].1, container,
                    "a new container replaced the expired one"
                )
            }
            _ => assert_eq!(posts[0].1, container, "{step:?}: its own container"),
        }
    }
}

#[test]
fn plain_http_to_another_computer_is_refused_for_threads_before_the_token_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let out = podium(
        &db,
        &[
            "accounts",
            "add",
            "threads",
            "--api",
            "http://graph.threads.example",
        ],
        "token",
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("plain http://"), "{said}");
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn the_scheduler_renews_a_threads_token_even_with_nothing_to_post() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let token = server.threads_token();
    server
        .state
        .lock()
        .unwrap()
        .threads
        .fresh
        .push(token.clone());
    let id = connect_threads(&db, &server, &token);
    server.state.lock().unwrap().threads.fresh.clear();
    let reference = account(&db, &id)["credential_ref"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut secret: podium_publish::threads::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    secret.expires_at = Utc::now() + chrono::Duration::days(20);
    podium_publish::credentials::save(&reference, &secret).unwrap();

    let mut scheduler = spawn(&db, &["scheduler"], &[]);
    until(Duration::from_secs(30), "the token to be renewed", || {
        (server.state.lock().unwrap().threads.refreshes == 1).then_some(())
    });
    until(Duration::from_secs(10), "the new end date", || {
        (days_from_now(&account(&db, &id)["token_expires_at"]) >= 58).then_some(())
    });
    scheduler.kill().unwrap();
    scheduler.wait().unwrap();
    assert!(server.threads_posts().is_empty());
}
