//! The team's roles as the real `podium-hub` enforces them, on SQLite and on PostgreSQL: changes
//! forged at the protocol level (a modified client pushing what its member may not do) are
//! refused with the reason and the hub's copy, never enter the log, and the audit trail names
//! who did what from the authenticated requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use podium_core::reason::Reason;
use podium_core::sync::{AuditEvent, Change, ErrorCode, Op, PushResult, PushStatus};
use reqwest::Method;
use serde_json::{json, Value};
use support::{hub_bin, invite, join, now, stamp, start_hub, Device};

fn row(entity: &str, id: &str, op: Op, hlc: String, fields: Value) -> Change {
    Change {
        entity: entity.into(),
        id: id.into(),
        op,
        hlc,
        fields: fields.as_object().cloned().unwrap_or_default(),
        base: None,
    }
}

async fn one(device: &Device, change: Change) -> PushResult {
    device.push(&[change]).await.results.remove(0)
}

fn refused_because(result: &PushResult) -> Reason {
    assert_eq!(result.status, PushStatus::Refused, "{result:?}");
    assert_eq!(result.code, Some(ErrorCode::Forbidden));
    serde_json::from_value(result.reason.clone().expect("a reason")).expect("a known reason")
}

async fn forged_changes_are_refused_and_the_audit_trail_names_who_did_what(db: Vec<String>) {
    let args: Vec<&str> = db.iter().map(String::as_str).collect();
    let hub = start_hub(&args);
    let kari = join(
        &hub.url,
        &invite(&args, "Kari", "executive"),
        "Kari's laptop",
    )
    .await;
    let anne = join(
        &hub.url,
        &invite(&args, "Anne", "assistant"),
        "Anne's laptop",
    )
    .await;
    let ola = join(&hub.url, &invite(&args, "Ola", "executive"), "Ola's laptop").await;
    let t = now();

    // Kari connects the account (she owns it); Anne writes a draft and schedules it.
    let account = row(
        "account",
        "acc-1",
        Op::Insert,
        stamp(t, 0, 1),
        json!({"network": "mastodon", "handle": "@kari", "owner": "Kari", "owner_role": "executive"}),
    );
    assert_eq!(one(&kari, account).await.status, PushStatus::Accepted);
    let draft = row(
        "draft",
        "d-1",
        Op::Insert,
        stamp(t, 0, 2),
        json!({"text": "Lytt først."}),
    );
    assert_eq!(one(&anne, draft).await.status, PushStatus::Accepted);
    let scheduled = row(
        "outbox",
        "e-1",
        Op::Insert,
        stamp(t, 1, 2),
        json!({"draft_id": "d-1", "account_id": "acc-1", "state": "queued",
               "approval": "awaiting", "scheduled_by": "Anne"}),
    );
    assert_eq!(one(&anne, scheduled).await.status, PushStatus::Accepted);

    // Her modified client approves: refused, with why and the hub's copy to go back to.
    let forged = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 2, 2),
        json!({"approval": "approved", "approved_by": "Anne"}),
    );
    let answer = one(&anne, forged).await;
    assert_eq!(refused_because(&answer), Reason::OnlyExecutivesApprove {});
    let copy = answer.current.expect("the hub's copy");
    assert!(copy.exists);
    assert_eq!(copy.fields["approval"]["value"], "awaiting");
    assert!(!copy.fields.contains_key("approved_by"));

    // Requesting changes, or inserting a post already approved, is refused the same way.
    let sent_back = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 3, 2),
        json!({"approval": "changes_requested"}),
    );
    assert_eq!(
        refused_because(&one(&anne, sent_back).await),
        Reason::OnlyExecutivesApprove {}
    );
    let approved_insert = row(
        "outbox",
        "e-2",
        Op::Insert,
        stamp(t, 4, 2),
        json!({"draft_id": "d-1", "account_id": "acc-1", "state": "queued"}),
    );
    let answer = one(&anne, approved_insert).await;
    assert_eq!(refused_because(&answer), Reason::OnlyExecutivesApprove {});
    assert!(!answer.current.expect("the hub's copy").exists);

    // Another leader cannot approve in Kari's name, nor anyone sign as someone else.
    let ola_approves = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 0, 3),
        json!({"approval": "approved", "approved_by": "Ola"}),
    );
    assert_eq!(
        refused_because(&one(&ola, ola_approves).await),
        Reason::NotYourAccount {
            owner: "Kari".into()
        }
    );
    let as_kari = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 1, 3),
        json!({"approval": "approved", "approved_by": "Kari"}),
    );
    assert!(matches!(
        refused_because(&one(&ola, as_kari).await),
        Reason::HubForbade { .. }
    ));

    // Kari approves her own post; an assistant may still send it back to awaiting (an edit).
    let approves = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 1, 1),
        json!({"approval": "approved", "approved_by": "Kari", "approved_fp": "v1:00"}),
    );
    assert_eq!(one(&kari, approves).await.status, PushStatus::Accepted);
    let back = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 5, 2),
        json!({"approval": "awaiting"}),
    );
    assert_eq!(one(&anne, back).await.status, PushStatus::Accepted);
    let sent = row(
        "outbox",
        "e-1",
        Op::Update,
        stamp(t, 6, 2),
        json!({"state": "sent"}),
    );
    assert_eq!(one(&anne, sent).await.status, PushStatus::Accepted);

    // Nothing refused is in the log any device pulls.
    let log = kari.pull_all().await;
    assert_eq!(log.len(), 6, "{log:#?}");
    assert!(log.iter().all(
        |p| p.change.fields.get("approved_by") != Some(&json!("Anne"))
            && p.change.fields.get("approved_by") != Some(&json!("Ola"))
    ));

    // The audit trail, as a device pulls it and as `podium-hub audit --json` prints it.
    let r = anne
        .req(Method::GET, "/v1/audit?entry=e-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let trail: Vec<AuditEvent> = r.json().await.unwrap();
    let who_did: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.action.as_str(), e.member.as_str()))
        .collect();
    assert_eq!(
        who_did,
        [
            ("created", "Anne"),
            ("scheduled", "Anne"),
            ("approved", "Kari"),
            ("awaiting", "Anne"),
            ("published", "Anne"),
        ]
    );
    assert_eq!(trail[2].device, "Kari's laptop");
    assert!(trail.iter().all(|e| e.draft_id.as_deref() == Some("d-1")));
    let out = Command::new(hub_bin())
        .arg("audit")
        .arg("--json")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<AuditEvent> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        all, trail,
        "the whole workspace's trail is this one post's here"
    );
    let text = Command::new(hub_bin())
        .arg("audit")
        .args(&args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("approved") && text.contains("Kari"), "{text}");
}

#[tokio::test]
async fn on_sqlite_forged_changes_are_refused_and_the_audit_trail_names_who_did_what() {
    let dir = tempfile::tempdir().unwrap();
    forged_changes_are_refused_and_the_audit_trail_names_who_did_what(support::sqlite_args(
        &dir.path().join("hub.db"),
    ))
    .await;
}

#[tokio::test]
async fn on_postgres_forged_changes_are_refused_and_the_audit_trail_names_who_did_what() {
    let url = support::fresh_postgres().await;
    forged_changes_are_refused_and_the_audit_trail_names_who_did_what(vec![
        "--postgres".into(),
        url,
    ])
    .await;
}
