//! `podium team …` and `podium sync`: this device in a team — joining with an invite code, its
//! sync state, the members, one sync round. The work is `podium_sync`'s; this file prints.

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;

use crate::context::{Context, Outcome};

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Join a team: the hub's address (https://…, or http:// on this computer) and the invite
    /// code `podium-hub invite` printed.
    Join {
        url: String,
        code: String,
        /// How the team sees this device in its member list (default: this computer's name).
        #[arg(long)]
        device_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// This device's sync state: the hub, the member and role, pending changes, conflicts,
    /// when it last synced, and what failed.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The team's members and their devices (asks the hub).
    Members {
        #[arg(long)]
        json: bool,
    },
    /// Leave the team: the hub forgets this device, the keyring its token. Drafts stay.
    Leave,
}

pub fn run(ctx: &mut Context, command: TeamCommand) -> Result<Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        TeamCommand::Join {
            url,
            code,
            device_name,
            json,
        } => {
            let name = device_name.unwrap_or_else(this_computer);
            let store = ctx.store()?;
            let id = podium_sync::join(store, &url, &code, &name)?;
            if json {
                serde_json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({
                        "hub": id.hub,
                        "workspace": id.workspace,
                        "device": id.device_id,
                        "member_id": id.member_id,
                        "member": id.member_name,
                        "role": id.role,
                    }),
                )?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "joined the team at {} as {} ({}), this device \"{name}\"; run `podium sync` \
                     to sync",
                    id.hub,
                    id.member_name,
                    id.role.as_str()
                )?;
            }
        }
        TeamCommand::Status { json } => {
            let status = podium_sync::status(ctx.store()?)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &status)?;
                writeln!(out)?;
            } else if !status.joined {
                writeln!(out, "not in a team (join one: podium team join URL CODE)")?;
            } else {
                let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                writeln!(out, "hub          {}", or_dash(&status.hub))?;
                writeln!(
                    out,
                    "member       {} ({})",
                    or_dash(&status.member),
                    status.role.map_or("-", |r| r.as_str())
                )?;
                writeln!(out, "device       {}", or_dash(&status.device))?;
                writeln!(out, "pending      {}", status.pending)?;
                writeln!(out, "conflicts    {}", status.conflicts)?;
                writeln!(out, "last synced  {}", or_dash(&status.last_synced_at))?;
                if let Some(since) = &status.offline_since {
                    writeln!(out, "offline since {since}")?;
                }
                if let Some(error) = &status.error {
                    writeln!(out, "last error   {error}")?;
                }
            }
        }
        TeamCommand::Members { json } => {
            let members = podium_sync::members(ctx.store()?)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &members)?;
                writeln!(out)?;
            } else {
                for m in members {
                    writeln!(out, "{} ({})", m.name, m.role.as_str())?;
                    for d in m.devices {
                        writeln!(
                            out,
                            "  {}  {}  last seen {}",
                            d.id,
                            d.name,
                            d.last_seen.as_deref().unwrap_or("never")
                        )?;
                    }
                }
            }
        }
        TeamCommand::Leave => {
            podium_sync::leave(ctx.store()?)?;
            writeln!(out, "left the team; the drafts stay on this computer")?;
        }
    }
    Ok(Outcome::AllValid)
}

/// `podium sync`: one whole round. Exit 0 when done; 2 when the hub cannot be reached (or
/// refused), with why on stderr (and, with `--json`, `{error, message}` on stdout).
pub fn sync(ctx: &mut Context, json: bool) -> Result<Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match podium_sync::round(ctx.store()?) {
        Ok(round) => {
            if json {
                serde_json::to_writer(&mut out, &round)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "synced: {} pushed, {} pulled, {} conflicts",
                    round.pushed, round.pulled, round.conflicts
                )?;
            }
            if round.forbidden > 0 {
                // Refused for this member's role and rolled back here to the hub's copy.
                for (_, _, why) in ctx.store()?.sync_forbidden(round.forbidden as usize)? {
                    eprintln!("podium: {why}");
                }
            }
            Ok(Outcome::AllValid)
        }
        Err(e) => {
            if json {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({ "error": e.kind(), "message": e.to_string() }),
                )?;
                writeln!(out)?;
            }
            eprintln!("podium: {e}");
            Ok(Outcome::BadInput)
        }
    }
}

/// This computer's name, for the member list.
fn this_computer() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this computer".to_owned())
}
