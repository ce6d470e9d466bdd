//! Approval of scheduled posts (issue 12): who may approve what, what an entry starts as, and
//! when an approval no longer holds.
//!
//! Approval is per outbox entry (one post on one account at one time). An executive's "approved"
//! is given to what would be published — the network's text, thread mode, content warning,
//! visibility and the account — kept as a [`fingerprint`]. Anything that changes what would be
//! published changes the fingerprint, so the approval no longer holds ([`effective`]) until an
//! executive approves again; moving the time does not touch it. The publisher claims only entries
//! whose approval holds, so a device that skipped resetting an approval (an older or a modified
//! client) still cannot get an edited text out unapproved.
//!
//! The hub enforces the same [`may_decide`] on every pushed change (it knows the sender from the
//! device's token); the device asks it first, so the person hears why at once.

use sha2::{Digest, Sha256};

use crate::reason::Reason;
use crate::sync::Role;

/// An entry's approval.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Scheduled by an assistant (or edited since it was approved): an executive decides.
    Awaiting,
    /// An executive approved it (or scheduled it), or there is no team: it may go out.
    #[default]
    Approved,
    /// An executive sent it back with a comment.
    ChangesRequested,
}

coded!(Approval, "an approval", {
    Awaiting => "awaiting",
    Approved => "approved",
    ChangesRequested => "changes_requested",
});

/// What would be published for an entry: what an approval is given to.
///
/// The images (each one's SHA-256 and alt text, in order) and a dropped link card are the
/// [`media`] part: hashed after the others only when there is any, so a post without images
/// keeps the fingerprint it was approved with before posts carried images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Content<'a> {
    /// The network's text (its version, else the main text): [`crate::draft::text_for`].
    pub text: &'a str,
    pub thread: bool,
    pub content_warning: &'a str,
    /// `public`, `unlisted`, `private`, or `None` for the account's default.
    pub visibility: Option<&'a str>,
    pub account_id: &'a str,
    /// What [`media`] makes of the images and the card; empty for none.
    pub media: &'a str,
}

/// The media part of a [`Content`]: each image as `sha256 N alt` in order, N being the alt
/// text's length in characters (so an alt text holding a line break or `no card` cannot pass
/// for another image or a dropped card), each ended by a line break; then `no card` and a line
/// break when the user dropped the link's card. The store builds the same from SQL
/// (`podium_store`'s `MEDIA_SQL`; a store test holds the two together).
pub fn media<'a>(images: impl IntoIterator<Item = (&'a str, &'a str)>, link_card: bool) -> String {
    let mut out = String::new();
    for (sha256, alt) in images {
        out.push_str(&format!("{sha256} {} {alt}\n", alt.chars().count()));
    }
    if !link_card {
        out.push_str("no card\n");
    }
    out
}

/// The fingerprint of `content`: `v1:` and a SHA-256 over its parts, each prefixed by its length
/// (so no two different contents run together into the same bytes).
pub fn fingerprint(content: &Content<'_>) -> String {
    let mut hash = Sha256::new();
    let thread = if content.thread { "1" } else { "0" };
    for part in [
        content.text,
        thread,
        content.content_warning,
        content.visibility.unwrap_or(""),
        content.account_id,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    if !content.media.is_empty() {
        hash.update((content.media.len() as u64).to_be_bytes());
        hash.update(content.media.as_bytes());
    }
    let digest = hash.finalize();
    let mut out = String::with_capacity(3 + 64);
    out.push_str("v1:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A member as the approval rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person<'a> {
    pub name: &'a str,
    pub role: Role,
}

/// Whether `who` may approve, or request changes on, a post on an account `owner` owns.
///
/// No team (`who` is `None`): a single laptop approves its own posts, as before approval
/// existed. An assistant never may. An executive may on accounts they own, and on accounts no
/// executive owns (an assistant connected it, or it was connected before owners were kept); a
/// second executive cannot approve in another leader's name.
pub fn may_decide(who: Option<Person<'_>>, owner: Option<Person<'_>>) -> Result<(), Reason> {
    let Some(who) = who else { return Ok(()) };
    if who.role != Role::Executive {
        return Err(Reason::OnlyExecutivesApprove {});
    }
    match owner {
        Some(owner) if owner.role == Role::Executive && owner.name != who.name => {
            Err(Reason::NotYourAccount {
                owner: owner.name.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// The approval a newly scheduled entry starts with: approved when whoever schedules it may
/// approve it (an executive on their own account, or no team), else awaiting.
pub fn on_schedule(who: Option<Person<'_>>, owner: Option<Person<'_>>) -> Approval {
    match may_decide(who, owner) {
        Ok(()) => Approval::Approved,
        Err(_) => Approval::Awaiting,
    }
}

/// The approval as it holds now: an approved entry whose content changed since it was approved
/// (its `approved` fingerprint differs from the content's `now`) awaits approval again. An entry
/// approved without a fingerprint (no team, or before approval existed) stays approved.
pub fn effective(stored: Approval, approved: Option<&str>, now: &str) -> Approval {
    match (stored, approved) {
        (Approval::Approved, Some(fp)) if fp != now => Approval::Awaiting,
        (stored, _) => stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(text: &'a str) -> Content<'a> {
        Content {
            text,
            thread: false,
            content_warning: "",
            visibility: None,
            account_id: "acc-1",
            media: "",
        }
    }

    #[test]
    fn an_image_its_alt_text_or_a_dropped_card_changes_what_is_approved_and_none_keeps_it() {
        let plain = fingerprint(&content("Hei"));
        // No images and the card kept: the fingerprint approvals made before images had.
        assert_eq!(media([], true), "");
        let photo = media([("ab12", "Styret rundt bordet")], true);
        let with_photo = fingerprint(&Content {
            media: &photo,
            ..content("Hei")
        });
        assert_ne!(with_photo, plain);
        let other_alt = media([("ab12", "Styret")], true);
        assert_ne!(
            fingerprint(&Content {
                media: &other_alt,
                ..content("Hei")
            }),
            with_photo
        );
        let no_card = media([], false);
        assert_ne!(
            fingerprint(&Content {
                media: &no_card,
                ..content("Hei")
            }),
            plain
        );
        let two = media([("ab12", "a"), ("cd34", "b")], true);
        let swapped = media([("cd34", "b"), ("ab12", "a")], true);
        assert_ne!(two, swapped, "the order is part of what is published");
    }

    const KARI: Person<'static> = Person {
        name: "Kari",
        role: Role::Executive,
    };
    const OLA: Person<'static> = Person {
        name: "Ola",
        role: Role::Executive,
    };
    const ANNE: Person<'static> = Person {
        name: "Anne",
        role: Role::Assistant,
    };

    #[test]
    fn an_assistant_never_approves_and_an_executive_approves_only_their_own_leaders_posts() {
        assert_eq!(
            may_decide(Some(ANNE), Some(KARI)),
            Err(Reason::OnlyExecutivesApprove {})
        );
        assert_eq!(may_decide(Some(KARI), Some(KARI)), Ok(()));
        assert_eq!(
            may_decide(Some(OLA), Some(KARI)),
            Err(Reason::NotYourAccount {
                owner: "Kari".into()
            })
        );
        assert_eq!(may_decide(Some(OLA), Some(ANNE)), Ok(()));
        assert_eq!(may_decide(Some(OLA), None), Ok(()));
        assert_eq!(may_decide(None, Some(KARI)), Ok(()));
    }

    #[test]
    fn an_assistants_post_awaits_and_an_executives_own_is_approved_at_once() {
        assert_eq!(on_schedule(Some(ANNE), Some(KARI)), Approval::Awaiting);
        assert_eq!(on_schedule(Some(KARI), Some(KARI)), Approval::Approved);
        assert_eq!(on_schedule(Some(OLA), Some(KARI)), Approval::Awaiting);
        assert_eq!(on_schedule(None, None), Approval::Approved);
    }

    #[test]
    fn changing_what_would_be_published_undoes_an_approval_and_nothing_else_does() {
        let base = fingerprint(&content("Hello"));
        assert_eq!(fingerprint(&content("Hello")), base);
        let changed = [
            fingerprint(&content("Hello!")),
            fingerprint(&Content {
                thread: true,
                ..content("Hello")
            }),
            fingerprint(&Content {
                content_warning: "politics",
                ..content("Hello")
            }),
            fingerprint(&Content {
                visibility: Some("unlisted"),
                ..content("Hello")
            }),
            fingerprint(&Content {
                account_id: "acc-2",
                ..content("Hello")
            }),
            // Parts do not run together: "ab" + "" differs from "a" + "b".
            fingerprint(&Content {
                text: "Hellopolitics",
                ..content("")
            }),
        ];
        for fp in &changed {
            assert_ne!(*fp, base);
            assert_eq!(
                effective(Approval::Approved, Some(&base), fp),
                Approval::Awaiting
            );
        }
        assert_eq!(
            effective(Approval::Approved, Some(&base), &base),
            Approval::Approved
        );
        assert_eq!(
            effective(Approval::Approved, None, &base),
            Approval::Approved
        );
        assert_eq!(
            effective(Approval::ChangesRequested, Some(&base), "x"),
            Approval::ChangesRequested
        );
    }

    #[test]
    fn approvals_read_only_their_three_codes() {
        assert_eq!("awaiting".parse::<Approval>(), Ok(Approval::Awaiting));
        assert_eq!(
            "changes_requested".parse::<Approval>(),
            Ok(Approval::ChangesRequested)
        );
        assert!("maybe".parse::<Approval>().is_err());
    }
}
