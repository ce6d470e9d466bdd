//! Text rules: how each network counts a post and what it links.
//!
//! The UI never re-implements any of this; it renders what these functions return.

pub mod bluesky;
mod ranges;
pub mod x;
