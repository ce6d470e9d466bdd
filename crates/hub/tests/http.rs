//! The real `podium-hub` binary on 127.0.0.1, driven over HTTP as devices drive it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use podium_core::sync::{ErrorBody, ErrorCode, PushStatus, MAX_PAGE};
use reqwest::Method;
use support::{change, invite, join, now, request, stamp, start_hub, HubProcess};

/// A hub on a fresh SQLite file, and its storage arguments.
fn sqlite_hub() -> (HubProcess, Vec<String>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let args = support::sqlite_args(&dir.path().join("hub.db"));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    (start_hub(&refs), args, dir)
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

async fn error_of(r: reqwest::Response) -> (u16, ErrorBody) {
    let status = r.status().as_u16();
    (status, r.json().await.expect("an error body"))
}

#[tokio::test]
async fn a_device_speaking_an_older_protocol_is_told_to_update_and_changes_nothing() {
    let (hub, args, _dir) = sqlite_hub();
    let code = invite(&refs(&args), "Kari", "executive");
    let device = join(&hub.url, &code, "laptop").await;
    let push = podium_core::sync::PushRequest {
        changes: vec![change("d", stamp(now(), 0, 1), "state", "x", None)],
    };
    for version in [Some("0"), None, Some("one")] {
        let mut r = device
            .client
            .post(format!("{}/v1/changes", hub.url))
            .bearer_auth(&device.token)
            .json(&push);
        if let Some(v) = version {
            r = r.header("Podium-Protocol", v);
        }
        let (status, body) = error_of(r.send().await.unwrap()).await;
        assert_eq!(status, 426);
        assert_eq!(body.error, ErrorCode::UpdateRequired);
        assert!(body.message.contains("update Podium"), "{}", body.message);
    }
    assert!(device.pull_all().await.is_empty());
}

#[tokio::test]
async fn a_replayed_push_answers_duplicate_for_every_change_and_stores_nothing_twice() {
    let (hub, args, _dir) = sqlite_hub();
    let device = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let t = now();
    let changes = vec![
        change("a", stamp(t, 0, 1), "text", "Hello", Some(0)),
        change("a", stamp(t, 1, 1), "state", "ready", None),
    ];
    let first = device.push(&changes).await;
    assert!(first
        .results
        .iter()
        .all(|r| r.status == PushStatus::Accepted));
    let again = device.push(&changes).await;
    assert!(again
        .results
        .iter()
        .all(|r| r.status == PushStatus::Duplicate));
    assert_eq!(device.pull_all().await.len(), 2);
}

#[tokio::test]
async fn clocks_a_day_apart_a_day_behind_is_taken_a_day_ahead_waits_until_the_clock_is_right() {
    let (hub, args, _dir) = sqlite_hub();
    let device = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let t = now();
    let day = 86_400_000;
    let answer = device
        .push(&[
            change("a", stamp(t - day, 0, 1), "state", "behind", None),
            change("b", stamp(t + day, 0, 1), "state", "ahead", None),
        ])
        .await;
    assert_eq!(answer.results[0].status, PushStatus::Accepted);
    assert_eq!(answer.results[1].status, PushStatus::Refused);
    assert_eq!(answer.results[1].code, Some(ErrorCode::ClockAhead));
    assert!(
        answer.results[1]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("date and time")),
        "{:?}",
        answer.results[1].message
    );
    // The device learns the hub's clock from the answer, and sees how far off it is.
    assert!(answer.hub_time_ms.abs_diff(t) < day);
    // Its clock set right, its next change is stamped after what it has seen and is taken; the
    // refused one was never stored.
    let fixed = device
        .push(&[change("b", stamp(now(), 1, 1), "state", "ahead", None)])
        .await;
    assert_eq!(fixed.results[0].status, PushStatus::Accepted);
    let pulled = device.pull_all().await;
    assert_eq!(pulled.iter().map(|p| p.cursor).collect::<Vec<_>>(), [1, 2]);
}

#[tokio::test]
async fn a_revoked_device_is_turned_away_and_only_its_member_or_an_executive_may_revoke_it() {
    let (hub, args, _dir) = sqlite_hub();
    let boss = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let ola = join(
        &hub.url,
        &invite(&refs(&args), "Ola", "assistant"),
        "laptop",
    )
    .await;
    let ola_phone = join(&hub.url, &invite(&refs(&args), "Ola", "assistant"), "phone").await;
    let r = ola
        .req(Method::DELETE, &format!("/v1/devices/{}", boss.id))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(r).await;
    assert_eq!((status, body.error), (403, ErrorCode::Forbidden));
    // Ola revokes her own phone; Kari revokes Ola's laptop.
    let r = ola
        .req(Method::DELETE, &format!("/v1/devices/{}", ola_phone.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = boss
        .req(Method::DELETE, &format!("/v1/devices/{}", ola.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    for revoked in [&ola, &ola_phone] {
        let (status, body) = error_of(
            revoked
                .req(Method::GET, "/v1/changes?after=0")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body.error), (401, ErrorCode::Unauthorized));
        assert!(body.message.contains("revoked"), "{}", body.message);
        let (status, _) = revoked
            .push_raw(&[change("x", stamp(now(), 0, 9), "state", "x", None)])
            .await;
        assert_eq!(status, 401);
    }
    assert!(boss.pull_all().await.is_empty());
    let members: Vec<podium_core::sync::Member> = boss
        .req(Method::GET, "/v1/members")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ola_member = members.iter().find(|m| m.name == "Ola").unwrap();
    assert!(ola_member.devices.is_empty());
}

#[tokio::test]
async fn every_request_but_hello_and_join_needs_a_token_the_hub_knows() {
    let (hub, _args, _dir) = sqlite_hub();
    let client = support::client();
    let hello = request(&client, Method::GET, &format!("{}/v1/hello", hub.url))
        .send()
        .await
        .unwrap();
    assert_eq!(hello.status(), 200);
    for (method, path) in [
        (Method::GET, "/v1/changes?after=0"),
        (Method::POST, "/v1/changes"),
        (Method::GET, "/v1/members"),
        (Method::DELETE, "/v1/devices/x"),
    ] {
        let url = format!("{}{path}", hub.url);
        let (status, body) = error_of(
            request(&client, method.clone(), &url)
                .bearer_auth("0".repeat(64))
                .body("{\"changes\":[]}")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body.error),
            (401, ErrorCode::Unauthorized),
            "{path}"
        );
        let (status, _) = error_of(
            request(&client, method, &url)
                .body("{\"changes\":[]}")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401, "{path} without a token");
    }
}

#[tokio::test]
async fn an_invite_code_works_once_and_a_wrong_one_is_refused() {
    let (hub, args, _dir) = sqlite_hub();
    // Made while serve runs on the same SQLite file.
    let code = invite(&refs(&args), "Kari", "executive");
    assert_eq!(code.len(), 32, "one word: {code}");
    join(&hub.url, &code, "laptop").await;
    let client = support::client();
    for code in [
        code.as_str(),
        "0123456789abcdef0123456789abcdef",
        "nonsense",
    ] {
        let r = request(&client, Method::POST, &format!("{}/v1/join", hub.url))
            .json(&podium_core::sync::JoinRequest {
                code: code.to_owned(),
                device_name: "phone".into(),
            })
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(r).await;
        assert_eq!((status, body.error), (403, ErrorCode::BadCode), "{code}");
    }
}

#[tokio::test]
async fn a_waiting_pull_hears_of_another_devices_push_at_once() {
    let (hub, args, _dir) = sqlite_hub();
    let a = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let b = join(
        &hub.url,
        &invite(&refs(&args), "Ola", "assistant"),
        "laptop",
    )
    .await;
    let waiting = tokio::spawn({
        let b = b.clone();
        async move { b.pull_hearing_news(0).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    a.push(&[change("d", stamp(now(), 0, 1), "text", "Hi", Some(0))])
        .await;
    let page = waiting.await.unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].device_id, a.id);
    assert_eq!(page.cursor, 1);
}

#[tokio::test]
async fn oversized_pushes_are_refused_whole() {
    let (hub, args, _dir) = sqlite_hub();
    let device = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let t = now();
    let too_many: Vec<_> = (0..=MAX_PAGE as u16)
        .map(|i| change(&format!("d{i}"), stamp(t, i, 1), "state", "x", None))
        .collect();
    let (status, body) = device.push_raw(&too_many).await;
    assert_eq!(status, 400, "{body}");
    let huge = "x".repeat(podium_hub::server::MAX_BODY);
    let (status, _) = device
        .push_raw(&[change("d", stamp(t, 0, 1), "text", &huge, Some(0))])
        .await;
    assert_eq!(status, 413);
    assert!(device.pull_all().await.is_empty());
}

#[tokio::test]
async fn a_hub_with_a_self_signed_certificate_serves_https_and_its_codes_carry_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let db = dir.path().join("hub.db").display().to_string();
    let hub = start_hub(&[
        "--db",
        &db,
        "--tls-cert",
        &cert.display().to_string(),
        "--tls-key",
        &key.display().to_string(),
    ]);
    assert!(hub.url.starts_with("https://127.0.0.1:"), "{}", hub.url);
    let code = invite(&["--db", &db], "Kari", "executive");
    let parsed: podium_core::sync::InviteCode = code.parse().unwrap();
    let der = certified.cert.der();
    assert_eq!(parsed.pin, Some(podium_hub::tls::fingerprint(der)));
    // A client that trusts exactly this certificate (as a device pinning it does) joins.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der.clone()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    let device = support::join_with(client, &hub.url, &code, "laptop").await;
    let answer = device
        .push(&[change("d", stamp(now(), 0, 1), "state", "x", None)])
        .await;
    assert_eq!(answer.results[0].status, PushStatus::Accepted);
    // Plain http to the TLS port gets nowhere.
    let plain = hub.url.replacen("https", "http", 1);
    let r = request(
        &support::client(),
        Method::GET,
        &format!("{plain}/v1/hello"),
    )
    .send()
    .await;
    assert!(r.is_err() || r.is_ok_and(|r| r.status() != 200));
}

#[tokio::test]
async fn a_device_that_has_read_past_the_hubs_log_is_told_the_hub_was_replaced() {
    let (hub, args, _dir) = sqlite_hub();
    let device = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    device
        .push(&[change("d", stamp(now(), 0, 1), "state", "x", None)])
        .await;
    assert_eq!(device.pull(1, 0).await.changes.len(), 0);
    let (status, body) = error_of(
        device
            .req(Method::GET, "/v1/changes?after=7")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 409);
    assert!(body.message.contains("join again"), "{}", body.message);
}

#[tokio::test]
async fn the_operator_lists_members_and_revokes_a_device_from_the_command_line() {
    let (hub, args, _dir) = sqlite_hub();
    let device = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let members = std::process::Command::new(support::hub_bin())
        .args(["members", "--json"])
        .args(&args)
        .output()
        .unwrap();
    assert!(members.status.success());
    let members: Vec<podium_core::sync::Member> = serde_json::from_slice(&members.stdout).unwrap();
    assert_eq!(members[0].devices[0].id, device.id);
    let revoked = std::process::Command::new(support::hub_bin())
        .args(["revoke", &device.id])
        .args(&args)
        .output()
        .unwrap();
    assert!(revoked.status.success());
    let r = device
        .req(Method::GET, "/v1/changes?after=0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let unknown = std::process::Command::new(support::hub_bin())
        .args(["revoke", "no-such-device"])
        .args(&args)
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("podium-hub members"));
}

#[tokio::test]
async fn an_executives_device_makes_an_invite_code_that_joins_once_and_an_assistants_is_refused() {
    let (hub, args, _dir) = sqlite_hub();
    let kari = join(
        &hub.url,
        &invite(&refs(&args), "Kari", "executive"),
        "laptop",
    )
    .await;
    let ola = join(
        &hub.url,
        &invite(&refs(&args), "Ola", "assistant"),
        "laptop",
    )
    .await;
    let body = serde_json::json!({ "name": "Per", "role": "assistant" });
    let r = ola
        .req(Method::POST, "/v1/invites")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(r).await;
    assert_eq!((status, error.error), (403, ErrorCode::Forbidden));

    let r = kari
        .req(Method::POST, "/v1/invites")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let made: serde_json::Value = r.json().await.unwrap();
    let code = made["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 32, "one word, no pin on plain http: {code}");
    assert!(made["expires_at"].as_str().unwrap().starts_with("20"));
    let per = join(&hub.url, &code, "phone").await;
    let members: Vec<podium_core::sync::Member> = per
        .req(Method::GET, "/v1/members")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let joined = members.iter().find(|m| m.name == "Per").unwrap();
    assert_eq!(joined.role, podium_core::sync::Role::Assistant);
    assert_eq!(joined.devices.len(), 1);

    // A name already taken with another role is refused with the reason.
    let taken = serde_json::json!({ "name": "Ola", "role": "executive" });
    let r = kari
        .req(Method::POST, "/v1/invites")
        .json(&taken)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(r).await;
    assert_eq!(status, 400);
    assert!(error.message.contains("assistant"), "{}", error.message);
}
