//! Why a post stopped or waits, why an account needs the person, and why connecting one did not
//! work: a code with data, which the window words in the person's language (`ui/i18n/{en,nb}.js`, `reason.<code>`, placeholders
//! named after the data). `Display` is the English the CLI prints, the log keeps and the outbox
//! stores beside the code (`error`, `status_reason`), word for word what Podium said before it
//! kept codes.
//!
//! What a network said (its error message, a status) is data, quoted as it came; so are the
//! words of the system keyring and of a database step that failed. Nothing here holds a secret.
//!
//! A reason is serialized as `{"code": "too_long", "data": {…}}`; the store keeps the two parts
//! in two columns. A code this build does not know (a newer Podium wrote it) does not parse:
//! the English beside it is shown instead, as for rows an older Podium wrote without a code.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::network::Network;
use crate::wait::Limit;

/// Why a post stopped or waits for something, or why an account needs the person.
///
/// `part` is the 1-based number of a thread's part, absent for a single post; the window words
/// such a reason from `reason.<code>_part`. Dates are UTC; the window shows them in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", content = "data", rename_all = "snake_case")]
pub enum Reason {
    // ---- the post cannot go out as it is (checked before anything is sent)
    /// The text for this network is empty.
    Empty {},
    /// Longer than the network (or the server) allows.
    TooLong {
        network: Network,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        length: usize,
        limit: usize,
    },
    /// It fits, yet the network would refuse it: the check's note says which and where, in
    /// English and Norwegian (`warning` is the check's code; empty when no note said why).
    NotPostable {
        network: Network,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        warning: String,
        note_en: String,
        note_nb: String,
    },
    /// It fell due more than the grace window ago (Podium was not running, or offline).
    FellBehind {},

    // ---- the system keyring
    /// The account's entry is gone from the keyring.
    KeyringMissing {},
    /// The account's entry holds something Podium did not write.
    KeyringForeign {},
    /// No keyring can be reached (`detail`: the keyring's words).
    KeyringUnreachable { detail: String },
    /// The keyring is locked.
    KeyringLocked { detail: String },
    /// The keyring refused for another reason.
    KeyringRefused { detail: String },
    /// Disconnecting stopped: the keyring would not delete the account's sign-in.
    KeyringKeepsAccount { handle: String, reason: Box<Reason> },

    // ---- the sign-in
    /// The account's server address is not https (and not this computer): no sign-in is sent.
    PlainHttp { network: Network, address: String },
    /// The network refused the sign-in (`detail`: what it answered).
    SignInRefused { network: Network, detail: String },
    /// The network no longer accepts the sign-in (expired or revoked; it said no more).
    SignInEnded { network: Network },
    /// The sign-in ended at `at` (LinkedIn's last 60 days).
    SignInExpired { network: Network, at: DateTime<Utc> },

    // ---- the network's answer
    /// The request never reached the network.
    NotReached { network: Network, detail: String },
    /// The request never reached the network: no server is known by the name `host` (a typo,
    /// or this computer is offline).
    NoSuchHost { network: Network, host: String },
    /// The request never reached the network: nothing answers at `host`.
    NothingListens { network: Network, host: String },
    /// The request never reached the network: no secure (TLS) connection could be made with
    /// `host` (`detail`: why, in the TLS library's words).
    NoSecureConnection {
        network: Network,
        host: String,
        detail: String,
    },
    /// The request may have reached it, and no answer came.
    NoAnswer { network: Network, detail: String },
    /// The request may have reached it, and it did not answer within `secs` seconds.
    TimedOut { network: Network, secs: u64 },
    /// The network answered with an error (`detail`: its own words).
    Answered {
        network: Network,
        status: u16,
        detail: String,
    },
    /// The network answered with an error status and no words.
    AnsweredStatus { network: Network, status: u16 },
    /// A passing trouble: tried again at `at`.
    Retrying {
        reason: Box<Reason>,
        at: DateTime<Utc>,
    },
    /// A passing trouble that did not pass: stopped after `attempts` attempts.
    GaveUp { reason: Box<Reason>, attempts: u32 },
    /// As [`Reason::GaveUp`], with a part that may have gone out: the person decides.
    GaveUpUnclear { reason: Box<Reason>, attempts: u32 },
    /// No clear answer, and the post is not among the account's recent posts: the person looks.
    NotFound {
        network: Network,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parts: Option<u32>,
    },
    /// No answer came when it was sent at `since`, and too long ago to ask the instance safely.
    TooLateToAsk {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parts: Option<u32>,
        since: DateTime<Utc>,
    },
    /// A step in the database failed (busy, disk full); the post is tried again shortly.
    StoreStep { detail: String },

    // ---- connecting an account
    /// Bluesky refused the handle and app password.
    AppPasswordRefused { identifier: String },
    /// Too many sign-ins for now: try again in `secs` seconds.
    SignInsLimited { network: Network, secs: u64 },
    /// The network refused the sign-in's code or the app (`detail`: its status and OAuth code).
    SignInNotAccepted { network: Network, detail: String },
    /// As [`Reason::SignInNotAccepted`], for an app registered with a redirect address.
    SignInNotAcceptedAt {
        network: Network,
        detail: String,
        redirect: String,
    },
    /// The sign-in gave no refresh token (the app lacks `offline.access`).
    NoRefreshToken { network: Network },
    /// The network refused the credentials typed in (`detail`: what it answered).
    CredentialsRefused { network: Network, detail: String },
    /// The instance refused the sign-in code (used already, or expired).
    SignInCodeRefused { network: Network },
    /// The instance refused the access token typed in.
    AccessTokenRefused { network: Network },
    /// Podium cannot listen for the browser's redirect on this port.
    CannotListen { port: u16, detail: String },
    /// The browser did not come back within `minutes` (`secs` exactly).
    BrowserSilent { secs: u64, minutes: u64 },
    /// The person (or the network) did not complete the sign-in (`detail`: what it said).
    SignInNotCompleted { detail: String },

    // ---- limits, refusals and sign-ins of the networks that came later (Threads)
    /// The network asks Podium to slow down: tried again in `wait` seconds (`null`: later).
    RateLimited { network: Network, wait: Option<u64> },
    /// The app's monthly allowance is used up (X's usage cap).
    UsageCapped { network: Network },
    /// A posting quota: `used` of `total` posts in `hours` hours; tried again in `wait` seconds.
    Quota {
        network: Network,
        used: u32,
        total: u32,
        hours: u64,
        wait: Option<u64>,
    },
    /// The network refuses a post identical to one already on the account (LinkedIn).
    Duplicate { network: Network },
    /// The network no longer accepts the account's pasted token: paste a new one.
    TokenEnded { network: Network },
    /// Threads refused the long-lived token pasted in.
    ThreadsTokenRefused {},
    /// The network answered a token's check without the profile's id.
    NoProfileId { network: Network },
    /// The network says the part was published, yet it is not among the recent posts.
    PublishedNotFound {
        network: Network,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parts: Option<u32>,
    },
    /// The network could not make the post (Threads' container status `ERROR`; `detail`: its
    /// error code).
    ContainerFailed { network: Network, detail: String },

    // ---- approval (the team's roles)
    /// Its time came while it still awaits the executive's approval: held, never sent.
    AwaitingApproval {},
    /// Only an executive may approve a post or request changes; this member is an assistant.
    OnlyExecutivesApprove {},
    /// The post is on an account another executive (`owner`) owns: they approve it.
    NotYourAccount { owner: String },
    /// The hub refused a change for the member's role (`detail`: its words); the device took
    /// back the hub's copy.
    HubForbade { detail: String },
    // ---- publishing across devices
    /// The account is connected on another device of the team too, and the hub that decides
    /// which device sends cannot be reached: this device does not send it meanwhile.
    SharedNeedsHub { hub: String },
}

/// The codes of [`Reason`], one per variant: what the store keeps and the window's words are
/// keyed on (`reason.<code>`). A test fails when one has no words in English or Norwegian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    Empty,
    TooLong,
    NotPostable,
    FellBehind,
    KeyringMissing,
    KeyringForeign,
    KeyringUnreachable,
    KeyringLocked,
    KeyringRefused,
    KeyringKeepsAccount,
    PlainHttp,
    SignInRefused,
    SignInEnded,
    SignInExpired,
    NotReached,
    NoSuchHost,
    NothingListens,
    NoSecureConnection,
    NoAnswer,
    TimedOut,
    Answered,
    AnsweredStatus,
    Retrying,
    GaveUp,
    GaveUpUnclear,
    NotFound,
    TooLateToAsk,
    StoreStep,
    AppPasswordRefused,
    SignInsLimited,
    SignInNotAccepted,
    SignInNotAcceptedAt,
    NoRefreshToken,
    CredentialsRefused,
    SignInCodeRefused,
    AccessTokenRefused,
    CannotListen,
    BrowserSilent,
    SignInNotCompleted,
    RateLimited,
    UsageCapped,
    Quota,
    Duplicate,
    TokenEnded,
    ThreadsTokenRefused,
    NoProfileId,
    PublishedNotFound,
    ContainerFailed,
    AwaitingApproval,
    OnlyExecutivesApprove,
    NotYourAccount,
    HubForbade,
    SharedNeedsHub,
}

coded!(ReasonCode, "a reason", {
    Empty => "empty",
    TooLong => "too_long",
    NotPostable => "not_postable",
    FellBehind => "fell_behind",
    KeyringMissing => "keyring_missing",
    KeyringForeign => "keyring_foreign",
    KeyringUnreachable => "keyring_unreachable",
    KeyringLocked => "keyring_locked",
    KeyringRefused => "keyring_refused",
    KeyringKeepsAccount => "keyring_keeps_account",
    PlainHttp => "plain_http",
    SignInRefused => "sign_in_refused",
    SignInEnded => "sign_in_ended",
    SignInExpired => "sign_in_expired",
    NotReached => "not_reached",
    NoSuchHost => "no_such_host",
    NothingListens => "nothing_listens",
    NoSecureConnection => "no_secure_connection",
    NoAnswer => "no_answer",
    TimedOut => "timed_out",
    Answered => "answered",
    AnsweredStatus => "answered_status",
    Retrying => "retrying",
    GaveUp => "gave_up",
    GaveUpUnclear => "gave_up_unclear",
    NotFound => "not_found",
    TooLateToAsk => "too_late_to_ask",
    StoreStep => "store_step",
    AppPasswordRefused => "app_password_refused",
    SignInsLimited => "sign_ins_limited",
    SignInNotAccepted => "sign_in_not_accepted",
    SignInNotAcceptedAt => "sign_in_not_accepted_at",
    NoRefreshToken => "no_refresh_token",
    CredentialsRefused => "credentials_refused",
    SignInCodeRefused => "sign_in_code_refused",
    AccessTokenRefused => "access_token_refused",
    CannotListen => "cannot_listen",
    BrowserSilent => "browser_silent",
    SignInNotCompleted => "sign_in_not_completed",
    RateLimited => "rate_limited",
    UsageCapped => "usage_capped",
    Quota => "quota",
    Duplicate => "duplicate",
    TokenEnded => "token_ended",
    ThreadsTokenRefused => "threads_token_refused",
    NoProfileId => "no_profile_id",
    PublishedNotFound => "published_not_found",
    ContainerFailed => "container_failed",
    AwaitingApproval => "awaiting_approval",
    OnlyExecutivesApprove => "only_executives_approve",
    NotYourAccount => "not_your_account",
    HubForbade => "hub_forbade",
    SharedNeedsHub => "shared_needs_hub",
});

impl Reason {
    /// The reason's code (as serialized and stored).
    pub fn code(&self) -> ReasonCode {
        use Reason as R;
        use ReasonCode as C;
        match self {
            R::Empty {} => C::Empty,
            R::TooLong { .. } => C::TooLong,
            R::NotPostable { .. } => C::NotPostable,
            R::FellBehind {} => C::FellBehind,
            R::KeyringMissing {} => C::KeyringMissing,
            R::KeyringForeign {} => C::KeyringForeign,
            R::KeyringUnreachable { .. } => C::KeyringUnreachable,
            R::KeyringLocked { .. } => C::KeyringLocked,
            R::KeyringRefused { .. } => C::KeyringRefused,
            R::KeyringKeepsAccount { .. } => C::KeyringKeepsAccount,
            R::PlainHttp { .. } => C::PlainHttp,
            R::SignInRefused { .. } => C::SignInRefused,
            R::SignInEnded { .. } => C::SignInEnded,
            R::SignInExpired { .. } => C::SignInExpired,
            R::NotReached { .. } => C::NotReached,
            R::NoSuchHost { .. } => C::NoSuchHost,
            R::NothingListens { .. } => C::NothingListens,
            R::NoSecureConnection { .. } => C::NoSecureConnection,
            R::NoAnswer { .. } => C::NoAnswer,
            R::TimedOut { .. } => C::TimedOut,
            R::Answered { .. } => C::Answered,
            R::AnsweredStatus { .. } => C::AnsweredStatus,
            R::Retrying { .. } => C::Retrying,
            R::GaveUp { .. } => C::GaveUp,
            R::GaveUpUnclear { .. } => C::GaveUpUnclear,
            R::NotFound { .. } => C::NotFound,
            R::TooLateToAsk { .. } => C::TooLateToAsk,
            R::StoreStep { .. } => C::StoreStep,
            R::AppPasswordRefused { .. } => C::AppPasswordRefused,
            R::SignInsLimited { .. } => C::SignInsLimited,
            R::SignInNotAccepted { .. } => C::SignInNotAccepted,
            R::SignInNotAcceptedAt { .. } => C::SignInNotAcceptedAt,
            R::NoRefreshToken { .. } => C::NoRefreshToken,
            R::CredentialsRefused { .. } => C::CredentialsRefused,
            R::SignInCodeRefused { .. } => C::SignInCodeRefused,
            R::AccessTokenRefused { .. } => C::AccessTokenRefused,
            R::CannotListen { .. } => C::CannotListen,
            R::BrowserSilent { .. } => C::BrowserSilent,
            R::SignInNotCompleted { .. } => C::SignInNotCompleted,
            R::RateLimited { .. } => C::RateLimited,
            R::UsageCapped { .. } => C::UsageCapped,
            R::Quota { .. } => C::Quota,
            R::Duplicate { .. } => C::Duplicate,
            R::TokenEnded { .. } => C::TokenEnded,
            R::ThreadsTokenRefused {} => C::ThreadsTokenRefused,
            R::NoProfileId { .. } => C::NoProfileId,
            R::PublishedNotFound { .. } => C::PublishedNotFound,
            R::ContainerFailed { .. } => C::ContainerFailed,
            R::AwaitingApproval {} => C::AwaitingApproval,
            R::OnlyExecutivesApprove {} => C::OnlyExecutivesApprove,
            R::NotYourAccount { .. } => C::NotYourAccount,
            R::HubForbade { .. } => C::HubForbade,
            R::SharedNeedsHub { .. } => C::SharedNeedsHub,
        }
    }

    /// The reason's data as stored beside its code (a JSON object).
    pub fn data_json(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut o)) => o
                .remove("data")
                .unwrap_or_else(|| serde_json::json!({}))
                .to_string(),
            _ => "{}".to_owned(),
        }
    }

    /// A reason as the store keeps it: its code and its data (JSON). `None` for a code this
    /// build does not know, or data that does not fit it.
    pub fn from_stored(code: &str, data: Option<&str>) -> Option<Reason> {
        let data: serde_json::Value = match data {
            Some(d) => serde_json::from_str(d).ok()?,
            None => serde_json::json!({}),
        };
        serde_json::from_value(serde_json::json!({ "code": code, "data": data })).ok()
    }

    /// The browser did not come back within `secs` seconds.
    pub fn browser_silent(secs: u64) -> Reason {
        Reason::BrowserSilent {
            secs,
            minutes: secs.div_ceil(60).max(1),
        }
    }

    /// A post's network failure that will be tried again at `at`.
    pub fn retrying(self, at: DateTime<Utc>) -> Reason {
        Reason::Retrying {
            reason: Box::new(self),
            at,
        }
    }

    /// One of each code, with data as the publisher fills it (and a thread's part where a code
    /// has one): the tests check every code has words, and that the words' placeholders are
    /// the data's names.
    pub fn examples() -> Vec<Reason> {
        let at = DateTime::<Utc>::from_timestamp(1_796_000_000, 0).unwrap_or_default();
        let x = Network::X;
        let refused = || {
            Box::new(Reason::Answered {
                network: x,
                status: 503,
                detail: "Service Unavailable".into(),
            })
        };
        vec![
            Reason::Empty {},
            Reason::TooLong {
                network: x,
                part: None,
                length: 300,
                limit: 280,
            },
            Reason::TooLong {
                network: x,
                part: Some(2),
                length: 300,
                limit: 280,
            },
            Reason::NotPostable {
                network: x,
                part: None,
                warning: "invalid_char".into(),
                note_en: "X refuses U+FEFF at 1".into(),
                note_nb: "X avviser U+FEFF ved 1".into(),
            },
            Reason::NotPostable {
                network: x,
                part: Some(2),
                warning: "invalid_char".into(),
                note_en: "X refuses U+FEFF at 1".into(),
                note_nb: "X avviser U+FEFF ved 1".into(),
            },
            Reason::FellBehind {},
            Reason::AwaitingApproval {},
            Reason::OnlyExecutivesApprove {},
            Reason::NotYourAccount {
                owner: "Kari Nordmann".into(),
            },
            Reason::HubForbade {
                detail: "an assistant may not approve a post".into(),
            },
            Reason::KeyringMissing {},
            Reason::KeyringForeign {},
            Reason::KeyringUnreachable {
                detail: "no secret service".into(),
            },
            Reason::KeyringLocked {
                detail: "collection is locked".into(),
            },
            Reason::KeyringRefused {
                detail: "denied".into(),
            },
            Reason::KeyringKeepsAccount {
                handle: "@leder".into(),
                reason: Box::new(Reason::KeyringLocked {
                    detail: "collection is locked".into(),
                }),
            },
            Reason::PlainHttp {
                network: Network::Mastodon,
                address: "http://mastodon.example".into(),
            },
            Reason::SignInRefused {
                network: Network::Mastodon,
                detail: "The access token was revoked".into(),
            },
            Reason::SignInEnded {
                network: Network::Linkedin,
            },
            Reason::SignInExpired {
                network: Network::Linkedin,
                at,
            },
            Reason::NotReached {
                network: x,
                detail: "connection refused".into(),
            },
            Reason::NoAnswer {
                network: x,
                detail: "the answer was cut off".into(),
            },
            Reason::TimedOut {
                network: x,
                secs: 30,
            },
            *refused(),
            Reason::AnsweredStatus {
                network: x,
                status: 500,
            },
            refused().retrying(at),
            Reason::GaveUp {
                reason: refused(),
                attempts: 8,
            },
            Reason::GaveUpUnclear {
                reason: refused(),
                attempts: 8,
            },
            Reason::NotFound {
                network: Network::Linkedin,
                part: None,
                parts: None,
            },
            Reason::NotFound {
                network: x,
                part: Some(2),
                parts: Some(3),
            },
            Reason::TooLateToAsk {
                part: None,
                parts: None,
                since: at,
            },
            Reason::TooLateToAsk {
                part: Some(2),
                parts: Some(3),
                since: at,
            },
            Reason::StoreStep {
                detail: "database is locked".into(),
            },
            Reason::NoSuchHost {
                network: Network::Mastodon,
                host: "mastodn.social".into(),
            },
            Reason::NothingListens {
                network: Network::Mastodon,
                host: "127.0.0.1:3000".into(),
            },
            Reason::NoSecureConnection {
                network: Network::Mastodon,
                host: "mastodon.example".into(),
                detail: "invalid peer certificate: UnknownIssuer".into(),
            },
            Reason::AppPasswordRefused {
                identifier: "leder.bsky.social".into(),
            },
            Reason::SignInsLimited {
                network: Network::Bluesky,
                secs: 300,
            },
            Reason::SignInNotAccepted {
                network: x,
                detail: "it answered 400, error invalid_grant".into(),
            },
            Reason::SignInNotAcceptedAt {
                network: Network::Linkedin,
                detail: "400, error invalid_client".into(),
                redirect: "http://127.0.0.1:8765/callback".into(),
            },
            Reason::NoRefreshToken { network: x },
            Reason::CredentialsRefused {
                network: x,
                detail: "Unauthorized".into(),
            },
            Reason::SignInCodeRefused {
                network: Network::Mastodon,
            },
            Reason::AccessTokenRefused {
                network: Network::Mastodon,
            },
            Reason::CannotListen {
                port: 8765,
                detail: "Address already in use (os error 98)".into(),
            },
            Reason::browser_silent(300),
            Reason::SignInNotCompleted {
                detail: "access_denied".into(),
            },
            Reason::RateLimited {
                network: Network::Threads,
                wait: Some(300),
            },
            Reason::UsageCapped { network: x },
            Reason::Quota {
                network: Network::Threads,
                used: 250,
                total: 250,
                hours: 24,
                wait: Some(3600),
            },
            Reason::Duplicate {
                network: Network::Linkedin,
            },
            Reason::TokenEnded {
                network: Network::Threads,
            },
            Reason::ThreadsTokenRefused {},
            Reason::NoProfileId {
                network: Network::Threads,
            },
            Reason::PublishedNotFound {
                network: Network::Threads,
                part: None,
                parts: None,
            },
            Reason::PublishedNotFound {
                network: Network::Threads,
                part: Some(2),
                parts: Some(3),
            },
            Reason::ContainerFailed {
                network: Network::Threads,
                detail: "UNKNOWN".into(),
            },
            Reason::SharedNeedsHub {
                hub: "https://hub.example/".into(),
            },
        ]
    }
}

/// "the post" or "part 2 of 3", as the English names a part.
fn which(part: Option<u32>, parts: Option<u32>) -> String {
    match (part, parts) {
        (Some(k), Some(n)) => format!("part {k} of {n}"),
        (Some(k), None) => format!("part {k}"),
        _ => "the post".to_owned(),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty {} => f.write_str("the post is empty"),
            Reason::TooLong {
                network,
                part,
                length,
                limit,
            } => {
                match part {
                    Some(k) => write!(f, "part {k} is")?,
                    None => f.write_str("it is")?,
                }
                write!(
                    f,
                    " too long for {} ({length} of {limit} allowed): shorten it or turn on \
                     thread mode, then retry",
                    network.name()
                )
            }
            Reason::NotPostable {
                network,
                part,
                warning,
                note_en,
                ..
            } => {
                if let Some(k) = part {
                    write!(f, "part {k} ")?;
                }
                if warning == IMAGE_NOT_FETCHED {
                    // Nothing for the person to fix: Podium tries again by itself.
                    return write!(f, "waits on {}: {note_en}", network.name());
                }
                write!(
                    f,
                    "cannot go out on {} as it is: {note_en}; fix it in the editor, then retry",
                    network.name()
                )
            }
            Reason::AwaitingApproval {} => f.write_str(
                "late — awaiting approval: it is held until an executive approves it (within the \
                 grace window it then goes out; later it waits for you)",
            ),
            Reason::OnlyExecutivesApprove {} => f.write_str(
                "only an executive may approve a post or request changes; ask the executive \
                 whose account it is",
            ),
            Reason::NotYourAccount { owner } => write!(
                f,
                "this post is on an account {owner} owns: {owner} approves it"
            ),
            Reason::HubForbade { detail } => write!(
                f,
                "the team's hub refused this change ({detail}); this device took back the hub's \
                 copy"
            ),
            Reason::FellBehind {} => f.write_str(
                "It was due while Podium was not running or offline, more than the grace window ago.",
            ),
            Reason::KeyringMissing {} => f.write_str(
                "this account's sign-in is missing from the system keyring (it was deleted, or \
                 the keyring was reset): reconnect the account",
            ),
            Reason::KeyringForeign {} => f.write_str(
                "this account's entry in the system keyring is not one Podium wrote: reconnect \
                 the account",
            ),
            Reason::KeyringUnreachable { detail } => write!(
                f,
                "Podium keeps passwords and tokens in the system keyring, and none can be reached \
                 ({detail}). On Linux, install and start a Secret Service (GNOME Keyring: `apt install \
                 gnome-keyring`, or KWallet) in your desktop session, then restart Podium. Scheduled \
                 posts stay queued until then."
            ),
            Reason::KeyringLocked { detail } => write!(
                f,
                "the system keyring is locked ({detail}): unlock it (log in to your desktop, or open \
                 \"Passwords and Keys\"), and Podium will go on. Scheduled posts stay queued."
            ),
            Reason::KeyringRefused { detail } => {
                write!(f, "the system keyring refused: {detail}")
            }
            Reason::KeyringKeepsAccount { handle, reason } => write!(
                f,
                "{reason}. {handle} stays connected: its sign-in could not be deleted from the \
                 keyring, so nothing was removed; disconnect it again once the keyring works"
            ),
            Reason::PlainHttp { network, address } => write!(
                f,
                "{}: {address} is not an https:// address, and Podium sends a sign-in only over \
                 https (plain http only to a server on this computer): reconnect the account \
                 with its https:// address",
                network.name()
            ),
            Reason::SignInRefused { network, detail } => match network {
                Network::Bluesky => write!(
                    f,
                    "Bluesky no longer accepts this account's sign-in ({detail}): reconnect it \
                     with a new app password"
                ),
                Network::Mastodon => write!(
                    f,
                    "the Mastodon instance no longer accepts this account's sign-in ({detail}): \
                     reconnect it"
                ),
                other => write!(
                    f,
                    "{} no longer accepts this account's sign-in ({detail}): reconnect it",
                    other.name()
                ),
            },
            Reason::SignInEnded { network } => write!(
                f,
                "{} no longer accepts this account's sign-in (it expired or was revoked): \
                 reconnect it",
                network.name()
            ),
            Reason::SignInExpired { network, at } => write!(
                f,
                "{} sign-in expired on {}: reconnect the account (its posts stay queued)",
                network.name(),
                at.format("%-d %B %Y")
            ),
            Reason::NotReached { network, detail } => {
                write!(f, "{} could not be reached: {detail}", network.name())
            }
            Reason::NoSuchHost { network, host } => write!(
                f,
                "{} could not be reached: no server is known by the name {host}: check the \
                 address for typos, and that this computer is online",
                network.name()
            ),
            Reason::NothingListens { network, host } => write!(
                f,
                "{} could not be reached: nothing answers at {host}: check the address, and \
                 that the server is running",
                network.name()
            ),
            Reason::NoSecureConnection {
                network,
                host,
                detail,
            } => write!(
                f,
                "{} could not be reached: no secure connection could be made with {host} \
                 ({detail}): check the address (https://)",
                network.name()
            ),
            Reason::NoAnswer { network, detail } => {
                write!(f, "no answer from {}: {detail}", network.name())
            }
            Reason::TimedOut { network, secs } => write!(
                f,
                "no answer from {}: it did not answer within {secs} s",
                network.name()
            ),
            Reason::Answered {
                network,
                status,
                detail,
            } => write!(f, "{} answered {status}: {detail}", network.name()),
            Reason::AnsweredStatus { network, status } => {
                write!(f, "{} answered {status}", network.name())
            }
            Reason::Retrying { reason, at } => {
                write!(f, "{reason}; trying again at {}", at.format("%H:%M:%S UTC"))
            }
            Reason::GaveUp { reason, attempts } => {
                write!(f, "{reason} (gave up after {attempts} attempts)")
            }
            Reason::GaveUpUnclear { reason, attempts } => write!(
                f,
                "{reason} (gave up after {attempts} attempts); Podium could not tell whether it \
                 went out"
            ),
            Reason::NotFound {
                network,
                part,
                parts,
            } => {
                let (which, network) = (which(*part, *parts), network.name());
                write!(
                    f,
                    "Podium could not tell whether {which} went out: {network} gave no clear \
                     answer and the post is not among the account's recent posts (or {network} \
                     does not let Podium read them). Look at the account on {network}, then \
                     choose \"It was posted\" or \"Send again\"."
                )
            }
            Reason::TooLateToAsk { part, parts, since } => write!(
                f,
                "Podium could not tell whether {} went out: it was being sent at {} and no \
                 answer came, and it is too late to ask the instance safely. Look at the \
                 account's profile, then choose \"It was posted\" or \"Send again\".",
                which(*part, *parts),
                since.format("%Y-%m-%d %H:%M UTC")
            ),
            Reason::StoreStep { detail } => f.write_str(detail),
            Reason::AppPasswordRefused { identifier } => write!(
                f,
                "Bluesky did not accept the handle and app password for {identifier}: check both \
                 (an app password looks like xxxx-xxxx-xxxx-xxxx; make one under Settings → Privacy \
                 and security → App passwords)"
            ),
            Reason::SignInsLimited { network, secs } => write!(
                f,
                "{} limits sign-ins (30 per 5 minutes); try again in {secs} s",
                network.name()
            ),
            Reason::SignInNotAccepted { network, detail } => write!(
                f,
                "{} did not accept the sign-in ({detail}): connect again, and check the app's \
                 Client ID and callback URI",
                network.name()
            ),
            Reason::SignInNotAcceptedAt {
                network,
                detail,
                redirect,
            } => write!(
                f,
                "{} did not accept the sign-in (it answered {detail}): check the app's Client ID \
                 and Secret, and that its redirect URL is {redirect}",
                network.name()
            ),
            Reason::NoRefreshToken { network } => write!(
                f,
                "{} gave no refresh token: the app must allow offline.access",
                network.name()
            ),
            Reason::CredentialsRefused { network, detail } => write!(
                f,
                "{} did not accept these credentials ({detail}): check them, or sign in again",
                network.name()
            ),
            Reason::SignInCodeRefused { .. } => f.write_str(
                "the instance did not accept the sign-in code (it may have been used already or \
                 expired): connect again",
            ),
            Reason::AccessTokenRefused { .. } => f.write_str(
                "the instance did not accept this access token: check it, or connect through the \
                 browser instead",
            ),
            Reason::CannotListen { port, detail } => write!(
                f,
                "cannot listen for the sign-in on 127.0.0.1:{port} ({detail}): is another sign-in \
                 running? Close it, or use another port (and register that one in your app)"
            ),
            Reason::BrowserSilent { secs, .. } => {
                let within = if *secs >= 120 {
                    format!("{} minutes", secs / 60)
                } else {
                    format!("{} seconds", (*secs).max(1))
                };
                write!(
                    f,
                    "no answer from the browser within {within}: start connecting again"
                )
            }
            Reason::SignInNotCompleted { detail } => {
                write!(f, "the sign-in was not completed: {detail}")
            }
            Reason::RateLimited { .. } | Reason::UsageCapped { .. } | Reason::Quota { .. } => {
                match Limit::of(self) {
                    Some(limit) => limit.fmt(f),
                    None => Ok(()),
                }
            }
            Reason::Duplicate { network } => write!(
                f,
                "{} refuses a post identical to one already on the account (DUPLICATE_POST): \
                 change the text, then retry",
                network.name()
            ),
            Reason::TokenEnded { network } => write!(
                f,
                "{} no longer accepts this account's token (it expired or was revoked): paste a \
                 new one",
                network.name()
            ),
            Reason::ThreadsTokenRefused {} => f.write_str(
                "Threads did not accept this access token: make a new long-lived token in Meta's \
                 developer dashboard (your app → Threads API → User token generator, with \
                 threads_basic and threads_content_publish) and paste it again",
            ),
            Reason::NoProfileId { network } => write!(
                f,
                "{} answered without the profile's id: check the token",
                network.name()
            ),
            Reason::PublishedNotFound {
                network,
                part,
                parts,
            } => {
                let (which, network) = (which(*part, *parts), network.name());
                write!(
                    f,
                    "{network} says {which} was published, but it is not among the account's \
                     recent posts. Look at the profile on {network}, then choose \"It was \
                     posted\" or \"Send again\"."
                )
            }
            Reason::ContainerFailed { network, detail } => {
                write!(f, "{} could not make the post ({detail})", network.name())
            }
            Reason::SharedNeedsHub { hub } => write!(
                f,
                "this account is connected on another device of the team too, and the hub at \
                 {hub} that decides which device sends it cannot be reached: this device does not \
                 send it meanwhile (the other device may); it is tried again when the hub answers"
            ),
        }
    }
}

/// The [`Reason::NotPostable`] warning of a post waiting for an image another device of the
/// team attached, which the team's hub cannot give yet: Podium tries again by itself, so its words
/// do not ask the person to fix the post.
pub const IMAGE_NOT_FETCHED: &str = "image_not_fetched";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_has_an_example_and_serializes_as_its_code() {
        let mut seen = HashSet::new();
        for r in Reason::examples() {
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(json["code"], r.code().as_str(), "{r:?}");
            assert!(json["data"].is_object(), "{r:?} has its data as an object");
            seen.insert(r.code());
        }
        for code in ReasonCode::ALL {
            assert!(seen.contains(&code), "{code} has an example");
            assert_eq!(code.as_str().parse::<ReasonCode>(), Ok(code));
        }
    }

    #[test]
    fn a_post_waiting_for_an_image_from_the_hub_is_not_the_persons_to_fix() {
        let waiting = Reason::NotPostable {
            network: Network::Mastodon,
            part: None,
            warning: IMAGE_NOT_FETCHED.into(),
            note_en: "an image attached on another device is not on this one yet".into(),
            note_nb: "et bilde lagt ved på en annen enhet er ikke på denne ennå".into(),
        };
        assert_eq!(
            waiting.to_string(),
            "waits on Mastodon: an image attached on another device is not on this one yet"
        );
        let refused = Reason::NotPostable {
            network: Network::Mastodon,
            part: None,
            warning: "invalid_char".into(),
            note_en: "Mastodon refuses U+FEFF at 1".into(),
            note_nb: "Mastodon avviser U+FEFF ved 1".into(),
        };
        assert!(refused.to_string().contains("fix it in the editor"));
    }

    #[test]
    fn a_stored_reason_reads_back_as_it_was_written() {
        for r in Reason::examples() {
            let back = Reason::from_stored(r.code().as_str(), Some(&r.data_json()));
            assert_eq!(back.as_ref(), Some(&r), "{r}");
        }
        assert_eq!(
            Reason::from_stored("fell_behind", None),
            Some(Reason::FellBehind {})
        );
        assert_eq!(
            Reason::from_stored("a_newer_podiums_code", Some("{}")),
            None
        );
        assert_eq!(Reason::from_stored("too_long", Some("not json")), None);
    }

    #[test]
    fn the_english_is_what_podium_said_before_it_kept_codes() {
        let too_long = Reason::TooLong {
            network: Network::X,
            part: None,
            length: 300,
            limit: 280,
        };
        assert_eq!(
            too_long.to_string(),
            "it is too long for X (300 of 280 allowed): shorten it or turn on thread mode, then retry"
        );
        let failed = Reason::NotReached {
            network: Network::Mastodon,
            detail: "connection refused".into(),
        };
        let at = DateTime::parse_from_rfc3339("2026-11-29T14:05:09Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            failed.clone().retrying(at).to_string(),
            "Mastodon could not be reached: connection refused; trying again at 14:05:09 UTC"
        );
        let gave_up = Reason::GaveUpUnclear {
            reason: Box::new(failed),
            attempts: 8,
        };
        assert_eq!(
            gave_up.to_string(),
            "Mastodon could not be reached: connection refused (gave up after 8 attempts); \
             Podium could not tell whether it went out"
        );
        let part = Reason::NotFound {
            network: Network::X,
            part: Some(2),
            parts: Some(3),
        };
        assert!(part
            .to_string()
            .starts_with("Podium could not tell whether part 2 of 3 went out: X gave"));
    }

    #[test]
    fn a_networks_own_words_are_kept_as_they_came() {
        let said = "Rate limit exceeded — «prøv igjen» om 15 min";
        let r = Reason::Answered {
            network: Network::Bluesky,
            status: 429,
            detail: said.into(),
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["data"]["detail"], said);
        assert_eq!(json["data"]["network"], "bluesky");
        assert!(r.to_string().ends_with(said));
    }
}
