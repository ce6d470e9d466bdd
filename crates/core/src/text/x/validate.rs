//! Whether a string is a well-formed http(s) URL (twitter-text `isValidUrl`), for fields where a
//! user types a link on its own, and which characters X refuses in a post (twitter-text
//! `hasInvalidCharacters`).

use std::sync::LazyLock;

use regex::Regex;

const UNRESERVED: &str = r"[a-z\x{0400}-\x{04FF}0-9\-._~]";
const PCT: &str = r"(?:%[0-9a-f]{2})";
const SUB_DELIMS: &str = r"[!$&'()*+,;=]";
const DEC_OCTET: &str = r"(?:[0-9]|(?:[1-9][0-9])|(?:1[0-9]{2})|(?:2[0-4][0-9])|(?:25[0-5]))";

struct Patterns {
    unencoded: Regex,
    scheme: Regex,
    path: Regex,
    query: Regex,
    fragment: Regex,
    authority: Regex,
    unicode_authority: Regex,
}

fn patterns() -> Option<Patterns> {
    let pchar = format!(r"(?:{UNRESERVED}|{PCT}|{SUB_DELIMS}|[:|@])");
    let ipv4 = format!(r"(?:{DEC_OCTET}(?:\.{DEC_OCTET}){{3}})");
    let ip = format!(r"(?:{ipv4}|(?:\[[a-f0-9:\.]+\]))");
    let userinfo = format!(r"(?:{UNRESERVED}|{PCT}|{SUB_DELIMS}|:)*");
    let domain = r"(?:(?:[a-z0-9](?:[a-z0-9_\-]*[a-z0-9])?)\.)*(?:(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)\.)(?:[a-z](?:[a-z0-9\-]*[a-z0-9])?)";
    let u = r"[^\x{0000}-\x{007f}]";
    let unicode_domain = format!(
        r"(?:(?:(?:[a-z0-9]|{u})(?:(?:[a-z0-9_\-]|{u})*(?:[a-z0-9]|{u}))?)\.)*(?:(?:(?:[a-z0-9]|{u})(?:(?:[a-z0-9\-]|{u})*(?:[a-z0-9]|{u}))?)\.)(?:(?:[a-z]|{u})(?:(?:[a-z0-9\-]|{u})*(?:[a-z0-9]|{u}))?)"
    );
    let authority =
        |host: &str| format!(r"(?i)(?:({userinfo})@)?((?:{ip}|(?:{host})))(?::([0-9]{{1,5}}))?");
    Some(Patterns {
        unencoded: Regex::new(r"^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$")
            .ok()?,
        scheme: Regex::new(r"(?i)(?:[a-z][a-z0-9+\-.]*)").ok()?,
        path: Regex::new(&format!(r"(?i)(/{pchar}*)*")).ok()?,
        query: Regex::new(&format!(r"(?i)({pchar}|/|\?)*")).ok()?,
        fragment: Regex::new(&format!(r"(?i)({pchar}|/|\?)*")).ok()?,
        authority: Regex::new(&authority(domain)).ok()?,
        unicode_authority: Regex::new(&authority(&unicode_domain)).ok()?,
    })
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(patterns);

/// The characters twitter-text refuses in a post (its `invalidChars`): a post holding one is
/// not valid, however short.
pub const INVALID_CHARACTERS: [char; 3] = ['\u{FFFE}', '\u{FEFF}', '\u{FFFF}'];

/// Whether X refuses a post holding `c`.
pub fn is_invalid_character(c: char) -> bool {
    INVALID_CHARACTERS.contains(&c)
}

/// Where `text` holds a character X refuses: each one's byte offset, in order. (twitter-text
/// looks at the text in NFC, which leaves these three as they are; no URL or emoji X finds can
/// hold one, so every one found here makes the post invalid.)
pub fn invalid_characters(text: &str) -> Vec<(usize, char)> {
    // All three are U+FExx/U+FFxx, three bytes starting 0xEF in UTF-8: look only there.
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == 0xEF) {
        let start = at + offset;
        if let Some(c) = text.get(start..).and_then(|rest| rest.chars().next()) {
            if is_invalid_character(c) {
                found.push((start, c));
            }
        }
        at = start + 1;
    }
    found
}

/// twitter-text's `isValidMatch`: the first match of `regex` in `s` is all of `s`.
fn whole(regex: &Regex, s: &str) -> bool {
    regex
        .find(s)
        .is_some_and(|m| m.start() == 0 && m.end() == s.len())
}

/// Whether `url` is a well-formed URL (twitter-text `isValidUrl`): by default with a scheme,
/// which must be http or https, and with Unicode domains allowed.
pub fn is_valid_url(url: &str, unicode_domains: bool, require_protocol: bool) -> bool {
    let Some(p) = PATTERNS.as_ref() else {
        return false;
    };
    let Some(parts) = p.unencoded.captures(url) else {
        return false;
    };
    let part = |i: usize| parts.get(i).map(|m| m.as_str());
    let scheme_ok = !require_protocol
        || part(1).is_some_and(|s| {
            whole(&p.scheme, s)
                && (s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
        });
    let optional = |re: &Regex, s: Option<&str>| s.is_none_or(|s| s.is_empty() || whole(re, s));
    let path_ok = part(3).is_some_and(|s| whole(&p.path, s));
    if !(scheme_ok && path_ok && optional(&p.query, part(4)) && optional(&p.fragment, part(5))) {
        return false;
    }
    let authority = part(2).unwrap_or_default();
    if unicode_domains {
        whole(&p.unicode_authority, authority)
    } else {
        whole(&p.authority, authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_byte_order_mark_and_the_two_noncharacters_where_they_are() {
        assert_eq!(
            invalid_characters("\u{FEFF}Hei ø\u{FFFE} 🚀\u{FFFF}\u{FFFD}"),
            [(0, '\u{FEFF}'), (9, '\u{FFFE}'), (17, '\u{FFFF}')]
        );
        assert!(invalid_characters("Ingen her: ＃ｆｕｌｌ ｗｉｄｔｈ \u{FFFD}").is_empty());
    }

    #[test]
    fn accepts_ordinary_links_and_rejects_other_schemes() {
        assert!(is_valid_url("https://www.nrk.no/nyheter/", true, true));
        assert!(is_valid_url("http://☃.net/", true, true));
        assert!(!is_valid_url("ftp://example.com/", true, true));
        assert!(!is_valid_url("http://example.com/#anchor ", true, true));
    }
}
