//! Connecting and publishing from the real window: a Mastodon account connected through the
//! browser sign-in (the test plays the browser on mastodon-mock, on 127.0.0.1), a draft
//! scheduled from the editor, sent by the app's own background publisher, and shown as posted in
//! the plan. (`cargo xtask test` runs it, with the servers and the keyring.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../crates/cli/tests/peers/mod.rs"]
mod peers;
mod support;

use std::time::Duration;

use fantoccini::Locator;
use support::{scenario_in, App};

#[test]
#[ignore = "needs a display, tauri-driver, the test peers and a keyring: run `cargo xtask test`"]
fn a_mastodon_account_connected_in_the_window_publishes_a_scheduled_post() {
    let masto = peers::Mastodon::start();
    let base = masto.url.clone();
    scenario_in(async |home| {
        // No browser to open on this machine: Podium shows the address, the test "opens" it.
        let app = App::start_env(home, &[("BROWSER", "true")]).await;
        app.click("#plan-button").await;
        app.click("#plan-accounts").await;
        app.click("#connect-mastodon > summary").await;
        let instance = app
            .client
            .find(Locator::Css("#masto-instance"))
            .await
            .unwrap();
        instance.send_keys(&base).await.unwrap();
        app.click("#masto-browser").await;
        let url = app
            .until("the sign-in address", async |app| {
                let text = app.texts("#masto-url").await.join("");
                text.starts_with("http").then_some(text)
            })
            .await;
        let (b, u) = (base.clone(), url.clone());
        let page = tokio::task::spawn_blocking(move || peers::authorize_in_browser_at(&b, &u))
            .await
            .unwrap();
        assert!(page.contains("Podium is connected"));
        app.until("the account in the list, connected", async |app| {
            let rows = app.texts(".account .account-head").await.join(" ");
            (rows.contains("@testuser@127.0.0.1") && rows.contains("Connected")).then_some(())
        })
        .await;
        app.screenshot("accounts-connected.png").await;
        app.click("#accounts-dialog .dialog-actions button").await;

        // Write a post and schedule it a minute ago: the app's publisher sends it at once.
        app.click("#write-button").await;
        app.click("#new-draft").await;
        app.editor()
            .await
            .send_keys("Hei fra vinduet #ledelse")
            .await
            .unwrap();
        app.until_saved().await;
        app.click("#schedule-button").await;
        app.until("the account offered", async |app| {
            let labels = app.texts("#schedule-accounts label").await.join(" ");
            labels.contains("@testuser@127.0.0.1").then_some(())
        })
        .await;
        app.client
            .execute(
                "const box = document.querySelector('#schedule-accounts input');
                 box.checked = true;
                 document.getElementById('schedule-at-choice').checked = true;
                 const d = new Date(Date.now() - 60000);
                 const p = (n) => String(n).padStart(2, '0');
                 document.getElementById('schedule-at').value =
                   `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;",
                vec![],
            )
            .await
            .unwrap();
        app.click("#schedule-submit").await;

        // On the server, once; and in the plan as posted.
        let b = base.clone();
        let statuses = tokio::task::spawn_blocking(move || {
            peers::until(Duration::from_secs(30), "the status on the server", || {
                let s = peers::statuses_at(&b);
                (!s.is_empty()).then_some(s)
            })
        })
        .await
        .unwrap();
        assert_eq!(statuses.len(), 1);
        assert!(statuses[0]["content"]
            .as_str()
            .unwrap()
            .contains("Hei fra vinduet"));
        app.click("#plan-button").await;
        app.until("the post shown as posted", async |app| {
            let states = app.texts(".plan-post[data-state='sent'] .post-title").await;
            (states == ["Hei fra vinduet #ledelse"]).then_some(())
        })
        .await;
        app.screenshot("plan-posted.png").await;
        app.stop().await;
    });
    drop(masto);
}

#[test]
#[ignore = "needs a display, tauri-driver, the test peers and a keyring: run `cargo xtask test`"]
fn mastodon_options_fold_the_preview_and_go_out_with_the_post() {
    let masto = peers::Mastodon::start();
    let base = masto.url.clone();
    scenario_in(async |home| {
        let app = App::start(home).await;
        // Connect with a pasted token; the account's default visibility becomes unlisted.
        app.click("#plan-button").await;
        // The plan may still be drawing its first week: click until the dialog is open.
        app.until("the accounts dialog", async |app| {
            let open = app
                .client
                .execute(
                    "const d = document.getElementById('accounts-dialog');
                     if (!d.open) document.getElementById('plan-accounts').click();
                     return d.open",
                    vec![],
                )
                .await
                .unwrap();
            (open == true).then_some(())
        })
        .await;
        app.click("#connect-mastodon > summary").await;
        let find = async |css: &str| app.client.find(Locator::Css(css)).await.unwrap();
        find("#masto-instance")
            .await
            .send_keys(&base)
            .await
            .unwrap();
        app.click("#connect-mastodon details.fallback:has(#masto-token) > summary")
            .await;
        find("#masto-token")
            .await
            .send_keys(peers::MOCK_TOKEN)
            .await
            .unwrap();
        app.click("#masto-token-connect").await;
        app.until("the account's visibility menu", async |app| {
            let n = app.texts(".account select.visibility").await.len();
            (n == 1).then_some(())
        })
        .await;
        app.client
            .execute(
                "const s = document.querySelector('.account select.visibility');
                 s.value = 'unlisted'; s.dispatchEvent(new Event('change'));",
                vec![],
            )
            .await
            .unwrap();
        app.until("the default saved", async |app| {
            let v = app
                .client
                .execute(
                    "return document.querySelector('.account select.visibility')?.value",
                    vec![],
                )
                .await
                .unwrap();
            (v == "unlisted").then_some(())
        })
        .await;
        app.screenshot("mastodon-default-visibility.png").await;
        // Threads connects with a pasted token (its section, beside the others).
        app.click("#connect-mastodon > summary").await;
        app.click("#connect-threads > summary").await;
        app.wait_for_text("#connect-threads .primary", "Connect with the token")
            .await;
        app.screenshot("threads-connect.png").await;
        app.click("#accounts-dialog .dialog-actions button").await;

        // A draft for Mastodon with a content warning and "followers only".
        app.click("#write-button").await;
        app.click("#new-draft").await;
        app.editor()
            .await
            .send_keys("Vi slår sammen to avdelinger fra januar. Alle får beskjed i dag.")
            .await
            .unwrap();
        app.until_saved().await;
        let options_shown = app
            .client
            .execute(
                "return !document.getElementById('mastodon-options').hidden",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            options_shown, true,
            "the draft is for Mastodon: its options show"
        );
        find("#draft-cw")
            .await
            .send_keys("Omorganisering")
            .await
            .unwrap();
        app.client
            .execute(
                "const s = document.getElementById('draft-visibility');
                 s.value = 'private'; s.dispatchEvent(new Event('change'));",
                vec![],
            )
            .await
            .unwrap();
        app.until_saved().await;
        // The warning counts: "Omorganisering" is 14 more characters on Mastodon's counter.
        app.click("#counter-mastodon").await;
        app.wait_for_text("#count-mastodon", "78").await;
        // The preview folds the text behind the warning, as Mastodon does.
        app.wait_for_text(".post-mastodon .cw-text", "Omorganisering")
            .await;
        let folded = app
            .client
            .execute(
                "return document.querySelector('.post-mastodon .post-text').hidden",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(folded, true, "the text is folded away");
        let head = app.texts(".post-mastodon .pv-visibility").await.join(" ");
        assert_eq!(head, "Followers only");
        app.screenshot("mastodon-content-warning-folded.png").await;
        app.click(".post-mastodon .cw-toggle").await;
        app.until("the text unfolded", async |app| {
            let hidden = app
                .client
                .execute(
                    "return document.querySelector('.post-mastodon .post-text').hidden",
                    vec![],
                )
                .await
                .unwrap();
            (hidden == false).then_some(())
        })
        .await;
        app.screenshot("mastodon-content-warning-open.png").await;

        // Scheduled a minute ago: the app's publisher sends it with its options.
        app.click("#schedule-button").await;
        app.until("the account offered", async |app| {
            let labels = app.texts("#schedule-accounts label").await.join(" ");
            labels.contains("@testuser@127.0.0.1").then_some(())
        })
        .await;
        app.client
            .execute(
                "for (const box of document.querySelectorAll('#schedule-accounts input')) box.checked = true;
                 document.getElementById('schedule-at-choice').checked = true;
                 const d = new Date(Date.now() - 60000);
                 const p = (n) => String(n).padStart(2, '0');
                 document.getElementById('schedule-at').value =
                   `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;",
                vec![],
            )
            .await
            .unwrap();
        app.click("#schedule-submit").await;
        let b = base.clone();
        let statuses = tokio::task::spawn_blocking(move || {
            peers::until(Duration::from_secs(30), "the status on the server", || {
                let s = peers::statuses_at(&b);
                (!s.is_empty()).then_some(s)
            })
        })
        .await
        .unwrap();
        assert_eq!(statuses.len(), 1);
        assert_eq!(statuses[0]["spoiler_text"], "Omorganisering");
        assert_eq!(statuses[0]["visibility"], "private");
        assert_eq!(statuses[0]["language"], "nb");
        app.stop().await;
    });
    drop(masto);
}
