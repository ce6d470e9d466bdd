//! Click-to-tweet quotes in an article, turned into draft candidates.
//!
//! Articles embed quotes meant to be shared. Podium recognises, in plain text, HTML or
//! WordPress source:
//! - `[Tweet "…"]` in any letter case, with any quote pair (`" “ ” „ « » ‹ ›`, or their HTML
//!   entities), e.g. `[Tweet «Ledelse handler om mennesker #ledelse»]`;
//! - `[bctt tweet="…" …]` (Better Click To Tweet);
//! - `[ctt …]…[/ctt]`, or `[ctt tweet="…"]`;
//! - `<!-- wp:bctt/clicktotweet {"tweet":"…"} -->` (the block editor's comment).
//!
//! Quotes are returned in article order, HTML entities decoded, tags stripped, whitespace
//! collapsed, each once; one longer than a draft may be ([`super::MAX_TEXT_CHARS`]) is left
//! out. Any article, however it is built, is read in time linear in its length: every scan
//! moves forward only (the `import_adversarial` benchmark holds the figures).

use std::sync::LazyLock;

use regex::Regex;

/// One quote found in an article: its text and where it starts (byte offset in the article).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    pub at: usize,
}

const QUOTE: &str = r#"(?:["“”„«»‹›]|&(?:quot|ldquo|rdquo|bdquo|laquo|raquo|lsaquo|rsaquo);|&#(?:34|8220|8221|8222|171|187|8249|8250);|&#x(?:22|201c|201d|201e|ab|bb|2039|203a);)"#;

struct Patterns {
    tweet: Regex,
    bctt: Regex,
    ctt: Regex,
    block: Regex,
    attr_tweet: Regex,
    tag: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let attr_quote = format!("(?:{QUOTE}|')");
    Some(Patterns {
        tweet: Regex::new(&format!(r"(?is)\[tweet\s*{QUOTE}(.*?){QUOTE}\s*\]")).ok()?,
        bctt: Regex::new(r"(?is)\[bctt\b([^\]]*)\]").ok()?,
        ctt: Regex::new(r"(?i)\[ctt\b([^\]]*)\]").ok()?,
        block: Regex::new(r"(?s)<!--\s*wp:bctt/clicktotweet\s+(\{.*?\})\s*/?-->").ok()?,
        attr_tweet: Regex::new(&format!(
            r"(?is)\btweet\s*=\s*{attr_quote}(.*?){attr_quote}(?:\s|$)"
        ))
        .ok()?,
        tag: Regex::new(r"(?s)<[^>]*>").ok()?,
    })
});

/// Decodes the HTML entities articles use (named ones for quotes, dashes and Nordic letters,
/// and every numeric one).
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Entities are short: look for their `;` among the next few characters only.
        let semicolon = rest
            .char_indices()
            .take_while(|&(i, _)| i < 12)
            .find(|&(_, c)| c == ';');
        let Some((end, _)) = semicolon else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "bdquo" => Some('„'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            "lsaquo" => Some('‹'),
            "rsaquo" => Some('›'),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "hellip" => Some('…'),
            "aelig" => Some('æ'),
            "AElig" => Some('Æ'),
            "oslash" => Some('ø'),
            "Oslash" => Some('Ø'),
            "aring" => Some('å'),
            "Aring" => Some('Å'),
            _ => {
                let number =
                    name.strip_prefix('#')
                        .and_then(|n| match n.strip_prefix(['x', 'X']) {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => n.parse().ok(),
                        });
                number.and_then(char::from_u32)
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn clean(p: &Patterns, raw: &str) -> String {
    let without_tags = p.tag.replace_all(raw, " ");
    let decoded = decode_entities(&without_tags);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The click-to-tweet quotes in `article`, in order, each once.
pub fn click_to_tweet_quotes(article: &str) -> Vec<Quote> {
    let Some(p) = PATTERNS.as_ref() else {
        return Vec::new();
    };
    let mut found: Vec<Quote> = Vec::new();
    let mut push = |at: usize, raw: &str| {
        let text = clean(p, raw);
        // A "quote" longer than any draft may be is a broken article, not a post.
        if !text.is_empty() && super::within_cap(&text).is_ok() {
            found.push(Quote { text, at });
        }
    };
    for c in p.tweet.captures_iter(article) {
        if let (Some(all), Some(q)) = (c.get(0), c.get(1)) {
            push(all.start(), q.as_str());
        }
    }
    for c in p.bctt.captures_iter(article) {
        if let (Some(all), Some(attrs)) = (c.get(0), c.get(1)) {
            if let Some(t) = p.attr_tweet.captures(attrs.as_str()).and_then(|t| t.get(1)) {
                push(all.start(), t.as_str());
            }
        }
    }
    // Where every `[/ctt]` and `[ctt` is, found once: looking for them again after each opener
    // made an article of many unclosed openers quadratic (a 2 MB one took minutes).
    let lower = article.to_ascii_lowercase();
    let closes: Vec<usize> = lower.match_indices("[/ctt]").map(|(i, _)| i).collect();
    let opens: Vec<usize> = lower.match_indices("[ctt").map(|(i, _)| i).collect();
    let first_at_or_after =
        |list: &[usize], at: usize| list.get(list.partition_point(|&i| i < at)).copied();
    for c in p.ctt.captures_iter(article) {
        let Some(all) = c.get(0) else { continue };
        // The body runs to the next `[/ctt]`, unless another `[ctt` opens first.
        let after = all.end();
        let close = first_at_or_after(&closes, after);
        let next_open = first_at_or_after(&opens, after);
        let body = match (close, next_open) {
            (Some(c), Some(o)) if o < c => None,
            (Some(c), _) => Some(&article[after..c]),
            (None, _) => None,
        }
        .filter(|b| !b.trim().is_empty());
        let from_attr = c
            .get(1)
            .and_then(|attrs| p.attr_tweet.captures(attrs.as_str()))
            .and_then(|t| t.get(1))
            .map(|t| t.as_str());
        if let Some(text) = body.or(from_attr) {
            push(all.start(), text);
        }
    }
    for c in p.block.captures_iter(article) {
        let (Some(all), Some(json)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let tweet = serde_json::from_str::<serde_json::Value>(json.as_str())
            .ok()
            .and_then(|v| v.get("tweet").and_then(|t| t.as_str()).map(str::to_string));
        if let Some(tweet) = tweet {
            push(all.start(), &tweet);
        }
    }
    found.sort_by_key(|q| q.at);
    let mut seen = std::collections::HashSet::new();
    found.retain(|q| seen.insert(q.text.clone()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(article: &str) -> Vec<String> {
        click_to_tweet_quotes(article)
            .into_iter()
            .map(|q| q.text)
            .collect()
    }

    #[test]
    fn tweet_shortcode_with_any_quote_pair_and_case() {
        let article = "Innledning. [Tweet «Ledere må være synlige #ledelse #sosialemedier»] \
                       og [tweet \"Plan før likes\"] og [TWEET &ldquo;Åpenhet bygger tillit&rdquo;] \
                       og [Tweet „Tyske anførselstegn“].";
        assert_eq!(
            texts(article),
            [
                "Ledere må være synlige #ledelse #sosialemedier",
                "Plan før likes",
                "Åpenhet bygger tillit",
                "Tyske anførselstegn"
            ]
        );
    }

    #[test]
    fn better_click_to_tweet_shortcodes_and_blocks() {
        let article = r#"<p>Tekst</p>
[bctt tweet="Kultur spiser strategi til frokost #ledelse" username="podium"]
[ctt tweet='Del læring, ikke bare resultater']
[ctt title="x"]Synlighet er en del av jobben[/ctt]
<!-- wp:bctt/clicktotweet {"tweet":"Tillit tar år \u00e5 bygge","username":"x"} /-->"#;
        assert_eq!(
            texts(article),
            [
                "Kultur spiser strategi til frokost #ledelse",
                "Del læring, ikke bare resultater",
                "Synlighet er en del av jobben",
                "Tillit tar år å bygge"
            ]
        );
    }

    #[test]
    fn entities_and_markup_inside_quotes_are_cleaned() {
        assert_eq!(
            texts("[Tweet \"<em>Bl&aring;b&#230;r</em>   &amp; &#x1F680;\"]"),
            ["Blåbær & 🚀"]
        );
    }

    #[test]
    fn a_stray_ampersand_before_multibyte_text_is_kept() {
        assert_eq!(
            decode_entities("Ola & Kari på «tur» æøå"),
            "Ola & Kari på «tur» æøå"
        );
        assert_eq!(decode_entities("&æøå;"), "&æøå;");
    }

    /// 2 MB of `unit`, then `tail`.
    fn two_megabytes_of(unit: &str, tail: &str) -> String {
        let mut s = unit.repeat(2_000_000 / unit.len());
        s.push_str(tail);
        s
    }

    // Adversarial articles: each must give its answer in linear time (the time is measured in
    // the `import_adversarial` benchmark; before, the first of these took minutes).

    #[test]
    fn unclosed_ctt_openers_give_no_quote() {
        assert!(texts(&two_megabytes_of("[ctt]", "")).is_empty());
        assert!(texts(&two_megabytes_of("[CTT title=\"x\"]tekst ", "")).is_empty());
    }

    #[test]
    fn only_the_last_of_many_ctt_openers_owns_the_closing_tag() {
        let article = two_megabytes_of("[ctt]", "Siste ord[/ctt]");
        let quotes = click_to_tweet_quotes(&article);
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].text, "Siste ord");
        assert_eq!(quotes[0].at, article.len() - "[ctt]Siste ord[/ctt]".len());
    }

    #[test]
    fn unclosed_tweet_and_bctt_openers_give_no_quote() {
        for unit in [
            "[Tweet «",
            "[tweet &ldquo;",
            "[bctt tweet=\"",
            "[bctt ",
            "<!-- wp:bctt/clicktotweet {",
            "[[[[[[[[",
            "&&&&&&&&",
            "<<<<<<<<",
        ] {
            assert!(texts(&two_megabytes_of(unit, "")).is_empty(), "{unit}");
        }
    }

    #[test]
    fn many_tweet_openers_closed_once_are_one_quote_too_long_to_take() {
        // The first opener runs to the one closing quote: 2 MB is no post, so it is left out.
        assert!(texts(&two_megabytes_of("[Tweet «", "»]")).is_empty());
        let nested = format!(
            "{}[Tweet «Inni»]{}",
            "[".repeat(1_000_000),
            "]".repeat(1_000_000)
        );
        assert_eq!(texts(&nested), ["Inni"]);
    }

    #[test]
    fn many_short_quotes_are_all_found() {
        let article = two_megabytes_of("[ctt]Kort[/ctt] [Tweet «Kort»] ", "[Tweet «Ny»]");
        assert_eq!(texts(&article), ["Kort", "Ny"]);
    }

    #[test]
    fn an_article_without_quotes_gives_none() {
        assert!(texts("Bare tekst, [ingen] «sitater» her.").is_empty());
    }
}
