//! The networks Podium writes for, by one name each.
//!
//! A network's code (`x`, `bluesky`, `mastodon`, `linkedin`, `threads`) is what the database,
//! the CLI's JSON and the window see; [`Network::name`] is how people write it. Nothing else
//! in Podium spells a network as a string: everything parses it here ([`FromStr`], serde) and
//! prints it here ([`Display`](fmt::Display), serde).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A network Podium checks for and posts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    X,
    Bluesky,
    Mastodon,
    Linkedin,
    Threads,
}

impl Network {
    pub const ALL: [Network; 5] = [
        Network::X,
        Network::Bluesky,
        Network::Mastodon,
        Network::Linkedin,
        Network::Threads,
    ];

    /// The network's code, as stored and serialized (`"linkedin"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Network::X => "x",
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::Linkedin => "linkedin",
            Network::Threads => "threads",
        }
    }

    /// The network's name as people write it (`"LinkedIn"`).
    pub fn name(self) -> &'static str {
        match self {
            Network::X => "X",
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::Linkedin => "LinkedIn",
            Network::Threads => "Threads",
        }
    }

    /// Above how many hashtags a post reads as spam, by default.
    pub fn default_max_hashtags(self) -> Option<usize> {
        match self {
            Network::X | Network::Linkedin => Some(3),
            Network::Bluesky | Network::Mastodon | Network::Threads => None,
        }
    }
}

/// Prints the code (`bluesky`), which [`FromStr`] reads back.
impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown network name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownNetwork(pub String);

impl fmt::Display for UnknownNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown network `{}` (choose x, bluesky, mastodon, linkedin or threads)",
            self.0
        )
    }
}

impl std::error::Error for UnknownNetwork {}

/// Reads a code in any letter case, and the names people also use (`twitter`, `bsky`).
impl FromStr for Network {
    type Err = UnknownNetwork;

    fn from_str(s: &str) -> Result<Network, UnknownNetwork> {
        match s.to_ascii_lowercase().as_str() {
            "x" | "twitter" => Ok(Network::X),
            "bluesky" | "bsky" => Ok(Network::Bluesky),
            "mastodon" => Ok(Network::Mastodon),
            "linkedin" => Ok(Network::Linkedin),
            "threads" => Ok(Network::Threads),
            _ => Err(UnknownNetwork(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_reads_back_what_it_prints_and_what_serde_writes() {
        for n in Network::ALL {
            assert_eq!(n.to_string().parse::<Network>(), Ok(n));
            assert_eq!(
                serde_json::to_value(n).unwrap(),
                serde_json::Value::String(n.as_str().to_owned()),
                "serde and Display agree on {n:?}"
            );
            assert_eq!(
                serde_json::from_value::<Network>(serde_json::json!(n.as_str())).unwrap(),
                n
            );
        }
    }

    #[test]
    fn network_names_parse_in_any_letter_case_and_by_their_other_names() {
        assert_eq!("LinkedIn".parse::<Network>(), Ok(Network::Linkedin));
        assert_eq!("twitter".parse::<Network>(), Ok(Network::X));
        assert_eq!("bsky".parse::<Network>(), Ok(Network::Bluesky));
        let err = "myspace".parse::<Network>().unwrap_err().to_string();
        assert!(err.contains("choose x, bluesky"), "{err}");
    }
}
