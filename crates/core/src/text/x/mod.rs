//! X (Twitter): the weighted length and the entities X links, exactly as twitter-text 3.1.0.
//!
//! X counts a post by *weight*: the text is NFC-normalised; every URL X would link counts as 23;
//! every emoji sequence counts as 2; other code points weigh 1 when they fall in the
//! configured ranges (Latin, most European scripts, general punctuation) and 2 otherwise.
//! The limit is 280.
//!
//! twitter-text is JavaScript, so its indices are UTF-16 code units; this module works in code
//! units too (which is also what the editor's text area uses) and returns UTF-16 indices.
//! Its rules are followed to the letter, quirks included, and checked against the conformance
//! suite and, differentially, against the JavaScript library itself.

pub(crate) mod chars;
mod emoji;
mod punycode;
mod tables;
mod url;
mod validate;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

pub use validate::{invalid_characters, is_invalid_character, is_valid_url, INVALID_CHARACTERS};

/// X's limit for one post, in weighted characters.
pub const MAX_WEIGHTED_LENGTH: usize = 280;

/// A weight for a range of code points (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightRange {
    pub start: u32,
    pub end: u32,
    pub weight: u32,
}

/// A twitter-text counting configuration (`config/v2.json`, `config/v3.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub max_weighted_length: usize,
    pub scale: u32,
    pub default_weight: u32,
    pub emoji_parsing: bool,
    pub transformed_url_length: u32,
    pub ranges: &'static [WeightRange],
}

const LIGHT_RANGES: &[WeightRange] = &[
    WeightRange {
        start: 0,
        end: 4351,
        weight: 100,
    },
    WeightRange {
        start: 8192,
        end: 8205,
        weight: 100,
    },
    WeightRange {
        start: 8208,
        end: 8223,
        weight: 100,
    },
    WeightRange {
        start: 8242,
        end: 8247,
        weight: 100,
    },
];

/// Config v2: weighted counting, emoji counted code point by code point.
pub const CONFIG_V2: Config = Config {
    max_weighted_length: MAX_WEIGHTED_LENGTH,
    scale: 100,
    default_weight: 200,
    emoji_parsing: false,
    transformed_url_length: 23,
    ranges: LIGHT_RANGES,
};

/// Config v3, what X uses today: as v2, but every emoji sequence counts as 2.
pub const CONFIG_V3: Config = Config {
    emoji_parsing: true,
    ..CONFIG_V2
};

/// How X measures a post (twitter-text's `parseTweet`). Ranges are UTF-16 indices into the
/// text as given, inclusive, as in twitter-text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParsedTweet {
    pub weighted_length: usize,
    pub valid: bool,
    pub permillage: usize,
    pub valid_range_start: usize,
    /// The last UTF-16 index that still fits (inclusive): the editor highlights what follows.
    pub valid_range_end: i64,
    pub display_range_start: usize,
    pub display_range_end: usize,
}

/// Something X links in a post: a URL, a hashtag (without `#`), a mention (without `@`) or a
/// cashtag (without `$`). `start..end` are UTF-16 indices of the whole entity in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// An entity found in UTF-16 text: its span and its text (which, for some URLs without a
/// scheme, is not the span's text — twitter-text reports the ASCII part of the domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: Vec<u16>,
}

impl Found {
    pub(crate) fn new(start: usize, end: usize, text: Vec<u16>) -> Found {
        Found { start, end, text }
    }

    fn into_entity(self) -> Entity {
        Entity {
            text: String::from_utf16_lossy(&self.text),
            start: self.start,
            end: self.end,
        }
    }
}

/// `text` as UTF-16 code units. Posts are mostly ASCII: copy those bytes directly and decode
/// only the rest (`encode_utf16().collect()` is several times slower here).
fn utf16(text: &str) -> Vec<u16> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(u16::from(b));
            i += 1;
        } else if let Some(c) = text[i..].chars().next() {
            let mut buf = [0u16; 2];
            out.extend_from_slice(c.encode_utf16(&mut buf));
            i += c.len_utf8();
        } else {
            break;
        }
    }
    out
}

fn entities(found: Vec<Found>) -> Vec<Entity> {
    found.into_iter().map(Found::into_entity).collect()
}

/// Measures `text` as X does (twitter-text `parseTweet`).
pub fn parse_tweet(text: &str, config: &Config) -> ParsedTweet {
    let normalized = nfc(text);
    let u = utf16(&normalized);
    let urls = url::extract(&u);
    measure(text, &normalized, &u, &urls, config)
}

/// `text` in NFC, borrowed when it already is (the common case, checked quickly).
fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    // Code points below U+0300 are all NFC_Quick_Check=Yes with combining class 0: leaving them
    // out can only make the check more cautious (never a wrong "yes"), and most text is there.
    match unicode_normalization::is_nfc_quick(FromU300 { text, at: 0 }) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfc().collect()),
    }
}

/// The code points of `text` from U+0300 up, found by their first byte (0xCC and above: every
/// byte of a code point below U+0300 is below 0xCC), so the long runs of ASCII and Latin-1
/// letters in between are skipped without decoding them.
struct FromU300<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for FromU300<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let offset = self.text.as_bytes()[self.at..]
            .iter()
            .position(|&b| b >= 0xCC)?;
        let start = self.at + offset;
        let c = self.text[start..].chars().next()?;
        self.at = start + c.len_utf8();
        Some(c)
    }
}

/// Everything the editor shows for X, computed in one pass over the text: the measure and the
/// entities (URLs are found once and shared, where twitter-text finds them once per call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub parsed: ParsedTweet,
    pub hashtags: Vec<Entity>,
    pub urls: Vec<Entity>,
    pub mentions: Vec<Entity>,
}

/// Measures `text` and extracts what X links, as [`parse_tweet`], [`extract_hashtags`],
/// [`extract_urls`] and [`extract_mentions`] would, doing the shared work once.
pub fn analyze(text: &str, config: &Config) -> Analysis {
    let normalized = nfc(text);
    let raw = utf16(text);
    let raw_urls = url::extract(&raw);
    let parsed = if let std::borrow::Cow::Borrowed(_) = normalized {
        measure(text, text, &raw, &raw_urls, config)
    } else {
        let u = utf16(&normalized);
        let urls = url::extract(&u);
        measure(text, &normalized, &u, &urls, config)
    };
    // One pass finds both kinds of anchor.
    let (mut hashes, mut ats) = (Vec::new(), Vec::new());
    for (i, &c) in raw.iter().enumerate() {
        if is_hash(c) {
            hashes.push(i);
        } else if is_at_sign(c) {
            ats.push(i);
        }
    }
    let hashtags = without_url_overlaps(hashtags_at(&raw, &hashes), &raw_urls);
    let mentions = mentions_or_lists_at(&raw, &ats)
        .into_iter()
        .filter(|(_, list)| !list)
        .map(|(f, _)| f)
        .collect();
    Analysis {
        parsed,
        hashtags: entities(hashtags),
        urls: entities(raw_urls),
        mentions: entities(mentions),
    }
}

/// `parseTweet` on the normalised text `normalized` (as UTF-16 `u`, with its URLs).
fn measure(
    text: &str,
    normalized: &str,
    u: &[u16],
    urls: &[Found],
    config: &Config,
) -> ParsedTweet {
    let original_len = if std::ptr::eq(text, normalized) {
        u.len()
    } else {
        text.encode_utf16().count()
    };
    let emoji = if config.emoji_parsing {
        emoji::extract(normalized)
    } else {
        Vec::new()
    };
    let max_scaled = config.max_weighted_length as u64 * u64::from(config.scale);
    // ASCII, most of any post, weighs the same throughout in every real config: runs of it are
    // weighed at once. (Exactly when the first range that touches ASCII covers all of it: a
    // code unit takes the weight of the first range that holds it.)
    let ascii_weight = config
        .ranges
        .iter()
        .find(|r| r.start <= 0x7F)
        .filter(|r| r.start == 0 && r.end >= 0x7F && r.weight > 0)
        .map(|r| u64::from(r.weight));

    let (mut next_url, mut next_emoji) = (0, 0);
    let mut weighted: u64 = 0;
    let mut valid_display_index = 0usize;
    let mut valid = true;
    let mut i = 0;
    while i < u.len() {
        while next_url < urls.len() && urls[next_url].start < i {
            next_url += 1;
        }
        while next_emoji < emoji.len() && emoji[next_emoji].0 < i {
            next_emoji += 1;
        }
        let next_entity = urls
            .get(next_url)
            .map_or(usize::MAX, |f| f.start)
            .min(emoji.get(next_emoji).map_or(usize::MAX, |e| e.0));
        if next_entity != i {
            // Plain text up to the next entity: weigh each code point.
            let stop = next_entity.min(u.len());
            while i < stop {
                if let Some(w) = ascii_weight {
                    let run = u[i..stop].iter().take_while(|&&c| c < 0x80).count();
                    if run > 0 {
                        // Unit k of the run fits while weighted + (k + 1)·w ≤ max_scaled.
                        let fitting = (max_scaled.saturating_sub(weighted) / w).min(run as u64);
                        if valid && fitting > 0 {
                            valid_display_index = i + fitting as usize - 1;
                        }
                        weighted += run as u64 * w;
                        i += run;
                        continue;
                    }
                }
                if is_surrogate_pair(u, i) {
                    i += 1;
                }
                weighted += u64::from(weight(u[i], config));
                valid = valid && !chars::is_invalid(u[i]);
                if valid && weighted <= max_scaled {
                    valid_display_index = i;
                }
                i += 1;
            }
            continue;
        }
        // twitter-text keys entities by start index; the last one with a given start wins.
        let url_here = starting_at(urls, &mut next_url, i, |f| (f.start, f.text.len()));
        let emoji_here = starting_at(&emoji, &mut next_emoji, i, |&(start, len)| (start, len));
        if let Some(len) = url_here {
            weighted += u64::from(config.transformed_url_length * config.scale);
            i += len.max(1) - 1;
        } else if let Some(len) = emoji_here {
            weighted += u64::from(config.default_weight);
            i += len.max(1) - 1;
        }
        // twitter-text checks the last code unit of the entity (nothing past the end).
        valid = valid && !u.get(i).is_some_and(|&c| chars::is_invalid(c));
        if valid && weighted <= max_scaled {
            valid_display_index = i;
        }
        i += 1;
    }
    let weighted_length = (weighted / u64::from(config.scale)) as usize;
    let valid = valid && weighted_length > 0 && weighted_length <= config.max_weighted_length;
    let permillage =
        ((weighted_length as f64 / config.max_weighted_length as f64) * 1000.0).floor();
    let offset = original_len as i64 - u.len() as i64;
    ParsedTweet {
        weighted_length,
        valid,
        permillage: permillage as usize,
        valid_range_start: 0,
        valid_range_end: valid_display_index as i64 + offset,
        display_range_start: 0,
        display_range_end: original_len.saturating_sub(1),
    }
}

/// Where `is_anchor` holds in `u` (`#`, `@`, `$`): found in one pass, so the scans below visit
/// only the few places a match can be.
fn anchors(u: &[u16], is_anchor: impl Fn(u16) -> bool) -> Vec<usize> {
    let mut found = Vec::new();
    for (i, &c) in u.iter().enumerate() {
        if is_anchor(c) {
            found.push(i);
        }
    }
    found
}

/// The first match of `at(p)` for `p` from `from` on, trying only positions within `back` code
/// units before an anchor (from [`anchors`]): every pattern here needs its anchor that close,
/// so the result is the same as trying every position, without the cost.
fn scan_near<T>(
    anchors: &[usize],
    from: usize,
    back: usize,
    at: impl Fn(usize) -> Option<T>,
) -> Option<T> {
    let mut next = from;
    let first = anchors.partition_point(|&h| h < from);
    for &h in &anchors[first..] {
        for p in next.max(h.saturating_sub(back))..=h {
            if let Some(found) = at(p) {
                return Some(found);
            }
        }
        next = h + 1;
    }
    None
}

/// The length of the last entity in `list` that starts exactly at `i`, advancing `next` past
/// the entities that start before it.
fn starting_at<T>(
    list: &[T],
    next: &mut usize,
    i: usize,
    span: impl Fn(&T) -> (usize, usize),
) -> Option<usize> {
    while *next < list.len() && span(&list[*next]).0 < i {
        *next += 1;
    }
    let mut found = None;
    while *next < list.len() && span(&list[*next]).0 == i {
        found = Some(span(&list[*next]).1);
        *next += 1;
    }
    found
}

fn is_surrogate_pair(u: &[u16], i: usize) -> bool {
    i + 1 < u.len() && (0xD800..=0xDBFF).contains(&u[i]) && (0xDC00..=0xDFFF).contains(&u[i + 1])
}

fn weight(unit: u16, config: &Config) -> u32 {
    let unit = u32::from(unit);
    config
        .ranges
        .iter()
        .find(|r| (r.start..=r.end).contains(&unit))
        .map_or(config.default_weight, |r| r.weight)
}

/// The URLs X links in `text`, in order (twitter-text `extractUrlsWithIndices`).
pub fn extract_urls(text: &str) -> Vec<Entity> {
    entities(url::extract(&utf16(text)))
}

/// The URLs with a scheme (`http://`, `https://`) in `text`, as twitter-text finds them with
/// `extractUrlsWithoutProtocol: false` (Mastodon links only these).
pub fn extract_urls_with_scheme(text: &str) -> Vec<Entity> {
    entities(url::extract_with(&utf16(text), false))
}

/// Emoji sequences in `text` as X counts them: UTF-16 `(start, length)` pairs.
pub fn emoji_spans(text: &str) -> Vec<(usize, usize)> {
    emoji::extract(text)
}

/// The hashtags X links in `text`, in order, without `#` (twitter-text
/// `extractHashtagsWithIndices`: a hashtag inside a URL is not one).
pub fn extract_hashtags(text: &str) -> Vec<Entity> {
    let u = utf16(text);
    let tags = hashtags(&u);
    if tags.is_empty() {
        return Vec::new();
    }
    entities(without_url_overlaps(tags, &url::extract(&u)))
}

/// twitter-text's `removeOverlappingEntities` over hashtags and URLs, keeping the hashtags: a
/// stable sort by start, then whatever overlaps the entity before it goes.
fn without_url_overlaps(tags: Vec<Found>, urls: &[Found]) -> Vec<Found> {
    if tags.is_empty() || urls.is_empty() {
        return tags;
    }
    let mut all: Vec<(bool, &Found)> = tags
        .iter()
        .map(|t| (true, t))
        .chain(urls.iter().map(|u| (false, u)))
        .collect();
    all.sort_by_key(|(_, f)| f.start);
    let mut kept: Vec<(bool, &Found)> = Vec::with_capacity(all.len());
    for entity in all {
        match kept.last() {
            Some((_, prev)) if prev.end > entity.1.start => {}
            _ => kept.push(entity),
        }
    }
    kept.into_iter()
        .filter(|(is_tag, _)| *is_tag)
        .map(|(_, f)| f.clone())
        .collect()
}

/// Whether `tag` (with its `#`) is exactly one hashtag X links.
pub fn is_valid_hashtag(tag: &str) -> bool {
    let found = extract_hashtags(tag);
    found.len() == 1 && tag.get(1..).is_some_and(|rest| found[0].text == rest)
}

const HASH: u16 = b'#' as u16;
const FULLWIDTH_HASH: u16 = 0xFF03;

fn is_hash(c: u16) -> bool {
    c == HASH || c == FULLWIDTH_HASH
}

fn hashtags(u: &[u16]) -> Vec<Found> {
    hashtags_at(u, &anchors(u, is_hash))
}

/// The hashtags in `u`, whose `#`s are at `hashes`.
fn hashtags_at(u: &[u16], hashes: &[usize]) -> Vec<Found> {
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some((hash, end)) = scan_near(hashes, from, 2, |p| hashtag_at(u, p)) {
        from = end;
        let after = &u[end..];
        let ends_badly =
            after.first().is_some_and(|&c| is_hash(c)) || after.starts_with(&[0x3A, 0x2F, 0x2F]);
        if !ends_badly {
            tags.push(Found::new(hash, end, u[hash + 1..end].to_vec()));
        }
    }
    tags
}

/// A hashtag match whose preceding context starts at `p`: `(index of #, end)`.
fn hashtag_at(u: &[u16], p: usize) -> Option<(usize, usize)> {
    let n = u.len();
    if p == 0 {
        if let Some(end) = hashtag_body(u, 0) {
            return Some((0, end));
        }
    }
    if p >= n {
        return None;
    }
    if u[p] == 0xFE0E || u[p] == 0xFE0F {
        if let Some(end) = hashtag_body(u, p + 1) {
            return Some((p + 1, end));
        }
    }
    let (cp, len) = chars::code_point_at(u, p);
    let lone_surrogate = len == 1 && (0xD800..=0xDFFF).contains(&cp);
    if chars::is_hashtag_letter_or_digit(cp) || u[p] == 0x26 || lone_surrogate {
        return None;
    }
    hashtag_body(u, p + len).map(|end| (p + len, end))
}

/// `#tag` at `h`: the end of the tag when it holds at least one letter.
fn hashtag_body(u: &[u16], h: usize) -> Option<usize> {
    if !matches!(u.get(h), Some(&HASH | &FULLWIDTH_HASH)) {
        return None;
    }
    if matches!(u.get(h + 1), Some(&0xFE0F | &0x20E3)) {
        return None;
    }
    let (mut i, mut has_letter) = (h + 1, false);
    while i < u.len() {
        let (cp, len) = chars::code_point_at(u, i);
        if !chars::is_hashtag_letter_or_digit(cp) {
            break;
        }
        has_letter |= chars::is_hashtag_letter(cp);
        i += len;
    }
    has_letter.then_some(i)
}

fn is_mention_name_char(c: u16) -> bool {
    chars::is_ascii_alnum(c) || c == 0x5F
}

fn is_at_sign(c: u16) -> bool {
    c == 0x40 || c == 0xFF20
}

/// The mentions X links in `text` (`@name`, without lists), without `@` (twitter-text
/// `extractMentionsWithIndices`).
pub fn extract_mentions(text: &str) -> Vec<Entity> {
    let u = utf16(text);
    entities(
        mentions_or_lists(&u)
            .into_iter()
            .filter(|(_, list)| !list)
            .map(|(f, _)| f)
            .collect(),
    )
}

fn mentions_or_lists(u: &[u16]) -> Vec<(Found, bool)> {
    mentions_or_lists_at(u, &anchors(u, is_at_sign))
}

/// The mentions and lists in `u`, whose `@`s are at `ats`.
fn mentions_or_lists_at(u: &[u16], ats: &[usize]) -> Vec<(Found, bool)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((at, name_end, end)) = scan_near(ats, from, 4, |p| mention_at(u, p)) {
        from = end;
        let after = &u[end..];
        let rejected = after
            .first()
            .is_some_and(|&c| is_at_sign(c) || chars::is_latin_accent(c))
            || after.starts_with(&[0x3A, 0x2F, 0x2F]);
        if !rejected {
            found.push((
                Found::new(at, end, u[at + 1..name_end].to_vec()),
                end > name_end,
            ));
        }
    }
    found
}

/// A mention match whose preceding context starts at `p`: `(index of @, end of name, end)`.
fn mention_at(u: &[u16], p: usize) -> Option<(usize, usize, usize)> {
    let n = u.len();
    let not_before = |c: u16| {
        is_mention_name_char(c) || b"!#$%&*".iter().any(|&b| c == u16::from(b)) || is_at_sign(c)
    };
    let not_before_rt =
        |c: u16| is_mention_name_char(c) || b"+~.-".iter().any(|&b| c == u16::from(b));
    let mut starts: Vec<usize> = Vec::with_capacity(4);
    if p == 0 {
        starts.push(0);
    }
    if p < n && !not_before(u[p]) {
        starts.push(p + 1);
    }
    // `RT:` or `rt` right before the `@`, itself at the start or after a separator.
    let rt_at = |r: usize| -> Option<usize> {
        let (a, b) = (*u.get(r)?, *u.get(r + 1)?);
        (matches!(a, 0x52 | 0x72) && matches!(b, 0x54 | 0x74)).then_some(r + 2)
    };
    let rt_from: Vec<usize> = [
        (p == 0).then_some(0),
        (p < n && !not_before_rt(u[p])).then_some(p + 1),
    ]
    .into_iter()
    .flatten()
    .collect();
    for r in rt_from {
        if let Some(after) = rt_at(r) {
            if u.get(after) == Some(&0x3A) {
                starts.push(after + 1);
            }
            starts.push(after);
        }
    }
    starts
        .into_iter()
        .find_map(|at| mention_body(u, at).map(|(name_end, end)| (at, name_end, end)))
}

fn mention_body(u: &[u16], at: usize) -> Option<(usize, usize)> {
    if !u.get(at).is_some_and(|&c| is_at_sign(c)) {
        return None;
    }
    let name = u[at + 1..]
        .iter()
        .take(20)
        .take_while(|&&c| is_mention_name_char(c))
        .count();
    if name == 0 {
        return None;
    }
    let name_end = at + 1 + name;
    let mut end = name_end;
    if u.get(end) == Some(&0x2F) && u.get(end + 1).is_some_and(|&c| chars::is_ascii_alpha(c)) {
        let slug = u[end + 2..]
            .iter()
            .take(24)
            .take_while(|&&c| is_mention_name_char(c) || c == 0x2D)
            .count();
        end += 2 + slug;
    }
    Some((name_end, end))
}

/// The cashtags X links in `text` (`$NOK`), without `$` (twitter-text `extractCashtagsWithIndices`).
pub fn extract_cashtags(text: &str) -> Vec<Entity> {
    let u = utf16(text);
    if !u.contains(&0x24) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut from = 0;
    let dollars = anchors(&u, |c| c == 0x24);
    while let Some((dollar, end)) = scan_near(&dollars, from, 1, |p| cashtag_at(&u, p)) {
        from = end;
        found.push(Found::new(dollar, end, u[dollar + 1..end].to_vec()));
    }
    entities(found)
}

fn cashtag_at(u: &[u16], p: usize) -> Option<(usize, usize)> {
    let mut starts = Vec::with_capacity(2);
    if p == 0 {
        starts.push(0);
    }
    if p < u.len() && chars::is_space(u[p]) {
        starts.push(p + 1);
    }
    starts
        .into_iter()
        .find_map(|d| cashtag_body(u, d).map(|end| (d, end)))
}

fn cashtag_body(u: &[u16], d: usize) -> Option<usize> {
    if u.get(d) != Some(&0x24) {
        return None;
    }
    let alpha_run = |from: usize, max: usize| {
        u[from.min(u.len())..]
            .iter()
            .take(max)
            .take_while(|&&c| chars::is_ascii_alpha(c))
            .count()
    };
    let fits = |e: usize| e == u.len() || chars::is_js_whitespace(u[e]) || chars::is_punct(u[e]);
    let letters = alpha_run(d + 1, 6);
    for k in (1..=letters).rev() {
        let e = d + 1 + k;
        if matches!(u.get(e), Some(&0x2E | &0x5F)) {
            let tail = alpha_run(e + 1, 2);
            if let Some(j) = (1..=tail).rev().find(|&j| fits(e + 1 + j)) {
                return Some(e + 1 + j);
            }
        }
        if fits(e) {
            return Some(e);
        }
    }
    None
}

/// The weighted length X shows in its composer for `text`.
pub fn weighted_length(text: &str) -> usize {
    parse_tweet(text, &CONFIG_V3).weighted_length
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ASCII runs are weighed at once only when one weight holds for all of ASCII: a config
    /// that weighs digits apart is still counted code unit by code unit.
    #[test]
    fn a_config_that_weighs_some_ascii_apart_is_followed() {
        const DIGITS_HEAVY: &[WeightRange] = &[
            WeightRange {
                start: 0x30,
                end: 0x39,
                weight: 300,
            },
            WeightRange {
                start: 0,
                end: 4351,
                weight: 100,
            },
        ];
        let config = Config {
            ranges: DIGITS_HEAVY,
            max_weighted_length: 10,
            ..CONFIG_V3
        };
        let p = parse_tweet("ab12cd", &config);
        assert_eq!(p.weighted_length, 1 + 1 + 3 + 3 + 1 + 1);
        // a, b, 1 (5), 2 (8), c (9), d (10): all fit, exactly.
        assert_eq!(p.valid_range_end, 5);
        let p = parse_tweet("ab12cde", &config);
        assert!(!p.valid);
        assert_eq!(p.valid_range_end, 5, "e is the first that does not fit");
        // The same post under the usual config is weighed by the fast path: 7, all fit.
        assert_eq!(parse_tweet("ab12cde", &CONFIG_V3).weighted_length, 7);
    }

    fn tags(text: &str) -> Vec<String> {
        extract_hashtags(text).into_iter().map(|e| e.text).collect()
    }

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
    fn code_points_below_u0300_cannot_affect_the_nfc_quick_check() {
        use unicode_normalization::char::canonical_combining_class;
        for cp in 0..0x300u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            assert_eq!(canonical_combining_class(c), 0, "U+{cp:04X}");
            assert!(unicode_normalization::is_nfc(&c.to_string()), "U+{cp:04X}");
        }
    }

    #[test]
    fn cjk_characters_weigh_two() {
        assert_eq!(weighted_length("日本"), 4);
    }

    #[test]
    fn every_url_counts_as_23_even_without_a_scheme() {
        assert_eq!(weighted_length("example.com"), 23);
        assert_eq!(
            weighted_length("Se https://www.regjeringen.no/no/tema/arbeidsliv/id1/"),
            26
        );
    }

    #[test]
    fn an_emoji_sequence_counts_as_two() {
        assert_eq!(weighted_length("👨‍👩‍👧‍👦"), 2);
        assert_eq!(weighted_length("🇳🇴"), 2);
        assert_eq!(weighted_length("👍🏽"), 2);
    }

    #[test]
    fn hashtag_made_of_digits_does_not_link() {
        assert!(tags("Året var #2014").is_empty());
        assert_eq!(
            tags("#sosialemedier og #ledelse"),
            ["sosialemedier", "ledelse"]
        );
    }

    #[test]
    fn hashtag_must_follow_a_separator() {
        assert!(tags("5#tag").is_empty());
        assert_eq!(tags("«#ledelse»"), ["ledelse"]);
    }

    #[test]
    fn tricky_inputs_do_not_panic() {
        for text in [
            "café1@x",
            "ñu@example.com",
            "#",
            "@",
            "$",
            "http://",
            "a.",
            "\u{FE0F}#x",
        ] {
            let _ = parse_tweet(text, &CONFIG_V3);
            let _ = extract_hashtags(text);
            let _ = extract_mentions(text);
            let _ = extract_cashtags(text);
        }
    }

    #[test]
    fn the_part_over_the_limit_starts_after_valid_range_end() {
        let text = "a".repeat(285);
        let parsed = parse_tweet(&text, &CONFIG_V3);
        assert_eq!(parsed.weighted_length, 285);
        assert!(!parsed.valid);
        assert_eq!(parsed.valid_range_end, 279);
    }
}
