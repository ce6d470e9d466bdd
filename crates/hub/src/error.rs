//! The hub's one error type. Messages say what happened and what to do; the HTTP layer turns
//! them into an [`podium_core::sync::ErrorBody`] without the details a device should not see.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the hub's SQLite database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("the hub's PostgreSQL database failed: {0}")]
    Postgres(#[from] tokio_postgres::Error),

    #[error(
        "could not connect to PostgreSQL: {0} (check the --postgres address, that the server \
         runs and that the user may log in)"
    )]
    PostgresPool(String),

    #[error("could not create the hub's data folder {path}: {why}")]
    DataFolder { path: PathBuf, why: std::io::Error },

    #[error(
        "the hub's database was written by a newer podium-hub (schema {found}, this one knows up \
         to {known}): update podium-hub"
    )]
    SchemaTooNew { found: i64, known: i64 },

    #[error("there is already a member called {name:?} with the role {role}: invite them again with --role {role}, or choose another name")]
    RoleMismatch { name: String, role: String },

    #[error("a member's name must be 1 to 100 characters, not empty or blank")]
    BadName,

    #[error("no device {0} on this hub: `podium-hub members` lists the devices")]
    NoSuchDevice(String),

    #[error("the hub's database holds something this hub cannot read: {0}")]
    Corrupt(String),

    #[error("could not read the TLS {what} {path}: {why}")]
    Tls {
        what: &'static str,
        path: PathBuf,
        why: String,
    },

    #[error("could not listen on {addr}: {why}")]
    Listen { addr: String, why: String },

    #[error("the hub has no lease for the post {0}: claim it first")]
    NoLease(String),

    #[error("a worker thread of the hub failed: {0}")]
    Worker(String),
}

impl From<deadpool_postgres::PoolError> for Error {
    fn from(e: deadpool_postgres::PoolError) -> Error {
        match e {
            deadpool_postgres::PoolError::Backend(e) => Error::Postgres(e),
            other => Error::PostgresPool(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Error {
        Error::Worker(e.to_string())
    }
}
