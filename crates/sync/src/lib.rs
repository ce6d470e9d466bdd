//! Podium's side of team sync (DESIGN.md §7): the hub's HTTP client, joining a team with an
//! invite code, this device's token in the OS keyring, one sync round, and the long-poll
//! listener that hears of others' changes at once.
//!
//! The hub is an ordered log; this crate moves changes between it and the store, and the
//! store merges (`podium_store`'s sync side, by `podium_core`'s rules). This crate keeps no
//! state of its own beyond a few status notes in the store's settings: a device killed at any
//! point loses nothing, because the store saves each pulled page with its cursor in one
//! transaction and the hub answers a replayed push "duplicate". It knows nothing about Tauri.

mod client;
mod error;
mod lease;
mod media;
pub mod pin;
mod sync;
pub mod token;

pub use client::{hub_url, Hub, Invite, MAX_PAGE_BODY};
pub use error::{Error, Result};
pub use lease::{after_round, report_signins, HubLeases};
pub use media::fetch_missing;
pub use podium_store::SyncIdentity;
pub use sync::{
    audit, invite, join, leave, members, remove_device, remove_member, round, status, Listener,
    Round, Status, MAX_PASSES,
};
