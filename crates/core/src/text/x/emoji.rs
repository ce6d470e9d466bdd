//! Emoji as X counts them: each sequence twemoji-parser 11.0.2 recognises weighs 2.
//!
//! The pattern is twemoji-parser's own, rewritten to code points (see `gen/x-tables.js`). Its
//! two look-aheads ("unless U+FE0E follows") cannot be expressed in Rust's `regex`, so they
//! are applied here with the generated list of emoji they affect.

use std::sync::LazyLock;

use regex::Regex;

use super::chars::in_table;
use super::tables;

/// twemoji-parser's pattern, anchored: tried at each position of a run, it finds what the unanchored
/// search finds (the leftmost match, and at that start the same alternative), without the
/// reverse pass an unanchored search needs to find where its match began.
static EMOJI_HERE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!("^(?:{})", tables::EMOJI_PATTERN)).ok());

/// Whether `c` can be part of an emoji: every code point of every sequence is ©, ®, the
/// joiner, ‼, ⁉, the keycap mark, or from U+2100 up — except a keycap's base (`#`, `*`,
/// `0`–`9`), which comes first. (The rest of General Punctuation — the dashes, quotes and
/// ellipses prose is full of — never is; a test reads the pattern to keep this true.)
fn emoji_capable(c: char) -> bool {
    c as u32 >= 0x2100
        || matches!(
            c,
            '\u{A9}' | '\u{AE}' | '\u{200D}' | '\u{203C}' | '\u{2049}' | '\u{20E3}'
        )
}

/// The byte index of the first [`emoji_capable`] code point at or after `from`. Only a first
/// byte of 0xC2 (©, ®) or 0xE2 and up can start one: the bytes in between are skipped without
/// decoding.
fn next_capable(text: &str, mut from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        from += bytes
            .get(from..)?
            .iter()
            .position(|&b| b >= 0xE2 || b == 0xC2)?;
        let c = text[from..].chars().next()?;
        if emoji_capable(c) {
            return Some(from);
        }
        from += c.len_utf8();
    }
}

/// Emoji in `text` as `(start, length)` in UTF-16 code units, in order.
///
/// The pattern runs only over the stretches of text that can hold an emoji (runs of
/// [`emoji_capable`] code points, with a keycap base just before): no match can cross a
/// Latin letter, digit, space or punctuation below U+2000, so the matches are exactly those of
/// one search over the whole text — at a fraction of the cost for prose with a few emoji.
pub(crate) fn extract(text: &str) -> Vec<(usize, usize)> {
    // Every emoji, keycaps included, contains an emoji-capable code point.
    let Some(first) = next_capable(text, 0) else {
        return Vec::new();
    };
    let Some(regex) = EMOJI_HERE.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let (mut byte, mut unit) = (0usize, 0usize); // a position known in both units
    let bytes = text.as_bytes();
    let mut next = Some(first);
    while let Some(mut start) = next {
        let end = text[start..]
            .find(|c| !emoji_capable(c))
            .map_or(text.len(), |o| start + o);
        if start > 0 && matches!(bytes[start - 1], b'#' | b'*' | b'0'..=b'9') {
            start -= 1;
        }
        // Each search continues where the previous match ended, as twemoji-parser's global
        // regex does (no match is empty); none starts once the run is used up.
        let run = &text[start..end];
        let mut pos = 0;
        while pos < run.len() {
            let Some(m) = regex.find(&run[pos..]) else {
                pos += run[pos..].chars().next().map_or(1, char::len_utf8);
                continue;
            };
            let (m_start, m_end) = (start + pos + m.start(), start + pos + m.end());
            pos += m.end();
            let matched = m.as_str();
            let mut chars = matched.chars();
            let single = match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            };
            let text_presentation = text[m_end..].starts_with('\u{FE0E}')
                && single.is_some_and(|c| in_table(tables::TEXT_PRESENTATION_NOT_EMOJI, c as u32));
            if text_presentation {
                continue;
            }
            unit += text[byte..m_start].encode_utf16().count();
            byte = m_start;
            found.push((unit, matched.encode_utf16().count()));
        }
        next = next_capable(text, end);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern as twemoji-parser runs it: one unanchored search after another.
    static EMOJI: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(tables::EMOJI_PATTERN).ok());
    use proptest::prelude::*;

    /// One search over the whole text: what `extract` must equal.
    fn extract_in_one_search(text: &str) -> Vec<(usize, usize)> {
        let Some(regex) = EMOJI.as_ref() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for m in regex.find_iter(text) {
            let mut chars = m.as_str().chars();
            let single = match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            };
            if text[m.end()..].starts_with('\u{FE0E}')
                && single.is_some_and(|c| in_table(tables::TEXT_PRESENTATION_NOT_EMOJI, c as u32))
            {
                continue;
            }
            found.push((
                text[..m.start()].encode_utf16().count(),
                m.as_str().encode_utf16().count(),
            ));
        }
        found
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Bodø ".to_owned()),
            Just("#".to_owned()),
            Just("1".to_owned()),
            Just("*".to_owned()),
            Just("\u{FE0F}".to_owned()),
            Just("\u{FE0E}".to_owned()),
            Just("\u{20E3}".to_owned()),
            Just("\u{200D}".to_owned()),
            Just("©".to_owned()),
            Just("®".to_owned()),
            Just("™".to_owned()),
            Just("👍".to_owned()),
            Just("🏽".to_owned()),
            Just("👩‍👩‍👧".to_owned()),
            Just("🇳".to_owned()),
            Just("🇴".to_owned()),
            Just("🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}".to_owned()),
            Just("–…’".to_owned()),
            Just("↔".to_owned()),
            Just("\u{3030}".to_owned()),
            any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn searching_only_where_emoji_can_be_finds_what_one_search_finds(
            text in prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
        ) {
            prop_assert_eq!(extract(&text), extract_in_one_search(&text));
        }
    }

    /// Every code point the pattern names below U+2100 is a keycap base or one of the few
    /// that [`emoji_capable`] lists: skipping the others cannot miss an emoji.
    #[test]
    fn only_the_listed_code_points_below_u2100_occur_in_the_pattern() {
        let pattern = tables::EMOJI_PATTERN;
        let mut named: Vec<(u32, u32)> = Vec::new();
        let mut rest = pattern;
        while let Some(at) = rest.find("\\x{") {
            let hex_end = rest[at + 3..].find('}').unwrap() + at + 3;
            let low = u32::from_str_radix(&rest[at + 3..hex_end], 16).unwrap();
            rest = &rest[hex_end + 1..];
            let high = match rest.strip_prefix("-\\x{") {
                Some(r) => {
                    let e = r.find('}').unwrap();
                    let high = u32::from_str_radix(&r[..e], 16).unwrap();
                    rest = &r[e + 1..];
                    high
                }
                None => low,
            };
            named.push((low, high));
        }
        assert!(named.len() > 500, "the pattern was read: {}", named.len());
        for (low, high) in named {
            for cp in low..=high.min(0x20FF) {
                let c = char::from_u32(cp).unwrap();
                let keycap_base = matches!(c, '#' | '*' | '0'..='9');
                assert!(keycap_base || emoji_capable(c), "U+{cp:04X} in the pattern");
            }
        }
    }

    #[test]
    fn the_pattern_compiles() {
        assert!(EMOJI.is_some() && EMOJI_HERE.is_some());
    }

    #[test]
    fn finds_sequences_with_utf16_positions() {
        assert_eq!(extract("a👍🏽 b"), vec![(1, 4)]);
        assert_eq!(extract("🇳🇴🇸🇪"), vec![(0, 4), (4, 4)]);
    }

    #[test]
    fn text_presentation_selector_turns_an_emoji_into_text() {
        assert_eq!(extract("\u{2600}\u{FE0E}"), vec![]);
        assert_eq!(extract("\u{2600}\u{FE0F}"), vec![(0, 2)]);
    }
}
