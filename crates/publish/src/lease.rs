//! Who may send a post when its account is connected on several devices (issue 12, item 7):
//! the publisher asks a [`Leases`] before it claims a post, reports each step to it while it
//! holds the lease, and tells it the outcome the moment it settles.
//!
//! This crate does not talk to the hub: `podium-sync` implements [`Leases`] over the hub's
//! `/v1/leases` routes; a device not in a team has none, and publishes as it always did.

use podium_core::lease::{LeasePart, LeaseState, LeaseStep, Settlement};
use podium_core::reason::Reason;
use podium_store::{Account, Entry, Store};

/// A lease the hub granted: its fencing token, the parts with their keys (the first claim's,
/// and how far each got), and this device's name as the team knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub token: u64,
    pub parts: Vec<LeasePart>,
    pub device_name: Option<String>,
}

/// The answer to "may this device send this post now?".
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// No other device holds the account's sign-in (or this device is in no team): send it as
    /// before, guarded by this database alone.
    Alone,
    /// The hub granted this device the lease.
    Granted(Lease),
    /// Another device holds the lease, or the post already ended: how it stands on the hub.
    Elsewhere(Box<LeaseState>),
    /// It must not be sent from here now, and why (the hub cannot be reached and another
    /// device holds the account too).
    Wait(Reason),
}

/// Whether a holder's step was taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Stepped {
    /// Still this device's: go on.
    Held,
    /// The lease went to another device (this one was too slow), or the post ended: stop, and
    /// here is how it stands.
    Lost(Box<LeaseState>),
    /// The hub cannot be reached: do not send (nothing proves the lease is still this device's).
    Unreachable,
}

/// How fetching an image this device lacks went ([`Leases::fetch_image`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The image is here now (checked against its SHA-256).
    Kept,
    /// It may come later: the hub cannot be reached, or the device that attached it has not
    /// uploaded it yet. The post waits rather than go without it.
    Later(String),
    /// It will not come this way (why).
    Failed(String),
}

/// The hub's side of publishing across devices, as the publisher uses it.
pub trait Leases: Send {
    /// Brings a stored image another device of the team attached, which is not in this
    /// database's `media/` yet, from the team's hub (issue 13, item 4).
    fn fetch_image(&mut self, store: &Store, sha256: &str) -> Fetched {
        let _ = (store, sha256);
        Fetched::Failed("this device is in no team to fetch it from".into())
    }

    /// Asks for the lease on `entry` (of `account`), offering `parts` (text and a fresh key
    /// each) in case the post has none on the hub yet.
    fn claim(
        &mut self,
        store: &mut Store,
        entry: &Entry,
        account: &Account,
        parts: &[(String, String)],
    ) -> Claim;

    /// Reports a step while holding the lease `token` (and renews it).
    fn step(&mut self, entry_id: &str, token: u64, step: LeaseStep) -> Stepped;

    /// Reports how the post ended (or gives it back: `open`), the moment it settles. `None`
    /// when the hub could not be reached (its lease then lapses, and whoever takes over settles
    /// the post by the network's own means).
    fn settle(&mut self, entry_id: &str, token: u64, settlement: Settlement) -> Option<LeaseState>;
}
