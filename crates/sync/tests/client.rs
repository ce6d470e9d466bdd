//! The hub client against the real `podium-hub` on 127.0.0.1, without a store or a keyring:
//! joining with a one-time code, an old protocol, a stamp from the far future, a replayed push,
//! a revoked device, and a self-signed hub trusted through the pin its invite code carries.
//!
//! They need the `podium-hub` binary (see support/hub.rs): `cargo xtask test` builds it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/hub.rs"]
mod hub;

use chrono::Utc;
use podium_core::sync::{Change, ErrorCode, InviteCode, Op, PushStatus, Role};
use podium_sync::{Error, Hub};
use serde_json::{Map, Value};

use hub::HubProcess;

fn hub() -> (tempfile::TempDir, HubProcess) {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    (dir, hub)
}

/// A device's client: joined with a fresh code for member `name`.
fn device(hub: &HubProcess, name: &str) -> Hub {
    let code = hub.invite(name, "assistant");
    let client = Hub::new(&hub.url, None).unwrap();
    let answer = client.join(&code, &format!("{name}'s laptop")).unwrap();
    client.with_token(answer.token)
}

/// A draft insert stamped `wall_ms`, from node `node`.
fn insert(wall_ms: u64, node: u64, text: &str) -> Change {
    let mut fields = Map::new();
    fields.insert("text".into(), Value::from(text));
    fields.insert("state".into(), Value::from("draft"));
    Change {
        entity: "draft".into(),
        id: format!("01900000-0000-7000-8000-{node:012x}"),
        op: Op::Insert,
        hlc: format!("{wall_ms:013}-0000-{node:016x}"),
        fields,
        base: Some(0),
    }
}

fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap()
}

#[test]
#[ignore = "needs the podium-hub binary: run `cargo xtask test`"]
fn a_code_joins_one_device_once_and_the_hub_says_who_it_belongs_to() {
    let (_d, hub) = hub();
    let client = Hub::new(&hub.url, None).unwrap();
    let hello = client.hello().unwrap();
    assert_eq!(hello.protocol, podium_core::sync::PROTOCOL_VERSION);
    let code = hub.invite("Kari", "executive");
    let answer = client.join(&code, "Kari's laptop").unwrap();
    assert_eq!(answer.workspace, hello.workspace);
    assert_eq!(answer.member.name, "Kari");
    assert_eq!(answer.member.role, Role::Executive);
    assert!(!answer.token.is_empty());
    match client.join(&code, "Another laptop") {
        Err(Error::BadCode) => {}
        other => panic!("a used code is refused, got {other:?}"),
    }
    let members = client.with_token(answer.token).members().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].devices[0].id, answer.device_id);
}

#[test]
#[ignore = "needs the podium-hub binary: run `cargo xtask test`"]
fn an_old_protocol_is_told_to_update_and_stores_nothing() {
    let (_d, hub) = hub();
    let a = device(&hub, "Kari");
    let b = device(&hub, "Ola");
    let old = a.clone().speaking(0);
    match old.push(&[insert(now_ms(), 1, "From an old Podium")]) {
        Err(Error::UpdateRequired) => {}
        other => panic!("expected update required, got {other:?}"),
    }
    assert!(matches!(old.pull(0, 10, None), Err(Error::UpdateRequired)));
    assert!(b.pull(0, 10, None).unwrap().changes.is_empty());
    assert!(Error::UpdateRequired.to_string().contains("update Podium"));
}

#[test]
#[ignore = "needs the podium-hub binary: run `cargo xtask test`"]
fn a_stamp_from_the_far_future_is_refused_and_reaches_no_device() {
    let (_d, hub) = hub();
    let a = device(&hub, "Kari");
    let b = device(&hub, "Ola");
    let year_ms = 365 * 24 * 3_600_000;
    let answer = a
        .push(&[insert(now_ms() + year_ms, 2, "From next year")])
        .unwrap();
    assert_eq!(answer.results[0].status, PushStatus::Refused);
    assert_eq!(answer.results[0].code, Some(ErrorCode::ClockAhead));
    assert!(b.pull(0, 10, None).unwrap().changes.is_empty());
}

#[test]
#[ignore = "needs the podium-hub binary: run `cargo xtask test`"]
fn a_replayed_push_answers_duplicate_and_is_pulled_once() {
    let (_d, hub) = hub();
    let a = device(&hub, "Kari");
    let b = device(&hub, "Ola");
    let changes = [
        insert(now_ms(), 3, "Said once"),
        insert(now_ms(), 4, "And again"),
    ];
    let first = a.push(&changes).unwrap();
    assert!(first
        .results
        .iter()
        .all(|r| r.status == PushStatus::Accepted));
    let again = a.push(&changes).unwrap();
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == PushStatus::Duplicate),
        "{:?}",
        again.results
    );
    let page = b.pull(0, 10, None).unwrap();
    assert_eq!(page.changes.len(), 2);
    assert!(!page.more);
    // The same page asked for again is the same page: pulling is safe to repeat.
    assert_eq!(b.pull(0, 10, None).unwrap().changes, page.changes);
}

#[test]
#[ignore = "needs the podium-hub binary: run `cargo xtask test`"]
fn a_revoked_device_is_told_it_was_revoked_and_how_to_come_back() {
    let (_d, hub) = hub();
    let a = device(&hub, "Kari");
    let id = a.members().unwrap()[0].devices[0].id.clone();
    a.revoke(&id).unwrap();
    match a.pull(0, 10, None) {
        Err(e @ Error::Revoked) => assert!(e.to_string().contains("new invite code"), "{e}"),
        other => panic!("expected revoked, got {other:?}"),
    }
    assert!(matches!(
        a.push(&[insert(now_ms(), 5, "After")]),
        Err(Error::Revoked)
    ));
}

#[test]
#[ignore = "needs the podium-hub binary and openssl: run `cargo xtask test`"]
fn a_self_signed_hub_is_trusted_through_the_pin_in_its_invite_code_and_only_that() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = hub::self_signed(dir.path());
    let hub = HubProcess::start_tls(&dir.path().join("hub.db"), &cert, &key);
    assert!(hub.url.starts_with("https://"), "{}", hub.url);
    let code: InviteCode = hub.invite("Kari", "executive").parse().unwrap();
    let pin = code
        .pin
        .clone()
        .expect("a self-signed hub's code carries its pin");
    // With the pin: joins.
    let pinned = Hub::new(&hub.url, Some(&pin)).unwrap();
    let answer = pinned.join(&code.to_string(), "Kari's laptop").unwrap();
    assert_eq!(answer.member.name, "Kari");
    // Without it, the system's authorities do not vouch for the certificate: refused.
    let unpinned = Hub::new(&hub.url, None).unwrap();
    assert!(matches!(unpinned.hello(), Err(Error::Unreachable { .. })));
    // With another certificate's pin (another server answering): refused.
    let wrong = Hub::new(&hub.url, Some(&"0".repeat(64))).unwrap();
    match wrong.hello() {
        Err(Error::Unreachable { why, .. }) => {
            assert!(why.contains("certificate"), "{why}");
        }
        other => panic!("expected a refused certificate, got {other:?}"),
    }
}
