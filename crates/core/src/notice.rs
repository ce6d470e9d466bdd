//! What Podium tells the user about an account that needs them: a sign-in that ends soon or has
//! ended, or one the network no longer accepts. One rule for the app's accounts page, its plan,
//! its desktop notifications and `podium accounts list`.
//!
//! A notice is a code with data (serialized as `{"kind": "sign_in_expiring", …}`); the window
//! words it in the user's language. `Display` is the English the CLI prints and the log keeps.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::network::Network;
use crate::reason::Reason;

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

    /// A short code for the notice (`sign_in_expiring`, …), as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            AccountNotice::SignInExpiring { .. } => "sign_in_expiring",
            AccountNotice::SignInExpired { .. } => "sign_in_expired",
            AccountNotice::Reconnect { .. } => "reconnect",
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
}
