#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The store on real files and in memory: opening, refusing what it cannot read, drafts,
//! revisions, search, change log, import/export and backups.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use podium_core::draft::DraftState;
use podium_core::text::check::Network;
use podium_store::{DraftPatch, Error, Filter, NewDraft, RevisionKind, Store, MAX_AUTOSAVES};

/// A store whose clock the test moves by hand.
fn store_with_clock() -> (Store, Arc<AtomicI64>) {
    let mut store = Store::open_in_memory().unwrap();
    let ms = Arc::new(AtomicI64::new(
        Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0)
            .unwrap()
            .timestamp_millis(),
    ));
    let clock = ms.clone();
    store.set_time_source(move || {
        DateTime::from_timestamp_millis(clock.load(Ordering::SeqCst)).unwrap()
    });
    store.set_author("Kari");
    (store, ms)
}

fn advance(clock: &AtomicI64, by: Duration) {
    clock.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
}

fn text(s: &str) -> DraftPatch {
    DraftPatch {
        text: Some(s.to_owned()),
        ..DraftPatch::default()
    }
}

fn new(s: &str) -> NewDraft {
    NewDraft {
        text: s.to_owned(),
        ..NewDraft::default()
    }
}

fn search(store: &Store, q: &str) -> Vec<String> {
    store
        .list_drafts(&Filter {
            query: Some(q.to_owned()),
            ..Filter::default()
        })
        .unwrap()
        .into_iter()
        .map(|d| d.text)
        .collect()
}

#[test]
fn a_database_file_is_opened_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/podium.sqlite3");
    let store = Store::open(&path).unwrap();
    let conn = store.connection();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    let busy: i64 = conn
        .pragma_query_value(None, "busy_timeout", |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 1, 1));
    assert!(busy >= 1000, "busy_timeout {busy}");
    assert_eq!(version, podium_store::SCHEMA_VERSION);
    assert!(path.exists());
}

#[test]
fn drafts_survive_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let id = {
        let mut store = Store::open(&path).unwrap();
        store
            .create_draft(new("Ledelse er tillit #ledelse"))
            .unwrap()
            .id
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.draft(&id).unwrap().text, "Ledelse er tillit #ledelse");
    assert_eq!(search(&store, "tillit"), vec!["Ledelse er tillit #ledelse"]);
}

#[test]
fn a_database_from_a_newer_podium_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store.create_draft(new("from the future")).unwrap();
        store
            .connection()
            .pragma_update(None, "user_version", podium_store::SCHEMA_VERSION + 1)
            .unwrap();
        store
            .connection()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NewerSchema { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("newer Podium") && message.contains("update Podium"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was changed"
    );
    assert!(!dir.path().join("podium.sqlite3-wal").exists());
}

#[test]
fn a_damaged_file_is_refused_kept_and_the_message_says_where_backups_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let garbage = b"this was a database before the disk had a bad day".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("backups"), "{message}");
    assert!(message.contains("Restore from backup"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_database_with_a_damaged_page_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        for i in 0..300 {
            store
                .create_draft(new(&format!("utkast nummer {i} om ledelse og kultur")))
                .unwrap();
        }
        store
            .connection()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 6 * page);
    for b in &mut bytes[3 * page..3 * page + 200] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE songs (title TEXT)")
        .unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotPodium { .. }), "{err}");
}

#[test]
fn a_new_draft_has_a_uuid_v7_a_clock_stamp_and_a_change_log_row() {
    let (mut store, _) = store_with_clock();
    let draft = store
        .create_draft(NewDraft {
            text: "Hei".into(),
            networks: vec![Network::X, Network::Bluesky, Network::X],
            goal: Some("Credibility".into()),
            tags: vec!["#Ledelse".into(), "ledelse".into()],
            lang: Some("nb".into()),
            ..NewDraft::default()
        })
        .unwrap();
    let uuid = uuid::Uuid::parse_str(&draft.id).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    assert_eq!(draft.networks, vec![Network::X, Network::Bluesky]);
    assert_eq!(draft.goal.as_deref(), Some("credibility"));
    assert_eq!(draft.tags, vec!["Ledelse"]);
    assert_eq!((draft.rev, draft.state), (1, DraftState::Draft));
    assert_eq!(draft.created_by, "Kari");
    let changes = store.changes_since(0).unwrap();
    let entities: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c.entity.as_str(), c.op.as_str()))
        .collect();
    assert_eq!(entities, vec![("draft", "insert"), ("revision", "insert")]);
    assert_eq!(changes[0].entity_id, draft.id);
    assert_eq!(changes[0].fields["text"], "Hei");
    assert_eq!(changes[0].hlc, draft.hlc);
}

#[test]
fn updates_bump_the_revision_and_log_only_the_changed_fields() {
    let (mut store, clock) = store_with_clock();
    let draft = store.create_draft(new("Hei")).unwrap();
    // The hub took everything so far.
    store
        .connection()
        .execute("UPDATE changes SET pushed = 1", [])
        .unwrap();
    advance(&clock, Duration::seconds(5));
    let after = store
        .update_draft(
            &draft.id,
            DraftPatch {
                state: Some(DraftState::Ready),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert_eq!(after.rev, 2);
    assert!(after.hlc > draft.hlc);
    let changes = store.changes_since(2).unwrap();
    assert_eq!(changes.len(), 1);
    let fields = changes[0].fields.as_object().unwrap();
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["state", "updated_at", "updated_by"]);
    // Nothing changed: nothing written.
    let same = store
        .update_draft(&draft.id, DraftPatch::default())
        .unwrap();
    assert_eq!(same.rev, 2);
    assert_eq!(store.changes_since(0).unwrap().len(), 3);
}

#[test]
fn unpushed_updates_of_one_draft_fold_into_one_change_log_row() {
    let (mut store, clock) = store_with_clock();
    let draft = store.create_draft(new("")).unwrap();
    store
        .connection()
        .execute("UPDATE changes SET pushed = 1", [])
        .unwrap();
    for typed in ["L", "Le", "Led", "Lede", "Ledelse"] {
        advance(&clock, Duration::milliseconds(400));
        store.update_draft(&draft.id, text(typed)).unwrap();
    }
    let drafts: Vec<_> = store
        .changes_since(0)
        .unwrap()
        .into_iter()
        .filter(|c| c.entity == "draft" && c.op == "update")
        .collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].fields["text"], "Ledelse");
    assert_eq!(drafts[0].rev, 6);
}

#[test]
fn typing_coalesces_into_one_revision_and_a_pause_starts_the_next() {
    let (mut store, clock) = store_with_clock();
    let draft = store.create_draft(new("")).unwrap();
    for i in 1..=30 {
        advance(&clock, Duration::seconds(1));
        store
            .update_draft(&draft.id, text(&"Ledelse ".repeat(i)))
            .unwrap();
    }
    let revs = store.revisions(&draft.id).unwrap();
    assert_eq!(revs.len(), 2, "created + one autosave");
    assert_eq!(revs[0].text, "Ledelse ".repeat(30));
    assert_eq!(revs[0].kind, RevisionKind::Autosave);
    assert_eq!(revs[1].kind, RevisionKind::Created);

    advance(&clock, Duration::seconds(podium_store::PAUSE_SECONDS + 1));
    store.update_draft(&draft.id, text("Ny tanke")).unwrap();
    assert_eq!(store.revisions(&draft.id).unwrap().len(), 3);

    // Non-stop typing for longer than a burst still makes a new revision now and then.
    for _ in 0..(podium_store::BURST_MINUTES * 60 / 30 + 2) {
        advance(&clock, Duration::seconds(30));
        let now = store.draft(&draft.id).unwrap().text;
        store
            .update_draft(&draft.id, text(&format!("{now}.")))
            .unwrap();
    }
    // 22 edits 30 s apart: the burst that began with "Ny tanke" closes after 10 minutes.
    assert_eq!(store.revisions(&draft.id).unwrap().len(), 4);
}

#[test]
fn restoring_a_revision_is_a_new_change_and_loses_nothing() {
    let (mut store, clock) = store_with_clock();
    let draft = store.create_draft(new("Første utkast")).unwrap();
    advance(&clock, Duration::minutes(5));
    store.update_draft(&draft.id, text("Andre utkast")).unwrap();
    advance(&clock, Duration::minutes(5));
    store
        .update_draft(&draft.id, text("Tredje utkast"))
        .unwrap();
    let first = store
        .revisions(&draft.id)
        .unwrap()
        .into_iter()
        .find(|r| r.kind == RevisionKind::Created)
        .unwrap();
    let diff = store.revision_diff(&first.id).unwrap();
    assert!(diff.iter().any(|p| p.text == "Tredje"));

    advance(&clock, Duration::seconds(2));
    let restored = store.restore_revision(&first.id).unwrap();
    assert_eq!(restored.text, "Første utkast");
    let revs = store.revisions(&draft.id).unwrap();
    let texts: Vec<&str> = revs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Første utkast",
            "Tredje utkast",
            "Andre utkast",
            "Første utkast"
        ]
    );
    assert_eq!(revs[0].kind, RevisionKind::Restored);
    assert_eq!(revs[0].restored_from.as_deref(), Some(first.id.as_str()));
    // Typing right after a restore does not overwrite the restore point.
    advance(&clock, Duration::seconds(1));
    store
        .update_draft(&draft.id, text("Første utkast!"))
        .unwrap();
    assert_eq!(store.revisions(&draft.id).unwrap().len(), 5);
}

#[test]
fn history_stays_bounded_and_keeps_the_first_named_and_restored_revisions() {
    let (mut store, clock) = store_with_clock();
    let draft = store.create_draft(new("v0")).unwrap();
    let mut named = None;
    for i in 1..=(MAX_AUTOSAVES as i64 * 2) {
        advance(&clock, Duration::minutes(i % 7 + 2));
        store
            .update_draft(&draft.id, text(&format!("v{i}")))
            .unwrap();
        if i == 10 {
            let latest = store.revisions(&draft.id).unwrap()[0].id.clone();
            named = Some(
                store
                    .name_revision(&latest, "  sendt til  juridisk ")
                    .unwrap(),
            );
        }
        if i == 50 {
            let created = store
                .revisions(&draft.id)
                .unwrap()
                .last()
                .unwrap()
                .id
                .clone();
            store.restore_revision(&created).unwrap();
        }
    }
    let revs = store.revisions(&draft.id).unwrap();
    let autosaves = revs
        .iter()
        .filter(|r| r.kind == RevisionKind::Autosave && r.name.is_none());
    assert_eq!(autosaves.count(), MAX_AUTOSAVES);
    let named = named.unwrap();
    assert_eq!(named.name.as_deref(), Some("sendt til juridisk"));
    assert!(revs.iter().any(|r| r.id == named.id && r.text == "v10"));
    assert!(revs
        .iter()
        .any(|r| r.kind == RevisionKind::Created && r.text == "v0"));
    assert!(revs.iter().any(|r| r.kind == RevisionKind::Restored));
    // The newest edits are all there.
    assert_eq!(revs[0].text, format!("v{}", MAX_AUTOSAVES * 2));
    assert_eq!(revs[1].text, format!("v{}", MAX_AUTOSAVES * 2 - 1));
}

#[test]
fn search_finds_words_by_their_start_in_any_letter_case() {
    let (mut store, clock) = store_with_clock();
    for t in [
        "God ledelse handler om tillit #ledelse",
        "Vi ansetter utviklere i Tromsø",
        "LEDELSESUTVIKLING for nye ledere",
        "Noe helt annet",
    ] {
        advance(&clock, Duration::seconds(1));
        store.create_draft(new(t)).unwrap();
    }
    let hits = search(&store, "ledel");
    assert_eq!(hits.len(), 2);
    assert!(hits.contains(&"LEDELSESUTVIKLING for nye ledere".to_owned()));
    assert_eq!(
        search(&store, "TROMSØ"),
        vec!["Vi ansetter utviklere i Tromsø"]
    );
    assert_eq!(
        search(&store, "tromsø ansetter"),
        vec!["Vi ansetter utviklere i Tromsø"]
    );
    assert!(search(&store, "tromsø ledelse").is_empty());
    assert!(search(&store, "\"").is_empty());
    assert_eq!(search(&store, "ledelse OR"), Vec::<String>::new());
}

#[test]
fn search_treats_aeoeaa_as_letters_of_their_own_and_compares_in_nfc() {
    let (mut store, _) = store_with_clock();
    store.create_draft(new("Vi får til mye sammen")).unwrap();
    store.create_draft(new("Min far sa det alltid")).unwrap();
    // "blåbær" typed with a combining ring (NFD), as macOS keyboards can.
    store.create_draft(new("Bla\u{30a}bær på tur")).unwrap();
    assert_eq!(search(&store, "får"), vec!["Vi får til mye sammen"]);
    assert_eq!(search(&store, "FAR"), vec!["Min far sa det alltid"]);
    assert_eq!(search(&store, "blåb").len(), 1);
    assert_eq!(search(&store, "BLÅBÆR").len(), 1);
    assert!(search(&store, "blab").is_empty());
}

#[test]
fn search_ranks_text_hits_above_tag_hits_and_respects_filters() {
    let (mut store, clock) = store_with_clock();
    store
        .create_draft(NewDraft {
            text: "Kvartalstall i dag".into(),
            tags: vec!["ledelse".into()],
            ..NewDraft::default()
        })
        .unwrap();
    advance(&clock, Duration::seconds(1));
    store
        .create_draft(NewDraft {
            text: "Ledelse i praksis: ledelse er å lytte".into(),
            goal: Some("culture".into()),
            state: Some(DraftState::Ready),
            ..NewDraft::default()
        })
        .unwrap();
    let hits = search(&store, "ledelse");
    assert_eq!(hits[0], "Ledelse i praksis: ledelse er å lytte");
    assert_eq!(hits.len(), 2);
    let ready = store
        .list_drafts(&Filter {
            query: Some("ledelse".into()),
            state: Some(DraftState::Ready),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(ready.len(), 1);
    let by_tag = store
        .list_drafts(&Filter {
            tag: Some("#ledelse".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(by_tag[0].text, "Kvartalstall i dag");
    let by_goal = store
        .list_drafts(&Filter {
            goal: Some("Culture".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(by_goal.len(), 1);
    assert_eq!(search(&store, "cultu").len(), 1, "the goal is searchable");
}

#[test]
fn deleted_drafts_leave_lists_and_search_and_can_come_back() {
    let (mut store, _) = store_with_clock();
    let a = store.create_draft(new("Slett meg")).unwrap();
    store.delete_draft(&a.id).unwrap();
    assert!(store.list_drafts(&Filter::default()).unwrap().is_empty());
    assert!(search(&store, "slett").is_empty());
    assert!(store.draft(&a.id).unwrap().deleted);
    assert!(store.update_draft(&a.id, text("x")).is_err());
    let ops: Vec<String> = store
        .changes_since(0)
        .unwrap()
        .into_iter()
        .map(|c| c.op)
        .collect();
    assert!(ops.contains(&"delete".to_owned()));
    store.undelete_draft(&a.id).unwrap();
    assert_eq!(search(&store, "slett").len(), 1);
}

#[test]
fn archived_drafts_show_only_when_asked_for() {
    let (mut store, _) = store_with_clock();
    store
        .create_draft(NewDraft {
            text: "Gammelt".into(),
            state: Some(DraftState::Archived),
            ..NewDraft::default()
        })
        .unwrap();
    store.create_draft(new("Nytt")).unwrap();
    let all = store.list_drafts(&Filter::default()).unwrap();
    assert_eq!(all.len(), 1);
    let archived = store
        .list_drafts(&Filter {
            state: Some(DraftState::Archived),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(archived[0].text, "Gammelt");
    assert_eq!(store.count_by_state().unwrap().get("archived"), Some(&1));
}

#[test]
fn bad_languages_are_refused_with_an_example() {
    let (mut store, _) = store_with_clock();
    let err = store
        .create_draft(NewDraft {
            text: "x".into(),
            lang: Some("norsk bokmål".into()),
            ..NewDraft::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("like nb, en"), "{err}");
}

#[test]
fn user_goals_are_added_once_next_to_the_built_in_ones() {
    let (mut store, _) = store_with_clock();
    store.add_goal("Rekruttere  ingeniører").unwrap();
    store.add_goal("rekruttere ingeniører").unwrap();
    store.add_goal("VISIBILITY").unwrap();
    let goals = store.goals().unwrap();
    assert_eq!(
        goals,
        vec![
            "visibility",
            "credibility",
            "culture",
            "reputation",
            "Rekruttere ingeniører",
        ]
    );
}

#[test]
fn reopening_the_database_starts_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.sqlite3");
    let id = {
        let mut store = Store::open(&path).unwrap();
        let draft = store.create_draft(new("Første økt")).unwrap();
        store
            .update_draft(&draft.id, text("Første økt, ferdig"))
            .unwrap();
        store
            .update_draft(&draft.id, text("Første økt, ferdig."))
            .unwrap();
        draft.id
    };
    let mut store = Store::open(&path).unwrap();
    store
        .update_draft(&id, text("Første økt, ferdig. Andre økt"))
        .unwrap();
    let texts: Vec<String> = store
        .revisions(&id)
        .unwrap()
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(
        texts,
        vec![
            "Første økt, ferdig. Andre økt",
            "Første økt, ferdig.",
            "Første økt"
        ]
    );
}

#[test]
fn a_drafts_content_warning_and_visibility_are_kept_changed_and_exported() {
    use podium_core::draft::Visibility;
    let (mut store, _) = store_with_clock();
    let draft = store
        .create_draft(NewDraft {
            text: "Vi omorganiserer avdelingen.".into(),
            networks: vec![Network::Mastodon],
            content_warning: "  Omorganisering\n og nedbemanning ".into(),
            visibility: Some(Visibility::Private),
            ..NewDraft::default()
        })
        .unwrap();
    assert_eq!(draft.content_warning, "Omorganisering og nedbemanning");
    let read = store.draft(&draft.id).unwrap();
    assert_eq!(read.visibility, Some(Visibility::Private));
    // Back to the account's default, and the warning removed.
    let changed = store
        .update_draft(
            &draft.id,
            DraftPatch {
                content_warning: Some(String::new()),
                visibility: Some(None),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    assert_eq!(
        (changed.content_warning.as_str(), changed.visibility),
        ("", None)
    );
    store
        .update_draft(
            &draft.id,
            DraftPatch {
                content_warning: Some("Permitteringer".into()),
                visibility: Some(Some(Visibility::Unlisted)),
                ..DraftPatch::default()
            },
        )
        .unwrap();
    let export = serde_json::to_string(&store.export().unwrap()).unwrap();
    let (mut other, _) = store_with_clock();
    other.import_json(&export, "export.json").unwrap();
    let copy = other.draft(&draft.id).unwrap();
    assert_eq!(copy.content_warning, "Permitteringer");
    assert_eq!(copy.visibility, Some(Visibility::Unlisted));
}

#[test]
fn an_accounts_default_visibility_is_public_until_changed() {
    use podium_core::draft::Visibility;
    let (mut store, _) = store_with_clock();
    let account = store
        .add_account(podium_store::NewAccount {
            network: Some(Network::Mastodon),
            handle: "@leder@example.social".into(),
            service: "https://example.social".into(),
            remote_id: "1".into(),
            credential_ref: "mastodon:r".into(),
            zone: "Europe/Oslo".into(),
            ..podium_store::NewAccount::default()
        })
        .unwrap();
    assert_eq!(account.visibility, Visibility::Public);
    let changed = store
        .update_account(
            &account.id,
            &podium_store::AccountChanges {
                visibility: Some(Visibility::Private),
                ..podium_store::AccountChanges::default()
            },
        )
        .unwrap();
    assert_eq!(changed.visibility, Visibility::Private);
}
