//! The plan in the real window: a scheduled post shows in its week, is dragged to another day
//! and time with the mouse, and the outbox in the database follows. (`cargo xtask test` runs
//! it; see tests/e2e.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::Duration;

use chrono::{DateTime, Datelike, Local, NaiveTime, TimeZone, Utc, Weekday};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Locator;
use podium_core::outbox::AccountStatus;
use podium_core::reason::Reason;
use podium_core::schedule::Slot;
use podium_core::text::check::Network;
use podium_core::wait::QuotaReading;
use podium_store::{NewAccount, NewDraft, Store, When};
use support::{scenario_in, App};

/// A day from tomorrow on whose next day is in the same week (not a Sunday), at 10:00 here.
fn target_time() -> DateTime<Utc> {
    let mut day = Local::now().date_naive() + chrono::Duration::days(1);
    if day.weekday() == Weekday::Sun {
        day += chrono::Duration::days(1);
    }
    let local = day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    Local
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn same_week_as_today(t: DateTime<Utc>) -> bool {
    let monday = |d: chrono::NaiveDate| {
        d - chrono::Duration::days(d.weekday().num_days_from_monday().into())
    };
    monday(t.with_timezone(&Local).date_naive()) == monday(Local::now().date_naive())
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_post_dragged_in_the_week_view_moves_in_the_outbox() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let due = target_time();
        let (entry_id, account) = {
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
                .set_slots(&account.id, &[Slot::parse("tue 08:30").unwrap()])
                .unwrap();
            let draft = store
                .create_draft(NewDraft {
                    text: "Kvartalstallene er klare #resultater".into(),
                    networks: vec![Network::Mastodon],
                    ..NewDraft::default()
                })
                .unwrap();
            let entry = store
                .schedule(&draft.id, &account.id, When::At(due))
                .unwrap();
            (entry.id, account.id)
        };

        let app = App::start(home).await;
        app.click("#plan-button").await;
        if !same_week_as_today(due) {
            app.click("#plan-next").await;
        }
        let card = format!(".plan-post[data-id='{entry_id}']");
        app.until("the post in the week", async |app| {
            (app.texts(&format!("{card} .post-title")).await
                == ["Kvartalstallene er klare #resultater"])
            .then_some(())
        })
        .await;
        // The account's slots are drawn too (unless this week's have all passed).
        app.screenshot("plan-before-drag.png").await;

        // Drag it one day to the right and two hours down (44 px an hour).
        let element = app.client.find(Locator::Css(&card)).await.unwrap();
        let column: f64 = app
            .client
            .execute(
                "return document.querySelector('.day').getBoundingClientRect().width",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(150)),
                x: column / 2.0,
                y: 40.0,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(150)),
                x: column / 2.0,
                y: 48.0,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        app.client.perform_actions(drag).await.unwrap();

        let expected = due + chrono::Duration::days(1) + chrono::Duration::hours(2);
        let moved = app
            .until("the outbox to follow the drag", async |_| {
                let store = Store::open(&db).ok()?;
                let e = store.entry(&entry_id).ok()?;
                (e.due_at != due).then_some(e)
            })
            .await;
        assert_eq!(
            moved.due_at, expected,
            "dropped one day later, two hours later"
        );
        assert_eq!(moved.account_id, account);
        // The window says so, and draws the post at its new place.
        app.until("the card at its new time", async |app| {
            let times = app.texts(&format!("{card} .post-time")).await;
            (times == ["12:00"]).then_some(())
        })
        .await;
        app.screenshot("plan-after-drag.png").await;
        app.stop().await;
    });
}

/// A failed post and a refused sign-in say why in the window's language: Podium's words in
/// Norwegian, what the network said quoted as it came. A post an older Podium stopped (its
/// reason kept only in English) still shows that English.
#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_failed_post_and_a_refused_sign_in_say_why_in_norwegian() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let said = "Service Unavailable — «try again later»";
        {
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
            let mut stopped = |text: &str, why: &Reason| {
                let draft = store
                    .create_draft(NewDraft {
                        text: text.into(),
                        networks: vec![Network::Mastodon],
                        ..NewDraft::default()
                    })
                    .unwrap();
                let due = Utc::now() - chrono::Duration::hours(1);
                let entry = store
                    .schedule(&draft.id, &account.id, When::At(due))
                    .unwrap();
                store
                    .claim(&entry.id, &[(text.into(), "key-1".into())])
                    .unwrap();
                store.entry_failed(&entry.id, why).unwrap().id
            };
            stopped(
                "Kvartalstallene er klare #resultater",
                &Reason::GaveUp {
                    reason: Box::new(Reason::Answered {
                        network: Network::Mastodon,
                        status: 503,
                        detail: said.into(),
                    }),
                    attempts: 8,
                },
            );
            let old = stopped("Skrevet av en eldre Podium", &Reason::FellBehind {});
            // A network's limit that did not pass: its wait is worded in Norwegian too.
            stopped(
                "Ukesbrevet er ute",
                &Reason::GaveUp {
                    reason: Box::new(Reason::RateLimited {
                        network: Network::Mastodon,
                        wait: Some(300),
                    }),
                    attempts: 8,
                },
            );
            // As an older Podium left it: the English only, no code.
            store
                .connection()
                .execute(
                    "UPDATE outbox SET error = 'Mastodon answered 422: Validation failed',
                     error_code = NULL, error_data = NULL WHERE id = ?1",
                    [&old],
                )
                .unwrap();
            store
                .set_account_status(
                    &account.id,
                    AccountStatus::Reconnect,
                    Some(&Reason::SignInRefused {
                        network: Network::Mastodon,
                        detail: "The access token was revoked".into(),
                    }),
                )
                .unwrap();
        }

        let app = App::start_env(home, &[("LANG", "nb_NO.UTF-8"), ("LANGUAGE", "nb")]).await;
        app.click("#plan-button").await;
        let notice = app
            .until("the refused sign-in under Needs you", async |app| {
                let items = app.texts("#attention-list li").await;
                items
                    .into_iter()
                    .find(|t| t.contains("@leder@example.social · "))
            })
            .await;
        assert_eq!(
            notice,
            "@leder@example.social · Mastodon godtar ikke lenger påloggingen til kontoen \
             (The access token was revoked): koble den til på nytt."
        );
        // The failed posts wait under Needs you, oldest first: the one Podium stopped now …
        let open = async |n: usize| {
            app.client
                .execute(
                    "document.querySelectorAll('#attention-list li[data-state=failed] button')\
                     [arguments[0]].click()",
                    vec![serde_json::json!(n)],
                )
                .await
                .unwrap();
        };
        let reason_of = async |title: &str| {
            app.until("the failed post's reason", async |app| {
                let shown = app.text_of("#entry-title").await? == title;
                let text = app.text_of("#entry-error").await?;
                (shown && !text.is_empty()).then_some(text)
            })
            .await
        };
        open(0).await;
        assert_eq!(
            reason_of("Kvartalstallene er klare #resultater").await,
            format!("Mastodon svarte 503: {said} (ga opp etter 8 forsøk)")
        );
        app.screenshot("plan-failed-reason-nb.png").await;
        // … and the one an older Podium stopped, in the English it kept.
        open(1).await;
        assert_eq!(
            reason_of("Skrevet av en eldre Podium").await,
            "Mastodon answered 422: Validation failed"
        );
        open(2).await;
        assert_eq!(
            reason_of("Ukesbrevet er ute").await,
            "Mastodon ber Podium sende sjeldnere (fartsgrense): Podium prøver igjen om omtrent \
             5 minutter; innlegget blir stående i køen. (ga opp etter 8 forsøk)"
        );
        app.screenshot("plan-rate-limit-nb.png").await;
        // The account page says why it needs reconnecting, in Norwegian too.
        app.client
            .execute("document.getElementById('plan-accounts').click()", vec![])
            .await
            .unwrap();
        let why = app
            .until("the account's reason on the account page", async |app| {
                let shown = app.texts("#accounts-list li.account p.error-text").await;
                shown.into_iter().find(|t| !t.is_empty())
            })
            .await;
        assert_eq!(
            why,
            "Mastodon godtar ikke lenger påloggingen til kontoen (The access token was revoked): \
             koble den til på nytt."
        );
        app.screenshot("accounts-reconnect-reason-nb.png").await;
        app.stop().await;
    });
}

/// A Threads account with few posts left of its quota says so under Needs you and on the
/// account page, in Norwegian, in the words of the checks.
#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn a_threads_quota_nearly_used_up_is_told_in_norwegian() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        {
            let mut store = Store::open(&db).unwrap();
            let account = store
                .add_account(NewAccount {
                    network: Some(Network::Threads),
                    handle: "@lederen".into(),
                    service: "https://graph.threads.net".into(),
                    remote_id: "1789".into(),
                    credential_ref: "threads:e2e".into(),
                    zone: "Europe/Oslo".into(),
                    ..NewAccount::default()
                })
                .unwrap();
            let reading = QuotaReading {
                used: 246,
                total: 250,
                period_secs: 24 * 3600,
                at: Utc::now() - chrono::Duration::hours(1),
            };
            store.set_account_quota(&account.id, &reading).unwrap();
        }
        let words = "Threads tillater 250 innlegg på 24 timer; denne kontoen har 4 igjen: flere \
                     innlegg venter til de tidligere er 24 timer gamle";
        let app = App::start_env(home, &[("LANG", "nb_NO.UTF-8"), ("LANGUAGE", "nb")]).await;
        app.click("#plan-button").await;
        let notice = app
            .until("the quota under Needs you", async |app| {
                let items = app.texts("#attention-list li").await;
                items.into_iter().find(|t| t.contains("@lederen · "))
            })
            .await;
        assert_eq!(notice, format!("@lederen · {words}"));
        app.screenshot("plan-quota-near-nb.png").await;
        app.client
            .execute("document.getElementById('plan-accounts').click()", vec![])
            .await
            .unwrap();
        let shown = app
            .until("the quota on the account page", async |app| {
                let shown = app.texts("#accounts-list li.account p.error-text").await;
                shown.into_iter().find(|t| !t.is_empty())
            })
            .await;
        assert_eq!(shown, words);
        app.screenshot("accounts-quota-near-nb.png").await;
        app.stop().await;
    });
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn starting_podium_again_shows_the_running_one_and_exits() {
    scenario_in(async |home| {
        let app = App::start(home).await;
        app.click("#plan-button").await;
        // A second launch on the same data: it hands over to the first and exits at once.
        let started = std::time::Instant::now();
        let status = std::process::Command::new(support::app_binary())
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(
            status.success(),
            "the second launch exits cleanly: {status}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
        // The first one is still there and answers.
        let pressed = app
            .client
            .execute(
                "return document.getElementById('plan-button').getAttribute('aria-pressed')",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(pressed, "true");
        // And it heard from the second (its log says so).
        app.until("the first instance to log the second launch", async |_| {
            support::app_log(home)
                .contains("Podium was started again")
                .then_some(())
        })
        .await;
        app.stop().await;
    });
}
