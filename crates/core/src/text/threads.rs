//! Threads (Meta): 500 characters, where an emoji counts as its UTF-8 bytes, and one topic
//! tag per post (Threads links the first hashtag only).

use std::sync::LazyLock;

use regex::Regex;

use super::{x, Length, Span, Tally};

/// Threads' limit.
pub const LIMIT: usize = 500;

static EMOJI: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\x{20E3}]").ok());

/// Counts `text` as Threads does: per grapheme, an emoji's UTF-8 bytes, otherwise its code
/// points.
pub fn measure(text: &str) -> Length {
    let mut tally = Tally::new(LIMIT, 0);
    for (at, g) in super::grapheme_indices(text) {
        // No ASCII character is an emoji on its own (keycaps need U+20E3).
        let is_emoji = g.len() > 1 && EMOJI.as_ref().is_some_and(|re| re.is_match(g));
        tally.add(if is_emoji { g.len() } else { g.chars().count() }, at);
    }
    tally.finish()
}

/// The hashtags in `text` (byte spans); Threads makes only the first a topic tag.
pub fn hashtags(text: &str) -> Vec<Span> {
    super::spans_from_x(text, x::extract_hashtags(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_count_as_their_bytes() {
        assert_eq!(measure("Hei 👋").length, 4 + 4);
        assert_eq!(measure("🇳🇴").length, 8);
        assert_eq!(measure("👨‍👩‍👧").length, "👨‍👩‍👧".len());
        assert_eq!(measure("blåbær").length, 6);
    }

    #[test]
    fn over_the_limit_from_the_first_grapheme_that_does_not_fit() {
        let text = format!("{}😀", "a".repeat(498));
        let m = measure(&text);
        assert_eq!(m.length, 502);
        assert_eq!(m.over_from, Some(498));
    }
}
