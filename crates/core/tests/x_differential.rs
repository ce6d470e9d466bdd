//! Differential test: Podium's X engine against the official JavaScript twitter-text 3.1.0
//! (pinned in `tests/peers`), on thousands of generated realistic drafts. Any disagreement on
//! length, validity, the range that fits, hashtags, URLs, mentions or cashtags fails the test.
//!
//! Needs Node and `npm ci` in `tests/peers`; `cargo xtask test` provides both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/oracle.rs"]
mod oracle;

use podium_core::text::check::{self, Network, Options};
use podium_core::text::x;
use serde_json::{json, Value};

const CORPUS_SIZE: usize = 5_000;

fn ours(text: &str) -> Value {
    let measure = |config: &x::Config| {
        let p = x::parse_tweet(text, config);
        json!([
            p.weighted_length,
            p.valid,
            p.permillage,
            p.valid_range_end,
            p.display_range_end
        ])
    };
    let entities = |found: Vec<x::Entity>| {
        Value::Array(
            found
                .into_iter()
                .map(|e| json!([e.text, e.start, e.end]))
                .collect(),
        )
    };
    json!({
        "v3": measure(&x::CONFIG_V3),
        "v2": measure(&x::CONFIG_V2),
        "hashtags": entities(x::extract_hashtags(text)),
        "urls": entities(x::extract_urls(text)),
        "mentions": entities(x::extract_mentions(text)),
        "cashtags": entities(x::extract_cashtags(text)),
    })
}

#[test]
#[ignore = "needs Node and tests/peers (npm ci): run `cargo xtask test`"]
fn agrees_with_twitter_text_on_generated_drafts() {
    let drafts = corpus::drafts(0x0050_0D1A_2026, CORPUS_SIZE);
    let reference = oracle::run("x-oracle.js", &drafts);
    let fields = ["v3", "v2", "hashtags", "urls", "mentions", "cashtags"];
    let (disagreements, per_field) =
        oracle::disagreements(&drafts, &reference, &fields, ours, "twitter-text");
    let count = |field: &str| {
        reference
            .iter()
            .map(|r| r[field].as_array().map_or(0, Vec::len))
            .sum::<usize>()
    };
    let over = reference
        .iter()
        .filter(|r| r["v3"][1] == json!(false))
        .count();
    println!(
        "X differential: {} drafts ({over} invalid or over the limit; {} hashtags, {} URLs, {} mentions, \
         {} cashtags compared), {} disagreements",
        drafts.len(),
        count("hashtags"),
        count("urls"),
        count("mentions"),
        count("cashtags"),
        disagreements.len()
    );
    for (field, n) in fields.iter().zip(&per_field) {
        println!("  {field}: {n}");
    }
    oracle::assert_none(&disagreements);
}

#[test]
#[ignore = "needs Node and tests/peers (npm ci): run `cargo xtask test`"]
fn the_checks_verdict_on_x_is_twitter_texts() {
    let drafts = corpus::drafts(0x0050_0D1A_2026, CORPUS_SIZE);
    let reference = oracle::run("x-oracle.js", &drafts);
    let verdict =
        |text: &str| json!({ "valid": check::check(text, Network::X, &Options::default()).valid });
    let expected: Vec<Value> = reference
        .iter()
        .map(|r| json!({ "valid": r["v3"][1] }))
        .collect();
    let (disagreements, _) =
        oracle::disagreements(&drafts, &expected, &["valid"], verdict, "twitter-text");
    let refused = |c: char| drafts.iter().filter(|d| d.contains(c)).count();
    println!(
        "X check verdict: {} drafts ({} with U+FEFF, {} with U+FFFE or U+FFFF, {} of only whitespace), {} disagreements",
        drafts.len(),
        refused('\u{FEFF}'),
        drafts
            .iter()
            .filter(|d| d.contains(['\u{FFFE}', '\u{FFFF}']))
            .count(),
        drafts
            .iter()
            .filter(|d| !d.is_empty() && d.trim().is_empty())
            .count(),
        disagreements.len()
    );
    oracle::assert_none(&disagreements);
}
