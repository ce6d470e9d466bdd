//! `podium goals`: a leader's weekly targets per goal (on one network or any), and how the
//! posts planned and published measure up to them this week and the next three.

use std::io::Write;

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use podium_core::goals::{plan, Gap, PLAN_WEEKS};
use podium_core::network::Network;

use crate::context::{Context, NetworkParser, Outcome};

#[derive(Subcommand, Debug)]
pub enum GoalsCommand {
    /// Set a goal's target: N posts a week, on one network or any (0 removes it).
    Set {
        goal: String,
        #[arg(long, value_name = "N")]
        per_week: u32,
        #[arg(long, short = 'n', value_parser = NetworkParser)]
        network: Option<Network>,
    },
}

pub fn run(
    ctx: &mut Context,
    json: bool,
    leader: Option<String>,
    command: Option<GoalsCommand>,
) -> Result<Outcome> {
    let store = ctx.store()?;
    let leader = leader.unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if let Some(GoalsCommand::Set {
        goal,
        per_week,
        network,
    }) = command
    {
        let where_ = network.map_or("any network".to_owned(), |n| n.name().to_owned());
        match store.set_target(&leader, &goal, network, per_week)? {
            Some(t) => eprintln!(
                "target set: {} — {} a week on {where_}",
                t.target.goal, t.target.per_week
            ),
            None => eprintln!("target removed: {goal} on {where_}"),
        }
        return Ok(Outcome::AllValid);
    }
    let zone = store.goals_zone()?;
    let now = Utc::now();
    let targets: Vec<_> = store
        .targets(&leader)?
        .into_iter()
        .map(|t| t.target)
        .collect();
    let from = podium_core::goals::week_bounds(podium_core::goals::week_of(now, zone), zone).0;
    let posts = store.plan_posts(from)?;
    let plans = plan(&targets, &posts, zone, now, PLAN_WEEKS);
    if json {
        serde_json::to_writer_pretty(&mut out, &plans)?;
        writeln!(out)?;
        return Ok(Outcome::AllValid);
    }
    if plans.is_empty() {
        writeln!(
            out,
            "No targets yet: `podium goals set credibility --per-week 2 --network linkedin`"
        )?;
    }
    let names = ["this week", "next week", "in 2 weeks", "in 3 weeks"];
    for p in &plans {
        let where_ = p
            .network
            .map_or("any network".to_owned(), |n| n.name().to_owned());
        writeln!(out, "{} — {} a week on {where_}", p.goal, p.per_week)?;
        for (i, w) in p.weeks.iter().enumerate() {
            let gap = match w.gap {
                None => String::new(),
                Some(Gap::Nothing { .. }) => format!("  nothing planned for {}", p.goal),
                Some(Gap::Short { missing }) => format!("  {missing} short"),
            };
            writeln!(
                out,
                "  {:<11} (from {})  planned {}/{}  published {}{gap}",
                names.get(i).copied().unwrap_or(""),
                w.week,
                w.planned,
                w.target,
                w.published
            )?;
        }
    }
    Ok(Outcome::AllValid)
}
