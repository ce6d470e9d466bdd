//! Bluesky: length in graphemes and UTF-8 bytes, and the facets that make links, hashtags and
//! mentions clickable.
//!
//! A Bluesky post is at most 300 grapheme clusters and 3000 UTF-8 bytes. Links, tags and
//! mentions are only clickable when sent as *facets* with UTF-8 byte offsets; this module
//! detects them exactly as `@atproto/api` 0.19.19's `RichText.detectFacetsWithoutResolution()`
//! does (checked differentially against it), quirks included:
//! - a hashtag may be at most 64 UTF-16 code units long (the library counts `tag.length`,
//!   although the lexicon speaks of 64 graphemes);
//! - `$TICKER` cashtags become tag facets (`$` + the ticker in upper case);
//! - a bare domain needs a TLD from the `tlds` list, checked case-sensitively.

mod tables;

use serde::Serialize;

use crate::text::ranges::in_table;

/// Bluesky's limit in grapheme clusters.
pub const MAX_GRAPHEMES: usize = 300;
/// Bluesky's limit in UTF-8 bytes.
pub const MAX_BYTES: usize = 3000;

/// What a facet makes clickable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetKind {
    Link,
    Tag,
    Mention,
}

/// A facet: `byte_start..byte_end` (UTF-8) and its value — the URI of a link, the tag without
/// `#` (a cashtag keeps its `$`), or the handle of a mention (resolved to a DID when publishing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    #[serde(rename = "type")]
    pub kind: FacetKind,
    pub byte_start: usize,
    pub byte_end: usize,
    pub value: String,
}

/// How a post measures against Bluesky's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub graphemes: usize,
    pub bytes: usize,
    pub valid: bool,
}

/// Counts `text` as Bluesky does.
pub fn measure(text: &str) -> Measure {
    let graphemes = super::grapheme_indices(text).count();
    let bytes = text.len();
    Measure {
        graphemes,
        bytes,
        valid: graphemes <= MAX_GRAPHEMES && bytes <= MAX_BYTES,
    }
}

/// Where `text` stops fitting (a byte offset): the first grapheme past `limit` graphemes or
/// past 3,000 bytes.
pub fn first_over(text: &str, limit: usize) -> Option<usize> {
    let mut bytes = 0;
    for (i, (at, g)) in super::grapheme_indices(text).enumerate() {
        bytes += g.len();
        if i >= limit || bytes > MAX_BYTES {
            return Some(at);
        }
    }
    None
}

/// The text as code points with their UTF-8 and UTF-16 offsets (JavaScript indexes UTF-16).
struct Text<'a> {
    text: &'a str,
    chars: Vec<char>,
    byte: Vec<usize>,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Text<'a> {
        let mut chars = Vec::with_capacity(text.len());
        let mut byte = Vec::with_capacity(text.len() + 1);
        for (b, c) in text.char_indices() {
            chars.push(c);
            byte.push(b);
        }
        byte.push(text.len());
        Text { text, chars, byte }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        &self.text[self.byte[from]..self.byte[to]]
    }
}

/// JavaScript's `\s`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn is_punctuation(c: char) -> bool {
    in_table(tables::PUNCTUATION, c as u32)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `isValidDomain`: ends in `.` and a known TLD (case-sensitive, as the library compares).
fn is_valid_domain(s: &str) -> bool {
    tables::TLDS.iter().any(|tld| {
        s.len() > tld.len() && s.ends_with(tld) && s.as_bytes()[s.len() - tld.len() - 1] == b'.'
    })
}

/// The facets Bluesky needs for `text`, sorted by their start (as `@atproto/api` sorts them).
pub fn detect_facets(text: &str) -> Vec<Facet> {
    let t = Text::new(text);
    let mut facets = Vec::new();
    mentions(&t, &mut facets);
    links(&t, &mut facets);
    tags(&t, &mut facets);
    cashtags(&t, &mut facets);
    facets.sort_by_key(|f| f.byte_start); // stable, like Array.prototype.sort
    facets
}

fn facet(t: &Text, kind: FacetKind, start: usize, end: usize, value: String) -> Facet {
    Facet {
        kind,
        byte_start: t.byte[start],
        byte_end: t.byte[end],
        value,
    }
}

/// `(^|\s|\()`: the leading alternatives at `p`, as the positions where the rest may start.
fn leads(t: &Text, p: usize, multiline: bool, paren: bool) -> impl Iterator<Item = usize> {
    let at_line_start = p == 0 || (multiline && t.at(p - 1).is_some_and(is_line_terminator));
    let consumed = t.at(p).is_some_and(|c| is_space(c) || (paren && c == '('));
    [at_line_start.then_some(p), consumed.then_some(p + 1)]
        .into_iter()
        .flatten()
}

/// Searches from `from` for the first position whose leading context lets `rest` match;
/// `rest` returns the end of the whole match and what it found.
fn search<T>(
    t: &Text,
    from: usize,
    multiline: bool,
    paren: bool,
    rest: impl Fn(usize) -> Option<(usize, T)>,
) -> Option<(usize, usize, T)> {
    (from..=t.len()).find_map(|p| {
        leads(t, p, multiline, paren).find_map(|s| rest(s).map(|(end, v)| (s, end, v)))
    })
}

/// `@handle` (`(^|\s|\()(@)([a-zA-Z0-9.-]+)(\b)`), kept when it ends in a known TLD or `.test`.
fn mentions(t: &Text, out: &mut Vec<Facet>) {
    let mut from = 0;
    let body = |s: usize| -> Option<(usize, ())> {
        if t.at(s) != Some('@') {
            return None;
        }
        let run = t.chars[s + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '.' || **c == '-')
            .count();
        // Back off until a word boundary follows the handle.
        (s + 2..=s + 1 + run)
            .rev()
            .find(|&e| is_word(t.chars[e - 1]) != t.at(e).is_some_and(is_word))
            .map(|e| (e, ()))
    };
    while let Some((at, end, ())) = search(t, from, false, true, body) {
        from = end;
        let handle = t.slice(at + 1, end);
        if is_valid_domain(handle) || handle.ends_with(".test") {
            out.push(facet(t, FacetKind::Mention, at, end, handle.to_string()));
        }
    }
}

/// Links with a scheme (`https?://\S+`) or bare domains (`[a-z][a-z0-9]*(\.[a-z0-9]+)+\S*`).
fn links(t: &Text, out: &mut Vec<Facet>) {
    let not_space_run = |from: usize| {
        t.chars[from.min(t.len())..]
            .iter()
            .take_while(|c| !is_space(**c))
            .count()
    };
    let body = |s: usize| -> Option<(usize, Option<usize>)> {
        let starts_with_scheme = |s: usize| -> Option<usize> {
            let word: String = t.chars.get(s..s + 4)?.iter().collect();
            if !word.eq_ignore_ascii_case("http") {
                return None;
            }
            let mut i = s + 4;
            if t.at(i).is_some_and(|c| c.eq_ignore_ascii_case(&'s')) {
                i += 1;
            }
            (t.at(i) == Some(':') && t.at(i + 1) == Some('/') && t.at(i + 2) == Some('/'))
                .then_some(i + 3)
        };
        if let Some(after) = starts_with_scheme(s) {
            let run = not_space_run(after);
            if run > 0 {
                return Some((after + run, None));
            }
        }
        // A bare domain: a letter, letters and digits, then one or more `.label`s.
        if !t.at(s).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let alnum = |i: usize| t.at(i).is_some_and(|c| c.is_ascii_alphanumeric());
        let mut i = s + 1;
        while alnum(i) {
            i += 1;
        }
        let mut labels = 0;
        while t.at(i) == Some('.') && alnum(i + 1) {
            i += 2;
            while alnum(i) {
                i += 1;
            }
            labels += 1;
        }
        if labels == 0 {
            return None;
        }
        Some((i + not_space_run(i), Some(i)))
    };
    let mut from = 0;
    while let Some((start, end, domain_end)) = search(t, from, true, true, body) {
        from = end;
        let mut uri = t.slice(start, end).to_string();
        if !uri.starts_with("http") {
            let domain_ok = domain_end.is_some_and(|d| is_valid_domain(t.slice(start, d)));
            if !domain_ok {
                continue;
            }
            uri.insert_str(0, "https://");
        }
        let mut stop = end;
        if uri.ends_with(['.', ',', ';', ':', '!', '?']) {
            uri.pop();
            stop -= 1;
        }
        if uri.ends_with(')') && !uri.contains('(') {
            uri.pop();
            stop -= 1;
        }
        out.push(facet(t, FacetKind::Link, start, stop, uri));
    }
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{2060}' | '\u{200A}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{20E2}'
    )
}

/// `#tag` or `＃tag` at the start or after whitespace; it needs a character that is neither a
/// digit nor punctuation; trailing punctuation is not part of it; at most 64 UTF-16 units.
fn tags(t: &Text, out: &mut Vec<Facet>) {
    let in_tag = |c: char| !is_space(c) && !is_zero_width(c);
    let body = |s: usize| -> Option<(usize, Option<(usize, usize)>)> {
        if !matches!(t.at(s), Some('#' | '＃')) {
            return None;
        }
        let from = s + 1;
        if t.at(from) == Some('\u{FE0F}') {
            return Some((from, None));
        }
        let end = from + t.chars[from..].iter().take_while(|c| in_tag(**c)).count();
        let has_letter = t.chars[from..end]
            .iter()
            .any(|&c| !c.is_ascii_digit() && !is_punctuation(c));
        Some(if has_letter {
            (end, Some((from, end)))
        } else {
            (from, None)
        })
    };
    let mut from = 0;
    while let Some((hash, end, tag)) = search(t, from, false, false, body) {
        from = end;
        let Some((tag_start, mut tag_end)) = tag else {
            continue;
        };
        while tag_end > tag_start && is_punctuation(t.chars[tag_end - 1]) {
            tag_end -= 1;
        }
        let tag = t.slice(tag_start, tag_end);
        let utf16_len = tag.encode_utf16().count();
        if utf16_len == 0 || utf16_len > 64 {
            continue;
        }
        out.push(facet(t, FacetKind::Tag, hash, tag_end, tag.to_string()));
    }
}

/// `$TICK` (a letter and up to four letters or digits) followed by whitespace, the end or
/// `.,;:!?)"'’`; sent as a tag facet `$TICK` in upper case.
fn cashtags(t: &Text, out: &mut Vec<Facet>) {
    let body = |s: usize| -> Option<(usize, ())> {
        if t.at(s) != Some('$') || !t.at(s + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let more = t.chars[s + 2..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let fits = |e: usize| match t.at(e) {
            None => true,
            Some(c) => is_space(c) || ".,;:!?)\"'\u{2019}".contains(c),
        };
        (s + 2..=s + 2 + more)
            .rev()
            .find(|&e| fits(e))
            .map(|e| (e, ()))
    };
    let mut from = 0;
    while let Some((dollar, end, ())) = search(t, from, false, true, body) {
        from = end;
        let ticker = t.slice(dollar + 1, end).to_ascii_uppercase();
        out.push(facet(t, FacetKind::Tag, dollar, end, format!("${ticker}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets(text: &str) -> Vec<(FacetKind, usize, usize, String)> {
        detect_facets(text)
            .into_iter()
            .map(|f| (f.kind, f.byte_start, f.byte_end, f.value))
            .collect()
    }

    #[test]
    fn counts_graphemes_and_bytes() {
        let m = measure("Blåbær 🇳🇴 👨‍👩‍👧‍👦");
        assert_eq!(m.graphemes, 10);
        assert_eq!(m.bytes, "Blåbær 🇳🇴 👨‍👩‍👧‍👦".len());
        assert!(m.valid);
        assert!(!measure(&"a".repeat(301)).valid);
        // 150 family emoji: only 150 graphemes, but 3,750 bytes.
        let families = measure(&"👨‍👩‍👧‍👦".repeat(150));
        assert_eq!(families.graphemes, 150);
        assert!(!families.valid);
    }

    #[test]
    fn hashtag_offsets_are_utf8_bytes() {
        assert_eq!(
            facets("Om #ledelse"),
            vec![(FacetKind::Tag, 3, 11, "ledelse".into())]
        );
        assert_eq!(
            facets("Ærlig #blåbær!"),
            vec![(FacetKind::Tag, 7, 16, "blåbær".into())]
        );
    }

    #[test]
    fn digits_only_and_mid_word_hashes_are_not_tags() {
        assert!(facets("#2014 og a#b").is_empty());
    }

    #[test]
    fn bare_domains_get_https_and_lose_trailing_punctuation() {
        assert_eq!(
            facets("Se nrk.no."),
            vec![(FacetKind::Link, 3, 9, "https://nrk.no".into())]
        );
        assert_eq!(
            facets("(https://example.com/a)"),
            vec![(FacetKind::Link, 1, 22, "https://example.com/a".into())]
        );
    }

    #[test]
    fn mentions_need_a_domain_handle() {
        assert_eq!(
            facets("Hei @ola.bsky.social!"),
            vec![(FacetKind::Mention, 4, 20, "ola.bsky.social".into())]
        );
        assert!(facets("hei @ola").is_empty());
    }
}
