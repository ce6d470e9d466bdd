//! A draft's images in the window: attach (a file picked, dropped or pasted), alt text, order,
//! remove, thumbnails, and each network's image checks. The work is `podium-media`'s and the
//! store's, shared with `podium drafts attach`; the window only shows it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use podium_core::media::{Attachment, MediaOptions};
use podium_core::network::Network;
use podium_core::text::check::{Lang, Warning};
use serde::Serialize;
use serde_json::json;
use tauri::State;

use crate::drafts::Drafts;
use crate::sync::Syncing;

use super::{Answer, CommandError};

/// An attached image as the editor shows it: the stored image's figures, its alt text, and a
/// small copy to draw (a `data:` address; the window's CSP allows those, nothing else). An
/// image this computer does not hold yet (another device attached it and its bytes are still on
/// their way from the team hub) has no thumbnail and `missing` "waiting"; one whose file was
/// changed, cannot be read, or is gone outside a team has `missing` "unreadable". Either is still listed, with its alt
/// text, so the rest of the draft's images can be worked on.
#[derive(Debug, Serialize)]
pub struct ImageView {
    #[serde(flatten)]
    attachment: Attachment,
    thumbnail: Option<String>,
    missing: Option<&'static str>,
}

/// Thumbnails are at most this wide or high.
const THUMB_SIDE: u32 = 240;

fn media_error(error: podium_media::Error) -> CommandError {
    match error {
        podium_media::Error::Store(e) => CommandError::from(e),
        e => CommandError::new("image", json!({ "detail": e.to_string() }), e.to_string()),
    }
}

/// [`Drafts::with`] for `podium-media`'s work: a store error as the store's, any other (an
/// image that cannot be read) as kind `image` with the words why.
fn with_media<T>(
    drafts: &Drafts,
    f: impl FnOnce(&mut podium_store::Store) -> podium_media::Result<T>,
) -> Answer<T> {
    let mut refused = None;
    let done = drafts.with(|s| match f(s) {
        Ok(value) => Ok(Some(value)),
        Err(podium_media::Error::Store(e)) => Err(e),
        Err(e) => {
            refused = Some(e);
            Ok(None)
        }
    })?;
    match (done, refused) {
        (Some(value), _) => Ok(value),
        (None, Some(e)) => Err(media_error(e)),
        (None, None) => Err(CommandError::internal(
            "the image was neither attached nor refused",
        )),
    }
}

/// Thumbnails made this session, by the stored image's SHA-256 (an image never changes under
/// its name): the list is shown again on every change another device makes, and a 12-megapixel
/// photo takes a good part of a second to scale down.
static THUMBNAILS: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// How many thumbnails are kept (each some 10–30 kB).
const THUMBNAILS_KEPT: usize = 200;

fn cached_thumbnail(sha256: &str) -> Option<String> {
    THUMBNAILS.lock().ok()?.get(sha256).cloned()
}

/// The thumbnail of a stored image as a `data:` address, made once.
fn thumbnail_of(sha256: &str, stored: &[u8]) -> Result<String, &'static str> {
    let jpeg = podium_media::thumbnail(stored, THUMB_SIDE).map_err(|e| {
        tracing::warn!(image = %sha256, error = %e, "no thumbnail");
        "unreadable"
    })?;
    let url = format!("data:image/jpeg;base64,{}", STANDARD.encode(jpeg));
    if let Ok(mut kept) = THUMBNAILS.lock() {
        if kept.len() >= THUMBNAILS_KEPT {
            kept.clear();
        }
        kept.insert(sha256.to_owned(), url.clone());
    }
    Ok(url)
}

fn view(drafts: &Drafts, attachment: Attachment) -> Answer<ImageView> {
    let sha256 = &attachment.sha256;
    let (here, in_team) =
        drafts.with(|s| Ok((s.has_media(sha256), s.sync_identity()?.is_some())))?;
    let thumbnail = if !here {
        // In a team, another device's image comes with a sync round; alone, its file is lost.
        Err(if in_team { "waiting" } else { "unreadable" })
    } else if let Some(url) = cached_thumbnail(sha256) {
        Ok(url)
    } else {
        match drafts.with(|s| Ok(s.media_bytes(sha256)))? {
            Ok(bytes) => thumbnail_of(sha256, &bytes),
            Err(e) => {
                tracing::warn!(image = %sha256, error = %e, "an attached image cannot be read");
                Err("unreadable")
            }
        }
    };
    let (thumbnail, missing) = match thumbnail {
        Ok(url) => (Some(url), None),
        Err(why) => (None, Some(why)),
    };
    Ok(ImageView {
        attachment,
        thumbnail,
        missing,
    })
}

fn views(drafts: &Drafts, id: &str) -> Answer<Vec<ImageView>> {
    drafts
        .with(|s| s.attachments(id))?
        .into_iter()
        .map(|a| view(drafts, a))
        .collect()
}

/// The draft's images, in order.
#[tauri::command(async)]
pub fn draft_images(id: String, drafts: State<'_, Drafts>) -> Answer<Vec<ImageView>> {
    views(&drafts, &id)
}

/// Attaches the image file at `path` (the file picker's answer); answers the draft's images.
#[tauri::command(async)]
pub fn attach_image_file(
    id: String,
    path: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Vec<ImageView>> {
    syncing.after_save(with_media(&drafts, |s| {
        podium_media::attach_file(s, &id, std::path::Path::new(&path), "")
    }))?;
    views(&drafts, &id)
}

/// Attaches an image the window holds as bytes (dropped or pasted); answers the draft's images.
/// The bytes come as the request's raw body (a 12-megapixel photo as a JSON array of numbers
/// would be four times its size to build, send and parse), the draft's id in the
/// `podium-draft` header.
#[tauri::command(async)]
pub fn attach_image_bytes(
    request: tauri::ipc::Request<'_>,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Vec<ImageView>> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::internal(
            "the image came without its bytes (expected a raw body)",
        ));
    };
    let id = request
        .headers()
        .get("podium-draft")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CommandError::internal("the image came without its draft's id"))?
        .to_owned();
    syncing.after_save(with_media(&drafts, |s| {
        podium_media::attach_bytes(s, &id, bytes, "")
    }))?;
    views(&drafts, &id)
}

/// A link's card as the preview shows it: what the page's OpenGraph/Twitter tags say, and its
/// image small enough to draw (a `data:` address).
#[derive(Debug, Serialize)]
pub struct CardView {
    url: String,
    title: String,
    description: String,
    image: Option<String>,
}

/// The card of the page at `url`, read by Rust with the limits publishing uses (5 s, 2 MB, 3
/// redirects, https except on this computer); `None` when the page gives no card. The window
/// never fetches the page itself (its CSP allows no outside address).
///
/// The fetch runs on a blocking thread of its own: its HTTP client has a runtime inside, which
/// must not be made or dropped on the async runtime's threads.
#[tauri::command]
pub async fn link_card(url: String) -> Answer<Option<CardView>> {
    tauri::async_runtime::spawn_blocking(move || card_view(&url))
        .await
        .map_err(CommandError::internal)
}

fn card_view(url: &str) -> Option<CardView> {
    let (card, thumb) = podium_publish::card::fetch(url, Network::Bluesky)?;
    let image = thumb
        .and_then(|t| podium_media::thumbnail(&t.bytes, 2 * THUMB_SIDE).ok())
        .map(|jpeg| format!("data:image/jpeg;base64,{}", STANDARD.encode(jpeg)));
    Some(CardView {
        url: card.url,
        title: card.title,
        description: card.description,
        image,
    })
}

/// Removes an image from the draft; answers the draft's images.
#[tauri::command(async)]
pub fn detach_image(
    id: String,
    image: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Vec<ImageView>> {
    syncing.after_save(drafts.with(|s| s.detach(&id, &image)))?;
    views(&drafts, &id)
}

/// Sets an image's alt text.
#[tauri::command(async)]
pub fn set_image_alt(
    id: String,
    image: String,
    alt: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Attachment> {
    syncing.after_save(drafts.with(|s| s.set_alt(&id, &image, &alt)))
}

/// Puts the draft's images in the order of `images`; answers the draft's images.
#[tauri::command(async)]
pub fn order_images(
    id: String,
    images: Vec<String>,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Vec<ImageView>> {
    syncing.after_save(drafts.with(|s| s.order_attachments(&id, &images)))?;
    views(&drafts, &id)
}

/// Each network's notes about the draft's images (in the UI's language), from the rules
/// scheduling uses (`podium_core::media`); a network with nothing to say is left out.
#[tauri::command(async)]
pub fn check_images(
    id: String,
    lang: Option<String>,
    drafts: State<'_, Drafts>,
) -> Answer<BTreeMap<Network, Vec<Warning>>> {
    let (images, draft, instance) = drafts.with(|s| {
        Ok((
            s.attachments(&id)?,
            s.draft(&id)?,
            s.strictest_instance_media()?,
        ))
    })?;
    // Whether a card would go out but for the images (Bluesky shows one or the other).
    let has_link = podium_core::text::bluesky::detect_facets(&draft.text)
        .iter()
        .any(|f| matches!(f.kind, podium_core::text::bluesky::FacetKind::Link));
    let options = MediaOptions {
        lang: Lang::from_code(lang.as_deref().unwrap_or_default()),
        link_card: draft.link_card && has_link,
        instance,
    };
    Ok(Network::ALL
        .iter()
        .map(|&n| (n, podium_core::media::check(n, &images, &options)))
        .filter(|(_, w)| !w.is_empty())
        .collect())
}
