//! Publishing: the network clients, the credentials they need (kept in the OS keyring and
//! nowhere else), the flows that connect an account, and the publisher that drains the outbox.
//!
//! The promise is *never a duplicate, never a silent loss*. Everything the publisher does is
//! first committed to the outbox (`podium-store`), and every request carries something that
//! makes sending it twice harmless: a Bluesky record key chosen before the first attempt (a
//! second `createRecord` with the same key cannot make a second post, and `getRecord` tells
//! whether the first one landed), a Mastodon `Idempotency-Key` (the server answers a repeat
//! with the post it already made, for an hour). When neither can settle an outcome, the entry
//! becomes `unknown` and the user decides.
//!
//! Blocking I/O on purpose: the publisher runs on its own thread in the app and in the CLI, one
//! request at a time per entry, and stays easy to reason about under `kill -9`.

pub mod bluesky;
pub mod connect;
pub mod credentials;
mod error;
pub mod http;
pub mod linkedin;
pub mod loopback;
pub mod mastodon;
pub mod oauth;
pub mod publisher;
pub mod tid;
pub mod x;

pub use error::{Error, Result};
pub use publisher::{pause_after, Publisher, Report};

/// The name Podium gives itself to servers (User-Agent, Mastodon app name).
pub const USER_AGENT: &str = concat!("Podium/", env!("CARGO_PKG_VERSION"));
