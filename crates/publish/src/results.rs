//! Reading what published posts did: each network's numbers for each post, on the schedule
//! `podium_core::results` keeps (about 1 hour, 1 day and 7 days after it went out) or when the
//! person asks, kept as readings in the store (which syncs them, so no network is asked twice).
//!
//! Reads never stand in publishing's way: the loop calls [`read_due`] after a publishing pass,
//! with a time budget, and a read that fails only waits for the next turn. A network that says
//! "not now" (429) is left alone on that account until the time it named; each account is read
//! at most [`READS_PER_ACCOUNT_PER_HOUR`] times an hour. X charges for every read, so X is read
//! only when the person turned it on; LinkedIn does not share a member's post numbers with apps
//! like Podium (only partner programmes get them), which Podium says rather than showing zeros.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use podium_core::network::Network;
use podium_core::results::Metrics;
use podium_store::{Published, Store};
use serde::Serialize;

use crate::bluesky::Bluesky;
use crate::http::{Failure, Problem};
use crate::mastodon::Mastodon;
use crate::x::X;
use crate::Result;

/// The most reads of one account's posts in an hour.
pub const READS_PER_ACCOUNT_PER_HOUR: u32 = 60;

/// How long a scheduled pass of reads may take before it yields to publishing.
pub const SCHEDULED_BUDGET: Duration = Duration::from_secs(20);

/// How long Podium leaves an account alone after a 429 that named no time.
const DEFAULT_WAIT: Duration = Duration::from_secs(15 * 60);

/// Why a post's numbers were not read, as a code the window and the CLI word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NotRead {
    /// LinkedIn does not share these numbers with Podium.
    NotShared,
    /// X charges per read, and reading it is off (a setting).
    XOff,
    /// Podium does not read this network's numbers (Threads, for now).
    Unsupported,
    /// The network asked to wait (429) until then, or this hour's reads are spent.
    Waiting { until: DateTime<Utc> },
    /// The post is gone from the network.
    Gone,
    /// The read failed; the next turn tries again.
    Failed { detail: String },
}

impl NotRead {
    /// In plain English (the CLI's words; the window words the code).
    pub fn describe(&self, network: Network) -> String {
        match self {
            NotRead::NotShared => {
                "LinkedIn does not share these numbers with Podium (only LinkedIn's partner apps get a member's post statistics)".into()
            }
            NotRead::XOff => {
                "X charges for every read, so Podium reads X's numbers only when you turn it on (`podium results x-reads on`, or Results in the app)".into()
            }
            NotRead::Unsupported => format!("Podium does not read {}'s numbers yet", network.name()),
            NotRead::Waiting { until } => format!(
                "{} asked Podium to wait; it reads again after {}",
                network.name(),
                until.format("%Y-%m-%d %H:%M UTC")
            ),
            NotRead::Gone => format!("the post is no longer on {}", network.name()),
            NotRead::Failed { detail } => format!("{} did not answer: {detail}", network.name()),
        }
    }
}

/// What one pass of reads did.
#[derive(Debug, Default, Serialize)]
pub struct ReadReport {
    /// Entries read, with their numbers.
    pub read: Vec<(String, Metrics)>,
    /// Entries not read, and why.
    pub not_read: Vec<(Published, NotRead)>,
    /// Entries left for the next pass (the budget ran out).
    pub left: usize,
}

/// One open client per account, made on first use in a pass.
enum Reader {
    Bluesky(Bluesky),
    Mastodon(Mastodon),
    X(X),
    None(NotRead),
}

fn open(store: &Store, post: &Published, x_on: bool) -> Reader {
    let account = match store.account(&post.account_id) {
        Ok(a) => a,
        Err(e) => {
            return Reader::None(NotRead::Failed {
                detail: e.to_string(),
            })
        }
    };
    let failed = |p: Problem| {
        Reader::None(NotRead::Failed {
            detail: describe(post.network, &p),
        })
    };
    match post.network {
        Network::Bluesky => Bluesky::open(&account).map_or_else(failed, Reader::Bluesky),
        Network::Mastodon => Mastodon::open(&account).map_or_else(failed, Reader::Mastodon),
        Network::X if !x_on => Reader::None(NotRead::XOff),
        Network::X => X::open(&account).map_or_else(failed, Reader::X),
        Network::Linkedin => Reader::None(NotRead::NotShared),
        Network::Threads => Reader::None(NotRead::Unsupported),
    }
}

fn describe(network: Network, p: &Problem) -> String {
    match p {
        Problem::Net(f) => f.describe(network.as_str()),
        Problem::Reconnect(r) | Problem::Keyring(r) => r.to_string(),
    }
}

fn read_one(
    reader: &mut Reader,
    post: &Published,
) -> std::result::Result<Option<Metrics>, Problem> {
    let Some(id) = post.remote_id.as_deref() else {
        return Ok(None);
    };
    match reader {
        Reader::Bluesky(c) => c.post_metrics(id),
        Reader::Mastodon(c) => c.status_metrics(id),
        Reader::X(c) => c.post_metrics(id),
        Reader::None(_) => Ok(None),
    }
}

/// Reads the numbers of the posts due at `now` (or of every published post, when `all`), within
/// `budget`, and keeps each reading. A failure of one read is reported, never returned: only the
/// store failing stops the pass.
pub fn read_due(
    store: &mut Store,
    now: DateTime<Utc>,
    all: bool,
    budget: Duration,
) -> Result<ReadReport> {
    let started = Instant::now();
    let x_on = store.x_reads()?;
    let due = store.readings_due(now, all)?;
    let mut report = ReadReport::default();
    let mut readers: HashMap<String, Reader> = HashMap::new();
    let hour_ago = now - chrono::Duration::hours(1);
    let mut spent: HashMap<String, u32> = HashMap::new();
    let total = due.len();
    for (i, post) in due.into_iter().enumerate() {
        if started.elapsed() >= budget {
            report.left = total - i;
            break;
        }
        if let Some(until) = store.read_wait(&post.account_id)? {
            if until > now {
                report.not_read.push((post, NotRead::Waiting { until }));
                continue;
            }
        }
        let reads = match spent.get(&post.account_id) {
            Some(n) => *n,
            None => store.readings_since(&post.account_id, hour_ago)?,
        };
        if reads >= READS_PER_ACCOUNT_PER_HOUR {
            let until = now + chrono::Duration::hours(1);
            report.not_read.push((post, NotRead::Waiting { until }));
            continue;
        }
        let reader = readers
            .entry(post.account_id.clone())
            .or_insert_with(|| open(store, &post, x_on));
        if let Reader::None(why) = reader {
            let why = why.clone();
            report.not_read.push((post, why));
            continue;
        }
        spent.insert(post.account_id.clone(), reads + 1);
        match read_one(reader, &post) {
            Ok(Some(metrics)) => {
                store.record_reading(&post.entry_id, &metrics)?;
                report.read.push((post.entry_id, metrics));
            }
            Ok(None) => report.not_read.push((post, NotRead::Gone)),
            Err(Problem::Net(Failure::Status {
                status: 429,
                retry_after,
                ..
            })) => {
                let wait = retry_after.unwrap_or(DEFAULT_WAIT);
                let until =
                    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(15));
                store.set_read_wait(&post.account_id, until)?;
                *reader = Reader::None(NotRead::Waiting { until });
                report.not_read.push((post, NotRead::Waiting { until }));
            }
            Err(p) => {
                let detail = describe(post.network, &p);
                report.not_read.push((post, NotRead::Failed { detail }));
            }
        }
    }
    Ok(report)
}
