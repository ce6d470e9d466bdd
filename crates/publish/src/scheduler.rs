//! The publishing loop: what `podium scheduler` and the app's publisher thread both run. It
//! publishes each post when it falls due (a pass at most every half second, so posts scheduled
//! meanwhile by another process are seen at once), and says what happened through one callback:
//! what a pass did, which accounts need the user, and a pass that failed. Whoever runs it
//! decides what to show (a line on stdout, a desktop notification) and whether to go on.

use std::time::{Duration, Instant};

use chrono::Utc;
use podium_core::notice::AccountNotice;
use podium_store::{Account, Store};

use crate::publisher::{pause_after, Publisher, Report};
use crate::{Error, Result};

/// How often the accounts' sign-ins are looked at, and Threads tokens renewed when due
/// (LinkedIn's and Threads' last 60 days; a week ahead is told, so a few times a day is plenty).
pub const NOTICES_EVERY: Duration = Duration::from_secs(6 * 3600);
/// How often a renewed sign-in the keyring refused is offered to it again (a locked keyring may
/// ask the person to unlock it each time: not twice a second).
pub const RETRY_KEYRING_EVERY: Duration = Duration::from_secs(60);
/// How often the posts' numbers due for a reading are read (after a publishing pass, within
/// [`crate::results::SCHEDULED_BUDGET`], so reads never hold a due post back).
pub const READS_EVERY: Duration = Duration::from_secs(5 * 60);
/// The pause after a pass that failed (the database busy, the disk full), before the next one.
pub const AFTER_FAILED_PASS: Duration = Duration::from_secs(5);

/// What the loop tells whoever runs it.
#[derive(Debug)]
pub enum Event<'a> {
    /// A pass did something: posts went out, failed, wait for the user, or wait to be sent.
    Published(&'a Report),
    /// An account needs the user (told when the loop starts and every [`NOTICES_EVERY`]).
    Notice(&'a Account, &'a AccountNotice),
    /// A pass failed; the loop tries again after [`AFTER_FAILED_PASS`] unless told to stop.
    PassFailed(&'a Error),
    /// Renewed sign-ins the keyring refused to store, by account (`@you on X`): they are kept in
    /// memory and the keyring is asked again every [`RETRY_KEYRING_EVERY`] (a rotated refresh
    /// token is never dropped). Told when the list changes, so an empty list means the keyring
    /// took them all.
    Unsaved(&'a [String]),
}

/// Whether the loop goes on after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Continue,
    Stop,
}

/// Publishes from `store` until the callback says [`Next::Stop`]: `Ok` after a `Published` or
/// `Notice` event, the error itself after `PassFailed`.
pub fn keep_publishing(
    store: &mut Store,
    publisher: &mut Publisher,
    mut on: impl FnMut(Event<'_>) -> Next,
) -> Result<()> {
    let mut notices_told: Option<Instant> = None;
    let mut unsaved: Vec<String> = Vec::new();
    let mut keyring_asked: Option<Instant> = None;
    let mut numbers_read: Option<Instant> = None;
    loop {
        if notices_told.is_none_or(|t| t.elapsed() >= NOTICES_EVERY) {
            notices_told = Some(Instant::now());
            let now = Utc::now();
            // Unreadable accounts are not worth stopping for: the next pass says what is wrong.
            // Only accounts whose sign-in is on this device: one connected on another device of
            // the team is renewed and told about there.
            for account in store
                .accounts()
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.connected_here)
            {
                // A Threads token is renewed here too, so an account that posts nothing for
                // weeks keeps its sign-in (a no-op for other networks and fresh tokens).
                let account = crate::threads::refresh_stale_sign_in(store, account);
                if let Some(notice) = account.notice(now) {
                    if on(Event::Notice(&account, &notice)) == Next::Stop {
                        return Ok(());
                    }
                }
            }
        }
        let pass = publisher.run_due(store, Utc::now());
        let mut unsaved_now = crate::credentials::unsaved();
        if !unsaved_now.is_empty()
            && keyring_asked.is_none_or(|t| t.elapsed() >= RETRY_KEYRING_EVERY)
        {
            keyring_asked = Some(Instant::now());
            crate::credentials::retry_unsaved();
            unsaved_now = crate::credentials::unsaved();
        }
        if unsaved_now != unsaved {
            unsaved = unsaved_now;
            if on(Event::Unsaved(&unsaved)) == Next::Stop {
                return Ok(());
            }
        }
        match pass {
            Ok(report) => {
                if !report.is_empty() && on(Event::Published(&report)) == Next::Stop {
                    return Ok(());
                }
                // Its own step after publishing, time-bounded; a failure waits for the next turn.
                if numbers_read.is_none_or(|t| t.elapsed() >= READS_EVERY) {
                    numbers_read = Some(Instant::now());
                    let budget = crate::results::SCHEDULED_BUDGET;
                    match crate::results::read_due(store, Utc::now(), false, budget) {
                        Ok(read) if !read.read.is_empty() => {
                            tracing::info!(posts = read.read.len(), "read the numbers of posts");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "reading posts' numbers failed"),
                    }
                }
                std::thread::sleep(pause_after(&report, Utc::now()));
            }
            Err(error) => {
                if on(Event::PassFailed(&error)) == Next::Stop {
                    return Err(error);
                }
                std::thread::sleep(AFTER_FAILED_PASS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_core::network::Network;
    use podium_store::NewAccount;

    #[test]
    fn the_loop_tells_an_account_whose_sign_in_ends_soon_and_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
        store
            .add_account(NewAccount {
                network: Some(Network::Linkedin),
                handle: "Leder".into(),
                remote_id: "abc".into(),
                credential_ref: "linkedin:abc".into(),
                zone: "Europe/Oslo".into(),
                token_expires_at: Some(Utc::now() + chrono::Duration::days(3)),
                ..NewAccount::default()
            })
            .unwrap();
        let mut publisher = Publisher::acquire(&mut store).unwrap();
        let mut told = Vec::new();
        keep_publishing(&mut store, &mut publisher, |event| {
            if let Event::Notice(account, notice) = event {
                told.push((account.handle.clone(), notice.kind()));
            }
            Next::Stop
        })
        .unwrap();
        assert_eq!(told, [("Leder".to_owned(), "sign_in_expiring")]);
    }
}
