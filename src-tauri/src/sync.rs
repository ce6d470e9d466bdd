//! Team sync in the app's background: two threads, each with its own database connection.
//!
//! - `sync` runs rounds (`podium_sync::round`: pull, merge, push, pull what the push made):
//!   about a second after a save (saves that follow each other within that second go in one
//!   round), at once when the listener hears news, and once a minute besides (changes the CLI
//!   made to the same database). When the hub cannot be reached the state is *offline since …*,
//!   not an error: everything keeps working, and the thread tries again after 1, 2, 4 … 15 s.
//! - `sync-listen` holds a long poll open at the hub (`wait`), so a change made on another
//!   device is pulled as soon as the hub has it.
//!
//! The window hears `sync-changed` (the state for the chip, with every change of it) and
//! `drafts-changed` (after a round pulled something: the list and an open draft refresh; the
//! plan hears `outbox-changed`). Saves reach the sync thread through `Syncing::saved` (the
//! draft commands) and `outbox-changed` (the queue).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use podium_store::{PageCheck, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Listener, Manager};

use crate::commands::{Answer, CommandError};
use crate::publishing::OUTBOX_CHANGED;
use crate::team::{self, Identity, Problem};

/// The event with the sync state (a [`SyncView`]).
pub const SYNC_CHANGED: &str = "sync-changed";
/// The event after a round brought changes from other devices (`{pulled, conflicts}`).
pub const DRAFTS_CHANGED: &str = "drafts-changed";

/// How long after a save its round starts (saves within it share the round).
const AFTER_SAVE: Duration = Duration::from_millis(700);
/// A round at least this often while joined (picks up what the CLI wrote).
const IDLE_ROUND: Duration = Duration::from_secs(60);
/// The longest wait between tries while the hub cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(15);
/// How long the listener lets a round pull the news it heard before it asks again.
const NEWS_PULLED: Duration = Duration::from_secs(5);
/// How long one long poll waits at the hub.
const LISTEN_SECS: u64 = 25;

/// The sync state as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncView {
    /// `off` (not in a team), `synced`, `syncing`, `offline` (the hub cannot be reached) or
    /// `problem` (`problem` says what: the clock is ahead, the device was revoked, …).
    pub state: &'static str,
    pub identity: Option<Identity>,
    /// Changes made here that the hub does not have yet.
    pub pending: u64,
    /// Conflict copies waiting for the user.
    pub conflicts: u64,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub offline_since: Option<DateTime<Utc>>,
    pub problem: Option<CommandError>,
}

impl Default for SyncView {
    fn default() -> SyncView {
        SyncView {
            state: "off",
            identity: None,
            pending: 0,
            conflicts: 0,
            last_synced_at: None,
            offline_since: None,
            problem: None,
        }
    }
}

enum Kick {
    /// Something was saved: a round soon.
    Saved,
    /// A round now (news at the hub, joined, "Sync now").
    Now,
}

/// The sync state, and the way to wake the sync thread.
#[derive(Default)]
pub struct Syncing {
    view: Mutex<SyncView>,
    kick: Mutex<Option<Sender<Kick>>>,
}

impl std::fmt::Debug for Syncing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncing")
            .field("view", &self.view())
            .finish()
    }
}

impl Syncing {
    pub fn view(&self) -> SyncView {
        self.view.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// A save happened: the sync thread pushes it within about a second.
    pub fn saved(&self) {
        self.send(Kick::Saved);
    }

    /// Passes a command's answer on; when it saved something, that is pushed within a second.
    pub fn after_save<T>(&self, answer: Answer<T>) -> Answer<T> {
        if answer.is_ok() {
            self.saved();
        }
        answer
    }

    /// A round now (after joining, or when the user asks).
    pub fn now(&self) {
        self.send(Kick::Now);
    }

    fn send(&self, kick: Kick) {
        if let Ok(sender) = self.kick.lock() {
            if let Some(sender) = sender.as_ref() {
                let _ = sender.send(kick);
            }
        }
    }

    /// Changes the state and tells the window when it changed.
    pub fn update(&self, app: &AppHandle, change: impl FnOnce(&mut SyncView)) {
        let view = match self.view.lock() {
            Ok(mut view) => {
                let before = view.clone();
                change(&mut view);
                if *view == before {
                    return;
                }
                view.clone()
            }
            Err(_) => return,
        };
        let _ = app.emit(SYNC_CHANGED, view);
    }
}

/// Starts the two sync threads for the database at `path`.
pub fn start(app: &AppHandle, path: PathBuf) -> std::io::Result<()> {
    let (sender, receiver) = mpsc::channel();
    if let Ok(mut kick) = app.state::<Syncing>().kick.lock() {
        *kick = Some(sender);
    }
    // The queue changed (scheduled, moved, sent, failed): its entries sync like drafts.
    let queue = app.clone();
    app.listen(OUTBOX_CHANGED, move |_| queue.state::<Syncing>().saved());
    let rounds = app.clone();
    let db = path.clone();
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || run_rounds(&rounds, &db, &receiver))?;
    let listen = app.clone();
    std::thread::Builder::new()
        .name("sync-listen".into())
        .spawn(move || listen_for_news(&listen, &path))?;
    Ok(())
}

/// Opens the thread's own connection, waiting while the database cannot be opened (the window
/// explains why).
fn open(path: &Path) -> Store {
    loop {
        match Store::open_with(path, PageCheck::Header) {
            Ok(store) => return store,
            Err(error) => {
                tracing::debug!(%error, "sync waits for the database");
                std::thread::sleep(Duration::from_secs(30));
            }
        }
    }
}

fn run_rounds(app: &AppHandle, path: &Path, kicks: &Receiver<Kick>) {
    let mut store = open(path);
    let syncing = app.state::<Syncing>();
    // A round at start: pushes what was typed while Podium was closed or offline.
    let mut due = Some(Instant::now());
    let mut backoff: Option<Duration> = None;
    loop {
        let wait = due.map_or(IDLE_ROUND, |d| d.saturating_duration_since(Instant::now()));
        match kicks.recv_timeout(wait) {
            // While offline, saves wait for the next try instead of hammering the hub.
            Ok(Kick::Saved) if backoff.is_none() => {
                let soon = Instant::now() + AFTER_SAVE;
                due = Some(due.map_or(soon, |d| d.min(soon)));
            }
            Ok(Kick::Saved) => {}
            Ok(Kick::Now) => due = Some(Instant::now()),
            Err(RecvTimeoutError::Timeout) => due = Some(due.unwrap_or_else(Instant::now)),
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if due.is_none_or(|d| d > Instant::now()) {
            continue;
        }
        due = None;
        backoff = round(app, &syncing, &mut store, backoff);
        if let Some(wait) = backoff {
            due = Some(Instant::now() + wait);
        }
    }
}

/// One round, with the state told before and after. Answers how long to wait before the next
/// try when the hub could not be reached.
fn round(
    app: &AppHandle,
    syncing: &Syncing,
    store: &mut Store,
    backoff: Option<Duration>,
) -> Option<Duration> {
    let identity = match team::identity(store) {
        Ok(Some(identity)) => identity,
        Ok(None) => {
            syncing.update(app, |v| *v = SyncView::default());
            return None;
        }
        Err(problem) => {
            syncing.update(app, |v| {
                v.state = "problem";
                v.problem = Some(problem.into_error());
            });
            return None;
        }
    };
    syncing.update(app, |v| {
        v.identity = Some(identity.clone());
        if v.state != "offline" {
            v.state = "syncing";
        }
    });
    let outcome = team::round(store);
    let forbidden = match &outcome {
        Ok(done) if done.forbidden > 0 => team::forbidden(store),
        _ => None,
    };
    let pending = team::pending(store);
    let conflicts = team::conflict_count(store);
    let mut next = None;
    syncing.update(app, |v| {
        v.pending = pending;
        v.conflicts = conflicts;
        match &outcome {
            Ok(_) => {
                v.state = "synced";
                v.last_synced_at = Some(Utc::now());
                v.offline_since = None;
                // A change the hub refused for this member's role was rolled back: say why.
                v.problem = forbidden.clone();
            }
            Err(Problem::NotJoined) => *v = SyncView::default(),
            Err(Problem::Unreachable { .. }) => {
                v.state = "offline";
                v.offline_since.get_or_insert_with(Utc::now);
                next = Some(backoff.map_or(Duration::from_secs(1), |b| (b * 2).min(MAX_BACKOFF)));
            }
            Err(Problem::Other(error)) => {
                v.state = "problem";
                v.problem = Some(error.clone());
                next = Some(IDLE_ROUND);
            }
        }
        if let (Err(problem), "offline") = (&outcome, v.state) {
            v.problem = Some(problem.clone().into_error());
        }
    });
    match outcome {
        Ok(done) => {
            tracing::debug!(?done, "sync round");
            // `pulled` counts other devices' changes only (not this device's coming back).
            if done.approvals || done.forbidden > 0 {
                let _ = app.emit(crate::commands::approval::APPROVAL_CHANGED, ());
            }
            // An image fetched for a draft already here changes what the editor can show.
            if done.pulled > 0 || done.conflicts > 0 || done.forbidden > 0 || done.images > 0 {
                let _ = app.emit(DRAFTS_CHANGED, done);
                // Posts another device scheduled, or their outcomes: the plan refreshes. (No
                // round follows from this: the next one pulls nothing new.)
                let _ = app.emit(OUTBOX_CHANGED, ());
            }
        }
        Err(Problem::Other(error)) => tracing::warn!(%error, "sync round failed"),
        Err(problem) => tracing::debug!(?problem, "sync round did not reach the hub"),
    }
    next
}

/// Holds a long poll open at the hub and starts a round as soon as it has news.
fn listen_for_news(app: &AppHandle, path: &Path) {
    let store = open(path);
    let syncing = app.state::<Syncing>();
    let mut backoff = Duration::from_secs(1);
    let mut listening = None;
    loop {
        let cursor = team::cursor(&store);
        match team::wait_for_news(&store, &mut listening, cursor, LISTEN_SECS) {
            Ok(news) => {
                backoff = Duration::from_secs(1);
                if news {
                    syncing.now();
                    // The round pulls the news; until it has, asking again would only hear
                    // the same news.
                    let asked = Instant::now();
                    while team::cursor(&store) == cursor && asked.elapsed() < NEWS_PULLED {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
            }
            // Not in a team: look again now and then (joining also wakes the round thread).
            Err(Problem::NotJoined) => std::thread::sleep(Duration::from_secs(2)),
            Err(_) => {
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}
