//! What the hub's tests share: a real PostgreSQL (a throw-away cluster on 127.0.0.1, started
//! once per test binary with `pg_virtualenv`), a fresh database per test, changes to push, and
//! the real `podium-hub` binary on a free port.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use podium_core::clock::Stamp;
use podium_core::sync::{Change, Op};
use podium_hub::scratch::ScratchCluster;
use serde_json::{Map, Value};

static CLUSTER: OnceLock<Result<ScratchCluster, String>> = OnceLock::new();

/// A new, empty database on the test binary's throw-away cluster (started on first use); its
/// URL.
pub async fn fresh_postgres() -> String {
    let cluster = match CLUSTER.get_or_init(ScratchCluster::start) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    cluster
        .fresh_database()
        .await
        .expect("a database on the test cluster")
}

/// The hub's clock in the tests: now.
pub fn now() -> u64 {
    podium_hub::storage::now_ms()
}

/// A stamp at `wall_ms` from device node `node`, `n` telling apart stamps of one millisecond.
pub fn stamp(wall_ms: u64, n: u16, node: u64) -> String {
    Stamp {
        wall_ms,
        counter: n,
        node,
    }
    .to_string()
}

/// A change to draft `id` setting `field` to `value`.
pub fn change(id: &str, hlc: String, field: &str, value: &str, base: Option<u64>) -> Change {
    let mut fields = Map::new();
    fields.insert(field.into(), Value::from(value));
    Change {
        entity: "draft".into(),
        id: id.into(),
        op: Op::Update,
        hlc,
        fields,
        base,
    }
}

/// A running `podium-hub serve`, stopped when dropped.
pub struct HubProcess {
    pub child: Child,
    pub url: String,
    _stdout: Option<BufReader<ChildStdout>>,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn hub_bin() -> &'static str {
    env!("CARGO_BIN_EXE_podium-hub")
}

/// Starts `podium-hub serve` with `args` (a storage option; `--listen 127.0.0.1:0` is added
/// unless given) and waits for its "listening on" line.
pub fn start_hub(args: &[&str]) -> HubProcess {
    let mut cmd = Command::new(hub_bin());
    cmd.arg("serve").args(args);
    if !args.contains(&"--listen") {
        cmd.args(["--listen", "127.0.0.1:0"]);
    }
    let mut hub = HubProcess {
        child: cmd
            .env("PODIUM_HUB_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start podium-hub"),
        url: String::new(),
        _stdout: None,
    };
    let mut stdout = BufReader::new(hub.child.stdout.take().expect("stdout"));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut line = String::new();
    loop {
        line.clear();
        let n = stdout
            .read_line(&mut line)
            .expect("read podium-hub's output");
        if let Some(url) = line.trim().strip_prefix("listening on ") {
            hub.url = url.to_owned();
            hub._stdout = Some(stdout);
            return hub;
        }
        assert!(
            n > 0 && Instant::now() < deadline,
            "podium-hub serve ended or stalled before listening"
        );
    }
}

/// `podium-hub invite` on `db_args`; the code (its last line).
pub fn invite(db_args: &[&str], name: &str, role: &str) -> String {
    let out = Command::new(hub_bin())
        .arg("invite")
        .args(["--name", name, "--role", role])
        .args(db_args)
        .output()
        .expect("run podium-hub invite");
    assert!(
        out.status.success(),
        "invite failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

pub fn sqlite_args(path: &Path) -> Vec<String> {
    vec!["--db".into(), path.display().to_string()]
}

/// A device talking to a hub over HTTP, as the client crate does.
#[derive(Debug, Clone)]
pub struct Device {
    pub client: reqwest::Client,
    pub url: String,
    pub token: String,
    pub id: String,
    pub member_id: String,
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("an HTTP client")
}

/// A request with the protocol header.
pub fn request(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
) -> reqwest::RequestBuilder {
    client
        .request(method, url)
        .header(podium_core::sync::PROTOCOL_HEADER, "1")
}

/// Joins `url` with `code`.
pub async fn join(url: &str, code: &str, name: &str) -> Device {
    join_with(client(), url, code, name).await
}

pub async fn join_with(client: reqwest::Client, url: &str, code: &str, name: &str) -> Device {
    let answer = request(&client, reqwest::Method::POST, &format!("{url}/v1/join"))
        .json(&podium_core::sync::JoinRequest {
            code: code.to_owned(),
            device_name: name.to_owned(),
        })
        .send()
        .await
        .expect("join");
    assert_eq!(answer.status(), 200, "join: {:?}", answer.text().await);
    let answer: podium_core::sync::JoinAnswer = answer.json().await.expect("a join answer");
    Device {
        client,
        url: url.to_owned(),
        token: answer.token,
        id: answer.device_id,
        member_id: answer.member.id,
    }
}

impl Device {
    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        request(&self.client, method, &format!("{}{path}", self.url)).bearer_auth(&self.token)
    }

    /// Pushes `changes`; the status and the body.
    pub async fn push_raw(&self, changes: &[Change]) -> (u16, Value) {
        let r = self
            .req(reqwest::Method::POST, "/v1/changes")
            .json(&podium_core::sync::PushRequest {
                changes: changes.to_vec(),
            })
            .send()
            .await
            .expect("push");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn push(&self, changes: &[Change]) -> podium_core::sync::PushAnswer {
        let (status, body) = self.push_raw(changes).await;
        assert_eq!(status, 200, "push: {body}");
        serde_json::from_value(body).expect("a push answer")
    }

    pub async fn pull(&self, after: u64, wait: u64) -> podium_core::sync::PullAnswer {
        let r = self
            .req(
                reqwest::Method::GET,
                &format!("/v1/changes?after={after}&wait={wait}"),
            )
            .send()
            .await
            .expect("pull");
        assert_eq!(r.status(), 200, "pull: {:?}", r.text().await);
        r.json().await.expect("a pull answer")
    }

    /// A pull that waits up to 30 s for news, which must come within 20 s: were the news not
    /// heard, the hub would answer only when its wait ended (with what it then read), and this
    /// fails instead. Not a check on speed: news is heard in milliseconds.
    pub async fn pull_hearing_news(&self, after: u64) -> podium_core::sync::PullAnswer {
        let r = self
            .req(
                reqwest::Method::GET,
                &format!("/v1/changes?after={after}&wait=30"),
            )
            .timeout(Duration::from_secs(20))
            .send()
            .await;
        let r = match r {
            Ok(r) => r,
            Err(e) if e.is_timeout() => panic!("the waiting pull never heard of the push"),
            Err(e) => panic!("pull: {e}"),
        };
        assert_eq!(r.status(), 200);
        r.json().await.expect("a pull answer")
    }

    /// Every change on the hub, all pages.
    pub async fn pull_all(&self) -> Vec<podium_core::sync::Pulled> {
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let page = self.pull(after, 0).await;
            all.extend(page.changes);
            after = page.cursor;
            if !page.more {
                return all;
            }
        }
    }
}
