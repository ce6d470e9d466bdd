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

/// `Debug` for a type that holds secrets: it prints `Name(…)` and nothing of what it holds, so a
/// secret cannot reach a log, an error or the window through `{:?}`. (Defined before the
/// modules so each network's `Secret` uses this one rule.)
macro_rules! redacted_debug {
    ($name:ident) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }
    };
}

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
pub mod scheduler;
pub mod tid;
pub mod x;

pub use error::{Error, Result};
pub use publisher::{pause_after, Publisher, Report};

/// The name Podium gives itself to servers (User-Agent, Mastodon app name).
pub const USER_AGENT: &str = concat!("Podium/", env!("CARGO_PKG_VERSION"));

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_prints_nothing_of_what_it_holds() {
        let secret = crate::mastodon::Secret {
            access_token: "tok-do-not-print".into(),
        };
        assert_eq!(format!("{secret:?}"), "Secret(…)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(…))");
    }
}
