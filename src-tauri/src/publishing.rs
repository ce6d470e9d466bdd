//! The publisher in the app's background: a thread with its own database connection that sends
//! each post when it falls due (checked twice a second), tells the window when the queue
//! changed, and shows a desktop notification when a post went out, failed, or needs the user.
//! It keeps running with the window closed (Podium stays in the tray).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use podium_publish::{Error as PublishError, Publisher, Report};
use podium_store::{Entry, PageCheck, Store};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

/// The event the window listens to; it reloads the queue.
pub const OUTBOX_CHANGED: &str = "outbox-changed";

/// What the publisher is doing, for the window's status line.
#[derive(Debug, Default)]
pub struct Publishing {
    status: Mutex<String>,
}

impl Publishing {
    pub fn status(&self) -> String {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set(&self, status: &str) {
        if let Ok(mut s) = self.status.lock() {
            status.clone_into(&mut s);
        }
    }
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
                set_status(app, &format!("not publishing: {error}"));
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
        };
        let mut publisher = match Publisher::acquire(&mut store) {
            Ok(p) => p,
            Err(PublishError::Busy(_)) => {
                set_status(app, "busy");
                std::thread::sleep(Duration::from_secs(15));
                continue;
            }
            Err(error) => {
                tracing::error!(%error, "the publisher cannot start");
                set_status(app, &format!("not publishing: {error}"));
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
        };
        set_status(app, "running");
        let _ = app.emit(OUTBOX_CHANGED, ());
        let mut checked_sign_ins: Option<std::time::Instant> = None;
        loop {
            // Sign-ins that end soon (LinkedIn: 60 days) are told a week ahead, once a day.
            if checked_sign_ins.is_none_or(|t| t.elapsed() > Duration::from_secs(6 * 3600)) {
                checked_sign_ins = Some(std::time::Instant::now());
                notify_expiring(app, &store, &mut told);
            }
            match publisher.run_due(&mut store, Utc::now()) {
                Ok(report) => {
                    if !report.is_empty() {
                        notify(app, &report, &mut told);
                        let _ = app.emit(OUTBOX_CHANGED, ());
                    }
                    std::thread::sleep(podium_publish::pause_after(&report, Utc::now()));
                }
                Err(error) => {
                    tracing::error!(%error, "publishing pass failed");
                    std::thread::sleep(Duration::from_secs(5));
                }
            }
        }
    }
}

fn set_status(app: &AppHandle, status: &str) {
    if let Some(p) = app.try_state::<Publishing>() {
        p.set(status);
    }
}

/// A notification per account whose sign-in expires within a week (or has), once a day.
fn notify_expiring(app: &AppHandle, store: &Store, told: &mut HashSet<String>) {
    let Ok(accounts) = store.accounts() else {
        return;
    };
    let now = Utc::now();
    for a in accounts {
        if let Some(text) = podium_publish::linkedin::expiry_notice(a.token_expires_at, now) {
            if told.insert(format!("expiry:{}:{}", a.id, now.date_naive())) {
                if let Err(error) = app
                    .notification()
                    .builder()
                    .title(format!("{} needs you", a.handle))
                    .body(text)
                    .show()
                {
                    tracing::debug!(%error, "no desktop notification");
                }
            }
        }
    }
}

/// One notification per outcome; a post held for the keyring or a reconnect is told once.
fn notify(app: &AppHandle, report: &Report, told: &mut HashSet<String>) {
    let show = |title: String, body: String| {
        if let Err(error) = app.notification().builder().title(title).body(body).show() {
            tracing::debug!(%error, "no desktop notification");
        }
    };
    let name = |e: &Entry| format!("{} ({})", e.title, e.handle);
    for e in &report.sent {
        tracing::info!(entry = %e.id, url = ?e.remote_url, "posted");
        show(
            format!("Posted on {}", e.network.name()),
            format!("{}\n{}", name(e), e.remote_url.as_deref().unwrap_or("")),
        );
    }
    for e in &report.failed {
        show(
            format!("Not posted on {}", e.network.name()),
            format!("{}\n{}", name(e), e.error.as_deref().unwrap_or("")),
        );
    }
    for e in &report.unknown {
        show(
            format!("Did it go out on {}?", e.network.name()),
            format!(
                "{}\nCheck the account, then tell Podium in the plan.",
                name(e)
            ),
        );
    }
    for e in &report.review {
        show(
            "A late post waits for you".into(),
            format!(
                "{}\nIt was due while Podium was not running. Send it now or move it in the plan.",
                name(e)
            ),
        );
    }
    for (e, why) in &report.held {
        if told.insert(format!("{}:{why}", e.id)) {
            show(
                format!("Waiting to post on {}", e.network.name()),
                why.clone(),
            );
        }
    }
}
