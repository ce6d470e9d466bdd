//! LinkedIn: the commentary as the Posts API must receive it, and its length.
//!
//! `POST /rest/posts` reads `commentary` in LinkedIn's "little text" format, where
//! `| { } @ [ ] ( ) < > # \ * _ ~` are markup. Sent unescaped, LinkedIn does not reject the
//! post: it silently cuts the text at the first such character. So the engine escapes every
//! reserved character with a backslash, and turns each hashtag into little text's hashtag
//! template `{hashtag|\#|tag}` so it stays a clickable hashtag. The 3,000-character limit is
//! checked on this escaped commentary, counted in UTF-16 code units (a Java server's
//! `String.length()`), which can only over-count what LinkedIn shows: Podium never calls a post
//! valid that LinkedIn would cut.

use super::{Span, Tally};

/// LinkedIn's limit for a post's commentary.
pub const LIMIT: usize = 3000;

const RESERVED: &[char] = &[
    '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~',
];

/// The commentary to send and how it measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commentary {
    /// The escaped little-text commentary the publisher sends.
    pub text: String,
    pub length: usize,
    pub limit: usize,
    pub valid: bool,
    /// Where the original text stops fitting (byte offset).
    pub over_from: Option<usize>,
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Hashtags as LinkedIn links them: `#` at the start or after a non-word character, then
/// letters, digits or `_`, with at least one letter.
pub fn hashtags(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if i < from || c != '#' {
            continue;
        }
        if text[..i].chars().next_back().is_some_and(is_tag_char) {
            continue;
        }
        let body = &text[i + 1..];
        let len: usize = body
            .chars()
            .take_while(|&c| is_tag_char(c))
            .map(char::len_utf8)
            .sum();
        let tag = &body[..len];
        if tag.chars().any(char::is_alphabetic) {
            found.push(Span::new(i, i + 1 + len, tag.to_string()));
            from = i + 1 + len;
        }
    }
    found
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes `text` into LinkedIn little text, keeping hashtags as hashtags.
pub fn commentary(text: &str) -> Commentary {
    let mut out = String::with_capacity(text.len() + 16);
    let mut tally = Tally::new(LIMIT, 0);
    let mut pos = 0;
    let plain = |out: &mut String, tally: &mut Tally, from: usize, to: usize| {
        for (i, c) in text[from..to].char_indices() {
            let before = out.len();
            escape_into(out, &text[from + i..from + i + c.len_utf8()]);
            tally.add(out[before..].encode_utf16().count(), from + i);
        }
    };
    for tag in hashtags(text) {
        plain(&mut out, &mut tally, pos, tag.start);
        let before = out.len();
        out.push_str("{hashtag|\\#|");
        escape_into(&mut out, &tag.text);
        out.push('}');
        tally.add(out[before..].encode_utf16().count(), tag.start);
        pos = tag.end;
    }
    plain(&mut out, &mut tally, pos, text.len());
    Commentary {
        text: out,
        length: tally.length,
        limit: LIMIT,
        valid: tally.length <= LIMIT,
        over_from: tally.over_from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(
            commentary("Q3 (foreløpig): 5 * 3 <> [x] ~ a_b | c@d \\").text,
            "Q3 \\(foreløpig\\): 5 \\* 3 \\<\\> \\[x\\] \\~ a\\_b \\| c\\@d \\\\"
        );
    }

    #[test]
    fn hashtags_stay_hashtags() {
        assert_eq!(
            commentary("Om #ledelse og #sosiale_medier.").text,
            "Om {hashtag|\\#|ledelse} og {hashtag|\\#|sosiale\\_medier}."
        );
        assert_eq!(commentary("Året #2014").text, "Året \\#2014");
    }

    #[test]
    fn the_limit_applies_to_the_escaped_text() {
        let text = "(".repeat(1600); // 1,600 characters, 3,200 once escaped
        let c = commentary(&text);
        assert_eq!(c.length, 3200);
        assert!(!c.valid);
        assert_eq!(c.over_from, Some(1500));
    }
}
