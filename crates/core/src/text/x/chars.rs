//! Character classes of twitter-text's patterns, over UTF-16 code units.
//!
//! X's reference implementation is JavaScript, whose patterns look at UTF-16 code units; the
//! engine works on code units too so that every boundary falls exactly where X's does.

pub(crate) use crate::text::ranges::in_table;

use super::tables;

/// The code point starting at `i` and how many units it takes (a lone surrogate is itself).
pub(crate) fn code_point_at(u: &[u16], i: usize) -> (u32, usize) {
    let first = u32::from(u[i]);
    if (0xD800..=0xDBFF).contains(&first) {
        if let Some(&next) = u.get(i + 1) {
            let next = u32::from(next);
            if (0xDC00..=0xDFFF).contains(&next) {
                return (0x10000 + ((first - 0xD800) << 10) + (next - 0xDC00), 2);
            }
        }
    }
    (first, 1)
}

/// The ASCII members of a range table as a bit mask, computed at compile time, so the common
/// (ASCII) case of every class test is one shift.
const fn ascii_mask(table: &[(u32, u32)]) -> u128 {
    let mut mask = 0u128;
    let mut i = 0;
    while i < table.len() {
        let (lo, hi) = table[i];
        let mut c = lo;
        while c <= hi && c < 128 {
            mask |= 1 << c;
            c += 1;
        }
        i += 1;
    }
    mask
}

const fn bytes_mask(bytes: &[u8]) -> u128 {
    let mut mask = 0u128;
    let mut i = 0;
    while i < bytes.len() {
        mask |= 1 << bytes[i];
        i += 1;
    }
    mask
}

const PUNCT: u128 = bytes_mask(b"!'#%&()*+,\\-./:;<=>?@[]^_{|}~$");
const ASCII_SPACE: u128 = bytes_mask(b"\t\n\x0b\x0c\r ");
const PATH: u128 = ascii_mask(tables::URL_PATH_CHARS);
const PATH_END: u128 = ascii_mask(tables::URL_PATH_ENDING_CHARS);
const QUERY: u128 = ascii_mask(tables::URL_QUERY_CHARS);
const QUERY_END: u128 = ascii_mask(tables::URL_QUERY_ENDING_CHARS);
const ASCII_DOMAIN: u128 = ascii_mask(tables::ASCII_DOMAIN_CHARS);
const HASHTAG_LETTER: u128 = ascii_mask(tables::HASHTAG_LETTERS);
const HASHTAG_WORD: u128 = ascii_mask(tables::HASHTAG_LETTERS_OR_DIGITS);

fn in_mask(mask: u128, u: u16) -> bool {
    u < 128 && (mask >> u) & 1 == 1
}

/// Membership in a class given as a table, with the ASCII part as a mask.
fn in_class(mask: u128, table: &[(u32, u32)], cp: u32) -> bool {
    if cp < 128 {
        (mask >> cp) & 1 == 1
    } else {
        in_table(table, cp)
    }
}

pub(crate) fn is_ascii_alnum(u: u16) -> bool {
    u < 0x80 && (u as u8).is_ascii_alphanumeric()
}

/// twitter-text's `latinAccentChars` (a mention may not be followed by one).
pub(crate) fn is_latin_accent(c: u16) -> bool {
    matches!(c, 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x253 | 0x254 | 0x256 | 0x257 | 0x259
        | 0x25B | 0x263 | 0x268 | 0x26F | 0x272 | 0x289 | 0x28B | 0x2BB | 0x300..=0x36F
        | 0x1E00..=0x1EFF)
}

pub(crate) fn is_ascii_alpha(u: u16) -> bool {
    u < 0x80 && (u as u8).is_ascii_alphabetic()
}

/// twitter-text's `spaces`.
pub(crate) fn is_space(u: u16) -> bool {
    matches!(u, 0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x180E | 0x2000..=0x200A
        | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000)
}

/// JavaScript's `\s`.
pub(crate) fn is_js_whitespace(u: u16) -> bool {
    matches!(u, 0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029
        | 0x202F | 0x205F | 0x3000 | 0xFEFF)
}

/// Characters X rejects in a post.
pub(crate) fn is_invalid(u: u16) -> bool {
    matches!(u, 0xFFFE | 0xFEFF | 0xFFFF)
}

fn is_directional_marker(u: u16) -> bool {
    matches!(u, 0x202A..=0x202E | 0x061C | 0x200E | 0x200F | 0x2066..=0x2069)
}

/// twitter-text's `punct` (ASCII punctuation, without `"` and `` ` ``).
pub(crate) fn is_punct(u: u16) -> bool {
    in_mask(PUNCT, u)
}

/// A character that may appear in a domain label (anything but ASCII punctuation, spaces,
/// invalid characters and directional markers — so non-ASCII letters, digits and symbols too).
pub(crate) fn is_domain_char(u: u16) -> bool {
    if u < 0x80 {
        return !in_mask(PUNCT | ASCII_SPACE, u);
    }
    !(is_space(u) || is_invalid(u) || is_directional_marker(u))
}

/// May this character stand right before a URL?
pub(crate) fn is_url_preceding(u: u16) -> bool {
    !(is_ascii_alnum(u) || matches!(u, 0x40 | 0xFF20 | 0x24 | 0x23 | 0xFF03) || is_invalid(u))
}

pub(crate) fn is_path_char(u: u16) -> bool {
    in_class(PATH, tables::URL_PATH_CHARS, u32::from(u))
}

pub(crate) fn is_path_ending_char(u: u16) -> bool {
    in_class(PATH_END, tables::URL_PATH_ENDING_CHARS, u32::from(u))
}

pub(crate) fn is_query_char(u: u16) -> bool {
    in_class(QUERY, tables::URL_QUERY_CHARS, u32::from(u))
}

pub(crate) fn is_query_ending_char(u: u16) -> bool {
    in_class(QUERY_END, tables::URL_QUERY_ENDING_CHARS, u32::from(u))
}

pub(crate) fn is_ascii_domain_char(u: u16) -> bool {
    in_class(ASCII_DOMAIN, tables::ASCII_DOMAIN_CHARS, u32::from(u))
}

pub(crate) fn is_hashtag_letter(cp: u32) -> bool {
    in_class(HASHTAG_LETTER, tables::HASHTAG_LETTERS, cp)
}

pub(crate) fn is_hashtag_letter_or_digit(cp: u32) -> bool {
    in_class(HASHTAG_WORD, tables::HASHTAG_LETTERS_OR_DIGITS, cp)
}

/// JavaScript's case-insensitive comparison key for a code unit (non-Unicode mode): the
/// upper case when it is a single BMP character, never mapping a non-ASCII unit to ASCII.
pub(crate) fn case_key(u: u16) -> u16 {
    if u < 0x80 {
        return u16::from((u as u8).to_ascii_uppercase());
    }
    let Some(c) = char::from_u32(u32::from(u)) else {
        return u; // a surrogate
    };
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(one), None) if (one as u32) >= 0x80 && (one as u32) <= 0xFFFF => one as u32 as u16,
        _ => u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_disjoint() {
        for table in [
            tables::HASHTAG_LETTERS,
            tables::HASHTAG_LETTERS_OR_DIGITS,
            tables::URL_PATH_CHARS,
            tables::URL_PATH_ENDING_CHARS,
            tables::URL_QUERY_CHARS,
            tables::URL_QUERY_ENDING_CHARS,
            tables::ASCII_DOMAIN_CHARS,
            tables::TEXT_PRESENTATION_NOT_EMOJI,
        ] {
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0), "unsorted table");
        }
    }

    #[test]
    fn norwegian_letters_are_hashtag_letters() {
        for c in ['æ', 'ø', 'å', 'Æ', 'Ø', 'Å', 'a', 'Z'] {
            assert!(is_hashtag_letter(c as u32), "{c}");
        }
        assert!(!is_hashtag_letter('1' as u32));
        assert!(is_hashtag_letter_or_digit('1' as u32));
        assert!(is_hashtag_letter_or_digit('_' as u32));
    }

    #[test]
    fn case_key_follows_javascript() {
        assert_eq!(case_key(u16::from(b'a')), u16::from(b'A'));
        assert_eq!(case_key(0x0440), 0x0420); // р → Р
        assert_eq!(case_key(0x017F), 0x017F); // ſ does not become ASCII S
    }
}
