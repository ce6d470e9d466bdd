//! `podium queue`: the scheduled posts and their states, and what the user decides about one
//! (retry it, say it did go out, take it out of the queue, approve it or send it back).

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;

use super::schedule::local;
use crate::context::{Context, Outcome};

#[derive(Subcommand, Debug)]
pub enum QueueCommand {
    /// Send a failed, late or unclear post now (for an unclear one: you checked, it did not go out).
    Retry { entry: String },
    /// An unclear post did go out (you saw it on the network).
    MarkSent { entry: String },
    /// Take a post out of the queue (its draft stays).
    Remove { entry: String },
    /// Approve a post (an executive's, on an account they own): it may go out at its time.
    Approve { entry: String },
    /// Send a post back to whoever scheduled it, with what to change (also added to the
    /// draft's comments).
    RequestChanges {
        entry: String,
        #[arg(long)]
        comment: String,
    },
}

pub fn run(ctx: &mut Context, json: bool, command: Option<QueueCommand>) -> Result<Outcome> {
    let store = ctx.store()?;
    let mut out = std::io::stdout().lock();
    match command {
        Some(QueueCommand::Retry { entry }) => {
            let e = store.retry(entry.trim())?;
            eprintln!("queued again: it goes out now");
            writeln!(out, "{}", e.id)?;
            return Ok(Outcome::AllValid);
        }
        Some(QueueCommand::MarkSent { entry }) => {
            store.confirm_sent(entry.trim())?;
            eprintln!("marked as posted");
            return Ok(Outcome::AllValid);
        }
        Some(QueueCommand::Remove { entry }) => {
            store.unschedule(entry.trim())?;
            eprintln!("taken out of the queue; the draft stays");
            return Ok(Outcome::AllValid);
        }
        Some(QueueCommand::Approve { entry }) => {
            let e = store.approve(entry.trim())?;
            eprintln!("approved: it goes out at its time");
            writeln!(out, "{}", e.id)?;
            return Ok(Outcome::AllValid);
        }
        Some(QueueCommand::RequestChanges { entry, comment }) => {
            let e = store.request_changes(entry.trim(), &comment)?;
            eprintln!("sent back with your comment; it waits for changes");
            writeln!(out, "{}", e.id)?;
            return Ok(Outcome::AllValid);
        }
        None => {}
    }
    let entries = store.queue()?;
    if json {
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
        return Ok(Outcome::AllValid);
    }
    if entries.is_empty() {
        writeln!(
            out,
            "The queue is empty: `podium schedule DRAFT_ID --account ACCOUNT --next-slot`"
        )?;
    }
    let zones: std::collections::HashMap<String, String> = store
        .accounts()?
        .into_iter()
        .map(|a| (a.id, a.zone))
        .collect();
    for e in &entries {
        let zone = zones.get(&e.account_id).map_or("UTC", String::as_str);
        writeln!(
            out,
            "{}  {:<8} {}  {:<24} {}",
            e.id,
            e.state.as_str(),
            local(&e.due_at, zone),
            e.handle,
            e.title
        )?;
        if let Some(url) = &e.remote_url {
            writeln!(out, "    {url}")?;
        }
        if let Some(err) = &e.error {
            writeln!(out, "    {err}")?;
        }
        if e.approval != podium_core::approval::Approval::Approved {
            let by = e
                .scheduled_by
                .as_deref()
                .map(|n| format!(" (scheduled by {n})"))
                .unwrap_or_default();
            writeln!(out, "    {}{by}", e.approval.as_str().replace('_', " "))?;
        }
        if let Some(note) = &e.approval_note {
            writeln!(out, "    \u{201c}{note}\u{201d}")?;
        }
    }
    Ok(Outcome::AllValid)
}
