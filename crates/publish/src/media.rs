//! A post's images as the publisher sends them: read from the `media/` folder, checked
//! against their names, and prepared for the account's network (`podium-media`: scaled and
//! re-encoded until they fit, no metadata) at publish time, never earlier (Bluesky discards an
//! uploaded blob no post refers to within minutes).
//!
//! Uploads happen inside a part's request, after the part is committed `sending`: an upload
//! makes nothing anyone sees, so a crash after it and before the post is settled as any
//! `sending` part is (Bluesky looks its record key up; the upload is repeated with the same
//! bytes and the post sent once).

use podium_core::media::MediaOptions;
use podium_core::network::Network;
use podium_core::reason::Reason;
use podium_core::text::check::Lang;
use podium_store::{Account, Draft, Store};

/// An image ready for one network.
#[derive(Clone, PartialEq, Eq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("bytes", &self.bytes.len())
            .field("mime", &self.mime)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Why a draft's images cannot go: a reason the window words (the check's code and its note).
fn not_postable(network: Network, warning: &str, en: String, nb: String) -> Reason {
    Reason::NotPostable {
        network,
        part: None,
        warning: warning.to_owned(),
        note_en: en,
        note_nb: nb,
    }
}

/// The draft's images prepared for `account`'s network, in order; or why they cannot go (the
/// same rule scheduling asks, then each file read and prepared).
pub fn prepared_for(
    store: &Store,
    draft: &Draft,
    account: &Account,
) -> Result<Vec<Prepared>, Reason> {
    let network = account.network;
    let attachments = store.attachments(&draft.id).map_err(|e| {
        not_postable(
            network,
            "image_unreadable",
            format!("its images cannot be read: {e}"),
            format!("bildene kan ikke leses: {e}"),
        )
    })?;
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let instance = store.account_media(&account.id).ok().flatten();
    let options = MediaOptions {
        lang: Lang::from_code(&draft.lang),
        instance,
        link_card: false,
    };
    podium_core::media::fit(network, &attachments, &options).map_err(|m| m.reason())?;
    let mut out = Vec::with_capacity(attachments.len());
    for (k, a) in attachments.iter().enumerate() {
        let unreadable = |detail: String| {
            not_postable(
                network,
                "image_unreadable",
                format!("image {} cannot be sent: {detail}", k + 1),
                format!("bilde {} kan ikke sendes: {detail}", k + 1),
            )
        };
        let stored = store
            .media_bytes(&a.sha256)
            .map_err(|e| unreadable(e.to_string()))?;
        let image = podium_media::prepare_for(&stored, network, instance.as_ref())
            .map_err(|e| unreadable(e.to_string()))?;
        out.push(Prepared {
            bytes: image.bytes,
            mime: image.mime,
            width: image.width,
            height: image.height,
            alt: a.alt.clone(),
        });
    }
    Ok(out)
}

/// A `multipart/form-data` body with text `fields` and one file part named `file_field`
/// holding `image`: its content type (with the boundary) and its bytes. Built by hand, with a
/// known length, so the request carries a `Content-Length` (as X's and Mastodon's upload
/// endpoints expect of a multipart POST).
pub(crate) fn multipart(
    fields: &[(&str, &str)],
    file_field: &str,
    image: &Prepared,
) -> (String, Vec<u8>) {
    let boundary = format!("podium-{}", uuid::Uuid::now_v7().simple());
    let extension = if image.mime == "image/png" {
        "png"
    } else {
        "jpg"
    };
    let mut body = Vec::with_capacity(image.bytes.len() + 512);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; \
             filename=\"image.{extension}\"\r\nContent-Type: {}\r\n\r\n",
            image.mime
        )
        .as_bytes(),
    );
    body.extend_from_slice(&image.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
