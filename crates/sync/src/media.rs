//! Images through the hub (issue 13, item 4): an attachment's row travels in the change log;
//! its bytes go to the hub as a blob named by their SHA-256 before the row does (so a device
//! that pulls the row can always fetch them), and come back to a device that lacks them —
//! checked against their name before they are kept.

use podium_core::sync::{Change, ErrorCode, Op, MAX_BLOB_BYTES};
use podium_publish::http;
use podium_publish::lease::Fetched;
use podium_store::Store;

use crate::client::Hub;
use crate::lease::HubLeases;
use crate::{Error, Result};

impl Hub {
    /// `HEAD /v1/blobs/{sha256}`: whether the hub keeps the image.
    pub fn has_blob(&self, sha256: &str) -> Result<bool> {
        let request = self.authed_request(reqwest::Method::HEAD, &blob_path(sha256))?;
        match http::send(request) {
            Ok(_) => Ok(true),
            Err(http::Failure::Status { status: 404, .. }) => Ok(false),
            Err(f) => Err(self.failed(f)),
        }
    }

    /// `PUT /v1/blobs/{sha256}` (idempotent).
    pub fn put_blob(&self, sha256: &str, bytes: Vec<u8>) -> Result<()> {
        let request = self
            .authed_request(reqwest::Method::PUT, &blob_path(sha256))?
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        http::send(request).map_err(|f| self.failed(f))?;
        Ok(())
    }

    /// `GET /v1/blobs/{sha256}`: the bytes, or `None` when the hub does not have them (yet).
    pub fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let request = self.authed_request(reqwest::Method::GET, &blob_path(sha256))?;
        let response = match http::send(request) {
            Ok(r) => r,
            Err(http::Failure::Status { status: 404, .. }) => return Ok(None),
            Err(f) => return Err(self.failed(f)),
        };
        Ok(Some(
            http::read_body(response, MAX_BLOB_BYTES).map_err(|f| self.failed(f))?,
        ))
    }
}

fn blob_path(sha256: &str) -> String {
    format!("v1/blobs/{sha256}")
}

/// Before `changes` go to the hub: the image of each attachment they add (or re-point) is
/// uploaded unless the hub has it. An image this device does not hold itself came from another
/// device, which uploaded it. Answers how many were uploaded.
pub(crate) fn upload_for(hub: &Hub, store: &Store, changes: &[Change]) -> Result<usize> {
    let mut uploaded = 0;
    let mut seen = std::collections::BTreeSet::new();
    for change in changes {
        if change.entity != "attachment" || change.op == Op::Delete {
            continue;
        }
        let Some(sha256) = change.fields.get("sha256").and_then(|v| v.as_str()) else {
            continue;
        };
        if !seen.insert(sha256.to_owned()) || !store.has_media(sha256) {
            continue;
        }
        let put = hub.has_blob(sha256).and_then(|has| {
            if has {
                return Ok(false);
            }
            hub.put_blob(sha256, store.media_bytes(sha256)?)?;
            Ok(true)
        });
        match put {
            Ok(true) => uploaded += 1,
            Ok(false) => {}
            // Out of reach: nothing goes, the round says why and tries again later.
            Err(e @ (Error::Unreachable { .. } | Error::Revoked | Error::UpdateRequired)) => {
                return Err(e)
            }
            // Refused (a file changed on disk since it was attached, say): the row goes all
            // the same, so the rest of the team's work is not held up; the others' devices
            // say the image is not on the hub.
            Err(e) => tracing::warn!(image = %sha256, error = %e, "an image was not uploaded"),
        }
    }
    Ok(uploaded)
}

/// Fetches one image this device lacks: `Ok(true)` kept, `Ok(false)` the hub does not have it
/// yet. Bytes that do not hash to the name are refused (nothing kept).
pub(crate) fn fetch_one(hub: &Hub, store: &Store, sha256: &str) -> Result<bool> {
    let Some(bytes) = hub.get_blob(sha256)? else {
        return Ok(false);
    };
    store.keep_media(sha256, &bytes)?;
    Ok(true)
}

/// Fetches the images the attachments here name and `media/` lacks (of one draft, or all):
/// answers how many were kept. One the hub does not have yet is left for later; a hub out of
/// reach stops here ([`Error::Unreachable`]).
pub fn fetch_missing(store: &Store, draft_id: Option<&str>) -> Result<usize> {
    let missing = store.missing_media(draft_id)?;
    if missing.is_empty() {
        return Ok(0);
    }
    let id = store.sync_identity()?.ok_or(Error::NotJoined)?;
    let hub = crate::sync::connect(&id)?;
    fetch_with(&hub, store, &missing)
}

pub(crate) fn fetch_with(hub: &Hub, store: &Store, missing: &[String]) -> Result<usize> {
    let mut kept = 0;
    for sha256 in missing {
        match fetch_one(hub, store, sha256) {
            Ok(true) => kept += 1,
            Ok(false) => tracing::info!(image = %sha256, "not on the hub yet"),
            Err(e @ (Error::Unreachable { .. } | Error::Revoked | Error::UpdateRequired)) => {
                return Err(e)
            }
            Err(e) => tracing::warn!(image = %sha256, error = %e, "an image was not fetched"),
        }
    }
    Ok(kept)
}

impl HubLeases {
    /// [`Leases::fetch_image`] over the team's hub.
    pub(crate) fn fetch(&mut self, store: &Store, sha256: &str) -> Fetched {
        let id = match store.sync_identity() {
            Ok(Some(id)) => id,
            Ok(None) => return Fetched::Failed("this device is in no team".into()),
            Err(e) => return Fetched::Failed(e.to_string()),
        };
        let hub = match self.hub(&id) {
            Ok(hub) => hub,
            Err(e @ Error::Unreachable { .. }) => return Fetched::Later(e.to_string()),
            Err(e) => return Fetched::Failed(e.to_string()),
        };
        match fetch_one(hub, store, sha256) {
            Ok(true) => Fetched::Kept,
            Ok(false) => Fetched::Later(format!(
                "the hub does not have the image {sha256} yet: the device that attached it has \
                 not synced since"
            )),
            Err(e @ Error::Unreachable { .. }) => Fetched::Later(e.to_string()),
            // Something failed on the hub's side (a 500): it may well work in a minute.
            Err(Error::Hub {
                code: ErrorCode::Internal,
                message,
            }) => Fetched::Later(format!(
                "the hub failed to give the image {sha256} ({message}); Podium will try again"
            )),
            Err(e) => Fetched::Failed(e.to_string()),
        }
    }
}
