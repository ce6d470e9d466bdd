//! `podium drafts attach`/`detach`/`show --json` and scheduling with images, run as a user
//! runs them: a phone photo with its GPS position, a HEIC file, a Bluesky image without alt.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use podium_media::sample;
use serde_json::Value;

fn podium(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let db = dir.join("podium.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_podium"))
        .arg("--db")
        .arg(&db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the podium binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("podium finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn add_draft(dir: &Path, words: &str) -> String {
    let out = podium(dir, &["drafts", "add", "-n", "bluesky"], words.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

fn show(dir: &Path, id: &str) -> Value {
    let out = podium(dir, &["drafts", "show", id, "--json"], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_attached_phone_photo_is_listed_upright_and_stored_without_its_gps_position() {
    let dir = tempfile::tempdir().unwrap();
    let id = add_draft(dir.path(), "Styremøte i dag");
    let photo = dir.path().join("IMG_0001.jpg");
    let jpeg = sample::with_gps_exif(&sample::photo_jpeg(4000, 3000).unwrap(), 6);
    std::fs::write(&photo, &jpeg).unwrap();
    let out = podium(
        dir.path(),
        &[
            "drafts",
            "attach",
            &id,
            photo.to_str().unwrap(),
            "--alt",
            "Styret rundt bordet",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let attachment_id = text(&out.stdout).trim().to_owned();
    assert_eq!(
        std::fs::read(&photo).unwrap(),
        jpeg,
        "the user's file is untouched"
    );
    let draft = &show(dir.path(), &id)["draft"];
    let listed = &draft["attachments"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{draft}");
    let a = &listed[0];
    assert_eq!(a["id"], attachment_id.as_str());
    assert_eq!(a["alt"], "Styret rundt bordet");
    assert_eq!(a["mime"], "image/jpeg");
    assert_eq!(
        (a["width"].as_u64(), a["height"].as_u64()),
        (Some(3000), Some(4000))
    );
    let sha = a["sha256"].as_str().unwrap();
    let stored = std::fs::read(dir.path().join("media").join(sha)).unwrap();
    assert_eq!(a["bytes"].as_u64(), Some(stored.len() as u64));
    assert!(
        !contains(&stored, sample::GPS_MARK),
        "no GPS position is kept"
    );

    let out = podium(dir.path(), &["drafts", "detach", &id, &attachment_id], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        show(dir.path(), &id)["draft"]["attachments"],
        serde_json::json!([])
    );
    assert!(!dir.path().join("media").join(sha).exists());
}

#[test]
fn a_heic_photo_or_a_truncated_jpeg_is_refused_with_exit_2_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let id = add_draft(dir.path(), "Fra befaringen");
    let heic = dir.path().join("IMG_0002.HEIC");
    let mut bytes = vec![0, 0, 0, 24];
    bytes.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    bytes.extend_from_slice(&[0; 64]);
    std::fs::write(&heic, bytes).unwrap();
    let out = podium(
        dir.path(),
        &[
            "drafts",
            "attach",
            &id,
            heic.to_str().unwrap(),
            "--alt",
            "x",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("HEIC images are not supported"),
        "{}",
        text(&out.stderr)
    );
    let cut = dir.path().join("cut.jpg");
    let jpeg = sample::photo_jpeg(600, 400).unwrap();
    std::fs::write(&cut, &jpeg[..jpeg.len() / 2]).unwrap();
    let out = podium(
        dir.path(),
        &["drafts", "attach", &id, cut.to_str().unwrap(), "--alt", "x"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("damaged or cut short"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        show(dir.path(), &id)["draft"]["attachments"],
        serde_json::json!([])
    );
}

#[test]
fn schedule_refuses_a_bluesky_post_with_an_image_without_alt_text_with_exit_2_and_why() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = podium_store::Store::open(&dir.path().join("podium.sqlite3")).unwrap();
        store
            .add_account(podium_store::NewAccount {
                network: Some(podium_core::network::Network::Bluesky),
                handle: "leder.bsky.social".into(),
                remote_id: "did:plc:leder".into(),
                credential_ref: "bluesky:1".into(),
                zone: "Europe/Oslo".into(),
                ..podium_store::NewAccount::default()
            })
            .unwrap();
    }
    let id = add_draft(dir.path(), "Styremøte i dag");
    let png = dir.path().join("skjerm.png");
    std::fs::write(&png, sample::screenshot_png(300, 200).unwrap()).unwrap();
    let out = podium(
        dir.path(),
        &["drafts", "attach", &id, png.to_str().unwrap()],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let attachment = text(&out.stdout).trim().to_owned();
    let at = "2030-12-03T08:30:00+01:00";
    let schedule = || {
        podium(
            dir.path(),
            &[
                "schedule",
                &id,
                "--account",
                "leder.bsky.social",
                "--at",
                at,
            ],
            b"",
        )
    };
    let out = schedule();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let why = text(&out.stderr);
    assert!(why.contains("cannot go out on Bluesky"), "{why}");
    assert!(why.contains("no alt text"), "{why}");
    let queue: Value =
        serde_json::from_slice(&podium(dir.path(), &["queue", "--json"], b"").stdout).unwrap();
    assert_eq!(queue, serde_json::json!([]), "nothing was queued");
    // With alt text it is scheduled.
    assert!(
        podium(dir.path(), &["drafts", "detach", &id, &attachment], b"")
            .status
            .success()
    );
    let out = podium(
        dir.path(),
        &[
            "drafts",
            "attach",
            &id,
            png.to_str().unwrap(),
            "--alt",
            "Skjermbilde av planen",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = schedule();
    assert!(out.status.success(), "{}", text(&out.stderr));
}
