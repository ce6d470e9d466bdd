//! `podium backups …`: the database's backups — list, take one, restore one (also over a
//! database too damaged or altered to open).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use podium_store::Store;

use crate::context::{Context, Outcome};

#[derive(Subcommand, Debug)]
pub enum BackupsCommand {
    /// List the backups, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Take a backup now (in the backups folder next to the database).
    Create,
    /// Replace the database's content with a backup's. The current content is backed up first;
    /// a damaged database that cannot be opened is moved aside, never deleted.
    Restore { file: PathBuf },
}

pub fn run(ctx: &mut Context, command: BackupsCommand) -> Result<Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        BackupsCommand::List { json } => {
            // Listed from the folder: the backups of a damaged database are worth listing too.
            let db = ctx.db_path()?;
            let backups = Store::backups_for(&db)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &backups)?;
                writeln!(out)?;
            } else if backups.is_empty() {
                writeln!(
                    out,
                    "no backups yet in {}",
                    Store::backup_dir_for(&db).display()
                )?;
            } else {
                for b in backups {
                    writeln!(
                        out,
                        "{}  {:>8} KiB  {}",
                        b.taken_at.format("%Y-%m-%d %H:%M"),
                        b.bytes / 1024,
                        b.path.display()
                    )?;
                }
            }
        }
        BackupsCommand::Create => {
            let backup = ctx.store()?.backup_now()?;
            writeln!(out, "{}", backup.path.display())?;
        }
        BackupsCommand::Restore { file } => match ctx.try_store() {
            Ok(store) => {
                let safety = store.restore_backup(&file)?;
                writeln!(
                    out,
                    "restored {}; the content before is in {}",
                    file.display(),
                    safety.path.display()
                )?;
            }
            // A database that cannot be opened (damaged, or holding objects Podium did not
            // make) is kept aside and the backup takes its place.
            Err(
                refused @ (podium_store::Error::Corrupt { .. }
                | podium_store::Error::ForeignSchema { .. }),
            ) => {
                let aside = Store::restore_over(&ctx.db_path()?, &file)?;
                let what = match refused {
                    podium_store::Error::Corrupt { .. } => "damaged",
                    _ => "altered",
                };
                match aside {
                    Some(aside) => writeln!(
                        out,
                        "restored {}; the {what} database was kept as {}",
                        file.display(),
                        aside.display()
                    )?,
                    None => writeln!(out, "restored {}", file.display())?,
                }
            }
            Err(e) => return Err(e.into()),
        },
    }
    Ok(Outcome::AllValid)
}
