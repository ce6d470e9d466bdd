//! Approval across two devices and the real `podium-hub` on 127.0.0.1, through `podium` as a
//! person drives it: the assistant schedules, the executive approves or sends back, an edit
//! puts a post up for approval again, comments travel, and a modified assistant's client that
//! approves is refused by the hub and rolled back.
//!
//! They need the `podium-hub` binary (see crates/sync/tests/support/hub.rs) and a keyring (the
//! device token lives there): `cargo xtask test` runs them in a D-Bus session with gnome-keyring.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../sync/tests/support/hub.rs"]
mod hub;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use podium_core::text::check::Network;
use podium_store::{NewAccount, Store};
use serde_json::Value;

use hub::HubProcess;

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

struct Device {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Device {
    fn join(hub: &HubProcess, name: &str, role: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("podium.sqlite3");
        let code = hub.invite(name, role);
        ok(podium(
            &db,
            &["team", "join", &hub.url, &code, "--device-name", name],
            "",
        ));
        Device { _dir: dir, db }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        podium(&self.db, args, stdin)
    }

    fn sync(&self) -> Value {
        serde_json::from_str(&ok(self.run(&["sync", "--json"], ""))).unwrap()
    }

    /// Connects the leader's Mastodon account here (the sign-in itself is not what is tested:
    /// the account row is written as connecting writes it).
    fn connect(&self) -> String {
        let mut store = Store::open(&self.db).unwrap();
        store
            .add_account(NewAccount {
                network: Some(Network::Mastodon),
                handle: "@kari@example.social".into(),
                service: "https://example.social".into(),
                remote_id: "42".into(),
                credential_ref: "mastodon:kari".into(),
                zone: "Europe/Oslo".into(),
                ..NewAccount::default()
            })
            .unwrap()
            .id
    }

    fn entry(&self, id: &str) -> Value {
        let queue: Value = serde_json::from_str(&ok(self.run(&["queue", "--json"], ""))).unwrap();
        queue
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no entry {id} in {queue:#}"))
    }
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn the_assistant_schedules_the_executive_approves_and_an_edit_puts_it_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let kari = Device::join(&hub, "Kari", "executive");
    let anne = Device::join(&hub, "Anne", "assistant");
    let account = kari.connect();
    kari.sync();
    anne.sync();
    // Anne connects the same account on her machine (her own sign-in); Kari still owns it.
    assert_eq!(anne.connect(), account);

    let draft = ok(anne.run(&["drafts", "add"], "Lytt først. Bestem etterpå.\n"))
        .trim()
        .to_owned();
    let entry = ok(anne.run(
        &[
            "schedule",
            &draft,
            "--account",
            &account,
            "--at",
            "2030-01-07T08:30:00+01:00",
        ],
        "",
    ));
    let entry = entry
        .lines()
        .find(|l| l.len() == 36)
        .unwrap_or_else(|| panic!("an entry id in {entry}"))
        .trim()
        .to_owned();
    let e = anne.entry(&entry);
    assert_eq!(e["approval"], "awaiting");
    assert_eq!(e["scheduled_by"], "Anne");
    assert_eq!(e["draft_id"], draft.as_str());

    // On her device, approving or sending back says why not, and exits 2.
    let out = anne.run(&["queue", "approve", &entry], "");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("only an executive"), "{said}");
    let out = anne.run(
        &["queue", "request-changes", &entry, "--comment", "ok?"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only an executive"));

    anne.sync();
    kari.sync();
    let e = kari.entry(&entry);
    assert_eq!(e["approval"], "awaiting");
    assert_eq!(e["may_approve"], true);
    ok(kari.run(&["queue", "approve", &entry], ""));
    kari.sync();
    anne.sync();
    let e = anne.entry(&entry);
    assert_eq!(e["approval"], "approved");
    assert_eq!(e["approved_by"], "Kari");

    // Anne edits the approved post: it awaits approval again, on both devices.
    ok(anne.run(&["drafts", "edit", &draft], "Lytt først. Bestem så.\n"));
    assert_eq!(anne.entry(&entry)["approval"], "awaiting");
    anne.sync();
    kari.sync();
    assert_eq!(kari.entry(&entry)["approval"], "awaiting");

    // Kari sends it back with a comment; Anne answers in the thread.
    ok(kari.run(
        &[
            "queue",
            "request-changes",
            &entry,
            "--comment",
            "Nevn teamet.",
        ],
        "",
    ));
    kari.sync();
    anne.sync();
    let e = anne.entry(&entry);
    assert_eq!(e["approval"], "changes_requested");
    assert_eq!(e["approval_note"], "Nevn teamet.");
    ok(anne.run(&["drafts", "comment", &draft], "Fikset – se nå.\n"));
    anne.sync();
    kari.sync();
    let comments: Value =
        serde_json::from_str(&ok(kari.run(&["drafts", "comments", &draft, "--json"], ""))).unwrap();
    let said: Vec<(&str, &str)> = comments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["author"].as_str().unwrap(), c["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        said,
        [("Kari", "Nevn teamet."), ("Anne", "Fikset – se nå.")]
    );

    // Kari approves and edits it herself: it stays approved, here and on Anne's device.
    ok(kari.run(&["queue", "approve", &entry], ""));
    ok(kari.run(
        &["drafts", "edit", &draft],
        "Lytt først. Bestem så – sammen med teamet.\n",
    ));
    assert_eq!(kari.entry(&entry)["approval"], "approved");
    kari.sync();
    anne.sync();
    assert_eq!(anne.entry(&entry)["approval"], "approved");
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_modified_assistants_client_that_approves_is_refused_and_rolled_back_to_the_hubs_copy() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let kari = Device::join(&hub, "Kari", "executive");
    let anne = Device::join(&hub, "Anne", "assistant");
    let account = kari.connect();
    kari.sync();
    anne.sync();
    anne.connect();
    let draft = ok(anne.run(&["drafts", "add"], "Godt nytt år!\n"))
        .trim()
        .to_owned();
    let out = ok(anne.run(
        &[
            "schedule",
            &draft,
            "--account",
            &account,
            "--at",
            "2030-01-01T00:00:00+01:00",
        ],
        "",
    ));
    let entry = out.lines().find(|l| l.len() == 36).unwrap().to_owned();
    anne.sync();

    // What a modified client does: approve in its own database and log it for the hub.
    {
        let store = Store::open(&anne.db).unwrap();
        let conn = store.connection();
        let node: String = conn
            .query_row(
                "SELECT device FROM changes ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE outbox SET approval = 'approved', approved_by = 'Anne' WHERE id = ?1",
            [&entry],
        )
        .unwrap();
        let stamp = podium_core::clock::Stamp {
            wall_ms: chrono::Utc::now().timestamp_millis() as u64,
            counter: 0,
            node: u64::from_str_radix(&node, 16).unwrap_or(7),
        };
        conn.execute(
            "INSERT INTO changes (entity, entity_id, op, rev, hlc, fields, device)
             VALUES ('outbox', ?1, 'update', 0, ?2, ?3, ?4)",
            [
                entry.as_str(),
                &stamp.to_string(),
                r#"{"approval": "approved", "approved_by": "Anne"}"#,
                &node,
            ],
        )
        .unwrap();
    }
    assert_eq!(anne.entry(&entry)["approval"], "approved");
    let out = anne.run(&["sync", "--json"], "");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    let round: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(round["forbidden"], 1, "{round}");
    assert!(said.contains("only an executive"), "{said}");
    let e = anne.entry(&entry);
    assert_eq!(e["approval"], "awaiting", "rolled back to the hub's copy");
    assert_eq!(e["approved_by"], Value::Null);
    // Nothing waits to be pushed again, and Kari never saw it approved.
    assert_eq!(anne.sync()["forbidden"], 0);
    kari.sync();
    assert_eq!(kari.entry(&entry)["approval"], "awaiting");
}
