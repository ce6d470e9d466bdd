#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Export/import, CSV, articles, backups and upgrades from every earlier schema version.

use std::path::{Path, PathBuf};

use podium_core::text::check::Network;
use podium_store::{DraftPatch, Error, Filter, NewDraft, Store};

fn new(s: &str) -> NewDraft {
    NewDraft {
        text: s.to_owned(),
        ..NewDraft::default()
    }
}

fn filled_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .create_draft(NewDraft {
            text: "Ledelse er å lytte #ledelse https://podium.example/a".into(),
            networks: vec![Network::X, Network::Bluesky],
            lang: Some("nb".into()),
            goal: Some("credibility".into()),
            tags: vec!["ledelse".into(), "Q4".into()],
            thread: true,
            variants: [(
                Network::Linkedin,
                "Lengre versjon for LinkedIn 🚀".to_owned(),
            )]
            .into_iter()
            .collect(),
            ..NewDraft::default()
        })
        .unwrap();
    store
        .update_draft(
            &a.id,
            DraftPatch {
                text: Some("Ledelse er å lytte, sa hun. #ledelse".into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    store.add_goal("Rekruttere ingeniører").unwrap();
    let b = store.create_draft(new("I papirkurven")).unwrap();
    store.delete_draft(&b.id).unwrap();
    store
}

/// An export with the export time taken out (it differs by design).
fn comparable(store: &mut Store) -> serde_json::Value {
    let mut value = serde_json::to_value(store.export().unwrap()).unwrap();
    value.as_object_mut().unwrap().remove("exported_at");
    value
}

#[test]
fn an_export_imports_into_an_empty_database_without_losing_anything() {
    let mut source = filled_store();
    let json = serde_json::to_string_pretty(&source.export().unwrap()).unwrap();
    let mut target = Store::open_in_memory().unwrap();
    let report = target.import_json(&json, "export.json").unwrap();
    // Two drafts, one revision each (the edit right after creating joined the first).
    assert_eq!((report.added, report.revisions), (2, 2));
    assert_eq!(comparable(&mut target), comparable(&mut source));
    // Search works on imported drafts; the deleted one stays deleted.
    let found = target
        .list_drafts(&Filter {
            query: Some("lytte".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(target.list_drafts(&Filter::default()).unwrap().len(), 1);
}

#[test]
fn importing_the_same_export_twice_adds_nothing() {
    let mut source = filled_store();
    let json = serde_json::to_string(&source.export().unwrap()).unwrap();
    let mut target = Store::open_in_memory().unwrap();
    target.import_json(&json, "export.json").unwrap();
    let again = target.import_json(&json, "export.json").unwrap();
    assert_eq!(
        (again.added, again.updated, again.unchanged, again.revisions),
        (0, 0, 2, 0)
    );
}

#[test]
fn a_newer_draft_in_the_file_replaces_the_older_one_here() {
    let mut store = filled_store();
    let old = serde_json::to_string(&store.export().unwrap()).unwrap();
    let id = store.list_drafts(&Filter::default()).unwrap()[0].id.clone();
    let mut other = Store::open_in_memory().unwrap();
    other.import_json(&old, "old.json").unwrap();
    store
        .update_draft(
            &id,
            DraftPatch {
                text: Some("Nyeste tekst".into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    let newer = serde_json::to_string(&store.export().unwrap()).unwrap();
    let report = other.import_json(&newer, "newer.json").unwrap();
    assert_eq!(report.updated, 1);
    assert_eq!(other.draft(&id).unwrap().text, "Nyeste tekst");
    // And the older file does not roll it back.
    let back = other.import_json(&old, "old.json").unwrap();
    assert_eq!(back.updated, 0);
    assert_eq!(other.draft(&id).unwrap().text, "Nyeste tekst");
}

/// `stamp` moved `ahead_ms` into the future of the wall clock.
fn stamp_ahead(stamp: &str, ahead_ms: i64) -> String {
    let mut parsed: podium_core::clock::Stamp = stamp.parse().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    parsed.wall_ms = u64::try_from(now + ahead_ms).unwrap();
    parsed.to_string()
}

#[test]
fn a_draft_stamped_far_in_the_future_is_refused_by_name_and_nothing_is_imported() {
    let mut source = filled_store();
    let mut value = serde_json::to_value(source.export().unwrap()).unwrap();
    let id = value["drafts"][1]["id"].as_str().unwrap().to_owned();
    let future = stamp_ahead(value["drafts"][1]["hlc"].as_str().unwrap(), 60 * 60 * 1000);
    value["drafts"][1]["hlc"] = serde_json::json!(future);
    let mut target = Store::open_in_memory().unwrap();
    let here = target.create_draft(new("Allerede her")).unwrap();
    let before = comparable(&mut target);
    let changes = target.changes_since(0).unwrap().len();

    let err = target
        .import_json(&value.to_string(), "future.json")
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Import { .. }), "{message}");
    assert!(message.contains(&id), "names the draft: {message}");
    assert!(message.contains(&future), "names the stamp: {message}");
    assert!(message.contains("Nothing was imported"), "{message}");
    assert_eq!(comparable(&mut target), before);
    assert_eq!(target.changes_since(0).unwrap().len(), changes);
    // The clock was not dragged into the future: the next change is stamped about now.
    let next = target
        .update_draft(
            &here.id,
            DraftPatch {
                text: Some("Endret etterpå".into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert!(next.hlc < future, "{} against {future}", next.hlc);
}

#[test]
fn a_revision_stamped_far_in_the_future_is_refused_too() {
    let mut source = filled_store();
    let mut value = serde_json::to_value(source.export().unwrap()).unwrap();
    let revision = &mut value["drafts"][0]["revisions"][0];
    let future = stamp_ahead(revision["hlc"].as_str().unwrap(), 24 * 60 * 60 * 1000);
    revision["hlc"] = serde_json::json!(future);
    let mut target = Store::open_in_memory().unwrap();
    let err = target
        .import_json(&value.to_string(), "future.json")
        .unwrap_err();
    assert!(err.to_string().contains(&future), "{err}");
    assert!(target.export().unwrap().drafts.is_empty());
}

#[test]
fn a_stamp_a_little_ahead_of_this_clock_is_taken() {
    let mut source = filled_store();
    let mut value = serde_json::to_value(source.export().unwrap()).unwrap();
    let soon = stamp_ahead(value["drafts"][0]["hlc"].as_str().unwrap(), 60 * 1000);
    value["drafts"][0]["hlc"] = serde_json::json!(soon);
    let mut target = Store::open_in_memory().unwrap();
    let report = target.import_json(&value.to_string(), "soon.json").unwrap();
    assert_eq!(report.added, 2);
}

#[test]
fn a_broken_export_imports_nothing_and_says_why() {
    let mut source = filled_store();
    let mut value = serde_json::to_value(source.export().unwrap()).unwrap();
    // The second draft is broken: the first must not stay half-imported.
    value["drafts"][1]["hlc"] = serde_json::json!("yesterday");
    let mut target = Store::open_in_memory().unwrap();
    let err = target
        .import_json(&value.to_string(), "broken.json")
        .unwrap_err();
    assert!(matches!(err, Error::Import { .. }), "{err}");
    assert!(err.to_string().contains("Nothing was imported"), "{err}");
    assert!(target.export().unwrap().drafts.is_empty());
    assert!(target.changes_since(0).unwrap().is_empty());

    let err = target
        .import_json("{\"drafts\": [", "cut.json")
        .unwrap_err();
    assert!(err.to_string().contains("cut.json"), "{err}");
    let err = target
        .import_json(r#"{"format":"other","version":1,"exported_at":"2026-01-01T00:00:00Z","schema":1,"drafts":[]}"#, "o.json")
        .unwrap_err();
    assert!(
        err.to_string().contains("not a Podium drafts export"),
        "{err}"
    );
}

#[test]
fn csv_rows_that_are_good_are_kept_and_bad_rows_are_reported_by_line() {
    let csv = "\u{feff}Text,Networks,Goal,Tags\n\
               \"Ledelse, tillit og tid\",\"x, bluesky\",credibility,#ledelse;Q4\n\
               ,x,culture,\n\
               Hei fra Bodø,myspace,,\n\
               \"Linje én\nlinje to\",linkedin,Rekruttere,\n\
               for,mange,felter,her,ja\n";
    let mut store = Store::open_in_memory().unwrap();
    let report = store.import_csv(csv, "plan.csv").unwrap();
    assert_eq!(report.added, 2);
    let lines: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], (3, "the text is empty"));
    assert_eq!(lines[1].0, 4);
    assert!(lines[1].1.contains("unknown network `myspace`"));
    assert_eq!(lines[2].0, 7);
    let first = store.draft(&report.drafts[0]).unwrap();
    assert_eq!(first.text, "Ledelse, tillit og tid");
    assert_eq!(first.networks, vec![Network::X, Network::Bluesky]);
    assert_eq!(first.tags, vec!["ledelse", "Q4"]);
    assert_eq!(first.goal.as_deref(), Some("credibility"));
    assert_eq!(
        store.draft(&report.drafts[1]).unwrap().text,
        "Linje én\nlinje to"
    );
}

#[test]
fn a_csv_without_a_text_column_is_refused_whole() {
    let mut store = Store::open_in_memory().unwrap();
    let err = store.import_csv("a,b\n1,2\n", "x.csv").unwrap_err();
    assert!(
        err.to_string().contains("text, networks, goal, tags"),
        "{err}"
    );
}

#[test]
fn an_articles_click_to_tweet_quotes_become_ideas_once() {
    let article = r#"<p>Intro</p>
        [Tweet "Ledelse handler om mennesker #ledelse"]
        <p>Mer</p>
        [bctt tweet="Kultur spiser strategi til frokost" username="kari"]"#;
    let mut store = Store::open_in_memory().unwrap();
    let report = store.import_article(article, Some("nb")).unwrap();
    assert_eq!(report.added, 2);
    let draft = store.draft(&report.drafts[0]).unwrap();
    assert_eq!(draft.text, "Ledelse handler om mennesker #ledelse");
    assert_eq!(draft.state, podium_core::draft::DraftState::Idea);
    assert_eq!(draft.lang, "nb");
    let again = store.import_article(article, Some("nb")).unwrap();
    assert_eq!((again.added, again.skipped), (0, 2));
}

fn file_store(dir: &Path) -> (Store, PathBuf) {
    let path = dir.join("podium.sqlite3");
    (Store::open(&path).unwrap(), path)
}

#[test]
fn daily_backups_are_taken_once_a_day_and_seven_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = file_store(dir.path());
    store.create_draft(new("Viktig utkast")).unwrap();
    let start = chrono::Utc::now();
    for day in 0..10 {
        let now = start + chrono::Duration::days(day);
        store.set_time_source(move || now);
        assert!(store.backup_daily().unwrap().is_some());
        assert!(store.backup_daily().unwrap().is_none(), "one a day");
    }
    let backups = store.backups().unwrap();
    assert_eq!(backups.len(), podium_store::KEEP_BACKUPS);
    let newest = (start + chrono::Duration::days(9))
        .format("%Y-%m-%d")
        .to_string();
    assert!(backups
        .iter()
        .any(|b| b.path.to_string_lossy().contains(&newest)));
    let oldest_kept = (start + chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    assert!(backups
        .iter()
        .any(|b| b.path.to_string_lossy().contains(&oldest_kept)));
    // A backup is a Podium database with the draft in it.
    let copy = Store::open(&backups[0].path).unwrap();
    assert_eq!(
        copy.list_drafts(&Filter::default()).unwrap()[0].text,
        "Viktig utkast"
    );
}

#[test]
fn restoring_a_backup_brings_its_drafts_back_and_keeps_the_current_state_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = file_store(dir.path());
    let kept = store.create_draft(new("Før backup")).unwrap();
    let backup = store.backup_daily().unwrap().unwrap();
    store.delete_draft(&kept.id).unwrap();
    store.create_draft(new("Etter backup")).unwrap();

    let safety = store.restore_backup(&backup.path).unwrap();
    let texts: Vec<String> = store
        .list_drafts(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert_eq!(texts, vec!["Før backup"]);
    // The state before the restore is itself a backup.
    let before = Store::open(&safety.path).unwrap();
    let texts: Vec<String> = before
        .list_drafts(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert_eq!(texts, vec!["Etter backup"]);
    // And the store goes on working.
    store.create_draft(new("Videre")).unwrap();
}

#[test]
fn a_damaged_database_is_replaced_by_a_backup_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, path) = file_store(dir.path());
    store.create_draft(new("Reddet")).unwrap();
    let backup = store.backup_daily().unwrap().unwrap();
    drop(store);
    std::fs::write(&path, b"garbage garbage garbage".repeat(300)).unwrap();
    let _ = std::fs::remove_file(path.with_extension("sqlite3-wal"));
    assert!(matches!(Store::open(&path), Err(Error::Corrupt { .. })));

    let aside = Store::restore_over(&path, &backup.path).unwrap().unwrap();
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        b"garbage garbage garbage".repeat(300)
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.list_drafts(&Filter::default()).unwrap()[0].text,
        "Reddet"
    );
}

#[test]
fn a_damaged_backup_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = file_store(dir.path());
    store.create_draft(new("Intakt")).unwrap();
    let bad = dir.path().join("backups/podium-2000-01-01.sqlite3");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::fs::write(&bad, b"not a backup at all".repeat(300)).unwrap();
    assert!(matches!(
        store.restore_backup(&bad),
        Err(Error::Corrupt { .. })
    ));
    assert_eq!(store.list_drafts(&Filter::default()).unwrap().len(), 1);
}

/// Every earlier schema version has a database made by the Podium of that version in
/// `tests/fixtures/schema-N.sqlite3` (written by `make_fixture` below when that version was
/// current, never edited). Each must open, upgrade and keep its drafts, revisions and search.
#[test]
fn databases_made_by_every_schema_version_open_and_keep_their_drafts() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for version in 1..=podium_store::SCHEMA_VERSION {
        let fixture = fixtures.join(format!("schema-{version}.sqlite3"));
        assert!(fixture.exists(), "missing {}", fixture.display());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("podium.sqlite3");
        std::fs::copy(&fixture, &path).unwrap();
        let mut store = Store::open(&path).unwrap();
        let version_now: i64 = store
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version_now, podium_store::SCHEMA_VERSION);
        let found = store
            .list_drafts(&Filter {
                query: Some("ledelse".into()),
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1, "schema {version}");
        let draft = store.draft(&found[0].id).unwrap();
        assert_eq!(draft.text, "God ledelse er å lytte #ledelse");
        // From schema 6 on, typing joins the revision a draft was created with.
        let revisions = if version >= 6 { 1 } else { 2 };
        assert!(
            store.revisions(&draft.id).unwrap().len() >= revisions,
            "schema {version}"
        );
        if version >= 6 {
            assert_eq!(draft.content_warning, "Omstilling", "schema {version}");
            assert_eq!(
                draft.visibility,
                Some(podium_core::draft::Visibility::Unlisted)
            );
        } else {
            assert_eq!(
                (draft.content_warning.as_str(), draft.visibility),
                ("", None),
                "schema {version}: no warning, the account's default"
            );
        }
        if version >= 2 {
            let queue = store.queue().unwrap();
            assert_eq!(queue.len(), 1, "schema {version}: the schedule survives");
            assert_eq!(queue[0].draft_id, draft.id);
            let account = store.account(&queue[0].account_id).unwrap();
            assert_eq!(account.slots.len(), 1);
            let default = if version >= 6 {
                podium_core::draft::Visibility::Private
            } else {
                podium_core::draft::Visibility::Public
            };
            assert_eq!(account.visibility, default, "schema {version}");
            assert_eq!(
                store.draft(&draft.id).unwrap().link_card,
                version < 11,
                "schema {version}: the card kept unless dropped"
            );
            let media = store.account_media(&account.id).unwrap();
            if version >= 11 {
                assert_eq!(media.and_then(|m| m.max_images), Some(6));
            } else {
                assert_eq!(media, None, "schema {version}: not read yet");
            }
        }
        if version >= 10 {
            let targets = store.targets("").unwrap();
            assert_eq!(targets.len(), 1, "schema {version}: the target survives");
            assert_eq!(
                (
                    targets[0].target.goal.as_str(),
                    targets[0].target.network,
                    targets[0].target.per_week
                ),
                ("culture", Some(Network::Mastodon), 2)
            );
        } else {
            assert!(store.targets("").unwrap().is_empty(), "schema {version}");
        }
        // The old database takes new changes.
        store
            .update_draft(
                &draft.id,
                DraftPatch {
                    text: Some("Oppgradert".into()),
                    ..DraftPatch::default()
                },
            )
            .unwrap();
    }
}

/// Writes the fixture for the current schema version (run once when a migration lands:
/// `PODIUM_WRITE_FIXTURE=1 cargo test -p podium-store make_fixture`).
#[test]
fn make_fixture() {
    if std::env::var_os("PODIUM_WRITE_FIXTURE").is_none() {
        return;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = fixtures.join(format!("schema-{}.sqlite3", podium_store::SCHEMA_VERSION));
    assert!(!path.exists(), "fixtures are never rewritten");
    let mut store = Store::open(&path).unwrap();
    store.set_author("fixture");
    let draft = store
        .create_draft(NewDraft {
            text: "God ledelse er".into(),
            networks: vec![Network::X, Network::Bluesky],
            lang: Some("nb".into()),
            goal: Some("culture".into()),
            tags: vec!["ledelse".into()],
            // Schema 6: Mastodon's content warning and visibility.
            content_warning: "Omstilling".into(),
            visibility: Some(podium_core::draft::Visibility::Unlisted),
            // Schema 11: the link's card dropped.
            link_card: Some(false),
            ..NewDraft::default()
        })
        .unwrap();
    store
        .update_draft(
            &draft.id,
            DraftPatch {
                text: Some("God ledelse er å lytte #ledelse".into()),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    store.add_goal("Rekruttere").unwrap();
    // Schema 2: an account with slots, and the draft scheduled on it.
    let account = store
        .add_account(podium_store::NewAccount {
            network: Some(Network::Mastodon),
            handle: "@leder@example.social".into(),
            service: "https://example.social".into(),
            remote_id: "1".into(),
            credential_ref: "mastodon:fixture".into(),
            zone: "Europe/Oslo".into(),
            ..podium_store::NewAccount::default()
        })
        .unwrap();
    store
        .set_slots(
            &account.id,
            &[podium_core::schedule::Slot::parse("tue 08:30").unwrap()],
        )
        .unwrap();
    store
        .schedule(&draft.id, &account.id, podium_store::When::NextSlot)
        .unwrap();
    // Schema 6: the account's default visibility for Mastodon.
    store
        .update_account(
            &account.id,
            &podium_store::AccountChanges {
                visibility: Some(podium_core::draft::Visibility::Private),
                ..podium_store::AccountChanges::default()
            },
        )
        .unwrap();
    // Schema 10: a goal's weekly target.
    store
        .set_target("", "culture", Some(Network::Mastodon), 2)
        .unwrap();
    // Schema 11: the Mastodon instance's own image figures.
    store
        .set_account_media(
            &account.id,
            &podium_core::media::InstanceMedia {
                max_images: Some(6),
                image_bytes: Some(16_777_216),
                image_pixels: Some(33_177_600),
            },
        )
        .unwrap();
    store
        .connection()
        .execute_batch("PRAGMA journal_mode = DELETE; VACUUM;")
        .unwrap();
}
