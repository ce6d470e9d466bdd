//! Leases and sign-ins (issue 12, item 7), on both backends: SQLite (a real file) and
//! PostgreSQL (a real server on 127.0.0.1, started with `pg_virtualenv`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::future::Future;
use std::sync::Arc;

use podium_core::lease::{
    ClaimRequest, LeaseOutcome, LeasePart, LeasePartState, LeaseStep, SettleRequest, Settlement,
    StepRequest,
};
use podium_core::sync::Role;
use podium_hub::lease::Leases;
use podium_hub::storage::{Auth, Authed, PostgresStorage, SqliteStorage, Storage};
use support::now;

trait Backend: Sized {
    type S: Storage + Clone;
    fn fresh() -> impl Future<Output = Self>;
    fn open(&self) -> impl Future<Output = Self::S>;
}

struct Sqlite {
    dir: tempfile::TempDir,
}

impl Backend for Sqlite {
    type S = SqliteStorage;
    async fn fresh() -> Sqlite {
        Sqlite {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    async fn open(&self) -> SqliteStorage {
        SqliteStorage::open(&self.dir.path().join("hub.db")).unwrap()
    }
}

struct Postgres {
    url: String,
}

impl Backend for Postgres {
    type S = PostgresStorage;
    async fn fresh() -> Postgres {
        Postgres {
            url: support::fresh_postgres().await,
        }
    }
    async fn open(&self) -> PostgresStorage {
        PostgresStorage::open(&self.url).await.unwrap()
    }
}

async fn device<S: Storage>(s: &S, name: &str) -> Authed {
    let invited = s.invite(name, Role::Executive, now()).await.unwrap();
    let token = podium_hub::secret::new_token();
    s.join(
        &podium_hub::secret::hash(&invited.secret),
        name,
        &podium_hub::secret::hash(&token),
        now(),
    )
    .await
    .unwrap()
    .expect("the fresh code joins");
    match s
        .authenticate(&podium_hub::secret::hash(&token), now())
        .await
        .unwrap()
    {
        Auth::Device(d) => d,
        other => panic!("a fresh token does not authenticate: {other:?}"),
    }
}

fn part(key: &str) -> LeasePart {
    LeasePart {
        text: "Kultur spiser strategi til frokost. #ledelse".into(),
        key: key.into(),
        state: LeasePartState::Pending,
        remote_id: None,
        remote_cid: None,
        remote_url: None,
    }
}

fn claim(entry: &str, key: &str) -> ClaimRequest {
    ClaimRequest {
        entry_id: entry.into(),
        account_key: "bluesky https://pds.example did:plc:kari".into(),
        parts: vec![part(key)],
        lease_ms: None,
    }
}

fn settle(entry: &str, token: Option<u64>, outcome: LeaseOutcome) -> SettleRequest {
    SettleRequest {
        entry_id: entry.into(),
        token,
        account_key: Some("bluesky https://pds.example did:plc:kari".into()),
        settlement: Settlement {
            outcome,
            remote_id: Some("at://did:plc:kari/app.bsky.feed.post/3k".into()),
            remote_url: Some("https://bsky.app/profile/kari/post/3k".into()),
            reason_code: None,
            reason_data: None,
            error: None,
        },
    }
}

const LEASE: u64 = 60_000;

async fn a_lease_goes_to_one_device_and_to_another_only_after_it_lapses_with_the_first_keys<
    B: Backend,
>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let laptop = device(&s, "Kari").await;
    let server = device(&s, "Kari (server)").await;
    let t = now();
    let first = s
        .claim(&laptop, &claim("e1", "key-laptop"), LEASE, t)
        .await
        .unwrap();
    assert!(first.granted);
    assert_eq!(first.state.token, 1);
    assert_eq!(
        first.state.device_id.as_deref(),
        Some(laptop.device_id.as_str())
    );
    let step = StepRequest {
        entry_id: "e1".into(),
        token: 1,
        lease_ms: None,
        step: LeaseStep::Sending { idx: 0 },
    };
    assert!(s.step(&laptop, &step, LEASE, t + 10).await.unwrap().granted);

    let refused = s
        .claim(&server, &claim("e1", "key-server"), LEASE, t + 20)
        .await
        .unwrap();
    assert!(!refused.granted, "a second unexpired lease was granted");
    assert_eq!(refused.state.device_name.as_deref(), Some("Kari"));
    assert_eq!(refused.state.outcome, LeaseOutcome::Open);

    // The laptop is killed: its lease lapses, and the server takes over with the laptop's key
    // and the part as possibly out (to settle, not to send blindly).
    let later = t + 10 + LEASE + 1;
    let taken = s
        .claim(&server, &claim("e1", "key-server"), LEASE, later)
        .await
        .unwrap();
    assert!(taken.granted);
    assert_eq!(taken.state.token, 2);
    assert_eq!(taken.state.parts[0].key, "key-laptop");
    assert_eq!(taken.state.parts[0].state, LeasePartState::Sending);
}

async fn a_stale_token_is_refused_every_step_and_told_how_the_post_ended<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let laptop = device(&s, "Kari").await;
    let server = device(&s, "Kari (server)").await;
    let t = now();
    s.claim(&laptop, &claim("e1", "k"), LEASE, t).await.unwrap();
    let taken = s
        .claim(&server, &claim("e1", "k2"), LEASE, t + LEASE + 1)
        .await
        .unwrap();
    assert!(taken.granted);
    let sent = s
        .step(
            &server,
            &StepRequest {
                entry_id: "e1".into(),
                token: 2,
                lease_ms: None,
                step: LeaseStep::Sent {
                    idx: 0,
                    remote_id: "at://x/1".into(),
                    remote_cid: Some("cid".into()),
                    remote_url: "https://bsky.app/x/1".into(),
                },
            },
            LEASE,
            t + LEASE + 2,
        )
        .await
        .unwrap();
    assert!(sent.granted);
    assert_eq!(sent.state.parts[0].state, LeasePartState::Sent);

    // The laptop wakes up with token 1: refused, on a step and on an outcome.
    let stale_step = s
        .step(
            &laptop,
            &StepRequest {
                entry_id: "e1".into(),
                token: 1,
                lease_ms: None,
                step: LeaseStep::Sending { idx: 0 },
            },
            LEASE,
            t + LEASE + 3,
        )
        .await
        .unwrap();
    assert!(!stale_step.granted);
    let stale = s
        .settle(
            &laptop,
            &settle("e1", Some(1), LeaseOutcome::Failed),
            t + LEASE + 4,
        )
        .await
        .unwrap();
    assert!(!stale.granted);
    assert_eq!(stale.state.outcome, LeaseOutcome::Open);

    let done = s
        .settle(
            &server,
            &settle("e1", Some(2), LeaseOutcome::Sent),
            t + LEASE + 5,
        )
        .await
        .unwrap();
    assert!(done.granted);
    // Settled for good: no one is granted it again, and whoever asks is told it was sent.
    let again = s
        .claim(&laptop, &claim("e1", "k"), LEASE, t + 10 * LEASE)
        .await
        .unwrap();
    assert!(!again.granted);
    assert_eq!(again.state.outcome, LeaseOutcome::Sent);
    assert_eq!(again.state.device_name.as_deref(), Some("Kari (server)"));
    assert_eq!(
        again.state.settlement.remote_url.as_deref(),
        Some("https://bsky.app/profile/kari/post/3k")
    );
    let states = s.states(&["e1".into(), "nowhere".into()]).await.unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].outcome, LeaseOutcome::Sent);
}

async fn giving_a_lease_back_lets_another_device_claim_it_at_once<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let laptop = device(&s, "Kari").await;
    let server = device(&s, "Kari (server)").await;
    let t = now();
    s.claim(&laptop, &claim("e1", "k"), LEASE, t).await.unwrap();
    let back = s
        .settle(&laptop, &settle("e1", Some(1), LeaseOutcome::Open), t + 1)
        .await
        .unwrap();
    assert!(back.granted);
    assert!(
        s.claim(&server, &claim("e1", "k2"), LEASE, t + 2)
            .await
            .unwrap()
            .granted
    );
}

async fn a_device_that_published_alone_is_refused_while_another_holds_the_lease<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let laptop = device(&s, "Kari").await;
    let server = device(&s, "Kari (server)").await;
    let t = now();
    // Alone (no lease yet): taken, and settles the entry.
    let alone = s
        .settle(&laptop, &settle("e1", None, LeaseOutcome::Sent), t)
        .await
        .unwrap();
    assert!(alone.granted);
    assert!(
        !s.claim(&server, &claim("e1", "k"), LEASE, t + 1)
            .await
            .unwrap()
            .granted
    );
    // While the server holds e2, the laptop's word without a lease is not taken.
    assert!(
        s.claim(&server, &claim("e2", "k"), LEASE, t)
            .await
            .unwrap()
            .granted
    );
    let refused = s
        .settle(&laptop, &settle("e2", None, LeaseOutcome::Sent), t + 1)
        .await
        .unwrap();
    assert!(!refused.granted);
    assert_eq!(refused.state.outcome, LeaseOutcome::Open);
}

async fn many_devices_claiming_one_post_at_once_get_exactly_one_lease<B: Backend>() {
    let b = B::fresh().await;
    // Two handles on one database, as two hub processes would have.
    let (s1, s2) = (b.open().await, b.open().await);
    let mut devices = Vec::new();
    for i in 0..6 {
        devices.push(device(&s1, &format!("Device {i}")).await);
    }
    for round in 0..10 {
        let entry = format!("e{round}");
        let t = now();
        let mut tasks = Vec::new();
        for (i, d) in devices.iter().enumerate() {
            let s: Arc<dyn Fn() -> B::S + Send + Sync> = if i % 2 == 0 {
                let s = s1.clone();
                Arc::new(move || s.clone())
            } else {
                let s = s2.clone();
                Arc::new(move || s.clone())
            };
            let (d, entry) = (d.clone(), entry.clone());
            tasks.push(tokio::spawn(async move {
                s().claim(&d, &claim(&entry, &d.device_id), LEASE, t)
                    .await
                    .unwrap()
            }));
        }
        let mut granted = Vec::new();
        for task in tasks {
            let answer = task.await.unwrap();
            if answer.granted {
                granted.push(answer);
            }
        }
        assert_eq!(granted.len(), 1, "round {round}: {granted:?}");
        assert_eq!(granted[0].state.token, 1);
        // The parts kept are the winner's.
        assert_eq!(
            Some(granted[0].state.parts[0].key.as_str()),
            granted[0].state.device_id.as_deref()
        );
    }
}

async fn sign_ins_are_replaced_per_device_and_a_revoked_device_holds_none<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let laptop = device(&s, "Kari").await;
    let server = device(&s, "Kari (server)").await;
    let (bsky, masto) = (
        "bluesky https://pds did:1".to_owned(),
        "mastodon https://m 7".to_owned(),
    );
    s.set_signins(&laptop, &[bsky.clone(), masto.clone()], now())
        .await
        .unwrap();
    s.set_signins(&server, std::slice::from_ref(&bsky), now())
        .await
        .unwrap();
    let held = |all: Vec<podium_core::lease::Signin>, key: &str| {
        all.into_iter()
            .filter(|x| x.account_key == key)
            .map(|x| x.device_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        held(s.signins().await.unwrap(), &bsky),
        ["Kari", "Kari (server)"]
    );
    // The laptop disconnects Mastodon: its next report no longer names it.
    s.set_signins(&laptop, std::slice::from_ref(&bsky), now())
        .await
        .unwrap();
    assert!(held(s.signins().await.unwrap(), &masto).is_empty());
    s.revoke(&server.device_id, now()).await.unwrap();
    assert_eq!(held(s.signins().await.unwrap(), &bsky), ["Kari"]);
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name::<super::Sqlite>().await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name::<super::Postgres>().await
                }
            )*
        }
    };
}

on_both!(
    a_lease_goes_to_one_device_and_to_another_only_after_it_lapses_with_the_first_keys,
    a_stale_token_is_refused_every_step_and_told_how_the_post_ended,
    giving_a_lease_back_lets_another_device_claim_it_at_once,
    a_device_that_published_alone_is_refused_while_another_holds_the_lease,
    many_devices_claiming_one_post_at_once_get_exactly_one_lease,
    sign_ins_are_replaced_per_device_and_a_revoked_device_holds_none,
);
