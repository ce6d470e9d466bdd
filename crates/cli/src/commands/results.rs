//! `podium results`: what each published post did — its latest numbers per network (text,
//! `--json`, `--csv`), `refresh` to read every post's numbers now, and `x-reads on|off` (X
//! charges per read, so reading it is off until the person turns it on).

use std::io::Write;

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use podium_core::goals::parse_since;
use podium_core::network::Network;
use podium_publish::results::{read_due, NotRead};
use podium_store::{results_csv, ResultRow};

use crate::context::{Context, Outcome};

#[derive(Subcommand, Debug)]
pub enum ResultsCommand {
    /// Read every published post's numbers now, then exit.
    Refresh {
        #[arg(long)]
        json: bool,
    },
    /// Read X's numbers (X charges for every read) — on or off (default off).
    XReads {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

/// How long `refresh` may take at most (it reads every post, so it may take a while).
const REFRESH_BUDGET: std::time::Duration = std::time::Duration::from_secs(600);

pub fn run(
    ctx: &mut Context,
    json: bool,
    csv: bool,
    since: Option<String>,
    command: Option<ResultsCommand>,
) -> Result<Outcome> {
    let store = ctx.store()?;
    let mut out = std::io::stdout().lock();
    match command {
        Some(ResultsCommand::XReads { state }) => {
            let on = state == "on";
            store.set_x_reads(on)?;
            eprintln!(
                "{}",
                if on {
                    "Podium now reads X's numbers. X charges for every read: about 3 reads per post (1 hour, 1 day, 7 days after), and one per post each time you refresh."
                } else {
                    "Podium no longer reads X's numbers."
                }
            );
            return Ok(Outcome::AllValid);
        }
        Some(ResultsCommand::Refresh { json }) => {
            let report = read_due(store, Utc::now(), true, REFRESH_BUDGET)?;
            if json {
                let not_read: Vec<serde_json::Value> = report
                    .not_read
                    .iter()
                    .map(|(p, why)| {
                        serde_json::json!({
                            "entry_id": p.entry_id,
                            "network": p.network,
                            "why": why,
                            "message": why.describe(p.network),
                        })
                    })
                    .collect();
                let read: Vec<&str> = report.read.iter().map(|(id, _)| id.as_str()).collect();
                serde_json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({"read": read, "not_read": not_read, "left": report.left}),
                )?;
                writeln!(out)?;
            } else {
                writeln!(out, "read the numbers of {} posts", report.read.len())?;
                // One line per network and reason, not per post: "LinkedIn does not share…".
                let mut told: Vec<(Network, String)> = Vec::new();
                for (post, why) in &report.not_read {
                    let line = why.describe(post.network);
                    if !told.iter().any(|(n, l)| *n == post.network && *l == line) {
                        told.push((post.network, line));
                    }
                }
                for (network, line) in told {
                    writeln!(out, "{}: {line}", network.name())?;
                }
            }
            let failed = report
                .not_read
                .iter()
                .any(|(_, why)| matches!(why, NotRead::Failed { .. }));
            return Ok(if failed {
                Outcome::SomeInvalid
            } else {
                Outcome::AllValid
            });
        }
        None => {}
    }
    let since = match since {
        Some(s) => Some(parse_since(&s, store.goals_zone()?)?),
        None => None,
    };
    let results = store.results(since)?;
    if csv {
        write!(out, "{}", results_csv(&results)?)?;
        return Ok(Outcome::AllValid);
    }
    if json {
        let rows: Vec<ResultRow> = results.iter().map(ResultRow::from).collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(Outcome::AllValid);
    }
    if results.is_empty() {
        writeln!(
            out,
            "Nothing published yet: results come once posts have gone out."
        )?;
    }
    let count = |n: Option<u64>| n.map_or_else(|| "–".to_owned(), |n| n.to_string());
    for r in &results {
        let m = &r.metrics;
        writeln!(
            out,
            "{}  {:<8}  {:<12}  likes {}  reposts {}  replies {}  quotes {}  impressions {}  {}",
            r.published_at.format("%Y-%m-%d %H:%M"),
            r.network.as_str(),
            r.goal.as_deref().unwrap_or("-"),
            count(m.likes),
            count(m.reposts),
            count(m.replies),
            count(m.quotes),
            count(m.impressions),
            r.url.as_deref().unwrap_or(""),
        )?;
    }
    Ok(Outcome::AllValid)
}
