//! Checks a leader can act on: one report per network with the length as that network counts
//! it, what it will link, and warnings with a stable code, a message in English or Norwegian
//! bokmål, the exact range they concern (UTF-16, for the editor) and, where there is one, a fix
//! that can be applied with one click.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc, UnicodeNormalization};

use super::wordlist::{self, WordList};
use super::{bluesky, linkedin, mastodon, threads, x, Offsets, Span};

pub use crate::network::{Network, UnknownNetwork};

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nb,
}

impl Lang {
    /// The language of a two-letter code (a draft's `lang`, the window's): `nb` is bokmål,
    /// anything else English (the messages exist in these two).
    pub fn from_code(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("nb") {
            Lang::Nb
        } else {
            Lang::En
        }
    }
}

/// What the checks need to know beyond the text.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The limit to check against: a Mastodon instance's `max_characters`, or an override.
    pub limit: Option<usize>,
    /// Mastodon's content warning (it counts too).
    pub content_warning: String,
    /// Above how many hashtags to warn (default: 3 on X and LinkedIn, no limit elsewhere).
    pub max_hashtags: Option<usize>,
    pub lang: Lang,
    /// The system's word lists (see [`wordlist`]), beside Podium's own small one: a hashtag
    /// that is one word in them needs no capitals, and one made of their words gets a
    /// #CamelCase fix.
    pub words: Option<Arc<WordList>>,
}

/// How serious a warning is: `error` means the network will refuse or mangle the post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// A UTF-16 range of the text (what the editor's text area indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub start: usize,
    pub end: usize,
}

/// A one-click fix: the whole text as it would be after the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub label: String,
    pub text: String,
}

/// Something a leader can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable across versions: tools and translations key on it.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// What the editor highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HighlightKind {
    Hashtag,
    Link,
    Mention,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Highlight {
    pub kind: HighlightKind,
    pub start: usize,
    pub end: usize,
}

/// A post checked for one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub network: Network,
    /// The length as the network counts it (X: weighted).
    pub length: usize,
    pub limit: usize,
    pub valid: bool,
    /// Hashtags the network will link, without `#`, as written, in order.
    pub hashtags: Vec<String>,
    /// Links as written in the text, in order.
    pub urls: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The part that does not fit (UTF-16), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over: Option<Range>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub highlights: Vec<Highlight>,
    /// X: the last UTF-16 index that fits (inclusive), as twitter-text reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_range_end: Option<i64>,
    /// Bluesky: grapheme clusters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graphemes: Option<usize>,
    /// Bluesky: UTF-8 bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    /// Bluesky: the facets to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Vec<bluesky::Facet>>,
    /// LinkedIn: the escaped commentary the publisher sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commentary: Option<String>,
}

impl Report {
    /// Whether the post can go out as it is: the network's verdict is valid and no warning is
    /// an error. (They differ for a post of only whitespace on X: valid to twitter-text, yet
    /// empty.)
    pub fn postable(&self) -> bool {
        self.valid && !self.warnings.iter().any(|w| w.severity == Severity::Error)
    }
}

fn t(lang: Lang, en: String, nb: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Nb => nb,
    }
}

/// Checks `text` for `network`.
pub fn check(text: &str, network: Network, options: &Options) -> Report {
    let lang = options.lang;
    // Ranges go to the editor in UTF-16 indices, converted through one table per check.
    let offsets = Offsets::new(text);
    let u16_range = |start: usize, end: usize| offsets.range(start, end);
    let text_end16 = offsets.len16();
    let mut report = Report {
        network,
        length: 0,
        limit: 0,
        valid: false,
        hashtags: Vec::new(),
        urls: Vec::new(),
        warnings: Vec::new(),
        over: None,
        highlights: Vec::new(),
        valid_range_end: None,
        graphemes: None,
        bytes: None,
        facets: None,
        commentary: None,
    };
    // Each network: its length, limit, where it stops fitting, and what it links (byte spans).
    let (tags, links, mentions): (Vec<Span>, Vec<Span>, Vec<Span>);
    match network {
        Network::X => {
            let limit = options.limit.unwrap_or(x::MAX_WEIGHTED_LENGTH);
            let config = x::Config {
                max_weighted_length: limit,
                ..x::CONFIG_V3
            };
            let a = x::analyze(text, &config);
            let p = a.parsed;
            report.length = p.weighted_length;
            report.limit = limit;
            // twitter-text's verdict: over the limit, nothing at all, or holding a character X
            // refuses (the `invalid_character` warning says which) are not valid.
            report.valid = p.valid;
            report.valid_range_end = Some(p.valid_range_end);
            if p.weighted_length > limit {
                let start = usize::try_from(fits_to(text, &config, p.valid_range_end) + 1)
                    .unwrap_or(0)
                    .min(text_end16);
                report.over = Some(Range {
                    start: link_overhang(
                        text,
                        &offsets,
                        &a.urls,
                        start,
                        &config,
                        p.weighted_length - limit,
                    ),
                    end: text_end16,
                });
            }
            let to_span = |e: x::Entity| offsets.span(e);
            tags = a.hashtags.into_iter().map(to_span).collect();
            links = a.urls.into_iter().map(to_span).collect();
            mentions = a.mentions.into_iter().map(to_span).collect();
        }
        Network::Bluesky => {
            let m = bluesky::measure(text);
            let facets = bluesky::detect_facets(text);
            report.length = m.graphemes;
            report.limit = options.limit.unwrap_or(bluesky::MAX_GRAPHEMES);
            report.valid = m.graphemes <= report.limit && m.bytes <= bluesky::MAX_BYTES;
            report.graphemes = Some(m.graphemes);
            report.bytes = Some(m.bytes);
            if let Some(g) = bluesky::first_over(text, report.limit) {
                report.over = Some(u16_range(g, text.len()));
            }
            let of = |kind: bluesky::FacetKind| -> Vec<Span> {
                facets
                    .iter()
                    .filter(|f| f.kind == kind)
                    .map(|f| {
                        Span::new(
                            f.byte_start,
                            f.byte_end,
                            text[f.byte_start..f.byte_end].to_string(),
                        )
                    })
                    .collect()
            };
            tags = facets
                .iter()
                .filter(|f| f.kind == bluesky::FacetKind::Tag)
                .map(|f| Span::new(f.byte_start, f.byte_end, f.value.clone()))
                .collect();
            links = of(bluesky::FacetKind::Link);
            mentions = of(bluesky::FacetKind::Mention);
            report.facets = Some(facets);
        }
        Network::Mastodon => {
            let limit = options.limit.unwrap_or(mastodon::DEFAULT_LIMIT);
            let m = mastodon::measure(text, &options.content_warning, limit);
            report.length = m.length;
            report.limit = limit;
            report.valid = m.valid;
            report.over = m.over_from.map(|b| u16_range(b, text.len()));
            tags = mastodon::hashtags(text);
            links = mastodon::urls(text);
            mentions = mastodon::mentions(text);
        }
        Network::Linkedin => {
            let c = linkedin::commentary(text);
            report.limit = options.limit.unwrap_or(linkedin::LIMIT);
            report.length = c.length;
            report.valid = c.length <= report.limit;
            report.over = c.over_from.map(|b| u16_range(b, text.len()));
            report.commentary = Some(c.text);
            tags = linkedin::hashtags(text);
            links = x_links(text);
            mentions = Vec::new();
        }
        Network::Threads => {
            let m = threads::measure(text);
            report.limit = options.limit.unwrap_or(threads::LIMIT);
            report.length = m.length;
            report.valid = m.length <= report.limit;
            report.over = m.over_from.map(|b| u16_range(b, text.len()));
            tags = threads::hashtags(text);
            links = x_links(text);
            mentions = Vec::new();
        }
    }
    let empty = text.trim().is_empty();
    // twitter-text calls a text of only whitespace valid, and X's verdict follows it; the
    // `empty` warning (an error) still tells the user. The other networks refuse such a post
    // (Mastodon: "can't be blank"), and Podium's verdict for them says so.
    if empty && network != Network::X {
        report.valid = false;
    }
    report.hashtags = tags.iter().map(|s| s.text.clone()).collect();
    report.urls = links
        .iter()
        .map(|s| text[s.start..s.end].to_string())
        .collect();
    for (kind, spans) in [
        (HighlightKind::Hashtag, &tags),
        (HighlightKind::Link, &links),
        (HighlightKind::Mention, &mentions),
    ] {
        report.highlights.extend(spans.iter().map(|s| {
            let r = u16_range(s.start, s.end);
            Highlight {
                kind,
                start: r.start,
                end: r.end,
            }
        }));
    }
    report.highlights.sort_by_key(|h| h.start);

    let name = network.name();
    let w = &mut report.warnings;
    if empty {
        w.push(Warning {
            code: "empty",
            severity: Severity::Error,
            message: t(
                lang,
                "The post is empty.".into(),
                "Innlegget er tomt.".into(),
            ),
            range: None,
            fix: None,
        });
    }
    if let Some(over) = report.over {
        let by = report.length.saturating_sub(report.limit);
        w.push(Warning {
            code: "over_limit",
            severity: Severity::Error,
            message: t(
                lang,
                format!(
                    "{by} over {name}'s limit of {}: the highlighted part does not fit.",
                    report.limit
                ),
                format!(
                    "{by} over grensen på {} for {name}: den markerte delen får ikke plass.",
                    report.limit
                ),
            ),
            range: Some(over),
            fix: None,
        });
    } else if !report.valid && !empty && network == Network::Bluesky {
        w.push(Warning {
            code: "over_limit",
            severity: Severity::Error,
            message: t(
                lang,
                format!("Over Bluesky's limit of {} bytes.", bluesky::MAX_BYTES),
                format!("Over Blueskys grense på {} byte.", bluesky::MAX_BYTES),
            ),
            range: None,
            fix: None,
        });
    }
    hashtag_warnings(text, &offsets, network, options, &tags, &links, w);
    url_warnings(
        text,
        &offsets,
        network,
        report.limit,
        &links,
        lang,
        &mut report.warnings,
    );
    if network == Network::X {
        invalid_character_warnings(text, &offsets, lang, &mut report.warnings);
    }
    edge_warnings(text, lang, &mut report.warnings);
    report
}

/// The last UTF-16 index of `text` that fits X's limit: twitter-text's `validRangeEnd`, except
/// that a character X refuses does not end the range there (twitter-text stops counting what
/// fits at the first one; the editor's "does not fit" highlight should still start at the
/// limit). Each refused character is weighed as a stand-in of the same weight and size that,
/// like it, no URL may follow or hold: U+FF20, the fullwidth `＠`.
/// Where the underline of a post over X's limit starts when the first part that does not fit
/// is a link. X counts a link as 23 whatever its length, so twitter-text puts the whole link
/// past the limit; but a post 13 over should show 13 characters over, not a 60-character link
/// underlined (which reads as "remove the link"). The underline then covers as many of the
/// link's last characters as its weight is over (all of it when the whole link is over).
fn link_overhang(
    text: &str,
    offsets: &Offsets,
    urls: &[x::Entity],
    start: usize,
    config: &x::Config,
    over: usize,
) -> usize {
    let Some(link) = urls.iter().find(|u| u.start == start) else {
        return start;
    };
    let after = &text[offsets.byte(link.end).min(text.len())..];
    let weight_after = x::parse_tweet(after, config).weighted_length;
    let link_over = over.saturating_sub(weight_after);
    let link_len = link.end - link.start;
    if link_over > 0 && link_over < link_len {
        link.end - link_over
    } else {
        start
    }
}

fn fits_to(text: &str, config: &x::Config, valid_range_end: i64) -> i64 {
    if x::invalid_characters(text).is_empty() {
        return valid_range_end;
    }
    let stand_in: String = text
        .chars()
        .map(|c| if x::is_invalid_character(c) { '＠' } else { c })
        .collect();
    x::parse_tweet(&stand_in, config).valid_range_end
}

/// One note per character X refuses (U+FEFF, U+FFFE, U+FFFF) found in `text`: where it first
/// is, how often, and a fix that removes every one of them. (One per character, not per
/// occurrence: a text with thousands would otherwise carry thousands of copies of itself.)
fn invalid_character_warnings(text: &str, offsets: &Offsets, lang: Lang, w: &mut Vec<Warning>) {
    let found = x::invalid_characters(text);
    // In reading order: by where each first appears.
    let mut firsts: Vec<(usize, char)> = x::INVALID_CHARACTERS
        .iter()
        .filter_map(|&c| found.iter().find(|&&(_, f)| f == c).copied())
        .collect();
    firsts.sort_unstable();
    for (first, c) in firsts {
        let times = found.iter().filter(|&&(_, f)| f == c).count();
        let position = text[..first].chars().count() + 1;
        let code = format!("U+{:04X}", u32::from(c));
        let (what_en, what_nb) = if c == '\u{FEFF}' {
            (
                "the byte-order mark, an invisible character text copied from a file often starts with",
                "byte-rekkefølgemerket, et usynlig tegn som tekst kopiert fra en fil ofte starter med",
            )
        } else {
            ("an invisible noncharacter", "et usynlig ikke-tegn")
        };
        let (where_en, where_nb) = match times {
            1 => (
                format!("at position {position}"),
                format!("på plass {position}"),
            ),
            n => (
                format!("{n} times, first at position {position}"),
                format!("{n} ganger, først på plass {position}"),
            ),
        };
        let (label_en, label_nb) = match times {
            1 => ("Remove it".to_owned(), "Fjern det".to_owned()),
            2 => ("Remove both".to_owned(), "Fjern begge".to_owned()),
            n => (format!("Remove all {n}"), format!("Fjern alle {n}")),
        };
        w.push(Warning {
            code: "invalid_character",
            severity: Severity::Error,
            message: t(
                lang,
                format!("X refuses a post holding {code} ({what_en}): it appears {where_en}."),
                format!("X avviser innlegg med {code} ({what_nb}): det står {where_nb}."),
            ),
            range: Some(offsets.range(first, first + c.len_utf8())),
            fix: Some(Fix {
                label: t(lang, label_en, label_nb),
                text: text.replace(c, ""),
            }),
        });
    }
}

/// The URLs X would link, as byte spans (LinkedIn and Threads link the same).
fn x_links(text: &str) -> Vec<Span> {
    super::spans_from_x(text, x::extract_urls(text))
}

/// `#` followed by letters, digits or `_`, not inside a word: what a person means as a hashtag.
fn hashtag_candidates(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    for (i, c) in text.char_indices() {
        if !matches!(c, '#' | '＃') {
            continue;
        }
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '&' || p == '/')
        {
            continue;
        }
        let body_start = i + c.len_utf8();
        let len: usize = text[body_start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len > 0 {
            found.push(Span::new(
                i,
                body_start + len,
                text[body_start..body_start + len].to_string(),
            ));
        }
    }
    found
}

fn hashtag_warnings(
    text: &str,
    offsets: &Offsets,
    network: Network,
    options: &Options,
    tags: &[Span],
    links: &[Span],
    w: &mut Vec<Warning>,
) {
    let lang = options.lang;
    let name = network.name();
    let range = |s: &Span| offsets.range(s.start, s.end);
    // Hashtags a person wrote that the network will not link.
    for c in hashtag_candidates(text) {
        let linked = tags.iter().any(|t| t.start == c.start);
        let in_link = links.iter().any(|l| l.start <= c.start && c.start < l.end);
        if linked || in_link {
            continue;
        }
        let why_en = if c.text.chars().all(|ch| ch.is_numeric()) {
            "a hashtag needs at least one letter"
        } else {
            "the network does not read it as a hashtag here"
        };
        let why_nb = if c.text.chars().all(|ch| ch.is_numeric()) {
            "en emneknagg må ha minst én bokstav"
        } else {
            "nettverket leser den ikke som en emneknagg her"
        };
        w.push(Warning {
            code: "hashtag_not_linked",
            severity: Severity::Warning,
            message: t(
                lang,
                format!("#{} will not be a link on {name}: {why_en}.", c.text),
                format!("#{} blir ikke en lenke på {name}: {why_nb}.", c.text),
            ),
            range: Some(range(&c)),
            fix: None,
        });
    }
    // The same hashtag twice (case-insensitive): one note per tag, whose fix drops every
    // repeat and keeps the first. (One per tag, not per repeat: a long text with a tag forty
    // times would otherwise carry forty copies of itself in its fixes.)
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut repeats: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let key = tag.text.to_lowercase();
        match first_of.get(&key) {
            Some(&first) => match repeats.iter_mut().find(|(f, _)| *f == first) {
                Some((_, list)) => list.push(i),
                None => repeats.push((first, vec![i])),
            },
            None => {
                first_of.insert(key, i);
            }
        }
    }
    for (first, list) in repeats {
        let mut fixed = String::with_capacity(text.len());
        let mut at = 0;
        for &i in &list {
            fixed.push_str(text[at..tags[i].start].trim_end_matches(' '));
            at = tags[i].end;
        }
        fixed.push_str(&text[at..]);
        let tag = &tags[list[0]];
        w.push(Warning {
            code: "hashtag_duplicate",
            severity: Severity::Warning,
            message: t(
                lang,
                format!(
                    "#{} appears more than once (first as #{}).",
                    tag.text, tags[first].text
                ),
                format!(
                    "#{} står mer enn én gang (først som #{}).",
                    tag.text, tags[first].text
                ),
            ),
            range: Some(range(tag)),
            fix: Some(Fix {
                label: t(
                    lang,
                    if list.len() == 1 {
                        "Remove the repeat".into()
                    } else {
                        format!("Remove the {} repeats", list.len())
                    },
                    if list.len() == 1 {
                        "Fjern gjentakelsen".into()
                    } else {
                        format!("Fjern de {} gjentakelsene", list.len())
                    },
                ),
                text: fixed,
            }),
        });
    }
    let max = options.max_hashtags.or(network.default_max_hashtags());
    if let Some(max) = max {
        if tags.len() > max {
            w.push(Warning {
                code: "too_many_hashtags",
                severity: Severity::Warning,
                message: t(
                    lang,
                    format!(
                        "{} hashtags: more than {max} reads as spam on {name}.",
                        tags.len()
                    ),
                    format!(
                        "{} emneknagger: flere enn {max} virker som spam på {name}.",
                        tags.len()
                    ),
                ),
                range: None,
                fix: None,
            });
        }
    }
    if network == Network::Threads && tags.len() > 1 {
        w.push(Warning {
            code: "threads_one_topic",
            severity: Severity::Warning,
            message: t(
                lang,
                format!("Threads makes only the first hashtag (#{}) a topic; the others stay plain text.", tags[0].text),
                format!("Threads gjør bare den første emneknaggen (#{}) til et emne; de andre blir vanlig tekst.", tags[0].text),
            ),
            range: tags.get(1).map(range),
            fix: None,
        });
    }
    // Hard-to-read tags: one note per spelling, whose fix changes every occurrence of it. A tag
    // that is one word (`#arbeidsliv`) reads as it is.
    let words = options.words.as_deref();
    let mut noted: Vec<&str> = Vec::new();
    for tag in tags {
        let letters = tag.text.chars().count();
        let all_lower = tag.text.chars().all(|c| c.is_lowercase());
        if letters < 10
            || !all_lower
            || noted.contains(&tag.text.as_str())
            || wordlist::known(&tag.text, words)
        {
            continue;
        }
        noted.push(&tag.text);
        let split = wordlist::camel_case_in(&tag.text, words);
        let fix = split.as_ref().map(|camel| {
            let mut fixed = String::with_capacity(text.len());
            let mut at = 0;
            for same in tags.iter().filter(|t| t.text == tag.text) {
                let body = same.end - same.text.len();
                fixed.push_str(&text[at..body]);
                fixed.push_str(camel);
                at = same.end;
            }
            fixed.push_str(&text[at..]);
            Fix {
                label: t(
                    lang,
                    format!("Change to #{camel}"),
                    format!("Endre til #{camel}"),
                ),
                text: fixed,
            }
        });
        let message = match &split {
            Some(camel) => t(
                lang,
                format!(
                    "#{} is easier to read as #{camel} (and screen readers say it right).",
                    tag.text
                ),
                format!(
                    "#{} er lettere å lese som #{camel} (og skjermlesere uttaler den riktig).",
                    tag.text
                ),
            ),
            None => t(
                lang,
                format!(
                    "#{} is hard to read: capitalise each word (CamelCase).",
                    tag.text
                ),
                format!(
                    "#{} er vanskelig å lese: bruk stor forbokstav i hvert ord (CamelCase).",
                    tag.text
                ),
            ),
        };
        w.push(Warning {
            code: "hashtag_camel_case",
            severity: Severity::Info,
            message,
            range: Some(range(tag)),
            fix,
        });
    }
}

/// Splits an all-lowercase tag into words of Podium's own list (fewest words, at least two) and
/// capitalises each: `sosialemedier` → `SosialeMedier`. With the system's lists:
/// [`wordlist::camel_case_in`].
pub fn camel_case(tag: &str) -> Option<String> {
    wordlist::camel_case_in(tag, None)
}

fn url_warnings(
    text: &str,
    offsets: &Offsets,
    network: Network,
    limit: usize,
    links: &[Span],
    lang: Lang,
    w: &mut Vec<Warning>,
) {
    let name = network.name();
    for link in links {
        // What the link costs on this network: X and Mastodon count 23, the others its length.
        let cost = match network {
            Network::X | Network::Mastodon => 23,
            _ => text[link.start..link.end].chars().count(),
        };
        if limit > 0 && cost * 5 >= limit {
            w.push(Warning {
                code: "url_large_share",
                severity: Severity::Warning,
                message: t(
                    lang,
                    format!("This link takes {cost} of {limit} characters on {name}; a shorter link leaves room for your words."),
                    format!("Denne lenken tar {cost} av {limit} tegn på {name}; en kortere lenke gir plass til ordene dine."),
                ),
                range: Some(offsets.range(link.start, link.end)),
                fix: None,
            });
        }
    }
}

fn edge_warnings(text: &str, lang: Lang, w: &mut Vec<Warning>) {
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.len() != text.len() {
        w.push(Warning {
            code: "whitespace_edges",
            severity: Severity::Warning,
            message: t(
                lang,
                "Space or line breaks at the start or end: networks trim or show them oddly.".into(),
                "Mellomrom eller linjeskift i starten eller slutten: nettverkene fjerner dem eller viser dem rart.".into(),
            ),
            range: None,
            fix: Some(Fix { label: t(lang, "Trim".into(), "Fjern".into()), text: trimmed.to_string() }),
        });
    }
    if !is_nfc(text) {
        w.push(Warning {
            code: "not_nfc",
            severity: Severity::Info,
            message: t(
                lang,
                "Some letters are stored in decomposed form (like a + ring for å): normalise so every network counts and searches them alike.".into(),
                "Noen bokstaver er lagret oppdelt (som a + ring for å): normaliser så alle nettverk teller og søker likt.".into(),
            ),
            range: None,
            fix: Some(Fix { label: t(lang, "Normalise".into(), "Normaliser".into()), text: text.nfc().collect() }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str, network: Network) -> Vec<&'static str> {
        check(text, network, &Options::default())
            .warnings
            .iter()
            .map(|w| w.code)
            .collect()
    }

    fn warning<'r>(report: &'r Report, code: &str) -> &'r Warning {
        report
            .warnings
            .iter()
            .find(|w| w.code == code)
            .unwrap_or_else(|| panic!("no {code} warning in {:?}", report.warnings))
    }

    #[test]
    fn numeric_hashtag_is_flagged_on_every_network() {
        for network in Network::ALL {
            assert!(
                codes("Året var #2014", network).contains(&"hashtag_not_linked"),
                "{network:?}"
            );
        }
    }

    #[test]
    fn a_tag_repeated_many_times_gets_one_note_whose_fix_keeps_the_first() {
        let r = check(
            "#ledelse a #Ledelse b #LEDELSE c #kultur #kultur",
            Network::X,
            &Options::default(),
        );
        let dups: Vec<&Warning> = r
            .warnings
            .iter()
            .filter(|w| w.code == "hashtag_duplicate")
            .collect();
        assert_eq!(dups.len(), 2);
        let fix = dups[0].fix.as_ref().unwrap();
        assert_eq!(fix.text, "#ledelse a b c #kultur #kultur");
        assert_eq!(fix.label, "Remove the 2 repeats");
    }

    #[test]
    fn a_camel_case_fix_changes_every_occurrence_of_the_tag() {
        let r = check(
            "#sosialemedier i dag, #sosialemedier i morgen",
            Network::X,
            &Options::default(),
        );
        let notes: Vec<&Warning> = r
            .warnings
            .iter()
            .filter(|w| w.code == "hashtag_camel_case")
            .collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0].fix.as_ref().unwrap().text,
            "#SosialeMedier i dag, #SosialeMedier i morgen"
        );
    }

    #[test]
    fn duplicate_hashtag_fix_removes_the_repeat() {
        let r = check("#ledelse er #Ledelse", Network::X, &Options::default());
        let dup = warning(&r, "hashtag_duplicate");
        assert_eq!(
            dup.fix.as_ref().map(|f| f.text.as_str()),
            Some("#ledelse er")
        );
    }

    #[test]
    fn camel_case_suggestion_splits_known_words() {
        assert_eq!(
            camel_case("sosialemedier").as_deref(),
            Some("SosialeMedier")
        );
        assert_eq!(
            camel_case("digitalleadership").as_deref(),
            Some("DigitalLeadership")
        );
        assert_eq!(camel_case("qwertyuiopasd"), None);
        let r = check("Om #sosialemedier", Network::Linkedin, &Options::default());
        let w = warning(&r, "hashtag_camel_case");
        assert_eq!(
            w.fix.as_ref().map(|f| f.text.as_str()),
            Some("Om #SosialeMedier")
        );
    }

    #[test]
    fn a_hashtag_that_is_one_word_gets_no_camel_case_note() {
        assert!(!codes("Om #arbeidsliv i dag", Network::X).contains(&"hashtag_camel_case"));
    }

    #[test]
    fn the_systems_word_list_gives_a_camel_case_fix_podiums_own_cannot() {
        let text = "Hva er #godtlederskap?";
        let alone = check(text, Network::X, &Options::default());
        assert_eq!(warning(&alone, "hashtag_camel_case").fix, None);
        let options = Options {
            words: Some(Arc::new(WordList::parse(["godt\nlederskap\n"]))),
            ..Options::default()
        };
        let with_system = check(text, Network::X, &options);
        let fix = warning(&with_system, "hashtag_camel_case").fix.as_ref();
        assert_eq!(fix.map(|f| f.text.as_str()), Some("Hva er #GodtLederskap?"));
    }

    #[test]
    fn too_many_hashtags_on_x_by_default_and_configurable() {
        assert!(codes("#a1 #b2 #c3 #d4", Network::X).contains(&"too_many_hashtags"));
        assert!(!codes("#a1 #b2 #c3 #d4", Network::Mastodon).contains(&"too_many_hashtags"));
        let strict = Options {
            max_hashtags: Some(1),
            ..Options::default()
        };
        assert!(check("#a1 #b2", Network::Bluesky, &strict)
            .warnings
            .iter()
            .any(|w| w.code == "too_many_hashtags"));
    }

    #[test]
    fn a_link_across_xs_limit_is_underlined_only_as_far_as_the_post_is_over() {
        let link = "https://podium.no/artikler/ledelse-i-praksis";
        let text = format!("{} {link}", "a".repeat(270)); // 270 + 1 + 23 = 294: 14 over
        let r = check(&text, Network::X, &Options::default());
        assert_eq!(r.length, 294);
        let over = r.over.unwrap();
        assert_eq!(over.end, text.len());
        assert_eq!(&text[over.start..over.end], &link[link.len() - 14..]);
        // With text after the link, the link's share is what remains.
        let text = format!("{} {link} slutt", "a".repeat(262)); // 262+1+23+6 = 292: 12 over
        let r = check(&text, Network::X, &Options::default());
        let over = r.over.unwrap();
        assert_eq!(
            &text[over.start..],
            &format!("{} slutt", &link[link.len() - 6..])
        );
    }

    #[test]
    fn over_limit_gives_the_exact_range_that_does_not_fit() {
        let text = "a".repeat(285);
        let r = check(&text, Network::X, &Options::default());
        assert_eq!(
            r.over,
            Some(Range {
                start: 280,
                end: 285
            })
        );
        let w = warning(&r, "over_limit");
        assert_eq!(
            w.message,
            "5 over X's limit of 280: the highlighted part does not fit."
        );
        let nb = check(
            &text,
            Network::X,
            &Options {
                lang: Lang::Nb,
                ..Options::default()
            },
        );
        assert!(nb
            .warnings
            .iter()
            .any(|w| w.message.starts_with("5 over grensen på 280 for X")));
    }

    #[test]
    fn empty_whitespace_and_nfc() {
        assert_eq!(codes("   ", Network::Bluesky), ["empty"]);
        assert!(codes(" Hei ", Network::X).contains(&"whitespace_edges"));
        let r = check("a\u{30A}", Network::X, &Options::default());
        let w = warning(&r, "not_nfc");
        assert_eq!(w.fix.as_ref().map(|f| f.text.as_str()), Some("å"));
    }

    #[test]
    fn a_byte_order_mark_makes_an_x_post_invalid_and_its_fix_removes_it() {
        let r = check("\u{FEFF}Hei, ledere!", Network::X, &Options::default());
        assert!(!r.valid, "twitter-text 3.1.0 calls it invalid");
        let w = warning(&r, "invalid_character");
        assert_eq!(w.severity, Severity::Error);
        assert_eq!(w.range, Some(Range { start: 0, end: 1 }));
        assert!(w.message.contains("U+FEFF"), "{}", w.message);
        assert!(w.message.contains("position 1"), "{}", w.message);
        let fix = w.fix.as_ref().unwrap();
        assert_eq!(fix.text, "Hei, ledere!");
        assert_eq!(fix.label, "Remove it");
        assert!(check(&fix.text, Network::X, &Options::default()).valid);
    }

    #[test]
    fn each_refused_character_is_named_with_where_it_is_in_both_languages() {
        let text = "Åpen 🚀\u{FFFF} dag\u{FFFE} og\u{FFFF}.";
        let nb = Options {
            lang: Lang::Nb,
            ..Options::default()
        };
        let r = check(text, Network::X, &nb);
        assert!(!r.valid);
        let found: Vec<&Warning> = r
            .warnings
            .iter()
            .filter(|w| w.code == "invalid_character")
            .collect();
        assert_eq!(found.len(), 2, "one note per character: {found:?}");
        assert_eq!(found[0].range, Some(Range { start: 7, end: 8 }), "UTF-16");
        assert!(found[0].message.contains("U+FFFF"), "{}", found[0].message);
        assert!(
            found[0].message.contains("2 ganger"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("plass 7"), "{}", found[0].message);
        assert_eq!(found[0].fix.as_ref().unwrap().label, "Fjern begge");
        assert_eq!(
            found[0].fix.as_ref().unwrap().text,
            "Åpen 🚀 dag\u{FFFE} og."
        );
        assert_eq!(found[1].range, Some(Range { start: 12, end: 13 }));
        assert_eq!(
            found[1].fix.as_ref().unwrap().text,
            "Åpen 🚀\u{FFFF} dag og\u{FFFF}."
        );
    }

    #[test]
    fn the_other_networks_keep_their_own_verdict_on_these_characters() {
        for network in [
            Network::Bluesky,
            Network::Mastodon,
            Network::Linkedin,
            Network::Threads,
        ] {
            let r = check("\u{FEFF}Hei", network, &Options::default());
            assert!(r.valid, "{network:?}");
            assert!(!codes("\u{FEFF}Hei", network).contains(&"invalid_character"));
        }
    }

    #[test]
    fn the_part_over_the_limit_is_found_past_a_refused_character() {
        // The mark weighs 2; 278 letters fit after it, the 7 after those do not.
        let text = format!("\u{FEFF}{}", "a".repeat(285));
        let r = check(&text, Network::X, &Options::default());
        assert_eq!(r.length, 287);
        assert_eq!(
            r.over,
            Some(Range {
                start: 279,
                end: 286
            })
        );
        assert!(warning(&r, "over_limit").message.starts_with("7 over"));
    }

    #[test]
    fn a_post_of_only_whitespace_is_valid_on_x_as_twitter_text_says_yet_still_empty() {
        let r = check(" \n\t", Network::X, &Options::default());
        assert!(r.valid, "twitter-text 3.1.0 calls it valid");
        assert_eq!(r.warnings[0].code, "empty");
        assert_eq!(r.warnings[0].severity, Severity::Error);
        assert!(!r.postable(), "the empty error still holds it back");
        assert!(!check("", Network::X, &Options::default()).valid);
        for network in [
            Network::Bluesky,
            Network::Mastodon,
            Network::Linkedin,
            Network::Threads,
        ] {
            assert!(
                !check("  ", network, &Options::default()).valid,
                "{network:?}"
            );
        }
    }

    #[test]
    fn long_link_on_bluesky_takes_a_large_share() {
        let text = format!("Les https://example.com/{}", "a".repeat(80));
        assert!(codes(&text, Network::Bluesky).contains(&"url_large_share"));
        assert!(!codes(&text, Network::X).contains(&"url_large_share"));
    }

    #[test]
    fn mastodon_uses_the_instance_limit() {
        let r = check(
            &"a".repeat(600),
            Network::Mastodon,
            &Options {
                limit: Some(1000),
                ..Options::default()
            },
        );
        assert!(r.valid);
        assert_eq!(r.limit, 1000);
    }
}
