//! Desktop notifications about approval: an executive hears when a post awaits their approval;
//! whoever scheduled a post hears when it was approved or sent back (with the comment). They go
//! through the publisher's notification plumbing, in the window's language (the words it sent
//! with `use_language`), so they come with the window closed to the tray too.
//!
//! What is news is the store's to say (`approval_news`: what changed since it was last asked);
//! this module asks whenever an approval or a comment changed (`approval-changed`, here or
//! synced in), and once at start for what happened while Podium was closed.

use chrono::{DateTime, Local, Utc};
use podium_core::approval::Approval;
use podium_store::Entry;
use tauri::{AppHandle, Listener, Manager};

use crate::commands::approval::APPROVAL_CHANGED;
use crate::drafts::Drafts;
use crate::publishing::{self, Publishing};

/// Tells what is news whenever an approval changes, and a few seconds after start what
/// happened while Podium was closed (by then the window has sent its words).
pub fn start(app: &AppHandle) {
    let handle = app.clone();
    app.listen(APPROVAL_CHANGED, move |_| {
        // Off the emitting thread: that may be a command the window waits for.
        let app = handle.clone();
        let _ = std::thread::Builder::new()
            .name("approval-news".into())
            .spawn(move || tell(&app));
    });
    let app = app.clone();
    let _ = std::thread::Builder::new()
        .name("approval-news".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(5));
            tell(&app);
        });
}

fn tell(app: &AppHandle) {
    let (Some(drafts), Some(p)) = (app.try_state::<Drafts>(), app.try_state::<Publishing>()) else {
        return;
    };
    let news = match drafts.with(|s| s.approval_news()) {
        Ok(news) => news,
        Err(error) => {
            tracing::debug!(?error, "no approval news");
            return;
        }
    };
    let nb = p.lang() == "nb";
    for e in &news.awaiting {
        let vars = vars(e, nb);
        publishing::show(
            app,
            word(&p, "notify.approvalAwaiting", &vars),
            word(&p, "notify.approvalAwaitingBody", &vars),
        );
    }
    for e in &news.decided {
        let vars = vars(e, nb);
        let (title, body) = if e.approval == Approval::ChangesRequested {
            ("notify.sentBack", "notify.sentBackBody")
        } else {
            ("notify.approved", "notify.approvedBody")
        };
        publishing::show(app, word(&p, title, &vars), word(&p, body, &vars));
    }
}

fn vars(e: &Entry, nb: bool) -> [(&'static str, String); 5] {
    [
        ("post", format!("{} ({})", e.title, e.handle)),
        ("network", e.network.name().to_owned()),
        ("time", when(e.due_at, nb)),
        (
            "name",
            if e.approval == Approval::Awaiting {
                e.scheduled_by.clone()
            } else {
                e.approved_by.clone()
            }
            .unwrap_or_default(),
        ),
        ("comment", e.approval_note.clone().unwrap_or_default()),
    ]
}

/// A post's time on this computer's clock: "1.12. kl. 09:30" / "1 Dec 09:30".
fn when(at: DateTime<Utc>, nb: bool) -> String {
    let local = at.with_timezone(&Local);
    local
        .format(if nb {
            "%-d.%-m. kl. %H:%M"
        } else {
            "%-d %b %H:%M"
        })
        .to_string()
}

/// The window's words for `key`, or English until the window has sent its words.
fn word(p: &Publishing, key: &str, vars: &[(&str, String)]) -> String {
    let worded = p.word(key, vars);
    if worded != key {
        return worded;
    }
    let english = english(key).unwrap_or(key);
    vars.iter().fold(english.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// The notifications' English (the window's own words are in `ui/i18n`, under the same keys).
fn english(key: &str) -> Option<&'static str> {
    Some(match key {
        "notify.approvalAwaiting" => "Awaiting your approval",
        "notify.approvalAwaitingBody" => "{post}\n{name} scheduled it on {network} for {time}.",
        "notify.approved" => "Approved by {name}",
        "notify.approvedBody" => "{post}\nIt goes out on {network} at its time ({time}).",
        "notify.sentBack" => "Sent back by {name}",
        "notify.sentBackBody" => "{post}\n“{comment}”",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&str; 6] = [
        "notify.approvalAwaiting",
        "notify.approvalAwaitingBody",
        "notify.approved",
        "notify.approvedBody",
        "notify.sentBack",
        "notify.sentBackBody",
    ];

    #[test]
    fn every_approval_notification_has_words_in_english_and_norwegian_and_an_english_fallback() {
        let words = crate::commands::tests::ui_words().join("\n");
        for key in KEYS {
            assert_eq!(words.matches(&format!("\"{key}\":")).count(), 2, "{key}");
            assert!(english(key).is_some(), "{key} has an English fallback");
        }
    }

    #[test]
    fn before_the_window_sends_its_words_a_notification_is_in_english_with_its_blanks_filled() {
        let p = Publishing::default();
        let vars = [
            ("post", "Takk til alle (@kari)".to_owned()),
            ("name", "Kari".to_owned()),
            ("comment", "Ta bort datoen.".to_owned()),
        ];
        assert_eq!(word(&p, "notify.sentBack", &vars), "Sent back by Kari");
        assert_eq!(
            word(&p, "notify.sentBackBody", &vars),
            "Takk til alle (@kari)\n“Ta bort datoen.”"
        );
    }
}
