//! A real `podium-hub` for the team tests: SQLite in a folder of its own, on a free port of
//! 127.0.0.1, stopped (and started again on the same address) as a person unplugging it would.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The hub binary: `$PODIUM_HUB`, else `podium-hub` beside the app binary cargo built.
pub fn hub_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PODIUM_HUB") {
        return PathBuf::from(path);
    }
    let app = PathBuf::from(super::app_binary());
    let dir = app.parent().map(PathBuf::from).unwrap_or_default();
    let dir = if dir.ends_with("deps") {
        dir.parent().map(PathBuf::from).unwrap_or(dir)
    } else {
        dir
    };
    dir.join("podium-hub")
}

/// A running hub; stopped when dropped.
pub struct Hub {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`, what devices join.
    pub url: String,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Hub {
    /// Starts a hub with an empty SQLite database on a free port.
    pub fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.db");
        let (child, url) = serve(&db, "127.0.0.1:0");
        Hub {
            child: Some(child),
            url,
            db,
            _dir: dir,
        }
    }

    /// A one-time invite code for a new member (`role`: executive or assistant).
    pub fn invite(&self, name: &str, role: &str) -> String {
        let out = Command::new(hub_binary())
            .args(["invite", "--name", name, "--role", role, "--db"])
            .arg(&self.db)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", hub_binary().display()));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "podium-hub invite failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
            .lines()
            .last()
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| panic!("podium-hub invite printed no code"))
    }

    /// Stops the hub, as a cut cable or a server going down would (devices go offline).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the hub again on the same address and database.
    pub fn restart(&mut self) {
        self.stop();
        let listen = self.url.trim_start_matches("http://").to_owned();
        let (child, url) = serve(&self.db, &listen);
        assert_eq!(url, self.url, "the hub came back on another address");
        self.child = Some(child);
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `podium-hub serve` and waits for its `listening on http://ADDR` line.
fn serve(db: &std::path::Path, listen: &str) -> (Child, String) {
    let mut child = Command::new(hub_binary())
        .args(["serve", "--db"])
        .arg(db)
        .args(["--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}): build it (cargo build -p podium-hub) or set PODIUM_HUB",
                hub_binary().display()
            )
        });
    let stdout = child.stdout.take().unwrap();
    let (lines, heard) = mpsc::channel();
    // Reads the hub's output to its end, so a full pipe never stops it.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    loop {
        match heard.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => {
                if let Some(at) = line.find("listening on ") {
                    let url = line[at + "listening on ".len()..].trim().to_owned();
                    return (child, url);
                }
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("podium-hub serve did not say where it listens ({e})");
            }
        }
    }
}
