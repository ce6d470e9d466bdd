//! The `podium` binary, run as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn podium(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podium"))
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

/// The package folder: cargo sets `CARGO_MANIFEST_DIR` when it runs tests; the compile-time value
/// can be stale when several checkouts share one build cache.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn check_json_reports_the_x_weighted_length_and_entities() {
    let text =
        "Gode ledere deler læring på tvers av Østlandet. #ledelse https://www.nrk.no/ledelse 🇳🇴";
    let out = podium(&["check", "--network", "x", "--json"], text.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let r = json(&out);
    // 58 characters (spaces included) + 23 for the link + 2 for the flag; twitter-text agrees.
    assert_eq!(r["length"], 83);
    assert_eq!(r["limit"], 280);
    assert_eq!(r["valid"], true);
    assert_eq!(r["hashtags"], serde_json::json!(["ledelse"]));
    assert_eq!(r["urls"], serde_json::json!(["https://www.nrk.no/ledelse"]));
    assert!(r["valid_range_end"].is_number());
}

#[test]
fn check_json_gives_bluesky_facets_in_utf8_bytes() {
    let out = podium(
        &["check", "-n", "bluesky", "--json"],
        "Blåbær #ledelse".as_bytes(),
    );
    let r = json(&out);
    assert_eq!(r["graphemes"], 15);
    assert_eq!(r["bytes"], 17);
    assert_eq!(
        r["facets"],
        serde_json::json!([{"type": "tag", "byte_start": 9, "byte_end": 17, "value": "ledelse"}])
    );
}

#[test]
fn a_post_over_the_limit_exits_1_and_says_what_does_not_fit() {
    let text = format!("{} slutt", "a".repeat(280));
    let out = podium(&["check", "-n", "x"], text.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("does not fit (6 over)"), "{report}");
    assert!(report.contains("does not fit: « slutt»"), "{report}");
}

#[test]
fn mastodon_limit_comes_from_the_command_line() {
    let text = "a".repeat(600);
    assert_eq!(
        podium(&["check", "-n", "mastodon"], text.as_bytes())
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        podium(
            &["check", "-n", "mastodon", "--limit", "1000"],
            text.as_bytes()
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn jsonl_reports_a_bad_line_by_number_and_processes_the_rest_in_order() {
    let input = "\"Første #ledelse\"\nikke json\n\"Tredje\"\n";
    let out = podium(&["check", "-n", "x", "--jsonl"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["hashtags"], serde_json::json!(["ledelse"]));
    assert_eq!(lines[1]["length"], 6);
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn invalid_utf8_is_refused_with_a_clear_message() {
    let out = podium(&["check", "-n", "x"], b"Hei \xff");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not valid UTF-8") && err.contains("offset 4"),
        "{err}"
    );
}

#[test]
fn a_text_over_the_cap_exits_2_with_the_reason() {
    let max = podium_core::text::MAX_TEXT_CHARS;
    let long = "å".repeat(max + 1);
    let out = podium(&["check", "-n", "x"], long.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 100000"), "{err}");
    assert!(out.stdout.is_empty());
    // Right at the cap it is still checked (and is far too long for X).
    let out = podium(&["check", "-n", "x"], "å".repeat(max).as_bytes());
    assert_eq!(out.status.code(), Some(1));

    let lines = format!("{}\n\"Kort\"\n", serde_json::to_string(&long).unwrap());
    let out = podium(&["check", "-n", "x", "--jsonl"], lines.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    let dir = tempfile::tempdir().unwrap();
    let out = with_db(dir.path(), &["drafts", "add"], long.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at most 100000"), "{}", stderr(&out));
}

#[test]
fn a_network_is_read_as_everywhere_in_podium_and_an_unknown_one_exits_2_listing_the_five() {
    // Any letter case, and the names people also use, as the app and the database read them.
    for (given, code) in [
        ("X", "x"),
        ("twitter", "x"),
        ("bsky", "bluesky"),
        ("LinkedIn", "linkedin"),
    ] {
        let out = podium(&["check", "-n", given, "--json"], b"Hei");
        assert_eq!(out.status.code(), Some(0), "{given}: {out:?}");
        assert_eq!(json(&out)["network"], code, "{given}");
    }
    let out = podium(&["drafts", "add", "-n", "myspace"], b"Hei");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'myspace'"), "{err}");
    assert!(
        err.contains("[possible values: x, bluesky, mastodon, linkedin, threads]"),
        "{err}"
    );
    let help = podium(&["check", "--help"], b"");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("[possible values: x, bluesky, mastodon, linkedin, threads]"),
        "{help}"
    );
}

#[test]
fn a_post_of_only_whitespace_exits_1_as_empty_on_every_network() {
    for network in ["x", "bluesky", "mastodon", "linkedin", "threads"] {
        let out = podium(&["check", "-n", network], b"  \n ");
        assert_eq!(out.status.code(), Some(1), "{network}");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("empty"), "{network}: {report}");
    }
}

#[test]
fn a_byte_order_mark_exits_1_and_says_which_character() {
    let out = podium(&["check", "-n", "x"], "\u{FEFF}Hei, ledere!".as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("invalid_character"), "{report}");
    assert!(report.contains("U+FEFF"), "{report}");
    assert!(!report.contains("does not fit"), "it fits: {report}");
}

#[test]
fn norwegian_messages_on_request() {
    let out = podium(
        &["check", "-n", "x", "--json", "--lang", "nb"],
        "Året #2014".as_bytes(),
    );
    let r = json(&out);
    assert_eq!(r["warnings"][0]["code"], "hashtag_not_linked");
    assert_eq!(
        r["warnings"][0]["message"],
        "#2014 blir ikke en lenke på X: en emneknagg må ha minst én bokstav."
    );
}

#[test]
fn import_turns_click_to_tweet_quotes_into_checked_candidates() {
    let file = manifest_dir().join("tests/fixtures/essay.html");
    let out = podium(&["import", &file.to_string_lossy(), "--json"], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let quotes = json(&out);
    let texts: Vec<&str> = quotes
        .as_array()
        .expect("an array")
        .iter()
        .map(|q| q["text"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        texts,
        [
            "Ledere som deler, bygger tillit #ledelse #sosialemedier",
            "Sosiale medier er en del av lederjobben – ikke et tillegg #ledelse",
            "Post med en plan, ikke for likes"
        ]
    );
    assert_eq!(
        quotes[0]["hashtags"],
        serde_json::json!(["ledelse", "sosialemedier"])
    );
    assert_eq!(quotes[0]["checks"].as_array().map(Vec::len), Some(5));
}

#[test]
fn import_of_a_missing_file_says_so() {
    let out = podium(&["import", "/nonexistent/article.html"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/article.html"));
}

/// Runs `podium --db DB …` against a database in `dir`.
fn with_db(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> Output {
    let db = dir.join("podium.sqlite3");
    let mut all = vec!["--db", db.to_str().unwrap()];
    all.extend_from_slice(args);
    podium(&all, stdin)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn drafts_added_from_stdin_are_listed_and_found_by_the_start_of_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let add = with_db(
        dir.path(),
        &[
            "drafts",
            "add",
            "-n",
            "x",
            "-n",
            "bluesky",
            "--goal",
            "Credibility",
            "--tag",
            "#Q4",
        ],
        "God ledelse er å lytte #ledelse\n".as_bytes(),
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let id = stdout(&add).trim().to_owned();
    assert_eq!(id.len(), 36);
    with_db(dir.path(), &["drafts", "add"], b"Kultur spiser strategi");

    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list.as_array().unwrap().len(), 2);
    let found = with_db(dir.path(), &["drafts", "search", "LEDEL", "--json"], b"");
    let found = json(&found);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], id.as_str());
    assert_eq!(found[0]["text"], "God ledelse er å lytte #ledelse");
    assert_eq!(found[0]["goal"], "credibility");
    assert_eq!(found[0]["tags"], serde_json::json!(["Q4"]));
    assert_eq!(found[0]["networks"], serde_json::json!(["x", "bluesky"]));
    let readable = stdout(&with_db(dir.path(), &["drafts", "search", "kultur"], b""));
    assert!(readable.contains("Kultur spiser strategi"), "{readable}");
    // Long drafts come back whole.
    let long = format!("Langt innlegg om tillit. {}", "Ord for ord. ".repeat(300));
    with_db(dir.path(), &["drafts", "add"], long.as_bytes());
    let found = json(&with_db(
        dir.path(),
        &["drafts", "search", "langt", "--json"],
        b"",
    ));
    assert_eq!(found[0]["text"], long.as_str());
}

#[test]
fn an_export_imports_into_another_database_unchanged() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    with_db(
        a.path(),
        &["drafts", "add", "--lang", "nb"],
        "Første 🚀".as_bytes(),
    );
    with_db(a.path(), &["drafts", "add", "--state", "idea"], b"Second");
    let export = with_db(a.path(), &["drafts", "export", "--json"], b"");
    assert!(export.status.success(), "{}", stderr(&export));
    let file = b.path().join("export.json");
    std::fs::write(&file, &export.stdout).unwrap();
    let import = with_db(b.path(), &["drafts", "import", file.to_str().unwrap()], b"");
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(stdout(&import).contains("2 added"), "{}", stdout(&import));
    let again = with_db(b.path(), &["drafts", "export"], b"");
    let strip = |v: &[u8]| {
        let mut v: Value = serde_json::from_slice(v).unwrap();
        v.as_object_mut().unwrap().remove("exported_at");
        v
    };
    assert_eq!(strip(&again.stdout), strip(&export.stdout));
}

#[test]
fn a_failed_json_import_imports_nothing_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cut.json");
    std::fs::write(
        &file,
        r#"{"format":"podium-drafts","version":1,"drafts":[{"id":"#,
    )
    .unwrap();
    let out = with_db(
        dir.path(),
        &["drafts", "import", file.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Nothing was imported"),
        "{}",
        stderr(&out)
    );
    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn a_csv_import_keeps_good_rows_and_reports_bad_ones_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.csv");
    std::fs::write(
        &file,
        "text,networks,goal,tags\n\"Hei, Bodø\",x;linkedin,culture,ledelse\n,x,,\nHallo,myspace,,\n",
    )
    .unwrap();
    let out = with_db(
        dir.path(),
        &["drafts", "import", file.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 3: the text is empty"), "{err}");
    assert!(err.contains("line 4: unknown network `myspace`"), "{err}");
    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list[0]["text"], "Hei, Bodø");
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn an_articles_quotes_become_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let article = manifest_dir().join("tests/fixtures/essay.html");
    let out = with_db(
        dir.path(),
        &[
            "drafts",
            "import-article",
            article.to_str().unwrap(),
            "--lang",
            "nb",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = json(&with_db(
        dir.path(),
        &["drafts", "list", "--state", "idea", "--json"],
        b"",
    ));
    assert!(!list.as_array().unwrap().is_empty());
    assert_eq!(list[0]["tags"], serde_json::json!(["article"]));
}

#[test]
fn an_empty_draft_and_a_damaged_database_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = with_db(dir.path(), &["drafts", "add"], b"  \n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the draft is empty"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        dir.path().join("podium.sqlite3"),
        b"not a database".repeat(100),
    )
    .unwrap();
    let out = with_db(dir.path(), &["drafts", "list"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("is damaged") && err.contains("podium backups restore"),
        "{err}"
    );
}

#[test]
fn a_backup_restores_over_a_damaged_database() {
    let dir = tempfile::tempdir().unwrap();
    with_db(dir.path(), &["drafts", "add"], b"Reddet fra backup");
    let made = with_db(dir.path(), &["backups", "create"], b"");
    assert!(made.status.success(), "{}", stderr(&made));
    let backup = stdout(&made).trim().to_owned();
    let db = dir.path().join("podium.sqlite3");
    std::fs::write(&db, b"not a database".repeat(100)).unwrap();
    let _ = std::fs::remove_file(dir.path().join("podium.sqlite3-wal"));
    let listed = stdout(&with_db(dir.path(), &["backups", "list"], b""));
    assert!(listed.contains("manual-"), "{listed}");
    let out = with_db(dir.path(), &["backups", "restore", &backup], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("damaged database was kept"),
        "{}",
        stdout(&out)
    );
    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list[0]["text"], "Reddet fra backup");
}

/// `podium queue --json` keeps a failed post's English `error` and gives its code and data, the
/// network's words quoted as they came; a post an older Podium stopped has no code.
#[test]
fn queue_json_gives_a_failed_posts_reason_as_a_code_with_data_beside_the_english() {
    use podium_core::network::Network;
    use podium_core::reason::Reason;
    use podium_store::{NewAccount, NewDraft, Store, When};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("podium.sqlite3");
    let said = "Validation failed: «Text» is too long";
    {
        let mut store = Store::open(&db).unwrap();
        let account = store
            .add_account(NewAccount {
                network: Some(Network::Mastodon),
                handle: "@leder@example.social".into(),
                service: "https://example.social".into(),
                remote_id: "7".into(),
                credential_ref: "mastodon:cli".into(),
                zone: "Europe/Oslo".into(),
                ..NewAccount::default()
            })
            .unwrap();
        let draft = store
            .create_draft(NewDraft {
                text: "Ledelse er å lytte".into(),
                ..NewDraft::default()
            })
            .unwrap();
        let entry = store
            .schedule(&draft.id, &account.id, When::At(chrono::Utc::now()))
            .unwrap();
        store
            .claim(&entry.id, &[("Ledelse er å lytte".into(), "k".into())])
            .unwrap();
        store
            .entry_failed(
                &entry.id,
                &Reason::Answered {
                    network: Network::Mastodon,
                    status: 422,
                    detail: said.into(),
                },
            )
            .unwrap();
    }
    let out = podium(&["--db", db.to_str().unwrap(), "queue", "--json"], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let queue = json(&out);
    let e = &queue[0];
    assert_eq!(e["state"], "failed");
    assert_eq!(e["error"], format!("Mastodon answered 422: {said}"));
    assert_eq!(e["error_code"], "answered");
    assert_eq!(e["error_data"]["detail"], said);
    assert_eq!(e["error_data"]["status"], 422);
}

#[test]
fn a_draft_edited_from_stdin_keeps_its_id_and_the_old_text_stays_in_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let add = with_db(dir.path(), &["drafts", "add"], b"First words\n");
    let id = stdout(&add).trim().to_owned();
    let edit = with_db(dir.path(), &["drafts", "edit", &id], b"Second words\n");
    assert!(edit.status.success(), "{}", stderr(&edit));
    assert_eq!(stdout(&edit).trim(), id);
    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["text"], "Second words");
    let show = json(&with_db(
        dir.path(),
        &["drafts", "show", &id, "--json"],
        b"",
    ));
    let history = show["revisions"].to_string();
    assert!(history.contains("First words"), "{history}");
    assert!(history.contains("Second words"), "{history}");
    // An empty text and an unknown draft are refused (exit 2), and nothing changes.
    let empty = with_db(dir.path(), &["drafts", "edit", &id], b"  \n");
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("empty"), "{}", stderr(&empty));
    let unknown = with_db(
        dir.path(),
        &["drafts", "edit", "01900000-0000-7000-8000-000000000000"],
        b"Text",
    );
    assert_eq!(unknown.status.code(), Some(2));
    let list = json(&with_db(dir.path(), &["drafts", "list", "--json"], b""));
    assert_eq!(list[0]["text"], "Second words");
}

#[test]
fn schedule_refuses_a_post_too_long_for_the_accounts_network_with_exit_2_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = podium_store::Store::open(&dir.path().join("podium.sqlite3")).unwrap();
        store
            .add_account(podium_store::NewAccount {
                network: Some(podium_core::network::Network::X),
                handle: "leder".into(),
                remote_id: "1".into(),
                credential_ref: "x:1".into(),
                zone: "Europe/Oslo".into(),
                ..podium_store::NewAccount::default()
            })
            .unwrap();
    }
    let long = "a".repeat(358);
    let add = with_db(dir.path(), &["drafts", "add", "-n", "x"], long.as_bytes());
    assert!(add.status.success(), "{}", stderr(&add));
    let id = stdout(&add).trim().to_owned();
    let at = "2030-12-03T08:30:00+01:00";
    let out = with_db(
        dir.path(),
        &["schedule", &id, "--account", "leder", "--at", at],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let why = stderr(&out);
    assert!(why.contains("too long for X (358 of 280 allowed)"), "{why}");
    assert!(why.contains("thread mode"), "{why}");
    let queue = json(&with_db(dir.path(), &["queue", "--json"], b""));
    assert_eq!(queue, serde_json::json!([]), "nothing was queued");
}
