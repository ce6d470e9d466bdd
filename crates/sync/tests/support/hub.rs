//! The real `podium-hub` on 127.0.0.1, for the device-side tests: started on a free port with
//! its own SQLite file, stopped (or killed) by the test. Shared by podium-sync's and the CLI's
//! tests (`#[path]`-included).
//!
//! The binary is `PODIUM_HUB` when set, else `podium-hub` beside the test's own target folder
//! (`target/debug/podium-hub`: `cargo build -p podium-hub` or `cargo xtask test` builds it).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The hub binary the tests run.
pub fn hub_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("PODIUM_HUB") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("the test's own path");
    // target/debug/deps/<test> → target/debug/podium-hub
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let hub = dir.join(format!("podium-hub{}", std::env::consts::EXE_SUFFIX));
    assert!(
        hub.exists(),
        "{} is missing: build it first (cargo build -p podium-hub), or set PODIUM_HUB",
        hub.display()
    );
    hub
}

/// A running hub.
pub struct HubProcess {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub db: PathBuf,
    port: u16,
    /// `--tls-cert` and `--tls-key`, when it serves https itself.
    tls: Option<(PathBuf, PathBuf)>,
}

impl HubProcess {
    /// Starts a hub on a free port with the SQLite file `db` (made when missing).
    pub fn start(db: &Path) -> HubProcess {
        Self::start_on(db, "127.0.0.1:0", None)
    }

    /// Starts a hub that serves https with the certificate and key (PEM files) given.
    pub fn start_tls(db: &Path, cert: &Path, key: &Path) -> HubProcess {
        Self::start_on(db, "127.0.0.1:0", Some((cert.to_owned(), key.to_owned())))
    }

    fn start_on(db: &Path, listen: &str, tls: Option<(PathBuf, PathBuf)>) -> HubProcess {
        let mut command = Command::new(hub_binary());
        command
            .args(["serve", "--db"])
            .arg(db)
            .args(["--listen", listen]);
        if let Some((cert, key)) = &tls {
            command
                .arg("--tls-cert")
                .arg(cert)
                .arg("--tls-key")
                .arg(key);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("podium-hub starts");
        let stdout = child.stdout.take().expect("the hub's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(addr) = line.trim().strip_prefix("listening on ") {
                        let _ = tx.send(addr.trim().to_owned());
                        sent = true;
                    }
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the hub prints `listening on http://ADDR` within 30 s");
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .expect("the printed address has a port");
        HubProcess {
            child: Some(child),
            url: url.trim_end_matches('/').to_owned(),
            db: db.to_owned(),
            port,
            tls,
        }
    }

    /// A one-time invite code for a new member `name` with `role` (`executive`/`assistant`):
    /// the last line `podium-hub invite` prints (it runs while `serve` does, on the same file).
    pub fn invite(&self, name: &str, role: &str) -> String {
        let out = Command::new(hub_binary())
            .args(["invite", "--name", name, "--role", role, "--db"])
            .arg(&self.db)
            .output()
            .expect("podium-hub invite runs");
        assert!(
            out.status.success(),
            "podium-hub invite failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("the code on the last line")
            .trim()
            .to_owned()
    }

    /// Kills the hub at once (SIGKILL), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the hub again on the same port and file (after [`kill`]).
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The port may linger for a moment after the kill.
            if std::net::TcpListener::bind(("127.0.0.1", self.port)).is_ok()
                || Instant::now() > deadline
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let again = Self::start_on(
            &self.db,
            &format!("127.0.0.1:{}", self.port),
            self.tls.clone(),
        );
        assert_eq!(again.url, self.url, "the hub came back on its old address");
        *self = again;
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A self-signed certificate and its key for `127.0.0.1` (PEM files in `dir`), made with the
/// `openssl` command.
pub fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("hub-cert.pem");
    let key = dir.join("hub-key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl made a certificate");
    (cert, key)
}
