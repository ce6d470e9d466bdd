//! Approval of scheduled posts on one database (issue 12): what an entry starts as, what sends
//! it back to awaiting, what the publisher may claim, and a late approval. The same rules
//! across two devices and a real hub are in `crates/cli/tests/approval.rs`; the hub's own
//! refusal of a forged change in `crates/hub/tests/roles.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use podium_core::approval::Approval;
use podium_core::reason::Reason;
use podium_core::schedule::OutboxState;
use podium_core::sync::Role;
use podium_core::text::check::Network;
use podium_store::{DraftPatch, Error, NewAccount, NewDraft, Store, SyncIdentity, When};

const GRACE: Duration = Duration::from_secs(2 * 60 * 60);

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    now: Arc<Mutex<DateTime<Utc>>>,
    account: String,
}

fn identity(name: &str, role: Role) -> SyncIdentity {
    SyncIdentity {
        hub: "http://127.0.0.1:1".into(),
        workspace: "w-1".into(),
        device_id: format!("device-{name}"),
        member_id: format!("member-{name}"),
        member_name: name.into(),
        role,
        pin: None,
    }
}

/// A database; with a team when `who` is given (the account is then Kari's, an executive's:
/// she connected it).
fn fixture(who: Option<(&str, Role)>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
    let now = Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
    ));
    let clock = now.clone();
    store.set_time_source(move || *clock.lock().unwrap());
    if who.is_some() {
        store
            .set_sync_identity(&identity("Kari", Role::Executive))
            .unwrap();
    }
    let account = store
        .add_account(NewAccount {
            network: Some(Network::Mastodon),
            handle: "@leder@example.social".into(),
            service: "https://example.social".into(),
            remote_id: "42".into(),
            credential_ref: "mastodon:test".into(),
            zone: "Europe/Oslo".into(),
            ..NewAccount::default()
        })
        .unwrap()
        .id;
    if let Some((name, role)) = who {
        store.set_sync_identity(&identity(name, role)).unwrap();
    }
    Fixture {
        _dir: dir,
        store,
        now,
        account,
    }
}

impl Fixture {
    fn draft(&mut self, text: &str) -> String {
        self.store
            .create_draft(NewDraft {
                text: text.into(),
                ..NewDraft::default()
            })
            .unwrap()
            .id
    }

    fn schedule(&mut self, draft: &str, minutes: i64) -> String {
        let at = *self.now.lock().unwrap() + chrono::Duration::minutes(minutes);
        self.store
            .schedule(draft, &self.account, When::At(at))
            .unwrap()
            .id
    }

    fn be(&mut self, name: &str, role: Role) {
        self.store.set_sync_identity(&identity(name, role)).unwrap();
    }

    fn later(&mut self, minutes: i64) {
        *self.now.lock().unwrap() += chrono::Duration::minutes(minutes);
    }

    fn edit(&mut self, draft: &str, text: &str) {
        self.store
            .update_draft(
                draft,
                DraftPatch {
                    text: Some(text.into()),
                    ..DraftPatch::default()
                },
            )
            .unwrap();
    }

    fn approval(&self, entry: &str) -> Approval {
        self.store.entry(entry).unwrap().approval
    }

    /// What the publisher would send now: the ids `take_due` hands it that it could claim.
    fn sendable(&mut self) -> Vec<String> {
        let now = *self.now.lock().unwrap();
        let due = self.store.take_due(now, GRACE).unwrap();
        due.send
            .into_iter()
            .filter(|id| {
                let claimed = self
                    .store
                    .claim(id, &[("text".into(), format!("key-{id}"))])
                    .unwrap();
                claimed.is_some()
            })
            .collect()
    }
}

#[test]
fn a_workspace_with_no_team_approves_everything_as_before() {
    let mut f = fixture(None);
    let d = f.draft("Kultur spiser strategi til frokost.");
    let e = f.schedule(&d, 30);
    let entry = f.store.entry(&e).unwrap();
    assert_eq!(entry.approval, Approval::Approved);
    assert_eq!(entry.scheduled_by, None);
    assert!(entry.may_approve);
    f.edit(&d, "Kultur spiser strategi til lunsj.");
    assert_eq!(f.approval(&e), Approval::Approved);
    f.later(31);
    assert_eq!(f.sendable(), [e]);
}

#[test]
fn an_assistants_post_awaits_and_is_never_claimed_until_the_executive_approves() {
    let mut f = fixture(Some(("Anne", Role::Assistant)));
    let d = f.draft("Lytt først. Bestem etterpå.");
    let e = f.schedule(&d, 30);
    let entry = f.store.entry(&e).unwrap();
    assert_eq!(entry.approval, Approval::Awaiting);
    assert_eq!(entry.scheduled_by.as_deref(), Some("Anne"));
    assert!(!entry.may_approve);
    assert!(matches!(
        f.store.approve(&e),
        Err(Error::NotAllowed(Reason::OnlyExecutivesApprove {}))
    ));
    assert_eq!(f.store.awaiting().unwrap().len(), 1);

    f.later(31);
    assert!(f.sendable().is_empty(), "an awaiting post is never sent");
    let held = f.store.entry(&e).unwrap();
    assert_eq!(held.state, OutboxState::Queued);
    assert_eq!(held.error_code.as_deref(), Some("awaiting_approval"));
    assert_eq!(held.reason(), Some(Reason::AwaitingApproval {}));

    f.be("Kari", Role::Executive);
    assert!(f.store.entry(&e).unwrap().may_approve);
    let approved = f.store.approve(&e).unwrap();
    assert_eq!(approved.approval, Approval::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("Kari"));
    assert_eq!(approved.error_code, None, "no longer held");
    assert_eq!(
        f.sendable(),
        [e],
        "approved within the grace window, it goes out at the next run"
    );
}

#[test]
fn approved_after_the_grace_window_a_held_post_waits_for_the_user_like_any_late_post() {
    let mut f = fixture(Some(("Anne", Role::Assistant)));
    let d = f.draft("Lederskap er å lytte.");
    let e = f.schedule(&d, 10);
    f.later(10 + 3 * 60);
    assert!(f.sendable().is_empty());
    f.be("Kari", Role::Executive);
    f.store.approve(&e).unwrap();
    assert!(f.sendable().is_empty());
    let late = f.store.entry(&e).unwrap();
    assert_eq!(late.state, OutboxState::Review);
    assert_eq!(late.reason(), Some(Reason::FellBehind {}));
}

#[test]
fn an_executives_own_post_is_approved_at_once_and_their_own_edit_keeps_it_approved() {
    let mut f = fixture(Some(("Kari", Role::Executive)));
    let d = f.draft("Vi ansetter!");
    let e = f.schedule(&d, 30);
    assert_eq!(f.approval(&e), Approval::Approved);
    assert_eq!(
        f.store.entry(&e).unwrap().approved_by.as_deref(),
        Some("Kari")
    );
    f.edit(&d, "Vi ansetter – søk nå!");
    assert_eq!(f.approval(&e), Approval::Approved);
    f.later(31);
    assert_eq!(f.sendable(), [e]);
}

#[test]
fn an_assistants_edit_of_an_approved_post_sends_it_back_to_awaiting_and_moving_it_does_not() {
    let mut f = fixture(Some(("Kari", Role::Executive)));
    let d = f.draft("Takk til alle som kom!");
    let e = f.schedule(&d, 30);
    assert_eq!(f.approval(&e), Approval::Approved);

    // Moving the time keeps the approval.
    f.be("Anne", Role::Assistant);
    let at = *f.now.lock().unwrap() + chrono::Duration::minutes(90);
    f.store.reschedule(&e, When::At(at)).unwrap();
    assert_eq!(f.approval(&e), Approval::Approved);

    f.edit(&d, "Takk til alle som kom i går!");
    let back = f.store.entry(&e).unwrap();
    assert_eq!(back.approval, Approval::Awaiting);
    f.later(91);
    assert!(f.sendable().is_empty());
}

#[test]
fn a_changed_text_that_arrived_without_its_reset_still_undoes_the_approval() {
    // What a device that skipped the reset (an older or a modified client) leaves: the stored
    // approval says approved, the text is not the one approved.
    let mut f = fixture(Some(("Kari", Role::Executive)));
    let d = f.draft("Godt nytt år!");
    let e = f.schedule(&d, 30);
    f.store
        .connection()
        .execute(
            "UPDATE drafts SET text = 'Godt nytt år, alle sammen!' WHERE id = ?1",
            [&d],
        )
        .unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
    f.later(31);
    assert!(f.sendable().is_empty());
}

#[test]
fn a_request_for_changes_comes_back_with_its_comment_and_an_edit_puts_it_up_again() {
    let mut f = fixture(Some(("Anne", Role::Assistant)));
    let d = f.draft("Strategi er å velge bort.");
    let e = f.schedule(&d, 60);
    f.be("Kari", Role::Executive);
    let back = f
        .store
        .request_changes(&e, "Kortere, og nevn teamet.")
        .unwrap();
    assert_eq!(back.approval, Approval::ChangesRequested);
    assert_eq!(
        back.approval_note.as_deref(),
        Some("Kortere, og nevn teamet.")
    );
    let comments = f.store.comments(&d).unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].author.as_deref(), Some("Kari"));
    assert!(comments[0].mine);

    f.be("Anne", Role::Assistant);
    assert!(!f.store.comments(&d).unwrap()[0].mine);
    f.store.add_comment(&d, "Fikset!").unwrap();
    f.edit(&d, "Strategi er å velge bort – sammen med teamet.");
    assert_eq!(f.approval(&e), Approval::Awaiting);
    assert_eq!(f.store.comments(&d).unwrap().len(), 2);
}

#[test]
fn approval_news_tells_the_executive_what_awaits_and_the_assistant_what_was_decided() {
    let mut f = fixture(Some(("Kari", Role::Executive)));
    assert_eq!(f.store.approval_news().unwrap(), Default::default());
    f.be("Anne", Role::Assistant);
    assert_eq!(f.store.approval_news().unwrap(), Default::default());
    f.later(1);
    let d = f.draft("Ny uke, nye muligheter.");
    let e = f.schedule(&d, 60);

    f.be("Kari", Role::Executive);
    f.later(1);
    let news = f.store.approval_news().unwrap();
    assert_eq!(news.awaiting.len(), 1);
    assert_eq!(news.awaiting[0].id, e);
    f.later(1);
    f.store.approve(&e).unwrap();

    // (One database plays both devices here, so they share the mark of the last look.)
    f.be("Anne", Role::Assistant);
    let news = f.store.approval_news().unwrap();
    assert!(news.awaiting.is_empty());
    assert_eq!(news.decided.len(), 1);
    assert_eq!(news.decided[0].approval, Approval::Approved);
    f.later(1);
    assert_eq!(f.store.approval_news().unwrap(), Default::default());
}

#[test]
fn editing_another_networks_version_leaves_this_posts_approval_alone() {
    let mut f = fixture(Some(("Kari", Role::Executive)));
    let d = f.draft("Vi ses på Arendalsuka!");
    let e = f.schedule(&d, 30);
    f.be("Anne", Role::Assistant);
    f.store
        .update_draft(
            &d,
            DraftPatch {
                variants: Some([(Network::X, "Vi ses på #Arendalsuka!".to_owned())].into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert_eq!(
        f.approval(&e),
        Approval::Approved,
        "the post is on Mastodon"
    );
    f.store
        .update_draft(
            &d,
            DraftPatch {
                variants: Some(
                    [(
                        Network::Mastodon,
                        "Vi ses på Arendalsuka, alle sammen!".to_owned(),
                    )]
                    .into(),
                ),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
}

#[test]
fn an_assistants_image_alt_text_or_dropped_card_sends_an_approved_post_back_and_the_executives_own_keeps_it(
) {
    use sha2::Digest;
    let mut f = fixture(Some(("Kari", Role::Executive)));
    let d = f.draft("Fra styremøtet https://example.no/styret");
    let e = f.schedule(&d, 30);
    assert_eq!(f.approval(&e), Approval::Approved);
    let bytes = b"\x89PNG stand-in for a stored image".as_slice();
    let sha256 = format!("{:x}", sha2::Sha256::digest(bytes));
    let image = podium_store::NewImage {
        bytes,
        mime: "image/png",
        width: 4,
        height: 3,
        sha256: &sha256,
    };

    // The assistant adds a photo: what would be published changed, so it awaits again.
    f.be("Anne", Role::Assistant);
    let photo = f.store.attach(&d, &image, "Styret").unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
    f.be("Kari", Role::Executive);
    f.store.approve(&e).unwrap();
    assert_eq!(f.approval(&e), Approval::Approved);

    // The executive's own alt text keeps her approval; the assistant's does not.
    f.store
        .set_alt(&d, &photo.id, "Styret rundt bordet")
        .unwrap();
    assert_eq!(f.approval(&e), Approval::Approved);
    f.be("Anne", Role::Assistant);
    f.store
        .set_alt(&d, &photo.id, "Styret i tredje etasje")
        .unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
    f.be("Kari", Role::Executive);
    f.store.approve(&e).unwrap();

    // The photo removed and the card dropped by the assistant: awaiting again, each time.
    f.be("Anne", Role::Assistant);
    f.store.detach(&d, &photo.id).unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
    f.be("Kari", Role::Executive);
    f.store.approve(&e).unwrap();
    f.be("Anne", Role::Assistant);
    f.store
        .update_draft(
            &d,
            DraftPatch {
                link_card: Some(false),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert_eq!(f.approval(&e), Approval::Awaiting);
    f.later(31);
    assert!(f.sendable().is_empty(), "nothing goes out unapproved");

    // What the approval was given to is exactly core's content, images and card included (an
    // alt text with a line break cannot pass for a second image).
    let tricky = "To linjer\nno card";
    let again = f.store.attach(&d, &image, tricky).unwrap();
    f.be("Kari", Role::Executive);
    f.store.approve(&e).unwrap();
    let stored: String = f
        .store
        .connection()
        .query_row("SELECT approved_fp FROM outbox WHERE id = ?1", [&e], |r| {
            r.get(0)
        })
        .unwrap();
    let media = podium_core::approval::media([(sha256.as_str(), again.alt.as_str())], false);
    let expected = podium_core::approval::fingerprint(&podium_core::approval::Content {
        text: "Fra styremøtet https://example.no/styret",
        thread: false,
        content_warning: "",
        visibility: None,
        account_id: &f.account,
        media: &media,
    });
    assert_eq!(stored, expected);
}

#[test]
fn a_post_without_images_keeps_the_fingerprint_approvals_had_before_images() {
    use sha2::Digest;
    let content = podium_core::approval::Content {
        text: "Hei",
        thread: false,
        content_warning: "",
        visibility: None,
        account_id: "acc-1",
        media: &podium_core::approval::media([], true),
    };
    // The fingerprint as schema 10's Podium made it: five parts, each after its length.
    let mut hash = sha2::Sha256::new();
    for part in ["Hei", "0", "", "", "acc-1"] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let before = format!("v1:{:x}", hash.finalize());
    assert_eq!(podium_core::approval::fingerprint(&content), before);
}
