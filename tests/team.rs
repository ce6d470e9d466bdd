//! End-to-end tests of team sync: a real `podium-hub` on 127.0.0.1 and two apps, each with its
//! own data folders (two devices), joined in the window with invite codes the hub printed.
//! A draft typed in one shows in the other's list; edits made in both while the hub is down
//! merge when they touch different sentences, and become a conflict copy, shown side by side
//! until one is kept, when they touch the same words. (`cargo xtask test` runs them; the hub
//! binary is `$PODIUM_HUB`, else `podium-hub` beside the app.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::Locator;
use support::hub::Hub;
use support::{scenario_two, App};

/// Joins `app` to the team at `hub` with `code` through Settings → Team, as a person would.
async fn join(app: &App, hub: &str, code: &str, name: &str) {
    app.click("#settings-button").await;
    let field = app.client.find(Locator::Css("#team-hub")).await.unwrap();
    field.send_keys(hub).await.unwrap();
    let field = app.client.find(Locator::Css("#team-code")).await.unwrap();
    field.send_keys(code).await.unwrap();
    app.click("#team-join-button").await;
    app.until("joined: the Team panel names the member", async |app| {
        let facts = app.text_of("#team-facts").await?;
        facts.contains(name).then_some(())
    })
    .await;
    app.until("the member list from the hub", async |app| {
        let members = app.texts("#team-members .member").await;
        (!members.is_empty()).then_some(())
    })
    .await;
    app.screenshot(&format!("team-panel-{}-en.png", name.to_lowercase()))
        .await;
    close_settings(app).await;
    until_chip(app, "Synced").await;
}

/// Closes Settings with its Done button (below the Team panel: scrolled to first, as a person
/// would).
async fn close_settings(app: &App) {
    app.client
        .execute(
            "document.querySelector('#settings form button[value=close]').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    app.click("#settings form button[value='close']").await;
}

/// Clicks the chip that says there are conflicts, until the conflict view is open. (WebDriver
/// now and then answers a click that opened a modal dialog with an error; clicking again then
/// would hit the dialog's backdrop.)
async fn open_conflicts(app: &App) {
    app.until("the conflict view open", async |app| {
        let open = app
            .client
            .execute(
                "return document.getElementById('conflict-dialog').open",
                vec![],
            )
            .await
            .ok()?;
        if open == serde_json::json!(true) {
            return Some(());
        }
        let chip = app.client.find(Locator::Css("#sync-chip")).await.ok()?;
        let _ = chip.click().await;
        None
    })
    .await;
}

/// Waits until the sync chip says `expected`.
async fn until_chip(app: &App, expected: &str) {
    app.until(&format!("the sync chip says {expected:?}"), async |app| {
        let chip = app.text_of("#sync-chip").await?;
        (chip == expected).then_some(())
    })
    .await;
}

/// Waits until the sync chip says the app is offline (since a time).
async fn until_offline(app: &App) {
    app.until("the sync chip says offline", async |app| {
        let chip = app.text_of("#sync-chip").await?;
        chip.starts_with("Offline since ").then_some(())
    })
    .await;
}

/// Replaces the editor's whole text, typed (select all, then the new words).
async fn retype(app: &App, text: &str) {
    let editor = app.editor().await;
    let all = format!("{}a{}", char::from(Key::Control), char::from(Key::Control));
    editor.send_keys(&all).await.unwrap();
    editor.send_keys(text).await.unwrap();
    app.until_editor_holds(text).await;
    app.until_saved().await;
}

/// Opens the draft whose list title is `title`, once the list has it.
async fn open_in_list(app: &App, title: &str) {
    app.until(&format!("{title:?} in the list"), async |app| {
        let titles = app.texts(".draft-row .title").await;
        titles.iter().any(|t| t == title).then_some(())
    })
    .await;
    let row = app
        .client
        .execute(
            "return [...document.querySelectorAll('.draft-row')]
               .find((r) => r.querySelector('.title').textContent === arguments[0]).id",
            vec![serde_json::json!(title)],
        )
        .await
        .unwrap();
    app.click(&format!("#{}", row.as_str().unwrap())).await;
    app.until_editor_holds(title).await;
}

/// Two devices joined to one fresh hub.
fn team(body: impl AsyncFnOnce(&App, &App, &mut Hub)) {
    let mut hub = Hub::start();
    let kari = hub.invite("Kari", "executive");
    let ola = hub.invite("Ola", "assistant");
    let url = hub.url.clone();
    scenario_two(async |a, b| {
        join(a, &url, &kari, "Kari").await;
        join(b, &url, &ola, "Ola").await;
        body(a, b, &mut hub).await;
    });
}

#[test]
#[ignore = "needs a display, tauri-driver and podium-hub: run `cargo xtask test`"]
fn a_draft_typed_on_one_device_shows_on_the_other_offline_edits_to_different_sentences_merge_and_leaving_keeps_the_drafts(
) {
    team(async |a, b, hub| {
        let text = "Vi vokser i nord. Takk til alle som bidro.";
        a.editor().await.send_keys(text).await.unwrap();
        a.until_saved().await;
        let saved = Instant::now();
        open_in_list(b, text).await;
        println!(
            "a draft typed on A was in B's list {} ms after A saved it",
            saved.elapsed().as_millis()
        );
        until_chip(a, "Synced").await;
        a.screenshot("team-synced-en.png").await;

        // The hub goes away: both devices keep working, and say they are offline.
        hub.stop();
        retype(a, "Vi vokser raskt i nord. Takk til alle som bidro.").await;
        retype(b, "Vi vokser i nord. Takk til alle som bidro i år.").await;
        until_offline(a).await;
        until_offline(b).await;
        a.screenshot("team-offline-en.png").await;
        // B's window in Norwegian from here on.
        b.click("#settings-button").await;
        let language = b
            .client
            .find(Locator::Css("#setting-language"))
            .await
            .unwrap();
        language.select_by_value("nb").await.unwrap();
        close_settings(b).await;
        b.until("the chip in Norwegian", async |app| {
            let chip = app.text_of("#sync-chip").await?;
            chip.starts_with("Frakoblet siden ").then_some(())
        })
        .await;
        b.screenshot("team-offline-nb.png").await;

        // Back: A's edit reaches the hub first, B merges both and sends the merge; both end
        // with both edits (a click on the chip syncs at once, rather than at the next try).
        hub.restart();
        a.click("#sync-chip").await;
        until_chip(a, "Synced").await;
        b.click("#sync-chip").await;
        let merged = "Vi vokser raskt i nord. Takk til alle som bidro i år.";
        b.until_editor_holds(merged).await;
        a.until_editor_holds(merged).await;
        until_chip(b, "Synkronisert").await;
        b.screenshot("team-synced-nb.png").await;

        // B leaves: the hub forgets the device, the drafts stay, the chip goes.
        b.click("#settings-button").await;
        // The confirmation is the browser's own dialog: answered yes.
        b.client
            .execute("window.confirm = () => true", vec![])
            .await
            .unwrap();
        b.click("#team-leave").await;
        b.until("the join form back in the Team panel", async |app| {
            let hidden = app
                .client
                .execute("return document.getElementById('team-join').hidden", vec![])
                .await
                .ok()?;
            (hidden == serde_json::json!(false)).then_some(())
        })
        .await;
        close_settings(b).await;
        b.until("the chip gone", async |app| {
            let hidden = app
                .client
                .execute("return document.getElementById('sync-chip').hidden", vec![])
                .await
                .ok()?;
            (hidden == serde_json::json!(true)).then_some(())
        })
        .await;
        assert_eq!(b.texts(".draft-row .title").await, [merged]);
    });
}

#[test]
#[ignore = "needs a display, tauri-driver and podium-hub: run `cargo xtask test`"]
fn the_same_words_changed_offline_on_two_devices_become_a_conflict_copy_shown_side_by_side_until_one_is_kept(
) {
    team(async |a, b, hub| {
        let text = "Vi lanserer i mars.";
        a.editor().await.send_keys(text).await.unwrap();
        a.until_saved().await;
        open_in_list(b, text).await;

        hub.stop();
        retype(a, "Vi lanserer i april.").await;
        retype(b, "Vi lanserer i mai.").await;
        until_offline(b).await;
        hub.restart();
        a.click("#sync-chip").await;
        until_chip(a, "Synced").await;
        b.click("#sync-chip").await;

        // B's edit came second: the draft takes the hub's text and B's becomes a conflict copy.
        until_chip(b, "Synced · 1 conflict").await;
        b.screenshot("team-chip-conflict-en.png").await;
        open_conflicts(b).await;
        b.wait_for_text("#conflict-this", "Vi lanserer i april.")
            .await;
        b.wait_for_text("#conflict-that", "Vi lanserer i mai.")
            .await;
        b.screenshot("team-conflict-en.png").await;
        // The copy syncs to every device: A is told too.
        until_chip(a, "Synced · 1 conflict").await;

        // In Norwegian.
        b.click("#conflict-dialog button[value='close']").await;
        b.click("#settings-button").await;
        let language = b
            .client
            .find(Locator::Css("#setting-language"))
            .await
            .unwrap();
        language.select_by_value("nb").await.unwrap();
        b.screenshot("team-panel-nb.png").await;
        close_settings(b).await;
        until_chip(b, "Synkronisert · 1 konflikt").await;
        open_conflicts(b).await;
        b.wait_for_text("#conflict-keep-that", "Behold den andre")
            .await;
        b.screenshot("team-conflict-nb.png").await;

        // Keep B's text: the draft takes it, the copy goes, and A gets it.
        b.click("#conflict-keep-that").await;
        until_chip(b, "Synkronisert").await;
        b.until("the conflict copy gone from the list", async |app| {
            let titles = app.texts(".draft-row .title").await;
            (titles == ["Vi lanserer i mai."]).then_some(())
        })
        .await;
        b.screenshot("team-resolved-nb.png").await;
        let started = Instant::now();
        loop {
            let titles = a.texts(".draft-row .title").await;
            if titles == ["Vi lanserer i mai."]
                && a.text_of("#sync-chip").await.as_deref() == Some("Synced")
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "A's list shows {titles:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

/// The editor's images: (alt text, whether a thumbnail is shown, the placeholder's words).
async fn images_of(app: &App) -> Vec<(String, bool, String)> {
    let found = app
        .client
        .execute(
            "return [...document.querySelectorAll('#image-list .image')].map((n) => [
               n.querySelector('.image-alt').value,
               !!n.querySelector('img'),
               n.querySelector('.image-missing')?.textContent ?? ''])",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

#[test]
#[ignore = "needs a display, tauri-driver and podium-hub: run `cargo xtask test`"]
fn an_image_attached_on_one_device_shows_on_the_other_with_a_placeholder_until_its_bytes_come() {
    team(async |a, b, hub| {
        let files = tempfile::tempdir().unwrap();
        let photo = files.path().join("scenen.jpg");
        let jpeg = podium_media::sample::photo_jpeg(1600, 1200).unwrap();
        std::fs::write(&photo, jpeg).unwrap();

        // A writes a post, picks a photo and describes it.
        let text = "Fra scenen i Bodø.";
        a.editor().await.send_keys(text).await.unwrap();
        a.until_saved().await;
        a.type_into("#image-file", &photo.display().to_string())
            .await;
        a.until("A's image", async |app| {
            (images_of(app).await.len() == 1).then_some(())
        })
        .await;
        let alt = "Kari på scenen";
        a.type_into("#image-list .image-alt", alt).await;

        // B, with the draft open, gets the photo and, once A's alt text is saved, its words
        // (an image change alone leaves the draft's text as it was: the list follows anyway).
        open_in_list(b, text).await;
        b.until("the photo and its alt text on B", async |app| {
            (images_of(app).await == [(alt.to_owned(), true, String::new())]).then_some(())
        })
        .await;

        // B's copy of the bytes is gone (as if they had not come yet) and the hub is down: the
        // draft opens with a placeholder where the photo goes, and its alt text can be edited.
        hub.stop();
        let media = support::app_data(&b.home).join("media");
        for file in std::fs::read_dir(&media).unwrap() {
            std::fs::remove_file(file.unwrap().path()).unwrap();
        }
        b.click("#new-draft").await;
        b.until_editor_holds("").await;
        open_in_list(b, text).await;
        b.until("a placeholder for the photo on B", async |app| {
            let shown = images_of(app).await;
            (shown
                == [(
                    alt.to_owned(),
                    false,
                    "On its way from the team hub".to_owned(),
                )])
            .then_some(())
        })
        .await;
        b.until("the placeholder in the preview", async |app| {
            let shown = app
                .client
                .execute(
                    "return document.querySelector('#preview .post-images .image-missing')?.textContent",
                    vec![],
                )
                .await
                .ok()?;
            (shown == serde_json::json!("On its way from the team hub")).then_some(())
        })
        .await;
        b.type_into("#image-list .image-alt", " i Bodø").await;
        until_offline(b).await;
        b.screenshot("team-image-waiting-en.png").await;

        // The hub is back: B's next round fetches the photo, which takes the placeholder's
        // place, and sends the new alt text, which A's open draft then shows.
        hub.restart();
        b.click("#sync-chip").await;
        let described = format!("{alt} i Bodø");
        b.until("the photo on B again", async |app| {
            (images_of(app).await == [(described.clone(), true, String::new())]).then_some(())
        })
        .await;
        assert!(
            media.read_dir().unwrap().count() == 1,
            "the photo's bytes are kept on B again"
        );
        a.click("#sync-chip").await;
        a.until("B's alt text on A", async |app| {
            (images_of(app).await == [(described.clone(), true, String::new())]).then_some(())
        })
        .await;
        b.screenshot("team-image-came-en.png").await;
    });
}
