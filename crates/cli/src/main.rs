//! `podium`: Podium from the terminal — check posts as each network counts them, turn an
//! article's click-to-tweet quotes into checked draft candidates, and keep drafts in the same
//! database as the desktop app.
//!
//! Exit codes: 0 when it worked (and every post checked fits); 1 when a post does not fit (too
//! long or empty) or some import rows were refused (the others were imported); 2 when the input,
//! the database or the command line is wrong (the message on stderr says what to do).

#![allow(clippy::print_stdout)] // A command-line tool talks on stdout.

mod commands;
mod context;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{
    accounts, backups, check, drafts, goals, import, publish, queue, results, schedule, scheduler,
    team,
};
use context::{Context, Outcome};

#[derive(Parser, Debug)]
#[command(
    name = "podium",
    version,
    about = "Draft, check and schedule leaders' social-media posts"
)]
struct Cli {
    /// The drafts database (default: the desktop app's, ~/.local/share/no.podium.desktop/podium.sqlite3).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a post read from stdin as a network counts it.
    Check(check::CheckArgs),
    /// Extract the click-to-tweet quotes of an article (text, HTML or WordPress source) and check them.
    Import(import::ImportArgs),
    /// Keep drafts: add, list, search, show, export, import.
    #[command(subcommand)]
    Drafts(drafts::DraftsCommand),
    /// The database's backups: list, create, restore.
    #[command(subcommand)]
    Backups(backups::BackupsCommand),
    /// Connect, list and remove accounts; set their time slots; pause their queues.
    #[command(subcommand)]
    Accounts(accounts::AccountsCommand),
    /// Schedule a draft on an account, at a time or in its next free slot.
    Schedule(schedule::ScheduleArgs),
    /// The queue of scheduled posts and their states (also: retry, mark-sent, remove).
    Queue {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        command: Option<queue::QueueCommand>,
    },
    /// Publish the posts that are due, then exit.
    Publish(publish::PublishArgs),
    /// Publish each post when it falls due, until stopped (in a team, it syncs too);
    /// `--install-service` writes a systemd user unit that runs it with an unlocked keyring.
    Scheduler(scheduler::SchedulerArgs),
    /// This device in a team: join with a hub's address and an invite code, its sync state,
    /// the members, leave.
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// One sync round with the team's hub: pull, merge, push, pull. Exit 0 when done, 2 when
    /// the hub cannot be reached (with why); `--json` prints {pushed, pulled, conflicts}.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// What each published post did: its numbers per network (`--json`, `--csv`, `--since
    /// DATE`); `refresh` reads them all now; `x-reads on|off`.
    Results {
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
        /// Only posts published from then on: a date (2026-11-01) or an RFC 3339 time.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[command(subcommand)]
        command: Option<results::ResultsCommand>,
    },
    /// The leader's weekly targets per goal, with planned and published posts for this week
    /// and the next three; `set GOAL --per-week N [--network N]`.
    Goals {
        #[arg(long)]
        json: bool,
        /// The executive the targets are for, in a workspace with several (default: you).
        #[arg(long, global = true, value_name = "NAME")]
        leader: Option<String>,
        #[command(subcommand)]
        command: Option<goals::GoalsCommand>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut ctx = Context::new(cli.db);
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Drafts(command) => drafts::run(&mut ctx, command),
        Command::Backups(command) => backups::run(&mut ctx, command),
        Command::Accounts(command) => accounts::run(&mut ctx, command),
        Command::Schedule(args) => schedule::run(&mut ctx, args),
        Command::Queue { json, command } => queue::run(&mut ctx, json, command),
        Command::Publish(args) => publish::run(&mut ctx, &args),
        Command::Scheduler(args) => scheduler::run(&mut ctx, &args),
        Command::Team(command) => team::run(&mut ctx, command),
        Command::Sync { json } => team::sync(&mut ctx, json),
        Command::Results {
            json,
            csv,
            since,
            command,
        } => results::run(&mut ctx, json, csv, since, command),
        Command::Goals {
            json,
            leader,
            command,
        } => goals::run(&mut ctx, json, leader, command),
    };
    match result {
        Ok(Outcome::AllValid) => ExitCode::SUCCESS,
        Ok(Outcome::SomeInvalid) => ExitCode::from(1),
        Ok(Outcome::BadInput) => ExitCode::from(2),
        // The reader went away (`podium drafts list | head`): not an error worth a message.
        Err(error)
            if error.chain().any(|e| {
                let kind = e
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| e.downcast_ref::<serde_json::Error>()?.io_error_kind());
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("podium: {error:#}");
            ExitCode::from(2)
        }
    }
}
