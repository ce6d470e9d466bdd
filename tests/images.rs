//! End-to-end tests of a draft's images in the real window: attached with the file picker and
//! by pasting, alt text typed beside each, put in order and removed, the checks panel's image
//! notes (Bluesky needs alt text), the preview's images, and all of it after a restart in
//! Norwegian. (`cargo xtask test` runs them; see tests/e2e.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/article.rs"]
mod article;
mod support;

use base64::Engine;
use podium_media::sample;
use support::{scenario_in, App};

/// The codes of the notes the checks panel shows.
async fn note_codes(app: &App) -> Vec<String> {
    let found = app
        .client
        .execute(
            "return [...document.querySelectorAll('#notes .note')].map((n) => n.dataset.code)",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// The attached images' ids, in the order the editor shows them.
async fn shown_images(app: &App) -> Vec<String> {
    let found = app
        .client
        .execute(
            "return [...document.querySelectorAll('#image-list .image')].map((n) => n.dataset.id)",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

async fn until_images(app: &App, n: usize) -> Vec<String> {
    app.until(&format!("{n} images in the editor"), async |app| {
        let ids = shown_images(app).await;
        (ids.len() == n).then_some(ids)
    })
    .await
}

/// Picks `path` in the "Add image…" file picker.
async fn pick(app: &App, path: &std::path::Path) {
    app.type_into("#image-file", &path.display().to_string())
        .await;
}

/// The alt text beside each image, in order.
async fn shown_alts(app: &App) -> serde_json::Value {
    app.client
        .execute(
            "return [...document.querySelectorAll('#image-list .image-alt')].map((a) => a.value)",
            vec![],
        )
        .await
        .unwrap()
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn images_are_attached_described_ordered_removed_checked_and_previewed() {
    scenario_in(async |home| {
        let files = tempfile::tempdir().unwrap();
        let photo = files.path().join("styremote.jpg");
        let jpeg = sample::photo_jpeg(4000, 3000).unwrap();
        std::fs::write(&photo, sample::with_gps_exif(&jpeg, 6)).unwrap();
        let screenshot = files.path().join("skjermbilde.png");
        std::fs::write(&screenshot, sample::screenshot_png(1280, 800).unwrap()).unwrap();

        let app = App::start(home).await;
        app.editor()
            .await
            .send_keys("Fra styremøtet i dag #styret")
            .await
            .unwrap();
        app.until_saved().await;

        // The file picker: the photo appears with its thumbnail, and Bluesky asks for alt text.
        pick(&app, &photo).await;
        let first = until_images(&app, 1).await;
        app.until("the Bluesky alt-text note", async |app| {
            note_codes(app)
                .await
                .contains(&"alt_missing".to_owned())
                .then_some(())
        })
        .await;
        app.screenshot("images-no-alt-en.png").await;

        // Alt text typed beside the image: the note goes, the preview's image carries it.
        let alt = "Styret rundt bordet i tredje etasje";
        app.type_into("#image-list .image-alt", alt).await;
        app.until("the alt-text note gone", async |app| {
            (!note_codes(app).await.contains(&"alt_missing".to_owned())).then_some(())
        })
        .await;
        let preview_alts = app
            .client
            .execute(
                "return [...document.querySelectorAll('#preview .post-images img')].map((i) => i.alt)",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(preview_alts, serde_json::json!([alt]));

        // A pasted image (a screenshot on the clipboard) comes after it.
        let png = base64::engine::general_purpose::STANDARD
            .encode(sample::screenshot_png(800, 500).unwrap());
        app.client
            .execute(
                "const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
                 const data = new DataTransfer();
                 data.items.add(new File([bytes], 'utklipp.png', { type: 'image/png' }));
                 document.querySelector('#post-text').dispatchEvent(
                   new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));",
                vec![serde_json::json!(png)],
            )
            .await
            .unwrap();
        let two = until_images(&app, 2).await;
        assert_eq!(two[0], first[0]);
        assert_eq!(
            app.editor_value().await,
            "Fra styremøtet i dag #styret",
            "pasting an image leaves the text as it was"
        );

        // The picker again, then the third image moved first and the pasted one removed.
        pick(&app, &screenshot).await;
        let three = until_images(&app, 3).await;
        app.click("#image-list .image:nth-child(3) .image-tools button:first-child")
            .await;
        app.until("the third image moved up one", async |app| {
            (shown_images(app).await.get(1) == Some(&three[2])).then_some(())
        })
        .await;
        app.click("#image-list .image:nth-child(2) .image-tools button:first-child")
            .await;
        app.until("the third image moved first", async |app| {
            (shown_images(app).await.first() == Some(&three[2])).then_some(())
        })
        .await;
        app.click(&format!(
            "#image-list .image[data-id='{}'] .image-remove",
            three[1]
        ))
        .await;
        let left = until_images(&app, 2).await;
        assert_eq!(left, [three[2].clone(), three[0].clone()]);
        app.screenshot("images-en.png").await;
        app.stop().await;

        // After a restart, in Norwegian: the images, their order and the alt text are kept.
        let app = App::start_env(home, &[("LANG", "nb_NO.UTF-8"), ("LANGUAGE", "nb")]).await;
        let kept = until_images(&app, 2).await;
        assert_eq!(kept, left);
        assert_eq!(shown_alts(&app).await, serde_json::json!(["", alt]));
        app.until(
            "the Bluesky note for the screenshot without alt text",
            async |app| {
                note_codes(app)
                    .await
                    .contains(&"alt_missing".to_owned())
                    .then_some(())
            },
        )
        .await;
        app.screenshot("images-nb.png").await;
        app.choose_setting("#setting-theme", "dark").await;
        app.close_settings().await;
        app.screenshot("images-nb-dark.png").await;

        // Alt text typed just before another draft is opened (sooner than it would be saved
        // on its own) is saved all the same.
        let quick = "Skjermbilde av planen";
        app.type_into("#image-list .image:first-child .image-alt", quick)
            .await;
        app.click("#new-draft").await;
        app.until_editor_holds("").await;
        assert!(shown_images(&app).await.is_empty());
        app.click(".draft-row").await;
        app.until_editor_holds("Fra styremøtet i dag #styret").await;
        app.until("the alt text typed before switching, kept", async |app| {
            (shown_alts(app).await == serde_json::json!([quick, alt])).then_some(())
        })
        .await;
        app.stop().await;
    });
}

/// The link card the preview shows for a post with a link and no image.
async fn card_text(app: &App) -> Option<String> {
    app.text_of("#preview .link-card[data-state='ready'] .link-card-title")
        .await
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_links_card_is_previewed_per_network_and_can_be_dropped_and_brought_back() {
    scenario_in(async |home| {
        let page = article::serve_article();
        let app = App::start(home).await;
        app.editor()
            .await
            .send_keys(&format!("Verdt å lese før styremøtet: {page}"))
            .await
            .unwrap();
        app.until_saved().await;

        // Bluesky: Podium builds the card from the page's tags (read by Rust, not the window).
        app.click("#counters [data-network='bluesky']").await;
        let title = app
            .until("the Bluesky card", async |app| card_text(app).await)
            .await;
        assert_eq!(title, article::TITLE);
        // (Its text read from the DOM: WebDriver reads a line-clamped box as empty.)
        let description = app
            .client
            .execute(
                "return document.querySelector('#preview .link-card-description')?.textContent",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(description, serde_json::json!(article::DESCRIPTION));
        assert_eq!(
            app.text_of("#preview .link-card-site").await.as_deref(),
            Some("127.0.0.1")
        );
        let image = app
            .client
            .execute(
                "const i = document.querySelector('#preview .link-card-image'); return i && i.complete && i.naturalWidth > 0 && i.src.startsWith('data:image/')",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(image, serde_json::json!(true), "the card's image is drawn");
        app.screenshot("card-bluesky-en.png").await;

        // Mastodon links only addresses with a known domain ending: no link there, so no card
        // (Mastodon builds its own cards; a preview shows them only where it links).
        app.click("#counters [data-network='mastodon']").await;
        app.until("the Mastodon preview", async |app| {
            app.text_of("#preview .post-mastodon .post-text").await
        })
        .await;
        assert!(app.texts("#preview .link-card").await.is_empty());

        // Dropped on Bluesky: the preview says the post goes without it, and it stays dropped.
        app.click("#counters [data-network='bluesky']").await;
        app.until("the Bluesky card again", async |app| card_text(app).await)
            .await;
        app.click("#preview .link-card-drop").await;
        app.until("the card dropped", async |app| {
            app.text_of("#preview .link-card-dropped").await
        })
        .await;
        app.until_saved().await;
        app.stop().await;

        let app = App::start_env(home, &[("LANG", "nb_NO.UTF-8"), ("LANGUAGE", "nb")]).await;
        app.until_editor_holds(&format!("Verdt å lese før styremøtet: {page}"))
            .await;
        app.click("#counters [data-network='bluesky']").await;
        let dropped = app
            .until("the card still dropped", async |app| {
                app.text_of("#preview .link-card-dropped").await
            })
            .await;
        assert!(dropped.contains("fjernet"), "{dropped}");
        app.screenshot("card-dropped-nb.png").await;
        // Brought back.
        app.click("#preview .link-card-dropped button").await;
        app.until("the card back", async |app| card_text(app).await)
            .await;
        app.screenshot("card-bluesky-nb.png").await;
        app.choose_setting("#setting-theme", "dark").await;
        app.close_settings().await;
        app.screenshot("card-bluesky-nb-dark.png").await;
        app.stop().await;
    });
}
