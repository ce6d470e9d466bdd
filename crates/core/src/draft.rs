//! What a draft is, in the words a leader uses: its state on the way to a post, the goal it
//! serves, its tags. The store keeps drafts; the rules about their vocabulary live here.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::network::Network;

/// The text a draft posts on `network`: the network's own version when it has one that is not
/// blank, else the shared text. (The editor checks, and the publisher sends, this text.)
pub fn text_for<'a>(
    text: &'a str,
    variants: &'a BTreeMap<Network, String>,
    network: Network,
) -> &'a str {
    variants
        .get(&network)
        .filter(|v| !v.trim().is_empty())
        .map_or(text, String::as_str)
}

/// Where a draft is on its way to a published post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DraftState {
    Idea,
    #[default]
    Draft,
    Ready,
    Scheduled,
    Published,
    Archived,
}

impl DraftState {
    pub const ALL: [DraftState; 6] = [
        DraftState::Idea,
        DraftState::Draft,
        DraftState::Ready,
        DraftState::Scheduled,
        DraftState::Published,
        DraftState::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DraftState::Idea => "idea",
            DraftState::Draft => "draft",
            DraftState::Ready => "ready",
            DraftState::Scheduled => "scheduled",
            DraftState::Published => "published",
            DraftState::Archived => "archived",
        }
    }
}

impl fmt::Display for DraftState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no draft state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown draft state {:?}: use idea, draft, ready, scheduled, published or archived",
            self.0
        )
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for DraftState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<DraftState, UnknownState> {
        let wanted = s.trim().to_lowercase();
        DraftState::ALL
            .into_iter()
            .find(|state| state.as_str() == wanted)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Who sees a Mastodon post (Mastodon's `visibility`): everyone (`public`), everyone but the
/// public timelines (`unlisted`), or only the account's followers (`private`). Mastodon's
/// `direct` is left out on purpose: a direct message is not a post to schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Unlisted,
        Visibility::Private,
    ];

    /// The word Mastodon's API and Podium's database use.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no visibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVisibility(pub String);

impl fmt::Display for UnknownVisibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown visibility {:?}: use public, unlisted or private (followers only)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVisibility {}

impl FromStr for Visibility {
    type Err = UnknownVisibility;

    /// `public`, `unlisted`, `private` in any letter case; `followers` is `private` (what the
    /// Mastodon app calls it).
    fn from_str(s: &str) -> Result<Visibility, UnknownVisibility> {
        match s.trim().to_lowercase().as_str() {
            "public" => Ok(Visibility::Public),
            "unlisted" => Ok(Visibility::Unlisted),
            "private" | "followers" | "followers-only" => Ok(Visibility::Private),
            _ => Err(UnknownVisibility(s.to_owned())),
        }
    }
}

/// The goals every Podium knows; users add their own. Leaders post to a plan, not for likes.
pub const BUILT_IN_GOALS: [&str; 4] = ["visibility", "credibility", "culture", "reputation"];

/// A goal as stored: trimmed, inner whitespace collapsed; a built-in goal in any letter case
/// becomes its canonical key. `None` for a blank goal.
pub fn normalise_goal(goal: &str) -> Option<String> {
    let collapsed = goal.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return None;
    }
    let lower = collapsed.to_lowercase();
    Some(match BUILT_IN_GOALS.iter().find(|g| **g == lower) {
        Some(builtin) => (*builtin).to_owned(),
        None => collapsed,
    })
}

/// Tags as stored: without a leading `#`, trimmed, blank ones dropped, each once (compared
/// without letter case; the first spelling wins), in the order given.
pub fn normalise_tags<I, S>(tags: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.as_ref().trim().trim_start_matches(['#', '＃']).trim();
        if tag.is_empty() || out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            continue;
        }
        out.push(tag.to_owned());
    }
    out
}

/// A draft's title in lists: its first line, shortened at a word to about `max` characters.
pub fn title(text: &str, max: usize) -> String {
    let first = text.trim().lines().next().unwrap_or("").trim();
    if first.chars().count() <= max {
        return first.to_owned();
    }
    let cut: String = first.chars().take(max).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_posts_its_own_version_unless_that_is_blank() {
        let variants = BTreeMap::from([
            (Network::X, "Kort for X".to_owned()),
            (Network::Bluesky, "  \n".to_owned()),
        ]);
        assert_eq!(text_for("Delt", &variants, Network::X), "Kort for X");
        assert_eq!(text_for("Delt", &variants, Network::Bluesky), "Delt");
        assert_eq!(text_for("Delt", &variants, Network::Linkedin), "Delt");
    }

    #[test]
    fn states_parse_in_any_letter_case_and_name_the_choices_when_wrong() {
        assert_eq!("Ready".parse::<DraftState>(), Ok(DraftState::Ready));
        let err = "done".parse::<DraftState>().unwrap_err().to_string();
        assert!(err.contains("idea, draft, ready"), "{err}");
    }

    #[test]
    fn visibility_reads_mastodons_words_and_names_the_choices_when_wrong() {
        assert_eq!("Unlisted".parse::<Visibility>(), Ok(Visibility::Unlisted));
        assert_eq!("followers".parse::<Visibility>(), Ok(Visibility::Private));
        assert_eq!(Visibility::default(), Visibility::Public);
        let err = "direct".parse::<Visibility>().unwrap_err().to_string();
        assert!(err.contains("public, unlisted or private"), "{err}");
    }

    #[test]
    fn built_in_goals_are_canonical_and_user_goals_keep_their_spelling() {
        assert_eq!(
            normalise_goal("  Credibility "),
            Some("credibility".to_owned())
        );
        assert_eq!(
            normalise_goal("Rekruttere  ingeniører"),
            Some("Rekruttere ingeniører".to_owned())
        );
        assert_eq!(normalise_goal("   "), None);
    }

    #[test]
    fn tags_lose_their_hash_and_duplicates() {
        assert_eq!(
            normalise_tags(["#Ledelse", "ledelse", " ", "＃kultur", "Q3"]),
            vec!["Ledelse", "kultur", "Q3"]
        );
    }

    #[test]
    fn titles_are_the_first_line_cut_at_a_word() {
        assert_eq!(title("Hei\nverden", 40), "Hei");
        assert_eq!(
            title("Ledelse handler om mennesker og tillit", 20),
            "Ledelse handler om…"
        );
    }
}
