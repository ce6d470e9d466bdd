//! `podium`: Podium from the terminal — check posts as each network counts them, turn an
//! article's click-to-tweet quotes into checked draft candidates, and keep drafts in the same
//! database as the desktop app.
//!
//! Exit codes: 0 when it worked (and every post checked fits); 1 when a post does not fit (too
//! long or empty) or some import rows were refused (the others were imported); 2 when the input,
//! the database or the command line is wrong (the message on stderr says what to do).

#![allow(clippy::print_stdout)] // A command-line tool talks on stdout.

mod drafts;
mod publish;

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use podium_core::text::check::{self, Lang, Network, Options, Report, Severity};
use podium_core::text::{import, x};
use serde::Serialize;

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
    Check(CheckArgs),
    /// Extract the click-to-tweet quotes of an article (text, HTML or WordPress source) and check them.
    Import(ImportArgs),
    /// Keep drafts: add, list, search, show, export, import.
    #[command(subcommand)]
    Drafts(drafts::DraftsCommand),
    /// The database's backups: list, create, restore.
    #[command(subcommand)]
    Backups(drafts::BackupsCommand),
    /// Connect, list and remove accounts; set their time slots; pause their queues.
    #[command(subcommand)]
    Accounts(publish::AccountsCommand),
    /// Schedule a draft on an account, at a time or in its next free slot.
    Schedule(publish::ScheduleArgs),
    /// The queue of scheduled posts and their states (also: retry, mark-sent, remove).
    Queue {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        command: Option<publish::QueueCommand>,
    },
    /// Publish the posts that are due, then exit.
    Publish(publish::PublishArgs),
    /// Publish each post when it falls due, until stopped.
    Scheduler,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// The network to check for.
    #[arg(long, short = 'n', value_enum)]
    network: NetworkArg,
    #[command(flatten)]
    common: CommonArgs,
    /// Print one JSON object instead of a readable report.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,
    /// Batch mode: read one JSON string per line, print one JSON object per line, in order.
    #[arg(long)]
    jsonl: bool,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// The limit to check against (a Mastodon instance's `max_characters`, or an override).
    #[arg(long)]
    limit: Option<usize>,
    /// Mastodon's content warning, which counts toward the limit.
    #[arg(long, default_value = "")]
    content_warning: String,
    /// Warn above this many hashtags (default: 3 on X and LinkedIn).
    #[arg(long)]
    max_hashtags: Option<usize>,
    /// The language of the messages.
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// The article file.
    file: PathBuf,
    /// Check for one network only (default: all).
    #[arg(long, short = 'n', value_enum)]
    network: Option<NetworkArg>,
    #[command(flatten)]
    common: CommonArgs,
    /// Print a JSON array of `{text, hashtags, checks}`.
    #[arg(long)]
    json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum NetworkArg {
    X,
    Bluesky,
    Mastodon,
    Linkedin,
    Threads,
}

impl From<NetworkArg> for Network {
    fn from(n: NetworkArg) -> Network {
        match n {
            NetworkArg::X => Network::X,
            NetworkArg::Bluesky => Network::Bluesky,
            NetworkArg::Mastodon => Network::Mastodon,
            NetworkArg::Linkedin => Network::Linkedin,
            NetworkArg::Threads => Network::Threads,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LangArg {
    En,
    Nb,
}

impl CommonArgs {
    fn options(&self) -> Options {
        Options {
            limit: self.limit,
            content_warning: self.content_warning.clone(),
            max_hashtags: self.max_hashtags,
            lang: match self.lang {
                LangArg::En => Lang::En,
                LangArg::Nb => Lang::Nb,
            },
        }
    }
}

/// How a run ended, beyond "it worked".
enum Outcome {
    AllValid,
    SomeInvalid,
    BadInput,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result =
        match cli.command {
            Command::Check(args) => run_check(&args),
            Command::Import(args) => run_import(&args),
            Command::Drafts(command) => {
                drafts::db_path(cli.db.as_deref()).and_then(|db| drafts::run_drafts(&db, command))
            }
            Command::Backups(command) => {
                drafts::db_path(cli.db.as_deref()).and_then(|db| drafts::run_backups(&db, command))
            }
            Command::Accounts(command) => drafts::db_path(cli.db.as_deref())
                .and_then(|db| publish::run_accounts(&db, command)),
            Command::Schedule(args) => {
                drafts::db_path(cli.db.as_deref()).and_then(|db| publish::run_schedule(&db, args))
            }
            Command::Queue { json, command } => drafts::db_path(cli.db.as_deref())
                .and_then(|db| publish::run_queue(&db, json, command)),
            Command::Publish(args) => {
                drafts::db_path(cli.db.as_deref()).and_then(|db| publish::run_publish(&db, &args))
            }
            Command::Scheduler => {
                drafts::db_path(cli.db.as_deref()).and_then(|db| publish::run_scheduler(&db))
            }
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

/// Decodes `bytes` as UTF-8, or says where it is not and what to do.
fn utf8(bytes: Vec<u8>, what: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8 and try again",
            e.utf8_error().valid_up_to()
        )
    })
}

fn run_check(args: &CheckArgs) -> Result<Outcome> {
    let network = Network::from(args.network);
    let options = args.common.options();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.jsonl {
        let stdin = std::io::stdin();
        let (mut bad, mut invalid) = (false, false);
        for (n, line) in stdin.lock().split(b'\n').enumerate() {
            let number = n + 1;
            let line = line.context("cannot read stdin")?;
            let parsed = String::from_utf8(line)
                .map_err(|e| format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()))
                .and_then(|l| {
                    serde_json::from_str::<String>(l.trim_end_matches('\r'))
                        .map_err(|e| format!("expected a JSON string ({e})"))
                })
                .and_then(|text| match podium_core::text::within_cap(&text) {
                    Ok(()) => Ok(text),
                    Err(e) => Err(e.to_string()),
                });
            match parsed {
                Ok(text) => {
                    let report = check::check(&text, network, &options);
                    invalid |= !report.postable();
                    serde_json::to_writer(&mut out, &report)?;
                    writeln!(out)?;
                }
                Err(why) => {
                    bad = true;
                    eprintln!("podium: line {number}: {why}; skipped");
                }
            }
        }
        out.flush()?;
        return Ok(if bad {
            Outcome::BadInput
        } else if invalid {
            Outcome::SomeInvalid
        } else {
            Outcome::AllValid
        });
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    let text = utf8(bytes, "the text on stdin")?;
    podium_core::text::within_cap(&text)?;
    let report = check::check(&text, network, &options);
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_report(&mut out, &text, &report)?;
    }
    Ok(if report.postable() {
        Outcome::AllValid
    } else {
        Outcome::SomeInvalid
    })
}

fn write_report(out: &mut impl Write, text: &str, r: &Report) -> Result<()> {
    let name = r.network.name();
    let verdict = if r.postable() {
        format!("fits ({} left)", r.limit.saturating_sub(r.length))
    } else if text.trim().is_empty() {
        "empty".to_string()
    } else if r.length <= r.limit && r.warnings.iter().any(|w| w.code == "invalid_character") {
        format!("fits, but holds a character {name} refuses")
    } else {
        format!("does not fit ({} over)", r.length.saturating_sub(r.limit))
    };
    writeln!(out, "{name}: {}/{}  {verdict}", r.length, r.limit)?;
    if let (Some(g), Some(b)) = (r.graphemes, r.bytes) {
        writeln!(out, "  {g} graphemes, {b} bytes (limits 300 and 3000)")?;
    }
    if let Some(over) = r.over {
        let units: Vec<u16> = text.encode_utf16().collect();
        let tail = String::from_utf16_lossy(
            &units[over.start.min(units.len())..over.end.min(units.len())],
        );
        writeln!(out, "  does not fit: «{tail}»")?;
    }
    if !r.hashtags.is_empty() {
        let tags: Vec<String> = r.hashtags.iter().map(|t| format!("#{t}")).collect();
        writeln!(out, "  hashtags: {}", tags.join(" "))?;
    }
    if !r.urls.is_empty() {
        writeln!(out, "  links: {}", r.urls.join(" "))?;
    }
    for w in &r.warnings {
        let mark = match w.severity {
            Severity::Error => "✗",
            Severity::Warning => "!",
            Severity::Info => "i",
        };
        writeln!(out, "  {mark} {}: {}", w.code, w.message)?;
        if let Some(fix) = &w.fix {
            writeln!(out, "      fix ({}): {}", fix.label, fix.text)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Candidate<'a> {
    text: &'a str,
    hashtags: Vec<String>,
    checks: Vec<Report>,
}

fn run_import(args: &ImportArgs) -> Result<Outcome> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let article = utf8(bytes, &args.file.display().to_string())?;
    let options = args.common.options();
    let networks: Vec<Network> = match args.network {
        Some(n) => vec![n.into()],
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
