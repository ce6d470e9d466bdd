//! An in-test hub that follows the hub's rules (podium_core::sync): an ordered log with a
//! gap-free cursor; a stamp seen before is a duplicate; a text change whose base is older than
//! the newest accepted text change of its row, made by another device, is stale; a stamp more than five minutes ahead of
//! the hub's clock is refused; pulls come in bounded pages. Devices are real stores.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};

use podium_core::clock::{Stamp, MAX_AHEAD_MS};
use podium_core::sync::{
    Change, ErrorCode, PullAnswer, Pulled, PushAnswer, PushResult, PushStatus, Role, MAX_PAGE,
};
use podium_store::{Store, SyncIdentity};

pub struct Hub {
    log: Vec<Pulled>,
    seen: HashSet<String>,
    newest_text: HashMap<(String, String), (u64, String)>,
    /// The hub's clock (ms since the epoch).
    pub now_ms: u64,
    /// Pages this small, so that rounds take several.
    pub page: usize,
}

impl Hub {
    pub fn new(now_ms: u64) -> Hub {
        Hub {
            log: Vec::new(),
            seen: HashSet::new(),
            newest_text: HashMap::new(),
            now_ms,
            page: 7,
        }
    }

    pub fn len(&self) -> usize {
        self.log.len()
    }

    pub fn push(&mut self, device: &str, changes: &[Change]) -> PushAnswer {
        assert!(changes.len() <= MAX_PAGE);
        let mut results = Vec::new();
        for change in changes {
            let result = |status, cursor, code: Option<ErrorCode>| PushResult {
                hlc: change.hlc.clone(),
                status,
                cursor,
                code,
                message: code.map(|c| format!("{c:?}")),
                reason: None,
                current: None,
            };
            if self.seen.contains(&change.hlc) {
                results.push(result(PushStatus::Duplicate, None, None));
                continue;
            }
            let stamp: Stamp = change.hlc.parse().unwrap();
            if stamp.wall_ms > self.now_ms + MAX_AHEAD_MS {
                results.push(result(
                    PushStatus::Refused,
                    None,
                    Some(ErrorCode::ClockAhead),
                ));
                continue;
            }
            let key = (change.entity.clone(), change.id.clone());
            let text = change.fields.contains_key("text") || change.fields.contains_key("variants");
            let newer_elsewhere = self
                .newest_text
                .get(&key)
                .is_some_and(|(at, by)| *at > change.base.unwrap_or(0) && by != device);
            if text && newer_elsewhere {
                results.push(result(PushStatus::Stale, None, None));
                continue;
            }
            let cursor = self.log.len() as u64 + 1;
            self.seen.insert(change.hlc.clone());
            if text {
                self.newest_text.insert(key, (cursor, device.to_owned()));
            }
            self.log.push(Pulled {
                cursor,
                device_id: device.to_owned(),
                member_id: "m".into(),
                change: change.clone(),
            });
            results.push(result(PushStatus::Accepted, Some(cursor), None));
        }
        PushAnswer {
            results,
            hub_time_ms: self.now_ms,
        }
    }

    pub fn pull(&self, after: u64) -> PullAnswer {
        let start = usize::try_from(after).unwrap().min(self.log.len());
        let end = (start + self.page).min(self.log.len());
        let changes = self.log[start..end].to_vec();
        PullAnswer {
            cursor: changes.last().map_or(after, |c| c.cursor),
            more: end < self.log.len(),
            changes,
            hub_time_ms: self.now_ms,
        }
    }
}

pub struct Device {
    pub id: String,
    pub store: Store,
}

impl Device {
    pub fn new(name: &str) -> Device {
        let mut store = Store::open_in_memory().unwrap();
        store.set_author(name);
        let id = format!("device-{name}");
        store
            .set_sync_identity(&SyncIdentity {
                hub: "http://127.0.0.1:8730".into(),
                workspace: "w".into(),
                device_id: id.clone(),
                member_id: "m".into(),
                member_name: name.into(),
                role: Role::Executive,
                pin: None,
            })
            .unwrap();
        Device { id, store }
    }

    /// Pulls every page, applying each; answers the new conflict copies.
    pub fn pull(&mut self, hub: &Hub) -> Vec<String> {
        let mut conflicts = Vec::new();
        loop {
            let page = hub.pull(self.store.sync_cursor().unwrap());
            let applied = self.store.sync_apply(&page).unwrap();
            conflicts.extend(applied.conflicts);
            if !page.more {
                return conflicts;
            }
        }
    }

    /// Pushes what waits, a page at a time (`limit` changes); answers how many went.
    pub fn push(&mut self, hub: &mut Hub, limit: usize) -> (usize, usize) {
        let (mut pushed, mut stale) = (0, 0);
        loop {
            let out = self.store.sync_outgoing(limit).unwrap();
            if out.is_empty() {
                return (pushed, stale);
            }
            let answer = hub.push(&self.id, &out);
            let settled = self.store.sync_settle(&out, &answer).unwrap();
            pushed += settled.pushed;
            stale += settled.stale;
            if settled.pushed == 0 {
                return (pushed, stale);
            }
        }
    }

    /// One whole round, as `podium sync` does it: pull, push, and again while something was
    /// stale (bounded).
    pub fn round(&mut self, hub: &mut Hub) -> Vec<String> {
        let mut conflicts = self.pull(hub);
        for _ in 0..10 {
            let (_, stale) = self.push(hub, 50);
            conflicts.extend(self.pull(hub));
            if stale == 0 {
                break;
            }
        }
        conflicts
    }
}
