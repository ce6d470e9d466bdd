//! The team hub (DESIGN.md §7): an ordered, authenticated log of changes that a team's devices
//! push to and pull from, over HTTP with the protocol in [`podium_core::sync`].
//!
//! The hub never merges and never reads a draft: it orders what devices push with a gap-free
//! cursor, answers a replayed change with "duplicate", refuses a text change made on a text it
//! has since replaced ("stale", so the device pulls, merges and pushes again) and stamps too far
//! ahead of its clock, and records which device sent what. The rules live in [`rules`], once;
//! the two [`storage`] backends (SQLite, the default, and PostgreSQL, for a hub on a server that
//! several processes may serve at once) only keep the log, and pass one shared test suite.
//!
//! What it must never do: keep a device token or an invite's secret (only their SHA-256), keep
//! state in memory that another hub process on the same PostgreSQL would need, or let a reader
//! see cursor N+1 before N is committed.

pub mod audit;
pub mod blob;
pub mod error;
pub mod lease;
pub mod roles;
pub mod rules;
pub mod scratch;
pub mod secret;
pub mod server;
pub mod storage;
pub mod tls;

pub use error::{Error, Result};
