//! The publishing crate's one error type. Messages say what happened and what to do; none of
//! them ever contains a token, a password or a keyring secret.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] podium_store::Error),

    /// The OS keyring is missing, locked or refused (the message says which, and what to do).
    #[error("{0}")]
    Keyring(String),

    /// A server refused to sign in or answered in a way that ends the flow.
    #[error("{0}")]
    SignIn(String),

    /// The network answered with an error, or its answer was unclear.
    #[error("{0}")]
    Network(String),

    /// The network's server could not be reached at all (no such name, nothing listening).
    #[error("{network} could not be reached: {place}")]
    Unreachable {
        network: String,
        place: crate::http::Unreachable,
    },

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

impl Error {
    /// A failed request as the error a connect flow or a command answers: a server that could
    /// not be reached keeps why as a code (the window words it), anything else is described.
    pub fn from_failure(failure: crate::http::Failure, network: &str) -> Error {
        match failure {
            crate::http::Failure::NotSent(place) => Error::Unreachable {
                network: network.to_owned(),
                place,
            },
            other => Error::Network(other.describe(network)),
        }
    }
}
