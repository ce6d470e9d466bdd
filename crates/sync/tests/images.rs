//! Images through the team's hub (issue 13, item 4), two devices against the real `podium-hub`
//! on 127.0.0.1: an image attached with alt text on one device appears on the other with the same
//! bytes and alt text; alt text changed on the second comes back to the first; detaching on the
//! second removes it on the first; an image whose bytes are not here and a hub out of reach say
//! so, and bytes that do not match their name are never kept.
//!
//! Needs the `podium-hub` binary (support/hub.rs) and a keyring (the device token lives there):
//! run through /work/brief/e2e.sh or `cargo xtask test`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/hub.rs"]
mod hub;

use podium_publish::lease::{Fetched, Leases};
use podium_store::{NewDraft, NewImage, Store};
use podium_sync::Error;

use hub::HubProcess;

struct Device {
    _dir: tempfile::TempDir,
    store: Store,
}

impl Device {
    fn joined(hub: &HubProcess, name: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("podium.sqlite3")).unwrap();
        let code = hub.invite(name, "executive");
        podium_sync::join(&mut store, &hub.url, &code, &format!("{name}'s laptop"))
            .unwrap_or_else(|e| panic!("{name} joins: {e}"));
        Device { _dir: dir, store }
    }

    fn round(&mut self) -> podium_sync::Round {
        podium_sync::round(&mut self.store).unwrap_or_else(|e| panic!("a round: {e}"))
    }
}

/// A made-up PNG's bytes (the store and the hub never decode them).
fn photo(seed: u8, len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len).map(|k| (k as u8).wrapping_mul(13).wrapping_add(seed)));
    bytes
}

fn attach(
    store: &mut Store,
    draft: &str,
    bytes: &[u8],
    alt: &str,
) -> podium_core::media::Attachment {
    let sha256 = podium_store::sha256_hex(bytes);
    store
        .attach(
            draft,
            &NewImage {
                bytes,
                mime: "image/png",
                width: 1200,
                height: 800,
                sha256: &sha256,
            },
            alt,
        )
        .unwrap()
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn an_image_with_alt_text_travels_between_devices_and_detaching_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let mut kari = Device::joined(&hub, "Kari");
    let mut anne = Device::joined(&hub, "Anne");

    let draft = kari
        .store
        .create_draft(NewDraft {
            text: "Styremøtet i dag.".into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id;
    let bytes = photo(1, 250_000);
    let a = attach(&mut kari.store, &draft, &bytes, "Styret rundt bordet");
    kari.round();
    anne.round();

    // On Anne's laptop: the same image, the same bytes, the same alt text.
    let there = anne.store.attachments(&draft).unwrap();
    assert_eq!(there.len(), 1, "the image arrived");
    assert_eq!(there[0].id, a.id);
    assert_eq!(there[0].alt, "Styret rundt bordet");
    assert_eq!((there[0].width, there[0].height), (1200, 800));
    assert_eq!(anne.store.media_bytes(&a.sha256).unwrap(), bytes);
    assert!(anne.store.missing_media(None).unwrap().is_empty());

    // Anne rewrites the alt text; Kari sees it.
    anne.store
        .set_alt(&draft, &a.id, "Styret samlet rundt bordet i Bergen")
        .unwrap();
    anne.round();
    kari.round();
    assert_eq!(
        kari.store.attachment(&draft, &a.id).unwrap().alt,
        "Styret samlet rundt bordet i Bergen"
    );

    // Both change it at once: the later one wins on both.
    kari.store.set_alt(&draft, &a.id, "Kari's words").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    anne.store.set_alt(&draft, &a.id, "Anne's words").unwrap();
    kari.round();
    anne.round();
    kari.round();
    assert_eq!(
        kari.store.attachment(&draft, &a.id).unwrap().alt,
        "Anne's words"
    );
    assert_eq!(
        anne.store.attachment(&draft, &a.id).unwrap().alt,
        "Anne's words"
    );

    // Anne detaches it; it is gone on Kari's laptop too, file and all.
    anne.store.detach(&draft, &a.id).unwrap();
    anne.round();
    kari.round();
    assert!(kari.store.attachments(&draft).unwrap().is_empty());
    assert!(
        !kari.store.has_media(&a.sha256),
        "the file nothing names any more is removed"
    );
}

#[test]
#[ignore = "needs the podium-hub binary and a keyring: run `cargo xtask test`"]
fn a_missing_image_with_the_hub_out_of_reach_says_so_and_wrong_bytes_are_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = HubProcess::start(&dir.path().join("hub.db"));
    let mut kari = Device::joined(&hub, "Kari");
    let mut anne = Device::joined(&hub, "Anne");
    let draft = kari
        .store
        .create_draft(NewDraft {
            text: "Befaring.".into(),
            ..NewDraft::default()
        })
        .unwrap()
        .id;
    let bytes = photo(2, 40_000);
    let a = attach(&mut kari.store, &draft, &bytes, "Byggeplassen");
    kari.round();
    anne.round();
    // The file went missing on Anne's laptop (a folder restored without it).
    std::fs::remove_file(anne.store.media_path(&a.sha256).unwrap()).unwrap();
    assert_eq!(
        anne.store.missing_media(Some(&draft)).unwrap(),
        vec![a.sha256.clone()]
    );

    // Bytes that do not match the name are refused, and nothing is kept.
    let error = anne
        .store
        .keep_media(&a.sha256, b"not the photo")
        .unwrap_err();
    assert!(error.to_string().contains("does not match"), "{error}");
    assert!(!anne.store.has_media(&a.sha256));

    // With the hub down: unreachable, said so; the file is still missing.
    hub.kill();
    match podium_sync::fetch_missing(&anne.store, Some(&draft)) {
        Err(Error::Unreachable { .. }) => {}
        other => panic!("expected unreachable, got {other:?}"),
    }
    assert!(!anne.store.has_media(&a.sha256));

    // Back up, but failing inside (its store of images cannot be read: a 500): a post about to
    // go out with this image waits and tries again, rather than fail for good.
    hub.restart();
    let hub_db = rusqlite::Connection::open(&hub.db).unwrap();
    hub_db
        .execute_batch("ALTER TABLE blobs RENAME TO blobs_away")
        .unwrap();
    match podium_sync::HubLeases::new().fetch_image(&anne.store, &a.sha256) {
        Fetched::Later(why) => assert!(why.contains("try again"), "{why}"),
        Fetched::Kept => panic!("kept an image the hub could not read"),
        Fetched::Failed(why) => panic!("a hub failing inside failed the post: {why}"),
    }
    assert!(!anne.store.has_media(&a.sha256));
    hub_db
        .execute_batch("ALTER TABLE blobs_away RENAME TO blobs")
        .unwrap();

    // Working again: fetched, the same bytes.
    assert_eq!(
        podium_sync::fetch_missing(&anne.store, Some(&draft)).unwrap(),
        1
    );
    assert_eq!(anne.store.media_bytes(&a.sha256).unwrap(), bytes);
}
