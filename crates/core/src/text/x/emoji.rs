//! Emoji as X counts them: each sequence twemoji-parser 11.0.2 recognises weighs 2.
//!
//! The pattern is twemoji-parser's own, rewritten to code points (see `gen/x-tables.js`). Its
//! two look-aheads ("unless U+FE0E follows") cannot be expressed in Rust's `regex`, so they
//! are applied here with the generated list of emoji they affect.

use std::sync::LazyLock;

use regex::Regex;

use super::chars::in_table;
use super::tables;

static EMOJI: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(tables::EMOJI_PATTERN).ok());

/// Whether `c` can be part of an emoji: every code point of every sequence is © or ®, or from
/// U+2000 up — except a keycap's base (`#`, `*`, `0`–`9`), which comes first.
fn emoji_capable(c: char) -> bool {
    c as u32 >= 0x2000 || c == '\u{A9}' || c == '\u{AE}'
}

/// Emoji in `text` as `(start, length)` in UTF-16 code units, in order.
///
/// The pattern runs only over the stretches of text that can hold an emoji (runs of
/// [`emoji_capable`] code points, with a keycap base just before): no match can cross a
/// Latin letter, digit, space or punctuation below U+2000, so the matches are exactly those of
/// one search over the whole text — at a fraction of the cost for prose with a few emoji.
pub(crate) fn extract(text: &str) -> Vec<(usize, usize)> {
    // Every emoji, keycaps included, contains a code point from U+00A9 up.
    if text.chars().all(|c| (c as u32) < 0xA9) {
        return Vec::new();
    }
    let Some(regex) = EMOJI.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let (mut byte, mut unit) = (0usize, 0usize); // a position known in both units
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find(emoji_capable) {
        let mut start = at + offset;
        let end = text[start..]
            .find(|c| !emoji_capable(c))
            .map_or(text.len(), |o| start + o);
        if start > 0 && matches!(bytes[start - 1], b'#' | b'*' | b'0'..=b'9') {
            start -= 1;
        }
        // Each search continues where the previous match ended, as twemoji-parser's global
        // regex does.
        for m in regex.find_iter(&text[start..end]) {
            let (m_start, m_end) = (start + m.start(), start + m.end());
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
        at = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn the_pattern_compiles() {
        assert!(EMOJI.is_some());
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
