//! One suite, both backends: every test below runs on SQLite (a real file) and on PostgreSQL (a
//! real server on 127.0.0.1, started with `pg_virtualenv`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use podium_core::clock::MAX_AHEAD_MS;
use podium_core::sync::{ErrorCode, PushStatus, Role};
use podium_hub::storage::{
    Auth, Authed, PostgresStorage, SqliteStorage, Storage, INVITE_LIFETIME_MS,
};
use podium_hub::Error;
use support::{change, now, stamp};

/// A backend to test: how to open it afresh, and how to open the same database again (as a
/// second process would).
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

/// Invites `name` and joins one device; the device as the hub authenticates it.
async fn joined<S: Storage>(s: &S, name: &str, role: Role) -> (Authed, String) {
    let invited = s.invite(name, role, now()).await.unwrap();
    let token = podium_hub::secret::new_token();
    s.join(
        &podium_hub::secret::hash(&invited.secret),
        "laptop",
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
        Auth::Device(d) => (d, token),
        other => panic!("a fresh token does not authenticate: {other:?}"),
    }
}

async fn all<S: Storage>(s: &S) -> Vec<podium_core::sync::Pulled> {
    s.pull(0, 100_000).await.unwrap().changes
}

async fn a_replayed_change_is_answered_duplicate_and_stored_once<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (dev, _) = joined(&s, "Kari", Role::Executive).await;
    let c = change("d1", stamp(now(), 0, 1), "state", "ready", None);
    let first = s.push(&dev, &[c.clone(), c.clone()], now()).await.unwrap();
    assert_eq!(first[0].status, PushStatus::Accepted);
    assert_eq!(first[0].cursor, Some(1));
    assert_eq!(first[1].status, PushStatus::Duplicate);
    let again = s.push(&dev, &[c], now()).await.unwrap();
    assert_eq!(again[0].status, PushStatus::Duplicate);
    assert_eq!(all(&s).await.len(), 1);
}

async fn cursors_are_gap_free_in_push_order_and_carry_the_change_and_its_sender<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (kari, _) = joined(&s, "Kari", Role::Executive).await;
    let (ola, _) = joined(&s, "Ola", Role::Assistant).await;
    let t = now();
    s.push(&kari, &[change("a", stamp(t, 0, 1), "state", "x", None)], t)
        .await
        .unwrap();
    s.push(
        &ola,
        &[
            change("b", stamp(t, 0, 2), "text", "Hello", Some(0)),
            change("a", stamp(t, 1, 2), "goal", "g", None),
        ],
        t,
    )
    .await
    .unwrap();
    let pulled = all(&s).await;
    assert_eq!(
        pulled.iter().map(|p| p.cursor).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(pulled[0].device_id, kari.device_id);
    assert_eq!(pulled[1].member_id, ola.member_id);
    assert_eq!(
        pulled[1].change,
        change("b", stamp(t, 0, 2), "text", "Hello", Some(0))
    );
    assert_eq!(s.head().await.unwrap(), 3);
}

async fn a_pull_page_is_bounded_and_says_more_waits<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (dev, _) = joined(&s, "Kari", Role::Executive).await;
    let t = now();
    let changes: Vec<_> = (0..7)
        .map(|i| change(&format!("d{i}"), stamp(t, i, 1), "state", "x", None))
        .collect();
    s.push(&dev, &changes, t).await.unwrap();
    let first = s.pull(0, 3).await.unwrap();
    assert_eq!(first.changes.len(), 3);
    assert!(first.more);
    let rest = s.pull(3, 3).await.unwrap();
    assert_eq!(
        rest.changes.iter().map(|c| c.cursor).collect::<Vec<_>>(),
        [4, 5, 6]
    );
    let last = s.pull(6, 3).await.unwrap();
    assert_eq!(last.changes.len(), 1);
    assert!(!last.more);
    assert!(s.pull(7, 3).await.unwrap().changes.is_empty());
}

async fn a_text_edit_on_a_text_another_device_replaced_is_stale_and_not_stored<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (kari, _) = joined(&s, "Kari", Role::Executive).await;
    let (ola, _) = joined(&s, "Ola", Role::Assistant).await;
    let t = now();
    let ins = s
        .push(
            &kari,
            &[change("d", stamp(t, 0, 1), "text", "One.", Some(0))],
            t,
        )
        .await
        .unwrap();
    assert_eq!(ins[0].cursor, Some(1));
    // Both edit the text made at cursor 1; Kari's reaches the hub first.
    let k = s
        .push(
            &kari,
            &[change("d", stamp(t, 1, 1), "text", "One. Two.", Some(1))],
            t,
        )
        .await
        .unwrap();
    assert_eq!(k[0].status, PushStatus::Accepted);
    let o = s
        .push(
            &ola,
            &[
                change("d", stamp(t, 0, 2), "text", "One! ", Some(1)),
                change("d", stamp(t, 1, 2), "state", "ready", None),
            ],
            t,
        )
        .await
        .unwrap();
    assert_eq!(o[0].status, PushStatus::Stale);
    assert_eq!(
        o[1].status,
        PushStatus::Accepted,
        "other fields are never stale"
    );
    // After pulling (base 2), Ola's merged text is taken; Kari's own next edit on base 2 too.
    let o2 = s
        .push(
            &ola,
            &[change("d", stamp(t, 2, 2), "text", "One! Two.", Some(2))],
            t,
        )
        .await
        .unwrap();
    assert_eq!(o2[0].status, PushStatus::Accepted);
    let texts: Vec<_> = all(&s)
        .await
        .into_iter()
        .filter_map(|p| p.change.fields.get("text").cloned())
        .collect();
    assert_eq!(texts, ["One.", "One. Two.", "One! Two."]);
}

async fn two_text_edits_of_one_device_pushed_together_are_both_taken<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (kari, _) = joined(&s, "Kari", Role::Executive).await;
    let t = now();
    let r = s
        .push(
            &kari,
            &[
                change("d", stamp(t, 0, 1), "text", "A", Some(0)),
                change("d", stamp(t, 1, 1), "text", "AB", Some(0)),
                change("d", stamp(t, 2, 1), "variants", "{}", Some(0)),
            ],
            t,
        )
        .await
        .unwrap();
    assert!(r.iter().all(|r| r.status == PushStatus::Accepted), "{r:?}");
}

async fn a_stamp_far_ahead_of_the_hub_is_refused_and_a_day_behind_is_taken<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (dev, _) = joined(&s, "Kari", Role::Executive).await;
    let t = now();
    let r = s
        .push(
            &dev,
            &[
                change("a", stamp(t + 86_400_000, 0, 1), "state", "x", None),
                change(
                    "b",
                    stamp(t + MAX_AHEAD_MS + 1_000, 0, 1),
                    "state",
                    "x",
                    None,
                ),
                change("c", stamp(t - 86_400_000, 0, 1), "state", "x", None),
            ],
            t,
        )
        .await
        .unwrap();
    assert_eq!(r[0].status, PushStatus::Refused);
    assert_eq!(r[0].code, Some(ErrorCode::ClockAhead));
    assert_eq!(r[1].status, PushStatus::Refused);
    assert_eq!(r[2].status, PushStatus::Accepted);
    assert_eq!(r[2].cursor, Some(1), "refused changes take no cursor");
    // Once the device's clock is right, the same change is taken (it was never stored).
    let later = s
        .push(
            &dev,
            &[change("a", stamp(t + 86_400_000, 0, 1), "state", "x", None)],
            t + 86_400_000,
        )
        .await
        .unwrap();
    assert_eq!(later[0].status, PushStatus::Accepted);
    assert_eq!(later[0].cursor, Some(2));
}

async fn an_invite_code_joins_one_device_once_and_not_after_seven_days<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let t = now();
    let inv = s.invite("Kari", Role::Executive, t).await.unwrap();
    let hash = podium_hub::secret::hash(&inv.secret);
    assert!(s.join(&hash, "laptop", "t1", t).await.unwrap().is_some());
    assert!(
        s.join(&hash, "phone", "t2", t).await.unwrap().is_none(),
        "a used code"
    );
    let late = s.invite("Kari", Role::Executive, t).await.unwrap();
    let late_hash = podium_hub::secret::hash(&late.secret);
    assert!(s
        .join(&late_hash, "phone", "t3", t + INVITE_LIFETIME_MS)
        .await
        .unwrap()
        .is_none());
    assert!(s
        .join(&podium_hub::secret::hash("nonsense"), "x", "t4", t)
        .await
        .unwrap()
        .is_none());
    // A second code for the same member joins a second device of that member.
    let second = s.invite("Kari", Role::Executive, t).await.unwrap();
    let joined = s
        .join(&podium_hub::secret::hash(&second.secret), "phone", "t5", t)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joined.member.id, inv.member_id);
    assert_eq!(joined.member.devices.len(), 2);
    assert!(matches!(
        s.invite("Kari", Role::Assistant, t).await,
        Err(Error::RoleMismatch { .. })
    ));
}

async fn a_revoked_device_is_told_so_and_drops_out_of_the_member_list<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (dev, token) = joined(&s, "Kari", Role::Executive).await;
    let (_, _) = joined(&s, "Kari", Role::Executive).await;
    let members = s.members().await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].devices.len(), 2);
    assert!(s.revoke(&dev.device_id, now()).await.unwrap());
    assert_eq!(
        s.authenticate(&podium_hub::secret::hash(&token), now())
            .await
            .unwrap(),
        Auth::Revoked
    );
    assert_eq!(
        s.authenticate(&podium_hub::secret::hash("unknown"), now())
            .await
            .unwrap(),
        Auth::Unknown
    );
    assert_eq!(s.members().await.unwrap()[0].devices.len(), 1);
    assert!(s.device(&dev.device_id).await.unwrap().unwrap().revoked);
    assert!(!s.revoke("no-such-device", now()).await.unwrap());
}

async fn the_hub_keeps_only_the_hash_of_a_token<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let (_, token) = joined(&s, "Kari", Role::Executive).await;
    // The raw token does not authenticate as a hash: only its SHA-256 was stored.
    assert_eq!(s.authenticate(&token, now()).await.unwrap(), Auth::Unknown);
}

async fn concurrent_pushes_from_many_devices_get_gap_free_cursors<B: Backend>() {
    let b = B::fresh().await;
    let s = b.open().await;
    let mut devices = Vec::new();
    for i in 0..6 {
        devices.push(joined(&s, &format!("M{i}"), Role::Assistant).await.0);
    }
    // A second handle on the same database, as a second hub process would have.
    let other = b.open().await;
    let t = now();
    let mut tasks = Vec::new();
    for (i, dev) in devices.into_iter().enumerate() {
        let s = if i % 2 == 0 { s.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move {
            for n in 0..10u16 {
                let c = change(
                    &format!("d{i}"),
                    stamp(t, n, i as u64 + 1),
                    "state",
                    "x",
                    None,
                );
                let r = s.push(&dev, &[c], t).await.unwrap();
                assert_eq!(r[0].status, PushStatus::Accepted);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let pulled = all(&s).await;
    assert_eq!(
        pulled.iter().map(|p| p.cursor).collect::<Vec<_>>(),
        (1..=60).collect::<Vec<_>>()
    );
    let hlcs: HashSet<_> = pulled.iter().map(|p| p.change.hlc.clone()).collect();
    assert_eq!(hlcs.len(), 60);
}

async fn reopening_keeps_the_workspace_and_the_log<B: Backend>() {
    let b = B::fresh().await;
    let (workspace, head) = {
        let s = b.open().await;
        let (dev, _) = joined(&s, "Kari", Role::Executive).await;
        s.push(
            &dev,
            &[change("a", stamp(now(), 0, 1), "state", "x", None)],
            now(),
        )
        .await
        .unwrap();
        s.set_pin(Some("ab")).await.unwrap();
        (s.workspace().await.unwrap(), s.head().await.unwrap())
    };
    let s = b.open().await;
    assert_eq!(s.workspace().await.unwrap(), workspace);
    assert_eq!(s.head().await.unwrap(), head);
    assert_eq!(s.pin().await.unwrap().as_deref(), Some("ab"));
    s.set_pin(None).await.unwrap();
    assert_eq!(s.pin().await.unwrap(), None);
}

async fn two_hubs_starting_at_once_on_an_empty_database_share_one_workspace<B: Backend>() {
    let b = Arc::new(B::fresh().await);
    let (b1, b2) = (Arc::clone(&b), Arc::clone(&b));
    let (x, y) = tokio::join!(
        async move { b1.open().await.workspace().await.unwrap() },
        async move { b2.open().await.workspace().await.unwrap() }
    );
    assert_eq!(x, y);
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
    a_replayed_change_is_answered_duplicate_and_stored_once,
    cursors_are_gap_free_in_push_order_and_carry_the_change_and_its_sender,
    a_pull_page_is_bounded_and_says_more_waits,
    a_text_edit_on_a_text_another_device_replaced_is_stale_and_not_stored,
    two_text_edits_of_one_device_pushed_together_are_both_taken,
    a_stamp_far_ahead_of_the_hub_is_refused_and_a_day_behind_is_taken,
    an_invite_code_joins_one_device_once_and_not_after_seven_days,
    a_revoked_device_is_told_so_and_drops_out_of_the_member_list,
    the_hub_keeps_only_the_hash_of_a_token,
    concurrent_pushes_from_many_devices_get_gap_free_cursors,
    reopening_keeps_the_workspace_and_the_log,
    two_hubs_starting_at_once_on_an_empty_database_share_one_workspace,
);
