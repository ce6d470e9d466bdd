//! The twitter-text conformance suite, read from its YAML files at test time (never
//! transcribed): `../shared/conformance/twitter-text/` next to the repository, or
//! `$PODIUM_TWITTER_CONFORMANCE`.
//!
//! Each group reports how many cases passed; any failure fails the test with every failing
//! case listed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::PathBuf;

use podium_core::text::x;
use serde_norway::Value;

/// The package folder: cargo sets `CARGO_MANIFEST_DIR` when it runs tests; the compile-time value
/// can be stale when several checkouts share one build cache.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn suite_dir() -> PathBuf {
    std::env::var_os("PODIUM_TWITTER_CONFORMANCE").map_or_else(
        || manifest_dir().join("../../../shared/conformance/twitter-text"),
        PathBuf::from,
    )
}

fn load(file: &str) -> Value {
    let path = suite_dir().join("conformance").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the conformance suite at {}: {e} (set PODIUM_TWITTER_CONFORMANCE)",
            path.display()
        )
    });
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases<'a>(doc: &'a Value, group: &str) -> &'a Vec<Value> {
    doc["tests"][group]
        .as_sequence()
        .unwrap_or_else(|| panic!("no group {group}"))
}

fn text_of(case: &Value) -> &str {
    case["text"].as_str().expect("a text")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .map(|x| x.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `check` on every case of `group`; `check` returns `Err(explanation)` on a mismatch.
fn run_group(doc: &Value, group: &str, check: impl Fn(&Value) -> Result<(), String>) {
    let all = cases(doc, group);
    let failures: Vec<String> = all
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|why| format!("  {:?}: {why}", case["description"].as_str().unwrap_or("?")))
        })
        .collect();
    println!(
        "{group}: {}/{} passed",
        all.len() - failures.len(),
        all.len()
    );
    assert!(
        failures.is_empty(),
        "{group}: {} of {} failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

fn compare<T: PartialEq + std::fmt::Debug>(got: T, expected: T) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("got {got:?}, expected {expected:?}"))
    }
}

fn weighted(group: &str, config: &x::Config) {
    run_group(&load("validate.yml"), group, |case| {
        let e = &case["expected"];
        let p = x::parse_tweet(text_of(case), config);
        let got = (
            p.weighted_length as i64,
            p.valid,
            p.permillage as i64,
            p.display_range_start as i64,
            p.display_range_end as i64,
            p.valid_range_start as i64,
            p.valid_range_end,
        );
        let num = |k: &str| e[k].as_i64().unwrap_or(-1);
        let expected = (
            num("weightedLength"),
            e["valid"].as_bool().unwrap_or(false),
            num("permillage"),
            num("displayRangeStart"),
            num("displayRangeEnd"),
            num("validRangeStart"),
            num("validRangeEnd"),
        );
        compare(got, expected)
    });
}

#[test]
fn weighted_tweets_counter_with_config_v2() {
    weighted("WeightedTweetsCounterTest", &x::CONFIG_V2);
}

#[test]
fn weighted_tweets_with_discounted_emoji_with_config_v3() {
    weighted(
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        &x::CONFIG_V3,
    );
}

#[test]
fn unicode_directional_markers() {
    weighted("UnicodeDirectionalMarkerCounterTest", &x::CONFIG_V3);
}

#[test]
fn validate_hashtags() {
    run_group(&load("validate.yml"), "hashtags", |case| {
        compare(
            x::is_valid_hashtag(text_of(case)),
            case["expected"].as_bool().unwrap(),
        )
    });
}

#[test]
fn validate_urls() {
    run_group(&load("validate.yml"), "urls", |case| {
        compare(
            x::is_valid_url(text_of(case), true, true),
            case["expected"].as_bool().unwrap(),
        )
    });
}

fn texts(found: Vec<x::Entity>) -> Vec<String> {
    found.into_iter().map(|e| e.text).collect()
}

#[test]
fn extract_hashtags() {
    let doc = load("extract.yml");
    for group in ["hashtags", "hashtags_from_astral"] {
        run_group(&doc, group, |case| {
            compare(
                texts(x::extract_hashtags(text_of(case))),
                strings(&case["expected"]),
            )
        });
    }
}

fn with_indices(found: Vec<x::Entity>) -> Vec<(String, i64, i64)> {
    found
        .into_iter()
        .map(|e| (e.text, e.start as i64, e.end as i64))
        .collect()
}

fn expected_with_indices(v: &Value, key: &str) -> Vec<(String, i64, i64)> {
    v.as_sequence()
        .unwrap()
        .iter()
        .map(|e| {
            let i = &e["indices"];
            (
                e[key].as_str().unwrap().to_string(),
                i[0].as_i64().unwrap(),
                i[1].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn extract_hashtags_with_indices() {
    run_group(&load("extract.yml"), "hashtags_with_indices", |case| {
        compare(
            with_indices(x::extract_hashtags(text_of(case))),
            expected_with_indices(&case["expected"], "hashtag"),
        )
    });
}

#[test]
fn extract_urls() {
    run_group(&load("extract.yml"), "urls", |case| {
        compare(
            texts(x::extract_urls(text_of(case))),
            strings(&case["expected"]),
        )
    });
}

#[test]
fn extract_urls_with_indices() {
    run_group(&load("extract.yml"), "urls_with_indices", |case| {
        compare(
            with_indices(x::extract_urls(text_of(case))),
            expected_with_indices(&case["expected"], "url"),
        )
    });
}

#[test]
fn extract_mentions() {
    run_group(&load("extract.yml"), "mentions", |case| {
        compare(
            texts(x::extract_mentions(text_of(case))),
            strings(&case["expected"]),
        )
    });
}

#[test]
fn extract_cashtags() {
    run_group(&load("extract.yml"), "cashtags", |case| {
        compare(
            texts(x::extract_cashtags(text_of(case))),
            strings(&case["expected"]),
        )
    });
}

#[test]
fn every_tld_in_tlds_yml_links() {
    let doc = load("tlds.yml");
    for group in ["country", "generic"] {
        run_group(&doc, group, |case| {
            compare(
                texts(x::extract_urls(text_of(case))),
                strings(&case["expected"]),
            )
        });
    }
}
