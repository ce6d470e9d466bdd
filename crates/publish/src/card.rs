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

/// Whether `url` is on this computer.
fn on_this_computer(url: &url::Url) -> bool {
    url.host().as_ref().is_some_and(http::is_loopback)
}

/// Whether Podium fetches `url` for a card whose link the user wrote: https elsewhere; this
/// computer's addresses (http too) only when the user's own link is on this computer
/// (`local`). A page on the web can never send Podium — by a redirect or its `og:image` — to an
/// address on this computer, whose answer would otherwise be uploaded as the card's image.
pub fn may_fetch(url: &url::Url, local: bool) -> bool {
    if on_this_computer(url) {
        return local && matches!(url.scheme(), "http" | "https");
    }
    url.scheme() == "https"
}

fn client(local: bool) -> Option<Client> {
    http::install_tls();
    Client::builder()
        .user_agent(crate::USER_AGENT)
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() <= MAX_REDIRECTS && may_fetch(attempt.url(), local) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .ok()
}

/// The body of `address` within `limit` bytes, and the address it came from after redirects.
fn get(client: &Client, address: &str, limit: u64, local: bool) -> Option<(Vec<u8>, url::Url)> {
    let url = url::Url::parse(address).ok()?;
    if !may_fetch(&url, local) {
        tracing::info!(%address, "no card: only https pages (or this computer's) are fetched");
        return None;
    }
    let response = client.get(url).send().ok()?;
    let landed = response.url().clone();
    if !response.status().is_success() {
        tracing::info!(%address, status = %response.status(), "no card: the page did not answer");
        return None;
    }
    if response.content_length().is_some_and(|n| n > limit) {
        return None;
    }
    Some((http::read_body(response, limit).ok()?, landed))
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
    let local = url::Url::parse(link).is_ok_and(|u| on_this_computer(&u));
    let client = client(local)?;
    let (page, landed) = get(&client, link, MAX_PAGE, local)?;
    // The card names the link as written; its image is found from where the page came from.
    let mut card = podium_core::card::from_html(landed.as_str(), &String::from_utf8_lossy(&page))?;
    card.url = link.to_owned();
    let thumb = card.image.as_deref().and_then(|address| {
        let (original, _) = get(&client, address, MAX_IMAGE, local)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn a_page_on_the_web_cannot_send_podium_to_this_computer() {
        // The user's link on the web: https only, and never this computer's addresses.
        assert!(may_fetch(&url("https://example.no/a"), false));
        assert!(!may_fetch(&url("http://example.no/a"), false));
        assert!(!may_fetch(&url("http://127.0.0.1:8080/camera.jpg"), false));
        assert!(!may_fetch(&url("https://localhost/admin"), false));
        assert!(!may_fetch(&url("http://[::1]/"), false));
        assert!(!may_fetch(&url("file:///etc/passwd"), false));
        // The user's own link on this computer: its pages, http too.
        assert!(may_fetch(&url("http://127.0.0.1:8080/artikkel"), true));
        assert!(may_fetch(&url("https://example.no/a"), true));
        assert!(!may_fetch(&url("ftp://127.0.0.1/"), true));
    }
}
