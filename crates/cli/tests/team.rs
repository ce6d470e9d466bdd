//! Two devices (two databases) and the real `podium-hub` on 127.0.0.1, driven through `podium`
//! as a person (or another program) drives it: `team join`, `sync`, `drafts edit`,
//! `drafts list --json`, `team status --json`.
//!
//! They need the `podium-hub` binary (see crates/sync/tests/support/hub.rs) and a keyring (the
//! device token lives there): `cargo xtask test` runs them in a D-Bus session with gnome-keyring.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../sync/tests/support/hub.rs"]
mod hub;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use hub::HubProcess;

/// `podium --db DB args…` with `stdin`.
fn podium(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podium"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the podium binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("podium finishes")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "podium failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> Value {
    serde_json::from_str(&ok(out)).expect("JSON on stdout")
}

/// A device: a database in its own folder, joined to the hub's team.
struct Device {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Device {
    fn join(hub: &HubProcess, name: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("podium.sqlite3");
        let code = hub.invite(name, "executive");
        let out = ok(podium(
            &db,
            &["team", "join", &hub.url, &code, "--device-name", name],
            "",
        ));
        assert!(out.contains("joined"), "{out}");
        Device { _dir: dir, db }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        podium(&self.db, args, stdin)
    }

    fn sync(&self) -> Value {
        json(self.run(&["sync", "--json"], ""))
    }

    fn list(&self) -> Vec<Value> {
        let list = json(self.run(&["drafts", "list", "--json"], ""));
        let mut items = list.as_array().unwrap().clone();
        items.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        items
    }

    fn text_of(&self, id: &str) -> String {
        self.list()
            .iter()
            .find(|d| d["id"] == id)
            .map(|d| d["text"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn two_devices_converge_through_podium_sync_a_then_b_then_a() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let a = Device::join(&hub, "Kari");
    let b = Device::join(&hub, "Ola");

    let id = ok(a.run(
        &["drafts", "add"],
        "Culture eats strategy. Listen first. Decide later.\n",
    ))
    .trim()
    .to_owned();
    let round = a.sync();
    assert!(round["pushed"].as_u64().unwrap() >= 1, "{round}");
    assert_eq!(
        round["pulled"], 0,
        "its own changes coming back are not news: {round}"
    );
    assert_eq!(round["conflicts"], 0);
    let round = b.sync();
    assert!(round["pulled"].as_u64().unwrap() >= 1, "{round}");
    assert_eq!(
        b.text_of(&id),
        "Culture eats strategy. Listen first. Decide later."
    );
    assert_eq!(b.list()[0]["conflict_of"], Value::Null);

    // Offline edits to different sentences merge into one text on both.
    ok(a.run(
        &["drafts", "edit", &id],
        "Culture eats strategy for breakfast. Listen first. Decide later.\n",
    ));
    ok(b.run(
        &["drafts", "edit", &id],
        "Culture eats strategy. Listen first. Decide together.\n",
    ));
    a.sync();
    b.sync();
    a.sync();
    let merged = "Culture eats strategy for breakfast. Listen first. Decide together.";
    assert_eq!(a.text_of(&id), merged);
    assert_eq!(b.text_of(&id), merged);
    assert_eq!(a.list(), b.list());

    let status = json(a.run(&["team", "status", "--json"], ""));
    assert_eq!(status["joined"], true);
    assert_eq!(status["member"], "Kari");
    assert_eq!(status["pending"], 0);
    assert!(status["last_synced_at"].is_string(), "{status}");
    let members = json(b.run(&["team", "members", "--json"], ""));
    let mut names: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Kari", "Ola"]);
    assert_eq!(members[0]["devices"].as_array().unwrap().len(), 1);
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_true_conflict_shows_exactly_one_conflict_copy_in_drafts_list_json_on_both_devices() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let a = Device::join(&hub, "Kari");
    let b = Device::join(&hub, "Ola");
    let id = ok(a.run(&["drafts", "add"], "We launch on Monday.\n"))
        .trim()
        .to_owned();
    a.sync();
    b.sync();
    ok(a.run(&["drafts", "edit", &id], "We launch on Tuesday.\n"));
    ok(b.run(&["drafts", "edit", &id], "We launch on Friday.\n"));
    a.sync();
    let round = b.sync();
    assert_eq!(round["conflicts"], 1, "{round}");
    a.sync();
    for device in [&a, &b] {
        let list = device.list();
        assert_eq!(list.len(), 2, "{list:?}");
        let original = list.iter().find(|d| d["id"] == id.as_str()).unwrap();
        assert_eq!(original["text"], "We launch on Tuesday.");
        assert_eq!(original["conflict_of"], Value::Null);
        let copies: Vec<_> = list
            .iter()
            .filter(|d| !d["conflict_of"].is_null())
            .collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0]["conflict_of"], id.as_str());
        assert_eq!(copies[0]["text"], "We launch on Friday.");
    }
    let status = json(b.run(&["team", "status", "--json"], ""));
    assert_eq!(status["conflicts"], 1);
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn sync_exits_2_with_the_reason_when_the_hub_cannot_be_reached_and_the_edit_waits() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = HubProcess::start(&dir.path().join("hub.db"));
    let a = Device::join(&hub, "Kari");
    let b = Device::join(&hub, "Ola");
    hub.kill();
    let id = ok(a.run(&["drafts", "add"], "Typed on the train.\n"))
        .trim()
        .to_owned();
    let out = a.run(&["sync"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot be reached") && err.contains(&hub.url),
        "{err}"
    );
    let out = a.run(&["sync", "--json"], "");
    assert_eq!(out.status.code(), Some(2));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["error"], "unreachable");
    let status = json(a.run(&["team", "status", "--json"], ""));
    assert!(status["offline_since"].is_string(), "{status}");
    assert!(status["pending"].as_u64().unwrap() >= 1, "{status}");
    // The hub is back: the edit typed offline reaches the other device.
    hub.restart();
    a.sync();
    b.sync();
    assert_eq!(b.text_of(&id), "Typed on the train.");
    let status = json(a.run(&["team", "status", "--json"], ""));
    assert_eq!(status["offline_since"], Value::Null);
}

#[test]
fn sync_without_a_team_exits_2_and_says_how_to_join() {
    let dir = tempfile::tempdir().unwrap();
    let out = podium(&dir.path().join("podium.sqlite3"), &["sync"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("podium team join"), "{err}");
    let status = json(podium(
        &dir.path().join("podium.sqlite3"),
        &["team", "status", "--json"],
        "",
    ));
    assert_eq!(status["joined"], false);
}
