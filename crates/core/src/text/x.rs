//! X (Twitter) counting, as twitter-text v3 defines it.
//!
//! X counts a post by *weight*: the text is NFC-normalised, then each code point in the
//! configured ranges (Latin, most European scripts, general punctuation) weighs 1 and every
//! other code point weighs 2. The limit is 280.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// How a post measures against X's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The weighted length X shows in its composer.
    pub length: usize,
    /// X's limit.
    pub limit: usize,
    /// Whether X accepts the post's length.
    pub valid: bool,
}

/// Counts `text` as X does.
pub fn count(text: &str) -> Count {
    let length = weighted_length(text);
    Count {
        length,
        limit: MAX_WEIGHTED_LENGTH,
        valid: length <= MAX_WEIGHTED_LENGTH,
    }
}

/// X's limit for one post, in weighted characters.
pub const MAX_WEIGHTED_LENGTH: usize = 280;

/// Code point ranges that weigh 1 in twitter-text config v3; everything else weighs 2.
const LIGHT_RANGES: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];

/// The length X shows in its composer for `text`.
pub fn weighted_length(text: &str) -> usize {
    text.nfc()
        .map(|c| {
            let cp = u32::from(c);
            if LIGHT_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp)) {
                1
            } else {
                2
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_weigh_one_each() {
        assert_eq!(weighted_length("æøå ÆØÅ"), 7);
    }

    #[test]
    fn decomposed_letters_are_counted_after_nfc() {
        // "å" written as "a" + combining ring: one character once normalised.
        assert_eq!(weighted_length("a\u{030A}"), 1);
    }

    #[test]
    fn cjk_characters_weigh_two() {
        assert_eq!(weighted_length("日本"), 4);
    }
}
