//! End-to-end tests of drafts in the real window: writing, autosave, restart, search,
//! history, thread mode, a crash while typing, a damaged database, both languages and themes.
//! (`cargo xtask test` runs them; see tests/e2e.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::Locator;
use podium_core::text::check::{self, Network, Options};
use support::{app_pid, scenario, scenario_in, App};

const NEEDS: &str = "needs a display and tauri-driver: run `cargo xtask test`";

fn length(text: &str, network: Network) -> String {
    check::check(text, network, &Options::default())
        .length
        .to_string()
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_norwegian_post_survives_a_restart_is_found_and_an_earlier_revision_comes_back() {
    let _ = NEEDS;
    scenario_in(async |home| {
        let text = "Ledelse handler om tillit og åpenhet i Bodø #ledelse podium.no/ledelse";
        let app = App::start(home).await;
        app.editor().await.send_keys(text).await.unwrap();
        // The counts the window shows are the engine's: the bare link counts 23 on X;
        // Bluesky counts graphemes. (WebDriver cannot type emoji, so none here; the engine's
        // emoji counting is pinned by the conformance and differential tests.)
        app.wait_for_text("#count-x", &length(text, Network::X))
            .await;
        app.wait_for_text("#count-bluesky", &length(text, Network::Bluesky))
            .await;
        assert_eq!(length(text, Network::X), "76");
        app.until_saved().await;
        app.until("the draft selected in the list", async |app| {
            let titles = app.texts(".draft-row[aria-selected='true'] .title").await;
            (titles == [text]).then_some(())
        })
        .await;
        app.screenshot("drafts-written.png").await;
        app.stop().await;

        // A restart opens the draft where it was.
        let app = App::start(home).await;
        app.until_editor_holds(text).await;
        app.wait_for_text("#count-x", "76").await;

        // Search by the start of a word, in another letter case.
        let search = app.client.find(Locator::Css("#search")).await.unwrap();
        search.send_keys("LEDELSE").await.unwrap();
        let titles = app
            .until("one search hit", async |app| {
                let titles = app.texts(".draft-row .title").await;
                (titles.len() == 1).then_some(titles)
            })
            .await;
        assert_eq!(titles, vec![text.to_owned()]);
        search.send_keys("xyzzy").await.unwrap();
        app.until("no hits", async |app| {
            let empty = app.text_of("#list-empty").await?;
            empty.contains("LEDELSExyzzy").then_some(())
        })
        .await;
        app.screenshot("drafts-search-no-hits.png").await;

        // Edit in this second session: the first session's text stays a revision of its own.
        let saved_before = app.text_of("#save-status").await;
        let editor = app.editor().await;
        editor
            .send_keys(&format!("{} Les mer i kveld.", char::from(Key::End)))
            .await
            .unwrap();
        let edited = format!("{text} Les mer i kveld.");
        app.until_editor_holds(&edited).await;
        // Saved anew (the status may still show an earlier save's time at first).
        app.until("the edit saved", async |app| {
            let status = app.text_of("#save-status").await?;
            (status.starts_with("Saved") && Some(&status) != saved_before.as_ref()).then_some(())
        })
        .await;

        app.click("#history-button").await;
        let earlier = app
            .until("the first session's revision in the history", async |app| {
                let texts = app.texts(".revision .rev-text").await;
                texts.iter().position(|t| t == text)
            })
            .await;
        app.click(&format!(
            ".revisions li:nth-child({}) .revision",
            earlier + 1
        ))
        .await;
        app.wait_for_text("#diff ins", " Les mer i kveld.").await;
        app.screenshot("drafts-history-diff.png").await;
        app.click("#restore-revision").await;
        app.until_editor_holds(text).await;
        // Restoring is itself a revision: the edited text is still in the history.
        app.until("the edited text in the history", async |app| {
            let texts = app.texts(".revision .rev-text").await;
            (texts.contains(&edited) && texts.len() >= 3).then_some(())
        })
        .await;
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn kill_9_while_typing_loses_at_most_the_last_second() {
    scenario_in(async |home| {
        let app = App::start(home).await;
        let editor = app.editor().await;
        let chunk = "Ledere som lytter, bygger tillit. ";
        let mut typed = String::new();
        let mut log: Vec<(Instant, usize)> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(4);
        while Instant::now() < deadline {
            editor.send_keys(chunk).await.unwrap();
            typed.push_str(chunk);
            log.push((Instant::now(), typed.len()));
        }
        let pid = app_pid(home).expect("the app's process");
        let killed_at = Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        drop(app);

        let app = App::start(home).await;
        let saved = app
            .until("the draft after the crash", async |app| {
                let value = app.editor_value().await;
                (!value.is_empty()).then_some(value)
            })
            .await;
        assert!(
            typed.starts_with(&saved),
            "saved text is not what was typed: {saved:?}"
        );
        // Everything typed more than a second before the kill is there.
        let must_have = log
            .iter()
            .filter(|(at, _)| killed_at.duration_since(*at) >= Duration::from_secs(1))
            .map(|(_, len)| *len)
            .max()
            .unwrap_or(0);
        let lost = typed.len() - saved.len();
        println!(
            "typed {} characters in {:.1} s, killed; {} saved, {lost} lost",
            typed.len(),
            4.0,
            saved.len()
        );
        assert!(
            saved.len() >= must_have,
            "lost more than the last second: {} saved, {must_have} typed a second before the kill",
            saved.len()
        );
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn thread_mode_shows_numbered_posts_that_each_fit() {
    scenario(async |app| {
        let sentence = "Ledelse er å gjøre andre gode, hver dag og i hvert møte. ";
        let text = sentence.repeat(12);
        app.editor().await.send_keys(&text).await.unwrap();
        app.until_saved().await;
        app.click("#thread-mode").await;
        let counts = app
            .until("three or more parts", async |app| {
                let counts = app.texts(".thread-part .part-count").await;
                (counts.len() >= 3).then_some(counts)
            })
            .await;
        for count in &counts {
            let (used, limit) = count.split_once(" / ").unwrap();
            assert!(
                used.parse::<usize>().unwrap() <= limit.parse::<usize>().unwrap(),
                "{count}"
            );
            assert_eq!(limit, "280");
        }
        // The thread's network counts posts, not the whole text.
        app.wait_for_text(
            "#remaining-x",
            &format!("{} posts, each fits", counts.len()),
        )
        .await;
        assert_eq!(app.counter_state("x").await.as_deref(), Some("ok"));
        app.until("no over-limit note for X", async |app| {
            let notes = app.texts("[data-code='over_limit'] .note-message").await;
            (!notes.iter().any(|n| n.contains("X's limit"))).then_some(())
        })
        .await;
        let suffixes = app.texts(".thread-part .part-suffix").await;
        assert_eq!(
            suffixes.first().map(String::as_str),
            Some(&*format!("1/{}", counts.len()))
        );
        app.screenshot("drafts-thread.png").await;
        // Editing a part edits the draft, in place. (WebKitWebDriver types at the end of a
        // field, so the edit goes at the end of the first post.)
        let first = app.client.find(Locator::Css(".part-text")).await.unwrap();
        let part = first.prop("value").await.unwrap().unwrap();
        first.send_keys(" Hver gang.").await.unwrap();
        let end = text.find(&part).unwrap() + part.len();
        let edited = format!("{} Hver gang.{}", &text[..end], &text[end..]);
        app.until_saved().await;
        app.click("#thread-mode").await;
        app.until_editor_holds(&edited).await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn shortcuts_make_new_drafts_switch_between_them_and_toggle_networks() {
    scenario(async |app| {
        let editor = app.editor().await;
        editor.send_keys("Første utkast").await.unwrap();
        app.until_saved().await;
        let ctrl = |k: &str| {
            format!(
                "{}{k}{}",
                char::from(Key::Control),
                char::from(Key::Control)
            )
        };
        editor.send_keys(&ctrl("n")).await.unwrap();
        app.until_editor_holds("").await;
        app.editor().await.send_keys("Andre utkast").await.unwrap();
        app.until_saved().await;
        app.until("two drafts in the list", async |app| {
            (app.texts(".draft-row").await.len() == 2).then_some(())
        })
        .await;
        let alt = |k: Key| {
            format!(
                "{}{}{}",
                char::from(Key::Alt),
                char::from(k),
                char::from(Key::Alt)
            )
        };
        app.editor().await.send_keys(&alt(Key::Down)).await.unwrap();
        app.until_editor_holds("Første utkast").await;
        app.editor().await.send_keys(&alt(Key::Up)).await.unwrap();
        app.until_editor_holds("Andre utkast").await;
        // Ctrl+2 turns Bluesky off for this draft: its counter goes away.
        app.editor().await.send_keys(&ctrl("2")).await.unwrap();
        app.until("the Bluesky counter hidden", async |app| {
            let counter = app
                .client
                .find(Locator::Css("#counter-bluesky"))
                .await
                .ok()?;
            (!counter.is_displayed().await.ok()?).then_some(())
        })
        .await;
        let pressed = app
            .client
            .find(Locator::Css("#toggle-bluesky"))
            .await
            .unwrap()
            .attr("aria-pressed")
            .await
            .unwrap();
        assert_eq!(pressed.as_deref(), Some("false"));
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_damaged_database_offers_its_backups_and_restores_one() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        {
            let mut store = podium_store::Store::open(&db).unwrap();
            store
                .create_draft(podium_store::NewDraft {
                    text: "Reddet fra sikkerhetskopien".into(),
                    ..Default::default()
                })
                .unwrap();
            store.backup_daily().unwrap().unwrap();
        }
        let damaged = b"the disk had a bad day ".repeat(400);
        std::fs::write(&db, &damaged).unwrap();
        let _ = std::fs::remove_file(db.with_extension("sqlite3-wal"));

        let app = App::start(home).await;
        app.until("the problem screen", async |app| {
            let message = app.text_of("#problem-message").await?;
            message.contains("is damaged").then_some(())
        })
        .await;
        app.screenshot("drafts-damaged-database.png").await;
        app.click("#problem-backups button").await;
        app.until_editor_holds("Reddet fra sikkerhetskopien").await;
        // The damaged file was kept next to the database.
        let kept = std::fs::read_dir(db.parent().unwrap())
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().contains("damaged"))
            .expect("the damaged file is kept");
        assert_eq!(std::fs::read(kept.path()).unwrap(), damaged);
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_window_in_english_and_norwegian_light_and_dark() {
    scenario(async |app| {
        let text = "Vi ansetter #ingeniører i Bodø og Tromsø! Les mer på podium.no/jobb #sosialemedier #ledelse";
        app.editor().await.send_keys(text).await.unwrap();
        app.until_saved().await;
        app.click("#counter-linkedin").await;
        app.wait_for_text(".post-linkedin .badge", "LinkedIn").await;
        app.screenshot("window-en-light.png").await;
        // A backup, so Settings lists one with its Restore button.
        app.click("#settings-button").await;
        app.click("#backup-now").await;
        app.until("a backup listed", async |app| {
            (!app.texts("#backups button").await.is_empty()).then_some(())
        })
        .await;

        app.choose_setting("#setting-language", "nb").await;
        app.choose_setting("#setting-theme", "dark").await;
        // What Settings lists itself (where the data is, each backup's button) follows at once.
        let words = async |app: &App| {
            app.client
                .execute(
                    "const text = (css) => [...document.querySelectorAll(css)].map((e) => e.textContent);
                     return [[...text('#paths dt'), ...text('#backups button')],
                             document.getElementById('filter-state').getAttribute('aria-label')]",
                    vec![],
                )
                .await
                .unwrap()
        };
        app.until("Settings' own lists in Norwegian", async |app| {
            let w = words(app).await;
            (w[0][0] == "Utkastdatabase").then_some(())
        })
        .await;
        let w = words(app).await;
        let listed: Vec<&str> = w[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            &listed[..3],
            ["Utkastdatabase", "Sikkerhetskopier", "Logger"]
        );
        assert!(
            listed[3..].iter().all(|b| *b == "Gjenopprett"),
            "{listed:?}"
        );
        assert_eq!(w[1], "Status", "the filters' labels for screen readers");
        app.screenshot("settings-nb-dark.png").await;
        app.click("#settings form button[value='close']").await;
        app.wait_for_text("#new-draft", "Nytt utkast").await;
        app.until("Norwegian counters", async |app| {
            app.text_of("#remaining-x")
                .await?
                .ends_with("igjen")
                .then_some(())
        })
        .await;
        let theme = app
            .client
            .execute("return document.documentElement.dataset.theme", vec![])
            .await
            .unwrap();
        assert_eq!(theme, serde_json::json!("dark"));
        app.screenshot("window-nb-dark.png").await;
        app.click("#history-button").await;
        app.click(".revision").await;
        app.screenshot("history-nb-dark.png").await;

        app.choose_setting("#setting-language", "en").await;
        app.click("#settings form button[value='close']").await;
        app.wait_for_text("#new-draft", "New draft").await;
        app.screenshot("window-en-dark.png").await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_window_speaks_norwegian_when_the_system_does() {
    scenario_in(async |home| {
        let app = App::start_env(home, &[("LANG", "nb_NO.UTF-8"), ("LANGUAGE", "nb")]).await;
        app.wait_for_text("#new-draft", "Nytt utkast").await;
        app.wait_for_text("#remaining-x", "280 igjen").await;
        let lang = app
            .editor()
            .await
            .attr("placeholder")
            .await
            .unwrap()
            .unwrap();
        assert!(lang.starts_with("Hva vil du si?"), "{lang}");
        let post_lang = app
            .client
            .find(Locator::Css("#draft-lang"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(
            post_lang.as_deref(),
            Some("nb"),
            "a new post is in Norwegian too"
        );
        app.screenshot("window-nb-light-from-os.png").await;
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_network_gets_its_own_version_that_is_checked_and_kept() {
    scenario_in(async |home| {
        let shared = "Kort tekst for alle #ledelse";
        let linkedin = format!("{shared} Og en lengre tanke, bare for LinkedIn.");
        let app = App::start(home).await;
        app.editor().await.send_keys(shared).await.unwrap();
        app.until_saved().await;
        let version = app.client.find(Locator::Css("#version")).await.unwrap();
        version.select_by_value("linkedin").await.unwrap();
        app.until_editor_holds(shared).await;
        app.editor()
            .await
            .send_keys(" Og en lengre tanke, bare for LinkedIn.")
            .await
            .unwrap();
        app.until_editor_holds(&linkedin).await;
        // LinkedIn counts its own version; X still counts the shared text.
        app.wait_for_text("#count-linkedin", &length(&linkedin, Network::Linkedin))
            .await;
        app.wait_for_text("#count-x", &length(shared, Network::X))
            .await;
        app.until_saved().await;
        app.screenshot("drafts-linkedin-version.png").await;
        app.client
            .find(Locator::Css("#version"))
            .await
            .unwrap()
            .select_by_value("main")
            .await
            .unwrap();
        app.until_editor_holds(shared).await;
        app.stop().await;

        let app = App::start(home).await;
        app.until_editor_holds(shared).await;
        app.wait_for_text("#count-linkedin", &length(&linkedin, Network::Linkedin))
            .await;
        app.client
            .find(Locator::Css("#version"))
            .await
            .unwrap()
            .select_by_value("linkedin")
            .await
            .unwrap();
        app.until_editor_holds(&linkedin).await;
        // Back to one text for all.
        app.click("#drop-version").await;
        app.until_editor_holds(shared).await;
        app.wait_for_text("#count-linkedin", &length(shared, Network::Linkedin))
            .await;
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_database_someone_added_a_trigger_to_is_refused_untouched_and_offers_the_backups() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        {
            let mut store = podium_store::Store::open(&db).unwrap();
            store
                .create_draft(podium_store::NewDraft {
                    text: "Før noen rørte fila".into(),
                    ..Default::default()
                })
                .unwrap();
            store.backup_daily().unwrap().unwrap();
        }
        // Someone adds a trigger that would copy every draft elsewhere.
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(
                "CREATE TABLE copies (text TEXT);
                 CREATE TRIGGER copy_drafts AFTER UPDATE ON drafts
                 BEGIN INSERT INTO copies VALUES (new.text); END;
                 PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .unwrap();
        }
        let altered = std::fs::read(&db).unwrap();

        let app = App::start(home).await;
        let message = app
            .until("the problem screen", async |app| {
                let message = app.text_of("#problem-message").await?;
                message.contains("copy_drafts").then_some(message)
            })
            .await;
        assert!(message.contains("did not make"), "{message}");
        app.screenshot("drafts-altered-database.png").await;
        assert_eq!(
            std::fs::read(&db).unwrap(),
            altered,
            "the altered file is left as it was"
        );
        app.click("#problem-backups button").await;
        app.until_editor_holds("Før noen rørte fila").await;
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn text_past_the_cap_is_refused_whole_and_the_window_says_so() {
    scenario(async |app| {
        app.editor().await.send_keys("Kort innlegg.").await.unwrap();
        app.until_saved().await;
        let before = app.editor_value().await;
        // Inserted as a paste or a drop would be: one edit of 100,001 characters.
        app.client
            .execute(
                "const area = document.querySelector('#post-text');
                 area.focus();
                 area.setSelectionRange(area.value.length, area.value.length);
                 document.execCommand('insertText', false, 'ø'.repeat(100001));",
                vec![],
            )
            .await
            .unwrap();
        let said = app
            .until("the refusal", async |app| {
                let toast = app.text_of("#toast").await?;
                toast.contains("100000").then_some(toast)
            })
            .await;
        assert!(said.contains("Not added"), "{said}");
        assert_eq!(app.editor_value().await, before, "nothing was cut to fit");
        // A normal post still types and counts as before.
        app.editor().await.send_keys(" Videre.").await.unwrap();
        app.wait_for_text("#count-x", "21").await;
    });
}
