//! Differential test: Podium's Bluesky rules against the official `@atproto/api` 0.19.19
//! (`RichText.detectFacetsWithoutResolution()`, pinned in `tests/peers`) on the same generated
//! corpus as the X test. Any disagreement on graphemes, bytes or facets fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/oracle.rs"]
mod oracle;

use podium_core::text::bluesky;
use serde_json::{json, Value};

const CORPUS_SIZE: usize = 5_000;

fn ours(text: &str) -> Value {
    let m = bluesky::measure(text);
    let facets: Vec<Value> = bluesky::detect_facets(text)
        .into_iter()
        .map(|f| json!([f.kind, f.byte_start, f.byte_end, f.value]))
        .collect();
    json!({ "graphemes": m.graphemes, "bytes": m.bytes, "facets": facets })
}

#[test]
#[ignore = "needs Node and tests/peers (npm ci): run `cargo xtask test`"]
fn agrees_with_atproto_rich_text_on_generated_drafts() {
    let drafts = corpus::drafts(0x0050_0D1A_2026, CORPUS_SIZE);
    let reference = oracle::run("bsky-oracle.js", &drafts);
    let fields = ["graphemes", "bytes", "facets"];
    let (disagreements, per_field) =
        oracle::disagreements(&drafts, &reference, &fields, ours, "atproto/api");
    let kinds = |k: &str| {
        reference
            .iter()
            .flat_map(|r| r["facets"].as_array().cloned().unwrap_or_default())
            .filter(|f| f[0] == json!(k))
            .count()
    };
    println!(
        "Bluesky differential: {} drafts ({} links, {} tags, {} mentions compared), {} disagreements \
         (graphemes {}, bytes {}, facets {})",
        drafts.len(),
        kinds("link"),
        kinds("tag"),
        kinds("mention"),
        disagreements.len(),
        per_field[0],
        per_field[1],
        per_field[2]
    );
    oracle::assert_none(&disagreements);
}
