//! `podium import`: the click-to-tweet quotes of an article (text, HTML or WordPress source),
//! each checked for one network or all of them. Nothing is saved (`podium drafts
//! import-article` keeps them as drafts).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use podium_core::text::check::{self, Network, Report};
use podium_core::text::{import, x};
use serde::Serialize;

use super::check::CommonArgs;
use crate::context::{utf8, NetworkParser, Outcome};

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The article file.
    file: PathBuf,
    /// Check for one network only (default: all).
    #[arg(long, short = 'n', value_parser = NetworkParser)]
    network: Option<Network>,
    #[command(flatten)]
    common: CommonArgs,
    /// Print a JSON array of `{text, hashtags, checks}`.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Candidate<'a> {
    text: &'a str,
    hashtags: Vec<String>,
    checks: Vec<Report>,
}

pub fn run(args: &ImportArgs) -> Result<Outcome> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let article = utf8(bytes, &args.file.display().to_string())?;
    let options = args.common.options();
    let networks: Vec<Network> = match args.network {
        Some(n) => vec![n],
        None => Network::ALL.to_vec(),
    };
    let quotes = import::click_to_tweet_quotes(&article);
    let candidates: Vec<Candidate> = quotes
        .iter()
        .map(|q| Candidate {
            text: &q.text,
            hashtags: x::extract_hashtags(&q.text)
                .into_iter()
                .map(|e| e.text)
                .collect(),
            checks: networks
                .iter()
                .map(|&n| check::check(&q.text, n, &options))
                .collect(),
        })
        .collect();
    let all_valid = candidates
        .iter()
        .all(|c| c.checks.iter().all(Report::postable));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &candidates)?;
        writeln!(out)?;
    } else {
        let noun = if candidates.len() == 1 {
            "quote"
        } else {
            "quotes"
        };
        writeln!(
            out,
            "{} click-to-tweet {noun} in {}",
            candidates.len(),
            args.file.display()
        )?;
        for (i, c) in candidates.iter().enumerate() {
            writeln!(out, "\n{}. «{}»", i + 1, c.text)?;
            let counts: Vec<String> = c
                .checks
                .iter()
                .map(|r| {
                    format!(
                        "{} {}/{} {}",
                        r.network.name(),
                        r.length,
                        r.limit,
                        if r.postable() { "✓" } else { "✗" }
                    )
                })
                .collect();
            writeln!(out, "   {}", counts.join("   "))?;
            let mut seen = std::collections::HashSet::new();
            for w in c.checks.iter().flat_map(|r| &r.warnings) {
                if seen.insert(&w.message) {
                    writeln!(out, "   {}: {}", w.code, w.message)?;
                }
            }
        }
    }
    Ok(if all_valid {
        Outcome::AllValid
    } else {
        Outcome::SomeInvalid
    })
}
