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

/// Emoji in `text` as `(start, length)` in UTF-16 code units, in order.
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
                                                 // Each search continues where the previous match ended, as twemoji-parser's global regex.
    for m in regex.find_iter(text) {
        let matched = m.as_str();
        let mut chars = matched.chars();
        let single = match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        };
        let text_presentation = text[m.end()..].starts_with('\u{FE0E}')
            && single.is_some_and(|c| in_table(tables::TEXT_PRESENTATION_NOT_EMOJI, c as u32));
        if text_presentation {
            continue;
        }
        unit += text[byte..m.start()].encode_utf16().count();
        byte = m.start();
        found.push((unit, matched.encode_utf16().count()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

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
