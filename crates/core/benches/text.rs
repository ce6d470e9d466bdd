//! Text-engine benchmarks: `cargo bench -p podium-core` (see the README).
//!
//! - `x_post`: X count plus hashtag extraction of a 280-character Norwegian post with emoji and
//!   a URL — Podium against the `twitter-text` crate in the same run (target: ≤ 2 µs median).
//! - `x_parts`: the same post, stage by stage (where the time goes: URLs, emoji, the rest).
//! - `check_3000`: every network's check of a 3,000-character post, as on each keystroke.
//! - `adversarial_100kb`: inputs built to defeat backtracking and quadratic scans; each must
//!   stay under 20 ms for every network.
//! - `import_adversarial`: 2 MB articles built to make the click-to-tweet importer rescan
//!   (unclosed `[ctt]` openers, `[Tweet «` openers, nested brackets); each must stay well under
//!   a second (it took minutes for the first, before the importer found its tags once).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use podium_core::text::check::{check, Network, Options};
use podium_core::text::import::click_to_tweet_quotes;
use podium_core::text::{bluesky, thread, x};

/// 280 characters of Norwegian with emoji, hashtags and a URL.
fn post() -> String {
    let mut s = String::from(
        "Gode ledere deler det de lærer – på tvers av Østlandet, Trøndelag og Nord-Norge. \
         Vi har brukt våren på å lytte til medarbeiderne 🙌 og resultatet er klart: åpenhet bygger tillit. \
         Les hele rapporten på https://www.podium.no/rapport/2026 👩‍💻🇳🇴 #ledelse #SosialeMedier",
    );
    while s.chars().count() < 280 {
        s.push('!');
    }
    s
}

fn x_post(c: &mut Criterion) {
    let text = post();
    let mut group = c.benchmark_group("x_post");
    group.bench_function("podium analyze (one call, as the editor uses it)", |b| {
        b.iter(|| {
            let a = x::analyze(black_box(&text), &x::CONFIG_V3);
            (a.parsed.weighted_length, a.hashtags.len())
        })
    });
    group.bench_function("podium parse_tweet + extract_hashtags", |b| {
        b.iter(|| {
            let parsed = x::parse_tweet(black_box(&text), &x::CONFIG_V3);
            let tags = x::extract_hashtags(black_box(&text));
            (parsed.weighted_length, tags.len())
        })
    });
    let config = twitter_text_config::config_v3();
    let extractor = twitter_text::extractor::Extractor::new();
    group.bench_function("twitter-text crate", |b| {
        b.iter(|| {
            let parsed = twitter_text::parse(black_box(&text), config, true);
            let tags = extractor.extract_hashtags(black_box(&text));
            (parsed.weighted_length, tags.len())
        })
    });
    group.finish();
}

/// What the editor asks on every keystroke of a long post: every network's check of a
/// 3,000-character post with 40 hashtags and 40 links (each range converted to UTF-16 for
/// the editor; converting by scanning from the start once made this quadratic).
fn check_3000(c: &mut Criterion) {
    let sentence = "Ledelse handler om tillit, åpenhet og mot #ledelse https://podium.no/les ";
    let mut post = sentence.repeat(3000 / sentence.chars().count() + 1);
    post.truncate(post.char_indices().nth(2990).map_or(post.len(), |(i, _)| i));
    let options = Options::default();
    let mut group = c.benchmark_group("check_3000");
    for network in Network::ALL {
        group.bench_function(format!("{network:?}"), |b| {
            b.iter(|| check(black_box(&post), network, &options).highlights.len())
        });
    }
    group.finish();
}

fn x_parts(c: &mut Criterion) {
    let text = post();
    let mut group = c.benchmark_group("x_parts");
    group.bench_function("analyze v3", |b| {
        b.iter(|| {
            x::analyze(black_box(&text), &x::CONFIG_V3)
                .parsed
                .weighted_length
        })
    });
    group.bench_function("analyze v2 (no emoji pass)", |b| {
        b.iter(|| {
            x::analyze(black_box(&text), &x::CONFIG_V2)
                .parsed
                .weighted_length
        })
    });
    group.bench_function("urls", |b| {
        b.iter(|| x::extract_urls(black_box(&text)).len())
    });
    group.bench_function("emoji", |b| {
        b.iter(|| x::emoji_spans(black_box(&text)).len())
    });
    group.bench_function("hashtags", |b| {
        b.iter(|| x::extract_hashtags(black_box(&text)).len())
    });
    group.finish();
}

fn adversarial(c: &mut Criterion) {
    let inputs: Vec<(&str, String)> = vec![
        ("a-dot", "a.".repeat(50_000)),
        ("hashes", "#".repeat(50_000)),
        ("zwj-chain", "👨\u{200D}".repeat(100_000 / 7)),
        ("combining", format!("a{}", "\u{0301}".repeat(10_000))),
        (
            "dot-labels-url",
            format!("https://{}com/", "a.".repeat(49_990)),
        ),
        ("parens", format!("https://x.no/{}", "(a".repeat(49_990))),
    ];
    let mut group = c.benchmark_group("adversarial_100kb");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(200));
    for (name, text) in &inputs {
        for network in Network::ALL {
            group.bench_function(format!("{name}/{network:?}"), |b| {
                b.iter(|| check(black_box(text), network, &Options::default()).length)
            });
        }
        group.bench_function(format!("{name}/bluesky-facets"), |b| {
            b.iter(|| bluesky::detect_facets(black_box(text)).len())
        });
    }
    group.finish();
}

/// 2 MB of `unit`, then `tail`.
fn two_megabytes_of(unit: &str, tail: &str) -> String {
    let mut s = unit.repeat(2_000_000 / unit.len());
    s.push_str(tail);
    s
}

fn import_adversarial(c: &mut Criterion) {
    let inputs: Vec<(&str, String)> = vec![
        ("ctt-unclosed", two_megabytes_of("[ctt]", "")),
        (
            "ctt-closed-once",
            two_megabytes_of("[ctt]", "Siste ord[/ctt]"),
        ),
        ("tweet-unclosed", two_megabytes_of("[Tweet «", "")),
        ("tweet-closed-once", two_megabytes_of("[Tweet «", "»]")),
        ("bctt-unclosed", two_megabytes_of("[bctt tweet=\"", "")),
        (
            "block-unclosed",
            two_megabytes_of("<!-- wp:bctt/clicktotweet {", ""),
        ),
        (
            "nested-brackets",
            format!(
                "{}[Tweet «Inni»]{}",
                "[".repeat(1_000_000),
                "]".repeat(1_000_000)
            ),
        ),
        (
            "many-short-quotes",
            two_megabytes_of("[ctt]Kort[/ctt] [Tweet «Kort»] ", ""),
        ),
    ];
    let mut group = c.benchmark_group("import_adversarial");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(200));
    for (name, article) in &inputs {
        group.bench_function(*name, |b| {
            b.iter(|| click_to_tweet_quotes(black_box(article)).len())
        });
    }
    group.finish();
}

fn thread_split(c: &mut Criterion) {
    let text = post().repeat(10);
    c.bench_function("thread_split_2800_chars_x", |b| {
        b.iter(|| thread::split(black_box(&text), Network::X, &Options::default(), true).len())
    });
}

criterion_group!(
    benches,
    x_post,
    x_parts,
    check_3000,
    adversarial,
    import_adversarial,
    thread_split
);
criterion_main!(benches);
