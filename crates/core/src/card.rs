//! Link cards: what a page says about itself in its OpenGraph (`og:*`) and Twitter (`twitter:*`)
//! meta tags, read from its HTML. Bluesky leaves the card to the client
//! (`app.bsky.embed.external`); the publisher fetches the page (with limits) and asks this
//! module what to show. Pure: the HTML comes in as text, nothing is fetched here.

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// A link card's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The link as written in the post.
    pub url: String,
    pub title: String,
    pub description: String,
    /// The preview image's address, made absolute against the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// Bluesky's limits for the external embed's strings (graphemes in the lexicon; characters
/// here, which is never more).
const TITLE_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 1_000;

static META: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta\b[^>]*>"#).unwrap_or_else(|_| unreachable!("a fixed pattern"))
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)([a-z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#)
        .unwrap_or_else(|_| unreachable!("a fixed pattern"))
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<title[^>]*>(.*?)</title>")
        .unwrap_or_else(|_| unreachable!("a fixed pattern"))
});

/// The card for `url` from its page's HTML: `og:` tags first, then `twitter:` tags, then the
/// page's `<title>` and `description`. `None` when the page gives no title at all.
pub fn from_html(url: &str, html: &str) -> Option<Card> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for meta in META.find_iter(html) {
        let mut key = None;
        let mut content = None;
        for attr in ATTR.captures_iter(meta.as_str()) {
            let name = attr.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
            let value = attr
                .get(2)
                .or_else(|| attr.get(3))
                .or_else(|| attr.get(4))
                .map_or("", |m| m.as_str());
            match name.as_str() {
                "property" | "name" => key = Some(value.to_ascii_lowercase()),
                "content" => content = Some(decode_entities(value)),
                _ => {}
            }
        }
        if let (Some(k), Some(c)) = (key, content) {
            tags.push((k, c.trim().to_owned()));
        }
    }
    let first = |names: &[&str]| {
        names.iter().find_map(|n| {
            tags.iter()
                .find(|(k, v)| k == n && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
    };
    let title = first(&["og:title", "twitter:title"]).or_else(|| {
        TITLE
            .captures(html)
            .and_then(|c| c.get(1))
            .map(|m| decode_entities(m.as_str()).trim().to_owned())
            .filter(|t| !t.is_empty())
    })?;
    let description =
        first(&["og:description", "twitter:description", "description"]).unwrap_or_default();
    let image = first(&[
        "og:image",
        "og:image:url",
        "twitter:image",
        "twitter:image:src",
    ])
    .and_then(|i| absolute(url, &i));
    Some(Card {
        url: url.to_owned(),
        title: shorten(&title, TITLE_MAX),
        description: shorten(&description, DESCRIPTION_MAX),
        image,
    })
}

/// `reference` made absolute against the page at `base` (http or https only).
fn absolute(base: &str, reference: &str) -> Option<String> {
    if reference.starts_with("https://") || reference.starts_with("http://") {
        return Some(reference.to_owned());
    }
    let (scheme, rest) = base.split_once("://")?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..host_end]);
    if let Some(path) = reference.strip_prefix("//") {
        return Some(format!("{scheme}://{path}"));
    }
    if reference.starts_with('/') {
        return Some(format!("{origin}{reference}"));
    }
    // The page's folder: its path without the query or fragment, up to its last slash.
    let path = rest[host_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |k| &path[..=k]);
    Some(format!("{origin}{dir}{reference}"))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opengraph_tags_make_the_card_with_the_image_made_absolute() {
        let html = r#"<html><head><title>Fallback</title>
            <meta property="og:title" content="Styret &amp; ledelsen">
            <meta content='Hva et styre gjør – og ikke gjør.' property='og:description' />
            <meta property="og:image" content="/bilder/styret.jpg">
            </head></html>"#;
        let card = from_html("https://example.no/artikler/styret", html).unwrap();
        assert_eq!(card.title, "Styret & ledelsen");
        assert_eq!(card.description, "Hva et styre gjør – og ikke gjør.");
        assert_eq!(
            card.image.as_deref(),
            Some("https://example.no/bilder/styret.jpg")
        );
    }

    #[test]
    fn twitter_tags_and_the_page_title_stand_in_when_opengraph_is_missing() {
        let html = r#"<title>Kun tittel</title><meta name="twitter:description" content="Kort.">
            <meta name="twitter:image" content="bilde.png">"#;
        let card = from_html("http://127.0.0.1:8080/a/b.html", html).unwrap();
        assert_eq!(card.title, "Kun tittel");
        assert_eq!(card.description, "Kort.");
        assert_eq!(
            card.image.as_deref(),
            Some("http://127.0.0.1:8080/a/bilde.png")
        );
        assert_eq!(from_html("https://x.no", "<p>ingen tittel</p>"), None);
    }

    #[test]
    fn a_relative_image_is_found_from_the_pages_folder_not_its_query() {
        let html = r#"<title>T</title><meta property="og:image" content="bilde.png">"#;
        let card = from_html("https://x.no/blogg/innlegg?ref=/annet/sted#topp", html).unwrap();
        assert_eq!(card.image.as_deref(), Some("https://x.no/blogg/bilde.png"));
    }

    #[test]
    fn a_very_long_title_is_shortened_to_what_bluesky_takes() {
        let html = format!(
            r#"<meta property="og:title" content="{}">"#,
            "å".repeat(400)
        );
        let card = from_html("https://x.no", &html).unwrap();
        assert_eq!(card.title.chars().count(), 300);
        assert!(card.title.ends_with('…'));
    }
}
