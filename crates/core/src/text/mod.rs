//! Text rules: how each network counts a post and what it links, the checks a leader can act
//! on, splitting into threads, and importing click-to-tweet quotes from articles.
//!
//! The UI never re-implements any of this; it renders what these functions return.

pub mod bluesky;
pub mod check;
pub mod import;
pub mod linkedin;
pub mod mastodon;
mod ranges;
pub mod thread;
pub mod threads;
pub mod wordlist;
pub mod x;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// The most characters (Unicode code points) a text may have to be checked or kept as a draft:
/// the editor, the `podium:` scheme, the check command and the CLI all refuse more, saying so.
///
/// Why this number: it is far above any network's limit (LinkedIn's 3,000 is the largest), so
/// no real post meets it, and every check stays fast up to it — the `adversarial_100kb`
/// benchmark inputs, built to defeat the engines, are 100,000 characters at most and each
/// checks in milliseconds. In bytes it is at most 400 KB (4 bytes per code point in UTF-8).
pub const MAX_TEXT_CHARS: usize = 100_000;

/// A text longer than [`MAX_TEXT_CHARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the text has {chars} characters; Podium takes at most {max} (no network takes more than \
     a few thousand): shorten it, or split it into several drafts"
)]
pub struct TextTooLong {
    pub chars: usize,
    pub max: usize,
}

/// `Ok` when `text` is within [`MAX_TEXT_CHARS`]. Counting stops at the cap, so a huge text
/// is refused in time proportional to the cap, not to the text.
pub fn within_cap(text: &str) -> Result<(), TextTooLong> {
    // A code point is at least one byte: a text of no more bytes than the cap is within it.
    if text.len() <= MAX_TEXT_CHARS {
        return Ok(());
    }
    let chars = text.chars().take(MAX_TEXT_CHARS + 1).count();
    if chars <= MAX_TEXT_CHARS {
        return Ok(());
    }
    Err(TextTooLong {
        chars: text.chars().count(),
        max: MAX_TEXT_CHARS,
    })
}

/// A piece of a text: `start..end` in UTF-8 bytes, and its text (without `#`/`@` for tags and
/// mentions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Span {
    pub fn new(start: usize, end: usize, text: String) -> Span {
        Span { start, end, text }
    }
}

/// X's entities (UTF-16 indices) of `text` as byte spans, converted through one table.
pub(crate) fn spans_from_x(text: &str, entities: Vec<x::Entity>) -> Vec<Span> {
    let offsets = Offsets::new(text);
    entities.into_iter().map(|e| offsets.span(e)).collect()
}

/// UTF-8 byte offsets and UTF-16 indices of one text, converted in constant time: the tables
/// are built in one pass (none for ASCII text, where the two are the same). A long post has
/// dozens of links and tags to convert on every keystroke; converting each by scanning from
/// the start made that quadratic.
#[derive(Debug)]
pub struct Offsets {
    /// Per byte offset, the UTF-16 index (`None`: ASCII, the same number).
    to_utf16: Option<Vec<u32>>,
    /// Per UTF-16 index, the byte offset of the first code point starting there or after.
    to_byte: Option<Vec<u32>>,
    len: usize,
    len16: usize,
}

impl Offsets {
    pub fn new(text: &str) -> Offsets {
        if text.is_ascii() || text.len() >= u32::MAX as usize {
            let len16 = if text.is_ascii() {
                text.len()
            } else {
                text.encode_utf16().count()
            };
            return Offsets {
                to_utf16: None,
                to_byte: None,
                len: text.len(),
                len16,
            };
        }
        let mut to_utf16 = vec![0u32; text.len() + 1];
        let mut to_byte = Vec::with_capacity(text.len() + 1);
        let mut units = 0u32;
        for (b, c) in text.char_indices() {
            let next = (b + c.len_utf8()) as u32;
            // A byte inside a code point has no index of its own: the text's full length stands
            // for it (filled in below).
            to_utf16[b] = units;
            for inner in &mut to_utf16[b + 1..next as usize] {
                *inner = u32::MAX;
            }
            to_byte.push(b as u32);
            if c.len_utf16() == 2 {
                // The middle of a surrogate pair maps to the next code point.
                to_byte.push(next);
            }
            units += c.len_utf16() as u32;
        }
        to_utf16[text.len()] = units;
        for v in &mut to_utf16 {
            if *v == u32::MAX {
                *v = units;
            }
        }
        to_byte.push(text.len() as u32);
        Offsets {
            to_utf16: Some(to_utf16),
            to_byte: Some(to_byte),
            len: text.len(),
            len16: units as usize,
        }
    }

    /// The UTF-16 index of byte offset `b`; a byte inside a code point, or past the end, gives
    /// the text's length.
    pub fn utf16(&self, b: usize) -> usize {
        match &self.to_utf16 {
            None if b <= self.len => b,
            None => self.len16,
            Some(t) => t.get(b).map_or(self.len16, |&u| u as usize),
        }
    }

    /// The byte offset of UTF-16 index `i`: where the first code point at or after it starts
    /// (the end of the text past it).
    pub fn byte(&self, i: usize) -> usize {
        match &self.to_byte {
            None => i.min(self.len),
            Some(t) => t.get(i).map_or(self.len, |&b| b as usize),
        }
    }

    /// The text's length in UTF-16 code units.
    pub fn len16(&self) -> usize {
        self.len16
    }

    /// Byte offsets `start..end` as a UTF-16 range.
    pub fn range(&self, start: usize, end: usize) -> check::Range {
        check::Range {
            start: self.utf16(start),
            end: self.utf16(end),
        }
    }

    /// An X entity as a byte span.
    pub fn span(&self, entity: x::Entity) -> Span {
        Span::new(self.byte(entity.start), self.byte(entity.end), entity.text)
    }
}

/// How a post measures against a limit, and where it stops fitting (a byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Length {
    pub length: usize,
    pub limit: usize,
    pub valid: bool,
    pub over_from: Option<usize>,
}

impl Tally {
    /// The final length against the limit.
    pub(crate) fn finish(self) -> Length {
        Length {
            length: self.length,
            limit: self.limit,
            valid: self.length <= self.limit,
            over_from: self.over_from,
        }
    }
}

/// The grapheme clusters of `text` with their byte offsets, as
/// `unicode_segmentation::grapheme_indices(true)` gives them, with ASCII taken a byte at a time:
/// between two ASCII characters there is always a boundary (but inside CR LF), so only the
/// clusters around other characters need the full rules. Segmenting may resume at any
/// boundary, which is where each slow step starts.
pub(crate) fn grapheme_indices(text: &str) -> Graphemes<'_> {
    Graphemes { text, at: 0 }
}

pub(crate) struct Graphemes<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Graphemes<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.text.as_bytes();
        let at = self.at;
        let b = *bytes.get(at)?;
        let alone = b.is_ascii()
            && bytes
                .get(at + 1)
                .is_none_or(|&n| n.is_ascii() && !(b == b'\r' && n == b'\n'));
        let len = if alone {
            1
        } else {
            self.text[at..].graphemes(true).next().map_or(1, str::len)
        };
        self.at = at + len;
        Some((at, &self.text[at..at + len]))
    }
}

/// A running length that remembers where it first went over the limit.
#[derive(Debug)]
pub(crate) struct Tally {
    pub(crate) length: usize,
    limit: usize,
    pub(crate) over_from: Option<usize>,
}

impl Tally {
    pub(crate) fn new(limit: usize, start: usize) -> Tally {
        Tally {
            length: start,
            limit,
            over_from: None,
        }
    }

    /// Adds `weight` for the piece starting at byte `at`.
    pub(crate) fn add(&mut self, weight: usize, at: usize) {
        self.length += weight;
        if self.length > self.limit && self.over_from.is_none() {
            self.over_from = Some(at);
        }
    }

    /// Adds one per grapheme cluster of `text[from..to]`.
    pub(crate) fn add_graphemes(&mut self, text: &str, from: usize, to: usize) {
        for (offset, _) in grapheme_indices(&text[from..to]) {
            self.add(1, from + offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn texts_up_to_the_cap_are_taken_and_longer_ones_refused_with_their_length() {
        assert_eq!(within_cap(&"a.".repeat(50_000)), Ok(()));
        assert_eq!(
            within_cap(&"ø".repeat(MAX_TEXT_CHARS)),
            Ok(()),
            "counted in characters, not bytes"
        );
        assert_eq!(within_cap(&"🚀".repeat(MAX_TEXT_CHARS)), Ok(()));
        let refused = within_cap(&"å".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            refused,
            Err(TextTooLong {
                chars: MAX_TEXT_CHARS + 1,
                max: MAX_TEXT_CHARS
            })
        );
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("100001 characters") && message.contains("at most 100000"),
            "{message}"
        );
    }

    /// The conversions [`Offsets`] answers, done the slow way: by scanning from the start.
    fn utf16_to_byte(text: &str, i: usize) -> usize {
        let mut units = 0;
        for (b, c) in text.char_indices() {
            if units >= i {
                return b;
            }
            units += c.len_utf16();
        }
        text.len()
    }

    fn byte_to_utf16(text: &str, b: usize) -> usize {
        text.get(..b)
            .map_or_else(|| text.encode_utf16().count(), |s| s.encode_utf16().count())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The table answers exactly what the scanning conversions answer, at every index
        /// (past the end, inside a code point and inside a surrogate pair included).
        #[test]
        fn offsets_convert_as_the_scans_do(text in "(?s)[a-zæ #🇳🇴👍🏽\u{301}\u{10FFFF}.]{0,40}") {
            let offsets = Offsets::new(&text);
            prop_assert_eq!(offsets.len16(), text.encode_utf16().count());
            for b in 0..=text.len() + 2 {
                prop_assert_eq!(offsets.utf16(b), byte_to_utf16(&text, b), "byte {}", b);
            }
            for i in 0..=offsets.len16() + 2 {
                prop_assert_eq!(offsets.byte(i), utf16_to_byte(&text, i), "unit {}", i);
            }
        }

        /// The ASCII shortcut finds the clusters the full rules find.
        #[test]
        fn graphemes_are_those_of_unicode_segmentation(
            text in "(?s)[a-z\r\n\t #1*æ\u{301}\u{200D}\u{FE0F}\u{20E3}\u{1100}\u{1161}\u{11A8}\u{0915}\u{094D}\u{0937}\u{0600}🇳🇴👍🏽👩]{0,40}"
        ) {
            let ours: Vec<(usize, &str)> = grapheme_indices(&text).collect();
            let theirs: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
            prop_assert_eq!(ours, theirs);
        }
    }
}
