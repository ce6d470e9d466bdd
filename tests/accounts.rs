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
        app.click("#tile-mastodon").await;
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
