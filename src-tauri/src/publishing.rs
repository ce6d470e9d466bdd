//! The publisher in the app's background: a thread with its own database connection that runs
//! the publishing loop (`podium_publish::scheduler`, the same one `podium scheduler` runs),
//! tells the window when the queue changed, and shows a desktop notification when a post went
//! out, failed, or needs the user. It keeps running with the window closed (Podium stays in the
//! tray).
//!
//! Notifications are worded in the window's language: the window sends its words for them
//! (`use_language`); until it has, they are in English.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use podium_core::network::Network;
use podium_core::notice::AccountNotice;
use podium_core::reason::Reason;
use podium_publish::scheduler::{keep_publishing, Event, Next};
use podium_publish::{Error as PublishError, Publisher, Report};
use podium_store::{Account, Entry, PageCheck, Store};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::commands::CommandError;

/// The event the window listens to; it reloads the queue.
pub const OUTBOX_CHANGED: &str = "outbox-changed";

/// What the publisher is doing, for the window's status line: `starting`, `running`, `busy`
/// (another Podium publishes from this database) or `off` (with the problem).
#[derive(Debug, Clone)]
pub struct Status {
    pub state: &'static str,
    pub problem: Option<CommandError>,
}

/// The publisher's status and the words its notifications use.
#[derive(Debug)]
pub struct Publishing {
    status: Mutex<Status>,
    words: Mutex<Words>,
}

impl Default for Publishing {
    fn default() -> Publishing {
        Publishing {
            status: Mutex::new(Status {
                state: "starting",
                problem: None,
            }),
            words: Mutex::new(Words::default()),
        }
    }
}

impl Publishing {
    pub fn status(&self) -> Status {
        self.status.lock().map(|s| s.clone()).unwrap_or(Status {
            state: "off",
            problem: Some(CommandError::internal(
                "the publisher's status is unreadable",
            )),
        })
    }

    fn set(&self, state: &'static str, problem: Option<CommandError>) {
        if let Ok(mut s) = self.status.lock() {
            *s = Status { state, problem };
        }
    }

    /// The window's language and its words for notifications (`notify.*`, `notice.*`).
    pub fn use_words(&self, lang: &str, words: BTreeMap<String, String>) {
        if let Ok(mut w) = self.words.lock() {
            *w = Words {
                lang: lang.to_owned(),
                words,
            };
        }
    }

    /// The window's language (`en` until the window has said).
    pub(crate) fn lang(&self) -> String {
        self.words
            .lock()
            .map(|w| w.lang.clone())
            .unwrap_or_default()
    }

    pub(crate) fn word(&self, key: &str, vars: &[(&str, String)]) -> String {
        self.words
            .lock()
            .map(|w| w.fill(key, vars))
            .unwrap_or_default()
    }

    /// Why a post failed or waits, in the window's words (`reason.*`, worded as `ui/i18n.js`
    /// words it), or in English until the window has sent them.
    fn reason(&self, reason: &Reason) -> String {
        self.words
            .lock()
            .ok()
            .and_then(|w| w.reason(&serde_json::to_value(reason).unwrap_or_default()))
            .unwrap_or_else(|| reason.to_string())
    }

    fn date(&self, at: DateTime<Utc>) -> String {
        let nb = self.words.lock().is_ok_and(|w| w.lang == "nb");
        at.format(if nb { "%-d.%-m.%Y" } else { "%-d %B %Y" })
            .to_string()
    }
}

/// The words of the window's language for notifications; English until the window says.
#[derive(Debug, Default)]
struct Words {
    lang: String,
    words: BTreeMap<String, String>,
}

impl Words {
    /// The template for `key` with `{name}` filled from `vars`.
    fn fill(&self, key: &str, vars: &[(&str, String)]) -> String {
        let template = self
            .words
            .get(key)
            .map(String::as_str)
            .or_else(|| english(key))
            .unwrap_or(key);
        vars.iter()
            .fold(template.to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }
}

impl Words {
    /// A reason (`{code, data}`) filled from `reason.<code>` (`reason.<code>_part` for a
    /// thread's part): the network by name, times in local time, a reason within it worded too,
    /// a datum given in both languages (`note_en`, `note_nb`) in the window's. `None` without
    /// the window's words for it.
    fn reason(&self, reason: &serde_json::Value) -> Option<String> {
        let code = reason["code"].as_str()?;
        let data = reason["data"].as_object()?;
        let part = format!("reason.{code}_part");
        let key = if data.contains_key("part") && self.words.contains_key(&part) {
            part
        } else {
            format!("reason.{code}")
        };
        let template = self.words.get(&key)?;
        let nb = self.lang == "nb";
        let mut vars: Vec<(String, String)> = Vec::new();
        for (name, value) in data {
            let text = match name.as_str() {
                "network" => value
                    .as_str()
                    .and_then(|n| n.parse::<Network>().ok())
                    .map(|n| n.name().to_owned()),
                "reason" => self.reason(value),
                "wait" => {
                    let (key, n) = podium_core::wait::words_key(value.as_u64());
                    Some(self.fill(&format!("wait.{key}"), &[("n", n.to_string())]))
                }
                "at" | "since" => value
                    .as_str()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format(if nb {
                                "%-d.%-m.%Y %H:%M"
                            } else {
                                "%-d %B %Y %H:%M"
                            })
                            .to_string()
                    }),
                _ => match value {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                },
            };
            if let Some(base) = name.strip_suffix("_en") {
                let own = data
                    .get(&format!("{base}_{}", self.lang))
                    .and_then(|v| v.as_str());
                let word = own.or(value.as_str()).unwrap_or_default();
                vars.push((base.to_owned(), word.to_owned()));
            }
            vars.push((name.clone(), text.unwrap_or_default()));
        }
        Some(vars.iter().fold(template.clone(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        }))
    }
}

/// A renewed sign-in the keyring refused is kept only in memory: the person is told, since
/// quitting Podium before the keyring takes it means reconnecting the account.
fn notify_unsaved(app: &AppHandle, accounts: &[String]) {
    let Some(p) = app.try_state::<Publishing>() else {
        return;
    };
    for account in accounts {
        tracing::warn!(%account, "a renewed sign-in waits in memory for the keyring");
        show(
            app,
            p.word("notify.unsaved", &[]),
            p.word("notify.unsavedBody", &[("account", account.clone())]),
        );
    }
}

/// The notifications' English, for the time before the window has sent its words (the window's
/// own are in `ui/i18n`, under the same keys).
fn english(key: &str) -> Option<&'static str> {
    Some(match key {
        "notify.posted" => "Posted on {network}",
        "notify.failed" => "Not posted on {network}",
        "notify.unknown" => "Did it go out on {network}?",
        "notify.unknownBody" => "{post}\nCheck the account, then tell Podium in the plan.",
        "notify.late" => "A late post waits for you",
        "notify.lateBody" => {
            "{post}\nIt was due while Podium was not running. Send it now or move it in the plan."
        }
        "notify.held" => "Waiting to post on {network}",
        "notify.needsYou" => "{handle} needs you",
        "notify.unsaved" => "A renewed sign-in is not saved yet",
        "notify.unsavedBody" => {
            "The system keyring refused the renewed sign-in of {account}. Podium keeps it and \
             tries again every minute: unlock the keyring, and keep Podium running until then, \
             or the account must be reconnected."
        }
        "notice.sign_in_expiring" => {
            "{network} sign-in expires on {date} ({days} days): reconnect before then to keep posting"
        }
        "notice.sign_in_expired" => {
            "{network} sign-in expired on {date}: reconnect the account (its posts stay queued)"
        }
        _ => return None,
    })
}

/// Starts the publisher thread for the database at `path`.
pub fn start(app: &AppHandle, path: PathBuf) -> std::io::Result<()> {
    let app = app.clone();
    std::thread::Builder::new()
        .name("publisher".into())
        .spawn(move || run(&app, &path))
        .map(|_| ())
}

fn run(app: &AppHandle, path: &std::path::Path) {
    let mut told: HashSet<String> = HashSet::new();
    loop {
        let mut store = match Store::open_with(path, PageCheck::Header) {
            Ok(s) => s,
            Err(error) => {
                // The window explains a damaged or newer database; nothing to publish from.
                set_status(app, "off", Some(CommandError::from(error)));
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
        };
        let mut publisher = match Publisher::acquire(&mut store) {
            Ok(p) => p,
            Err(PublishError::Busy(_)) => {
                set_status(app, "busy", None);
                std::thread::sleep(Duration::from_secs(15));
                continue;
            }
            Err(error) => {
                tracing::error!(%error, "the publisher cannot start");
                set_status(app, "off", Some(CommandError::from(error)));
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
        };
        publisher.use_leases(Box::new(podium_sync::HubLeases::new()));
        set_status(app, "running", None);
        let _ = app.emit(OUTBOX_CHANGED, ());
        let outcome = keep_publishing(&mut store, &mut publisher, |event| {
            match event {
                Event::Published(report) => {
                    notify(app, report, &mut told);
                    let _ = app.emit(OUTBOX_CHANGED, ());
                }
                Event::Notice(account, notice) => notify_account(app, account, notice, &mut told),
                Event::PassFailed(error) => tracing::error!(%error, "publishing pass failed"),
                Event::Unsaved(accounts) => notify_unsaved(app, accounts),
            }
            Next::Continue
        });
        if let Err(error) = outcome {
            tracing::error!(%error, "the publisher stopped");
        }
    }
}

fn set_status(app: &AppHandle, state: &'static str, problem: Option<CommandError>) {
    if let Some(p) = app.try_state::<Publishing>() {
        p.set(state, problem);
    }
}

pub(crate) fn show(app: &AppHandle, title: String, body: String) {
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!(%error, "no desktop notification");
    }
}

/// A notification per account whose sign-in expires within a week (or has), once a day. (A
/// refused sign-in is told with the post it holds back.)
fn notify_account(
    app: &AppHandle,
    account: &Account,
    notice: &AccountNotice,
    told: &mut HashSet<String>,
) {
    let Some(p) = app.try_state::<Publishing>() else {
        return;
    };
    let (network, at, days) = match notice {
        AccountNotice::SignInExpiring { network, at, days } => (network, at, Some(days)),
        AccountNotice::SignInExpired { network, at } => (network, at, None),
        // A nearly used-up quota is shown on the accounts page and the plan; no pop-up.
        AccountNotice::Reconnect { .. } | AccountNotice::QuotaNear { .. } => return,
    };
    let now = Utc::now();
    if !told.insert(format!("expiry:{}:{}", account.id, now.date_naive())) {
        return;
    }
    let vars = [
        ("handle", account.handle.clone()),
        ("network", network.name().to_owned()),
        ("date", p.date(*at)),
        ("days", days.map(ToString::to_string).unwrap_or_default()),
    ];
    show(
        app,
        p.word("notify.needsYou", &vars),
        p.word(&format!("notice.{}", notice.kind()), &vars),
    );
}

/// One notification per outcome; a post held for the keyring or a reconnect is told once.
fn notify(app: &AppHandle, report: &Report, told: &mut HashSet<String>) {
    let Some(p) = app.try_state::<Publishing>() else {
        return;
    };
    let vars = |e: &Entry| {
        [
            ("network", e.network.name().to_owned()),
            ("post", format!("{} ({})", e.title, e.handle)),
        ]
    };
    for e in &report.sent {
        tracing::info!(entry = %e.id, url = ?e.remote_url, "posted");
        let [network, post] = vars(e);
        show(
            app,
            p.word("notify.posted", &[network]),
            format!("{}\n{}", post.1, e.remote_url.as_deref().unwrap_or("")),
        );
    }
    // Why a post failed, in the window's words; what the network said is quoted as it came.
    for e in &report.failed {
        let [network, post] = vars(e);
        let why = e
            .reason()
            .map_or_else(|| e.error.clone().unwrap_or_default(), |r| p.reason(&r));
        show(
            app,
            p.word("notify.failed", &[network]),
            format!("{}\n{why}", post.1),
        );
    }
    for e in &report.unknown {
        let vars = vars(e);
        show(
            app,
            p.word("notify.unknown", &vars),
            p.word("notify.unknownBody", &vars),
        );
    }
    for e in &report.review {
        let vars = vars(e);
        show(
            app,
            p.word("notify.late", &vars),
            p.word("notify.lateBody", &vars),
        );
    }
    for (e, why) in &report.held {
        if told.insert(format!("{}:{why}", e.id)) {
            show(app, p.word("notify.held", &vars(e)), p.reason(why));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notification_has_words_in_english_and_norwegian_in_the_ui() {
        let words = crate::commands::tests::ui_words().join("\n");
        let keys = [
            "notify.posted",
            "notify.failed",
            "notify.unknown",
            "notify.unknownBody",
            "notify.late",
            "notify.lateBody",
            "notify.held",
            "notify.needsYou",
            "notify.unsaved",
            "notify.unsavedBody",
            "notice.sign_in_expiring",
            "notice.sign_in_expired",
            "notice.reconnect",
        ];
        for key in keys {
            assert_eq!(words.matches(&format!("\"{key}\":")).count(), 2, "{key}");
            if key != "notice.reconnect" {
                assert!(english(key).is_some(), "{key} has an English fallback");
            }
        }
    }

    #[test]
    fn a_failed_posts_reason_is_worded_in_the_language_the_window_sent() {
        let publishing = Publishing::default();
        let said = "Service Unavailable";
        let why = Reason::Answered {
            network: Network::Mastodon,
            status: 503,
            detail: said.into(),
        };
        let gave_up = Reason::GaveUp {
            reason: Box::new(why.clone()),
            attempts: 8,
        };
        assert_eq!(
            publishing.reason(&gave_up),
            gave_up.to_string(),
            "English until the window speaks"
        );
        publishing.use_words(
            "nb",
            BTreeMap::from([
                (
                    "reason.answered".into(),
                    "{network} svarte {status}: {detail}".into(),
                ),
                (
                    "reason.gave_up".into(),
                    "{reason} (ga opp etter {attempts} forsøk)".into(),
                ),
            ]),
        );
        assert_eq!(
            publishing.reason(&gave_up),
            "Mastodon svarte 503: Service Unavailable (ga opp etter 8 forsøk)"
        );
        let note = Reason::NotPostable {
            network: Network::X,
            part: None,
            warning: "invalid_char".into(),
            note_en: "X refuses U+FEFF".into(),
            note_nb: "X avviser U+FEFF".into(),
        };
        publishing.use_words(
            "nb",
            BTreeMap::from([(
                "reason.not_postable".into(),
                "Ikke på {network}: {note}".into(),
            )]),
        );
        assert_eq!(publishing.reason(&note), "Ikke på X: X avviser U+FEFF");
    }

    #[test]
    fn a_networks_limit_is_worded_with_its_wait_in_the_language_the_window_sent() {
        let publishing = Publishing::default();
        let words = crate::commands::tests::ui_words();
        let nb: BTreeMap<String, String> = words[1]
            .lines()
            .filter_map(|l| {
                let (k, v) = l.trim().strip_prefix('"')?.split_once("\": \"")?;
                Some((k.to_owned(), v.strip_suffix("\",")?.to_owned()))
            })
            .filter(|(k, _)| k.starts_with("reason.") || k.starts_with("wait."))
            .collect();
        publishing.use_words("nb", nb);
        let quota = Reason::Quota {
            network: Network::Threads,
            used: 250,
            total: 250,
            hours: 24,
            wait: Some(3600),
        };
        assert_eq!(
            publishing.reason(&quota),
            "Threads tillater 250 innlegg på 24 timer, og denne kontoen har publisert 250: \
             Podium prøver igjen om omtrent én time; innlegget blir stående i køen."
        );
        let rate = Reason::RateLimited {
            network: Network::X,
            wait: None,
        };
        assert!(
            publishing
                .reason(&rate)
                .contains("Podium prøver igjen senere;"),
            "{}",
            publishing.reason(&rate)
        );
    }

    #[test]
    fn a_notification_is_worded_in_the_language_the_window_sent() {
        let publishing = Publishing::default();
        let vars = [("network", "Bluesky".to_owned())];
        assert_eq!(
            publishing.word("notify.posted", &vars),
            "Posted on Bluesky",
            "English until the window speaks"
        );
        publishing.use_words(
            "nb",
            BTreeMap::from([("notify.posted".into(), "Publisert på {network}".into())]),
        );
        assert_eq!(
            publishing.word("notify.posted", &vars),
            "Publisert på Bluesky"
        );
        let at = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(publishing.date(at), "3.12.2026");
    }
}
