//! Every text-engine entry point on arbitrary input: none may panic, loop or slice a character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podium_core::text::check::{check, Network, Options};
use podium_core::text::{bluesky, import, linkedin, mastodon, thread, threads, x};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = x::analyze(text, &x::CONFIG_V3);
    let _ = x::parse_tweet(text, &x::CONFIG_V2);
    let _ = x::extract_cashtags(text);
    let _ = x::is_valid_url(text, true, true);
    for f in bluesky::detect_facets(text) {
        assert!(text.is_char_boundary(f.byte_start) && text.is_char_boundary(f.byte_end));
    }
    let _ = mastodon::measure(text, "", 500);
    let _ = linkedin::commentary(text);
    let _ = threads::measure(text);
    let _ = import::click_to_tweet_quotes(text);
    for network in Network::ALL {
        let _ = check(text, network, &Options::default());
    }
    if text.len() < 2_000 {
        let _ = thread::split(text, Network::X, &Options::default(), true);
    }
});
