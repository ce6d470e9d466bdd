//! Approval in the real windows: a real `podium-hub` on 127.0.0.1, mastodon-mock, and two apps
//! with their own folders — Kari, the executive, and Ola, her assistant. Ola schedules in her
//! window; Kari sees it in *Needs you*, reads Ola's comment, and approves; the post goes out
//! exactly once (the statuses on the mock are counted). An edit of an approved post sends it back
//! to *awaiting* in Kari's window; Kari requests changes with a comment, which Ola sees in her
//! *Needs you* and in the editor. Screenshots of Needs you and of the post's dialog (audit trail
//! and comments), in English and Norwegian, light and dark, at 1024×700 and 1280×800, land in
//! `$PODIUM_TEST_OUTPUT`. The Team panel too: Kari makes an invite code to pass on and removes a
//! member; Ola sees neither. (`cargo xtask test` runs it.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../crates/cli/tests/peers/mod.rs"]
mod peers;
mod support;

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::{json, Value};
use support::hub::Hub;
use support::{scenario_two, App};

async fn js(app: &App, script: &str) -> Value {
    app.client.execute(script, vec![]).await.unwrap()
}

/// Closes Settings with its Done button (scrolled to first, as a person would).
async fn close_settings(app: &App) {
    js(
        app,
        "document.querySelector('#settings form button[value=close]').scrollIntoView()",
    )
    .await;
    app.click("#settings form button[value='close']").await;
}

/// Joins the team through Settings → Team, as a person would.
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
    close_settings(app).await;
    app.until("the sync chip says Synced", async |app| {
        (app.text_of("#sync-chip").await? == "Synced").then_some(())
    })
    .await;
}

/// Connects the mock's account with its token (Accounts → Mastodon → "I have a token").
async fn connect_mastodon(app: &App, base: &str) {
    app.click("#plan-button").await;
    app.until("the accounts dialog", async |app| {
        let open = js(
            app,
            "const d = document.getElementById('accounts-dialog');
             if (!d.open) document.getElementById('plan-accounts').click();
             return d.open",
        )
        .await;
        (open == json!(true)).then_some(())
    })
    .await;
    app.click("#tile-mastodon").await;
    let find = async |css: &str| app.client.find(Locator::Css(css)).await.unwrap();
    find("#masto-instance").await.send_keys(base).await.unwrap();
    // The token's section is below the fold when an account is listed above: opened and
    // filled where it is, as a person scrolling to it would.
    js(
        app,
        "const d = document.querySelector('#connect-mastodon details.fallback:has(#masto-token)');
         d.open = true; d.scrollIntoView({block: 'center'});",
    )
    .await;
    find("#masto-token")
        .await
        .send_keys(peers::MOCK_TOKEN)
        .await
        .unwrap();
    js(
        app,
        "document.getElementById('masto-token-connect').scrollIntoView({block: 'center'})",
    )
    .await;
    app.click("#masto-token-connect").await;
    app.until("the account connected here", async |app| {
        let rows = app.texts(".account .account-head").await.join(" ");
        (rows.contains("@testuser@127.0.0.1") && rows.contains("Connected")).then_some(())
    })
    .await;
    app.click("#accounts-dialog .dialog-actions button").await;
}

/// Writes a new draft with `text` in the editor.
async fn write(app: &App, text: &str) {
    app.click("#write-button").await;
    app.click("#new-draft").await;
    app.editor().await.send_keys(text).await.unwrap();
    app.until_saved().await;
}

/// Schedules the open draft on the Mastodon account, `minutes` from now (negative: in the past).
async fn schedule(app: &App, minutes: i64) {
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
             const d = new Date(Date.now() + arguments[0] * 60000);
             const p = (n) => String(n).padStart(2, '0');
             document.getElementById('schedule-at').value =
               `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;",
            vec![json!(minutes)],
        )
        .await
        .unwrap();
    app.click("#schedule-submit").await;
    app.until("scheduled: the dialog closed", async |app| {
        let open = js(
            app,
            "return document.getElementById('schedule-dialog').open",
        )
        .await;
        (open == json!(false)).then_some(())
    })
    .await;
}

/// The Needs you rows of posts waiting for a decision: `(state, text)`.
async fn decisions(app: &App) -> Vec<(String, String)> {
    let rows = js(
        app,
        "return [...document.querySelectorAll('#attention-list li[data-id]')]
           .filter((li) => !document.getElementById('attention').hidden)
           .map((li) => [li.dataset.state, li.textContent])",
    )
    .await;
    serde_json::from_value(rows).unwrap_or_default()
}

/// Waits until Needs you lists a post whose text contains `title` with `state`.
async fn until_needs_you(app: &App, state: &str, title: &str) {
    app.until(
        &format!("Needs you lists {title:?} as {state}"),
        async |app| {
            // The plan refreshes on every synced change; a click on Plan draws it now.
            if js(app, "return document.getElementById('plan').hidden").await == json!(true) {
                let _ = js(app, "document.getElementById('plan-button').click()").await;
            }
            decisions(app)
                .await
                .iter()
                .any(|(s, text)| s == state && text.contains(title))
                .then_some(())
        },
    )
    .await;
}

/// Opens the post whose Needs you row contains `title`, and waits for its dialog.
async fn open_from_needs_you(app: &App, title: &str) {
    app.until("the post's dialog open", async |app| {
        let open = app
            .client
            .execute(
                "const d = document.getElementById('entry-dialog');
                 if (!d.open) [...document.querySelectorAll('#attention-list li[data-id] button')]
                   .find((b) => b.textContent.includes(arguments[0]))?.click();
                 return d.open",
                vec![json!(title)],
            )
            .await
            .ok()?;
        (open == json!(true)).then_some(())
    })
    .await;
}

async fn close_dialog(app: &App) {
    js(
        app,
        "document.querySelectorAll('dialog[open]').forEach((d) => d.close())",
    )
    .await;
}

/// The mock's statuses (newest first).
async fn statuses(base: &str) -> Vec<Value> {
    let b = base.to_owned();
    tokio::task::spawn_blocking(move || peers::statuses_at(&b))
        .await
        .unwrap()
}

/// Switches language and theme as Settings does (saved, then the window reloaded).
async fn look(app: &App, lang: &str, theme: &str) {
    js(
        app,
        &format!(
            "localStorage.setItem('podium.language', '{lang}');
             localStorage.setItem('podium.theme', '{theme}');
             window.beforeReload = true;
             location.reload();"
        ),
    )
    .await;
    app.until("the window back after reloading", async |app| {
        let lang_now = js(app, "return document.documentElement.lang").await;
        let ready = js(app, "return window.beforeReload === undefined && document.getElementById('new-draft').textContent.length > 0").await;
        (lang_now == json!(lang) && ready == json!(true)).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
}

async fn size(app: &App, w: u32, h: u32) {
    app.client.set_window_size(w, h).await.unwrap();
    // WebKit draws the resized window a moment later; a frame taken before is black.
    tokio::time::sleep(Duration::from_millis(900)).await;
}

/// Needs you and the post's dialog in one language and theme, at two sizes.
async fn shots(app: &App, lang: &str, theme: &str, title: &str) {
    look(app, lang, theme).await;
    for (w, h) in [(1024, 700), (1280, 800)] {
        size(app, w, h).await;
        app.click("#plan-button").await;
        until_needs_you(app, "awaiting", title).await;
        app.screenshot(&format!("approval-needs-you-{lang}-{theme}-{w}x{h}.png"))
            .await;
        open_from_needs_you(app, title).await;
        app.until("the audit trail from the hub", async |app| {
            let n = app.texts("#entry-audit .audit-event").await.len();
            (n >= 2).then_some(())
        })
        .await;
        app.screenshot(&format!("approval-dialog-{lang}-{theme}-{w}x{h}.png"))
            .await;
        close_dialog(app).await;
    }
}

/// The Team panel: Kari (executive) makes an invite code for a new assistant, to pass on; Ola
/// (assistant) sees neither inviting nor removing; Kari removes Ola, and Ola's window says so.
async fn team_panel(k: &App, o: &App) {
    k.click("#settings-button").await;
    k.until("the invite form for an executive", async |app| {
        let hidden = js(app, "return document.getElementById('team-invite').hidden").await;
        (hidden == json!(false)).then_some(())
    })
    .await;
    let name = k.client.find(Locator::Css("#invite-name")).await.unwrap();
    name.send_keys("Per").await.unwrap();
    k.click("#invite-button").await;
    let code = k
        .until("an invite code to pass on", async |app| {
            let code = app.text_of("#invite-code").await?;
            (code.len() > 10).then_some(code)
        })
        .await;
    let help = k.text_of("#invite-result-help").await.unwrap_or_default();
    assert!(help.contains("Per"), "the code says whom it is for: {help}");
    k.until("Per among the members", async |app| {
        let names = app.texts("#team-members .member-head strong").await;
        names.iter().any(|n| n == "Per").then_some(())
    })
    .await;
    js(k, "document.getElementById('team-invite').scrollIntoView()").await;
    k.screenshot("approval-team-invite-en.png").await;
    println!("invite code shown: {} characters", code.len());
    close_settings(k).await;

    o.click("#settings-button").await;
    o.until("Ola's Team panel", async |app| {
        (!app.texts("#team-members .member").await.is_empty()).then_some(())
    })
    .await;
    let seen = js(
        o,
        "return [document.getElementById('team-invite').hidden,
                 document.querySelectorAll('#team-members .member-head button.remove').length]",
    )
    .await;
    assert_eq!(
        seen,
        json!([true, 0]),
        "an assistant neither invites nor removes members"
    );
    o.screenshot("approval-team-assistant-en.png").await;
    close_settings(o).await;

    // Kari removes Ola: removing asks once more, in its own words; then Ola's device is gone
    // from the team, and Ola's window says so.
    k.click("#settings-button").await;
    let remove = "[...document.querySelectorAll('#team-members .member')]
                    .find((m) => m.querySelector('strong').textContent === 'Ola')
                    ?.querySelector('.member-head button.remove')?.click()";
    k.until("the remove button for Ola", async |app| {
        let n = js(
            app,
            "return document.querySelectorAll('#team-members .member-head button.remove').length",
        )
        .await;
        (n == json!(1)).then_some(())
    })
    .await;
    js(k, remove).await;
    k.wait_for_text(
        "#team-members .member-head button.remove",
        "Sure? Remove Ola",
    )
    .await;
    js(k, remove).await;
    k.until("Ola without devices", async |app| {
        let texts = app.texts("#team-members .member").await;
        texts
            .iter()
            .any(|m| m.starts_with("Ola") && m.contains("no device"))
            .then_some(())
    })
    .await;
    k.screenshot("approval-team-removed-en.png").await;
    close_settings(k).await;
    // Ola's next round (the chip clicked: a round now) hears it was removed.
    o.click("#sync-chip").await;
    o.until("Ola's window says the device was removed", async |app| {
        let chip = js(
            app,
            "return document.getElementById('sync-chip').dataset.state",
        )
        .await;
        (chip == json!("problem")).then_some(())
    })
    .await;
}

#[test]
#[ignore = "needs a display, tauri-driver and podium-hub: run `cargo xtask test`"]
fn an_executive_invites_from_the_team_panel_and_removes_a_member_and_an_assistant_sees_neither() {
    let hub = Hub::start();
    let kari = hub.invite("Kari", "executive");
    let ola = hub.invite("Ola", "assistant");
    let url = hub.url.clone();
    scenario_two(async |k, o| {
        join(k, &url, &kari, "Kari").await;
        join(o, &url, &ola, "Ola").await;
        team_panel(k, o).await;
    });
    drop(hub);
}

#[test]
#[ignore = "needs a display, tauri-driver, podium-hub and mastodon-mock: run `cargo xtask test`"]
fn an_assistants_post_waits_in_the_executives_needs_you_goes_out_once_when_approved_and_an_edit_sends_it_back(
) {
    let masto = peers::Mastodon::start();
    let base = masto.url.clone();
    let hub = Hub::start();
    let kari = hub.invite("Kari", "executive");
    let ola = hub.invite("Ola", "assistant");
    let url = hub.url.clone();
    scenario_two(async |k, o| {
        join(k, &url, &kari, "Kari").await;
        join(o, &url, &ola, "Ola").await;
        // Kari connects the account (it is hers); Ola's device joins it with the same sign-in.
        connect_mastodon(k, &base).await;
        // A round now on both (else the next one comes within a minute).
        k.click("#sync-chip").await;
        o.until("Kari's account synced to Ola", async |app| {
            let _ = js(app, "document.getElementById('sync-chip').click()").await;
            let accounts = app
                .client
                .execute_async(
                    "window.__TAURI__.core.invoke('list_accounts').then(arguments[0], () => arguments[0]([]))",
                    vec![],
                )
                .await
                .ok()?;
            (accounts.as_array()?.len() == 1).then_some(())
        })
        .await;
        connect_mastodon(o, &base).await;

        // Ola schedules two posts: one a minute ago (its time has come), one in two days.
        let late = "Kvartalsrapporten er ute i dag #ledelse";
        let later = "Takk til alle som var med på samlingen i Tromsø.";
        write(o, late).await;
        schedule(o, -1).await;
        write(o, later).await;
        // Ola's editor says the post waits for an executive.
        schedule(o, 2 * 24 * 60).await;
        o.until("the editor's approval bar", async |app| {
            let text = app.text_of("#approval-rows").await?;
            text.contains("Awaiting approval").then_some(())
        })
        .await;
        // A comment on the later one, beside the editor.
        o.click("#tab-comments").await;
        let comment = o
            .client
            .find(Locator::Css("#draft-comment-text"))
            .await
            .unwrap();
        comment
            .send_keys("Kari: ok å nevne Tromsø-kontoret her?")
            .await
            .unwrap();
        o.click("#draft-comment-add").await;
        o.until("the comment in the thread", async |app| {
            let texts = app.texts("#draft-comments .comment-text").await;
            (texts.len() == 1).then_some(())
        })
        .await;
        o.screenshot("approval-editor-awaiting-ola-en.png").await;

        // Nothing went out: the late one is held, not sent.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            statuses(&base).await.len(),
            0,
            "nothing goes out unapproved"
        );

        // Kari's Needs you lists both, oldest first; the late one says it is late.
        k.click("#plan-button").await;
        until_needs_you(k, "awaiting", "Kvartalsrapporten").await;
        until_needs_you(k, "awaiting", "Tromsø").await;
        let rows = decisions(k).await;
        assert!(
            rows[0].1.contains("Kvartalsrapporten") && rows[1].1.contains("Tromsø"),
            "oldest first: {rows:?}"
        );
        k.until("the late one worded as late", async |app| {
            let rows = decisions(app).await;
            rows[0]
                .1
                .starts_with("Late — awaiting approval")
                .then_some(())
        })
        .await;
        k.screenshot("approval-needs-you-en.png").await;

        // The later one's dialog: Ola's comment and the audit trail beside it.
        open_from_needs_you(k, "Tromsø").await;
        k.until("Ola's comment in the dialog", async |app| {
            let texts = app.texts("#entry-comments .comment-text").await;
            (texts == ["Kari: ok å nevne Tromsø-kontoret her?"]).then_some(())
        })
        .await;
        k.until("the audit trail names Ola scheduling it", async |app| {
            let events = app.texts("#entry-audit .audit-what").await.join(" | ");
            events.contains("Ola scheduled it").then_some(())
        })
        .await;
        k.screenshot("approval-dialog-en.png").await;
        // Kari answers in the thread, and approves it.
        let reply = k
            .client
            .find(Locator::Css("#entry-comment-text"))
            .await
            .unwrap();
        reply.send_keys("Ja, fint.").await.unwrap();
        k.click("#entry-comment-add").await;
        k.until("Kari's reply in the thread", async |app| {
            (app.texts("#entry-comments .comment-text").await.len() == 2).then_some(())
        })
        .await;
        k.click("#entry-approve").await;
        k.until("approved: the dialog says who approved it", async |app| {
            let line = app.text_of("#entry-approval-line").await?;
            line.starts_with("Approved by Kari").then_some(())
        })
        .await;
        close_dialog(k).await;

        // The late one: approved within the grace window, it goes out at once — once.
        open_from_needs_you(k, "Kvartalsrapporten").await;
        k.click("#entry-approve").await;
        close_dialog(k).await;
        let b = base.clone();
        let sent = tokio::task::spawn_blocking(move || {
            peers::until(Duration::from_secs(40), "the status on the server", || {
                let s = peers::statuses_at(&b);
                (!s.is_empty()).then_some(s)
            })
        })
        .await
        .unwrap();
        assert!(sent[0]["content"]
            .as_str()
            .unwrap()
            .contains("Kvartalsrapporten"));
        k.until("Needs you empty again", async |app| {
            decisions(app).await.is_empty().then_some(())
        })
        .await;
        // Both devices have heard how it went; nothing more goes out.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(statuses(&base).await.len(), 1, "exactly once");

        // Ola's edit of the approved later post sends it back to awaiting approval.
        o.click("#write-button").await;
        let row = js(
            o,
            "return [...document.querySelectorAll('.draft-row')]
               .find((r) => r.querySelector('.title').textContent.includes('Tromsø')).id",
        )
        .await;
        o.click(&format!("#{}", row.as_str().unwrap())).await;
        o.until_editor_holds(later).await;
        let editor = o.editor().await;
        editor
            .send_keys(&format!("{} Vi sees i mars!", char::from(Key::End)))
            .await
            .unwrap();
        o.until_saved().await;
        until_needs_you(k, "awaiting", "Tromsø").await;

        // Screenshots in Norwegian (dark) and English (light), at two sizes.
        shots(k, "nb", "dark", "Tromsø").await;
        shots(k, "en", "light", "Tromsø").await;

        // Kari asks for changes; the comment is required.
        open_from_needs_you(k, "Tromsø").await;
        k.click("#entry-request").await;
        let send_off = js(
            k,
            "return document.getElementById('entry-request-send').disabled",
        )
        .await;
        assert_eq!(send_off, json!(true), "no comment, no sending back");
        let why = k
            .client
            .find(Locator::Css("#entry-request-text"))
            .await
            .unwrap();
        why.send_keys("Ta bort «Vi sees i mars» – datoen er ikke bestemt.")
            .await
            .unwrap();
        k.click("#entry-request-send").await;
        k.until("sent back: the dialog says so", async |app| {
            let line = app.text_of("#entry-approval-line").await?;
            line.starts_with("Kari asked for changes").then_some(())
        })
        .await;
        close_dialog(k).await;

        // Ola sees it come back with the comment: in Needs you and in the editor.
        o.until("the editor's bar shows the comment", async |app| {
            let note = app.text_of("#approval-rows .approval-note").await?;
            note.contains("datoen er ikke bestemt").then_some(())
        })
        .await;
        o.screenshot("approval-editor-sent-back-ola-en.png").await;
        until_needs_you(o, "changes_requested", "Tromsø").await;
        o.screenshot("approval-needs-you-sent-back-ola-en.png")
            .await;
        look(o, "nb", "light").await;
        o.click("#plan-button").await;
        until_needs_you(o, "changes_requested", "Tromsø").await;
        o.screenshot("approval-needs-you-sent-back-ola-nb.png")
            .await;

        // Still exactly one status on the server.
        assert_eq!(statuses(&base).await.len(), 1, "exactly once");
    });
    drop(hub);
    drop(masto);
}
