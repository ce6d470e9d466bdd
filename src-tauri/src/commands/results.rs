//! Commands for goals and results: the Results view's data (sums, the 4-week plan against the
//! targets, each best post's readings, the ready drafts per goal), setting a target, the CSV
//! export, and whether X's numbers are read. Glue only: the sums and the plan are
//! `podium_core::{goals, results}`, the rows `podium-store`.

use std::collections::BTreeMap;

use chrono::Utc;
use podium_core::draft::DraftState;
use podium_core::goals::{plan, week_bounds, week_of, TargetPlan, PLAN_WEEKS};
use podium_core::network::Network;
use podium_core::results::{summarise, Summary};
use podium_store::{Filter, Reading};
use serde::Serialize;
use serde_json::json;
use tauri::State;

use crate::drafts::Drafts;

use super::{Answer, CommandError};

/// How many weeks back the Results view sums.
const RESULT_WEEKS: usize = 8;
/// How many best posts per goal it lists.
const BEST: usize = 5;

/// A ready draft that could fill a gap.
#[derive(Debug, Serialize)]
pub struct ReadyDraft {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct ResultsView {
    /// The leader's zone (weeks start on Monday there).
    pub zone: String,
    pub summary: Summary,
    pub plan: Vec<TargetPlan>,
    /// Each best post's readings, oldest first (its small chart).
    pub series: BTreeMap<String, Vec<Reading>>,
    /// Ready drafts per goal: what could fill a gap.
    pub ready: BTreeMap<String, Vec<ReadyDraft>>,
    pub x_reads: bool,
    /// Whether there are LinkedIn posts (whose numbers LinkedIn does not share).
    pub linkedin: bool,
    pub posts: usize,
}

#[tauri::command]
pub fn results_view(drafts: State<'_, Drafts>) -> Answer<ResultsView> {
    drafts.with(|s| {
        let zone = s.goals_zone()?;
        let now = Utc::now();
        let targets: Vec<_> = s.targets("")?.into_iter().map(|t| t.target).collect();
        let this_week = week_bounds(week_of(now, zone), zone).0;
        let posts = s.plan_posts(this_week)?;
        let results = s.results(None)?;
        let summary = summarise(&results, &targets, zone, now, RESULT_WEEKS, BEST);
        let mut series = BTreeMap::new();
        for post in summary.best.values().flatten() {
            series.insert(post.entry_id.clone(), s.readings(&post.entry_id)?);
        }
        let mut ready: BTreeMap<String, Vec<ReadyDraft>> = BTreeMap::new();
        let filter = Filter {
            state: Some(DraftState::Ready),
            ..Filter::default()
        };
        for d in s.list_drafts(&filter)? {
            if let Some(goal) = d.goal.clone() {
                ready.entry(goal).or_default().push(ReadyDraft {
                    id: d.id.clone(),
                    title: d.title.clone(),
                });
            }
        }
        Ok(ResultsView {
            zone: zone.name().to_owned(),
            plan: plan(&targets, &posts, zone, now, PLAN_WEEKS),
            linkedin: results.iter().any(|r| r.network == Network::Linkedin),
            posts: results.len(),
            summary,
            series,
            ready,
            x_reads: s.x_reads()?,
        })
    })
}

/// Sets a goal's weekly target (`network` null: any network; 0 a week removes it).
#[tauri::command]
pub fn set_target(
    drafts: State<'_, Drafts>,
    goal: String,
    network: Option<Network>,
    per_week: u32,
) -> Answer<()> {
    drafts.with(|s| s.set_target("", &goal, network, per_week).map(|_| ()))
}

/// Turns reading X's numbers on or off (X charges per read).
#[tauri::command]
pub fn set_x_reads(drafts: State<'_, Drafts>, on: bool) -> Answer<()> {
    drafts.with(|s| s.set_x_reads(on))
}

/// Writes the results as CSV (one row per post and network) into the Downloads folder, and
/// answers the file's path.
#[tauri::command]
pub fn export_results(drafts: State<'_, Drafts>) -> Answer<String> {
    let csv = drafts.with(|s| podium_store::results_csv(&s.results(None)?))?;
    let folder = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| CommandError::internal("no Downloads or home folder to save into"))?;
    let path = folder.join(format!(
        "podium-results-{}.csv",
        Utc::now().format("%Y-%m-%d")
    ));
    std::fs::write(&path, csv).map_err(|e| {
        CommandError::new(
            "export_failed",
            json!({ "path": path.display().to_string(), "detail": e.to_string() }),
            format!("could not write {}: {e}", path.display()),
        )
    })?;
    Ok(path.display().to_string())
}
