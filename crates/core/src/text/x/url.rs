//! Which parts of a post X turns into links (and so counts as 23 characters).
//!
//! This follows twitter-text 3.1.0's `extractUrlsWithIndices` decision for decision, but
//! without its backtracking regular expression: the label structure of the whole text is
//! computed once, right to left, so every candidate start is settled in constant time and a
//! 100 KB run of `a.a.a.…` takes linear time instead of quadratic.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::chars::{
    case_key, is_ascii_alnum, is_ascii_domain_char, is_domain_char, is_path_char,
    is_path_ending_char, is_query_char, is_query_ending_char, is_url_preceding,
};
use super::{punycode, tables, Found};

const DOT: u16 = b'.' as u16;
const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
const DEFAULT_PROTOCOL_LEN: usize = "https://".len();

/// A small, fast hash for TLD lookups (keys are short and trusted, so no DoS hardening needed).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Every TLD in twitter-text's order of preference (generic before country codes), keyed by
/// JavaScript's case-insensitive form.
struct Tlds {
    rank: HashMap<Vec<u16>, usize, BuildHasherDefault<FxHasher>>,
    longest: usize,
}

static TLDS: LazyLock<Tlds> = LazyLock::new(|| {
    let mut rank = HashMap::default();
    let mut longest = 0;
    for (i, tld) in tables::GENERIC_TLDS
        .iter()
        .chain(tables::COUNTRY_TLDS)
        .enumerate()
    {
        let key: Vec<u16> = tld.encode_utf16().map(case_key).collect();
        longest = longest.max(key.len());
        rank.entry(key).or_insert(i);
    }
    Tlds { rank, longest }
});

/// The length of the TLD X would read at `t` in `u`, if any: the most preferred TLD that
/// starts there and is not followed by an ASCII letter, digit, `@`, `+` or `-`; else a
/// punycode TLD (`xn--…`).
fn tld_at(u: &[u16], t: usize) -> Option<usize> {
    let tlds = &*TLDS;
    let mut key = [0u16; 64];
    let mut best: Option<(usize, usize)> = None;
    let max = tlds.longest.min(key.len()).min(u.len().saturating_sub(t));
    for len in 1..=max {
        let unit = u[t + len - 1];
        if !is_domain_char(unit) {
            break;
        }
        key[len - 1] = case_key(unit);
        let boundary = u
            .get(t + len)
            .is_none_or(|&c| !(is_ascii_alnum(c) || matches!(c, 0x40 | 0x2B | 0x2D)));
        if boundary {
            if let Some(&rank) = tlds.rank.get(&key[..len]) {
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, len));
                }
            }
        }
    }
    if let Some((_, len)) = best {
        return Some(len);
    }
    let rest = &u[t..];
    let is_xn = rest.len() > 4
        && case_key(rest[0]) == u16::from(b'X')
        && case_key(rest[1]) == u16::from(b'N')
        && rest[2] == 0x2D
        && rest[3] == 0x2D;
    if is_xn {
        let run = rest[4..]
            .iter()
            .take_while(|&&c| is_ascii_alnum(c) || c == 0x2D)
            .count();
        if run > 0 {
            return Some(4 + run);
        }
    }
    None
}

/// The label structure of the part of a text that can hold domains, as X reads them.
///
/// Built only over `base..=hi`: from the first window in which a URL may start to the end of the
/// run after the last label dot (see `extract_with`); nothing outside can belong to a domain.
/// Positions are stored as `u32` to keep the tables small (they are rebuilt on every
/// keystroke); `extract_with` does not build them for texts of 4 Gi code units or more.
struct Labels {
    base: usize,
    /// For each position, where the run of domain characters, `-` and `_` starting there ends.
    run_end: Vec<u32>,
    /// For each position, where the run ending just before it starts.
    run_start: Vec<u32>,
    /// For each position, the next `_` at or after it (capped at `hi`).
    next_underscore: Vec<u32>,
    /// For each position right after a `.`: where the longest domain whose labels start there
    /// ends (the regex prefers as many subdomain labels as possible); `NONE` if none.
    domain_end: Vec<u32>,
}

const NONE: u32 = u32::MAX;

fn in_run(c: u16) -> bool {
    is_domain_char(c) || c == 0x2D || c == 0x5F
}

impl Labels {
    /// Where the run of domain characters, `-` and `_` that ends at `end` starts.
    fn run_start(&self, end: usize) -> usize {
        self.run_start[end - self.base] as usize
    }

    fn run_end(&self, i: usize) -> usize {
        self.run_end[i - self.base] as usize
    }

    fn domain_end(&self, i: usize) -> Option<usize> {
        let at = i.checked_sub(self.base)?;
        self.domain_end
            .get(at)
            .copied()
            .filter(|&e| e != NONE)
            .map(|e| e as usize)
    }

    /// The tables for `base..=hi`; `u[hi]` is not part of a run (or `hi` is the end).
    fn new(u: &[u16], base: usize, hi: usize) -> Labels {
        let len = hi - base + 1;
        let at = |i: usize| i as u32;
        let mut run_end = vec![at(hi); len];
        let mut next_underscore = vec![at(hi); len];
        for i in (base..hi).rev() {
            let c = u[i];
            let k = i - base;
            run_end[k] = if in_run(c) { run_end[k + 1] } else { at(i) };
            next_underscore[k] = if c == 0x5F {
                at(i)
            } else {
                next_underscore[k + 1]
            };
        }
        let mut run_start = vec![at(base); len];
        for i in base + 1..=hi {
            let k = i - base;
            run_start[k] = if run_end[k - 1] > at(i - 1) {
                run_start[k - 1]
            } else {
                at(i)
            };
        }
        let mut labels = Labels {
            base,
            run_end,
            run_start,
            next_underscore,
            domain_end: vec![NONE; len],
        };
        for i in (base + 1..=hi).rev() {
            if u[i - 1] == DOT {
                labels.domain_end[i - base] = labels.domain_from(u, i).map_or(NONE, |e| e as u32);
            }
        }
        labels
    }

    /// The end of the domain starting at `i` (`(subdomain.)*name.tld`), preferring the most
    /// subdomain labels, as the backtracking regex does.
    fn domain_from(&self, u: &[u16], i: usize) -> Option<usize> {
        let end = self.run_end(i);
        let followed_by_dot = u.get(end) == Some(&DOT);
        let label_ok = end > i && is_domain_char(u[i]) && is_domain_char(u[end - 1]);
        if !(label_ok && followed_by_dot) {
            return None;
        }
        let deeper = self.domain_end(end + 1);
        deeper.or_else(|| {
            let is_name = self.next_underscore[i - self.base] as usize >= end;
            if is_name {
                tld_at(u, end + 1).map(|len| end + 1 + len)
            } else {
                None
            }
        })
    }
}

/// One match of the URL pattern, before twitter-text's checks.
struct Candidate {
    before: Option<u16>,
    start: usize,
    protocol_len: usize,
    domain_end: usize,
    has_path: bool,
    end: usize,
}

fn protocol_at(u: &[u16], q: usize) -> Option<usize> {
    let rest = u.get(q..)?;
    let lower = |i: usize| rest.get(i).map(|&c| case_key(c));
    let word = [b'H', b'T', b'T', b'P'];
    if !word
        .iter()
        .enumerate()
        .all(|(i, &b)| lower(i) == Some(u16::from(b)))
    {
        return None;
    }
    let mut i = 4;
    if lower(4) == Some(u16::from(b'S')) {
        i = 5;
    }
    (rest.get(i) == Some(&0x3A) && rest.get(i + 1) == Some(&0x2F) && rest.get(i + 2) == Some(&0x2F))
        .then_some(i + 3)
}

/// A balanced parenthesis group in a path, `(…)` or `(…(…)…)`, starting at `i`.
fn balanced_parens(u: &[u16], i: usize) -> Option<usize> {
    let run = |from: usize| from + u[from..].iter().take_while(|&&c| is_path_char(c)).count();
    let j = run(i + 1);
    if j > i + 1 && u.get(j) == Some(&0x29) {
        return Some(j + 1);
    }
    if u.get(j) != Some(&0x28) {
        return None;
    }
    let m = run(j + 1);
    if m == j + 1 || u.get(m) != Some(&0x29) {
        return None;
    }
    let r = run(m + 1);
    (u.get(r) == Some(&0x29)).then_some(r + 1)
}

/// The end of a path whose first character (after `/`) is at `start`: the longest run of path
/// characters and balanced parentheses that ends in a character a path may end with.
fn path_end(u: &[u16], start: usize) -> usize {
    let (mut pos, mut last) = (start, start);
    while pos < u.len() {
        let c = u[pos];
        if is_path_char(c) {
            pos += 1;
            if is_path_ending_char(c) {
                last = pos;
            }
        } else if c == 0x28 {
            match balanced_parens(u, pos) {
                Some(end) => {
                    pos = end;
                    last = end;
                }
                None => break,
            }
        } else {
            break;
        }
    }
    last
}

/// The end of a query whose first character (after `?`) is at `start`, if it has one.
fn query_end(u: &[u16], start: usize) -> Option<usize> {
    let run = u[start..].iter().take_while(|&&c| is_query_char(c)).count();
    (start + 1..=start + run)
        .rev()
        .find(|&e| is_query_ending_char(u[e - 1]))
}

fn body_at(u: &[u16], labels: &Labels, q: usize, before: Option<u16>) -> Option<Candidate> {
    let domain_at = |s: usize| {
        if s > 0 && u[s - 1] == DOT {
            labels.domain_end(s)
        } else {
            labels.domain_from(u, s)
        }
    };
    let (protocol_len, domain_end) = protocol_at(u, q)
        .and_then(|p| domain_at(q + p).map(|d| (p, d)))
        .or_else(|| domain_at(q).map(|d| (0, d)))?;
    let mut end = domain_end;
    if u.get(end) == Some(&0x3A) && u.get(end + 1).is_some_and(u16::is_ascii_digit_unit) {
        end += 1;
        end += u[end..]
            .iter()
            .take_while(|c| c.is_ascii_digit_unit())
            .count();
    }
    let has_path = u.get(end) == Some(&0x2F);
    if has_path {
        end = path_end(u, end + 1);
    }
    if u.get(end) == Some(&0x3F) {
        if let Some(e) = query_end(u, end + 1) {
            end = e;
        }
    }
    Some(Candidate {
        before,
        start: q,
        protocol_len,
        domain_end,
        has_path,
        end,
    })
}

trait DigitUnit {
    fn is_ascii_digit_unit(&self) -> bool;
}

impl DigitUnit for u16 {
    fn is_ascii_digit_unit(&self) -> bool {
        (0x30..=0x39).contains(self)
    }
}

/// The longest scheme (`https://`) plus the preceding character.
const WINDOW_BEFORE_LABEL: usize = 9;

/// The next match of the URL pattern at or after `from`.
///
/// A match's first label runs up to a `.` that is followed by a domain character (the next
/// label or the TLD), and starts at most a scheme and one preceding character before that
/// label. So only windows before such dots can hold a match start; trying them in order gives
/// exactly the leftmost match that trying every position would.
fn next_candidate(u: &[u16], labels: &Labels, dots: &[usize], from: usize) -> Option<Candidate> {
    let try_at = |p: usize| {
        let consumed = (p < u.len() && is_url_preceding(u[p]))
            .then(|| body_at(u, labels, p + 1, Some(u[p])))
            .flatten();
        consumed.or_else(|| (p == 0).then(|| body_at(u, labels, 0, None)).flatten())
    };
    let mut next = from;
    for &dot in dots {
        if dot < next {
            continue;
        }
        let label_start = labels.run_start(dot);
        for p in next.max(label_start.saturating_sub(WINDOW_BEFORE_LABEL))..dot {
            if let Some(c) = try_at(p) {
                return Some(c);
            }
        }
        next = dot;
    }
    None
}

/// twitter-text's `idna.toAscii` check: every label, punycode-encoded, is 1–63 long.
fn domain_labels_fit(domain: &[u16]) -> bool {
    let starts_xn = domain.starts_with(&[0x78, 0x6E, 0x2D, 0x2D]);
    if starts_xn && ascii_domains(domain).is_empty() {
        return false;
    }
    domain
        .split(|&c| c == DOT)
        .all(|label| (1..=63).contains(&punycode::to_ascii_len(label)))
}

/// Domains made of ASCII letters, digits and Latin accents inside `domain` (`validAsciiDomain`),
/// as `(start, end)` pairs.
fn ascii_domains(domain: &[u16]) -> Vec<(usize, usize)> {
    let n = domain.len();
    let mut run_end = vec![n; n + 1];
    for i in (0..n).rev() {
        run_end[i] = if is_ascii_domain_char(domain[i]) {
            run_end[i + 1]
        } else {
            i
        };
    }
    // For a position after a `.`: the end of the deepest `label.(label.)*tld` starting there.
    let mut deepest: Vec<Option<usize>> = vec![None; n + 1];
    let chain = |deepest: &[Option<usize>], i: usize| -> Option<usize> {
        let end = run_end[i];
        if end == i || domain.get(end) != Some(&DOT) {
            return None;
        }
        deepest[end + 1].or_else(|| tld_at(domain, end + 1).map(|len| end + 1 + len))
    };
    for i in (1..=n).rev() {
        if domain[i - 1] == DOT {
            deepest[i] = chain(&deepest, i);
        }
    }
    let mut found = Vec::new();
    let mut s = 0;
    while s < n {
        match chain(&deepest, s) {
            Some(end) => {
                found.push((s, end));
                s = end;
            }
            None => s += 1,
        }
    }
    found
}

/// The t.co rule: a `https://t.co/slug` URL ends after its slug (and query); a slug longer
/// than 40 characters is not a link at all.
fn tco_end(url: &[u16]) -> Option<Result<usize, ()>> {
    let p = protocol_at(url, 0)?;
    let rest = &url[p..];
    let host = [0x74u16, 0x2E, 0x63, 0x6F, 0x2F]; // "t.co/"
    if rest.len() < host.len()
        || !rest
            .iter()
            .zip(host)
            .all(|(&c, h)| case_key(c) == case_key(h))
    {
        return None;
    }
    let slug_start = p + host.len();
    let slug = url[slug_start..]
        .iter()
        .take_while(|&&c| is_ascii_alnum(c))
        .count();
    if slug == 0 {
        return None;
    }
    if slug > MAX_TCO_SLUG_LENGTH {
        return Some(Err(()));
    }
    let mut end = slug_start + slug;
    if url.get(end) == Some(&0x3F) {
        if let Some(e) = query_end(url, end + 1) {
            end = e;
        }
    }
    Some(Ok(end))
}

/// The URLs X links in `u` (UTF-16), with their indices, exactly as twitter-text extracts them.
pub(crate) fn extract(u: &[u16]) -> Vec<Found> {
    extract_with(u, true)
}

/// As [`extract`]; without `bare_domains`, only URLs with a scheme (twitter-text's
/// `extractUrlsWithoutProtocol: false`, which Mastodon uses).
pub(crate) fn extract_with(u: &[u16], bare_domains: bool) -> Vec<Found> {
    let needed = if bare_domains { DOT } else { 0x3A };
    // No network takes a post of 4 Gi code units; its links do not matter (and would not fit `u32`).
    if u.len() >= NONE as usize || !u.contains(&needed) {
        return Vec::new();
    }
    // Dots followed by a domain character: every domain has one after its first label.
    let mut dots: Vec<usize> = Vec::new();
    for i in 1..u.len() {
        if u[i - 1] == DOT && is_domain_char(u[i]) {
            dots.push(i - 1);
        }
    }
    if dots.is_empty() {
        return Vec::new();
    }
    // Only the span from the first window to the end of the run after the last dot can hold a
    // domain: build the label tables over that span alone.
    let first = dots[0];
    let last = dots[dots.len() - 1];
    let mut run_begin = first;
    while run_begin > 0 && in_run(u[run_begin - 1]) {
        run_begin -= 1;
    }
    let base = run_begin.saturating_sub(WINDOW_BEFORE_LABEL);
    let mut hi = last + 1;
    while hi < u.len() && in_run(u[hi]) {
        hi += 1;
    }
    let labels = Labels::new(u, base, hi);
    let mut urls = Vec::new();
    let mut from = 0;
    while let Some(c) = next_candidate(u, &labels, &dots, from) {
        from = c.end;
        let url = &u[c.start..c.end];
        let domain_start = c.start + c.protocol_len;
        let domain = &u[domain_start..c.domain_end];
        let protocol_len = if c.protocol_len > 0 {
            c.protocol_len
        } else {
            DEFAULT_PROTOCOL_LEN
        };
        if !domain_labels_fit(domain) || protocol_len + url.len() > MAX_URL_LENGTH {
            continue;
        }
        if c.protocol_len == 0 {
            if c.before
                .is_some_and(|b| matches!(b, 0x2D | 0x5F | 0x2E | 0x2F))
            {
                continue;
            }
            let mut search_from = 0;
            let mut last: Option<Found> = None;
            for (s, e) in ascii_domains(domain) {
                let text = &domain[s..e];
                // twitter-text locates each piece with `indexOf` from the previous end.
                let at = find(domain, text, search_from).unwrap_or(s);
                search_from = at + text.len();
                if let Some(done) = last.take() {
                    urls.push(done);
                }
                last = Some(Found::new(
                    domain_start + at,
                    domain_start + search_from,
                    text.to_vec(),
                ));
            }
            let Some(mut last) = last else { continue };
            if c.has_path {
                let mut text = last.text.clone();
                text.extend_from_slice(&url[domain.len()..]);
                last.text = text;
                last.end = c.end;
            }
            urls.push(last);
        } else {
            match tco_end(url) {
                Some(Err(())) => continue,
                Some(Ok(len)) => urls.push(Found::new(c.start, c.start + len, url[..len].to_vec())),
                None => urls.push(Found::new(c.start, c.end, url.to_vec())),
            }
        }
    }
    urls
}

fn find(haystack: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<String> {
        let u: Vec<u16> = text.encode_utf16().collect();
        extract(&u)
            .into_iter()
            .map(|e| String::from_utf16_lossy(&e.text))
            .collect()
    }

    #[test]
    fn embedded_tlds_are_exactly_those_of_tlds_yml_in_order() {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            std::path::PathBuf::from,
        );
        let path = manifest.join("../../../shared/conformance/twitter-text/conformance/tlds.yml");
        let yml =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (country, generic) = yml.split_once("\n  generic:").expect("a generic section");
        let names = |section: &str| -> Vec<String> {
            section
                .lines()
                .filter_map(|l| l.trim().strip_prefix("- description: "))
                .filter_map(|d| {
                    d.strip_suffix(" is a valid country tld")
                        .or_else(|| d.strip_suffix(" is a valid generic tld"))
                })
                .map(str::to_string)
                .collect()
        };
        assert_eq!(names(country), tables::COUNTRY_TLDS);
        assert_eq!(names(generic), tables::GENERIC_TLDS);
    }

    #[test]
    fn bare_domain_with_known_tld_is_a_link() {
        assert_eq!(urls("se example.com nå"), ["example.com"]);
        assert_eq!(urls("www.nrk.no/nyheter"), ["www.nrk.no/nyheter"]);
    }

    #[test]
    fn unknown_tld_is_not_a_link() {
        assert!(urls("filen heter rapport.docx").is_empty());
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_the_link() {
        assert_eq!(
            urls("Les https://podium.no/om. Takk!"),
            ["https://podium.no/om"]
        );
        assert_eq!(
            urls("(se https://en.wikipedia.org/wiki/Oslo_(by))"),
            ["https://en.wikipedia.org/wiki/Oslo_(by)"]
        );
    }

    #[test]
    fn email_addresses_are_not_links() {
        assert!(urls("skriv til ola@example.com").is_empty());
    }

    #[test]
    fn domain_after_non_ascii_letters_still_links() {
        assert_eq!(urls("café1@x"), Vec::<String>::new());
        assert_eq!(urls("ñu@example.com"), Vec::<String>::new());
    }
}
