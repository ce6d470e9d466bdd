//! `podium publish --due`: publish the posts that are due, then exit; and how a publishing
//! pass is reported (the scheduler prints the same lines).

use std::io::Write;

use anyhow::Result;
use chrono::Utc;
use clap::Args;
use podium_publish::{Publisher, Report};
use podium_store::Entry;

use crate::context::{Context, Outcome};

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// Publish what is due now, then exit.
    #[arg(long, required = true)]
    due: bool,
    #[arg(long)]
    json: bool,
}

/// Says what the keyring still refuses to store (a renewed sign-in kept in memory), after
/// offering it to the keyring once more.
fn warn_unsaved() {
    for warning in podium_publish::credentials::retry_unsaved() {
        eprintln!("podium: {warning}");
    }
}

pub fn run(ctx: &mut Context, args: &PublishArgs) -> Result<Outcome> {
    let store = ctx.store()?;
    let mut publisher = Publisher::acquire(store)?;
    publisher.use_leases(Box::new(podium_sync::HubLeases::new()));
    let report = publisher.run_due(store, Utc::now())?;
    print_report(&report, args.json)?;
    warn_unsaved();
    Ok(
        if report.failed.is_empty() && report.unknown.is_empty() && report.review.is_empty() {
            Outcome::AllValid
        } else {
            Outcome::SomeInvalid
        },
    )
}

pub fn print_report(report: &Report, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let all: Vec<&Entry> = report
            .sent
            .iter()
            .chain(&report.failed)
            .chain(&report.unknown)
            .chain(&report.review)
            .chain(&report.retrying)
            .chain(report.held.iter().map(|(e, _)| e))
            .collect();
        serde_json::to_writer_pretty(&mut out, &all)?;
        writeln!(out)?;
        return Ok(());
    }
    for e in &report.sent {
        writeln!(
            out,
            "sent     {}  {}  {}",
            e.id,
            e.handle,
            e.remote_url.as_deref().unwrap_or("")
        )?;
    }
    for (label, list) in [
        ("failed", &report.failed),
        ("unclear", &report.unknown),
        ("late", &report.review),
        ("retrying", &report.retrying),
    ] {
        for e in list {
            writeln!(
                out,
                "{label:<8} {}  {}  {}",
                e.id,
                e.handle,
                e.error.as_deref().unwrap_or("")
            )?;
        }
    }
    for (e, why) in &report.held {
        writeln!(out, "waiting  {}  {}  {why}", e.id, e.handle)?;
    }
    Ok(())
}
