//! One place that turns what a network says about its limits — a rate-limit reset (Bluesky's
//! `ratelimit-reset`, Mastodon's `X-RateLimit-Reset`, X's `x-rate-limit-reset`, a
//! `Retry-After`), X's monthly usage cap, LinkedIn's daily throttle, Threads' 250 posts per
//! 24 hours — into a wait a person can read. The headers are read into a duration by the
//! publishing crate (`http::retry_after`); the words are made here, once, for every network.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::network::Network;
use crate::reason::Reason;

/// A wait in words, rounded up the way a person would say it: "less than a minute", "about 1
/// minute", "about 5 minutes", "about 2 hours", "about 3 days".
pub fn in_words(wait: Duration) -> String {
    let secs = wait.as_secs();
    if secs < 60 {
        return "less than a minute".to_owned();
    }
    let minutes = secs.div_ceil(60);
    if minutes < 60 {
        return format!("about {minutes} minute{}", plural(minutes));
    }
    let hours = (secs + 1800) / 3600;
    if hours < 48 {
        return format!("about {hours} hour{}", plural(hours));
    }
    let days = (secs + 43_200) / 86_400;
    format!("about {days} days")
}

/// A wait as the window words it: the key under `wait.` (`later` when unknown, `now` under a
/// minute, `minute`/`minutes`/`hour`/`hours`/`days`) and the number its `{n}` takes, rounded
/// as [`in_words`] rounds.
pub fn words_key(wait: Option<u64>) -> (&'static str, u64) {
    let Some(secs) = wait else {
        return ("later", 0);
    };
    if secs < 60 {
        return ("now", 0);
    }
    let minutes = secs.div_ceil(60);
    if minutes < 60 {
        return (if minutes == 1 { "minute" } else { "minutes" }, minutes);
    }
    let hours = (secs + 1800) / 3600;
    if hours < 48 {
        return (if hours == 1 { "hour" } else { "hours" }, hours);
    }
    ("days", (secs + 43_200) / 86_400)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A network's limit that made a post wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// Too many requests for now; `wait` is when the network said to come back, if it did.
    RateLimited {
        network: Network,
        wait: Option<Duration>,
    },
    /// The app's monthly allowance is used up (X's usage cap).
    UsageCapped { network: Network },
    /// A posting quota: `used` of `total` posts in `period` (Threads: 250 in 24 hours).
    Quota {
        network: Network,
        used: u32,
        total: u32,
        period: Duration,
        wait: Option<Duration>,
    },
}

impl Limit {
    /// How long Podium waits before trying again, when the network said.
    pub fn wait(&self) -> Option<Duration> {
        match self {
            Limit::RateLimited { wait, .. } | Limit::Quota { wait, .. } => *wait,
            Limit::UsageCapped { .. } => None,
        }
    }

    /// The limit as a reason the window words (waits in whole seconds, a quota's period in
    /// hours, rounded up).
    pub fn reason(&self) -> Reason {
        let secs = |w: &Option<Duration>| w.map(|w| w.as_secs());
        match self {
            Limit::RateLimited { network, wait } => Reason::RateLimited {
                network: *network,
                wait: secs(wait),
            },
            Limit::UsageCapped { network } => Reason::UsageCapped { network: *network },
            Limit::Quota {
                network,
                used,
                total,
                period,
                wait,
            } => Reason::Quota {
                network: *network,
                used: *used,
                total: *total,
                hours: period.as_secs().div_ceil(3600),
                wait: secs(wait),
            },
        }
    }

    /// The limit a reason tells of, if it is one.
    pub fn of(reason: &Reason) -> Option<Limit> {
        let wait = |w: &Option<u64>| w.map(Duration::from_secs);
        match reason {
            Reason::RateLimited { network, wait: w } => Some(Limit::RateLimited {
                network: *network,
                wait: wait(w),
            }),
            Reason::UsageCapped { network } => Some(Limit::UsageCapped { network: *network }),
            Reason::Quota {
                network,
                used,
                total,
                hours,
                wait: w,
            } => Some(Limit::Quota {
                network: *network,
                used: *used,
                total: *total,
                period: Duration::from_secs(hours * 3600),
                wait: wait(w),
            }),
            _ => None,
        }
    }
}

fn period_in_words(period: Duration) -> String {
    match period.as_secs() {
        86_400 => "24 hours".to_owned(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let again = |wait: &Option<Duration>| match wait {
            Some(w) => format!("Podium tries again in {}", in_words(*w)),
            None => "Podium tries again later".to_owned(),
        };
        match self {
            Limit::RateLimited { network, wait } => write!(
                f,
                "{} asks Podium to slow down (rate limit): {}; the post stays queued",
                network.name(),
                again(wait)
            ),
            Limit::UsageCapped { network } => write!(
                f,
                "your {} app has used up its monthly post allowance (usage cap): the post stays \
                 queued and goes out when the allowance resets",
                network.name()
            ),
            Limit::Quota {
                network,
                used,
                total,
                period,
                wait,
            } => write!(
                f,
                "{} allows {total} posts in {} and this account has published {used}: {}; the \
                 post stays queued",
                network.name(),
                period_in_words(*period),
                again(wait)
            ),
        }
    }
}

/// A note for a post that is near a posting quota (`left` posts remain), in the words of the
/// checks, or `None` while plenty remain: "Threads allows 250 posts in 24 hours; this account
/// has 3 left".
pub fn near_quota(network: Network, used: u32, total: u32, period: Duration) -> Option<String> {
    let left = total.saturating_sub(used);
    (left <= NEAR_QUOTA).then(|| {
        format!(
            "{} allows {total} posts in {}; this account has {left} left",
            network.name(),
            period_in_words(period)
        )
    })
}

/// "Near" a quota: this many posts or fewer left.
pub const NEAR_QUOTA: u32 = 10;

/// A posting quota as the network last told it (Threads' `threads_publishing_limit`): `used`
/// of `total` posts in the moving window of `period_secs` seconds, read at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuotaReading {
    pub used: u32,
    pub total: u32,
    pub period_secs: u64,
    pub at: DateTime<Utc>,
}

impl QuotaReading {
    /// Posts the account may still publish in the window.
    pub fn left(&self) -> u32 {
        self.total.saturating_sub(self.used)
    }

    /// Whether the reading still says something at `now`: after a whole window every post it
    /// counted has left it.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        let period = i64::try_from(self.period_secs).unwrap_or(i64::MAX);
        now < self.at + chrono::Duration::seconds(period.min(366 * 86_400))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_a_person_would_say_them() {
        assert_eq!(in_words(Duration::from_secs(20)), "less than a minute");
        assert_eq!(in_words(Duration::from_secs(60)), "about 1 minute");
        assert_eq!(in_words(Duration::from_secs(299)), "about 5 minutes");
        assert_eq!(
            in_words(Duration::from_secs(2 * 3600 + 600)),
            "about 2 hours"
        );
        assert_eq!(in_words(Duration::from_secs(3 * 86_400)), "about 3 days");
    }

    #[test]
    fn each_networks_limit_says_what_happens_to_the_post() {
        let rate = Limit::RateLimited {
            network: Network::Bluesky,
            wait: Some(Duration::from_secs(300)),
        };
        assert_eq!(
            rate.to_string(),
            "Bluesky asks Podium to slow down (rate limit): Podium tries again in about 5 \
             minutes; the post stays queued"
        );
        let quota = Limit::Quota {
            network: Network::Threads,
            used: 250,
            total: 250,
            period: Duration::from_secs(86_400),
            wait: Some(Duration::from_secs(3 * 3600)),
        };
        assert!(quota.to_string().starts_with(
            "Threads allows 250 posts in 24 hours and this account has published 250"
        ));
        assert!(Limit::UsageCapped {
            network: Network::X
        }
        .to_string()
        .contains("monthly post allowance"));
    }

    #[test]
    fn a_limit_kept_as_a_reason_reads_as_before() {
        let quota = Limit::Quota {
            network: Network::Threads,
            used: 250,
            total: 250,
            period: Duration::from_secs(86_400),
            wait: Some(Duration::from_secs(3600)),
        };
        let rate = Limit::RateLimited {
            network: Network::X,
            wait: None,
        };
        for limit in [quota, rate] {
            assert_eq!(Limit::of(&limit.reason()), Some(limit.clone()));
            assert_eq!(limit.reason().to_string(), limit.to_string());
        }
        assert_eq!(words_key(None), ("later", 0));
        assert_eq!(words_key(Some(299)), ("minutes", 5));
        assert_eq!(words_key(Some(3600)), ("hour", 1));
        assert_eq!(words_key(Some(3 * 86_400)), ("days", 3));
    }

    #[test]
    fn a_quota_is_mentioned_only_when_few_posts_are_left() {
        let day = Duration::from_secs(86_400);
        assert_eq!(near_quota(Network::Threads, 100, 250, day), None);
        assert_eq!(
            near_quota(Network::Threads, 247, 250, day).as_deref(),
            Some("Threads allows 250 posts in 24 hours; this account has 3 left")
        );
    }
}
