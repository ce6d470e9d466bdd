//! Results and goals through the real `podium` binary: numbers read from mastodon-mock (another
//! account favourites, boosts and replies), X's `public_metrics` from the contract server (off
//! until turned on; a 429 and its reset honoured), LinkedIn's plain "does not share", and the
//! goals' targets with planned and published counts. Secrets are in the real keyring.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod peers;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use contract::Server;
use peers::{
    connect_in_browser, db, draft, entry, free_port, ok, podium, schedule_now, Mastodon, MOCK_TOKEN,
};
use serde_json::{json, Value};

fn client() -> reqwest::blocking::Client {
    podium_publish::http::install_tls();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn results(db: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(db, &["results", "--json"], ""))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn result_of(db: &Path, entry_id: &str) -> Value {
    results(db)
        .into_iter()
        .find(|r| r["entry_id"] == entry_id)
        .expect("the post is in the results")
}

fn refresh(db: &Path) -> String {
    let out = podium(db, &["results", "refresh"], "");
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

fn publish(db: &Path) {
    let out = podium(db, &["publish", "--due"], "");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A user of the mock's own, with a token (`POST /api/v1/_mock/dev_user`).
fn mock_user(m: &Mastodon, name: &str) -> String {
    let v: Value = client()
        .post(format!("{}/api/v1/_mock/dev_user", m.url))
        .json(&json!({"username": name}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

fn act(m: &Mastodon, token: &str, path: &str, form: &[(&str, &str)]) {
    let r = client()
        .post(format!("{}{path}", m.url))
        .bearer_auth(token)
        .form(form)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.text().unwrap());
}

#[test]
#[ignore = "needs mastodon-mock and a keyring: run `cargo xtask test`"]
fn mastodon_favourites_boosts_and_replies_are_read_back_exactly_as_a_time_series() {
    let m = Mastodon::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = ok(
        &db,
        &[
            "accounts",
            "add",
            "mastodon",
            "--instance",
            &m.url,
            "--zone",
            "Europe/Oslo",
        ],
        MOCK_TOKEN,
    );
    let d = draft(
        &db,
        "Vi ansetter i Bodø",
        &["--goal", "culture", "--tag", "bodø"],
    );
    let e = schedule_now(&db, &d, &account);
    publish(&db);
    let status = entry(&db, &e)["remote_id"].as_str().unwrap().to_owned();

    // Before any reading: published, no numbers yet.
    let before = result_of(&db, &e);
    assert_eq!(before["likes"], Value::Null);
    assert_eq!(before["read_at"], Value::Null);

    let (kari, ola) = (mock_user(&m, "kari"), mock_user(&m, "ola"));
    act(
        &m,
        &kari,
        &format!("/api/v1/statuses/{status}/favourite"),
        &[],
    );
    act(
        &m,
        &ola,
        &format!("/api/v1/statuses/{status}/favourite"),
        &[],
    );
    act(&m, &kari, &format!("/api/v1/statuses/{status}/reblog"), &[]);
    act(
        &m,
        &ola,
        "/api/v1/statuses",
        &[("status", "Gratulerer!"), ("in_reply_to_id", &status)],
    );

    let said = refresh(&db);
    assert!(said.contains("read the numbers of 1 posts"), "{said}");
    let r = result_of(&db, &e);
    assert_eq!(r["network"], "mastodon");
    assert_eq!(r["goal"], "culture");
    assert_eq!(r["draft_id"], d.as_str());
    assert_eq!(
        (
            r["likes"].clone(),
            r["reposts"].clone(),
            r["replies"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    // Counts Mastodon does not report are null, not 0.
    assert_eq!(r["impressions"], Value::Null);
    assert!(r["read_at"].is_string());
    assert!(r["url"].as_str().unwrap().contains(&status));

    // A third favourite, read on demand: a second reading, the latest is the result.
    let third = mock_user(&m, "per");
    act(
        &m,
        &third,
        &format!("/api/v1/statuses/{status}/favourite"),
        &[],
    );
    refresh(&db);
    assert_eq!(result_of(&db, &e)["likes"], 3);

    // CSV: a header and one row per post and network, with the same numbers.
    let csv = ok(&db, &["results", "--csv"], "");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "entry_id,draft_id,network,url,goal,published_at,likes,reposts,replies,quotes,impressions,read_at"
    );
    let row = lines.next().unwrap();
    assert!(row.starts_with(&format!("{e},{d},mastodon,")), "{row}");
    assert!(row.contains(",culture,"), "{row}");
    assert!(row.contains(",3,1,1,,,"), "{row}");
    assert_eq!(lines.next(), None);

    // --since leaves out what came before.
    let later = ok(&db, &["results", "--json", "--since", "2999-01-01"], "");
    assert_eq!(serde_json::from_str::<Value>(&later).unwrap(), json!([]));
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn x_numbers_are_read_only_when_turned_on_and_a_429_reset_is_waited_out() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let port = free_port().to_string();
    let authorize = format!("{}/i/oauth2/authorize", server.url);
    let account = connect_in_browser(
        &db,
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
    );
    let d = draft(&db, "Tre ting vi lærte i år", &["--goal", "credibility"]);
    let e = schedule_now(&db, &d, &account);
    publish(&db);
    let id = entry(&db, &e)["remote_id"].as_str().unwrap().to_owned();
    server.state.lock().unwrap().x_metrics.insert(
        id.clone(),
        json!({"retweet_count": 4, "reply_count": 2, "like_count": 17, "quote_count": 1,
               "bookmark_count": 3, "impression_count": 1234}),
    );

    // Off by default: X charges per read, and Podium says so without asking X.
    let said = refresh(&db);
    assert!(said.contains("X charges for every read"), "{said}");
    assert_eq!(server.state.lock().unwrap().x_reads, 0);
    assert_eq!(result_of(&db, &e)["likes"], Value::Null);

    ok(&db, &["results", "x-reads", "on"], "");
    // X says "too many requests" with a reset 3 s ahead: Podium waits it out.
    server.state.lock().unwrap().x_read_limited = Some(3);
    let said = refresh(&db);
    assert!(said.contains("X asked Podium to wait"), "{said}");
    assert_eq!(server.state.lock().unwrap().x_reads, 1);
    let said = refresh(&db);
    assert!(said.contains("X asked Podium to wait"), "{said}");
    assert_eq!(
        server.state.lock().unwrap().x_reads,
        1,
        "not asked again before the reset"
    );
    std::thread::sleep(Duration::from_secs(4));
    let said = refresh(&db);
    assert_eq!(server.state.lock().unwrap().x_reads, 2, "{said}");
    let r = result_of(&db, &e);
    assert_eq!(
        [
            &r["likes"],
            &r["reposts"],
            &r["replies"],
            &r["quotes"],
            &r["impressions"]
        ],
        [&json!(17), &json!(4), &json!(2), &json!(1), &json!(1234)]
    );
}

#[test]
#[ignore = "needs a keyring: run `cargo xtask test`"]
fn linkedin_numbers_are_not_read_and_podium_says_linkedin_does_not_share_them() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let port = free_port().to_string();
    let auth = format!("{}/oauth/v2", server.url);
    let account = connect_in_browser(
        &db,
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
    );
    let d = draft(&db, "Takk for i år", &["--goal", "reputation"]);
    let e = schedule_now(&db, &d, &account);
    publish(&db);
    let said = refresh(&db);
    assert!(
        said.contains("LinkedIn: LinkedIn does not share these numbers with Podium"),
        "{said}"
    );
    let r = result_of(&db, &e);
    assert_eq!(r["network"], "linkedin");
    for count in [
        "likes",
        "reposts",
        "replies",
        "quotes",
        "impressions",
        "read_at",
    ] {
        assert_eq!(r[count], Value::Null, "{count}");
    }
}

#[test]
fn goals_set_targets_and_list_planned_and_published_for_four_weeks() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    ok(
        &db,
        &[
            "goals",
            "set",
            "credibility",
            "--per-week",
            "2",
            "--network",
            "linkedin",
        ],
        "",
    );
    ok(&db, &["goals", "set", "Visibility", "--per-week", "3"], "");
    let all: Value = serde_json::from_str(&ok(&db, &["goals", "--json"], "")).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["goal"], "visibility");
    assert_eq!(all[0]["network"], Value::Null);
    assert_eq!(all[1]["goal"], "credibility");
    assert_eq!(all[1]["network"], "linkedin");
    let weeks = all[0]["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 4);
    assert_eq!(weeks[0]["planned"], 0);
    assert_eq!(weeks[0]["published"], 0);
    assert_eq!(weeks[0]["gap"], json!({"kind": "nothing", "missing": 3}));
    let text = ok(&db, &["goals"], "");
    assert!(text.contains("nothing planned for visibility"), "{text}");
    // 0 removes a target; a leader of their own has targets of their own.
    ok(&db, &["goals", "set", "visibility", "--per-week", "0"], "");
    ok(
        &db,
        &[
            "goals",
            "set",
            "culture",
            "--per-week",
            "1",
            "--leader",
            "Kari",
        ],
        "",
    );
    let mine: Value = serde_json::from_str(&ok(&db, &["goals", "--json"], "")).unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let karis: Value =
        serde_json::from_str(&ok(&db, &["goals", "--json", "--leader", "Kari"], "")).unwrap();
    assert_eq!(karis[0]["goal"], "culture");
    // A typo's guard.
    let out = podium(&db, &["goals", "set", "culture", "--per-week", "500"], "");
    assert_eq!(out.status.code(), Some(2));
    // Nothing published: the results are empty, in JSON and CSV.
    assert_eq!(ok(&db, &["results", "--json"], "").trim(), "[]");
    assert_eq!(ok(&db, &["results", "--csv"], "").lines().count(), 1);
}

// ------------------------------------------------------------------ Bluesky with an AppView

/// A Bluesky network with an AppView: `tests/pds/serve-network.js` under `pg_virtualenv` (a
/// throw-away PostgreSQL), with a `redis-server` of its own, all on 127.0.0.1. Stopped on drop.
struct Network {
    node: std::process::Child,
    redis: std::process::Child,
    _dir: tempfile::TempDir,
    pds: String,
    control: String,
}

impl Network {
    fn start() -> Network {
        let pds_dir = std::env::var_os("PODIUM_PDS_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/pds"),
            std::path::PathBuf::from,
        );
        let dir = tempfile::tempdir().unwrap();
        let redis_port = free_port();
        let redis = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &redis_port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server package; cargo xtask test installs it)");
        let (pds, plc, bsky, control) = (free_port(), free_port(), free_port(), free_port());
        let ready = dir.path().join("ready.json");
        let node = std::process::Command::new("pg_virtualenv")
            .args(["-t", "node", "-r", "./bind-loopback.js", "serve-network.js"])
            .args([pds, plc, bsky, control].map(|p| p.to_string()))
            .arg(&ready)
            .current_dir(&pds_dir)
            .env("REDIS_HOST", format!("127.0.0.1:{redis_port}"))
            .env("TMPDIR", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pg_virtualenv (Debian's postgresql package)");
        let mut network = Network {
            node,
            redis,
            _dir: dir,
            pds: format!("http://127.0.0.1:{pds}"),
            control: format!("http://127.0.0.1:{control}"),
        };
        let started = std::time::Instant::now();
        while !ready.exists() {
            if started.elapsed() > Duration::from_secs(180) {
                let _ = network.node.kill();
                panic!("the Bluesky test network did not start within 3 minutes");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        network
    }

    /// Waits until the AppView has indexed everything the PDS has.
    fn process(&self) {
        let r = client()
            .post(format!("{}/process", self.control))
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().unwrap());
    }

    /// A fresh account: (handle, DID, access token, app password).
    fn account(&self, name: &str) -> (String, String, String, String) {
        let handle = format!("{name}-{}.test", std::process::id());
        let created: Value = client()
            .post(format!("{}/xrpc/com.atproto.server.createAccount", self.pds))
            .json(&json!({"email": format!("{name}@example.test"), "handle": handle, "password": "hunter2-hunter2"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let did = created["did"]
            .as_str()
            .unwrap_or_else(|| panic!("{created}"))
            .to_owned();
        let access = created["accessJwt"].as_str().unwrap().to_owned();
        let app: Value = client()
            .post(format!(
                "{}/xrpc/com.atproto.server.createAppPassword",
                self.pds
            ))
            .bearer_auth(&access)
            .json(&json!({"name": "Podium"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        (
            handle,
            did,
            access,
            app["password"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates a record in `did`'s repository: its (uri, cid).
    fn create(&self, did: &str, token: &str, collection: &str, record: Value) -> (String, String) {
        let made: Value = client()
            .post(format!("{}/xrpc/com.atproto.repo.createRecord", self.pds))
            .bearer_auth(token)
            .json(&json!({"repo": did, "collection": collection, "record": record}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        (
            made["uri"]
                .as_str()
                .unwrap_or_else(|| panic!("{made}"))
                .to_owned(),
            made["cid"].as_str().unwrap().to_owned(),
        )
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        // Closing stdin stops the network; pg_virtualenv then drops its cluster.
        drop(self.node.stdin.take());
        let _ = self.node.wait();
        let _ = self.redis.kill();
        let _ = self.redis.wait();
    }
}

#[test]
#[ignore = "needs the test PDS, PostgreSQL, redis-server and a keyring: run `cargo xtask test`"]
fn bluesky_likes_reposts_replies_and_quotes_by_another_account_are_read_back_exactly() {
    let net = Network::start();
    let (handle, did, _, password) = net.account("leder");
    let (_, other, other_token, _) = net.account("leser");
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir);
    let account = ok(
        &db,
        &[
            "accounts",
            "add",
            "bluesky",
            "--handle",
            &handle,
            "--service",
            &net.pds,
            "--zone",
            "Europe/Oslo",
        ],
        &format!("{password}\n"),
    );
    let d = draft(
        &db,
        "Tre ting jeg lærte av å lede i Bodø",
        &["--goal", "credibility"],
    );
    let e = schedule_now(&db, &d, &account);
    publish(&db);
    let uri = entry(&db, &e)["remote_id"].as_str().unwrap().to_owned();
    assert!(uri.starts_with(&format!("at://{did}/")), "{uri}");
    let record: Value = client()
        .get(format!("{}/xrpc/com.atproto.repo.getRecord", net.pds))
        .query(&[
            ("repo", did.as_str()),
            ("collection", "app.bsky.feed.post"),
            ("rkey", uri.rsplit('/').next().unwrap()),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let subject = json!({"uri": uri, "cid": record["cid"]});
    let now = chrono::Utc::now().to_rfc3339();
    net.create(
        &other,
        &other_token,
        "app.bsky.feed.like",
        json!({"subject": subject, "createdAt": now}),
    );
    net.create(
        &other,
        &other_token,
        "app.bsky.feed.repost",
        json!({"subject": subject, "createdAt": now}),
    );
    net.create(
        &other,
        &other_token,
        "app.bsky.feed.post",
        json!({"text": "Godt sagt!", "createdAt": now, "reply": {"root": subject, "parent": subject}}),
    );
    net.create(
        &other,
        &other_token,
        "app.bsky.feed.post",
        json!({"text": "Les denne", "createdAt": now,
               "embed": {"$type": "app.bsky.embed.record", "record": subject}}),
    );
    net.process();

    let said = refresh(&db);
    assert!(said.contains("read the numbers of 1 posts"), "{said}");
    let r = result_of(&db, &e);
    assert_eq!(
        [&r["likes"], &r["reposts"], &r["replies"], &r["quotes"]],
        [&json!(1), &json!(1), &json!(1), &json!(1)],
        "{r}"
    );
    // Bluesky does not report impressions.
    assert_eq!(r["impressions"], Value::Null);
    assert_eq!(r["goal"], "credibility");
}
