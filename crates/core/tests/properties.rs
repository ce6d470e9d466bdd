//! Invariants over generated input: no function of the text engine panics on any Unicode,
//! and a thread's parts each fit and re-join to the original words in order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use podium_core::text::check::{check, Network, Options};
use podium_core::text::{bluesky, import, linkedin, mastodon, thread, threads, x};
use proptest::prelude::*;

/// Text that stresses the engine: any code point, mixed with the characters its rules hinge on.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        prop::sample::select(vec![
            "#",
            "＃",
            "@",
            "$",
            ".",
            ":",
            "/",
            "://",
            "http://",
            "https://",
            "www.",
            ".com",
            ".no",
            "(",
            ")",
            "[",
            "]",
            "«",
            "»",
            "\u{FE0F}",
            "\u{FE0E}",
            "\u{200D}",
            "\u{20E3}",
            "\u{0301}",
            "\u{202A}",
            "\u{FEFF}",
            "\u{FFFF}",
            "👨‍👩‍👧",
            "🇳🇴",
            "xn--",
            "t.co/",
            "[Tweet «",
            "[ctt]",
            "[/ctt]",
            "&quot;",
            " ",
            "\n",
        ])
        .prop_map(String::from),
        "[a-zæøå0-9]{1,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn nothing_panics_on_any_text(text in tricky_text()) {
        let p = x::parse_tweet(&text, &x::CONFIG_V3);
        // Every character weighs at most 2, and every URL 23 however short it is
        // (`t.co/0\u{7f}t.co/{\u{301}.com` holds three: 71, as twitter-text 3.1.0 says).
        let urls = x::extract_urls(&text).len();
        prop_assert!(p.weighted_length <= text.chars().count() * 2 + 23 * urls.max(1));
        let _ = x::parse_tweet(&text, &x::CONFIG_V2);
        let _ = x::extract_hashtags(&text);
        let _ = x::extract_mentions(&text);
        let _ = x::extract_cashtags(&text);
        for url in x::extract_urls(&text) {
            prop_assert!(url.start <= url.end);
        }
        let _ = x::is_valid_url(&text, true, true);
        // The editor's one-pass analysis says exactly what the separate functions say.
        let a = x::analyze(&text, &x::CONFIG_V3);
        prop_assert_eq!(a.parsed, p);
        prop_assert_eq!(a.hashtags, x::extract_hashtags(&text));
        prop_assert_eq!(a.urls, x::extract_urls(&text));
        prop_assert_eq!(a.mentions, x::extract_mentions(&text));
        let m = bluesky::measure(&text);
        prop_assert_eq!(m.bytes, text.len());
        for f in bluesky::detect_facets(&text) {
            prop_assert!(f.byte_start < f.byte_end && f.byte_end <= text.len());
            prop_assert!(text.is_char_boundary(f.byte_start) && text.is_char_boundary(f.byte_end));
        }
        let _ = mastodon::measure(&text, "", 500);
        let _ = linkedin::commentary(&text);
        let _ = threads::measure(&text);
        let _ = import::click_to_tweet_quotes(&text);
        for network in Network::ALL {
            let r = check(&text, network, &Options::default());
            if let Some(over) = r.over {
                prop_assert!(over.start <= over.end && over.end <= text.encode_utf16().count());
            }
        }
    }

    #[test]
    fn thread_parts_fit_and_rejoin_to_the_original_words(
        words in prop::collection::vec(
            prop_oneof![
                "[a-zA-ZæøåÆØÅ]{1,12}[.,!?]?",
                "#[a-zæøå]{2,15}",
                "@[a-z]{2,10}\\.bsky\\.social",
                "https://[a-z]{3,12}\\.no/[a-z0-9]{0,30}",
                prop::sample::select(vec!["🚀", "👨‍👩‍👧", "🇳🇴", "«Sitat»", "5 000", "\n\n"]).prop_map(String::from),
            ],
            1..400,
        ),
        network in prop::sample::select(vec![Network::X, Network::Bluesky, Network::Mastodon]),
        numbering in any::<bool>(),
    ) {
        let text = words.join(" ");
        let options = Options::default();
        let parts = thread::split(&text, network, &options, numbering);
        let many = parts.len() > 1;
        let mut rejoined = Vec::new();
        for (k, part) in parts.iter().enumerate() {
            prop_assert!(thread::fits(part, network, &options), "part {} does not fit: {:?}", k + 1, part);
            let body = if numbering && many {
                let suffix = format!(" {}/{}", k + 1, parts.len());
                prop_assert!(part.ends_with(&suffix), "missing {:?} in {:?}", suffix, part);
                &part[..part.len() - suffix.len()]
            } else {
                part.as_str()
            };
            rejoined.extend(body.split_whitespace().map(str::to_string));
        }
        let original: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        prop_assert_eq!(rejoined, original);
    }
}
