//! The sync property (issue 11): three devices make random edits, deletes and restores while
//! offline and sync in random orders and interleavings through a hub that follows the hub's
//! rules; in the end all three hold the same drafts and history, and every word typed (and not
//! removed on purpose) is in some draft or revision.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod hub;
}

use std::collections::{BTreeMap, BTreeSet};

use podium_core::draft::DraftState;
use podium_store::{DraftPatch, Keep, NewDraft, Store};
use proptest::prelude::*;
use serde_json::Value;
use support::hub::{Device, Hub};

#[derive(Debug, Clone)]
enum Action {
    Create {
        device: usize,
        words: usize,
    },
    Insert {
        device: usize,
        draft: usize,
        at: usize,
    },
    Replace {
        device: usize,
        draft: usize,
        at: usize,
    },
    Delete {
        device: usize,
        draft: usize,
    },
    Restore {
        device: usize,
        draft: usize,
    },
    State {
        device: usize,
        draft: usize,
        ready: bool,
    },
    Round {
        device: usize,
    },
    Pull {
        device: usize,
    },
    Push {
        device: usize,
        limit: usize,
    },
    Resolve {
        device: usize,
        keep_copy: bool,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let device = 0..3usize;
    prop_oneof![
        2 => (device.clone(), 1..5usize).prop_map(|(device, words)| Action::Create { device, words }),
        6 => (device.clone(), 0..8usize, 0..12usize)
            .prop_map(|(device, draft, at)| Action::Insert { device, draft, at }),
        3 => (device.clone(), 0..8usize, 0..12usize)
            .prop_map(|(device, draft, at)| Action::Replace { device, draft, at }),
        1 => (device.clone(), 0..8usize).prop_map(|(device, draft)| Action::Delete { device, draft }),
        1 => (device.clone(), 0..8usize).prop_map(|(device, draft)| Action::Restore { device, draft }),
        1 => (device.clone(), 0..8usize, any::<bool>())
            .prop_map(|(device, draft, ready)| Action::State { device, draft, ready }),
        3 => device.clone().prop_map(|device| Action::Round { device }),
        1 => device.clone().prop_map(|device| Action::Pull { device }),
        1 => (device.clone(), 1..4usize).prop_map(|(device, limit)| Action::Push { device, limit }),
        1 => (device, any::<bool>())
            .prop_map(|(device, keep_copy)| Action::Resolve { device, keep_copy }),
    ]
}

/// Every draft id on a device (the bin too), in a stable order.
fn ids(store: &Store) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT id FROM drafts ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn pick(store: &Store, draft: usize) -> Option<String> {
    let ids = ids(store);
    (!ids.is_empty()).then(|| ids[draft % ids.len()].clone())
}

/// What a device holds, without its local bookkeeping (row revisions and row stamps).
fn contents(store: &Store) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let mut drafts = BTreeMap::new();
    for id in ids(store) {
        let mut v = serde_json::to_value(store.draft(&id).unwrap()).unwrap();
        let map = v.as_object_mut().unwrap();
        map.remove("rev");
        map.remove("hlc");
        drafts.insert(id, v);
    }
    let mut revisions = BTreeMap::new();
    let mut stmt = store
        .connection()
        .prepare(
            "SELECT id, draft_id, number, text, variants, kind, name, author, created_at,
             updated_at, deleted FROM revisions",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            let id: String = r.get(0)?;
            let v = serde_json::json!([
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, bool>(10)?,
            ]);
            Ok((id, v))
        })
        .unwrap();
    for row in rows {
        let (id, v) = row.unwrap();
        revisions.insert(id, v);
    }
    (drafts, revisions)
}

fn clocks(store: &Store, id: &str) -> Vec<(String, String)> {
    let mut stmt = store
        .connection()
        .prepare("SELECT field, hlc FROM field_clock WHERE id = ?1 ORDER BY field")
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// All text a device keeps: every draft (the bin too) and every revision.
fn all_text(store: &Store) -> String {
    let mut out = String::new();
    for sql in ["SELECT text FROM drafts", "SELECT text FROM revisions"] {
        let mut stmt = store.connection().prepare(sql).unwrap();
        for text in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            out.push_str(&text.unwrap());
            out.push(' ');
        }
    }
    out
}

fn run(actions: Vec<Action>) {
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let mut hub = Hub::new(now);
    hub.page = 5;
    let mut devices = [Device::new("a"), Device::new("b"), Device::new("c")];
    let mut next_word = 0;
    let mut word = || {
        next_word += 1;
        format!("w{next_word}")
    };
    let mut typed: BTreeSet<String> = BTreeSet::new();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    for action in actions {
        match action {
            Action::Create { device, words } => {
                let words: Vec<String> = (0..words).map(|_| word()).collect();
                typed.extend(words.iter().cloned());
                devices[device]
                    .store
                    .create_draft(NewDraft {
                        text: words.join(" "),
                        ..NewDraft::default()
                    })
                    .unwrap();
            }
            Action::Insert { device, draft, at } | Action::Replace { device, draft, at } => {
                let store = &mut devices[device].store;
                let Some(id) = pick(store, draft) else {
                    continue;
                };
                let d = store.draft(&id).unwrap();
                if d.deleted {
                    continue;
                }
                let mut words: Vec<String> = d
                    .text
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect();
                let new = word();
                typed.insert(new.clone());
                if matches!(action, Action::Replace { .. }) && !words.is_empty() {
                    let at = at % words.len();
                    removed.insert(std::mem::replace(&mut words[at], new));
                } else {
                    let at = at % (words.len() + 1);
                    words.insert(at, new);
                }
                store
                    .update_draft(
                        &id,
                        DraftPatch {
                            text: Some(words.join(" ")),
                            ..DraftPatch::default()
                        },
                    )
                    .unwrap();
            }
            Action::Delete { device, draft } => {
                let store = &mut devices[device].store;
                if let Some(id) = pick(store, draft) {
                    store.delete_draft(&id).unwrap();
                }
            }
            Action::Restore { device, draft } => {
                let store = &mut devices[device].store;
                if let Some(id) = pick(store, draft) {
                    store.undelete_draft(&id).unwrap();
                }
            }
            Action::State {
                device,
                draft,
                ready,
            } => {
                let store = &mut devices[device].store;
                let Some(id) = pick(store, draft) else {
                    continue;
                };
                if store.draft(&id).unwrap().deleted {
                    continue;
                }
                let state = if ready {
                    DraftState::Ready
                } else {
                    DraftState::Idea
                };
                store
                    .update_draft(
                        &id,
                        DraftPatch {
                            state: Some(state),
                            ..DraftPatch::default()
                        },
                    )
                    .unwrap();
            }
            Action::Round { device } => {
                devices[device].round(&mut hub);
            }
            Action::Pull { device } => {
                devices[device].pull(&hub);
            }
            Action::Push { device, limit } => {
                devices[device].push(&mut hub, limit);
            }
            Action::Resolve { device, keep_copy } => {
                let store = &mut devices[device].store;
                let Some(conflict) = store.conflicts().unwrap().into_iter().next() else {
                    continue;
                };
                let keep = if keep_copy {
                    Keep::Copy
                } else {
                    Keep::Original
                };
                store.resolve_conflict(&conflict.copy.id, keep).unwrap();
            }
        }
    }
    // Back online: everyone syncs until nothing moves.
    for _ in 0..4 {
        for device in &mut devices {
            device.round(&mut hub);
        }
    }
    for device in &devices {
        assert_eq!(
            device.store.sync_pending().unwrap(),
            0,
            "{} waits",
            device.id
        );
    }
    let first = contents(&devices[0].store);
    for device in &devices[1..] {
        let other = contents(&device.store);
        assert_eq!(
            first.0.keys().collect::<Vec<_>>(),
            other.0.keys().collect::<Vec<_>>(),
            "the drafts on {} are others",
            device.id
        );
        for (id, mine) in &first.0 {
            let theirs = &other.0[id];
            for (field, value) in mine.as_object().unwrap() {
                assert_eq!(
                    Some(value),
                    theirs.get(field),
                    "draft {id}: {field} differs on {}; clocks {:?} and {:?}",
                    device.id,
                    clocks(&devices[0].store, id),
                    clocks(&device.store, id),
                );
            }
        }
        assert_eq!(first.1, other.1, "revisions differ on {}", device.id);
    }
    let everything = all_text(&devices[0].store);
    let kept: BTreeSet<&str> = everything.split([' ', '\n']).collect();
    for w in typed.difference(&removed) {
        assert!(kept.contains(w.as_str()), "the word {w} was lost");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn three_devices_editing_offline_end_identical_and_lose_no_word(
        actions in proptest::collection::vec(action(), 1..60)
    ) {
        run(actions);
    }
}
