//! `podium scheduler`: publish each post when it falls due, until stopped — for an always-on
//! machine that publishes while laptops are closed. Same database, same outbox and same
//! keyring entries as the app.
//!
//! In a team it also syncs (a thread of its own with its own connection to the database): the
//! posts the laptop schedules reach it, and what it sent reaches the laptop. With
//! `--install-service` it writes a systemd user unit that runs it with an unlocked keyring.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use podium_publish::scheduler::{keep_publishing, Event, Next};
use podium_publish::Publisher;

use super::publish::print_report;
use crate::context::{Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct SchedulerArgs {
    /// Write a systemd user unit (~/.config/systemd/user/podium-scheduler.service) that starts
    /// an unlocked GNOME Keyring and this scheduler, then exit.
    #[arg(long)]
    pub install_service: bool,
    /// The file holding the keyring's password, for --install-service (readable only by you;
    /// default ~/.config/podium/keyring-password).
    #[arg(long, requires = "install_service")]
    pub keyring_password_file: Option<PathBuf>,
}

/// Runs until stopped: publishes each post when it falls due (checked twice a second, so a due
/// post goes out within a second, and posts scheduled by the app are seen at once).
pub fn run(ctx: &mut Context, args: &SchedulerArgs) -> Result<Outcome> {
    let db = ctx.db_path()?;
    if args.install_service {
        return install_service(&db, args.keyring_password_file.clone());
    }
    let store = ctx.store()?;
    let mut publisher = Publisher::acquire(store)?;
    publisher.use_leases(Box::new(podium_sync::HubLeases::new()));
    if store.sync_identity()?.is_some() {
        let db = db.clone();
        std::thread::spawn(move || keep_syncing(&db));
    }
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

/// Syncs with the team's hub while the scheduler runs: a round, then waiting on the hub's long
/// poll (news from another device wakes it at once), a round at least every few seconds so
/// this device's outcomes travel; offline, it tries again after a pause.
fn keep_syncing(db: &std::path::Path) {
    const EVERY: u64 = 5;
    let Ok(mut store) = podium_store::Store::open(db) else {
        eprintln!("podium: the scheduler cannot open its database to sync; it publishes only");
        return;
    };
    let mut told_offline = false;
    loop {
        match podium_sync::round(&mut store) {
            Ok(_) => told_offline = false,
            Err(e) => {
                if !told_offline {
                    eprintln!("podium: {e}");
                    told_offline = true;
                }
                std::thread::sleep(Duration::from_secs(EVERY));
                continue;
            }
        }
        let waited = podium_sync::Listener::new(&store)
            .and_then(|l| l.wait(store.sync_cursor().unwrap_or(0), EVERY));
        if waited.is_err() {
            std::thread::sleep(Duration::from_secs(EVERY));
        }
    }
}

fn install_service(db: &std::path::Path, password_file: Option<PathBuf>) -> Result<Outcome> {
    let podium = std::env::current_exe()?;
    let password_file = match password_file {
        Some(p) => std::path::absolute(p)?,
        None => podium_publish::background::default_password_file()?,
    };
    let db = std::path::absolute(db)?;
    let unit = podium_publish::background::install_service(&podium, &db, &password_file)?;
    println!("{}", unit.display());
    eprintln!(
        "wrote {unit}\n\
         The scheduler unlocks GNOME Keyring with the password in {password} (make it readable \
         only by you: chmod 600; the keyring is created with it on the first start). Then:\n\
         \n  systemctl --user daemon-reload\n  systemctl --user enable --now {service}\n  \
         loginctl enable-linger $USER   # keeps it running while you are logged out\n\
         \n  journalctl --user -u {service} -f   # what it does",
        unit = unit.display(),
        password = password_file.display(),
        service = podium_publish::background::SERVICE_FILE,
    );
    if !password_file.exists() {
        eprintln!(
            "note: {} does not exist yet; write the keyring's password there before starting it",
            password_file.display()
        );
    }
    Ok(Outcome::AllValid)
}
