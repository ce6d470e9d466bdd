//! Images attached to drafts, as files in the private `media/` folder beside the database:
//! stored once by content, kept while anything names them (a draft in the bin, a backup), and
//! carried by the JSON export.

use podium_store::{NewDraft, NewImage, Store};

/// A stand-in for Podium's stored copy of an image: the store only keeps bytes.
struct Picture {
    bytes: Vec<u8>,
    sha256: String,
}

fn picture(seed: u8) -> Picture {
    use sha2::Digest as _;
    let bytes: Vec<u8> = (0..2048u32).map(|k| (k as u8).wrapping_mul(seed)).collect();
    let sha256 = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Picture { bytes, sha256 }
}

fn image(p: &Picture) -> NewImage<'_> {
    NewImage {
        bytes: &p.bytes,
        mime: "image/jpeg",
        width: 40,
        height: 30,
        sha256: &p.sha256,
    }
}

fn store_in(dir: &std::path::Path) -> Store {
    Store::open(&dir.join("podium.sqlite3")).unwrap_or_else(|e| panic!("{e}"))
}

fn draft(store: &mut Store, text: &str) -> String {
    store
        .create_draft(NewDraft {
            text: text.into(),
            ..NewDraft::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .id
}

#[test]
fn an_attached_image_is_a_private_file_named_by_its_sha256_and_listed_in_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    let id = draft(&mut store, "Styremøte i dag");
    let (one, two) = (picture(3), picture(5));
    let a = store
        .attach(&id, &image(&one), " Styret rundt bordet ")
        .unwrap_or_else(|e| panic!("{e}"));
    let b = store
        .attach(&id, &image(&two), "")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.alt, "Styret rundt bordet");
    assert_eq!(a.sha256, one.sha256);
    assert_eq!(a.bytes, 2048);
    let listed: Vec<_> = store
        .attachments(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(listed, [a.id.clone(), b.id.clone()]);
    let file = dir.path().join("media").join(&one.sha256);
    assert_eq!(std::fs::read(&file).unwrap_or_default(), one.bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir.path().join("media")), 0o700);
    }
    let reordered = store
        .order_attachments(&id, &[b.id.clone(), a.id.clone()])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reordered[0].id, b.id);
    assert!(store
        .order_attachments(&id, std::slice::from_ref(&a.id))
        .is_err());
    let changed = store
        .set_alt(&id, &b.id, "Utsikt fra taket")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.alt, "Utsikt fra taket");
}

#[test]
fn the_same_photo_on_two_drafts_is_one_file_kept_until_neither_shows_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    let (first, second) = (draft(&mut store, "En"), draft(&mut store, "To"));
    let photo = picture(7);
    let a = store
        .attach(&first, &image(&photo), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    let b = store
        .attach(&second, &image(&photo), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("media").join(&photo.sha256);
    store
        .detach(&first, &a.id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(file.is_file(), "the other draft still shows it");
    assert!(store.detach(&first, &a.id).is_err(), "already gone");
    store
        .detach(&second, &b.id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!file.exists(), "nothing names it any more");
}

#[test]
fn a_draft_in_the_bin_keeps_its_images_until_the_bin_is_emptied() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    let id = draft(&mut store, "Til søpla");
    let photo = picture(11);
    store
        .attach(&id, &image(&photo), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("media").join(&photo.sha256);
    store.delete_draft(&id).unwrap_or_else(|e| panic!("{e}"));
    store.collect_media().unwrap_or_else(|e| panic!("{e}"));
    assert!(file.is_file());
    assert_eq!(store.attachments(&id).unwrap_or_default().len(), 1);
    let logged_before = attachment_deletes(&store);
    store.empty_bin().unwrap_or_else(|e| panic!("{e}"));
    // Emptying the bin alone takes the file away, and tells the team's other devices.
    assert!(!file.exists());
    assert!(store.attachments(&id).unwrap_or_default().is_empty());
    assert_eq!(attachment_deletes(&store), logged_before + 1);
}

/// How many attachment deletes the change log holds (what the team's devices will hear).
fn attachment_deletes(store: &podium_store::Store) -> i64 {
    store
        .connection()
        .query_row(
            "SELECT count(*) FROM changes WHERE entity = 'attachment' AND op = 'delete'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_backup_keeps_its_images_so_restoring_it_shows_them_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    let id = draft(&mut store, "Før sikkerhetskopien");
    let photo = picture(13);
    let a = store
        .attach(&id, &image(&photo), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    let backup = store.backup_now().unwrap_or_else(|e| panic!("{e}"));
    store.detach(&id, &a.id).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("media").join(&photo.sha256);
    assert!(file.is_file(), "the backup still names it");
    store
        .restore_backup(&backup.path)
        .unwrap_or_else(|e| panic!("{e}"));
    let back = store.attachments(&id).unwrap_or_default();
    assert_eq!(back.len(), 1);
    assert_eq!(
        store.media_bytes(&back[0].sha256).unwrap_or_default(),
        photo.bytes
    );
}

#[test]
fn a_stored_image_changed_on_disk_is_not_read_as_the_attached_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    let id = draft(&mut store, "Tuklet med");
    let photo = picture(17);
    store
        .attach(&id, &image(&photo), "x")
        .unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("media").join(&photo.sha256);
    std::fs::write(&file, b"something else").unwrap_or_else(|e| panic!("{e}"));
    let error = store.media_bytes(&photo.sha256).unwrap_err();
    assert!(error.to_string().contains("changed on disk"), "{error}");
}

#[test]
fn the_json_export_carries_the_images_into_another_database() {
    let from_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut from = store_in(from_dir.path());
    let id = draft(&mut from, "Med bilde");
    let photo = picture(19);
    let a = from
        .attach(&id, &image(&photo), "Styret")
        .unwrap_or_else(|e| panic!("{e}"));
    let json =
        serde_json::to_string(&from.export().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_default();
    let to_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut to = store_in(to_dir.path());
    to.import_json(&json, "export.json")
        .unwrap_or_else(|e| panic!("{e}"));
    let imported = to.attachments(&id).unwrap_or_default();
    assert_eq!(imported, vec![a]);
    // The imported image is logged for sync: the team's other devices get it too.
    let inserts: i64 = to
        .connection()
        .query_row(
            "SELECT count(*) FROM changes WHERE entity = 'attachment' AND op = 'insert'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inserts, 1);
    assert_eq!(
        to.media_bytes(&photo.sha256).unwrap_or_default(),
        photo.bytes
    );
    // A second import adds nothing.
    to.import_json(&json, "export.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to.attachments(&id).unwrap_or_default().len(), 1);
    // An image whose bytes do not match its name is refused, and nothing is imported.
    let tampered = json.replace(&photo.sha256, &"0".repeat(64));
    let third = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut other = store_in(third.path());
    assert!(other.import_json(&tampered, "tampered.json").is_err());
    assert!(other.draft(&id).is_err());
}

#[test]
fn a_draft_whose_image_has_not_come_yet_is_exported_and_imported_without_its_bytes() {
    let from_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut from = store_in(from_dir.path());
    let id = draft(&mut from, "Fra befaringen");
    let (here, away) = (picture(23), picture(29));
    from.attach(&id, &image(&here), "Her")
        .unwrap_or_else(|e| panic!("{e}"));
    let a = from
        .attach(&id, &image(&away), "Borte")
        .unwrap_or_else(|e| panic!("{e}"));
    // As on a device that pulled the attachment but not (yet) the bytes.
    std::fs::remove_file(from_dir.path().join("media").join(&away.sha256))
        .unwrap_or_else(|e| panic!("{e}"));

    // The export goes on: both attachments, the one image it has, and the other named.
    let export = from.export().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(export.attachments.len(), 2);
    let carried: Vec<&str> = export.images.iter().map(|i| i.sha256.as_str()).collect();
    assert_eq!(carried, [here.sha256.as_str()]);
    assert_eq!(export.images_missing, std::slice::from_ref(&away.sha256));
    let json = serde_json::to_string(&export).unwrap_or_default();
    assert!(
        !json.contains("images_missing"),
        "the list is for the person, not the file"
    );

    // Imported elsewhere: the draft and both attachments, the missing one counted.
    let to_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut to = store_in(to_dir.path());
    let report = to
        .import_json(&json, "export.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.added, report.images_missing), (1, 1));
    assert_eq!(to.attachments(&id).unwrap_or_default().len(), 2);
    assert_eq!(
        to.missing_media(Some(&id)).unwrap_or_default(),
        std::slice::from_ref(&a.sha256)
    );
    assert_eq!(to.media_bytes(&here.sha256).unwrap_or_default(), here.bytes);
}

#[test]
fn the_editor_checks_mastodon_images_against_the_instance_that_takes_fewest() {
    use podium_core::media::InstanceMedia;
    use podium_core::network::Network;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_in(dir.path());
    assert_eq!(store.strictest_instance_media().ok().flatten(), None);
    let mut add = |handle: &str, network: Network| {
        store
            .add_account(podium_store::NewAccount {
                network: Some(network),
                handle: handle.into(),
                service: "https://example.social".into(),
                remote_id: handle.into(),
                credential_ref: format!("test:{handle}"),
                zone: "Europe/Oslo".into(),
                ..podium_store::NewAccount::default()
            })
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    };
    let (big, small, never_read, bluesky) = (
        add("@stor@big.social", Network::Mastodon),
        add("@liten@small.social", Network::Mastodon),
        add("@ny@new.social", Network::Mastodon),
        add("kari.bsky.social", Network::Bluesky),
    );
    let figures = |n: usize| InstanceMedia {
        max_images: Some(n),
        image_bytes: Some(16_777_216),
        image_pixels: Some(33_177_600),
    };
    for (id, n) in [(&big, 8), (&small, 2), (&bluesky, 1)] {
        store
            .set_account_media(id, &figures(n))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let _ = never_read;
    // Bluesky's row (not an instance's figures) is not a Mastodon limit.
    assert_eq!(
        store.strictest_instance_media().ok().flatten(),
        Some(figures(2))
    );
}
