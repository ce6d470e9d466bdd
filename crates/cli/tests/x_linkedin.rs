//! Contract tests for X and LinkedIn: the `podium` binary against a local server that plays
//! each documented API (tests/contract), with secrets in the real keyring. The connect flows
//! run end to end through the loopback redirect, driven by the test as the browser; the crash
//! matrix kills the publisher at each step and finds one post, or `unknown` — never two.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod peers;

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use contract::{Fault, Server};
use peers::{
    account, connect_in_browser, db, draft, entry, free_port, ok, podium, podium_env, schedule_now,
    serve_article, spawn, until, wait_for_stderr,
};
use podium_media::sample;
use serde_json::Value;

fn connect_x(db: &Path, server: &Server) -> String {
    let port = free_port().to_string();
    let authorize = format!("{}/i/oauth2/authorize", server.url);
    connect_in_browser(
        db,
        &[
            "accounts",
            "add",
            "x",
            "--client-id",
            "podium-test-client",
            "--api",
            &server.url,
            "--authorize",
            &authorize,
            "--port",
            &port,
        ],
        "",
    )
}

fn connect_linkedin(db: &Path, server: &Server) -> String {
    let port = free_port().to_string();
    let auth = format!("{}/oauth/v2", server.url);
    connect_in_browser(
        db,
        &[
            "accounts",
            "add",
            "linkedin",
            "--client-id",
            "li-client",
            "--api",
            &server.url,
            "--auth",
            &auth,
            "--port",
            &port,
        ],
        "li-secret\n",
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

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn x_connects_with_pkce_posts_a_thread_and_rotates_its_refresh_token() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_x(&db, &server);
    let a = account(&db, &id);
    assert_eq!(a["handle"], "@leder");
    assert_eq!(a["remote_id"], "42");
    let reference = a["credential_ref"].as_str().unwrap().to_owned();
    // The tokens are in the keyring, not in the database.
    let first = server.state.lock().unwrap().refresh.clone();
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(first.len()).any(|w| w == first.as_bytes()));

    // A thread goes out part by part, each a reply to the one before.
    let sentence = "Ledelse handler om å lytte, og om å ta ansvar når det gjelder. ";
    let text = sentence.repeat(10);
    let d = draft(&db, text.trim(), &["--thread"]);
    // The access token expires before the first part: refreshed once, and the send retried.
    server.fault(Fault::ExpireToken);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let e = entry(&db, &e);
    assert_eq!(e["state"], "sent", "{e}");
    let tweets = server.tweets();
    let parts = e["parts"].as_array().unwrap();
    assert!(parts.len() >= 3);
    assert_eq!(tweets.len(), parts.len());
    for k in 1..tweets.len() {
        assert_eq!(
            tweets[k].2.as_deref(),
            Some(tweets[k - 1].0.as_str()),
            "part {k} replies to part {}",
            k - 1
        );
    }
    assert_eq!(
        e["remote_url"],
        format!("https://x.com/leder/status/{}", tweets[0].0)
    );

    // The refresh rotated the refresh token: the new one is in the keyring, the old one is dead.
    let state = server.state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.refresh_tokens_seen, vec![first.clone()]);
    let stored: podium_publish::x::Secret = podium_publish::credentials::load(&reference).unwrap();
    let podium_publish::x::Secret::OAuth2 {
        refresh_token,
        access_token,
        ..
    } = stored
    else {
        panic!()
    };
    assert_eq!(refresh_token, state.refresh);
    assert_eq!(access_token, state.access);
    assert_ne!(refresh_token, first);
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn x_oauth1_user_tokens_sign_their_requests() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = ok(
        &db,
        &["accounts", "add", "x", "--oauth1", "--api", &server.url],
        "ck\ncs\nat\nats\n",
    );
    let d = draft(&db, "Signed with OAuth 1.0a", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    assert_eq!(server.state.lock().unwrap().oauth1_posts, 1);
    let bad = podium(
        &db,
        &["accounts", "add", "x", "--oauth1", "--api", &server.url],
        "only\ntwo\n",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("four OAuth 1.0a keys"));
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn x_answers_are_read_as_the_contract_says() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_x(&db, &server);
    let post = |text: &str| {
        let d = draft(&db, text, &[]);
        schedule_now(&db, &d, &id)
    };

    // 200 with errors[]: not a success; nothing was made, so it fails with X's words.
    server.fault(Fault::OkWithErrors);
    let e = post("Two hundred with errors");
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "failed");
    assert!(got["error"].as_str().unwrap().contains("too long"), "{got}");

    // 429 with x-rate-limit-reset: waits for the reset; the message says so.
    server.fault(Fault::RateLimited);
    let e = post("Rate limited");
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "queued");
    assert!(
        got["error"].as_str().unwrap().contains("rate limit"),
        "{got}"
    );
    let retry: chrono::DateTime<Utc> = got["retry_at"].as_str().unwrap().parse().unwrap();
    assert!(retry > Utc::now() + chrono::Duration::seconds(280));
    ok(&db, &["queue", "remove", &e], "");

    // Usage cap: explained plainly.
    server.fault(Fault::UsageCapped);
    let e = post("Usage capped");
    publish(&db);
    let got = entry(&db, &e);
    assert!(
        got["error"]
            .as_str()
            .unwrap()
            .contains("monthly post allowance"),
        "{got}"
    );
    ok(&db, &["queue", "remove", &e], "");

    // 503 after the post was made: the lookup finds it → sent, once.
    server.fault(Fault::UnavailableAfterCreate);
    let e = post("Made, then 503 & <more> https://example.com/x?y=1");
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    let made = server
        .tweets()
        .iter()
        .filter(|t| t.1.starts_with("Made, then 503"))
        .count();
    assert_eq!(made, 1);

    // A body that cannot be read after the post was made: found → sent.
    server.fault(Fault::MalformedAfterCreate);
    let e = post("Made, then garbled");
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");

    // A timeout after the post was made: found → sent.
    server.fault(Fault::HoldAfterCreate);
    let e = post("Made, then silence");
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");

    // 503 with nothing made: not found → unknown, never a blind retry.
    server.fault(Fault::Unavailable);
    let e = post("Nothing made");
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "unknown", "{got}");
    assert!(!server.tweets().iter().any(|t| t.1 == "Nothing made"));
    publish(&db);
    assert!(
        !server.tweets().iter().any(|t| t.1 == "Nothing made"),
        "still never retried"
    );

    // 403 duplicate content: "already posted" only when the lookup finds it.
    let e = post("Made, then garbled"); // the same text as above: X says duplicate; found
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    server.fault(Fault::Duplicate);
    let e = post("Duplicate but not there");
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "unknown");
    let total = server.tweets().len();
    assert_eq!(
        total,
        3,
        "exactly the posts that were made: {:?}",
        server.tweets()
    );
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn linkedin_connects_posts_escaped_text_and_explains_versions_and_expiry() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_linkedin(&db, &server);
    let a = account(&db, &id);
    assert_eq!(a["handle"], "Leder Lederson");
    assert_eq!(a["remote_id"], "urn:li:person:abc123");
    let expires: chrono::DateTime<Utc> = a["token_expires_at"].as_str().unwrap().parse().unwrap();
    assert!(
        (expires - Utc::now() - chrono::Duration::days(60))
            .num_minutes()
            .abs()
            < 5
    );
    let reference = a["credential_ref"].as_str().unwrap().to_owned();

    let text = "Q3 (foreløpig): vekst i #Norge [se rapport] – takk til @team_nord!";
    let d = draft(&db, text, &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    let posts = server.linkedin_posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(got["remote_id"], posts[0].0);
    assert_eq!(
        got["remote_url"],
        format!("https://www.linkedin.com/feed/update/{}/", posts[0].0)
    );
    let body = &posts[0].1;
    assert_eq!(body["author"], "urn:li:person:abc123");
    assert_eq!(
        body["commentary"],
        podium_core::text::linkedin::commentary(text).text
    );
    assert!(body["commentary"]
        .as_str()
        .unwrap()
        .contains("\\(foreløpig\\)"));
    assert_eq!(
        server.state.lock().unwrap().linkedin_versions[0],
        podium_publish::linkedin::VERSION
    );

    // A retired version: 426, said plainly; nothing was made.
    {
        let store = podium_store::Store::open(&db).unwrap();
        store
            .connection()
            .execute(
                "INSERT INTO settings (key, value) VALUES ('linkedin.version', '202001')",
                [],
            )
            .unwrap();
    }
    let d = draft(&db, "With an old version", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "failed");
    assert!(
        got["error"]
            .as_str()
            .unwrap()
            .contains("retired API version 202001"),
        "{got}"
    );
    {
        let store = podium_store::Store::open(&db).unwrap();
        store
            .connection()
            .execute("DELETE FROM settings WHERE key = 'linkedin.version'", [])
            .unwrap();
    }

    // The sign-in expired: the account needs reconnecting and the post stays queued.
    let mut secret: podium_publish::linkedin::Secret =
        podium_publish::credentials::load(&reference).unwrap();
    secret.expires_at = Utc::now() - chrono::Duration::days(1);
    podium_publish::credentials::save(&reference, &secret).unwrap();
    let d = draft(&db, "After expiry", &[]);
    let e = schedule_now(&db, &d, &id);
    let out = publish(&db);
    assert!(out.contains("expired"), "{out}");
    assert_eq!(entry(&db, &e)["state"], "queued");
    let a = account(&db, &id);
    assert_eq!(a["status"], "reconnect");
    assert!(a["status_reason"]
        .as_str()
        .unwrap()
        .contains("LinkedIn sign-in expired on"));
    assert_eq!(server.linkedin_posts().len(), 1);
    // Reconnecting brings it back and the post goes.
    connect_linkedin(&db, &server);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");

    // An unclear outcome: LinkedIn does not let Podium read posts back → unknown, never twice.
    server.fault(Fault::UnavailableAfterCreate);
    let d = draft(&db, "Unclear on LinkedIn", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "unknown");
    publish(&db);
    assert_eq!(
        server
            .linkedin_posts()
            .iter()
            .filter(|p| p.1["commentary"] == "Unclear on LinkedIn")
            .count(),
        1
    );
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn linkedin_refuses_an_identical_post_plainly_but_after_send_again_its_duplicate_is_the_post() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_linkedin(&db, &server);

    // The member posted this text themselves: LinkedIn refuses it, and the queue says so.
    server.state.lock().unwrap().linkedin_duplicate_of = Some("urn:li:share:6999".into());
    let d = draft(&db, "Takk for et godt år!", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "failed", "{got}");
    assert!(
        got["error"]
            .as_str()
            .unwrap()
            .contains("LinkedIn refuses a post identical to one already on the account"),
        "{got}"
    );

    // Podium's own attempt may have gone out (no answer; LinkedIn lets Podium read nothing
    // back): unknown. The user says "Send again", and LinkedIn answers that it has this text:
    // that is the post, recorded as sent, never a second one.
    server.fault(Fault::UnavailableAfterCreate);
    let d = draft(&db, "Gikk den ut?", &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "unknown");
    let made = server.linkedin_posts()[0].0.clone();
    server.state.lock().unwrap().linkedin_duplicate_of = Some(made.clone());
    ok(&db, &["queue", "retry", &e], "");
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    assert_eq!(got["remote_id"], made.as_str());
    assert_eq!(server.linkedin_posts().len(), 1);
}

#[derive(Debug, Clone, Copy)]
enum Crash {
    BeforeRequest,
    RequestLeft,
    AfterResponse,
}

fn crash(db: &Path, step: Crash, posts: &dyn Fn() -> usize, server: &Server) {
    let env = [("PODIUM_HTTP_TIMEOUT_SECS", "30")];
    let mut child = match step {
        Crash::BeforeRequest => {
            let mut c = spawn(
                db,
                &["publish", "--due"],
                &[("PODIUM_TEST_PAUSE_AT", "before-request"), env[0]],
            );
            wait_for_stderr(&mut c, "paused at before-request");
            c
        }
        Crash::RequestLeft => {
            server.fault(Fault::HoldAfterCreate);
            let c = spawn(db, &["publish", "--due"], &env);
            until(
                Duration::from_secs(30),
                "the post to reach the server",
                || (posts() == 1).then_some(()),
            );
            c
        }
        Crash::AfterResponse => {
            let mut c = spawn(
                db,
                &["publish", "--due"],
                &[("PODIUM_TEST_PAUSE_AT", "after-response"), env[0]],
            );
            wait_for_stderr(&mut c, "paused at after-response");
            c
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn crash_matrix_x_and_linkedin_never_post_twice() {
    for step in [
        Crash::BeforeRequest,
        Crash::RequestLeft,
        Crash::AfterResponse,
    ] {
        // X: a lookup settles what went out.
        let server = Server::start();
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let id = connect_x(&db, &server);
        let d = draft(&db, &format!("Crash {step:?} on X"), &[]);
        let e = schedule_now(&db, &d, &id);
        crash(&db, step, &|| server.tweets().len(), &server);
        publish(&db);
        publish(&db);
        let got = entry(&db, &e);
        let n = server.tweets().len();
        assert!(n <= 1, "{step:?}: never two posts");
        match step {
            Crash::BeforeRequest => assert_eq!(
                (got["state"].as_str(), n),
                (Some("unknown"), 0),
                "{step:?}: nothing went out; the user is asked"
            ),
            _ => assert_eq!(
                (got["state"].as_str(), n),
                (Some("sent"), 1),
                "{step:?}: found by the lookup"
            ),
        }

        // LinkedIn: nothing to look up with (no r_member_social): unknown, the user is asked.
        let server = Server::start();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("podium.sqlite3");
        let id = connect_linkedin(&db, &server);
        let d = draft(&db, &format!("Crash {step:?} on LinkedIn"), &[]);
        let e = schedule_now(&db, &d, &id);
        crash(&db, step, &|| server.linkedin_posts().len(), &server);
        publish(&db);
        publish(&db);
        let got = entry(&db, &e);
        assert!(
            server.linkedin_posts().len() <= 1,
            "{step:?}: never two posts"
        );
        assert_eq!(got["state"], "unknown", "{step:?}: {got}");
        assert!(got["error"].as_str().unwrap().contains("It was posted"));
    }
}

/// Attaches a generated image to `draft`: a JPEG photo, or a PNG screenshot when `png`.
fn attach(db: &Path, dir: &Path, draft: &str, name: &str, png: bool, alt: &str) {
    let file = dir.join(name);
    let bytes = if png {
        sample::screenshot_png(900, 600).unwrap()
    } else {
        sample::photo_jpeg(1600, 1200).unwrap()
    };
    std::fs::write(&file, bytes).unwrap();
    ok(
        db,
        &[
            "drafts",
            "attach",
            draft,
            file.to_str().unwrap(),
            "--alt",
            alt,
        ],
        "",
    );
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn an_x_post_with_two_images_carries_both_media_ids_and_their_alt_texts() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_x(&db, &server);
    let text = "Befaring på byggeplassen i dag. #ledelse";
    let d = draft(&db, text, &[]);
    attach(
        &db,
        dir.path(),
        &d,
        "befaring.jpg",
        false,
        "Styret i hjelmer på byggeplassen",
    );
    attach(
        &db,
        dir.path(),
        &d,
        "plan.png",
        true,
        "Planen for tredje etasje",
    );
    let e = schedule_now(&db, &d, &id);
    let out = publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got} {out}");
    let tweets = server.tweets();
    assert_eq!(tweets.len(), 1);
    assert_eq!(tweets[0].1, text, "the text goes out exactly as written");
    assert_eq!(got["remote_id"], tweets[0].0.as_str());
    let media = server.media_of_tweet(&tweets[0].0);
    let alts: Vec<_> = media.iter().map(|m| m.alt.as_deref()).collect();
    assert_eq!(
        alts,
        [
            Some("Styret i hjelmer på byggeplassen"),
            Some("Planen for tredje etasje")
        ],
        "both images, in order, each with its alt text"
    );
    assert_eq!(media[0].mime, "image/jpeg");
    assert_eq!(media[1].mime, "image/png");
    assert!(media
        .iter()
        .all(|m| m.bytes > 0 && m.bytes <= 5 * 1024 * 1024));
    assert_eq!(server.x_uploads(), 2, "one upload per image");
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn linkedin_posts_one_image_as_media_and_three_as_a_multi_image_post_with_alt_texts() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_linkedin(&db, &server);

    let text = "Styremøte i dag (foreløpig referat).";
    let d = draft(&db, text, &[]);
    attach(
        &db,
        dir.path(),
        &d,
        "styret.jpg",
        false,
        "Styret samlet rundt bordet",
    );
    let e = schedule_now(&db, &d, &id);
    let out = publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got} {out}");
    let posts = server.linkedin_posts();
    assert_eq!(posts.len(), 1);
    let body = &posts[0].1;
    assert_eq!(
        body["commentary"],
        podium_core::text::linkedin::commentary(text).text,
        "the text as written (escaped as LinkedIn's little text wants)"
    );
    let media = &body["content"]["media"];
    assert_eq!(media["altText"], "Styret samlet rundt bordet", "{body}");
    let image = server
        .linkedin_image(media["id"].as_str().unwrap())
        .expect("the post names an image whose bytes were uploaded");
    assert_eq!(image.owner, "urn:li:person:abc123");
    assert_eq!(image.mime.as_deref(), Some("image/jpeg"));

    let d = draft(&db, "Tre bilder fra dagen.", &[]);
    let alts = ["Første bilde", "Andre bilde", "Tredje bilde"];
    for (k, alt) in alts.iter().enumerate() {
        attach(&db, dir.path(), &d, &format!("b{k}.png"), k == 1, alt);
    }
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    let posts = server.linkedin_posts();
    assert_eq!(posts.len(), 2);
    let content = &posts[1].1["content"];
    assert!(content.get("media").is_none(), "{content}");
    let images = content["multiImage"]["images"].as_array().unwrap();
    assert_eq!(images.len(), 3, "{content}");
    for (image, alt) in images.iter().zip(alts) {
        assert_eq!(image["altText"], alt);
        assert!(server
            .linkedin_image(image["id"].as_str().unwrap())
            .is_some());
    }
    assert_eq!(server.linkedin_images().len(), 4, "one upload per image");
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn a_linkedin_post_with_a_link_carries_the_pages_article_card_with_its_thumbnail() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_linkedin(&db, &server);
    let link = serve_article();
    let text = format!("Les om styrearbeid: {link}");
    let d = draft(&db, &text, &[]);
    let e = schedule_now(&db, &d, &id);
    let out = publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent", "{out}");
    let posts = server.linkedin_posts();
    let body = &posts[0].1;
    assert_eq!(
        body["commentary"],
        podium_core::text::linkedin::commentary(&text).text,
        "the text goes out exactly as written"
    );
    let article = &body["content"]["article"];
    assert_eq!(article["source"], link.as_str(), "{body}");
    assert_eq!(article["title"], peers::ARTICLE_TITLE);
    assert_eq!(article["description"], peers::ARTICLE_DESCRIPTION);
    let thumb = server
        .linkedin_image(article["thumbnail"].as_str().unwrap())
        .expect("the thumbnail is an uploaded image");
    assert!(thumb.bytes.unwrap() > 0);

    // A page that cannot be fetched: the post goes without a card, its text unchanged.
    let dead = format!("http://127.0.0.1:{}/borte", free_port());
    let text = format!("Siden svarer ikke: {dead}");
    let d = draft(&db, &text, &[]);
    let e = schedule_now(&db, &d, &id);
    publish(&db);
    assert_eq!(entry(&db, &e)["state"], "sent");
    let posts = server.linkedin_posts();
    assert_eq!(posts.len(), 2);
    assert!(posts[1].1.get("content").is_none(), "{}", posts[1].1);
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn a_crash_after_the_upload_and_before_the_post_ends_in_exactly_one_post_with_its_images() {
    // X: killed after both uploads, before the post's request; then after the post's answer
    // (the lookup finds it, its media link after the text notwithstanding).
    for step in ["after-upload", "after-response"] {
        let server = Server::start();
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir);
        let id = connect_x(&db, &server);
        let text = format!("Krasj {step} med bilder #podium");
        let d = draft(&db, &text, &[]);
        attach(&db, dir.path(), &d, "a.jpg", false, "Første bilde");
        attach(&db, dir.path(), &d, "b.png", true, "Andre bilde");
        let e = schedule_now(&db, &d, &id);
        let mut child = spawn(
            &db,
            &["publish", "--due"],
            &[("PODIUM_TEST_PAUSE_AT", step)],
        );
        wait_for_stderr(&mut child, &format!("paused at {step}"));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(server.x_uploads(), 2, "{step}");
        assert_eq!(
            server.tweets().len(),
            usize::from(step == "after-response"),
            "{step}"
        );
        let out = publish(&db);
        publish(&db);
        let got = entry(&db, &e);
        assert_eq!(got["state"], "sent", "{step}: {got} {out}");
        let tweets = server.tweets();
        assert_eq!(tweets.len(), 1, "{step}: exactly one post");
        assert_eq!(got["remote_id"], tweets[0].0.as_str(), "{step}");
        let alts: Vec<_> = server
            .media_of_tweet(&tweets[0].0)
            .into_iter()
            .map(|m| m.alt)
            .collect();
        assert_eq!(
            alts,
            [Some("Første bilde".into()), Some("Andre bilde".into())],
            "{step}: with its images"
        );
        let uploads = if step == "after-upload" { 4 } else { 2 };
        assert_eq!(
            server.x_uploads(),
            uploads,
            "{step}: uploads are repeated only when the post had not gone"
        );
    }

    // LinkedIn: killed after the upload, before the post's request.
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let id = connect_linkedin(&db, &server);
    let d = draft(&db, "Krasj etter opplasting", &[]);
    attach(&db, dir.path(), &d, "a.jpg", false, "Styret");
    let e = schedule_now(&db, &d, &id);
    let mut child = spawn(
        &db,
        &["publish", "--due"],
        &[("PODIUM_TEST_PAUSE_AT", "after-upload")],
    );
    wait_for_stderr(&mut child, "paused at after-upload");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(server.linkedin_images().len(), 1);
    assert!(server.linkedin_posts().is_empty());
    publish(&db);
    publish(&db);
    let got = entry(&db, &e);
    assert_eq!(got["state"], "sent", "{got}");
    let posts = server.linkedin_posts();
    assert_eq!(posts.len(), 1, "exactly one post");
    let media: &Value = &posts[0].1["content"]["media"];
    assert_eq!(media["altText"], "Styret");
    assert!(server
        .linkedin_image(media["id"].as_str().unwrap())
        .is_some());
    assert_eq!(server.linkedin_images().len(), 2, "the upload was repeated");
}

#[test]
fn plain_http_to_another_computer_is_refused_before_any_secret_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    for args in [
        &[
            "accounts",
            "add",
            "x",
            "--client-id",
            "c",
            "--api",
            "http://api.x.example",
        ][..],
        &[
            "accounts",
            "add",
            "x",
            "--oauth1",
            "--api",
            "http://api.x.example",
        ],
        &[
            "accounts",
            "add",
            "linkedin",
            "--client-id",
            "c",
            "--auth",
            "http://www.linkedin.example/oauth/v2",
        ],
        &[
            "accounts",
            "add",
            "bluesky",
            "--handle",
            "leader.bsky.social",
            "--service",
            "http://pds.example",
        ],
        &[
            "accounts",
            "add",
            "mastodon",
            "--instance",
            "http://m.example",
        ],
    ] {
        let out = podium(&db, args, "");
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(
            said.contains("plain http://") && said.contains("https://"),
            "{args:?}: {said}"
        );
    }
}
