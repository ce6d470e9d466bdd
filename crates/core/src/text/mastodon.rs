//! Mastodon: the instance's limit, counted as Mastodon's `StatusLengthValidator` counts.
//!
//! The length is the number of grapheme clusters of the content warning plus the text, where
//! every URL with a scheme counts as 23 and `@user@domain` counts as `@user`. The limit is the
//! instance's (`configuration.statuses.max_characters` from `/api/v2/instance`; 500 when
//! unknown) — never hard-coded. Hashtags follow Mastodon's `Tag::HASHTAG_RE`: at the start or
//! after whitespace, `#` or `＃`, letters, marks, digits and `_ · ・ ZWNJ`, with a letter.

use std::sync::LazyLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

use super::x;
use super::{Length, Span, Tally};

/// The limit of a Mastodon instance that does not say otherwise.
pub const DEFAULT_LIMIT: usize = 500;
/// What a URL counts as.
pub const URL_LENGTH: usize = 23;
const MAX_DOMAIN_LENGTH: usize = 253;

struct Patterns {
    hashtag: Regex,
    mention: Regex,
    word: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let word = r"\p{L}\p{M}\p{Nd}\p{Pc}";
    let sep = r"_\x{00B7}\x{30FB}\x{200C}";
    let first = format!("[{word}_][{word}{sep}]*[\\p{{L}}\\p{{M}}{sep}][{word}{sep}]*[{word}_]");
    let last = format!("[{word}_]*[\\p{{L}}\\p{{M}}][{word}_]*");
    Some(Patterns {
        hashtag: Regex::new(&format!("^(?:{first}|{last})")).ok()?,
        mention: Regex::new(&format!(
            r"^@((?i:[a-z0-9_]+(?:[a-z0-9_.\-]+[a-z0-9_]+)?)(?:@[{word}.\-]+[{word}]+)?)"
        ))
        .ok()?,
        word: Regex::new(&format!("^[{word}]")).ok()?,
    })
});

fn is_word_char(p: &Patterns, c: char) -> bool {
    let mut buf = [0u8; 4];
    p.word.is_match(c.encode_utf8(&mut buf))
}

/// Hashtags as Mastodon links them (byte spans of `#tag`, text without `#`).
pub fn hashtags(text: &str) -> Vec<Span> {
    let Some(p) = PATTERNS.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if i < from || !matches!(c, '#' | '＃') {
            continue;
        }
        let after_space = text[..i]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        if !after_space {
            continue;
        }
        let body_start = i + c.len_utf8();
        let Some(m) = p.hashtag.find(&text[body_start..]) else {
            continue;
        };
        let mut end = body_start + m.end();
        from = end;
        if text[end..].starts_with("://") {
            // `#foohttp://…`: the scheme is not part of the tag.
            for scheme in ["https", "http"] {
                if text[body_start..end].len() > scheme.len()
                    && text[body_start..end].ends_with(scheme)
                {
                    end -= scheme.len();
                    break;
                }
            }
        }
        found.push(Span::new(i, end, text[body_start..end].to_string()));
    }
    found
}

/// Mentions as Mastodon reads them (byte spans of `@user@domain`, text without `@`).
pub fn mentions(text: &str) -> Vec<Span> {
    let Some(p) = PATTERNS.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if i < from || c != '@' {
            continue;
        }
        let prev = text[..i].chars().next_back();
        if prev.is_some_and(|c| c == '=' || c == '/' || is_word_char(p, c)) {
            continue;
        }
        let Some(caps) = p.mention.captures(&text[i..]) else {
            continue;
        };
        let Some(whole) = caps.get(0) else { continue };
        let end = i + whole.end();
        from = end;
        let name = &text[i + 1..end];
        let after = &text[end..];
        let rejected = after.starts_with(['@', '＠'])
            || after.starts_with("://")
            || after
                .chars()
                .next()
                .is_some_and(|c| u16::try_from(u32::from(c)).is_ok_and(x::chars::is_latin_accent));
        let domain_too_long = name
            .split('@')
            .nth(1)
            .is_some_and(|d| d.len() > MAX_DOMAIN_LENGTH);
        if !rejected && !domain_too_long {
            found.push(Span::new(i, end, name.to_string()));
        }
    }
    found
}

/// URLs Mastodon links (with a scheme), as byte spans.
pub fn urls(text: &str) -> Vec<Span> {
    super::spans_from_x(text, x::extract_urls_with_scheme(text))
}

/// Measures `text` with its content warning against an instance's `limit`.
pub fn measure(text: &str, content_warning: &str, limit: usize) -> Length {
    // URLs and mentions, without overlaps (the earlier one wins), in order.
    let mut entities: Vec<(Span, usize)> = urls(text)
        .into_iter()
        .map(|u| (u, URL_LENGTH))
        .chain(mentions(text).into_iter().map(|m| {
            let user = m
                .text
                .split('@')
                .next()
                .unwrap_or_default()
                .graphemes(true)
                .count();
            (m, 1 + user)
        }))
        .collect();
    entities.sort_by_key(|(s, _)| s.start);
    let mut kept: Vec<(Span, usize)> = Vec::with_capacity(entities.len());
    for e in entities {
        if kept.last().is_none_or(|(prev, _)| prev.end <= e.0.start) {
            kept.push(e);
        }
    }

    let mut tally = Tally::new(limit, content_warning.graphemes(true).count());
    let mut pos = 0;
    for (span, weight) in &kept {
        tally.add_graphemes(text, pos, span.start);
        tally.add(*weight, span.start);
        pos = span.end;
    }
    tally.add_graphemes(text, pos, text.len());
    tally.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<String> {
        hashtags(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn every_url_counts_23_and_remote_mentions_count_as_local() {
        let text =
            "Les https://www.regjeringen.no/no/dokumenter/meld.-st.-1/id2 @ola@mastodon.social";
        // "Les " 4 + 23 + " " 1 + "@ola" 4
        assert_eq!(measure(text, "", 500).length, 32);
    }

    #[test]
    fn content_warning_counts_too() {
        assert_eq!(measure("Hei", "CW: politikk", 500).length, 15);
    }

    #[test]
    fn the_instance_limit_decides() {
        let text = "a".repeat(600);
        assert!(!measure(&text, "", 500).valid);
        assert!(measure(&text, "", 1000).valid);
        assert_eq!(measure(&text, "", 500).over_from, Some(500));
    }

    #[test]
    fn bare_domains_are_not_links_on_mastodon() {
        assert_eq!(measure("nrk.no", "", 500).length, 6);
    }

    #[test]
    fn hashtags_as_mastodon_links_them() {
        assert_eq!(
            tags("#ledelse og #sosiale_medier, ikke a#b eller #2014"),
            ["ledelse", "sosiale_medier"]
        );
        assert_eq!(tags("＃æøå"), ["æøå"]);
    }
}
