//! One publisher across devices (issue 12, item 7): which devices hold each account's sign-in,
//! and a lease per due entry so that exactly one device sends it.
//!
//! A lease is granted by one conditional update (the entry is open, and no one else holds an
//! unexpired lease), which also raises the entry's fencing token; every later step of the
//! holder (a part about to leave, a part out, the outcome) is another conditional update on
//! that token, so a device whose lease lapsed and was taken over is refused and told how the
//! entry stands now. The hub keeps the entry's parts with their keys and how far each got: the
//! device that takes over settles a part that may be out with the same key (Bluesky's
//! `getRecord` on the record key, Mastodon's Idempotency-Key, the lookup on X and LinkedIn).
//!
//! What it must never do: grant a second unexpired lease on one entry, accept a step without
//! the current token, or reopen an entry that was settled.

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use podium_core::lease::{
    ClaimRequest, LeaseAnswer, LeasePart, LeasePartState, LeaseState, LeaseStep, SettleRequest,
    Signin, SigninsRequest, StatesRequest, StepRequest, LEASE_MS, MAX_LEASE_MS, MAX_STATES,
    MIN_LEASE_MS,
};

use crate::server::{authenticate, parse, ApiError, ApiResult, Hub};
use crate::storage::{now_ms, Authed, Storage};
use crate::Result;

/// Where the hub keeps sign-ins and leases; both storage backends implement it (in
/// `storage/{sqlite,postgres}/leases.rs`) and pass one suite (`tests/storage.rs`).
pub trait Leases {
    /// Grants `device` the lease on the entry when it is open and no one else holds an
    /// unexpired one (a conditional update that raises the token), keeping the request's parts
    /// when the entry has none yet.
    fn claim(
        &self,
        device: &Authed,
        request: &ClaimRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> impl Future<Output = Result<LeaseAnswer>> + Send;

    /// Records a holder's step, renewing its lease, when `token` is the entry's current one.
    fn step(
        &self,
        device: &Authed,
        request: &StepRequest,
        lease_ms: u64,
        now_ms: u64,
    ) -> impl Future<Output = Result<LeaseAnswer>> + Send;

    /// Records how the entry ended (or gives it back, `open`), when `token` is current — or,
    /// without a token, when no one else holds an unexpired lease.
    fn settle(
        &self,
        device: &Authed,
        request: &SettleRequest,
        now_ms: u64,
    ) -> impl Future<Output = Result<LeaseAnswer>> + Send;

    /// How these entries stand (unknown ones are left out).
    fn states(&self, entry_ids: &[String]) -> impl Future<Output = Result<Vec<LeaseState>>> + Send;

    /// Replaces the accounts whose sign-in `device` holds.
    fn set_signins(
        &self,
        device: &Authed,
        account_keys: &[String],
        now_ms: u64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every (account, device) sign-in of a device that is not revoked.
    fn signins(&self) -> impl Future<Output = Result<Vec<Signin>>> + Send;
}

/// The parts after `step` (a part it names that does not exist is left as it is: the
/// holder's own bookkeeping went wrong, and the token check already passed).
pub fn apply_step(parts: &mut [LeasePart], step: &LeaseStep) {
    match step {
        LeaseStep::Sending { idx } => {
            if let Some(p) = parts.get_mut(*idx as usize) {
                if p.state == LeasePartState::Pending {
                    p.state = LeasePartState::Sending;
                }
            }
        }
        LeaseStep::Sent {
            idx,
            remote_id,
            remote_cid,
            remote_url,
        } => {
            if let Some(p) = parts.get_mut(*idx as usize) {
                p.state = LeasePartState::Sent;
                p.remote_id = Some(remote_id.clone());
                p.remote_cid.clone_from(remote_cid);
                p.remote_url = Some(remote_url.clone());
            }
        }
        LeaseStep::Renew {} => {}
    }
}

pub(crate) fn parts_json(parts: &[LeasePart]) -> Result<String> {
    serde_json::to_string(parts).map_err(|e| crate::Error::Corrupt(e.to_string()))
}

pub(crate) fn parts_of(text: &str) -> Result<Vec<LeasePart>> {
    serde_json::from_str(text).map_err(|e| crate::Error::Corrupt(format!("a lease's parts: {e}")))
}

/// The lease a device asked for, within bounds.
fn lease_ms(asked: Option<u64>) -> u64 {
    asked.unwrap_or(LEASE_MS).clamp(MIN_LEASE_MS, MAX_LEASE_MS)
}

/// The lease and sign-in routes, merged into the hub's router.
pub fn routes<S: Storage>() -> Router<Arc<Hub<S>>> {
    Router::new()
        .route("/v1/leases/claim", post(claim::<S>))
        .route("/v1/leases/step", post(step::<S>))
        .route("/v1/leases/settle", post(settle::<S>))
        .route("/v1/leases/states", post(states::<S>))
        .route("/v1/signins", get(signins::<S>).put(set_signins::<S>))
}

fn check_parts(parts: &[LeasePart]) -> ApiResult<()> {
    if parts.len() > 100 || parts.iter().any(|p| p.key.is_empty() || p.key.len() > 200) {
        return Err(ApiError::bad_request(
            "a claim names 1 to 100 parts, each with a key of at most 200 characters",
        ));
    }
    Ok(())
}

fn no_lease(entry_id: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        podium_core::sync::ErrorCode::BadRequest,
        format!("the hub has no lease for the post {entry_id}: claim it first"),
    )
}

async fn claim<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> ApiResult<Json<LeaseAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    let request: ClaimRequest = parse(body)?;
    check_parts(&request.parts)?;
    // Approval (issue 12, items 3–4) goes here: an entry that is not approved is refused its
    // lease, whatever the device asks.
    let answer = hub
        .storage()
        .claim(&device, &request, lease_ms(request.lease_ms), now_ms())
        .await?;
    tracing::debug!(
        entry = %request.entry_id,
        device = %device.device_id,
        granted = answer.granted,
        token = answer.state.token,
        "claim"
    );
    Ok(Json(answer))
}

async fn step<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> ApiResult<Json<LeaseAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    let request: StepRequest = parse(body)?;
    match hub
        .storage()
        .step(&device, &request, lease_ms(request.lease_ms), now_ms())
        .await
    {
        Err(crate::Error::NoLease(id)) => Err(no_lease(&id)),
        answer => Ok(Json(answer?)),
    }
}

async fn settle<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> ApiResult<Json<LeaseAnswer>> {
    let device = authenticate(&hub, &headers).await?;
    let request: SettleRequest = parse(body)?;
    if request.token.is_none() && request.account_key.is_none() {
        return Err(ApiError::bad_request(
            "a settlement without a lease names its account (account_key)",
        ));
    }
    let answer = match hub.storage().settle(&device, &request, now_ms()).await {
        Err(crate::Error::NoLease(id)) => return Err(no_lease(&id)),
        answer => answer?,
    };
    tracing::info!(
        entry = %request.entry_id,
        device = %device.device_id,
        outcome = request.settlement.outcome.as_str(),
        taken = answer.granted,
        "settled"
    );
    Ok(Json(answer))
}

async fn states<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Vec<LeaseState>>> {
    authenticate(&hub, &headers).await?;
    let request: StatesRequest = parse(body)?;
    if request.entry_ids.len() > MAX_STATES {
        return Err(ApiError::bad_request(format!(
            "ask for at most {MAX_STATES} entries at once"
        )));
    }
    Ok(Json(hub.storage().states(&request.entry_ids).await?))
}

async fn signins<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<Signin>>> {
    authenticate(&hub, &headers).await?;
    Ok(Json(hub.storage().signins().await?))
}

async fn set_signins<S: Storage>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Vec<Signin>>> {
    let device = authenticate(&hub, &headers).await?;
    let request: SigninsRequest = parse(body)?;
    if request.account_keys.len() > 1_000 || request.account_keys.iter().any(|k| k.len() > 1_000) {
        return Err(ApiError::bad_request(
            "a device reports at most 1,000 accounts, each key at most 1,000 characters",
        ));
    }
    hub.storage()
        .set_signins(&device, &request.account_keys, now_ms())
        .await?;
    Ok(Json(hub.storage().signins().await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(state: LeasePartState) -> LeasePart {
        LeasePart {
            text: "Hei".into(),
            key: "k".into(),
            state,
            remote_id: None,
            remote_cid: None,
            remote_url: None,
        }
    }

    #[test]
    fn a_sent_part_never_goes_back_to_sending() {
        let mut parts = vec![part(LeasePartState::Sent)];
        apply_step(&mut parts, &LeaseStep::Sending { idx: 0 });
        assert_eq!(parts[0].state, LeasePartState::Sent);
        let mut parts = vec![part(LeasePartState::Pending)];
        apply_step(&mut parts, &LeaseStep::Sending { idx: 0 });
        assert_eq!(parts[0].state, LeasePartState::Sending);
    }

    #[test]
    fn a_lease_asked_for_is_kept_within_bounds() {
        assert_eq!(lease_ms(None), LEASE_MS);
        assert_eq!(lease_ms(Some(1)), MIN_LEASE_MS);
        assert_eq!(lease_ms(Some(u64::MAX)), MAX_LEASE_MS);
    }
}
