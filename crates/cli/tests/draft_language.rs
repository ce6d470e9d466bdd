//! `podium drafts add` without `--lang`: the new draft's language follows its text; `--lang`
//! wins when it is given.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Adds a draft with `text` on stdin to the database in `dir`; the new draft as JSON.
fn add(dir: &Path, args: &[&str], text: &str) -> Value {
    let db = dir.join("podium.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_podium"))
        .args(["--db", db.to_str().unwrap(), "drafts", "add", "--json"])
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
        .write_all(text.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("podium finishes");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the draft as JSON")
}

#[test]
fn a_draft_added_without_a_language_gets_the_language_of_its_text() {
    let dir = tempfile::tempdir().unwrap();
    // whatlang alone calls this Danish.
    let nb = add(dir.path(), &[], "Gode ledere deler læring. #ledelse");
    assert_eq!(nb["lang"], "nb");
    let nn = add(
        dir.path(),
        &[],
        "Kva har du lært av teamet ditt denne veka?",
    );
    assert_eq!(nn["lang"], "nn");
    let en = add(
        dir.path(),
        &[],
        "Good leaders share what they learn. #leadership",
    );
    assert_eq!(en["lang"], "en");
}

#[test]
fn a_language_given_with_lang_wins_over_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let draft = add(
        dir.path(),
        &["--lang", "en"],
        "Gode ledere deler læring. #ledelse",
    );
    assert_eq!(draft["lang"], "en");
}

#[test]
fn a_text_too_short_to_tell_keeps_the_default_language() {
    let dir = tempfile::tempdir().unwrap();
    let draft = add(dir.path(), &[], "Takk!");
    assert_eq!(draft["lang"], "en");
}
