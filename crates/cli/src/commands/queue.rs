//! `podium queue`: the scheduled posts and their states, and what the user decides about one
//! (retry it, say it did go out, take it out of the queue).

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
    }
    Ok(Outcome::AllValid)
}
