//! The Results view in the real window, over a few hundred published posts with three readings
//! each: the plan against the targets (a gap named, one click to a ready draft that fills it),
//! the goals' charts, the best posts with their numbers over time, the hashtags, in both
//! languages and themes; and the CSV export. (`cargo xtask test` runs it; see tests/e2e.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use fantoccini::Locator;
use podium_core::draft::DraftState;
use podium_core::network::Network;
use podium_core::results::Metrics;
use podium_store::{NewAccount, NewDraft, Store, When};
use support::{scenario_in, App};

const GOALS: [&str; 4] = ["visibility", "credibility", "culture", "reputation"];
const TAGS: [&str; 6] = [
    "ledelse",
    "bodø",
    "ai",
    "rekruttering",
    "bærekraft",
    "kvartal",
];

/// Seeds `posts` published posts over the last 8 weeks on Bluesky, Mastodon and LinkedIn, each
/// read 1 hour, 1 day and 7 days after it went out; targets for two goals; one ready draft.
pub fn seed(db: &Path, posts: usize) {
    let mut store = Store::open(db).unwrap();
    let clock = Arc::new(Mutex::new(Utc::now() - Duration::weeks(9)));
    let c = clock.clone();
    store.set_time_source(move || *c.lock().unwrap());
    let networks = [Network::Bluesky, Network::Mastodon, Network::Linkedin];
    let accounts: Vec<String> = networks
        .iter()
        .map(|n| {
            store
                .add_account(NewAccount {
                    network: Some(*n),
                    handle: format!("leder.{n}"),
                    service: "https://example.social".into(),
                    remote_id: "7".into(),
                    credential_ref: format!("{n}:e2e"),
                    zone: "Europe/Oslo".into(),
                    ..NewAccount::default()
                })
                .unwrap()
                .id
        })
        .collect();
    let start = Utc::now() - Duration::weeks(8);
    let span = Duration::weeks(8).num_minutes() - 60 * 24 * 8;
    for i in 0..posts {
        let at: DateTime<Utc> = start + Duration::minutes(span * i as i64 / posts as i64);
        *clock.lock().unwrap() = at - Duration::minutes(5);
        let goal = GOALS[i % 4];
        let draft = store
            .create_draft(NewDraft {
                text: format!("Innlegg nummer {i} om {goal}: hva vi lærte denne uka"),
                goal: Some(goal.into()),
                tags: vec![
                    TAGS[i % TAGS.len()].into(),
                    TAGS[(i / 3) % TAGS.len()].into(),
                ],
                ..NewDraft::default()
            })
            .unwrap();
        let k = i % networks.len();
        let e = store
            .schedule(&draft.id, &accounts[k], When::At(at))
            .unwrap();
        *clock.lock().unwrap() = at;
        store
            .claim(&e.id, &[("t".into(), format!("k{i}"))])
            .unwrap()
            .unwrap();
        store.part_sending(&e.id, 0).unwrap();
        store
            .part_sent(
                &e.id,
                0,
                &format!("r{i}"),
                None,
                &format!("https://example.social/p/{i}"),
            )
            .unwrap();
        store.entry_sent(&e.id).unwrap();
        if networks[k] == Network::Linkedin {
            continue;
        }
        let base = (i * 7919 % 23) as u64 + (if goal == "culture" { 12 } else { 0 });
        for (n, after) in [Duration::hours(1), Duration::days(1), Duration::days(7)]
            .into_iter()
            .enumerate()
        {
            *clock.lock().unwrap() = at + after;
            let grow = n as u64 + 1;
            store
                .record_reading(
                    &e.id,
                    &Metrics {
                        likes: Some(base * grow),
                        reposts: Some(base / 3 * grow),
                        replies: Some(base / 5 + n as u64),
                        quotes: Some(base / 7),
                        impressions: None,
                    },
                )
                .unwrap();
        }
    }
    *clock.lock().unwrap() = Utc::now();
    store.set_target("", "culture", None, 3).unwrap();
    store
        .set_target("", "credibility", Some(Network::Linkedin), 2)
        .unwrap();
    store
        .create_draft(NewDraft {
            text: "Hvorfor vi flytter hovedkontoret til Bodø".into(),
            goal: Some("culture".into()),
            state: Some(DraftState::Ready),
            ..NewDraft::default()
        })
        .unwrap();
}

async fn choose(app: &App, css: &str, value: &str) {
    app.choose_setting(css, value).await;
    app.close_settings().await;
}

#[test]
#[ignore = "needs a display and tauri-driver: run `cargo xtask test`"]
fn the_results_view_shows_the_plan_gaps_best_posts_and_hashtags_in_both_languages_and_themes() {
    scenario_in(async |home| {
        let db = support::app_data(home).join("podium.sqlite3");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        seed(&db, 300);
        // The export goes to the Downloads folder the desktop names (XDG user dirs).
        let downloads = home.join("Downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        std::fs::create_dir_all(home.join("config")).unwrap();
        std::fs::write(
            home.join("config").join("user-dirs.dirs"),
            format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.display()),
        )
        .unwrap();

        let app = App::start(home).await;
        app.click("#results-button").await;
        app.wait_for_text("#results-count", "300 published posts")
            .await;
        // The plan: culture wants 3 a week and nothing is planned, so each week names the gap.
        let gaps = app.texts(".plan-cell .gap").await;
        assert!(
            gaps.iter()
                .any(|g| g == "Nothing planned for Culture next week"),
            "{gaps:?}"
        );
        // Charts per goal, the best posts with their numbers over time, the hashtags.
        assert_eq!(app.texts(".goal-card").await.len(), 4);
        let lines = app
            .client
            .find_all(Locator::Css(".best-post svg.over-time polyline"))
            .await
            .unwrap();
        assert!(lines.len() >= 4, "each best post has its lines");
        assert!(!app.texts(".tag-list li").await.is_empty());
        let notes = app.texts(".results-notes").await.join(" ");
        assert!(notes.contains("LinkedIn does not share"), "{notes}");
        let ms = app
            .client
            .execute(
                "return document.getElementById('results-body').dataset.drawMs",
                vec![],
            )
            .await
            .unwrap();
        println!("drew the Results view of 300 posts in {ms} ms");
        app.screenshot("results-en-light.png").await;

        // One click on a gap lists the ready draft that could fill it; a click opens it.
        app.click("tr[data-goal='culture'] .plan-cell .gap").await;
        app.wait_for_text(
            ".ready-drafts button",
            "Hvorfor vi flytter hovedkontoret til Bodø",
        )
        .await;
        app.screenshot("results-gap-ready.png").await;
        app.click(".ready-drafts button").await;
        app.until_editor_holds("Hvorfor vi flytter hovedkontoret til Bodø")
            .await;

        // A new target from the window.
        app.click("#results-button").await;
        // The view draws afresh when it opens: type into the form it drew.
        app.until("the target form", async |app| {
            let goal = app.client.find(Locator::Css("#target-goal")).await.ok()?;
            goal.send_keys("reputation").await.ok()?;
            let typed = goal.prop("value").await.ok()??;
            (typed == "reputation").then_some(())
        })
        .await;
        app.click("#target-set").await;
        app.until("the new target's row", async |app| {
            app.texts(".plan-table tbody th")
                .await
                .iter()
                .any(|t| t.starts_with("Reputation"))
                .then_some(())
        })
        .await;

        choose(&app, "#setting-language", "nb").await;
        choose(&app, "#setting-theme", "dark").await;
        app.click("#results-button").await;
        app.wait_for_text("#results-count", "300 publiserte innlegg")
            .await;
        let gaps = app.texts(".plan-cell .gap").await;
        assert!(
            gaps.iter()
                .any(|g| g.starts_with("Ingenting planlagt for Kultur")),
            "{gaps:?}"
        );
        app.screenshot("results-nb-dark.png").await;
        choose(&app, "#setting-language", "en").await;
        app.click("#results-button").await;
        app.wait_for_text("#results-count", "300 published posts")
            .await;
        app.screenshot("results-en-dark.png").await;
        choose(&app, "#setting-theme", "light").await;
        choose(&app, "#setting-language", "nb").await;
        app.click("#results-button").await;
        app.wait_for_text("#results-count", "300 publiserte innlegg")
            .await;
        app.screenshot("results-nb-light.png").await;

        // The CSV export: one row per post and network, into the Downloads folder (or home).
        app.click("#results-export").await;
        let path = app
            .until("the exported file", async |_| {
                std::fs::read_dir(&downloads)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| p.to_string_lossy().contains("podium-results-"))
            })
            .await;
        let csv = std::fs::read_to_string(path).unwrap();
        assert_eq!(csv.lines().count(), 301);
        assert!(csv.starts_with("entry_id,draft_id,network,url,goal,published_at,likes"));
        app.stop().await;
    });
}
