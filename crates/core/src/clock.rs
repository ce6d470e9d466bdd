//! The hybrid logical clock that stamps every change, so devices that edit offline can later
//! agree on an order without trusting each other's wall clocks (DESIGN.md §5, §7).
//!
//! A stamp is wall-clock milliseconds, a counter for changes within one millisecond (or while
//! the wall clock lags behind a stamp already seen), and the device's node id. Stamps render as
//! fixed-width text, so comparing the strings compares the stamps — SQLite can sort and compare
//! them without knowing the format. This module reads no clock: the caller passes "now".

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// One stamp: `{wall_ms:013}-{counter:04x}-{node:016x}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub wall_ms: u64,
    pub counter: u16,
    pub node: u64,
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.node).cmp(&(other.wall_ms, other.counter, other.node))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:013}-{:04x}-{:016x}",
            self.wall_ms, self.counter, self.node
        )
    }
}

/// A stamp that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadStamp(pub String);

impl fmt::Display for BadStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a clock stamp: {:?}", self.0)
    }
}

impl std::error::Error for BadStamp {}

impl FromStr for Stamp {
    type Err = BadStamp;

    fn from_str(s: &str) -> Result<Stamp, BadStamp> {
        let bad = || BadStamp(s.to_owned());
        let mut parts = s.split('-');
        let (Some(wall), Some(counter), Some(node), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if wall.len() != 13 || counter.len() != 4 || node.len() != 16 {
            return Err(bad());
        }
        Ok(Stamp {
            wall_ms: wall.parse().map_err(|_| bad())?,
            counter: u16::from_str_radix(counter, 16).map_err(|_| bad())?,
            node: u64::from_str_radix(node, 16).map_err(|_| bad())?,
        })
    }
}

/// How far ahead of this device's wall clock a stamp from elsewhere (an imported file, later a
/// sync) may be: 5 minutes.
///
/// Why a limit: observing a stamp moves this clock to it for good, so one stamp from a year
/// ahead (a device with a wrong clock, a damaged or crafted file) would date every later change
/// here a year ahead too, and its own change would win every conflict until then. Five minutes
/// is far more than devices whose clocks are set by the network ever differ.
pub const MAX_AHEAD_MS: u64 = 5 * 60 * 1000;

/// A stamp from elsewhere that is more than [`MAX_AHEAD_MS`] ahead of this device's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooFarAhead {
    pub stamp: Stamp,
    /// How far ahead of this device's clock it is.
    pub ahead_ms: u64,
}

impl fmt::Display for TooFarAhead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.ahead_ms / 60_000;
        let ahead = match minutes {
            0..=119 => format!("{minutes} minutes"),
            120..=2_879 => format!("{} hours", minutes / 60),
            _ => format!("{} days", minutes / 1_440),
        };
        write!(
            f,
            "the clock stamp {} is {ahead} ahead of this computer's clock (at most {} minutes is \
             taken): check the date and time of the computer that wrote it, and of this one",
            self.stamp,
            MAX_AHEAD_MS / 60_000
        )
    }
}

impl std::error::Error for TooFarAhead {}

impl Stamp {
    /// `Ok` when this stamp, from elsewhere, is at most [`MAX_AHEAD_MS`] ahead of `now_ms`
    /// (this device's wall clock): the one rule for imports and sync alike.
    pub fn not_too_far_ahead(self, now_ms: u64) -> Result<Stamp, TooFarAhead> {
        match self.wall_ms.checked_sub(now_ms) {
            Some(ahead_ms) if ahead_ms > MAX_AHEAD_MS => Err(TooFarAhead {
                stamp: self,
                ahead_ms,
            }),
            _ => Ok(self),
        }
    }
}

/// The clock of one device.
#[derive(Debug, Clone)]
pub struct Clock {
    node: u64,
    last: Stamp,
}

impl Clock {
    /// A clock for `node` that has seen nothing newer than `last` (restored from storage, so a
    /// restart never issues a stamp older than one already written).
    pub fn new(node: u64, last: Option<Stamp>) -> Clock {
        Clock {
            node,
            last: last.unwrap_or(Stamp {
                wall_ms: 0,
                counter: 0,
                node,
            }),
        }
    }

    /// The newest stamp this clock issued or saw.
    pub fn last(&self) -> Stamp {
        self.last
    }

    /// A stamp for a local change at wall time `now_ms`: later than every stamp issued or seen.
    pub fn tick(&mut self, now_ms: u64) -> Stamp {
        let next = if now_ms > self.last.wall_ms {
            Stamp {
                wall_ms: now_ms,
                counter: 0,
                node: self.node,
            }
        } else {
            self.after(self.last.wall_ms, self.last.counter)
        };
        self.last = next;
        next
    }

    /// Takes in a stamp from another device (when a later sync applies its changes), so the
    /// next local stamp orders after it.
    pub fn observe(&mut self, remote: Stamp, now_ms: u64) -> Stamp {
        let wall = now_ms.max(remote.wall_ms).max(self.last.wall_ms);
        let next = if wall == self.last.wall_ms && wall == remote.wall_ms {
            self.after(wall, self.last.counter.max(remote.counter))
        } else if wall == self.last.wall_ms {
            self.after(wall, self.last.counter)
        } else if wall == remote.wall_ms {
            self.after(wall, remote.counter)
        } else {
            Stamp {
                wall_ms: wall,
                counter: 0,
                node: self.node,
            }
        };
        self.last = next;
        next
    }

    /// The next stamp after (`wall`, `counter`); a full counter moves into the next millisecond
    /// rather than wrapping.
    fn after(&self, wall: u64, counter: u16) -> Stamp {
        match counter.checked_add(1) {
            Some(counter) => Stamp {
                wall_ms: wall,
                counter,
                node: self.node,
            },
            None => Stamp {
                wall_ms: wall + 1,
                counter: 0,
                node: self.node,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_text_in_the_same_order_as_stamps() {
        let mut clock = Clock::new(7, None);
        let stamps: Vec<Stamp> = [5, 5, 5, 4, 1_000_000_000_000, 1_000_000_000_000]
            .iter()
            .map(|&now| clock.tick(now))
            .collect();
        for pair in stamps.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].to_string() < pair[1].to_string());
        }
    }

    #[test]
    fn a_clock_that_goes_backwards_still_issues_later_stamps() {
        let mut clock = Clock::new(1, None);
        let a = clock.tick(2_000);
        let b = clock.tick(1_000);
        assert!(b > a);
        assert_eq!(b.wall_ms, 2_000);
    }

    #[test]
    fn a_restarted_clock_continues_after_its_last_stamp() {
        let mut clock = Clock::new(1, None);
        let last = clock.tick(9_000);
        let mut again = Clock::new(1, Some(last));
        assert!(again.tick(8_000) > last);
    }

    #[test]
    fn observing_a_remote_stamp_orders_later_local_changes_after_it() {
        let mut clock = Clock::new(1, None);
        clock.tick(1_000);
        let remote = Stamp {
            wall_ms: 50_000,
            counter: 3,
            node: 2,
        };
        clock.observe(remote, 1_001);
        assert!(clock.tick(1_002) > remote);
    }

    #[test]
    fn a_stamp_more_than_five_minutes_ahead_is_too_far() {
        let now = 1_764_000_000_000;
        let at = |wall_ms| Stamp {
            wall_ms,
            counter: 0,
            node: 2,
        };
        assert!(at(now - 86_400_000).not_too_far_ahead(now).is_ok());
        assert!(at(now + MAX_AHEAD_MS).not_too_far_ahead(now).is_ok());
        let far = at(now + 3 * 86_400_000);
        let err = far.not_too_far_ahead(now).unwrap_err();
        assert_eq!(err.ahead_ms, 3 * 86_400_000);
        let message = err.to_string();
        assert!(message.contains(&far.to_string()), "{message}");
        assert!(message.contains("3 days ahead"), "{message}");
        assert!(at(now + MAX_AHEAD_MS + 1).not_too_far_ahead(now).is_err());
        assert!(at(u64::MAX).not_too_far_ahead(0).is_err());
    }

    #[test]
    fn stamps_round_trip_through_text() {
        let s = Stamp {
            wall_ms: 1_764_000_000_123,
            counter: 0xabc,
            node: 0xdead_beef,
        };
        assert_eq!(s.to_string().parse::<Stamp>(), Ok(s));
        assert!("12-3".parse::<Stamp>().is_err());
    }
}
