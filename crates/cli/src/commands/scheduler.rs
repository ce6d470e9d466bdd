//! `podium scheduler`: publish each post when it falls due, until stopped — for an always-on
//! machine that publishes while laptops are closed. Same database, same outbox and same
//! keyring entries as the app.

use anyhow::Result;
use podium_publish::scheduler::{keep_publishing, Event, Next};
use podium_publish::Publisher;

use super::publish::print_report;
use crate::context::{Context, Outcome};

/// Runs until stopped: publishes each post when it falls due (checked twice a second, so a due
/// post goes out within a second, and posts scheduled by the app are seen at once).
pub fn run(ctx: &mut Context) -> Result<Outcome> {
    let db = ctx.db_path()?;
    let store = ctx.store()?;
    let mut publisher = Publisher::acquire(store)?;
    publisher.use_leases(Box::new(podium_sync::HubLeases::new()));
    eprintln!(
        "podium scheduler: publishing from {} (stop with Ctrl+C)",
        db.display()
    );
    // A pass that fails ends the scheduler (its supervisor restarts it); so does stdout gone.
    let mut printing = Ok(());
    keep_publishing(store, &mut publisher, |event| match event {
        Event::Published(report) => {
            printing = print_report(report, false);
            if printing.is_ok() {
                Next::Continue
            } else {
                Next::Stop
            }
        }
        Event::Notice(..) => Next::Continue,
        Event::Unsaved(accounts) => {
            for account in accounts {
                eprintln!(
                    "podium: {}",
                    podium_publish::credentials::unsaved_message(account)
                );
            }
            Next::Continue
        }
        Event::PassFailed(_) => Next::Stop,
    })?;
    printing?;
    Ok(Outcome::AllValid)
}
