//! Whether a draft fits a network as it would be sent: the network's own version or the shared
//! text, split into a thread when thread mode is on, each post checked as the network counts it.
//!
//! One rule, asked in three places: scheduling refuses a post that does not fit (the app's
//! dialog and `podium schedule`), the store holds a queued post that an edit made unfit, and
//! the publisher checks once more before it claims anything. None of them words the answer
//! itself beyond English for logs and the CLI: a [`Misfit`] is a code with data, and the window
//! words it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::draft::text_for;
use crate::network::Network;
use crate::reason::Reason;
use crate::text::check::{self, Lang, Options, Severity};
use crate::text::thread;

/// Why a draft cannot go out on a network as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misfit {
    pub network: Network,
    /// In a thread, which post (1-based) does not fit; `None` for a single post.
    pub part: Option<usize>,
    #[serde(flatten)]
    pub why: Why,
}

/// What is wrong, as a code (`reason`) with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Why {
    /// Nothing but whitespace.
    Empty,
    /// Longer than the network allows, as the network counts it.
    TooLong { length: usize, limit: usize },
    /// It fits, yet the network would refuse it: the check's code (empty when no note said
    /// why) and its note in English and Norwegian, e.g. a character X refuses.
    Refused {
        check: String,
        note_en: String,
        note_nb: String,
    },
}

impl Misfit {
    /// The misfit as the reason a post is held or stopped with (the store keeps its code and
    /// data; the window words it from `reason.<code>`).
    pub fn reason(&self) -> Reason {
        let network = self.network;
        let part = self.part.map(|k| u32::try_from(k).unwrap_or(u32::MAX));
        match &self.why {
            Why::Empty => Reason::Empty {},
            Why::TooLong { length, limit } => Reason::TooLong {
                network,
                part,
                length: *length,
                limit: *limit,
            },
            Why::Refused {
                check,
                note_en,
                note_nb,
            } => Reason::NotPostable {
                network,
                part,
                warning: check.clone(),
                note_en: note_en.clone(),
                note_nb: note_nb.clone(),
            },
        }
    }
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let network = self.network.name();
        let part = self.part.map(|k| format!("part {k} ")).unwrap_or_default();
        match &self.why {
            Why::Empty => write!(f, "{part}is empty: write something for {network} first"),
            Why::TooLong { length, limit } => write!(
                f,
                "{} too long for {network} ({length} of {limit} allowed): shorten it, write \
                 {network}'s own version, or turn on thread mode",
                self.part
                    .map_or("it is".to_owned(), |k| format!("part {k} is"))
            ),
            Why::Refused { note_en, .. } => write!(
                f,
                "{part}cannot go out on {network} as it is: {note_en}; fix it in the editor"
            ),
        }
    }
}

/// The texts that would go out on `network` (one, or a thread's posts), or why they cannot.
pub fn texts_to_send(
    text: &str,
    variants: &BTreeMap<Network, String>,
    thread_mode: bool,
    network: Network,
    options: &Options,
) -> Result<Vec<String>, Misfit> {
    let text = text_for(text, variants, network);
    let texts = if thread_mode && network != Network::Linkedin {
        thread::split(text, network, options, true)
    } else {
        vec![text.to_owned()]
    };
    let several = texts.len() > 1;
    let misfit = |k: usize, why: Why| Misfit {
        network,
        part: several.then_some(k + 1),
        why,
    };
    if texts.iter().all(|t| t.trim().is_empty()) {
        return Err(misfit(0, Why::Empty));
    }
    for (k, t) in texts.iter().enumerate() {
        if t.trim().is_empty() {
            return Err(misfit(k, Why::Empty));
        }
        let report = check::check(t, network, options);
        if report.postable() {
            continue;
        }
        if report.length > report.limit {
            return Err(misfit(
                k,
                Why::TooLong {
                    length: report.length,
                    limit: report.limit,
                },
            ));
        }
        // Its check says which and where, in both of the window's languages.
        let note = |lang: Lang, otherwise: &str| {
            let options = Options {
                lang,
                ..options.clone()
            };
            check::check(t, network, &options)
                .warnings
                .into_iter()
                .find(|w| w.severity == Severity::Error)
                .map_or_else(
                    || (String::new(), otherwise.to_owned()),
                    |w| {
                        (
                            w.code.to_owned(),
                            w.message.trim_end_matches('.').to_owned(),
                        )
                    },
                )
        };
        let (check, note_en) = note(Lang::En, "the network would refuse it");
        let (_, note_nb) = note(Lang::Nb, "nettverket ville avvist det");
        return Err(misfit(
            k,
            Why::Refused {
                check,
                note_en,
                note_nb,
            },
        ));
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(network: Network, text: &str, thread_mode: bool) -> Result<Vec<String>, Misfit> {
        texts_to_send(
            text,
            &BTreeMap::new(),
            thread_mode,
            network,
            &Options::default(),
        )
    }

    #[test]
    fn a_post_78_over_on_x_does_not_fit_and_says_by_how_much() {
        let text = "a".repeat(358);
        let misfit = on(Network::X, &text, false).unwrap_err();
        assert_eq!(
            misfit.why,
            Why::TooLong {
                length: 358,
                limit: 280
            }
        );
        assert_eq!(misfit.part, None);
        assert!(misfit
            .to_string()
            .contains("too long for X (358 of 280 allowed)"));
        assert!(on(Network::Bluesky, &"ord ".repeat(70), false).is_ok());
    }

    #[test]
    fn thread_mode_makes_a_long_post_fit_as_numbered_posts() {
        let text = "Gode ledere lytter først. ".repeat(20);
        assert!(on(Network::X, &text, false).is_err());
        let parts = on(Network::X, &text, true).unwrap();
        assert!(parts.len() > 1);
    }

    #[test]
    fn a_network_is_checked_on_its_own_version() {
        let mut variants = BTreeMap::new();
        variants.insert(Network::X, "Kort for X.".to_owned());
        let long = "Lang tekst. ".repeat(40);
        let options = Options::default();
        assert!(texts_to_send(&long, &variants, false, Network::X, &options).is_ok());
        assert!(texts_to_send(&long, &variants, false, Network::Bluesky, &options).is_err());
    }

    #[test]
    fn an_empty_post_and_a_refused_character_are_named() {
        assert_eq!(on(Network::X, "   ", false).unwrap_err().why, Why::Empty);
        let refused = on(Network::X, "\u{feff}Hei #ledelse", false).unwrap_err();
        assert!(
            matches!(&refused.why, Why::Refused { check, .. } if check == "invalid_character"),
            "{refused:?}"
        );
        assert!(refused.to_string().contains("cannot go out on X"));
        let Reason::NotPostable {
            warning, note_nb, ..
        } = refused.reason()
        else {
            panic!("{:?}", refused.reason())
        };
        assert_eq!(warning, "invalid_character");
        assert!(!note_nb.is_empty());
    }

    #[test]
    fn a_misfit_reaches_the_window_as_a_code_with_figures() {
        let misfit = on(Network::X, &"a".repeat(300), false).unwrap_err();
        let json = serde_json::to_value(&misfit).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"network": "x", "part": null, "reason": "too_long", "length": 300, "limit": 280})
        );
        assert_eq!(
            misfit.reason(),
            Reason::TooLong {
                network: Network::X,
                part: None,
                length: 300,
                limit: 280
            }
        );
    }
}
