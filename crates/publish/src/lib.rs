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
    ($name:ident $(<$lt:lifetime>)?) => {
        impl std::fmt::Debug for $name $(<$lt>)? {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }
    };
}

pub mod background;
pub mod bluesky;
pub mod card;
mod channel;
pub mod connect;
pub mod credentials;
mod error;
pub mod http;
pub mod lease;
pub mod linkedin;
pub mod loopback;
pub mod mastodon;
pub mod media;
pub mod oauth;
pub mod publisher;
pub mod results;
pub mod scheduler;
pub mod threads;
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

    /// Every type that holds a password, a token or a client secret, filled with one and
    /// printed with `{:?}`: none shows it. A new such type belongs in this list.
    #[test]
    fn no_type_holding_a_secret_prints_it() {
        const SECRET: &str = "sk-live-do-not-print";
        let bluesky_secret = crate::bluesky::Secret {
            app_password: SECRET.into(),
            access_jwt: SECRET.into(),
            refresh_jwt: SECRET.into(),
        };
        let session: crate::bluesky::Session = serde_json::from_value(serde_json::json!({
            "did": "did:plc:a", "handle": "a.bsky.social",
            "accessJwt": SECRET, "refreshJwt": SECRET,
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let mastodon_secret = crate::mastodon::Secret {
            access_token: SECRET.into(),
        };
        let app = crate::mastodon::App {
            client_id: "c".into(),
            client_secret: SECRET.into(),
            redirect_uri: "urn:ietf:wg:oauth:2.0:oob".into(),
            pkce_verifier: Some(SECRET.into()),
        };
        let linkedin_secret = crate::linkedin::Secret {
            client_id: "c".into(),
            client_secret: SECRET.into(),
            access_token: SECRET.into(),
            expires_at: chrono::Utc::now(),
        };
        let keys = crate::oauth::OAuth1Keys {
            consumer_key: "k",
            consumer_secret: SECRET,
            token: SECRET,
            token_secret: SECRET,
        };
        let mut printed = vec![
            format!("{bluesky_secret:?}"),
            format!("{session:?}"),
            format!("{mastodon_secret:?}"),
            format!("{app:?}"),
            format!("{linkedin_secret:?}"),
            format!("{keys:?}"),
        ];
        printed.extend(crate::bluesky::tests::secret_holders(SECRET));
        printed.extend(crate::mastodon::tests::secret_holders(SECRET));
        printed.extend(crate::linkedin::tests::secret_holders(SECRET));
        printed.extend(crate::x::tests::secret_holders(SECRET));
        printed.extend(crate::threads::tests::secret_holders(SECRET));
        assert_eq!(printed.len(), 14, "{printed:?}");
        for p in &printed {
            assert!(!p.contains(SECRET), "{p}");
            assert!(p.ends_with("(…)"), "{p}");
        }
    }
}
