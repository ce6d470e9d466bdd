//! A leader's plan in numbers: targets per goal and week ("credibility: 2 posts a week on
//! LinkedIn", "visibility: 3 a week, any network"), and how the posts planned and published
//! measure up to them, this week and the next three.
//!
//! Weeks start on Monday at midnight in the leader's zone, so a week is 167 or 169 hours long
//! when the clocks change inside it. A post sent to several networks is one post for a target
//! that names no network (it served the goal once), and one post on each network a target
//! names. This module only counts: the store hands it the posts, the window words the gaps.

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::draft::normalise_goal;
use crate::network::Network;
use crate::schedule::local_instant;

/// How many weeks the plan looks at: this one and the next three.
pub const PLAN_WEEKS: usize = 4;

/// The most posts a week a target may ask for (a typo's guard: 1,000 a week is no plan).
pub const MAX_PER_WEEK: u32 = 100;

/// A goal's weekly target, for one network or any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub goal: String,
    /// `None`: any network, a post to several counted once.
    pub network: Option<Network>,
    pub per_week: u32,
}

/// One post on one network, as the plan sees it: published, or planned (in the queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPost {
    pub draft_id: String,
    pub goal: Option<String>,
    pub network: Network,
    /// When it went out, or when it is due.
    pub at: DateTime<Utc>,
    pub published: bool,
}

/// The Monday (a local date) of the week `at` falls in, in `zone`.
pub fn week_of(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    let date = at.with_timezone(&zone).date_naive();
    date - Span::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Where the week that starts on `monday` begins and ends (the next Monday's midnight), in UTC.
/// Across a clock change the week is an hour shorter or longer than 168 hours.
pub fn week_bounds(monday: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        local_instant(monday, NaiveTime::MIN, zone),
        local_instant(monday + Span::days(7), NaiveTime::MIN, zone),
    )
}

/// `--since` as people write it: a date (`2026-11-01`, from midnight in the leader's zone) or
/// an RFC 3339 time.
pub fn parse_since(s: &str, zone: Tz) -> Result<DateTime<Utc>, crate::schedule::BadTime> {
    if let Ok(date) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return Ok(local_instant(date, NaiveTime::MIN, zone));
    }
    crate::schedule::parse_instant(s)
}

/// How a target fares in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// The week's Monday (local date, `2026-11-02`).
    pub week: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Posts in the week, published or still in the queue.
    pub planned: u32,
    /// Of those, the ones already out.
    pub published: u32,
    pub target: u32,
    /// What is missing, if anything.
    pub gap: Option<Gap>,
}

/// What a week lacks, as a code the window words ("nothing planned for culture next week").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// Nothing at all is planned for the goal that week.
    Nothing { missing: u32 },
    /// Some posts are planned, `missing` fewer than the target.
    Short { missing: u32 },
}

impl Gap {
    pub fn missing(self) -> u32 {
        match self {
            Gap::Nothing { missing } | Gap::Short { missing } => missing,
        }
    }
}

/// A target with its weeks, this one first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetPlan {
    pub goal: String,
    pub network: Option<Network>,
    pub per_week: u32,
    pub weeks: Vec<Week>,
}

fn same_goal(a: &str, b: &str) -> bool {
    match (normalise_goal(a), normalise_goal(b)) {
        (Some(a), Some(b)) => a.to_lowercase() == b.to_lowercase(),
        _ => false,
    }
}

/// The gap between what is planned and the target, if any.
pub fn gap(planned: u32, target: u32) -> Option<Gap> {
    if planned >= target {
        None
    } else if planned == 0 {
        Some(Gap::Nothing { missing: target })
    } else {
        Some(Gap::Short {
            missing: target - planned,
        })
    }
}

/// Counts one target's posts in the week `[start, end)`: posts of its goal (on its network if it
/// names one); a draft counts once however many networks it went to. A draft whose posts fall in
/// two weeks counts in the week of its first post, when it first served the goal; it counts as
/// published once that first post is out.
pub fn count_week(
    target: &Target,
    posts: &[PlannedPost],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (u32, u32) {
    let mut first: std::collections::BTreeMap<&str, (DateTime<Utc>, bool)> =
        std::collections::BTreeMap::new();
    for post in posts {
        let Some(goal) = post.goal.as_deref() else {
            continue;
        };
        if !same_goal(goal, &target.goal) {
            continue;
        }
        if target.network.is_some_and(|n| n != post.network) {
            continue;
        }
        let slot = first
            .entry(post.draft_id.as_str())
            .or_insert((post.at, post.published));
        if post.at < slot.0 {
            *slot = (post.at, post.published);
        }
    }
    let mut planned = 0;
    let mut published = 0;
    for (at, out) in first.values() {
        if *at >= start && *at < end {
            planned += 1;
            if *out {
                published += 1;
            }
        }
    }
    (planned, published)
}

/// Every target's plan for `weeks` weeks from the week `now` falls in (in `zone`).
pub fn plan(
    targets: &[Target],
    posts: &[PlannedPost],
    zone: Tz,
    now: DateTime<Utc>,
    weeks: usize,
) -> Vec<TargetPlan> {
    let this_week = week_of(now, zone);
    targets
        .iter()
        .map(|target| TargetPlan {
            goal: target.goal.clone(),
            network: target.network,
            per_week: target.per_week,
            weeks: (0..weeks)
                .map(|i| {
                    let monday = this_week + Span::weeks(i64::try_from(i).unwrap_or(0));
                    let (starts_at, ends_at) = week_bounds(monday, zone);
                    let (planned, published) = count_week(target, posts, starts_at, ends_at);
                    Week {
                        week: monday,
                        starts_at,
                        ends_at,
                        planned,
                        published,
                        target: target.per_week,
                        gap: gap(planned, target.per_week),
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn oslo() -> Tz {
        "Europe/Oslo".parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn post(draft: &str, goal: &str, network: Network, at: &str, published: bool) -> PlannedPost {
        PlannedPost {
            draft_id: draft.into(),
            goal: Some(goal.into()),
            network,
            at: utc(at),
            published,
        }
    }

    fn any(goal: &str, n: u32) -> Target {
        Target {
            goal: goal.into(),
            network: None,
            per_week: n,
        }
    }

    #[test]
    fn a_week_starts_on_monday_at_midnight_in_the_leaders_zone() {
        // Sunday 23:30 UTC is already Monday 00:30 in Oslo (winter, UTC+1).
        let at = utc("2026-11-08T23:30:00Z");
        assert_eq!(
            week_of(at, oslo()),
            NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()
        );
        assert_eq!(
            week_of(at, Tz::UTC),
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
        );
        let (start, end) = week_bounds(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(), oslo());
        assert_eq!(start, utc("2026-11-08T23:00:00Z"));
        assert_eq!(end, utc("2026-11-15T23:00:00Z"));
    }

    #[test]
    fn the_week_the_clocks_go_forward_is_an_hour_short_and_the_week_they_go_back_an_hour_long() {
        // Oslo: summer time starts Sunday 29 March 2026, ends Sunday 25 October 2026.
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 3, 23).unwrap(), oslo());
        assert_eq!(e - s, Span::hours(167));
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(), oslo());
        assert_eq!(e - s, Span::hours(169));
        // A post at 23:30 local on the Sunday the clocks went back is still in that week.
        let late_sunday = oslo()
            .with_ymd_and_hms(2026, 10, 25, 23, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert!(late_sunday >= s && late_sunday < e);
        assert_eq!(
            week_of(late_sunday, oslo()),
            NaiveDate::from_ymd_opt(2026, 10, 19).unwrap()
        );
    }

    #[test]
    fn a_post_to_several_networks_counts_once_for_a_target_on_any_network() {
        let posts = [
            post(
                "a",
                "visibility",
                Network::Bluesky,
                "2026-11-03T08:00:00Z",
                true,
            ),
            post(
                "a",
                "visibility",
                Network::Mastodon,
                "2026-11-03T08:05:00Z",
                true,
            ),
            post(
                "a",
                "visibility",
                Network::Linkedin,
                "2026-11-03T09:00:00Z",
                true,
            ),
            post(
                "b",
                "visibility",
                Network::Bluesky,
                "2026-11-05T08:00:00Z",
                false,
            ),
        ];
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), Tz::UTC);
        assert_eq!(count_week(&any("visibility", 3), &posts, s, e), (2, 1));
    }

    #[test]
    fn a_target_that_names_a_network_counts_only_that_networks_posts() {
        let posts = [
            post(
                "a",
                "credibility",
                Network::Linkedin,
                "2026-11-03T08:00:00Z",
                true,
            ),
            post(
                "a",
                "credibility",
                Network::Bluesky,
                "2026-11-03T08:00:00Z",
                true,
            ),
            post(
                "b",
                "credibility",
                Network::Bluesky,
                "2026-11-04T08:00:00Z",
                true,
            ),
        ];
        let target = Target {
            goal: "credibility".into(),
            network: Some(Network::Linkedin),
            per_week: 2,
        };
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), Tz::UTC);
        assert_eq!(count_week(&target, &posts, s, e), (1, 1));
    }

    #[test]
    fn goals_match_whatever_their_letter_case_and_spacing() {
        let posts = [post(
            "a",
            "Our  Culture",
            Network::X,
            "2026-11-03T08:00:00Z",
            true,
        )];
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), Tz::UTC);
        assert_eq!(count_week(&any("our culture", 1), &posts, s, e), (1, 1));
        assert_eq!(count_week(&any("culture", 1), &posts, s, e), (0, 0));
    }

    #[test]
    fn a_draft_whose_posts_straddle_two_weeks_counts_in_the_first() {
        let posts = [
            post("a", "culture", Network::X, "2026-11-08T22:00:00Z", true),
            post(
                "a",
                "culture",
                Network::Bluesky,
                "2026-11-09T08:00:00Z",
                false,
            ),
        ];
        let plan = plan(
            &[any("culture", 1)],
            &posts,
            Tz::UTC,
            utc("2026-11-04T12:00:00Z"),
            2,
        );
        assert_eq!(plan[0].weeks[0].planned, 1);
        assert_eq!(plan[0].weeks[0].published, 1);
        assert_eq!(plan[0].weeks[1].planned, 0);
    }

    #[test]
    fn the_plan_names_the_gaps_of_this_week_and_the_next_three() {
        let posts = [
            post("a", "culture", Network::X, "2026-11-03T08:00:00Z", true),
            post("b", "culture", Network::X, "2026-11-10T08:00:00Z", false),
            post("c", "culture", Network::X, "2026-11-11T08:00:00Z", false),
        ];
        let plan = plan(
            &[any("culture", 2)],
            &posts,
            oslo(),
            utc("2026-11-04T12:00:00Z"),
            PLAN_WEEKS,
        );
        let weeks = &plan[0].weeks;
        assert_eq!(weeks.len(), 4);
        assert_eq!(weeks[0].week, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(weeks[0].gap, Some(Gap::Short { missing: 1 }));
        assert_eq!(weeks[1].gap, None);
        assert_eq!(weeks[2].gap, Some(Gap::Nothing { missing: 2 }));
        assert_eq!(
            weeks[3].week,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn posts_without_a_goal_serve_no_target() {
        let mut p = post("a", "culture", Network::X, "2026-11-03T08:00:00Z", true);
        p.goal = None;
        let (s, e) = week_bounds(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), Tz::UTC);
        assert_eq!(count_week(&any("culture", 1), &[p], s, e), (0, 0));
    }

    #[test]
    fn since_takes_a_date_in_the_leaders_zone_or_an_exact_time() {
        assert_eq!(
            parse_since("2026-11-01", oslo()).unwrap(),
            utc("2026-10-31T23:00:00Z")
        );
        assert_eq!(
            parse_since("2026-11-01T08:00:00+01:00", oslo()).unwrap(),
            utc("2026-11-01T07:00:00Z")
        );
        assert!(parse_since("last week", oslo()).is_err());
    }

    #[test]
    fn a_target_of_zero_has_no_gap() {
        assert_eq!(gap(0, 0), None);
        assert_eq!(gap(3, 2), None);
    }
}
