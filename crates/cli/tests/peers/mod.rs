//! The real servers the publishing tests talk to, all on 127.0.0.1: the reference Bluesky PDS
//! (`@atproto/dev-env`, installed into `tests/pds` by `cargo xtask test`), `mastodon-mock` from
//! PyPI (a third-party Mastodon API server), and a small TCP proxy that can hold back a
//! server's answer or fail a chosen request, to reproduce what a network does mid-request.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http() -> reqwest::blocking::Client {
    podium_publish::http::install_tls();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Waits up to `limit` for `f` to give `Some`.
pub fn until<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// ------------------------------------------------------------------ Bluesky PDS

/// One PDS (and PLC directory) for the whole test binary; each test makes its own accounts.
pub struct Pds {
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
    _dir: tempfile::TempDir,
    pub url: String,
}

static PDS: OnceLock<Pds> = OnceLock::new();
static HANDLES: AtomicUsize = AtomicUsize::new(0);

impl Pds {
    pub fn shared() -> &'static Pds {
        PDS.get_or_init(Pds::start)
    }

    fn start() -> Pds {
        let dir = std::env::var_os("PODIUM_PDS_DIR")
            .map_or_else(|| repo_root().join("tests/pds"), PathBuf::from);
        assert!(
            dir.join("node_modules/@atproto/dev-env").exists(),
            "the test PDS is not installed in {}: run `cargo xtask test` (it runs `npm ci` there)",
            dir.display()
        );
        let tmp = tempfile::tempdir().unwrap();
        let (pds_port, plc_port) = (free_port(), free_port());
        let mut child = Command::new("node")
            .args(["-r", "./bind-loopback.js", "serve.js"])
            .arg(pds_port.to_string())
            .arg(plc_port.to_string())
            .current_dir(&dir)
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (Node 20) must be installed");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the PDS did not start: {line:?}"));
        assert!(ready["pds"]
            .as_str()
            .unwrap()
            .ends_with(&pds_port.to_string()));
        Pds {
            _child: Mutex::new(child),
            _stdin: Mutex::new(stdin),
            _dir: tmp,
            url: format!("http://127.0.0.1:{pds_port}"),
        }
    }

    /// A fresh account: its handle, DID and an app password made for Podium.
    pub fn account(&self, name: &str) -> BskyAccount {
        let n = HANDLES.fetch_add(1, Ordering::SeqCst);
        let handle = format!("{name}{n}-{}.test", std::process::id());
        let password = "correct horse battery staple";
        let created: Value = http()
            .post(format!("{}/xrpc/com.atproto.server.createAccount", self.url))
            .json(&json!({"email": format!("{n}@{name}.test"), "handle": handle, "password": password}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let did = created["did"]
            .as_str()
            .unwrap_or_else(|| panic!("{created}"))
            .to_owned();
        let access = created["accessJwt"].as_str().unwrap().to_owned();
        let app: Value = http()
            .post(format!(
                "{}/xrpc/com.atproto.server.createAppPassword",
                self.url
            ))
            .bearer_auth(&access)
            .json(&json!({"name": "Podium"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        BskyAccount {
            handle,
            did,
            app_password: app["password"]
                .as_str()
                .unwrap_or_else(|| panic!("{app}"))
                .to_owned(),
        }
    }

    /// Every post in an account's repository (newest first), read back from the server.
    pub fn posts(&self, did: &str) -> Vec<Value> {
        let v: Value = http()
            .get(format!("{}/xrpc/com.atproto.repo.listRecords", self.url))
            .query(&[
                ("repo", did),
                ("collection", "app.bsky.feed.post"),
                ("limit", "100"),
            ])
            .send()
            .unwrap()
            .json()
            .unwrap();
        v["records"].as_array().cloned().unwrap_or_default()
    }

    pub fn get_record(&self, did: &str, rkey: &str) -> Value {
        http()
            .get(format!("{}/xrpc/com.atproto.repo.getRecord", self.url))
            .query(&[
                ("repo", did),
                ("collection", "app.bsky.feed.post"),
                ("rkey", rkey),
            ])
            .send()
            .unwrap()
            .json()
            .unwrap()
    }
}

#[derive(Debug, Clone)]
pub struct BskyAccount {
    pub handle: String,
    pub did: String,
    pub app_password: String,
}

// ------------------------------------------------------------------ Mastodon

/// A `mastodon-mock` server of the test's own (its faults and statuses are the test's).
pub struct Mastodon {
    child: Child,
    pub url: String,
}

/// The mock's seeded user and its token.
pub const MOCK_USER: &str = "testuser";
pub const MOCK_TOKEN: &str = "mock_token";

impl Mastodon {
    pub fn start() -> Mastodon {
        let program =
            std::env::var("PODIUM_MASTODON_MOCK").unwrap_or_else(|_| "mastodon_mock".into());
        let port = free_port();
        // `sh` holds the mock and stops it when our stdin closes: the mock never outlives the
        // test process, even when a test panics.
        let mut child = Command::new("sh")
            .args([
                "-c",
                "\"$0\" serve --in-memory --host 127.0.0.1 --port \"$1\" >/dev/null 2>&1 & pid=$!; cat >/dev/null; kill $pid; wait $pid",
            ])
            .arg(&program)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let ok = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            http()
                .get(format!("{url}/api/v2/instance"))
                .send()
                .is_ok_and(|r| r.status().is_success())
        });
        if !ok {
            let _ = child.kill();
            panic!("mastodon-mock ({program}) did not start on {url}: run `cargo xtask test` (it installs it)");
        }
        Mastodon { child, url }
    }

    /// Adds a fault rule (`POST /api/v1/_mock/faults`).
    pub fn fault(&self, rule: Value) {
        let r = http()
            .post(format!("{}/api/v1/_mock/faults", self.url))
            .json(&rule)
            .send()
            .unwrap();
        assert!(
            r.status().is_success(),
            "fault not accepted: {}",
            r.text().unwrap()
        );
    }

    pub fn clear_faults(&self) {
        http()
            .delete(format!("{}/api/v1/_mock/faults", self.url))
            .send()
            .unwrap();
    }

    /// The seeded user's statuses (newest first).
    pub fn statuses(&self) -> Vec<Value> {
        statuses_at(&self.url)
    }

    /// Plays the person in the browser: picks the account on the authorize page, and
    /// follows the redirect to Podium's loopback listener.
    pub fn authorize_in_browser(&self, authorize_url: &str) -> String {
        authorize_in_browser_at(&self.url, authorize_url)
    }
}

/// Runs `podium accounts add …` that prints a sign-in address, plays the browser on it, and
/// returns the new account's id.
pub fn connect_in_browser(db: &Path, args: &[&str], stdin: &str) -> String {
    let args = [args, &["--no-browser"]].concat();
    let mut child = spawn_with(db, &args, &[], Stdio::piped());
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
    }
    let (url, reader) = sign_in_address(&mut child);
    // The browser: the sign-in page redirects to Podium's loopback listener.
    podium_publish::http::install_tls();
    let browser = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(&url).send().unwrap();
    assert_eq!(answer.status().as_u16(), 302, "{url}");
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let page = browser.get(&location).send().unwrap().text().unwrap();
    assert!(page.contains("Podium is connected"), "{page}");
    let out = child.wait_with_output().unwrap();
    let said = reader.join().unwrap();
    assert!(out.status.success(), "{said}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// [`Mastodon::authorize_in_browser`] for the mock at `base`.
pub fn authorize_in_browser_at(base: &str, authorize_url: &str) -> String {
    let url = url::Url::parse(authorize_url).unwrap();
    let q = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let page = http().get(authorize_url).send().unwrap().text().unwrap();
    assert!(
        page.contains(MOCK_USER),
        "the authorize page offers the account: {page}"
    );
    let answer = http()
        .post(format!("{base}/oauth/authorize"))
        .form(&[
            ("username", MOCK_USER.to_owned()),
            ("redirect_uri", q("redirect_uri")),
            ("client_id", q("client_id")),
            ("scope", q("scope")),
            ("state", q("state")),
        ])
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:"),
        "redirects to the loopback: {location}"
    );
    http().get(&location).send().unwrap().text().unwrap()
}

/// The seeded user's statuses on the mock at `base` (newest first).
pub fn statuses_at(base: &str) -> Vec<Value> {
    let me: Value = http()
        .get(format!("{base}/api/v1/accounts/verify_credentials"))
        .bearer_auth(MOCK_TOKEN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = me["id"].as_str().unwrap();
    http()
        .get(format!("{base}/api/v1/accounts/{id}/statuses?limit=40"))
        .bearer_auth(MOCK_TOKEN)
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()
        .as_array()
        .cloned()
        .unwrap()
}

impl Drop for Mastodon {
    /// Stops the server and returns once its port no longer answers.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        let address = self.url.trim_start_matches("http://").to_owned();
        for _ in 0..100 {
            if TcpStream::connect(&address).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

// ------------------------------------------------------------------ proxy

/// A TCP proxy in front of a server: it can hold back every answer (`delay`), and answer a
/// chosen request itself with a 503 instead of forwarding it (`fail`).
pub struct Proxy {
    pub url: String,
    delay_ms: Arc<AtomicU64>,
    /// (text the request line must contain, requests to let through first, how many to fail)
    fail: Arc<Mutex<Option<(String, usize, usize)>>>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let delay_ms = Arc::new(AtomicU64::new(0));
        let fail: Arc<Mutex<Option<(String, usize, usize)>>> = Arc::new(Mutex::new(None));
        let (d, f) = (delay_ms.clone(), fail.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (up, d, f) = (upstream.clone(), d.clone(), f.clone());
                std::thread::spawn(move || relay(client, &up, &d, &f));
            }
        });
        Proxy {
            url,
            delay_ms,
            fail,
        }
    }

    pub fn set_delay(&self, d: Duration) {
        self.delay_ms.store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Answers the request after `skip` matching ones with a 503, `times` times.
    pub fn fail(&self, matching: &str, skip: usize, times: usize) {
        *self.fail.lock().unwrap() = Some((matching.to_owned(), skip, times));
    }
}

fn relay(
    mut client: TcpStream,
    upstream: &str,
    delay: &AtomicU64,
    fail: &Mutex<Option<(String, usize, usize)>>,
) {
    // One request per connection: read the head (and body by content-length), decide, forward.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head_text = String::from_utf8_lossy(&head).to_string();
    let length = head_text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    if client.read_exact(&mut body).is_err() {
        return;
    }
    let request_line = head_text.lines().next().unwrap_or("").to_owned();
    {
        let mut rule = fail.lock().unwrap();
        if let Some((matching, skip, times)) = rule.as_mut() {
            if request_line.contains(matching.as_str()) {
                if *skip > 0 {
                    *skip -= 1;
                } else if *times > 0 {
                    *times -= 1;
                    let body = r#"{"error":"Service Unavailable"}"#;
                    let _ = write!(client, "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                    return;
                }
            }
        }
    }
    // Forward with `connection: close` so the answer ends with the connection.
    let head_text = head_text
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let head_text = format!("{}\r\nconnection: close\r\n\r\n", head_text.trim_end());
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    if server.write_all(head_text.as_bytes()).is_err() || server.write_all(&body).is_err() {
        return;
    }
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    let wait = delay.load(Ordering::SeqCst);
    if wait > 0 {
        std::thread::sleep(Duration::from_millis(wait));
    }
    let _ = client.write_all(&answer);
}

// ------------------------------------------------------------------ the CLI

pub fn podium_bin() -> String {
    // `PODIUM_TEST_CLI` runs another build (a copy, while the shared target folder changes);
    // otherwise the CLI's own tests run the binary cargo built. The app's end-to-end tests use
    // the servers only.
    std::env::var("PODIUM_TEST_CLI").unwrap_or_else(|_| {
        option_env!("CARGO_BIN_EXE_podium")
            .unwrap_or("podium")
            .to_owned()
    })
}

/// Runs `podium --db DB args…` with `stdin`, and returns its output.
pub fn podium(db: &Path, args: &[&str], stdin: &str) -> Output {
    podium_env(db, args, stdin, &[])
}

pub fn podium_env(db: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(podium_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Like [`podium`], and the command must succeed; its stdout.
pub fn ok(db: &Path, args: &[&str], stdin: &str) -> String {
    let out = podium(db, args, stdin);
    assert!(
        out.status.success(),
        "podium {args:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Starts `podium` in the background (to kill it mid-publish).
pub fn spawn(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    spawn_with(db, args, env, Stdio::null())
}

/// As [`spawn`], with `stdin` of the test's choosing (piped, to answer the CLI's prompts).
pub fn spawn_with(db: &Path, args: &[&str], env: &[(&str, &str)], stdin: Stdio) -> Child {
    Command::new(podium_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .envs(env.iter().copied())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The first sign-in address `child` prints on stderr, and the whole of its stderr once it is
/// done. Its stderr is read to the end in the background, so the CLI's last words never meet a
/// closed pipe.
pub fn sign_in_address(child: &mut Child) -> (String, std::thread::JoinHandle<String>) {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim().starts_with("http") {
                let _ = tx.send(line.trim().to_owned());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the sign-in address is printed");
    (url, reader)
}

/// Waits until the child's stderr has a line containing `text`.
pub fn wait_for_stderr(child: &mut Child, text: &str) {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let text = text.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&text) {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the publisher reached the step");
}

pub fn queue(db: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(db, &["queue", "--json"], ""))
        .unwrap()
        .as_array()
        .cloned()
        .unwrap()
}

// ------------------------------------------------------------------ drafts and the queue

/// The database file in a test's folder.
pub fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("podium.sqlite3")
}

/// `podium drafts add [extra…]` with `text`: the new draft's id.
pub fn draft(db: &Path, text: &str, extra: &[&str]) -> String {
    let mut args = vec!["drafts", "add"];
    args.extend_from_slice(extra);
    ok(db, &args, text)
}

/// Schedules `draft` on `account` one second ago (due now): the entry's id.
pub fn schedule_now(db: &Path, draft: &str, account: &str) -> String {
    let at = (chrono::Utc::now() - chrono::Duration::seconds(1)).to_rfc3339();
    ok(
        db,
        &["schedule", draft, "--account", account, "--at", &at],
        "",
    )
}

/// One entry of `podium queue --json`.
pub fn entry(db: &Path, id: &str) -> Value {
    queue(db)
        .into_iter()
        .find(|e| e["id"] == id)
        .expect("the entry is in the queue")
}

/// One account of `podium accounts list --json`.
pub fn account(db: &Path, id: &str) -> Value {
    let all: Value = serde_json::from_str(&ok(db, &["accounts", "list", "--json"], "")).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .expect("the account is listed")
        .clone()
}

/// A text field of an account.
pub fn account_field(db: &Path, id: &str, field: &str) -> String {
    account(db, id)[field].as_str().unwrap().to_owned()
}

/// A page on this computer with OpenGraph tags and a preview image (the window's tests serve
/// the same page): `serve_article()`, `TITLE`, `DESCRIPTION`.
#[path = "../../../../tests/support/article.rs"]
mod article;
#[allow(unused_imports)] // not every test binary serves the article
pub use article::{serve_article, DESCRIPTION as ARTICLE_DESCRIPTION, TITLE as ARTICLE_TITLE};
