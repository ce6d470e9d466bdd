//! Link cards as the publisher builds them, at publish time, by whichever process publishes:
//! the page of a post's first link fetched here in Rust (never by the window, whose CSP stays
//! closed) within limits — 5 seconds, 2 MB, at most 3 redirects, https only except on this
//! computer (a desktop app fetching the link its own user wrote) — its OpenGraph tags read by
//! `podium_core::card`, and its preview image prepared like any image (`podium-media`).
//!
//! A card is a courtesy: a page that cannot be fetched, is too big or says nothing makes a
//! post without a card, never a failed post. The post's text is never changed.

use std::time::Duration;

use podium_core::card::Card;
use podium_core::network::Network;
use reqwest::blocking::Client;

use crate::http;
use crate::media::Prepared;

/// How long fetching a page (or its image) may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of a page Podium reads.
pub const MAX_PAGE: u64 = 2 * 1024 * 1024;
/// The most of a preview image Podium reads.
const MAX_IMAGE: u64 = 8 * 1024 * 1024;
/// Redirects followed, at most.
pub const MAX_REDIRECTS: usize = 3;

/// Whether Podium fetches `url` for a card: https, or http on this computer.
pub fn may_fetch(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host().as_ref().is_some_and(http::is_loopback),
        _ => false,
    }
}

fn client() -> Option<Client> {
    http::install_tls();
    Client::builder()
        .user_agent(crate::USER_AGENT)
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() <= MAX_REDIRECTS && may_fetch(attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .ok()
}

fn get(client: &Client, address: &str, limit: u64) -> Option<Vec<u8>> {
    let url = url::Url::parse(address).ok()?;
    if !may_fetch(&url) {
        tracing::info!(%address, "no card: only https pages (or this computer's) are fetched");
        return None;
    }
    let response = client.get(url).send().ok()?;
    if !response.status().is_success() {
        tracing::info!(%address, status = %response.status(), "no card: the page did not answer");
        return None;
    }
    if response.content_length().is_some_and(|n| n > limit) {
        return None;
    }
    http::read_body(response, limit).ok()
}

/// The first link in a post's text, as a card is made for it (the link facets Bluesky makes;
/// the same reading for every network whose card Podium builds).
pub fn first_link(text: &str) -> Option<String> {
    use podium_core::text::bluesky::{detect_facets, FacetKind};
    detect_facets(text)
        .into_iter()
        .find(|f| matches!(f.kind, FacetKind::Link))
        .map(|f| f.value)
}

/// The card for `link` and its preview image prepared for `network` (none when the page has
/// none, or it cannot be read); `None` when no card can be made.
pub fn fetch(link: &str, network: Network) -> Option<(Card, Option<Prepared>)> {
    let client = client()?;
    let page = get(&client, link, MAX_PAGE)?;
    let card = podium_core::card::from_html(link, &String::from_utf8_lossy(&page))?;
    let thumb = card.image.as_deref().and_then(|address| {
        let original = get(&client, address, MAX_IMAGE)?;
        let stored = podium_media::ingest(&original)
            .map_err(|e| tracing::info!(%address, error = %e, "the card's image is left out"))
            .ok()?;
        let image = podium_media::prepare_for(&stored.bytes, network, None).ok()?;
        Some(Prepared {
            bytes: image.bytes,
            mime: image.mime,
            width: image.width,
            height: image.height,
            alt: String::new(),
        })
    });
    Some((card, thumb))
}
