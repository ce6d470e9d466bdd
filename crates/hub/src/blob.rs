//! Images as blobs (issue 13, item 4): the bytes of an image a device attached, kept by the hub
//! under their SHA-256 so the team's other devices fetch them when they need them. The row that
//! says which draft shows which image, with its alt text, travels in the change log like any
//! other; only the bytes come here.
//!
//! `PUT /v1/blobs/{sha256}` takes a member's upload when its body hashes to the name (400
//! otherwise, 413 above [`MAX_BLOB_BYTES`]) and is idempotent; `GET` answers the bytes to a
//! member (404 when absent); `HEAD` says whether the hub has them. One hub database is one
//! workspace, so a member is served exactly their workspace's blobs: a device of another team
//! has no token here (401).

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use podium_core::sync::{is_blob_name, ErrorCode, MAX_BLOB_BYTES};
use sha2::Digest as _;

use crate::server::{authenticate, ApiError, ApiResult, Hub};
use crate::storage::{now_ms, Authed, Storage};
use crate::Result;

/// Where the hub keeps blobs; both storage backends implement it (in
/// `storage/{sqlite,postgres}/blobs.rs`).
pub trait Blobs {
    /// Keeps `bytes` under `sha256` (already checked) unless it is there; `true` when it was
    /// new.
    fn put_blob(
        &self,
        device: &Authed,
        sha256: &str,
        bytes: Vec<u8>,
        now_ms: u64,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The bytes kept under `sha256`, if any.
    fn get_blob(&self, sha256: &str) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;

    /// Whether the hub keeps `sha256`.
    fn has_blob(&self, sha256: &str) -> impl Future<Output = Result<bool>> + Send;
}

/// The blob routes, merged into the hub's router. An upload's body is read by [`upload`] itself,
/// with the blob cap as its limit.
pub fn routes<S: Storage>() -> Router<Arc<Hub<S>>> {
    Router::new().route(
        "/v1/blobs/{sha256}",
        get(fetch::<S>).put(upload::<S>).head(exists::<S>),
    )
}

fn check_name(sha256: &str) -> ApiResult<()> {
    if is_blob_name(sha256) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{sha256:?} is not a blob's name: a blob is named by the SHA-256 of its bytes, 64 \
             lower-case hex digits"
        )))
    }
}

fn too_big() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BadRequest,
        format!(
            "this image is larger than the hub keeps ({} MiB at most): attach a smaller one",
            MAX_BLOB_BYTES / 1024 / 1024
        ),
    )
}

fn hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Takes an upload. The body is read only after the device is known and the name is right,
/// and never past the cap: a stranger cannot make the hub hold 20 MiB per request.
async fn upload<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    body: Body,
) -> ApiResult<StatusCode> {
    let device = authenticate(&hub, &headers).await?;
    check_name(&sha256)?;
    // One past the cap: a body of exactly the cap is read whole, and one byte more refused.
    let body = axum::body::to_bytes(body, MAX_BLOB_BYTES as usize + 1)
        .await
        .map_err(|e| {
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            {
                too_big()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadRequest,
                    format!("the image could not be read: {e}"),
                )
            }
        })?;
    if body.len() as u64 > MAX_BLOB_BYTES {
        return Err(too_big());
    }
    let actual = hex(&body);
    if actual != sha256 {
        return Err(ApiError::bad_request(format!(
            "the body's SHA-256 is {actual}, not {sha256}: a blob is named by the SHA-256 of its \
             bytes (the upload was damaged or misnamed; nothing was kept)"
        )));
    }
    let new = hub
        .storage()
        .put_blob(&device, &sha256, body.to_vec(), now_ms())
        .await?;
    tracing::debug!(blob = %sha256, device = %device.device_id, new, "blob");
    Ok(if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

fn absent(sha256: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::BadRequest,
        format!("the hub has no image {sha256}: the device that attached it has not synced it yet"),
    )
}

async fn fetch<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> ApiResult<Response> {
    authenticate(&hub, &headers).await?;
    check_name(&sha256)?;
    let bytes = hub
        .storage()
        .get_blob(&sha256)
        .await?
        .ok_or_else(|| absent(&sha256))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            // Content-addressed: the same name is the same bytes for ever.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn exists<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> ApiResult<StatusCode> {
    authenticate(&hub, &headers).await?;
    check_name(&sha256)?;
    if hub.storage().has_blob(&sha256).await? {
        Ok(StatusCode::OK)
    } else {
        Err(absent(&sha256))
    }
}
