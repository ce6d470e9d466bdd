//! `podium schedule`: a draft on an account, at a time or in the account's next free slot;
//! and how a due time reads in the account's own time zone (the queue shows it too).

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use podium_core::schedule;
use podium_store::When;

use super::accounts::find_account;
use crate::context::{Context, Outcome};

#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// The draft to publish.
    draft: String,
    /// The account to publish on (its id, or its handle).
    #[arg(long)]
    account: String,
    /// An exact time (RFC 3339, e.g. 2026-12-03T08:30:00+01:00).
    #[arg(
        long,
        conflicts_with = "next_slot",
        required_unless_present = "next_slot"
    )]
    at: Option<String>,
    /// The account's next free time slot ("add to queue").
    #[arg(long)]
    next_slot: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &mut Context, args: ScheduleArgs) -> Result<Outcome> {
    let store = ctx.store()?;
    let account = find_account(store, &args.account)?;
    let when = match &args.at {
        Some(at) => When::At(schedule::parse_instant(at)?),
        None => When::NextSlot,
    };
    let entry = store.schedule(args.draft.trim(), &account.id, when)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &entry)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", entry.id)?;
        eprintln!(
            "scheduled on {} for {}",
            account.handle,
            local(&entry.due_at, &account.zone)
        );
    }
    Ok(Outcome::AllValid)
}

pub fn local(t: &DateTime<Utc>, zone: &str) -> String {
    match schedule::zone(zone) {
        Ok(z) => t
            .with_timezone(&z)
            .format("%a %Y-%m-%d %H:%M %Z")
            .to_string(),
        Err(_) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}
