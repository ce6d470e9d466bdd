//! One publisher across devices (issue 12), the device's side of the hub: the lease calls the
//! publisher makes ([`HubLeases`], `podium_publish::lease::Leases` over `/v1/leases`), and what
//! a sync round adds — this device's sign-ins told to the hub, the hub's list of who holds
//! which kept in the store, and outcomes other devices settled heard at once.

use podium_core::lease::{
    ClaimRequest, LeaseAnswer, LeasePart, LeasePartState, LeaseState, LeaseStep, SettleRequest,
    Settlement, Signin, SigninsRequest, StatesRequest, StepRequest, MAX_STATES,
};
use podium_core::reason::Reason;
use podium_publish::lease::{Claim, Lease, Leases, Stepped};
use podium_store::{Account, Entry, Store, SyncIdentity};

use crate::client::Hub;
use crate::{Error, Result};

impl Hub {
    /// `POST /v1/leases/claim`.
    pub fn lease_claim(&self, request: &ClaimRequest) -> Result<LeaseAnswer> {
        self.answer(self.authed_post("v1/leases/claim")?.json(request))
    }

    /// `POST /v1/leases/step`.
    pub fn lease_step(&self, request: &StepRequest) -> Result<LeaseAnswer> {
        self.answer(self.authed_post("v1/leases/step")?.json(request))
    }

    /// `POST /v1/leases/settle`.
    pub fn lease_settle(&self, request: &SettleRequest) -> Result<LeaseAnswer> {
        self.answer(self.authed_post("v1/leases/settle")?.json(request))
    }

    /// `POST /v1/leases/states`.
    pub fn lease_states(&self, entry_ids: &[String]) -> Result<Vec<LeaseState>> {
        let body = StatesRequest {
            entry_ids: entry_ids.to_vec(),
        };
        self.answer(self.authed_post("v1/leases/states")?.json(&body))
    }

    /// `PUT /v1/signins`: every account whose sign-in this device holds; answers who holds
    /// which across the team.
    pub fn put_signins(&self, account_keys: &[String]) -> Result<Vec<Signin>> {
        let body = SigninsRequest {
            account_keys: account_keys.to_vec(),
        };
        self.answer(
            self.authed_request(reqwest::Method::PUT, "v1/signins")?
                .json(&body),
        )
    }

    fn authed_post(&self, path: &str) -> Result<reqwest::blocking::RequestBuilder> {
        self.authed_request(reqwest::Method::POST, path)
    }
}

/// What a sync round does for publishing across devices, after its pull and push: tells the hub
/// which accounts this device holds (and keeps who holds which), and hears how posts waiting
/// here ended on other devices. `Ok(n)`: posts that changed here.
pub fn after_round(hub: &Hub, store: &mut Store) -> Result<usize> {
    let signins = hub.put_signins(&store.held_here()?)?;
    store.set_signins(&signins)?;
    let waiting = store.unsettled_entries(MAX_STATES)?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let mut heard = 0;
    for state in hub.lease_states(&waiting)? {
        if store.hear_outcome(&state)? {
            heard += 1;
        }
    }
    Ok(heard)
}

/// Tells the hub this device's sign-ins now (after connecting or disconnecting an account), and
/// keeps the team's list. A device in no team has nothing to tell.
pub fn report_signins(store: &mut Store) -> Result<()> {
    let Some(id) = store.sync_identity()? else {
        return Ok(());
    };
    let hub = crate::sync::connect(&id)?;
    let signins = hub.put_signins(&store.held_here()?)?;
    store.set_signins(&signins)?;
    Ok(())
}

/// The publisher's leases, over the hub of the team this device is in (looked up on each
/// claim, so joining or leaving while the publisher runs takes effect at once).
#[derive(Debug, Default)]
pub struct HubLeases {
    hub: Option<(String, Hub)>,
}

impl HubLeases {
    pub fn new() -> HubLeases {
        HubLeases::default()
    }

    pub(crate) fn hub(&mut self, id: &SyncIdentity) -> Result<&Hub> {
        let fresh = !matches!(&self.hub, Some((device, _)) if *device == id.device_id);
        if fresh {
            self.hub = Some((id.device_id.clone(), crate::sync::connect(id)?));
        }
        self.hub
            .as_ref()
            .map(|(_, hub)| hub)
            .ok_or(Error::NotJoined)
    }

    fn current(&self) -> Option<&Hub> {
        self.hub.as_ref().map(|(_, hub)| hub)
    }
}

/// How long a lease lasts; a debug build takes `PODIUM_TEST_LEASE_MS` (the crash tests wait for
/// a killed device's lease to lapse).
fn lease_ms() -> Option<u64> {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("PODIUM_TEST_LEASE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Some(ms);
    }
    None
}

impl Leases for HubLeases {
    fn fetch_image(&mut self, store: &Store, sha256: &str) -> podium_publish::lease::Fetched {
        self.fetch(store, sha256)
    }

    fn claim(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        account: &Account,
        parts: &[(String, String)],
    ) -> Claim {
        let id = match store.sync_identity() {
            Ok(Some(id)) => id,
            _ => return Claim::Alone,
        };
        let request = ClaimRequest {
            entry_id: entry.id.clone(),
            account_key: account.key(),
            parts: parts
                .iter()
                .map(|(text, key)| LeasePart {
                    text: text.clone(),
                    key: key.clone(),
                    state: LeasePartState::Pending,
                    remote_id: None,
                    remote_cid: None,
                    remote_url: None,
                })
                .collect(),
            lease_ms: lease_ms(),
        };
        let answer = self.hub(&id).and_then(|hub| hub.lease_claim(&request));
        match answer {
            Ok(answer) if answer.granted => Claim::Granted(Lease {
                token: answer.state.token,
                parts: answer.state.parts,
                device_name: answer.state.device_name,
            }),
            Ok(answer) => Claim::Elsewhere(Box::new(answer.state)),
            Err(error) => {
                // Without the hub, this device decides by the list it kept: an account no other
                // device holds is published from here, as before the team; one another device
                // holds waits for the hub (the other device may be sending it).
                let elsewhere = store
                    .signins_of(account)
                    .unwrap_or_default()
                    .into_iter()
                    .any(|s| s.device_id != id.device_id);
                tracing::warn!(entry = %entry.id, %error, elsewhere, "no lease from the hub");
                if elsewhere {
                    Claim::Wait(Reason::SharedNeedsHub { hub: id.hub })
                } else {
                    Claim::Alone
                }
            }
        }
    }

    fn step(&mut self, entry_id: &str, token: u64, step: LeaseStep) -> Stepped {
        let Some(hub) = self.current() else {
            return Stepped::Unreachable;
        };
        let request = StepRequest {
            entry_id: entry_id.to_owned(),
            token,
            lease_ms: lease_ms(),
            step,
        };
        match hub.lease_step(&request) {
            Ok(answer) if answer.granted => Stepped::Held,
            Ok(answer) => Stepped::Lost(Box::new(answer.state)),
            Err(error) => {
                tracing::warn!(entry = entry_id, %error, "the hub did not take a lease step");
                Stepped::Unreachable
            }
        }
    }

    fn settle(&mut self, entry_id: &str, token: u64, settlement: Settlement) -> Option<LeaseState> {
        let hub = self.current()?;
        let request = SettleRequest {
            entry_id: entry_id.to_owned(),
            token: Some(token),
            account_key: None,
            settlement,
        };
        match hub.lease_settle(&request) {
            Ok(answer) => Some(answer.state),
            Err(error) => {
                tracing::warn!(entry = entry_id, %error, "the hub did not hear the outcome");
                None
            }
        }
    }
}
