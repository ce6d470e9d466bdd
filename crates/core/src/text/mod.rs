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
pub mod x;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

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

    /// An X entity (UTF-16 indices) of `text` as a byte span.
    pub fn from_x(text: &str, entity: x::Entity) -> Span {
        Span::new(
            utf16_to_byte(text, entity.start),
            utf16_to_byte(text, entity.end),
            entity.text,
        )
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

/// The byte offset of UTF-16 index `i` in `text` (clamped to the end).
pub fn utf16_to_byte(text: &str, i: usize) -> usize {
    let mut units = 0;
    for (b, c) in text.char_indices() {
        if units >= i {
            return b;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 index of byte offset `b` in `text` (a char boundary).
pub fn byte_to_utf16(text: &str, b: usize) -> usize {
    text.get(..b)
        .map_or_else(|| text.encode_utf16().count(), |s| s.encode_utf16().count())
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
        for (offset, _) in text[from..to].grapheme_indices(true) {
            self.add(1, from + offset);
        }
    }
}
