//! What Podium tells the user about an account that needs them: a sign-in that ends soon or has
//! ended, one the network no longer accepts, or a posting quota nearly used up. One rule for the app's accounts page, its plan,
//! its desktop notifications and `podium accounts list`.
//!
//! A notice is a code with data (serialized as `{"kind": "sign_in_expiring", …}`); the window
//! words it in the user's language. `Display` is the English the CLI prints and the log keeps.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::network::Network;
use crate::reason::Reason;
use crate::wait::{self, QuotaReading};

/// Tell the user this long before a sign-in expires.
pub const WARN_DAYS: i64 = 7;

/// Why an account needs the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountNotice {
    /// The sign-in ends at `at`, in `days` days (rounded up): reconnect before then.
    SignInExpiring {
        network: Network,
        at: DateTime<Utc>,
        days: i64,
    },
    /// The sign-in ended at `at`: reconnect (the account's posts stay queued).
    SignInExpired { network: Network, at: DateTime<Utc> },
    /// The network refused the sign-in; `reason` says what it answered, in English, and `why`
    /// as a code with data the window words (absent for a refusal an older Podium recorded).
    Reconnect {
        network: Network,
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        why: Option<Reason>,
    },
    /// Few posts are left of the account's posting quota (Threads: 250 in 24 hours), as the
    /// network told it at `at`: `used` of `total` in `hours` hours, `left` to go.
    QuotaNear {
        network: Network,
        used: u32,
        total: u32,
        left: u32,
        hours: u64,
        at: DateTime<Utc>,
    },
}

impl AccountNotice {
    /// Whether a sign-in that ends at `at` needs a word at `now`: ended, or within a week.
    pub fn for_sign_in(
        network: Network,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<AccountNotice> {
        let at = at?;
        if at <= now {
            Some(AccountNotice::SignInExpired { network, at })
        } else if at - now <= chrono::Duration::days(WARN_DAYS) {
            // Whole days left, rounded up.
            let days = ((at - now).num_seconds() + 86_399) / 86_400;
            Some(AccountNotice::SignInExpiring { network, at, days })
        } else {
            None
        }
    }

    /// Whether the last quota reading at `now` needs a word: [`wait::NEAR_QUOTA`] posts or fewer
    /// left, read within the quota's window (after it, the posts it counted have left it).
    pub fn for_quota(
        network: Network,
        reading: Option<&QuotaReading>,
        now: DateTime<Utc>,
    ) -> Option<AccountNotice> {
        let r = reading?;
        (r.left() <= wait::NEAR_QUOTA && r.is_current(now)).then(|| AccountNotice::QuotaNear {
            network,
            used: r.used,
            total: r.total,
            left: r.left(),
            hours: r.period_secs.div_ceil(3600),
            at: r.at,
        })
    }

    /// A short code for the notice (`sign_in_expiring`, …), as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            AccountNotice::SignInExpiring { .. } => "sign_in_expiring",
            AccountNotice::SignInExpired { .. } => "sign_in_expired",
            AccountNotice::Reconnect { .. } => "reconnect",
            AccountNotice::QuotaNear { .. } => "quota_near",
        }
    }
}

impl fmt::Display for AccountNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountNotice::SignInExpiring { network, at, days } => write!(
                f,
                "{} sign-in expires on {} ({days} days): reconnect before then to keep posting",
                network.name(),
                at.format("%-d %B %Y")
            ),
            AccountNotice::SignInExpired { network, at } => write!(
                f,
                "{} sign-in expired on {}: reconnect the account (its posts stay queued)",
                network.name(),
                at.format("%-d %B %Y")
            ),
            AccountNotice::Reconnect { reason, .. } => f.write_str(reason),
            // In the words of the checks' note (`wait::near_quota`), and what it means.
            AccountNotice::QuotaNear {
                network,
                total,
                left,
                hours,
                ..
            } => write!(
                f,
                "{} allows {total} posts in {hours} hours; this account has {left} left: further \
                 posts wait until earlier ones are {hours} hours old",
                network.name()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_sign_in_is_told_a_week_ahead_and_after_it_ended() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let linkedin = Network::Linkedin;
        let in_days = |d| Some(now + chrono::Duration::days(d));
        assert_eq!(AccountNotice::for_sign_in(linkedin, in_days(30), now), None);
        assert_eq!(AccountNotice::for_sign_in(linkedin, None, now), None);
        let soon = AccountNotice::for_sign_in(linkedin, in_days(6), now).unwrap();
        assert_eq!(
            soon.to_string(),
            "LinkedIn sign-in expires on 3 December 2026 (6 days): reconnect before then to keep posting"
        );
        let gone = AccountNotice::for_sign_in(linkedin, in_days(-1), now).unwrap();
        assert!(
            gone.to_string().contains("expired on 26 November 2026"),
            "{gone}"
        );
    }

    #[test]
    fn a_notice_reaches_the_window_as_a_kind_with_its_data() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let soon = AccountNotice::for_sign_in(
            Network::Linkedin,
            Some(now + chrono::Duration::days(2)),
            now,
        )
        .unwrap();
        let json = serde_json::to_value(&soon).unwrap();
        assert_eq!(json["kind"], soon.kind());
        assert_eq!(json["kind"], "sign_in_expiring");
        assert_eq!(json["network"], "linkedin");
        assert_eq!(json["days"], 2);
        assert_eq!(json["at"], "2026-11-29T12:00:00Z");
    }

    #[test]
    fn a_quota_nearly_used_up_is_told_until_its_window_has_passed() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let threads = Network::Threads;
        let read = |used, hours_ago| QuotaReading {
            used,
            total: 250,
            period_secs: 24 * 3600,
            at: now - chrono::Duration::hours(hours_ago),
        };
        assert_eq!(AccountNotice::for_quota(threads, None, now), None);
        assert_eq!(
            AccountNotice::for_quota(threads, Some(&read(239, 1)), now),
            None
        );
        let near = AccountNotice::for_quota(threads, Some(&read(246, 1)), now).unwrap();
        assert_eq!(
            near.to_string(),
            "Threads allows 250 posts in 24 hours; this account has 4 left: further posts \
             wait until earlier ones are 24 hours old"
        );
        let json = serde_json::to_value(&near).unwrap();
        assert_eq!(json["kind"], "quota_near");
        assert_eq!(json["left"], 4);
        assert_eq!(json["hours"], 24);
        let used_up = AccountNotice::for_quota(threads, Some(&read(250, 23)), now).unwrap();
        assert!(used_up.to_string().contains("has 0 left"), "{used_up}");
        // A reading a whole window old says nothing any more.
        assert_eq!(
            AccountNotice::for_quota(threads, Some(&read(250, 24)), now),
            None
        );
    }
}
