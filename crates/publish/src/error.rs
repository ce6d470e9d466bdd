//! The publishing crate's one error type. Messages say what happened and what to do; none of
//! them ever contains a token, a password or a keyring secret.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] podium_store::Error),

    /// The OS keyring is missing, locked or refused (the reason says which, and what to do).
    #[error("{0}")]
    Keyring(podium_core::reason::Reason),

    /// A server refused to sign in or answered in a way that ends the flow (the reason says
    /// which, and what to do).
    #[error("{0}")]
    SignIn(podium_core::reason::Reason),

    /// The network could not be reached (the reason says why: no such host, nothing
    /// listening, …) or answered with an error.
    #[error("{0}")]
    Network(podium_core::reason::Reason),

    #[error("{0}")]
    Invalid(String),

    #[error(
        "another Podium is already publishing from {0} (the app, or `podium scheduler`); \
         it will send the due posts"
    )]
    Busy(String),

    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
}
