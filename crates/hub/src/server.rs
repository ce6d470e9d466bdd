//! The hub's HTTP face: the routes of [`podium_core::sync`], each a few lines that check the
//! protocol and the token, call the storage, and answer JSON.
//!
//! Long-polls wait on a [`watch`] of the newest cursor. A push in this process moves it at once;
//! a push through another process on the same database is heard from the database (PostgreSQL's
//! LISTEN/NOTIFY) or, where it cannot tell, by reading the head four times a second — so no
//! state lives only here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use podium_core::sync::{
    ErrorBody, ErrorCode, Hello, InviteCode, JoinAnswer, JoinRequest, PullAnswer, PushAnswer,
    PushRequest, PushStatus, Role, MAX_PAGE, MAX_WAIT_SECS, MIN_PROTOCOL_VERSION, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::storage::{now_ms, Auth, Authed, News, Storage};

/// The largest request body: a full push of [`MAX_PAGE`] changes with long texts.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// How often the head is read from the storage, to hear of pushes through other processes.
const HEAD_POLL: Duration = Duration::from_millis(250);

/// How long a client may take to send a request's head.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// The hub: its storage and the newest cursor it knows of.
#[derive(Debug)]
pub struct Hub<S> {
    storage: S,
    head: watch::Sender<u64>,
}

impl<S: Storage> Hub<S> {
    pub async fn new(storage: S) -> crate::Result<Arc<Hub<S>>> {
        let head = storage.head().await?;
        let hub = Arc::new(Hub {
            storage,
            head: watch::Sender::new(head),
        });
        // Hears of pushes through other processes: from the database itself where it can tell
        // (PostgreSQL), otherwise by reading the head a few times a second. Both hold only a
        // weak reference, so they end with the hub.
        let weak = Arc::downgrade(&hub);
        let news: News = Arc::new(move |head| match weak.upgrade() {
            Some(hub) => {
                hub.saw(head);
                true
            }
            None => false,
        });
        if hub.storage.listen(news) {
            return Ok(hub);
        }
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEAD_POLL).await;
                let Some(hub) = weak.upgrade() else { break };
                match hub.storage.head().await {
                    Ok(head) => hub.saw(head),
                    Err(e) => tracing::warn!("reading the newest cursor failed: {e}"),
                }
            }
        });
        Ok(hub)
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Moves the known head forward (never back) and wakes the long-polls it concerns.
    pub fn saw(&self, head: u64) {
        self.head.send_if_modified(|known| {
            let newer = head > *known;
            if newer {
                *known = head;
            }
            newer
        });
    }
}

/// An error answer: an HTTP status and an [`ErrorBody`].
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        error: ErrorCode,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error,
                message: message.into(),
            },
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        tracing::error!("{e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the hub could not do this just now; try again in a moment (the hub's log says why)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// The hub's routes.
pub fn router<S: Storage>(hub: Arc<Hub<S>>) -> Router {
    Router::new()
        .route("/v1/hello", get(hello::<S>))
        .route("/v1/join", post(join::<S>))
        .route("/v1/changes", post(push::<S>).get(pull::<S>))
        .route("/v1/members", get(members::<S>))
        .route("/v1/devices/{id}", delete(revoke::<S>))
        .route("/v1/invites", post(invite::<S>))
        .route("/v1/audit", get(audit::<S>))
        .merge(crate::lease::routes::<S>())
        .merge(crate::blob::routes::<S>())
        .layer(axum::middleware::from_fn(protocol))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// Every request names its protocol; a missing or older one is told to update (426) before
/// anything else happens.
async fn protocol(request: Request, next: Next) -> Response {
    let version = request
        .headers()
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    match version {
        Some(v) if v >= MIN_PROTOCOL_VERSION => next.run(request).await,
        _ => ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            ErrorCode::UpdateRequired,
            format!(
                "this hub speaks protocol {PROTOCOL_VERSION} (and {MIN_PROTOCOL_VERSION} at the \
                 oldest); this device speaks {}: update Podium on this device",
                version.map_or_else(|| "none".to_owned(), |v| v.to_string())
            ),
        )
        .into_response(),
    }
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<T> {
    let body = body.map_err(|e| {
        ApiError::new(
            e.status(),
            ErrorCode::BadRequest,
            format!("the request's body could not be read: {}", e.body_text()),
        )
    })?;
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the request does not read: {e}")))
}

/// The device behind the request's bearer token.
pub(crate) async fn authenticate<S: Storage>(
    hub: &Hub<S>,
    headers: &HeaderMap,
) -> ApiResult<Authed> {
    let unauthorized = |message: &str| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            message.to_owned(),
        )
    };
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("this request carries no device token: join the team first"))?;
    match hub
        .storage
        .authenticate(&crate::secret::hash(token), now_ms())
        .await?
    {
        Auth::Device(device) => Ok(device),
        Auth::Revoked => Err(unauthorized(
            "this device was revoked from the team: join again with a new invite code",
        )),
        Auth::Unknown => Err(unauthorized(
            "this hub does not know this device's token: join the team again with a new invite code",
        )),
    }
}

async fn hello<S: Storage>(State(hub): State<Arc<Hub<S>>>) -> ApiResult<Json<Hello>> {
    Ok(Json(Hello {
        protocol: PROTOCOL_VERSION,
        min_protocol: MIN_PROTOCOL_VERSION,
        workspace: hub.storage.workspace().await?,
    }))
}

async fn join<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<JoinAnswer>> {
    let request: JoinRequest = parse(body)?;
    let device_name = request.device_name.trim();
    if device_name.is_empty() || device_name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "a device's name must be 1 to 100 characters",
        ));
    }
    let bad_code = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::BadCode,
            "this invite code is unknown, used or expired: ask for a new one \
             (podium-hub invite on the hub)",
        )
    };
    let code: InviteCode = request.code.parse().map_err(|_| bad_code())?;
    let token = crate::secret::new_token();
    let joined = hub
        .storage
        .join(
            &crate::secret::hash(&code.secret),
            device_name,
            &crate::secret::hash(&token),
            now_ms(),
        )
        .await?
        .ok_or_else(bad_code)?;
    tracing::info!(
        device = %joined.device_id,
        member = %joined.member.name,
        "a device joined"
    );
    Ok(Json(JoinAnswer {
        workspace: hub.storage.workspace().await?,
        device_id: joined.device_id,
        token,
        member: joined.member,
    }))
}

async fn push<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<PushAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    let request: PushRequest = parse(body)?;
    if request.changes.len() > MAX_PAGE {
        return Err(ApiError::bad_request(format!(
            "a push carries at most {MAX_PAGE} changes, not {}: send them in pages",
            request.changes.len()
        )));
    }
    let now = now_ms();
    let results = hub.storage.push(&device, &request.changes, now).await?;
    if let Some(newest) = results
        .iter()
        .filter(|r| r.status == PushStatus::Accepted)
        .filter_map(|r| r.cursor)
        .max()
    {
        hub.saw(newest);
    }
    Ok(Json(PushAnswer {
        results,
        hub_time_ms: now_ms(),
    }))
}

#[derive(Debug, Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
    #[serde(default)]
    wait: u64,
}

async fn pull<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<PullAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limit = query.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let wait = Duration::from_secs(query.wait.min(MAX_WAIT_SECS));
    if query.after > *hub.head.borrow() {
        // Ahead of what this process knows: another process may have just taken it, or the
        // hub's database is older than the device's cursor (restored from a backup).
        let head = hub.storage.head().await?;
        hub.saw(head);
        if query.after > head {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::BadRequest,
                format!(
                    "this device has read up to change {} but the hub holds only {head}: the \
                     hub's database was replaced or restored; leave the team on this device and \
                     join again",
                    query.after
                ),
            ));
        }
    }
    if !wait.is_zero() {
        let mut head = hub.head.subscribe();
        // Timing out is the normal answer: nothing new.
        let _ = tokio::time::timeout(wait, head.wait_for(|h| *h > query.after)).await;
    }
    let page = hub.storage.pull(query.after, limit).await?;
    let cursor = page.changes.last().map_or(query.after, |c| c.cursor);
    tracing::debug!(device = %device.device_id, after = query.after, cursor, "pull");
    Ok(Json(PullAnswer {
        changes: page.changes,
        cursor,
        more: page.more,
        hub_time_ms: now_ms(),
    }))
}

async fn members<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<podium_core::sync::Member>>> {
    authenticate(&hub, &headers).await?;
    Ok(Json(hub.storage.members().await?))
}

/// Revokes a device: the member's own, or any device by an executive.
async fn revoke<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let device = authenticate(&hub, &headers).await?;
    let target = hub.storage.device(&id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::BadRequest,
            format!("no device {id} on this hub"),
        )
    })?;
    if target.member_id != device.member_id && device.role != Role::Executive {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "only an executive may revoke another member's device",
        ));
    }
    hub.storage.revoke(&id, now_ms()).await?;
    tracing::info!(device = %id, by = %device.device_id, "a device was revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// An executive's request for a one-time invite code (the app's Team panel).
#[derive(Debug, Deserialize)]
struct InviteRequest {
    name: String,
    role: Role,
}

/// The code to pass on (with the hub's pin when its certificate is self-signed), and until when
/// it works (RFC 3339).
#[derive(Debug, serde::Serialize)]
struct InviteAnswer {
    code: String,
    expires_at: String,
}

/// Invites a member, as `podium-hub invite` does: an executive's device only.
async fn invite<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<InviteAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    if device.role != Role::Executive {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "only an executive may invite someone to the team",
        ));
    }
    let request: InviteRequest = parse(body)?;
    let invited = match hub
        .storage
        .invite(&request.name, request.role, now_ms())
        .await
    {
        Ok(invited) => invited,
        Err(e @ (crate::Error::RoleMismatch { .. } | crate::Error::BadName)) => {
            return Err(ApiError::bad_request(e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    let code = InviteCode {
        secret: invited.secret,
        pin: hub.storage.pin().await?,
    };
    let expires_at = chrono::DateTime::from_timestamp_millis(invited.expires_at_ms as i64)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    tracing::info!(member = %invited.member_id, by = %device.device_id, "an invite was made");
    Ok(Json(InviteAnswer {
        code: code.to_string(),
        expires_at,
    }))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    entry: Option<String>,
}

/// The audit trail of one outbox entry (`?entry=ID`) or of the workspace, as this hub recorded
/// it from authenticated pushes.
async fn audit<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<podium_core::sync::AuditEvent>>> {
    authenticate(&hub, &headers).await?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(Json(hub.storage.audit(query.entry.as_deref()).await?))
}

/// Serves `hub` on `listener` (with TLS when `tls` is given) until `shutdown` completes.
pub async fn serve<S: Storage>(
    hub: Arc<Hub<S>>,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()>,
) -> crate::Result<()> {
    let app = router(hub);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let served = match acceptor {
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(tls) => serve_connection(TokioIo::new(tls), service).await,
                    Err(e) => {
                        tracing::debug!(%peer, "TLS handshake failed: {e}");
                        return;
                    }
                },
                None => serve_connection(TokioIo::new(stream), service).await,
            };
            if let Err(e) = served {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
}

async fn serve_connection<I>(
    io: I,
    service: TowerToHyperService<Router>,
) -> Result<(), hyper::Error>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    hyper::server::conn::http1::Builder::new()
        // A client that opens a connection and sends nothing (or a header a byte a minute)
        // does not hold it for ever.
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(io, service)
        .await
}

/// Binds `addr` (port 0 picks a free one).
pub async fn bind(addr: &str) -> crate::Result<(TcpListener, SocketAddr)> {
    let listen = |e: std::io::Error| crate::Error::Listen {
        addr: addr.to_owned(),
        why: match e.kind() {
            std::io::ErrorKind::AddrInUse => "the address is in use (is another hub running \
                there? pick another port with --listen)"
                .to_owned(),
            _ => e.to_string(),
        },
    };
    let listener = TcpListener::bind(addr).await.map_err(listen)?;
    let local = listener.local_addr().map_err(listen)?;
    Ok((listener, local))
}
