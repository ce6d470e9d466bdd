//! When posts go out: weekly time slots in an account's IANA time zone, the next free slot,
//! what to do with a post that fell due while the machine slept, and how long to wait before
//! retrying a network that said "not now".
//!
//! Time is UTC everywhere else in Podium; a zone appears only here, at the edge where a person
//! says "Tuesdays at 08:30". The *account's* zone decides, never the laptop's: an executive who
//! flies to New York still posts at 08:30 Oslo time on the Oslo account.
//!
//! ## Daylight-saving rule
//!
//! - **Spring forward** (a local time that does not exist, e.g. 02:30 in Oslo on the last Sunday
//!   of March): the slot moves to the first valid instant after the gap — 03:00 local, the very
//!   moment the clocks jump to. The post is late by the gap's width, never early, never skipped.
//! - **Fall back** (a local time that happens twice, e.g. 02:30 on the last Sunday of October):
//!   the slot fires once, at the first occurrence (summer time).

use std::time::Duration;

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The outbox's states live with their rules in [`crate::outbox`]; this path stays for callers.
pub use crate::outbox::OutboxState;

/// How far ahead the slot search looks before giving up (a year of slots).
const SEARCH_DAYS: i64 = 400;

/// A weekly slot: a weekday (0 = Monday … 6 = Sunday) and a minute of the day, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub weekday: u8,
    pub minute: u16,
}

/// A slot written the way people write it, e.g. `tue 08:30` or `Thu 17:05`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a time slot: write a weekday and a 24-hour time, e.g. \"tue 08:30\" \
     (days: mon tue wed thu fri sat sun)"
)]
pub struct BadSlot(pub String);

/// A time that is not written as RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time: write it as RFC 3339, e.g. 2026-12-03T08:30:00+01:00")]
pub struct BadTime(pub String);

/// An instant written as RFC 3339 (`2026-12-03T08:30:00+01:00`, surrounding space ignored):
/// the times the window sends and the CLI's `--at`.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, BadTime> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| BadTime(s.to_owned()))
}

/// Slots written as people write them (`["tue 08:30", "thu 17:05"]`); the first that is not
/// one is the error.
pub fn parse_slots<S: AsRef<str>>(list: &[S]) -> Result<Vec<Slot>, BadSlot> {
    list.iter().map(|s| Slot::parse(s.as_ref())).collect()
}

/// A time-zone name that is not in the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a time zone: use an IANA name such as \"Europe/Oslo\" or \"America/New_York\""
)]
pub struct BadZone(pub String);

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Slot {
    pub fn new(weekday: u8, hour: u8, minute: u8) -> Option<Slot> {
        (weekday < 7 && hour < 24 && minute < 60).then_some(Slot {
            weekday,
            minute: u16::from(hour) * 60 + u16::from(minute),
        })
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.minute / 60), u32::from(self.minute % 60), 0)
            .unwrap_or(NaiveTime::MIN)
    }

    /// Parses `tue 08:30` (any case; a full day name works too).
    pub fn parse(s: &str) -> Result<Slot, BadSlot> {
        let bad = || BadSlot(s.to_owned());
        let mut words = s.split_whitespace();
        let (Some(day), Some(time), None) = (words.next(), words.next(), words.next()) else {
            return Err(bad());
        };
        let day = day.to_lowercase();
        let weekday = DAYS
            .iter()
            .position(|d| day.len() >= 3 && d.starts_with(&day[..3]) && day.is_char_boundary(3))
            .ok_or_else(bad)?;
        let (h, m) = time.split_once(':').ok_or_else(bad)?;
        let (h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Slot::new(weekday as u8, h, m).ok_or_else(bad)
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}",
            DAYS[usize::from(self.weekday % 7)],
            self.minute / 60,
            self.minute % 60
        )
    }
}

/// Looks a zone up by its IANA name.
pub fn zone(name: &str) -> Result<Tz, BadZone> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| BadZone(name.to_owned()))
}

/// The instant a local date and time fall on in `zone`, by the daylight-saving rule above.
pub fn local_instant(date: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    if let Some(t) = zone.from_local_datetime(&local).earliest() {
        return t.with_timezone(&Utc);
    }
    // In a gap: the first minute after it is where the clocks jumped to. Gaps are at most a few
    // hours wide (the largest in the database is a day, when Samoa crossed the date line).
    let start = local.with_second(0).unwrap_or(local);
    for minutes in 1..=(26 * 60) {
        if let Some(t) = zone
            .from_local_datetime(&(start + Span::minutes(minutes)))
            .earliest()
        {
            return t.with_timezone(&Utc);
        }
    }
    // Unreachable with the real database; fall back to reading the time as UTC.
    local.and_utc()
}

/// The slots' instants from `from` (inclusive) onwards, in order, for `days` local days.
pub fn upcoming(slots: &[Slot], zone: Tz, from: DateTime<Utc>, days: i64) -> Vec<DateTime<Utc>> {
    let mut sorted: Vec<Slot> = slots.to_vec();
    sorted.sort_by_key(|s| s.minute);
    sorted.dedup();
    let first_day = from.with_timezone(&zone).date_naive() - Span::days(1);
    let mut out = Vec::new();
    for d in 0..=days {
        let date = first_day + Span::days(d);
        let weekday = date.weekday().num_days_from_monday() as u8;
        for slot in sorted.iter().filter(|s| s.weekday == weekday) {
            let at = local_instant(date, slot.time(), zone);
            if at >= from && out.last().is_none_or(|last| *last < at) {
                out.push(at);
            }
        }
    }
    out
}

/// "Add to queue": the first slot after `after` that no other post of the account takes.
/// `None` when the account has no slots.
pub fn next_free_slot(
    slots: &[Slot],
    zone: Tz,
    after: DateTime<Utc>,
    taken: &[DateTime<Utc>],
) -> Option<DateTime<Utc>> {
    upcoming(slots, zone, after, SEARCH_DAYS)
        .into_iter()
        .find(|at| *at > after && !taken.contains(at))
}

/// What to do with a post at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not yet: wait this long.
    Wait(Duration),
    /// Due (or late by less than the grace window): send it.
    Send,
    /// Late by more than the grace window (the machine slept or was offline): ask the user.
    Review,
}

/// The default grace window: a post up to two hours late still goes out by itself.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(2 * 60 * 60);

pub fn due(due_at: DateTime<Utc>, now: DateTime<Utc>, grace: Duration) -> Due {
    match (now - due_at).to_std() {
        Err(_) => Due::Wait((due_at - now).to_std().unwrap_or_default()),
        Ok(late) if late <= grace => Due::Send,
        Ok(_) => Due::Review,
    }
}

/// Retries of a transient failure: 5 s, 10 s, 20 s, … capped at 15 minutes, with "equal
/// jitter" (half fixed, half random, so retries from many clients spread out), and never
/// sooner than the server's `Retry-After` or rate-limit reset.
pub fn backoff(attempt: u32, jitter: f64, server_says: Option<Duration>) -> Duration {
    const BASE: f64 = 5.0;
    const CAP: f64 = 15.0 * 60.0;
    let exp = (BASE * 2f64.powi(attempt.min(20) as i32)).min(CAP);
    let wait = exp / 2.0 + exp / 2.0 * jitter.clamp(0.0, 1.0);
    let ours = Duration::from_secs_f64(wait);
    server_says.map_or(ours, |s| s.max(ours).min(Duration::from_secs(24 * 60 * 60)))
}

/// How many times a transient failure is retried before the entry is marked failed.
pub const MAX_ATTEMPTS: u32 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_read_as_rfc_3339_in_any_offset() {
        let t = parse_instant(" 2026-12-03T08:30:00+01:00 ").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 12, 3, 7, 30, 0).unwrap());
        let bad = parse_instant("tomorrow").unwrap_err();
        assert!(
            bad.to_string().starts_with("\"tomorrow\" is not a time"),
            "{bad}"
        );
        assert!(parse_slots(&["tue 08:30", "someday"]).is_err());
        assert_eq!(parse_slots(&["tue 08:30"]).unwrap().len(), 1);
    }
    use chrono::TimeZone;

    fn oslo() -> Tz {
        zone("Europe/Oslo").unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn slots_parse_and_print() {
        assert_eq!(Slot::parse("tue 08:30"), Ok(Slot::new(1, 8, 30).unwrap()));
        assert_eq!(
            Slot::parse("Thursday 17:05").unwrap().to_string(),
            "thu 17:05"
        );
        for bad in [
            "",
            "tue",
            "tue 8",
            "tue 24:00",
            "xyz 08:30",
            "tue 08:60",
            "tü 08:30",
        ] {
            assert!(Slot::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert!(zone("Europe/Oslo").is_ok());
        assert!(zone("Europe/Osloo").is_err());
    }

    #[test]
    fn a_slot_falls_at_local_time_in_summer_and_winter() {
        let thu = [Slot::parse("thu 08:30").unwrap()];
        // Thursday 2026-12-03 08:30 CET = 07:30 UTC; Thursday 2026-07-02 08:30 CEST = 06:30 UTC.
        assert_eq!(
            next_free_slot(&thu, oslo(), utc(2026, 11, 27, 12, 0), &[]),
            Some(utc(2026, 12, 3, 7, 30))
        );
        assert_eq!(
            next_free_slot(&thu, oslo(), utc(2026, 6, 30, 0, 0), &[]),
            Some(utc(2026, 7, 2, 6, 30))
        );
    }

    #[test]
    fn spring_forward_moves_a_slot_in_the_gap_to_the_end_of_the_gap() {
        // 29 March 2026: Oslo jumps from 02:00 CET to 03:00 CEST. 02:30 does not exist.
        let sun = [Slot::parse("sun 02:30").unwrap()];
        let at = next_free_slot(&sun, oslo(), utc(2026, 3, 28, 0, 0), &[]).unwrap();
        assert_eq!(at, utc(2026, 3, 29, 1, 0)); // 03:00 CEST
        assert_eq!(
            at.with_timezone(&oslo()).format("%H:%M").to_string(),
            "03:00"
        );
        // A slot just outside the gap is untouched.
        let sun = [Slot::parse("sun 01:59").unwrap()];
        assert_eq!(
            next_free_slot(&sun, oslo(), utc(2026, 3, 28, 0, 0), &[]),
            Some(utc(2026, 3, 29, 0, 59))
        );
    }

    #[test]
    fn fall_back_fires_a_repeated_slot_once_at_its_first_occurrence() {
        // 25 October 2026: Oslo goes from 03:00 CEST back to 02:00 CET; 02:30 happens twice.
        let sun = [Slot::parse("sun 02:30").unwrap()];
        let all = upcoming(&sun, oslo(), utc(2026, 10, 24, 0, 0), 9);
        assert_eq!(all, vec![utc(2026, 10, 25, 0, 30), utc(2026, 11, 1, 1, 30)]);
        // Once taken, the next free one is a week later — not the second 02:30.
        let next = next_free_slot(&sun, oslo(), utc(2026, 10, 24, 0, 0), &[all[0]]);
        assert_eq!(next, Some(all[1]));
    }

    #[test]
    fn the_accounts_zone_decides_not_the_travellers() {
        // The same call made from a laptop in New York (its "now" is the same instant): the
        // post still goes at 08:30 in Oslo. Nothing here reads the machine's zone.
        let tue = [Slot::parse("tue 08:30").unwrap()];
        let now_in_new_york = chrono_tz::America::New_York
            .with_ymd_and_hms(2026, 11, 30, 20, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let at = next_free_slot(&tue, oslo(), now_in_new_york, &[]).unwrap();
        // Monday 20:00 in New York is Tuesday 02:00 in Oslo: the post goes at 08:30 Oslo time
        // that same Tuesday, which the traveller's laptop shows as 02:30.
        assert_eq!(at, utc(2026, 12, 1, 7, 30));
        assert_eq!(
            at.with_timezone(&chrono_tz::America::New_York)
                .format("%a %H:%M")
                .to_string(),
            "Tue 02:30"
        );
    }

    #[test]
    fn next_free_slot_skips_taken_slots_and_slots_in_the_past() {
        let slots = [
            Slot::parse("tue 08:30").unwrap(),
            Slot::parse("thu 08:30").unwrap(),
        ];
        let now = utc(2026, 12, 1, 7, 30); // Tue 08:30 Oslo exactly: that slot is not "after"
        let first = next_free_slot(&slots, oslo(), now, &[]).unwrap();
        assert_eq!(first, utc(2026, 12, 3, 7, 30));
        let second = next_free_slot(&slots, oslo(), now, &[first]).unwrap();
        assert_eq!(second, utc(2026, 12, 8, 7, 30));
        assert_eq!(next_free_slot(&[], oslo(), now, &[]), None);
    }

    #[test]
    fn lateness_decides_send_or_review() {
        let due_at = utc(2026, 12, 3, 7, 30);
        assert_eq!(
            due(due_at, utc(2026, 12, 3, 7, 29), DEFAULT_GRACE),
            Due::Wait(Duration::from_secs(60))
        );
        assert_eq!(due(due_at, due_at, DEFAULT_GRACE), Due::Send);
        assert_eq!(
            due(due_at, utc(2026, 12, 3, 9, 30), DEFAULT_GRACE),
            Due::Send
        );
        assert_eq!(
            due(due_at, utc(2026, 12, 3, 9, 31), DEFAULT_GRACE),
            Due::Review
        );
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_the_server() {
        assert_eq!(backoff(0, 0.0, None), Duration::from_secs_f64(2.5));
        assert_eq!(backoff(0, 1.0, None), Duration::from_secs(5));
        assert_eq!(backoff(3, 1.0, None), Duration::from_secs(40));
        assert_eq!(backoff(30, 1.0, None), Duration::from_secs(900));
        assert_eq!(
            backoff(0, 0.5, Some(Duration::from_secs(300))),
            Duration::from_secs(300)
        );
    }
}
