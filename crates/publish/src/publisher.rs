//! The publisher: takes what is due from the outbox and sends it, one step committed at a time.
//!
//! Only one publisher works on a database at once (an exclusive lock on a file beside it, which
//! the OS releases when the process dies, even by `kill -9`). So whatever the lock's new holder
//! finds `claimed` or `sending` was left by a process that is gone, and is settled at once:
//!
//! | a part found in | Bluesky                                  | Mastodon                                   |
//! |-----------------|------------------------------------------|--------------------------------------------|
//! | `pending`       | send it                                  | send it                                    |
//! | `sending`       | `getRecord` on its key: there → sent;    | send again with the same Idempotency-Key   |
//! |                 | absent → send with the same key          | (within 55 min of the first try; after     |
//! |                 | (a second create cannot duplicate)       | that → `unknown`, the user decides)        |
//! | `sent`          | skipped (a thread resumes after it)      | skipped                                    |
//!
//! These steps are the same for every network; how a part is sent and how an unclear outcome
//! is settled is each network's `channel::Channel`, in its own module.
//!
//! Images (and link cards) are uploaded at publish time, for the part they belong to. Bluesky
//! and Mastodon upload inside the part's request, after it is committed `sending` (their key
//! makes sending again harmless). X and LinkedIn have no key, and a part found `sending` there
//! is settled by lookup, never sent again: so they upload before the part is committed
//! `sending` (`Channel::prepare`), and a crash after an upload leaves a part that never left —
//! the next run uploads again and posts once (X lets an unreferenced media id expire; an
//! unreferenced LinkedIn image is shown nowhere).
//!
//! When the account is connected on another device of the team too, the database lock is not
//! enough: each post is claimed on the hub first (a [`Leases`]), every part's request is
//! reported before it leaves and after it is out, and the outcome the moment it settles. A
//! device that takes over a lapsed lease gets the parts and their keys from the hub, and
//! settles a part that may be out by the table above — the same rules, from another device.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use podium_core::lease::{LeaseOutcome, LeaseStep, Settlement};
use podium_core::outbox::{AccountStatus, OutboxState, PartState};
use podium_core::reason::Reason;
use podium_core::schedule;
use podium_core::text::check::{Lang, Network, Options};
use podium_store::{Account, Entry, Part, Store};

use crate::channel::{self, Channel, Failed, Out, Post, Posted, Settled, Thread, Which};
use crate::http::{Failure, Problem};
use crate::lease::{Claim, Leases, Stepped};
use crate::{tid, Error, Result};

/// How long to wait before trying again when the keyring is locked or missing.
const KEYRING_RETRY: Duration = Duration::from_secs(10);

/// What one pass sent and stopped.
#[derive(Debug, Default)]
pub struct Report {
    pub sent: Vec<Entry>,
    pub failed: Vec<Entry>,
    pub unknown: Vec<Entry>,
    /// Too late to send without asking.
    pub review: Vec<Entry>,
    /// Transient trouble: to be tried again (the entry says when and why).
    pub retrying: Vec<Entry>,
    /// Waiting on the keyring or a reconnect, and why.
    pub held: Vec<(Entry, Reason)>,
    /// When the next queued post falls due.
    pub next_at: Option<DateTime<Utc>>,
    /// Ended on another device of the team (the hub said so when this one asked for it).
    pub heard: Vec<Entry>,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
            && self.failed.is_empty()
            && self.unknown.is_empty()
            && self.review.is_empty()
            && self.retrying.is_empty()
            && self.held.is_empty()
            && self.heard.is_empty()
    }
}

/// How long a scheduler loop sleeps before the next pass: until the next post falls due, but
/// never more than half a second (posts scheduled meanwhile by another process are seen).
pub fn pause_after(report: &Report, now: DateTime<Utc>) -> Duration {
    const MAX: Duration = Duration::from_millis(500);
    report.next_at.map_or(MAX, |at| {
        (at - now)
            .to_std()
            .unwrap_or_default()
            .clamp(Duration::from_millis(5), MAX)
    })
}

/// The right to publish from one database.
pub struct Publisher {
    _lock: File,
    lock_path: PathBuf,
    /// The hub's leases, when this device is in a team.
    leases: Option<Box<dyn Leases>>,
    /// The lease held on the post being sent now: its entry and token.
    holding: Option<(String, u64)>,
    /// This device's name in the team, as the hub last said.
    device_name: Option<String>,
    /// Posts another device holds, not asked for again before then.
    not_before: std::collections::HashMap<String, std::time::Instant>,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("lock_path", &self.lock_path)
            .field("leases", &self.leases.is_some())
            .finish_non_exhaustive()
    }
}

impl Publisher {
    /// Takes the publishing lock for the database at `db`, then settles whatever a publisher
    /// that died left half-done. [`Error::Busy`] when another process holds it.
    pub fn acquire(store: &mut Store) -> Result<Publisher> {
        let db = store
            .path()
            .ok_or_else(|| Error::Invalid("publishing needs a database file".into()))?
            .to_path_buf();
        let lock_path = lock_path(&db);
        // Private like the database beside it (0600 whatever the umask; an older one tightened).
        let _ = podium_store::private::create_file(&lock_path)
            .and_then(|()| podium_store::private::tighten_file(&lock_path));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::Io {
                action: "cannot open the publishing lock",
                path: lock_path.display().to_string(),
                source: e,
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Busy(db.display().to_string()))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Io {
                    action: "cannot take the publishing lock",
                    path: lock_path.display().to_string(),
                    source: e,
                })
            }
        }
        let recovered = store.recover_interrupted()?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "posts left mid-send by an earlier run are being settled"
            );
        }
        Ok(Publisher {
            _lock: file,
            lock_path,
            leases: None,
            holding: None,
            device_name: None,
            not_before: std::collections::HashMap::new(),
        })
    }

    /// Publishes through the hub's leases from now on: a post whose account another device of
    /// the team holds too is sent only under a lease the hub granted.
    pub fn use_leases(&mut self, leases: Box<dyn Leases>) {
        self.leases = Some(leases);
    }

    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    /// Sends everything due at `now`.
    pub fn run_due(&mut self, store: &mut Store, now: DateTime<Utc>) -> Result<Report> {
        let grace = store.grace()?;
        let due = store.take_due(now, grace)?;
        let mut report = Report {
            review: due.to_review,
            next_at: due.next_at,
            ..Report::default()
        };
        let now_instant = std::time::Instant::now();
        self.not_before.retain(|_, until| *until > now_instant);
        for id in due.send {
            if self.not_before.contains_key(&id) {
                continue;
            }
            let published = self.publish(store, &id, &mut report);
            self.report_outcome(store, &id);
            if let Err(error) = published {
                // The database refused a step (busy, disk full): leave nothing claimed. Back in
                // the queue, the entry is tried again shortly, and a part that may have gone out
                // is settled first, as after a crash.
                tracing::error!(entry = %id, %error, "publishing step failed");
                let again = Utc::now() + chrono::Duration::seconds(30);
                let why = Reason::StoreStep {
                    detail: error.to_string(),
                };
                if store.release(&id, again, &why).is_err() {
                    return Err(error);
                }
            }
        }
        Ok(report)
    }

    /// Tells the hub how the post whose lease this device holds ended, the moment it did: sent,
    /// failed or unclear; or gives the lease back when it goes back to the queue.
    fn report_outcome(&mut self, store: &mut Store, entry_id: &str) {
        let Some((held, token)) = self.holding.take() else {
            return;
        };
        let Some(leases) = self.leases.as_mut() else {
            return;
        };
        let Ok(entry) = store.entry(&held) else {
            return;
        };
        let outcome = match entry.state {
            OutboxState::Sent => LeaseOutcome::Sent,
            OutboxState::Failed => LeaseOutcome::Failed,
            OutboxState::Unknown => LeaseOutcome::Unknown,
            OutboxState::Queued | OutboxState::Review => LeaseOutcome::Open,
            // Left mid-way (the database refused a step): the lease lapses, and whoever takes
            // it settles the post by the network's own means.
            OutboxState::Claimed | OutboxState::Sending => return,
        };
        if outcome.is_settled() {
            if let Some(name) = self.device_name.clone() {
                if let Err(e) = store.set_published_by(&held, &name) {
                    tracing::warn!(entry = %held, error = %e, "could not note which device published");
                }
            }
        }
        let settlement = Settlement {
            outcome,
            remote_id: entry.remote_id.clone(),
            remote_url: entry.remote_url.clone(),
            reason_code: entry.error_code.clone(),
            reason_data: entry.error_data.as_ref().map(ToString::to_string),
            error: entry.error.clone(),
        };
        if leases.settle(&held, token, settlement).is_none() {
            tracing::warn!(entry = %held, "the hub did not hear how the post ended; its lease lapses");
        }
        debug_assert_eq!(held, entry_id);
    }

    /// Asks the hub for the lease on a post when this device is in a team. `Ok(None)`: send it
    /// as before; `Ok(Some(lease))`: send it under the lease; `Err(())`: not from here now (the
    /// report or the post says why).
    fn gate(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        account: &Account,
        parts: &[(String, String)],
        report: &mut Report,
    ) -> Result<std::result::Result<Option<crate::lease::Lease>, ()>> {
        let Some(leases) = self.leases.as_mut() else {
            return Ok(Ok(None));
        };
        match leases.claim(store, entry, account, parts) {
            Claim::Alone => Ok(Ok(None)),
            Claim::Granted(lease) => {
                if lease.device_name.is_some() {
                    self.device_name.clone_from(&lease.device_name);
                }
                Ok(Ok(Some(lease)))
            }
            Claim::Elsewhere(state) => {
                if state.outcome.is_settled() {
                    if store.hear_outcome(&state)? {
                        tracing::info!(entry = %entry.id, by = ?state.device_name, outcome = state.outcome.as_str(), "ended on another device");
                        report.heard.push(store.entry(&entry.id)?);
                    }
                } else {
                    // Held by another device: asked again when its lease would end.
                    let left = state
                        .expires_ms
                        .saturating_sub(now_ms())
                        .clamp(500, 600_000);
                    self.not_before.insert(
                        entry.id.clone(),
                        std::time::Instant::now() + Duration::from_millis(left),
                    );
                }
                Ok(Err(()))
            }
            Claim::Wait(why) => {
                tracing::warn!(entry = %entry.id, %why, "not sent from this device for now");
                store.note_waiting(&entry.id, &why)?;
                self.not_before
                    .insert(entry.id.clone(), std::time::Instant::now() + HUB_RETRY);
                report.held.push((store.entry(&entry.id)?, why));
                Ok(Err(()))
            }
        }
    }

    fn publish(&mut self, store: &mut Store, entry_id: &str, report: &mut Report) -> Result<()> {
        let entry = store.entry(entry_id)?;
        let account = store.account(&entry.account_id)?;
        if account.status == AccountStatus::Reconnect {
            // The refusal as the account keeps it (an older Podium kept only its English).
            let reason = account
                .status_why()
                .unwrap_or_else(|| Reason::SignInRefused {
                    network: account.network,
                    detail: account.status_reason.clone(),
                });
            store.release(entry_id, Utc::now() + chrono::Duration::minutes(5), &reason)?;
            report.held.push((store.entry(entry_id)?, reason));
            return Ok(());
        }
        let account = refresh_stale_limits(store, account);
        let account = crate::threads::refresh_stale_sign_in(store, account);
        let draft = store.draft(&entry.draft_id)?;
        let fresh_parts = match parts_for(&draft, &account) {
            Ok(parts) => parts,
            Err(why) => {
                // Checked before anything is claimed: nothing went out.
                if store.claim(entry_id, &[])?.is_some() {
                    report.failed.push(store.entry_failed(entry_id, &why)?);
                }
                return Ok(());
            }
        };
        // An image another device of the team attached comes from the hub first (issue 13):
        // with the hub out of reach, or the image not uploaded yet, the post waits — it never
        // goes without its image.
        for sha256 in store.missing_media(Some(&draft.id))? {
            let fetched = match self.leases.as_mut() {
                Some(leases) => leases.fetch_image(store, &sha256),
                None => crate::lease::Fetched::Failed("no team to fetch it from".into()),
            };
            if let crate::lease::Fetched::Later(why) = fetched {
                let reason = Reason::NotPostable {
                    network: account.network,
                    part: None,
                    warning: podium_core::reason::IMAGE_NOT_FETCHED.into(),
                    note_en: format!(
                        "an image attached on another device is not on this one yet, and the \
                         team's hub cannot give it now ({why}): the post waits and is tried \
                         again in 5 minutes"
                    ),
                    note_nb: format!(
                        "et bilde lagt ved på en annen enhet er ikke på denne ennå, og teamets \
                         hub kan ikke gi det nå ({why}): innlegget venter og prøves igjen om \
                         5 minutter"
                    ),
                };
                store.release(entry_id, Utc::now() + chrono::Duration::minutes(5), &reason)?;
                report.held.push((store.entry(entry_id)?, reason));
                return Ok(());
            }
        }
        // The images, prepared for this network before anything is claimed: one that cannot
        // go stops the post here, with nothing sent.
        let images = match crate::media::prepared_for(store, &draft, &account) {
            Ok(images) => images,
            Err(why) => {
                if store.claim(entry_id, &[])?.is_some() {
                    report.failed.push(store.entry_failed(entry_id, &why)?);
                }
                return Ok(());
            }
        };
        let lease = match self.gate(store, &entry, &account, &fresh_parts, report)? {
            Ok(lease) => lease,
            Err(()) => return Ok(()),
        };
        let claimed = match &lease {
            Some(lease) => {
                let taken = store.take_over(entry_id, &lease.parts)?;
                if taken.is_some() {
                    self.holding = Some((entry_id.to_owned(), lease.token));
                }
                taken
            }
            None => store.claim(entry_id, &fresh_parts)?,
        };
        let Some(entry) = claimed else {
            return Ok(()); // someone else took it, or it was moved meanwhile
        };
        let version = store.linkedin_version()?;
        let mut channel = match channel::open(&account, version.as_deref()) {
            Ok(c) => c,
            Err(problem) => return self.stop(store, &entry, &account, problem, report),
        };
        let post = Post {
            lang: &draft.lang,
            content_warning: &draft.content_warning,
            visibility: draft.visibility.unwrap_or(account.visibility),
            images: &[],
            link_card: draft.link_card,
        };
        let mut previous: Option<Posted> = None;
        let mut root: Option<Posted> = None;
        for part in &entry.parts {
            let post = if part.idx == 0 {
                Post {
                    images: &images,
                    ..post
                }
            } else {
                post
            };
            let posted = if part.state == PartState::Sent {
                Posted::from_part(part)
            } else {
                match self.send_part(
                    store,
                    &entry,
                    part,
                    post,
                    channel.as_mut(),
                    root.as_ref(),
                    previous.as_ref(),
                ) {
                    Ok(Some(p)) => p,
                    Ok(None) => {
                        report.unknown.push(store.entry(&entry.id)?);
                        return Ok(());
                    }
                    Err(problem) => return self.stop(store, &entry, &account, problem, report),
                }
            };
            if root.is_none() {
                root = Some(posted.clone());
            }
            previous = Some(posted);
        }
        store.set_account_status(&account.id, AccountStatus::Connected, None)?;
        let sent = store.entry_sent(&entry.id)?;
        tracing::info!(entry = %sent.id, url = ?sent.remote_url, "post sent");
        report.sent.push(sent);
        Ok(())
    }

    /// Sends one part (or settles it, if it may have gone out already). `Ok(None)`: the
    /// outcome cannot be settled and the entry is now `unknown`.
    #[allow(clippy::too_many_arguments)]
    fn send_part(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        part: &Part,
        post: Post<'_>,
        channel: &mut dyn Channel,
        root: Option<&Posted>,
        parent: Option<&Posted>,
    ) -> Result<Option<Posted>, Stop> {
        let which = Which::of(part.idx, entry.parts.len());
        let mut part = part.clone();
        if part.state == PartState::Sending {
            // It may be out: ask before sending again.
            match channel.settle(&part, which).map_err(Stop::Problem)? {
                Settled::Out(out) => return self.out(store, entry, &part, out).map(Some),
                Settled::Unknown(why) => {
                    store.entry_unknown(&entry.id, &why)?;
                    return Ok(None);
                }
                Settled::Send => {}
                Settled::SendAfresh => {
                    store.part_container(&entry.id, part.idx, None)?;
                    part.container = None;
                }
            }
        }
        let thread = root
            .zip(parent)
            .map(|(root, parent)| Thread { root, parent });
        // A two-step network's container, made and committed before the publish request.
        let prepared = channel.prepare(&part, post, thread);
        if let Some(reading) = channel.quota_read() {
            // Only for the account's notice: a reading not kept must not stop the post.
            if let Err(e) = store.set_account_quota(&entry.account_id, &reading) {
                tracing::warn!(error = %e, "the quota reading was not kept");
            }
        }
        if let Some(container) = prepared.map_err(Stop::Problem)? {
            store.part_container(&entry.id, part.idx, Some(&container))?;
            part.container = Some(container);
        }
        let part = &part;
        let request = channel.request(part, post, thread);
        // Under a lease, the hub hears of the request before it leaves: a device that takes
        // over then settles this part rather than sending it blindly.
        self.lease_step(store, &entry.id, LeaseStep::Sending { idx: part.idx })?;
        store.part_sending(&entry.id, part.idx)?;
        checkpoint("before-request");
        let result = request();
        checkpoint("after-response");
        let problem = match result {
            Ok(out) => return self.out(store, entry, part, out).map(Some),
            Err(problem) => problem,
        };
        match channel.settle_failed(part, which, problem) {
            Failed::Out(out) => self.out(store, entry, part, out).map(Some),
            Failed::NotSent(problem) => {
                store.part_not_sent(&entry.id, part.idx)?;
                Err(Stop::Problem(problem))
            }
            Failed::Unclear(problem) => Err(Stop::Problem(problem)),
            Failed::Unknown(why) => {
                store.entry_unknown(&entry.id, &why)?;
                Ok(None)
            }
        }
    }

    /// Ends an attempt that hit `problem`: retry later, fail, or hold for the user.
    fn stop(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        account: &Account,
        stop: impl Into<Stop>,
        report: &mut Report,
    ) -> Result<()> {
        match stop.into() {
            Stop::Store(e) => Err(Error::Store(e)),
            Stop::LeaseLost => {
                store.release(
                    &entry.id,
                    Utc::now(),
                    &Reason::StoreStep {
                        detail: "another device of the team is sending this post".into(),
                    },
                )?;
                Ok(())
            }
            Stop::Problem(Problem::Keyring(why)) => {
                tracing::warn!(entry = %entry.id, %why, "held for the keyring");
                store.release(
                    &entry.id,
                    Utc::now() + chrono::Duration::from_std(KEYRING_RETRY).unwrap_or_default(),
                    &why,
                )?;
                report.held.push((store.entry(&entry.id)?, why));
                Ok(())
            }
            Stop::Problem(Problem::Reconnect(why)) => {
                store.set_account_status(&account.id, AccountStatus::Reconnect, Some(&why))?;
                store.release(&entry.id, Utc::now(), &why)?;
                report.held.push((store.entry(&entry.id)?, why));
                Ok(())
            }
            Stop::Problem(Problem::Net(failure)) => {
                let why = failure.reason(account.network);
                if failure.is_transient() {
                    if matches!(failure, Failure::NotSent(_)) {
                        store.set_account_status(
                            &account.id,
                            AccountStatus::Offline,
                            Some(&why),
                        )?;
                    }
                    let attempts = entry.attempts + 1;
                    if attempts >= schedule::MAX_ATTEMPTS {
                        let reason = Box::new(why);
                        let stopped = if entry.parts.iter().any(|p| p.state == PartState::Sending) {
                            let why = Reason::GaveUpUnclear { reason, attempts };
                            store.entry_unknown(&entry.id, &why)?
                        } else {
                            store.entry_failed(&entry.id, &Reason::GaveUp { reason, attempts })?
                        };
                        push_stopped(report, stopped);
                        return Ok(());
                    }
                    let wait = schedule::backoff(
                        entry.attempts,
                        rand::random::<f64>(),
                        failure.retry_after(),
                    );
                    let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    let again =
                        store.entry_retry_later(&entry.id, at, &why.clone().retrying(at))?;
                    tracing::warn!(entry = %entry.id, wait = ?wait, %why, "will retry");
                    report.retrying.push(again);
                } else {
                    report.failed.push(store.entry_failed(&entry.id, &why)?);
                }
                Ok(())
            }
        }
    }
}

impl Publisher {
    /// Reports a step of the post whose lease this device holds (nothing without a lease).
    /// Lost or unreachable: stop before anything more is sent.
    fn lease_step(
        &mut self,
        store: &mut Store,
        entry_id: &str,
        step: LeaseStep,
    ) -> Result<(), Stop> {
        let (Some((held, token)), Some(leases)) = (self.holding.as_ref(), self.leases.as_mut())
        else {
            return Ok(());
        };
        if held != entry_id {
            return Ok(());
        }
        match leases.step(entry_id, *token, step) {
            Stepped::Held => Ok(()),
            Stepped::Lost(state) => {
                tracing::warn!(entry = entry_id, by = ?state.device_name, "the lease went to another device; stopping");
                self.holding = None;
                let until = state
                    .expires_ms
                    .saturating_sub(now_ms())
                    .clamp(500, 600_000);
                self.not_before.insert(
                    entry_id.to_owned(),
                    std::time::Instant::now() + Duration::from_millis(until),
                );
                if state.outcome.is_settled() {
                    store.hear_outcome(&state)?;
                }
                Err(Stop::LeaseLost)
            }
            Stepped::Unreachable => {
                self.not_before
                    .insert(entry_id.to_owned(), std::time::Instant::now() + HUB_RETRY);
                Err(Stop::LeaseLost)
            }
        }
    }
}

impl Publisher {
    /// A part is out: committed here, then told to the hub under a lease. The hub not hearing
    /// it changes nothing here (the part is out); a device taking over finds it by its key.
    fn out(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        part: &Part,
        out: Out,
    ) -> Result<Posted, Stop> {
        let (remote_id, remote_cid) = out.posted.ids();
        let step = LeaseStep::Sent {
            idx: part.idx,
            remote_id: remote_id.to_owned(),
            remote_cid: remote_cid.map(str::to_owned),
            remote_url: out.url.clone(),
        };
        let posted = sent(store, entry, part, out)?;
        checkpoint("before-report");
        if self.lease_step(store, &entry.id, step).is_err() {
            tracing::warn!(entry = %entry.id, part = part.idx, "the hub did not hear that the part is out");
        }
        Ok(posted)
    }
}

/// How long a post waits before this device asks the hub about it again, when the hub could not
/// be reached.
const HUB_RETRY: Duration = Duration::from_secs(15);

fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
}

/// Commits a part that is out (logging it when it was found rather than answered), and tells
/// the hub under a lease.
fn sent(store: &mut Store, entry: &Entry, part: &Part, out: Out) -> Result<Posted, Stop> {
    let (id, cid) = out.posted.ids();
    store.part_sent(&entry.id, part.idx, id, cid, &out.url)?;
    if let Some(found) = out.found {
        tracing::info!(entry = %entry.id, part = part.idx, "{found}");
    }
    Ok(out.posted)
}

fn push_stopped(report: &mut Report, entry: Entry) {
    if entry.state == OutboxState::Unknown {
        report.unknown.push(entry);
    } else {
        report.failed.push(entry);
    }
}

/// Why sending stopped.
#[derive(Debug)]
enum Stop {
    Problem(Problem),
    Store(podium_store::Error),
    /// The lease is no longer this device's (or the hub cannot confirm it): nothing more is
    /// sent from here; the post goes back to the queue here, and the hub knows who has it.
    LeaseLost,
}

impl From<Problem> for Stop {
    fn from(p: Problem) -> Stop {
        Stop::Problem(p)
    }
}

impl From<podium_store::Error> for Stop {
    fn from(e: podium_store::Error) -> Stop {
        Stop::Store(e)
    }
}

/// The texts to send for a draft on an account (one, or the parts of a thread), each with a
/// fresh key; or why it cannot go out as it is (too long), before anything is sent. Whether it
/// fits is `podium_core::fit`'s rule, the one scheduling asks too.
pub fn parts_for(
    draft: &podium_store::Draft,
    account: &Account,
) -> std::result::Result<Vec<(String, String)>, Reason> {
    let network = account.network;
    let options = Options {
        limit: account.max_chars,
        lang: Lang::from_code(&draft.lang),
        // Mastodon counts the content warning with the text.
        content_warning: if network == Network::Mastodon {
            draft.content_warning.clone()
        } else {
            String::new()
        },
        ..Options::default()
    };
    let texts = podium_core::fit::texts_to_send(
        &draft.text,
        &draft.variants,
        draft.thread,
        network,
        &options,
    )
    .map_err(|misfit| misfit.reason())?;
    Ok(texts
        .into_iter()
        .map(|t| {
            let key = match network {
                Network::Bluesky => tid::now(),
                _ => uuid::Uuid::now_v7().to_string(),
            };
            (t, key)
        })
        .collect())
}

/// A Mastodon instance's limit is read again when it is a day old (instances change it); a
/// failure keeps the one known.
fn refresh_stale_limits(store: &mut Store, account: Account) -> Account {
    let stale = account.network == Network::Mastodon
        && account
            .limits_at
            .is_none_or(|at| Utc::now() - at > chrono::Duration::hours(24));
    if stale && crate::connect::refresh_limits(store, &account).is_ok() {
        if let Ok(fresh) = store.account(&account.id) {
            return fresh;
        }
    }
    account
}

/// The lock file beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".publisher.lock");
    db.with_file_name(name)
}

/// Fault injection for the crash tests: with `PODIUM_TEST_PAUSE_AT=<step>`, the publisher stops
/// at that step (after everything before it is committed) and waits to be killed. Debug builds
/// only (the tests run the debug `podium`): the release app has no such switch.
#[cfg(debug_assertions)]
pub(crate) fn checkpoint(step: &str) {
    if std::env::var("PODIUM_TEST_PAUSE_AT").is_ok_and(|s| s == step) {
        eprintln!("podium: paused at {step}");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

#[cfg(not(debug_assertions))]
pub(crate) fn checkpoint(_step: &str) {}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_store::{NewAccount, NewDraft};

    fn on_x(text: &str) -> std::result::Result<Vec<(String, String)>, Reason> {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
        let account = store
            .add_account(NewAccount {
                network: Some(Network::X),
                handle: "leder".into(),
                remote_id: "1".into(),
                credential_ref: "x:1".into(),
                zone: "Europe/Oslo".into(),
                ..NewAccount::default()
            })
            .unwrap();
        let draft = store
            .create_draft(NewDraft {
                text: text.into(),
                networks: vec![Network::X],
                ..NewDraft::default()
            })
            .unwrap();
        parts_for(&draft, &account)
    }

    #[test]
    fn a_post_that_fits_but_holds_a_character_x_refuses_says_which_not_too_long() {
        let reason = on_x("\u{feff}Gode ledere deler læring. #ledelse").unwrap_err();
        let why = reason.to_string();
        assert!(!why.contains("too long"), "{why}");
        assert!(why.contains("cannot go out on X"), "{why}");
        assert!(why.contains("U+FEFF"), "{why}");
        // The window words it from the code, with the check's note in its own language.
        let Reason::NotPostable {
            network,
            part,
            warning,
            note_nb,
            ..
        } = reason
        else {
            panic!("{why}")
        };
        assert_eq!((network, part), (Network::X, None));
        assert!(!warning.is_empty());
        assert!(note_nb.contains("U+FEFF") && note_nb != why, "{note_nb}");
    }

    #[test]
    fn a_post_too_long_for_x_says_how_long() {
        let why = on_x(&"Ærlig talt: ".repeat(25)).unwrap_err();
        assert_eq!(
            why,
            Reason::TooLong {
                network: Network::X,
                part: None,
                length: 300,
                limit: 280
            }
        );
        assert!(why
            .to_string()
            .contains("too long for X (300 of 280 allowed)"));
        assert!(on_x("Gode ledere deler læring. #ledelse").is_ok());
    }
}
