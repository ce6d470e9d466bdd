//! The store makes exactly the moves `podium_core::outbox` allows: for every state an entry,
//! a part or an account can be in, each of the store's steps is tried, and what the database
//! did (recorded by a temporary trigger) is compared with the rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use podium_core::network::Network;
use podium_core::outbox::{AccountStatus, OutboxState, PartState, Step, UserActions};
use podium_core::reason::Reason;
use podium_store::{NewAccount, NewDraft, Store, When};
use rusqlite::params;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    account: String,
    draft: String,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
    store.set_time_source(now);
    let account = store
        .add_account(NewAccount {
            network: Some(Network::Bluesky),
            handle: "leder.example.com".into(),
            service: "https://bsky.example".into(),
            remote_id: "did:plc:leder".into(),
            credential_ref: "bluesky:test".into(),
            zone: "Europe/Oslo".into(),
            ..NewAccount::default()
        })
        .unwrap()
        .id;
    let draft = store
        .create_draft(NewDraft {
            text: "Ledelse er å gjøre andre gode".into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id;
    // The moves the database makes, as they happen (temporary: nothing is left in the file).
    store
        .connection()
        .execute_batch(
            "CREATE TEMP TABLE moves (kind TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL);
             CREATE TEMP TRIGGER entry_moves AFTER UPDATE OF state ON main.outbox BEGIN
                 INSERT INTO moves VALUES ('entry', old.state, new.state); END;
             CREATE TEMP TRIGGER part_moves AFTER UPDATE OF state ON main.outbox_parts BEGIN
                 INSERT INTO moves VALUES ('part', old.state, new.state); END;
             CREATE TEMP TRIGGER account_moves AFTER UPDATE OF status ON main.accounts BEGIN
                 INSERT INTO moves VALUES ('account', old.status, new.status); END;",
        )
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        account,
        draft,
    }
}

impl Fixture {
    /// An entry with two parts, put straight into `state` (its parts `pending`), long overdue.
    fn entry_in(&mut self, state: OutboxState) -> String {
        let conn = self.store.connection();
        conn.execute("DELETE FROM outbox", []).unwrap();
        let id = self
            .store
            .schedule(&self.draft, &self.account, When::At(now()))
            .unwrap()
            .id;
        let parts = [
            ("Første".to_owned(), "3kaaaaaaaaaa1".to_owned()),
            ("Andre".to_owned(), "3kaaaaaaaaaa2".to_owned()),
        ];
        self.store.claim(&id, &parts).unwrap().unwrap();
        let overdue = Utc.with_ymd_and_hms(2026, 11, 1, 8, 30, 0).unwrap();
        self.store
            .connection()
            .execute(
                "UPDATE outbox SET state = ?2, due_at = ?3, attempts = 0 WHERE id = ?1",
                params![id, state.as_str(), overdue.to_rfc3339()],
            )
            .unwrap();
        self.forget_moves();
        id
    }

    fn set_part(&self, entry: &str, state: PartState) {
        self.store
            .connection()
            .execute(
                "UPDATE outbox_parts SET state = ?2 WHERE entry_id = ?1 AND idx = 0",
                params![entry, state.as_str()],
            )
            .unwrap();
        self.forget_moves();
    }

    fn forget_moves(&self) {
        self.store
            .connection()
            .execute("DELETE FROM moves", [])
            .unwrap();
    }

    /// The moves of `kind` made since the last look, as `(from, to)` codes.
    fn moves(&self, kind: &str) -> Vec<(String, String)> {
        let conn = self.store.connection();
        let mut stmt = conn
            .prepare("SELECT old, new FROM moves WHERE kind = ?1 ORDER BY rowid")
            .unwrap();
        let moves = stmt
            .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        self.forget_moves();
        moves
    }
}

/// One of the store's ways of making a step, tried on the entry `id`. Its answer is ignored:
/// what counts is what the database did.
type Try = fn(&mut Store, &str);

fn claim(s: &mut Store, id: &str) {
    let _ = s.claim(id, &[]);
}
fn take_due(s: &mut Store, _: &str) {
    let _ = s.take_due(now(), Duration::from_secs(60));
}
fn hold(s: &mut Store, id: &str) {
    let _ = s.hold(
        id,
        &Reason::TooLong {
            network: Network::Bluesky,
            part: None,
            length: 320,
            limit: 300,
        },
    );
}
fn part_sending(s: &mut Store, id: &str) {
    let _ = s.part_sending(id, 0);
}
fn entry_sent(s: &mut Store, id: &str) {
    let _ = s.entry_sent(id);
}
fn answered(status: u16) -> Reason {
    Reason::AnsweredStatus {
        network: Network::Mastodon,
        status,
    }
}
fn release(s: &mut Store, id: &str) {
    let _ = s.release(id, now(), &Reason::KeyringMissing {});
}
fn entry_retry_later(s: &mut Store, id: &str) {
    let _ = s.entry_retry_later(id, now(), &answered(503));
}
fn recover_interrupted(s: &mut Store, _: &str) {
    let _ = s.recover_interrupted();
}
fn entry_failed(s: &mut Store, id: &str) {
    let _ = s.entry_failed(id, &answered(422));
}
fn entry_unknown(s: &mut Store, id: &str) {
    let _ = s.entry_unknown(id, &Reason::FellBehind {});
}
fn reschedule(s: &mut Store, id: &str) {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 7, 30, 0).unwrap();
    let _ = s.reschedule(id, When::At(at));
}
fn retry(s: &mut Store, id: &str) {
    let _ = s.retry(id);
}
fn confirm_sent(s: &mut Store, id: &str) {
    let _ = s.confirm_sent(id);
}
fn part_not_sent(s: &mut Store, id: &str) {
    let _ = s.part_not_sent(id, 0);
}
fn part_sent(s: &mut Store, id: &str) {
    let _ = s.part_sent(
        id,
        0,
        "at://did:plc:leder/post/1",
        Some("bafy"),
        "https://bsky.example/1",
    );
}

/// Every way the store makes each step.
fn ways(step: Step) -> Vec<(&'static str, Try)> {
    match step {
        Step::Claim => vec![("claim", claim as Try)],
        Step::FallBehind => vec![("take_due", take_due as Try)],
        Step::Hold => vec![("hold", hold as Try)],
        Step::SendPart => vec![("part_sending", part_sending as Try)],
        Step::Finish => vec![("entry_sent", entry_sent as Try)],
        Step::Requeue => vec![
            ("release", release as Try),
            ("entry_retry_later", entry_retry_later as Try),
            ("recover_interrupted", recover_interrupted as Try),
        ],
        Step::Fail => vec![("entry_failed", entry_failed as Try)],
        Step::LoseTrack => vec![("entry_unknown", entry_unknown as Try)],
        Step::Move => vec![("reschedule", reschedule as Try)],
        Step::Retry => vec![("retry", retry as Try)],
        Step::ConfirmSent => vec![("confirm_sent", confirm_sent as Try)],
    }
}

fn code(s: impl ToString) -> String {
    s.to_string()
}

#[test]
fn every_step_of_the_store_moves_an_entry_exactly_as_the_rule_says() {
    let mut f = fixture();
    let mut made = BTreeSet::new();
    for step in Step::ALL {
        for (name, way) in ways(step) {
            for from in OutboxState::ALL {
                let id = f.entry_in(from);
                way(&mut f.store, &id);
                let moves = f.moves("entry");
                let expected: Vec<(String, String)> = from
                    .after(step)
                    .map(|to| (code(from), code(to)))
                    .into_iter()
                    .collect();
                assert_eq!(
                    moves, expected,
                    "{name} ({step:?}) on an entry in {from}: the store did {moves:?}, the rule says {expected:?}"
                );
                made.extend(moves);
            }
        }
    }
    // And the rule names no move the store never makes.
    let allowed: BTreeSet<(String, String)> = OutboxState::ALL
        .into_iter()
        .flat_map(|from| {
            OutboxState::ALL
                .into_iter()
                .filter(move |to| from.can_become(*to))
                .map(move |to| (code(from), code(to)))
        })
        .collect();
    assert_eq!(made, allowed);
}

#[test]
fn a_post_is_taken_out_of_the_queue_exactly_when_the_window_offers_it() {
    let mut f = fixture();
    for from in OutboxState::ALL {
        for first_part in PartState::ALL {
            let id = f.entry_in(from);
            f.set_part(&id, first_part);
            let offered = f.store.entry(&id).unwrap().user_actions().removable;
            assert_eq!(
                offered,
                UserActions::of(from, [first_part, PartState::Pending]).removable
            );
            let removed = f.store.unschedule(&id).is_ok();
            assert_eq!(
                removed, offered,
                "an entry in {from} with a part {first_part}: removed {removed}, offered {offered}"
            );
            assert_eq!(f.store.entry(&id).is_err(), removed);
        }
    }
}

#[test]
fn every_step_of_the_store_moves_a_part_exactly_as_the_rule_says() {
    let ways: [(&str, PartState, Try); 4] = [
        ("part_sending", PartState::Sending, part_sending as Try),
        ("part_not_sent", PartState::Pending, part_not_sent),
        ("part_sent", PartState::Sent, part_sent),
        ("retry of an unclear post", PartState::Pending, retry),
    ];
    let mut f = fixture();
    for (name, to, way) in ways {
        // Each step in the entry state it is made in.
        let entry_state = if name.starts_with("retry") {
            OutboxState::Unknown
        } else {
            OutboxState::Sending
        };
        for from in PartState::ALL {
            let id = f.entry_in(entry_state);
            f.set_part(&id, from);
            way(&mut f.store, &id);
            let moves = f.moves("part");
            let expected: Vec<(String, String)> = if from.can_become(to) {
                vec![(code(from), code(to))]
            } else {
                vec![]
            };
            assert_eq!(
                moves, expected,
                "{name} on a part in {from}: the store did {moves:?}, the rule says {expected:?}"
            );
        }
    }
}

#[test]
fn an_accounts_status_changes_exactly_as_the_rule_says() {
    let mut f = fixture();
    for (n, (from, to)) in AccountStatus::ALL
        .into_iter()
        .flat_map(|from| AccountStatus::ALL.into_iter().map(move |to| (from, to)))
        .enumerate()
    {
        f.store
            .connection()
            .execute(
                "UPDATE accounts SET status = ?2, status_reason = 'before' WHERE id = ?1",
                params![f.account, from.as_str()],
            )
            .unwrap();
        f.forget_moves();
        f.store
            .set_account_status(
                &f.account,
                to,
                Some(&Reason::StoreStep {
                    detail: format!("reason {n}"),
                }),
            )
            .unwrap();
        let moves = f.moves("account");
        let expected: Vec<(String, String)> = if from.can_become(to) {
            vec![(code(from), code(to))]
        } else {
            vec![]
        };
        assert_eq!(moves, expected, "{from} → {to}");
        let now = f.store.account(&f.account).unwrap().status;
        assert_eq!(now, if from.can_become(to) { to } else { from });
    }
}

#[test]
fn a_refused_sign_in_is_not_hidden_by_the_network_being_unreachable() {
    let mut f = fixture();
    f.store
        .set_account_status(
            &f.account,
            AccountStatus::Reconnect,
            Some(&Reason::SignInRefused {
                network: Network::Mastodon,
                detail: "token revoked".into(),
            }),
        )
        .unwrap();
    f.store
        .set_account_status(
            &f.account,
            AccountStatus::Offline,
            Some(&Reason::NotReached {
                network: Network::Mastodon,
                detail: "no connection".into(),
            }),
        )
        .unwrap();
    let account = f.store.account(&f.account).unwrap();
    assert_eq!(account.status, AccountStatus::Reconnect);
    assert_eq!(
        account.status_reason,
        "the Mastodon instance no longer accepts this account's sign-in (token revoked): reconnect it"
    );
    assert_eq!(account.status_code.as_deref(), Some("sign_in_refused"));
}
