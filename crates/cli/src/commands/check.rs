//! `podium check`: a post read from stdin, checked as one network counts it — one report, or
//! (`--jsonl`) one JSON report per line for batches. Also the options every check takes
//! (limit, content warning, hashtags, language), which `podium import` shares.

use std::io::{BufRead, Read, Write};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use podium_core::text::check::{self, Lang, Network, Options, Report, Severity};

use crate::context::{utf8, NetworkParser, Outcome};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The network to check for.
    #[arg(long, short = 'n', value_parser = NetworkParser)]
    network: Network,
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
pub struct CommonArgs {
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

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LangArg {
    En,
    Nb,
}

impl CommonArgs {
    pub fn options(&self) -> Options {
        Options {
            limit: self.limit,
            content_warning: self.content_warning.clone(),
            max_hashtags: self.max_hashtags,
            lang: match self.lang {
                LangArg::En => Lang::En,
                LangArg::Nb => Lang::Nb,
            },
            // The system's word lists (a second to read) are the app's, read once at its
            // start; `podium check` splits #CamelCase on Podium's own list.
            words: None,
        }
    }
}

pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let network = args.network;
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
