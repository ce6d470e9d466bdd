//! What every subcommand shares: the [`Context`] a run is given (the database, opened once and
//! only when a subcommand needs it), how a run ends ([`Outcome`], its exit code), how the
//! command line names a network, and reading the user's text as UTF-8. It owns no rule of its
//! own: the store opens the file, `podium_core` says what a network is called.

use std::ffi::OsStr;
use std::path::PathBuf;

use anyhow::Result;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use podium_core::network::{Network, UnknownNetwork};
use podium_store::Store;

/// How a run ended, beyond "it worked".
pub enum Outcome {
    AllValid,
    SomeInvalid,
    BadInput,
}

/// Built once from `--db` and handed to every subcommand. The database is opened on first use,
/// and then only once: `check` and `import` never touch it, and a subcommand that opens it
/// twice gets the same store.
pub struct Context {
    /// `--db`, when given.
    db: Option<PathBuf>,
    store: Option<Store>,
}

impl Context {
    pub fn new(db: Option<PathBuf>) -> Context {
        Context { db, store: None }
    }

    /// The database the user picked, or the app's.
    pub fn db_path(&self) -> Result<PathBuf, podium_store::Error> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => Store::default_path(),
        }
    }

    /// The store, opened now if it is not yet.
    pub fn store(&mut self) -> Result<&mut Store> {
        self.try_store().map_err(Into::into)
    }

    /// [`Context::store`] with the store's own error, for a subcommand that answers a refused
    /// database itself (`backups restore` restores over a damaged one).
    pub fn try_store(&mut self) -> Result<&mut Store, podium_store::Error> {
        let store = match self.store.take() {
            Some(store) => store,
            None => Store::open(&self.db_path()?)?,
        };
        Ok(self.store.insert(store))
    }
}

/// Reads `--network` as the rest of Podium reads a network (`Network`'s `FromStr`: any letter
/// case, and `twitter` or `bsky` too), while `--help` lists the five codes and an unknown
/// name is refused as clap refuses any value outside a list (exit 2, the codes, the nearest).
#[derive(Clone, Copy, Debug)]
pub struct NetworkParser;

impl TypedValueParser for NetworkParser {
    type Value = Network;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Network, clap::Error> {
        if let Some(network) = value.to_str().and_then(|v| v.parse().ok()) {
            return Ok(network);
        }
        let codes = PossibleValuesParser::new(Network::ALL.map(Network::as_str));
        match codes.parse_ref(cmd, arg, value) {
            Err(refused) => Err(refused),
            // Every code parses, so this is not reached; if it were, still refuse in words.
            Ok(code) => Err(clap::Error::raw(
                ErrorKind::InvalidValue,
                format!("{}\n", UnknownNetwork(code)),
            )),
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Network::ALL.iter().map(|n| PossibleValue::new(n.as_str())),
        ))
    }
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
