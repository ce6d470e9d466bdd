//! Goals' weekly targets and the readings of what each published post did (issue 14).
//!
//! Both sync through the change log like accounts and outbox entries (`public.rs`): a target
//! is one row per leader, goal and network, last writer wins per field; a reading is written
//! once and never changed, so a reading one device took reaches the others and no network is
//! asked twice. Which posts fall due for a reading, and when, is `podium_core::results`; this
//! module only stores and lists.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use podium_core::draft::normalise_goal;
use podium_core::goals::{PlannedPost, Target, MAX_PER_WEEK};
use podium_core::network::Network;
use podium_core::results::{reading_due, Metrics, PostResult, READ_AFTER};
use podium_core::schedule;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::columns::time_col;
use crate::{parse_time, timestamp, Error, Result, Store};

/// The setting naming the leader's time zone (the goals' weeks start on Monday there).
pub const GOALS_ZONE_SETTING: &str = "goals.zone";

/// The setting that turns reading X's numbers on (X charges for every read).
pub const X_READS_SETTING: &str = "results.x_reads";

/// Settings `results.wait.<account id>`: a network's "come back at" for reading numbers.
const READ_WAIT_PREFIX: &str = "results.wait.";

/// A target as stored, with its row id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRow {
    pub id: String,
    /// The executive it is for ('' : this laptop's owner).
    pub leader: String,
    #[serde(flatten)]
    pub target: Target,
    pub updated_at: DateTime<Utc>,
}

/// One reading of a post's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    pub entry_id: String,
    pub read_at: DateTime<Utc>,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// A published post on one network, what reading it needs, and its numbers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub entry_id: String,
    pub draft_id: String,
    pub account_id: String,
    pub network: Network,
    /// The account's server (a Bluesky PDS, a Mastodon instance) and its id there.
    pub service: String,
    pub account_remote_id: String,
    /// Whether this device holds the account's sign-in.
    pub signed_in_here: bool,
    /// The device that published it (`None`: this one, before sync).
    pub device: Option<String>,
    /// The first part's post: a thread's numbers are its first post's.
    pub remote_id: Option<String>,
    pub remote_cid: Option<String>,
    pub url: Option<String>,
    pub goal: Option<String>,
    pub title: String,
    pub tags: Vec<String>,
    pub published_at: DateTime<Utc>,
}

/// One row of `podium results`: a post on one network and its latest numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub entry_id: String,
    pub draft_id: String,
    pub network: Network,
    pub url: Option<String>,
    pub goal: Option<String>,
    pub published_at: DateTime<Utc>,
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
    pub quotes: Option<u64>,
    pub impressions: Option<u64>,
    pub read_at: Option<DateTime<Utc>>,
}

const PUBLISHED_SELECT: &str = "
    SELECT o.id, o.draft_id, o.account_id, a.network, a.service, a.remote_id,
           a.credential_ref <> '', o.device,
           coalesce(p.remote_id, o.remote_id), p.remote_cid, coalesce(o.remote_url, p.remote_url),
           d.goal, d.text, d.tags, coalesce(o.sent_at, o.updated_at)
    FROM outbox o
    JOIN accounts a ON a.id = o.account_id
    JOIN drafts d ON d.id = o.draft_id
    LEFT JOIN outbox_parts p ON p.entry_id = o.id AND p.idx = 0
    WHERE o.state = 'sent'";

fn read_published(r: &rusqlite::Row<'_>) -> rusqlite::Result<Published> {
    let network: String = r.get(3)?;
    let tags: String = r.get(13)?;
    let text: String = r.get(12)?;
    Ok(Published {
        entry_id: r.get(0)?,
        draft_id: r.get(1)?,
        account_id: r.get(2)?,
        network: network.parse().unwrap_or(Network::X),
        service: r.get(4)?,
        account_remote_id: r.get(5)?,
        signed_in_here: r.get(6)?,
        device: r.get(7)?,
        remote_id: r.get(8)?,
        remote_cid: r.get(9)?,
        url: r.get(10)?,
        goal: r.get(11)?,
        title: podium_core::draft::title(&text, crate::TITLE_CHARS),
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        published_at: time_col(r, 14)?,
    })
}

fn to_u64(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

fn to_i64(v: Option<u64>) -> Option<i64> {
    v.and_then(|n| i64::try_from(n).ok())
}

impl Store {
    /// The leader's time zone: the one set for goals, else the first account's, else UTC.
    pub fn goals_zone(&self) -> Result<Tz> {
        if let Some(zone) = self.setting(GOALS_ZONE_SETTING)? {
            if let Ok(tz) = schedule::zone(&zone) {
                return Ok(tz);
            }
        }
        let first: Option<String> = self
            .conn
            .query_row(
                "SELECT zone FROM accounts WHERE deleted = 0 ORDER BY seq LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(first
            .and_then(|z| schedule::zone(&z).ok())
            .unwrap_or(Tz::UTC))
    }

    /// Whether X's numbers are read (off until the person turns it on: X charges per read).
    pub fn x_reads(&self) -> Result<bool> {
        Ok(self.setting(X_READS_SETTING)?.as_deref() == Some("on"))
    }

    pub fn set_x_reads(&mut self, on: bool) -> Result<()> {
        self.set_setting(X_READS_SETTING, if on { "on" } else { "off" })
    }

    /// Sets a goal's weekly target for `leader` ('' : this laptop's owner), on one network or
    /// any; 0 a week removes it. The goal is added to the goals if it is a new one.
    pub fn set_target(
        &mut self,
        leader: &str,
        goal: &str,
        network: Option<Network>,
        per_week: u32,
    ) -> Result<Option<TargetRow>> {
        let goal = normalise_goal(goal)
            .ok_or_else(|| Error::Invalid("a target needs a goal: name one".into()))?;
        if per_week > MAX_PER_WEEK {
            return Err(Error::Invalid(format!(
                "{per_week} posts a week is more than a plan can hold: give at most {MAX_PER_WEEK}"
            )));
        }
        let leader = leader.trim().to_owned();
        let existing = self.targets_of(&leader, true)?.into_iter().find(|t| {
            t.target.goal.to_lowercase() == goal.to_lowercase() && t.target.network == network
        });
        if per_week == 0 && existing.is_none() {
            return Ok(None);
        }
        let goal = self.add_goal(&goal)?.unwrap_or(goal);
        let now = timestamp(self.now());
        let id = existing
            .as_ref()
            .map_or_else(|| uuid::Uuid::now_v7().to_string(), |t| t.id.clone());
        let network_code = network.map(|n| n.as_str().to_owned());
        let deleted = per_week == 0;
        self.with_log("target", &[&id], |tx| {
            tx.execute(
                "INSERT INTO targets (id, leader, goal, network, per_week, created_at, updated_at, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET per_week = excluded.per_week,
                     updated_at = excluded.updated_at, deleted = excluded.deleted,
                     goal = excluded.goal",
                params![id, leader, goal, network_code, per_week, now, deleted],
            )?;
            Ok(())
        })?;
        if deleted {
            return Ok(None);
        }
        Ok(self
            .targets_of(&leader, false)?
            .into_iter()
            .find(|t| t.id == id))
    }

    /// A leader's targets, by goal (built-in goals first), then network (any first).
    pub fn targets(&self, leader: &str) -> Result<Vec<TargetRow>> {
        self.targets_of(leader.trim(), false)
    }

    fn targets_of(&self, leader: &str, with_removed: bool) -> Result<Vec<TargetRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, leader, goal, network, per_week, updated_at FROM targets
             WHERE leader = ?1 AND (?2 OR deleted = 0) ORDER BY updated_at DESC",
        )?;
        let rows = stmt
            .query_map(params![leader, with_removed], |r| {
                let network: Option<String> = r.get(3)?;
                Ok(TargetRow {
                    id: r.get(0)?,
                    leader: r.get(1)?,
                    target: Target {
                        goal: r.get(2)?,
                        network: network.and_then(|n| n.parse().ok()),
                        per_week: r.get(4)?,
                    },
                    updated_at: time_col(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Two devices that set one target offline make two rows: the newest wins.
        let mut out: Vec<TargetRow> = Vec::new();
        for row in rows {
            if !out.iter().any(|t| {
                t.target.goal.to_lowercase() == row.target.goal.to_lowercase()
                    && t.target.network == row.target.network
            }) {
                out.push(row);
            }
        }
        let rank = |g: &str| {
            podium_core::draft::BUILT_IN_GOALS
                .iter()
                .position(|b| *b == g)
                .unwrap_or(podium_core::draft::BUILT_IN_GOALS.len())
        };
        out.sort_by(|a, b| {
            rank(&a.target.goal)
                .cmp(&rank(&b.target.goal))
                .then(a.target.goal.cmp(&b.target.goal))
                .then(a.target.network.cmp(&b.target.network))
        });
        Ok(out)
    }

    /// Every post on the plan from `from` on: published ones at the time they went out, queued
    /// ones at their due time (failed, unclear and held ones are not on the plan).
    pub fn plan_posts(&self, from: DateTime<Utc>) -> Result<Vec<PlannedPost>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.draft_id, d.goal, a.network, coalesce(o.sent_at, o.due_at), o.state = 'sent'
             FROM outbox o
             JOIN accounts a ON a.id = o.account_id
             JOIN drafts d ON d.id = o.draft_id
             WHERE o.state IN ('queued', 'claimed', 'sending', 'sent') AND d.deleted = 0
               AND coalesce(o.sent_at, o.due_at) >= ?1",
        )?;
        let rows = stmt
            .query_map([timestamp(from)], |r| {
                let network: String = r.get(2)?;
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    network,
                    time_col(r, 3)?,
                    r.get::<_, bool>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(draft_id, goal, network, at, published)| {
                Some(PlannedPost {
                    draft_id,
                    goal,
                    network: network.parse().ok()?,
                    at,
                    published,
                })
            })
            .collect())
    }

    /// Published posts (one per network), newest first, from `since` on.
    pub fn published(&self, since: Option<DateTime<Utc>>) -> Result<Vec<Published>> {
        let since = since.map(timestamp).unwrap_or_default();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{PUBLISHED_SELECT} AND coalesce(o.sent_at, o.updated_at) >= ?1
             ORDER BY coalesce(o.sent_at, o.updated_at) DESC, o.seq DESC"
        ))?;
        let rows = stmt
            .query_map([since], read_published)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One published post.
    pub fn published_entry(&self, entry_id: &str) -> Result<Published> {
        self.conn
            .prepare_cached(&format!("{PUBLISHED_SELECT} AND o.id = ?1"))?
            .query_row([entry_id], read_published)
            .optional()?
            .ok_or_else(|| Error::NoEntry(entry_id.to_owned()))
    }

    /// The posts whose numbers this device should read at `now`: due by the schedule (1 hour,
    /// 1 day, 7 days after), or all of them when `all` (the person asked). This device reads the
    /// posts it published; another device's when that one has been silent a day past the
    /// reading's time and this one holds the sign-in.
    pub fn readings_due(&self, now: DateTime<Utc>, all: bool) -> Result<Vec<Published>> {
        let own = self.sync_identity()?.map(|i| i.device_id);
        let oldest = now - READ_AFTER[READ_AFTER.len() - 1] - chrono::Duration::days(2);
        let posts = self.published(if all { None } else { Some(oldest) })?;
        let mut out = Vec::new();
        for post in posts {
            if !post.signed_in_here {
                continue;
            }
            let read_at = self.reading_times(&post.entry_id)?;
            if all {
                out.push(post);
                continue;
            }
            let mine = match (&post.device, &own) {
                (None, _) => true,
                (Some(d), Some(me)) => d == me || d == &self.device,
                (Some(d), None) => d == &self.device,
            };
            let due = if mine {
                reading_due(post.published_at, &read_at, now)
            } else {
                reading_due(post.published_at, &read_at, now - chrono::Duration::days(1))
            };
            if due {
                out.push(post);
            }
        }
        Ok(out)
    }

    fn reading_times(&self, entry_id: &str) -> Result<Vec<DateTime<Utc>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT read_at FROM readings WHERE entry_id = ?1")?;
        let rows = stmt
            .query_map([entry_id], |r| time_col(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many readings of the account's posts were taken since `since` (the reads' bound
    /// per account and hour).
    pub fn readings_since(&self, account_id: &str, since: DateTime<Utc>) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM readings r JOIN outbox o ON o.id = r.entry_id
             WHERE o.account_id = ?1 AND r.read_at >= ?2",
            params![account_id, timestamp(since)],
            |r| r.get(0),
        )?)
    }

    /// Until when a network asked not to be read on this account (a 429 and its reset).
    pub fn read_wait(&self, account_id: &str) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .setting(&format!("{READ_WAIT_PREFIX}{account_id}"))?
            .and_then(|s| parse_time(&s).ok()))
    }

    /// Remembers a network's "not before `until`" for reading the account's numbers.
    pub fn set_read_wait(&mut self, account_id: &str, until: DateTime<Utc>) -> Result<()> {
        self.set_setting(
            &format!("{READ_WAIT_PREFIX}{account_id}"),
            &timestamp(until),
        )
    }

    /// Keeps one reading of a post's numbers (logged, so the team's devices get it).
    pub fn record_reading(&mut self, entry_id: &str, metrics: &Metrics) -> Result<Reading> {
        let read_at = self.now();
        let id = uuid::Uuid::now_v7().to_string();
        let at = timestamp(read_at);
        let entry = entry_id.to_owned();
        self.with_log("reading", &[&id], |tx| {
            tx.execute(
                "INSERT INTO readings (id, entry_id, read_at, likes, reposts, replies, quotes, impressions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    entry,
                    at,
                    to_i64(metrics.likes),
                    to_i64(metrics.reposts),
                    to_i64(metrics.replies),
                    to_i64(metrics.quotes),
                    to_i64(metrics.impressions)
                ],
            )?;
            Ok(())
        })?;
        Ok(Reading {
            entry_id: entry_id.to_owned(),
            read_at: parse_time(&at)?,
            metrics: *metrics,
        })
    }

    /// A post's readings, oldest first (the small chart of its numbers over time).
    pub fn readings(&self, entry_id: &str) -> Result<Vec<Reading>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT entry_id, read_at, likes, reposts, replies, quotes, impressions
             FROM readings WHERE entry_id = ?1 ORDER BY read_at, seq",
        )?;
        let rows = stmt
            .query_map([entry_id], read_reading)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every reading of the posts published from `since` on, by post then time.
    pub fn all_readings(&self, since: Option<DateTime<Utc>>) -> Result<Vec<Reading>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.entry_id, r.read_at, r.likes, r.reposts, r.replies, r.quotes, r.impressions
             FROM readings r JOIN outbox o ON o.id = r.entry_id
             WHERE o.state = 'sent' AND coalesce(o.sent_at, o.updated_at) >= ?1
             ORDER BY r.entry_id, r.read_at, r.seq",
        )?;
        let rows = stmt
            .query_map([since.map(timestamp).unwrap_or_default()], read_reading)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Published posts with their latest numbers (what `podium results` prints), newest first.
    pub fn results(&self, since: Option<DateTime<Utc>>) -> Result<Vec<PostResult>> {
        let posts = self.published(since)?;
        let readings = self.all_readings(since)?;
        let mut latest: std::collections::HashMap<&str, &Reading> =
            std::collections::HashMap::new();
        for r in &readings {
            latest.insert(r.entry_id.as_str(), r);
        }
        Ok(posts
            .into_iter()
            .map(|p| {
                let reading = latest.get(p.entry_id.as_str());
                PostResult {
                    metrics: reading.map(|r| r.metrics).unwrap_or_default(),
                    read_at: reading.map(|r| r.read_at),
                    entry_id: p.entry_id,
                    draft_id: p.draft_id,
                    network: p.network,
                    goal: p.goal,
                    title: p.title,
                    url: p.url,
                    tags: p.tags,
                    published_at: p.published_at,
                }
            })
            .collect())
    }
}

/// A result as `podium results` prints it.
impl From<&PostResult> for ResultRow {
    fn from(p: &PostResult) -> ResultRow {
        ResultRow {
            entry_id: p.entry_id.clone(),
            draft_id: p.draft_id.clone(),
            network: p.network,
            url: p.url.clone(),
            goal: p.goal.clone(),
            published_at: p.published_at,
            likes: p.metrics.likes,
            reposts: p.metrics.reposts,
            replies: p.metrics.replies,
            quotes: p.metrics.quotes,
            impressions: p.metrics.impressions,
            read_at: p.read_at,
        }
    }
}

/// The results as CSV, one row per post and network, with the columns of `podium results
/// --json` (empty where the network does not say): a leader's own report.
pub fn results_csv(results: &[PostResult]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    w.write_record([
        "entry_id",
        "draft_id",
        "network",
        "url",
        "goal",
        "published_at",
        "likes",
        "reposts",
        "replies",
        "quotes",
        "impressions",
        "read_at",
    ])
    .map_err(|e| Error::Invalid(e.to_string()))?;
    for p in results {
        let m = &p.metrics;
        w.write_record([
            p.entry_id.clone(),
            p.draft_id.clone(),
            p.network.as_str().to_owned(),
            p.url.clone().unwrap_or_default(),
            p.goal.clone().unwrap_or_default(),
            timestamp(p.published_at),
            count(m.likes),
            count(m.reposts),
            count(m.replies),
            count(m.quotes),
            count(m.impressions),
            p.read_at.map(timestamp).unwrap_or_default(),
        ])
        .map_err(|e| Error::Invalid(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(e.to_string()))
}

fn read_reading(r: &rusqlite::Row<'_>) -> rusqlite::Result<Reading> {
    Ok(Reading {
        entry_id: r.get(0)?,
        read_at: time_col(r, 1)?,
        metrics: Metrics {
            likes: to_u64(r.get(2)?),
            reposts: to_u64(r.get(3)?),
            replies: to_u64(r.get(4)?),
            quotes: to_u64(r.get(5)?),
            impressions: to_u64(r.get(6)?),
        },
    })
}
