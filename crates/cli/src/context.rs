//! What every subcommand shares: how a run ends (its exit code), where the database is and how
//! it is opened, and reading the user's text as UTF-8.

use std::path::{Path, PathBuf};

use anyhow::Result;
use podium_store::Store;

/// How a run ended, beyond "it worked".
pub enum Outcome {
    AllValid,
    SomeInvalid,
    BadInput,
}

/// Decodes `bytes` as UTF-8, or says where it is not and what to do.
pub fn utf8(bytes: Vec<u8>, what: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8 and try again",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The database the user picked, or the app's.
pub fn db_path(db: Option<&Path>) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p.to_owned()),
        None => Ok(Store::default_path()?),
    }
}

pub fn open(db: &Path) -> Result<Store> {
    Store::open(db).map_err(Into::into)
}
