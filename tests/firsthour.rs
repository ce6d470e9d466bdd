//! A new user's first hour, in the real window: undo through real key events, work that must
//! not look lost (a new draft under an active search, the bin, why a search hit matched), the
//! notes' fixes, the history's revisions, the plan's ready list and thread mode per network.
//! Each screen touched is photographed in English and Norwegian, light and dark, at 1024×700
//! and 1280×800. (`cargo xtask test` runs them; see tests/e2e.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Locator;
use support::{scenario, App};

/// The window sizes every touched screen is looked at in.
const SIZES: [(u32, u32); 2] = [(1024, 700), (1280, 800)];

/// Presses `key` with Ctrl (and Shift) held, as a person does: key events, not script.
async fn press_ctrl(app: &App, key: char, shift: bool) {
    let ctrl = char::from(Key::Control);
    let shift_key = char::from(Key::Shift);
    let mut keys = KeyActions::new("keyboard".into()).then(KeyAction::Down { value: ctrl });
    if shift {
        keys = keys.then(KeyAction::Down { value: shift_key });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    if shift {
        keys = keys.then(KeyAction::Up { value: shift_key });
    }
    keys = keys.then(KeyAction::Up { value: ctrl });
    app.client.perform_actions(keys).await.unwrap();
    app.client.release_actions().await.unwrap();
}

/// Sets the window's size (the outer window; the page gets what the frame leaves).
async fn window_size(app: &App, (width, height): (u32, u32)) {
    app.client.set_window_size(width, height).await.unwrap();
    // WebKit draws the new size a moment later; a picture taken sooner is half black.
    tokio::time::sleep(Duration::from_millis(700)).await;
}

/// Chooses the UI language and theme as Settings saves them, and reloads the page (the
/// database and the draft shown stay).
async fn look(app: &App, lang: &str, theme: &str) {
    app.client
        .execute(
            "localStorage.setItem('podium.language', arguments[0]);
             localStorage.setItem('podium.theme', arguments[1]);
             location.reload();",
            vec![serde_json::json!(lang), serde_json::json!(theme)],
        )
        .await
        .unwrap();
    let new = if lang == "nb" {
        "Nytt utkast"
    } else {
        "New draft"
    };
    app.until("the page back in its language", async |app| {
        (app.text_of("#new-draft").await? == new).then_some(())
    })
    .await;
    // The newest draft is back in the editor.
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Photographs a screen in both languages, both themes and both sizes: `show` brings the
/// screen up again after each reload. Leaves the window in English, light, 1280×800.
async fn photograph(app: &App, name: &str, show: impl AsyncFn(&App)) {
    for (lang, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("nb", "light"),
        ("nb", "dark"),
    ] {
        look(app, lang, theme).await;
        for size in SIZES {
            window_size(app, size).await;
            show(app).await;
            // The pointer out of the way: a tooltip it left open would cover the picture.
            let away = fantoccini::actions::MouseActions::new("mouse".into()).then(
                fantoccini::actions::PointerAction::MoveTo {
                    duration: None,
                    x: 1.0,
                    y: 1.0,
                },
            );
            let _ = app.client.perform_actions(away).await;
            app.screenshot(&format!("{name}-{lang}-{theme}-{}x{}.png", size.0, size.1))
                .await;
        }
    }
    look(app, "en", "light").await;
    window_size(app, (1280, 800)).await;
}

/// Types `text` into a new draft and waits until it is saved.
async fn write_draft(app: &App, text: &str) {
    app.click("#new-draft").await;
    app.until_editor_holds("").await;
    app.editor().await.send_keys(text).await.unwrap();
    app.until_editor_holds(text).await;
    // Saved as a draft of its own: it is the one selected in the list (an earlier draft's
    // "Saved" may still be showing).
    app.until("the new draft saved and selected", async |app| {
        let titles = app.texts(".draft-row[aria-selected='true'] .title").await;
        (titles == [text]).then_some(())
    })
    .await;
}

/// Waits for the fix button labelled `label` and clicks it. (The notes are redrawn as each
/// check comes back: a button found a moment ago may have been replaced; find it again.)
async fn click_fix(app: &App, label: &str) {
    app.until(&format!("a fix button “{label}” clicked"), async |app| {
        let buttons = app
            .client
            .find_all(Locator::Css("#notes .fix"))
            .await
            .ok()?;
        for b in buttons {
            if b.text().await.ok().as_deref() == Some(label) {
                return b.click().await.ok();
            }
        }
        None
    })
    .await;
}

/// Clicks the *Restore* button of the bin's row titled `title`.
async fn restore_from_bin(app: &App, title: &str) {
    app.until(
        &format!("“{title}” restored from the bin"),
        async |app| {
            let rows = app
                .client
                .find_all(Locator::Css(".draft-row.binned"))
                .await
                .ok()?;
            for row in rows {
                let shown = row.find(Locator::Css(".title")).await.ok()?;
                if shown.prop("textContent").await.ok()?.as_deref() == Some(title) {
                    let button = row.find(Locator::Css(".restore")).await.ok()?;
                    return button.click().await.ok();
                }
            }
            None
        },
    )
    .await;
}

/// Opens the history panel (the button toggles it).
async fn open_history(app: &App) {
    let hidden = app
        .client
        .execute("return document.getElementById('history').hidden", vec![])
        .await
        .unwrap();
    if hidden == serde_json::json!(true) {
        app.click("#history-button").await;
    }
}

/// Opens the oldest revision in the history panel.
async fn click_last_revision(app: &App) {
    app.until("the oldest revision opened", async |app| {
        let all = app
            .client
            .find_all(Locator::Css("#revisions .revision"))
            .await
            .ok()?;
        let last = all.last()?.clone();
        app.client
            .execute(
                "arguments[0].scrollIntoView({block: 'nearest'})",
                vec![serde_json::to_value(&last).ok()?],
            )
            .await
            .ok()?;
        last.click().await.ok()
    })
    .await;
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn ctrl_z_undoes_typing_and_a_fix_and_ctrl_shift_z_and_ctrl_y_redo_them() {
    scenario(async |app| {
        let typed = "Om #sosialemedier i dag";
        let fixed = "Om #SosialeMedier i dag";
        app.editor().await.send_keys(typed).await.unwrap();
        app.until_editor_holds(typed).await;
        click_fix(app, "Change to #SosialeMedier").await;
        app.until_editor_holds(fixed).await;

        // The keys go to the text area, as after clicking back into it.
        app.editor().await.click().await.unwrap();
        press_ctrl(app, 'z', false).await;
        app.until_editor_holds(typed).await;
        // Typing undoes a word at a time.
        press_ctrl(app, 'z', false).await;
        app.until_editor_holds("Om #sosialemedier i ").await;
        press_ctrl(app, 'z', false).await;
        app.until_editor_holds("Om #sosialemedier ").await;

        press_ctrl(app, 'z', true).await;
        app.until_editor_holds("Om #sosialemedier i ").await;
        press_ctrl(app, 'y', false).await;
        app.until_editor_holds(typed).await;
        press_ctrl(app, 'y', false).await;
        app.until_editor_holds(fixed).await;
        // Nothing left to redo: the text stays.
        press_ctrl(app, 'y', false).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(app.editor_value().await, fixed);

        // What was undone and redone is saved and checked like typing.
        app.until_saved().await;
        app.until("the fix note gone", async |app| {
            let notes = app.texts("#notes [data-code='hashtag_camel_case']").await;
            notes.is_empty().then_some(())
        })
        .await;
    });
}

/// Keys pressed 100 ms apart but handled 1.2 s apart (a busy window): each arrives with its
/// key press's time stamp, as WebKit gives it, and is handled late, as under load.
const LATE_KEYS: &str = "
    const area = document.getElementById('post-text');
    area.focus();
    const pressed = performance.now();
    for (const [i, c] of [...arguments[0]].entries()) {
        const until = performance.now() + 1200;
        while (performance.now() < until) {}
        const key = new KeyboardEvent('keydown', { key: c, bubbles: true });
        Object.defineProperty(key, 'timeStamp', { value: pressed + i * 100 });
        area.dispatchEvent(key);
        area.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText', data: c, bubbles: true, cancelable: true }));
        const at = area.selectionEnd;
        area.value = area.value.slice(0, at) + c + area.value.slice(at);
        area.setSelectionRange(at + 1, at + 1);
        area.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: c, bubbles: true }));
    }";

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn ctrl_z_undoes_a_word_typed_in_a_busy_window_whole_by_the_keys_own_times() {
    scenario(async |app| {
        app.editor().await.send_keys("Hei ").await.unwrap();
        app.until_editor_holds("Hei ").await;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        app.client
            .execute(LATE_KEYS, vec![serde_json::json!("alle")])
            .await
            .unwrap();
        app.until_editor_holds("Hei alle").await;
        // One word, one step: measured when the keys were handled, it would be four letters.
        app.editor().await.click().await.unwrap();
        press_ctrl(app, 'z', false).await;
        app.until_editor_holds("Hei ").await;
        press_ctrl(app, 'y', false).await;
        app.until_editor_holds("Hei alle").await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_new_draft_matching_the_search_appears_in_the_list_with_why_it_matched() {
    scenario(async |app| {
        write_draft(app, "Ledelse i Bodø handler om tillit").await;
        write_draft(app, "Kaffe på fredag").await;
        let search = app.client.find(Locator::Css("#search")).await.unwrap();
        search.send_keys("tillit").await.unwrap();
        app.until("one hit", async |app| {
            (app.texts(".draft-row .title").await.len() == 1).then_some(())
        })
        .await;

        // A new draft written while the search is on shows up once it matches.
        write_draft(app, "Vi bygger tillit i team").await;
        let titles = app
            .until("the new draft among the hits", async |app| {
                let titles = app.texts(".draft-row .title").await;
                (titles.len() == 2).then_some(titles)
            })
            .await;
        assert!(
            titles.contains(&"Vi bygger tillit i team".to_owned()),
            "{titles:?}"
        );
        // Each hit says why it matched.
        let marks = app.texts(".draft-row .snippet mark").await;
        assert_eq!(marks, ["tillit", "tillit"], "{marks:?}");

        photograph(app, "search-snippet", async |app| {
            let search = app.client.find(Locator::Css("#search")).await.unwrap();
            search.clear().await.unwrap();
            search.send_keys("tillit").await.unwrap();
            app.until("the hits", async |app| {
                (app.texts(".draft-row .snippet mark").await.len() == 2).then_some(())
            })
            .await;
        })
        .await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_deleted_draft_waits_in_the_bin_comes_back_and_the_bin_empties_for_good() {
    scenario(async |app| {
        write_draft(app, "Utkast som skal tilbake").await;
        app.click("#delete-button").await;
        write_draft(app, "Utkast som skal bort").await;
        app.click("#delete-button").await;

        let state = app
            .client
            .find(Locator::Css("#filter-state"))
            .await
            .unwrap();
        state.select_by_value("__bin").await.unwrap();
        let titles = app
            .until("two drafts in the bin", async |app| {
                let titles = app.texts(".draft-row .title").await;
                (titles.len() == 2).then_some(titles)
            })
            .await;
        assert_eq!(titles, ["Utkast som skal bort", "Utkast som skal tilbake"]);
        app.screenshot("bin-en-light.png").await;

        // A click on a binned draft (not on Restore) selects it and offers Restore.
        app.click("#draft-list .draft-row.binned:last-child .title")
            .await;
        app.until("the binned draft selected, Restore offered", async |app| {
            let selected = app
                .texts(".draft-row.binned[aria-selected='true'] .title")
                .await;
            let toast = app.text_of("#toast").await?;
            (selected.len() == 1
                && toast.contains("is in the bin")
                && app.texts("#toast button").await == ["Restore"])
            .then_some(())
        })
        .await;
        app.screenshot("bin-click-binned-en-light.png").await;

        // Restore the older one: it opens in the editor, and the list is back from the bin
        // with it selected (not an empty bin saying no draft matches).
        restore_from_bin(app, "Utkast som skal tilbake").await;
        app.until_editor_holds("Utkast som skal tilbake").await;
        app.until("the ordinary list, the restored draft selected", async |app| {
            let filter = app
                .client
                .execute("return [document.getElementById('filter-state').value, document.getElementById('bin-bar').hidden]", vec![])
                .await
                .ok()?;
            let selected = app.texts(".draft-row[aria-selected='true'] .title").await;
            (filter == serde_json::json!(["", true]) && selected == ["Utkast som skal tilbake"] && app.texts(".draft-row.binned").await.is_empty())
                .then_some(())
        })
        .await;
        app.screenshot("bin-restored-en-light.png").await;
        let restored = "Utkast som skal tilbake".to_owned();

        photograph(app, "bin", async |app| {
            let state = app
                .client
                .find(Locator::Css("#filter-state"))
                .await
                .unwrap();
            state.select_by_value("__bin").await.unwrap();
            app.until("the bin shown", async |app| {
                (app.texts(".draft-row .restore").await.len() == 1).then_some(())
            })
            .await;
            // Restore ("Gjenopprett" too) has a column of its own: the title and time end before it.
            let clear = app
                .client
                .execute(
                    "const row = document.querySelector('.draft-row.binned');
                     const b = row.querySelector('.restore').getBoundingClientRect();
                     return [...row.querySelectorAll('.title, time')].every((e) => e.getBoundingClientRect().right <= b.left);",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(clear, serde_json::json!(true), "Restore overlaps the row's title or time");
        })
        .await;

        // Empty it: the button asks once more, then the bin is empty.
        let state = app
            .client
            .find(Locator::Css("#filter-state"))
            .await
            .unwrap();
        state.select_by_value("__bin").await.unwrap();
        app.click("#empty-bin").await;
        app.click("#empty-bin").await;
        app.until("an empty bin", async |app| {
            let empty = app.text_of("#list-empty").await?;
            (empty == "The bin is empty.").then_some(())
        })
        .await;
        // The filter is drawn again with its counts once the bin is empty: find it anew.
        app.client
            .find(Locator::Css("#filter-state"))
            .await
            .unwrap()
            .select_by_value("")
            .await
            .unwrap();
        app.until("the restored draft in the list", async |app| {
            let titles = app.texts(".draft-row .title").await;
            (titles == [restored.clone()]).then_some(())
        })
        .await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn notes_call_one_word_tags_fine_split_others_on_the_systems_word_lists_and_show_fixes_at_once() {
    scenario(async |app| {
        window_size(app, (1280, 800)).await;
        let text = "Godt #arbeidsliv gir #godtlederskap. Vi ansetter i Bodø og Tromsø! \
                    Les mer på podium.no/jobb #sosialemedier";
        app.editor().await.send_keys(text).await.unwrap();
        app.until_editor_holds(text).await;
        // The system's lists are read in the background at start: the fix comes once they are in.
        let labels = app
            .until("fixes for both run-together tags", async |app| {
                let labels = app.texts("#notes .fix").await;
                (labels.iter().any(|l| l == "Change to #GodtLederskap")
                    && labels.iter().any(|l| l == "Change to #SosialeMedier"))
                .then_some(labels)
            })
            .await;
        assert!(
            !labels.iter().any(|l| l.contains("rbeidsliv")),
            "{labels:?}"
        );
        let notes = app
            .texts("#notes [data-code='hashtag_camel_case'] .note-message")
            .await;
        assert!(
            !notes.iter().any(|n| n.contains("#arbeidsliv")),
            "a one-word tag got a note: {notes:?}"
        );
        // Every fix button is in view without scrolling, at 1280×800 and at 1024×700.
        for size in SIZES {
            window_size(app, size).await;
            let hidden = app
                .client
                .execute(
                    "const column = document.querySelector('.checks').getBoundingClientRect();
                     const fold = Math.min(window.innerHeight, column.bottom);
                     return [...document.querySelectorAll('#notes .fix')]
                       .filter((b) => b.getBoundingClientRect().bottom > fold)
                       .map((b) => b.textContent)",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(hidden, serde_json::json!([]), "below the fold at {size:?}");
        }
        photograph(app, "notes", async |app| {
            app.until("the notes", async |app| {
                (app.texts("#notes .fix").await.len() >= 2).then_some(())
            })
            .await;
        })
        .await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn history_keeps_the_text_at_pauses_and_at_each_fix_by_name_in_norwegian() {
    scenario(async |app| {
        let typed = "Om #sosialemedier i dag";
        app.editor().await.send_keys(typed).await.unwrap();
        app.until_saved().await;
        click_fix(app, "Change to #SosialeMedier").await;
        app.until_editor_holds("Om #SosialeMedier i dag").await;
        app.until_saved().await;
        app.editor().await.send_keys(" og i morgen").await.unwrap();
        app.until_saved().await;
        app.click("#history-button").await;
        // One revision at the first pause, one at the fix, one for the typing after it (the
        // panel follows each save).
        let expected = [
            "Om #SosialeMedier i dag og i morgen",
            "Om #SosialeMedier i dag",
            "Om #sosialemedier i dag",
        ];
        app.until("three revisions: typed, fixed, typed on", async |app| {
            (app.texts(".revision .rev-text").await == expected).then_some(())
        })
        .await;
        let meta = app.texts(".revision .rev-meta").await;
        assert!(
            meta.iter()
                .all(|m| m.contains(" · by ") && !m.ends_with(" me")),
            "{meta:?}"
        );
        // The word diff marks whole words.
        click_last_revision(app).await;
        let changed = app
            .until("the diff", async |app| {
                let ins = app.texts("#diff ins").await;
                (!ins.is_empty()).then_some(ins)
            })
            .await;
        assert!(
            changed.iter().any(|w| w.contains("SosialeMedier")),
            "{changed:?}"
        );

        photograph(app, "history", async |app| {
            open_history(app).await;
            app.until("the revisions", async |app| {
                (app.texts(".revision").await.len() == 3).then_some(())
            })
            .await;
            click_last_revision(app).await;
        })
        .await;
        look(app, "nb", "light").await;
        open_history(app).await;
        let meta = app
            .until("Norwegian revisions", async |app| {
                let meta = app.texts(".revision .rev-meta").await;
                (meta.len() == 3).then_some(meta)
            })
            .await;
        assert!(meta.iter().all(|m| m.contains(" · av ")), "{meta:?}");
    });
}

/// Picks `value` in the select `css`.
async fn pick(app: &App, css: &str, value: &str) {
    let select = app.client.find(Locator::Css(css)).await.unwrap();
    select.select_by_value(value).await.unwrap();
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn thread_mode_threads_every_network_on_its_own_text_and_previews_post_by_post() {
    scenario(async |app| {
        let sentence = "Ledelse er å gjøre andre gode, hver dag og i hvert møte. ";
        let text = sentence.repeat(9).trim_end().to_owned();
        app.editor().await.send_keys(&text).await.unwrap();
        app.until_saved().await;
        app.click("#thread-mode").await;
        // X (280) and Bluesky (300) each count their own posts: neither is left over.
        for network in ["x", "bluesky", "mastodon"] {
            app.until(&format!("{network} counted as a thread"), async |app| {
                let left = app.texts(&format!("#remaining-{network}")).await;
                left.first()?.ends_with("posts, each fits").then_some(())
            })
            .await;
            assert_eq!(app.counter_state(network).await.as_deref(), Some("ok"));
        }
        let notes = app.texts("[data-code='over_limit'] .note-message").await;
        assert!(notes.is_empty(), "{notes:?}");
        // The preview shows the pressed network's thread, post by post.
        app.click("#counter-bluesky").await;
        let posts = app
            .until("Bluesky's thread in the preview", async |app| {
                let posts = app
                    .texts("#preview .post-bluesky.thread-post .post-text")
                    .await;
                (posts.len() >= 2).then_some(posts)
            })
            .await;
        assert!(
            posts[0].ends_with(&format!("1/{}", posts.len())),
            "{posts:?}"
        );
        photograph(app, "thread", async |app| {
            app.click("#counter-bluesky").await;
            app.until("the thread preview", async |app| {
                (app.texts("#preview .thread-post").await.len() >= 2).then_some(())
            })
            .await;
        })
        .await;

        // With X's own version open, Thread splits that version: editing a part changes X's
        // version and leaves the shared text as it was.
        pick(app, "#version", "x").await;
        app.until("X's version split", async |app| {
            let options = app.texts("#thread-network option").await;
            (options == ["X"] && !app.texts(".thread-part").await.is_empty()).then_some(())
        })
        .await;
        let first = app.client.find(Locator::Css(".part-text")).await.unwrap();
        first.send_keys(" Kort.").await.unwrap();
        app.until_saved().await;
        let x_text = app.editor_value().await;
        assert!(x_text.contains(" Kort."), "{x_text}");
        pick(app, "#version", "main").await;
        app.until_editor_holds(&text).await;

        // Thread mode off: each counter says what it counts; X counts its own version, and
        // says so, over the shared text on screen.
        app.click("#thread-mode").await;
        app.until("X's counter naming its version", async |app| {
            let left = app.texts("#remaining-x").await;
            left.first()?.ends_with("its own version").then_some(())
        })
        .await;
        let bluesky = app.texts("#remaining-bluesky").await;
        assert!(bluesky[0].ends_with(" over"), "{bluesky:?}");
    });
}

/// Next week's Monday, 00:00 in this computer's zone.
fn next_monday() -> chrono::DateTime<chrono::Local> {
    use chrono::{Datelike, Local, TimeZone};
    let today = Local::now().date_naive();
    let monday = today - chrono::Duration::days(today.weekday().num_days_from_monday().into())
        + chrono::Duration::days(7);
    Local
        .from_local_datetime(&monday.and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap()
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_plan_lists_ready_drafts_to_drag_in_schedules_on_a_clicked_slot_and_lists_the_queue() {
    use chrono::{Datelike, Utc, Weekday};
    use fantoccini::actions::{MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    use podium_core::draft::DraftState;
    use podium_core::schedule::Slot;
    use podium_core::text::check::Network;
    use podium_store::{NewAccount, NewDraft, Store};

    support::scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let (dragged, clicked) = {
            let mut store = Store::open(&db).unwrap();
            let account = store
                .add_account(NewAccount {
                    network: Some(Network::Mastodon),
                    handle: "@leder@example.social".into(),
                    service: "https://example.social".into(),
                    remote_id: "7".into(),
                    credential_ref: "mastodon:e2e".into(),
                    zone: "Europe/Oslo".into(),
                    ..NewAccount::default()
                })
                .unwrap();
            store
                .set_slots(&account.id, &[Slot::parse("thu 14:00").unwrap()])
                .unwrap();
            let mut ready = |text: &str| {
                store
                    .create_draft(NewDraft {
                        text: text.into(),
                        networks: vec![Network::Mastodon],
                        state: Some(DraftState::Ready),
                        ..NewDraft::default()
                    })
                    .unwrap()
                    .id
            };
            (
                ready("Kvartalstallene er klare"),
                ready("Velkommen til nye ansatte"),
            )
        };

        let app = App::start(home).await;
        app.client.set_window_size(1280, 800).await.unwrap();
        app.click("#plan-button").await;
        app.until("both ready drafts beside the week", async |app| {
            (app.texts(".ready-item .title").await.len() == 2).then_some(())
        })
        .await;
        app.click("#plan-next").await;
        app.until("next week's slot", async |app| {
            (!app.texts(".day[data-day='3'] .slot").await.is_empty()).then_some(())
        })
        .await;

        // Drag the first ready draft to Wednesday 10:00 of next week.
        let item = app
            .client
            .find(Locator::Css(&format!(".ready-item[data-id='{dragged}']")))
            .await
            .unwrap();
        let point = app
            .client
            .execute(
                "const r = document.querySelector(\".day[data-day='2']\").getBoundingClientRect();
                 return [r.left + r.width / 2, r.top + 10 * 44 + 2];",
                vec![],
            )
            .await
            .unwrap();
        let (x, y) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: item,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(100)),
                x: 20.0,
                y: 0.0,
            })
            .then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(200)),
                x,
                y,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        app.client.perform_actions(drag).await.unwrap();
        let expected = (next_monday() + chrono::Duration::days(2) + chrono::Duration::hours(10))
            .with_timezone(&Utc);
        let entries = app
            .until("the dragged draft in the outbox", async |_| {
                let store = Store::open(&db).ok()?;
                let entries = store.entries_of_draft(&dragged).ok()?;
                (!entries.is_empty()).then_some(entries)
            })
            .await;
        assert_eq!(entries[0].due_at, expected, "dropped on Wednesday 10:00");
        app.until("the dragged draft leaves the ready list", async |app| {
            (app.texts(".ready-item .title").await == ["Velkommen til nye ansatte"]).then_some(())
        })
        .await;
        app.screenshot("plan-ready-dragged.png").await;

        // Click Thursday's free slot and pick the other ready draft.
        app.click(".day[data-day='3'] .slot").await;
        app.until("the slot's choice of drafts", async |app| {
            (app.texts("#slot-drafts button").await == ["Velkommen til nye ansatte"]).then_some(())
        })
        .await;
        app.screenshot("plan-slot-dialog.png").await;
        app.click("#slot-drafts button").await;
        let entries = app
            .until("the clicked draft in the slot", async |_| {
                let store = Store::open(&db).ok()?;
                let entries = store.entries_of_draft(&clicked).ok()?;
                (!entries.is_empty()).then_some(entries)
            })
            .await;
        assert_eq!(entries[0].due_at.weekday(), Weekday::Thu);
        assert!(entries[0].due_at > expected);
        app.until("the ready list empty", async |app| {
            app.texts(".ready-item").await.is_empty().then_some(())
        })
        .await;

        // The queue as a list: both posts, in time order.
        app.click("#plan-list-view").await;
        let titles = app
            .until("the queue's list", async |app| {
                let titles = app.texts(".queue-row .title").await;
                (titles.len() == 2).then_some(titles)
            })
            .await;
        assert_eq!(
            titles,
            ["Kvartalstallene er klare", "Velkommen til nye ansatte"]
        );
        // The zone is named as a place, with the accounts' own where it differs.
        let status = app.texts("#plan-status").await.join("");
        assert!(status.contains("Oslo"), "{status}");

        photograph(&app, "plan-queue", async |app| {
            app.click("#plan-button").await;
            app.click("#plan-list-view").await;
            app.until("the queue", async |app| {
                (app.texts(".queue-row").await.len() == 2).then_some(())
            })
            .await;
        })
        .await;
        photograph(&app, "plan-week", async |app| {
            app.click("#plan-button").await;
            app.click("#plan-week-view").await;
            app.click("#plan-today").await;
            app.click("#plan-next").await;
            app.until("the week", async |app| {
                (app.texts(".plan-post").await.len() == 2).then_some(())
            })
            .await;
        })
        .await;
        app.stop().await;
    });
}

/// Whether the dialog `id` is open.
async fn dialog_open(app: &App, id: &str) -> bool {
    app.client
        .execute(
            "return document.getElementById(arguments[0]).open",
            vec![serde_json::json!(id)],
        )
        .await
        .unwrap()
        == serde_json::json!(true)
}

/// Which Accounts sections are open, once Accounts is.
async fn accounts_open_at(app: &App) -> Vec<String> {
    app.until("Accounts open", async |app| {
        dialog_open(app, "accounts-dialog").await.then_some(())
    })
    .await;
    let open = app
        .client
        .execute(
            "return [...document.querySelectorAll('#accounts-dialog details.connect')].filter((d) => d.open).map((d) => d.id)",
            vec![],
        )
        .await
        .unwrap();
    app.client
        .execute("document.getElementById('accounts-dialog').close()", vec![])
        .await
        .unwrap();
    serde_json::from_value(open).unwrap()
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn with_no_account_the_plan_offers_connect_where_a_click_or_a_drag_lands_and_accounts_is_a_button()
{
    use fantoccini::actions::{MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    use podium_core::draft::DraftState;
    use podium_core::text::check::Network;
    use podium_store::{NewDraft, Store};

    support::scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        {
            let mut store = Store::open(&db).unwrap();
            store
                .create_draft(NewDraft {
                    text: "Kvartalstallene er klare".into(),
                    networks: vec![Network::X, Network::Mastodon, Network::Bluesky],
                    state: Some(DraftState::Ready),
                    ..NewDraft::default()
                })
                .unwrap();
        }
        let app = App::start(home).await;
        app.client.set_window_size(1280, 800).await.unwrap();
        app.click("#plan-button").await;
        app.until("the ready draft beside the week", async |app| {
            (app.texts(".ready-item .title").await.len() == 1).then_some(())
        })
        .await;

        // "Accounts…" in the no-account line is a button: it opens Accounts at the tiles.
        let line = app.text_of("#plan-empty").await.unwrap();
        assert_eq!(line, "Connect an account to schedule posts: Accounts…");
        app.click("#plan-empty button.connect-account").await;
        assert!(accounts_open_at(&app).await.is_empty(), "the tile overview");

        // A click on a time (next week's) offers Connect; it opens Accounts at the quickest
        // network of the ready drafts'.
        app.click("#plan-next").await;
        app.click(".day[data-day='3']").await;
        app.until("the slot dialog offering Connect", async |app| {
            (dialog_open(app, "slot-dialog").await
                && app.texts("#slot-drafts .connect-account").await == ["Connect an account"])
            .then_some(())
        })
        .await;
        app.screenshot("plan-no-account-click-en-light.png").await;
        app.click("#slot-drafts .connect-account").await;
        assert_eq!(accounts_open_at(&app).await, ["connect-bluesky"]);

        // A drag onto a time does the same, naming the draft's networks (X first, yet Bluesky
        // is where Accounts opens).
        let item = app.client.find(Locator::Css(".ready-item")).await.unwrap();
        let point = app
            .client
            .execute(
                "const body = document.getElementById('week-body'); body.scrollTop = 8 * 44;
                 const r = document.querySelector(\".day[data-day='4']\").getBoundingClientRect();
                 return [r.left + r.width / 2, r.top + 10 * 44 + 2];",
                vec![],
            )
            .await
            .unwrap();
        let (x, y) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: item,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(100)),
                x: 20.0,
                y: 0.0,
            })
            .then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(200)),
                x,
                y,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        app.client.perform_actions(drag).await.unwrap();
        app.until("the drop offering Connect", async |app| {
            let help = app.text_of("#slot-help").await?;
            (dialog_open(app, "slot-dialog").await
                && help.starts_with("No connected account posts to X, ")
                && help.contains("Bluesky"))
            .then_some(())
        })
        .await;
        app.screenshot("plan-no-account-drag-en-light.png").await;
        app.click("#slot-drafts .connect-account").await;
        assert_eq!(accounts_open_at(&app).await, ["connect-bluesky"]);

        // The list view has no week to drag to: its ready list drops the hint.
        app.click("#plan-list-view").await;
        app.until("no drag hint in the list view", async |app| {
            let hidden = app
                .client
                .execute(
                    "return document.getElementById('ready-help').hidden",
                    vec![],
                )
                .await
                .ok()?;
            (hidden == serde_json::json!(true)).then_some(())
        })
        .await;
        app.screenshot("plan-no-account-list-en-light.png").await;
        app.click("#plan-week-view").await;

        photograph(&app, "plan-no-account-connect", async |app| {
            // The dialog from the size before is still open (the page reloads per look only).
            app.client
                .execute(
                    "document.querySelectorAll('dialog[open]').forEach((d) => d.close())",
                    vec![],
                )
                .await
                .unwrap();
            app.click("#plan-button").await;
            app.click("#plan-week-view").await;
            app.click(".day[data-day='2']").await;
            app.until("Connect offered", async |app| {
                (app.texts("#slot-drafts .connect-account").await.len() == 1).then_some(())
            })
            .await;
        })
        .await;
        app.stop().await;
    });
}
