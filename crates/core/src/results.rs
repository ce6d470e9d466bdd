//! What each post did: its numbers as a network reports them, when to read them again (about
//! an hour, a day and a week after it went out), and the Results view's sums — per goal and
//! network over the weeks, the best posts per goal, the hashtags whose posts did best.
//!
//! A count the network does not report is `None` (LinkedIn's, X's impressions without the
//! access), never 0: a zero is a number the network said. Reactions are likes, reposts,
//! replies and quotes; impressions are not reactions.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration as Span, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::draft::normalise_goal;
use crate::goals::{week_bounds, week_of, Target};
use crate::network::Network;

/// When a post's numbers are read after it went out.
pub const READ_AFTER: [Span; 3] = [Span::hours(1), Span::days(1), Span::days(7)];

/// A post's numbers at one moment; `None` where the network does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
    pub quotes: Option<u64>,
    pub impressions: Option<u64>,
}

impl Metrics {
    /// Likes, reposts, replies and quotes together (what the network does not say counts 0).
    pub fn reactions(&self) -> u64 {
        [self.likes, self.reposts, self.replies, self.quotes]
            .iter()
            .map(|n| n.unwrap_or(0))
            .sum()
    }
}

/// Whether a post's numbers are due for a reading at `now`: a mark (1 h, 1 day, 7 days) has
/// passed and no reading was taken since it. `read_at` are the readings' times.
pub fn reading_due(
    published_at: DateTime<Utc>,
    read_at: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> bool {
    let latest = read_at.iter().max();
    READ_AFTER
        .iter()
        .map(|after| published_at + *after)
        .filter(|mark| *mark <= now)
        .max()
        .is_some_and(|mark| latest.is_none_or(|l| *l < mark))
}

/// The next time a post's numbers fall due after `now`, if any mark is still ahead.
pub fn next_reading(published_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    READ_AFTER
        .iter()
        .map(|after| published_at + *after)
        .find(|mark| *mark > now)
}

/// One published post on one network with its latest numbers, as the Results view sums it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostResult {
    pub entry_id: String,
    pub draft_id: String,
    pub network: Network,
    pub goal: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub tags: Vec<String>,
    pub published_at: DateTime<Utc>,
    /// The latest reading's numbers (all `None` before the first reading).
    pub metrics: Metrics,
    pub read_at: Option<DateTime<Utc>>,
}

/// One goal on one network in one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalWeek {
    pub goal: String,
    pub network: Network,
    pub week: NaiveDate,
    pub posts: u32,
    /// The target for that goal on that network (or on any network), if one is set.
    pub target: Option<u32>,
    pub reactions: u64,
    pub per_post: f64,
}

/// A hashtag and how the posts carrying it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagResult {
    pub tag: String,
    pub posts: u32,
    pub per_post: f64,
}

/// The Results view's sums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The weeks shown, oldest first (Mondays in the leader's zone).
    pub weeks: Vec<NaiveDate>,
    pub goal_weeks: Vec<GoalWeek>,
    /// Per goal, its best posts (most reactions first), at most `best` each.
    pub best: BTreeMap<String, Vec<PostResult>>,
    /// Hashtags whose posts did best, most reactions per post first.
    pub tags: Vec<TagResult>,
}

/// The goal posts without one are summed under.
pub const NO_GOAL: &str = "";

fn per_post(reactions: u64, posts: u32) -> f64 {
    if posts == 0 {
        0.0
    } else {
        // Counts stay far below 2^52, so the conversion is exact.
        reactions as f64 / f64::from(posts)
    }
}

/// Sums `posts` for the Results view: the `weeks` weeks up to the one `now` falls in.
pub fn summarise(
    posts: &[PostResult],
    targets: &[Target],
    zone: Tz,
    now: DateTime<Utc>,
    weeks: usize,
    best: usize,
) -> Summary {
    let this_week = week_of(now, zone);
    let shown: Vec<NaiveDate> = (0..weeks)
        .rev()
        .map(|i| this_week - Span::weeks(i64::try_from(i).unwrap_or(0)))
        .collect();
    let first = shown
        .first()
        .map(|m| week_bounds(*m, zone).0)
        .unwrap_or(now);
    let goal_of = |p: &PostResult| {
        p.goal
            .as_deref()
            .and_then(normalise_goal)
            .unwrap_or_else(|| NO_GOAL.to_owned())
    };
    let mut cells: BTreeMap<(String, Network, NaiveDate), (u32, u64)> = BTreeMap::new();
    let mut by_goal: BTreeMap<String, Vec<PostResult>> = BTreeMap::new();
    let mut tags: BTreeMap<String, (String, u32, u64)> = BTreeMap::new();
    for post in posts {
        let goal = goal_of(post);
        let reactions = post.metrics.reactions();
        if post.published_at >= first {
            let cell = cells
                .entry((goal.clone(), post.network, week_of(post.published_at, zone)))
                .or_default();
            cell.0 += 1;
            cell.1 += reactions;
        }
        by_goal.entry(goal).or_default().push(post.clone());
        for tag in &post.tags {
            let entry = tags
                .entry(tag.to_lowercase())
                .or_insert_with(|| (tag.clone(), 0, 0));
            entry.1 += 1;
            entry.2 += reactions;
        }
    }
    let target_for = |goal: &str, network: Network| {
        let same = |t: &&Target| {
            normalise_goal(&t.goal).map(|g| g.to_lowercase()) == Some(goal.to_lowercase())
        };
        targets
            .iter()
            .filter(same)
            .find(|t| t.network == Some(network))
            .or_else(|| targets.iter().filter(same).find(|t| t.network.is_none()))
            .map(|t| t.per_week)
    };
    let goal_weeks = cells
        .into_iter()
        .map(|((goal, network, week), (n, reactions))| GoalWeek {
            target: target_for(&goal, network),
            goal,
            network,
            week,
            posts: n,
            reactions,
            per_post: per_post(reactions, n),
        })
        .collect();
    let best = by_goal
        .into_iter()
        .map(|(goal, mut list)| {
            list.sort_by(|a, b| {
                b.metrics
                    .reactions()
                    .cmp(&a.metrics.reactions())
                    .then(b.published_at.cmp(&a.published_at))
            });
            list.truncate(best);
            (goal, list)
        })
        .collect();
    let mut tags: Vec<TagResult> = tags
        .into_values()
        .map(|(tag, n, reactions)| TagResult {
            tag,
            posts: n,
            per_post: per_post(reactions, n),
        })
        .collect();
    tags.sort_by(|a, b| {
        b.per_post
            .total_cmp(&a.per_post)
            .then(b.posts.cmp(&a.posts))
            .then(a.tag.cmp(&b.tag))
    });
    Summary {
        weeks: shown,
        goal_weeks,
        best,
        tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn numbers_are_read_an_hour_a_day_and_a_week_after_a_post_went_out() {
        let out = utc("2026-11-02T08:00:00Z");
        assert!(!reading_due(out, &[], utc("2026-11-02T08:59:00Z")));
        assert!(reading_due(out, &[], utc("2026-11-02T09:00:00Z")));
        let first = utc("2026-11-02T09:01:00Z");
        assert!(!reading_due(out, &[first], utc("2026-11-03T07:59:00Z")));
        assert!(reading_due(out, &[first], utc("2026-11-03T08:00:00Z")));
        let second = utc("2026-11-03T08:00:00Z");
        assert!(!reading_due(
            out,
            &[first, second],
            utc("2026-11-08T08:00:00Z")
        ));
        assert!(reading_due(
            out,
            &[first, second],
            utc("2026-11-09T08:00:00Z")
        ));
        let third = utc("2026-11-09T08:00:00Z");
        assert!(!reading_due(
            out,
            &[first, second, third],
            utc("2027-01-01T00:00:00Z")
        ));
        assert_eq!(next_reading(out, third), None);
        assert_eq!(next_reading(out, first), Some(second));
    }

    #[test]
    fn a_machine_asleep_for_a_week_reads_once_not_three_times() {
        let out = utc("2026-11-02T08:00:00Z");
        let woke = utc("2026-11-10T08:00:00Z");
        assert!(reading_due(out, &[], woke));
        assert!(!reading_due(out, &[woke], woke));
    }

    #[test]
    fn counts_a_network_does_not_report_add_nothing_to_reactions() {
        let m = Metrics {
            likes: Some(3),
            reposts: None,
            replies: Some(1),
            quotes: None,
            impressions: Some(500),
        };
        assert_eq!(m.reactions(), 4);
    }

    fn result(
        id: &str,
        goal: &str,
        network: Network,
        at: &str,
        likes: u64,
        tags: &[&str],
    ) -> PostResult {
        PostResult {
            entry_id: id.into(),
            draft_id: id.into(),
            network,
            goal: Some(goal.into()),
            title: id.into(),
            url: None,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            published_at: utc(at),
            metrics: Metrics {
                likes: Some(likes),
                ..Metrics::default()
            },
            read_at: None,
        }
    }

    #[test]
    fn the_summary_sums_per_goal_network_and_week_and_ranks_posts_and_tags() {
        let posts = [
            result(
                "a",
                "culture",
                Network::Bluesky,
                "2026-11-03T08:00:00Z",
                10,
                &["Oslo"],
            ),
            result(
                "b",
                "culture",
                Network::Bluesky,
                "2026-11-04T08:00:00Z",
                2,
                &["oslo", "ai"],
            ),
            result(
                "c",
                "culture",
                Network::Mastodon,
                "2026-10-28T08:00:00Z",
                5,
                &["ai"],
            ),
            result(
                "d",
                "credibility",
                Network::Bluesky,
                "2026-11-04T08:00:00Z",
                1,
                &[],
            ),
        ];
        let targets = [Target {
            goal: "culture".into(),
            network: None,
            per_week: 2,
        }];
        let s = summarise(&posts, &targets, Tz::UTC, utc("2026-11-05T00:00:00Z"), 2, 1);
        assert_eq!(s.weeks.len(), 2);
        let cell = s
            .goal_weeks
            .iter()
            .find(|c| c.goal == "culture" && c.network == Network::Bluesky)
            .unwrap();
        assert_eq!((cell.posts, cell.reactions, cell.target), (2, 12, Some(2)));
        assert_eq!(cell.per_post, 6.0);
        assert_eq!(s.best["culture"][0].entry_id, "a");
        assert_eq!(s.best["culture"].len(), 1);
        assert_eq!(s.tags[0].tag, "Oslo");
        assert_eq!(s.tags[0].posts, 2);
        assert_eq!(s.tags[0].per_post, 6.0);
    }
}
