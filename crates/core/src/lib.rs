//! Podium's domain types and pure rules.
//!
//! Everything a leader relies on being *right* lives here: how each network counts a post,
//! which hashtags and links it will turn into links, how a long text splits into a thread,
//! when a time slot falls in a given time zone. This crate does no I/O at all — no files, no
//! network, no clock reads — so every rule is testable with plain `cargo test` and the same
//! answer comes out of the desktop app, the CLI and the publisher.

pub mod clock;
pub mod diff;
pub mod draft;
pub mod language;
pub mod network;
pub mod notice;
pub mod outbox;
pub mod schedule;
pub mod sync;
pub mod text;
pub mod wait;
