//! `podium drafts …`: the drafts database from the terminal — the same store, the same file,
//! as the desktop app.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use podium_core::draft::{DraftState, Visibility};
use podium_core::network::Network;
use podium_store::{DraftPatch, DraftSummary, Filter, ImportReport, NewDraft};

use crate::context::{utf8, Context, NetworkParser, Outcome};

#[derive(Subcommand, Debug)]
pub enum DraftsCommand {
    /// Add a draft; its text is read from stdin. Prints the new draft's id.
    Add(AddArgs),
    /// Replace a draft's text with the text on stdin, saved as an edit in the window is (a
    /// revision, a change that syncs).
    Edit {
        id: String,
        /// Print the whole draft as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add a comment to a draft; its text is read from stdin.
    Comment { id: String },
    /// A draft's comments, oldest first.
    Comments {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List drafts, most recently changed first (archived ones only with --state archived).
    List(ListArgs),
    /// Search drafts: every word must match the start of a word (`ledel` finds `Ledelse`).
    Search(SearchArgs),
    /// Show one draft with its revision history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write every draft with its revisions as JSON to stdout (import it back with `import`).
    Export {
        /// Accepted for symmetry: the export is always JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a JSON export (`.json`, all or nothing) or a CSV file (`.csv` with the columns
    /// text, networks, goal, tags; good rows are kept, bad rows reported).
    Import { file: PathBuf },
    /// Attach an image to a draft with its alt text (Bluesky needs it). The file is read, never
    /// changed; Podium keeps an upright copy without any metadata (no GPS position). Prints the
    /// attachment's id.
    Attach {
        draft_id: String,
        file: PathBuf,
        /// What the image shows, for those who cannot see it.
        #[arg(long, value_name = "TEXT", default_value = "")]
        alt: String,
    },
    /// Keep (`on`, the default) or remove (`off`) the card of a draft's link where Podium
    /// builds it (Bluesky, LinkedIn): with `off` the post goes out with its text only.
    Card {
        id: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Remove an image from a draft.
    Detach {
        draft_id: String,
        attachment_id: String,
    },
    /// Turn an article's click-to-tweet quotes into drafts (state `idea`, tag `article`).
    ImportArticle {
        file: PathBuf,
        /// The language of the article (e.g. nb, en).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// A network the draft is for (repeat for several).
    #[arg(long = "network", short = 'n', value_parser = NetworkParser)]
    networks: Vec<Network>,
    /// What the post is for: visibility, credibility, culture, reputation, or your own.
    #[arg(long)]
    goal: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", short = 't')]
    tags: Vec<String>,
    /// The post's language (e.g. nb, en); without it, guessed from the text (4 words or more),
    /// else English.
    #[arg(long)]
    lang: Option<String>,
    /// idea, draft, ready… (default: draft).
    #[arg(long)]
    state: Option<DraftState>,
    /// Publish it as a thread: split into numbered posts that each fit.
    #[arg(long)]
    thread: bool,
    /// Mastodon: a content warning, shown in place of the text until the reader opens it
    /// (counted with the text).
    #[arg(long, value_name = "TEXT")]
    content_warning: Option<String>,
    /// Mastodon: who sees the post — public, unlisted or private (followers only); default:
    /// the account's default (public unless changed).
    #[arg(long, value_name = "public|unlisted|private")]
    visibility: Option<Visibility>,
    /// Print the whole draft as JSON instead of its id.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Only drafts in this state (idea, draft, ready, scheduled, published, archived).
    #[arg(long)]
    state: Option<DraftState>,
    /// Only drafts with this goal.
    #[arg(long)]
    goal: Option<String>,
    /// Only drafts with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// At most this many drafts.
    #[arg(long)]
    limit: Option<usize>,
    /// Print a JSON array of `{id, title, text, state, goal, tags, networks, updated_at}`.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The words to look for.
    query: String,
    #[command(flatten)]
    filter: FilterArgs,
}

pub fn run(ctx: &mut Context, command: DraftsCommand) -> Result<Outcome> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        DraftsCommand::Add(args) => {
            let text = read_text("add")?;
            let text = text.as_str();
            let store = ctx.store()?;
            let draft = store.create_draft(NewDraft {
                text: text.to_owned(),
                networks: args.networks,
                goal: args.goal,
                tags: args.tags,
                lang: args
                    .lang
                    .or_else(|| podium_core::language::detect(text).map(str::to_owned)),
                state: args.state,
                thread: args.thread,
                content_warning: args.content_warning.unwrap_or_default(),
                visibility: args.visibility,
                ..NewDraft::default()
            })?;
            if args.json {
                serde_json::to_writer_pretty(&mut out, &draft)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", draft.id)?;
            }
        }
        DraftsCommand::Edit { id, json } => {
            let text = read_text(&format!("edit {id}"))?;
            let store = ctx.store()?;
            let draft = store.update_draft(
                &id,
                DraftPatch {
                    text: Some(text),
                    ..DraftPatch::default()
                },
            )?;
            if json {
                serde_json::to_writer_pretty(&mut out, &draft)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", draft.id)?;
            }
        }
        DraftsCommand::Comment { id } => {
            let text = read_text(&format!("comment {id}"))?;
            let comment = ctx.store()?.add_comment(&id, &text)?;
            writeln!(out, "{}", comment.id)?;
        }
        DraftsCommand::Comments { id, json } => {
            let comments = ctx.store()?.comments(&id)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &comments)?;
                writeln!(out)?;
            } else {
                for c in &comments {
                    writeln!(
                        out,
                        "{}  {}: {}",
                        c.created_at.format("%Y-%m-%d %H:%M"),
                        c.author.as_deref().unwrap_or("you"),
                        c.text
                    )?;
                }
            }
        }
        DraftsCommand::List(ListArgs { filter }) => {
            let store = ctx.store()?;
            let found = store.list_drafts(&filter.to_filter(None))?;
            print_summaries(&mut out, &found, filter.json)?;
        }
        DraftsCommand::Search(SearchArgs { query, filter }) => {
            let store = ctx.store()?;
            let found = store.list_drafts(&filter.to_filter(Some(query)))?;
            print_summaries(&mut out, &found, filter.json)?;
        }
        DraftsCommand::Show { id, json } => {
            let store = ctx.store()?;
            let draft = store.draft(&id)?;
            let revisions = store.revisions(&id)?;
            let attachments = store.attachments(&id)?;
            if json {
                let mut draft = serde_json::to_value(&draft)?;
                if let Some(object) = draft.as_object_mut() {
                    object.insert("attachments".into(), serde_json::to_value(&attachments)?);
                }
                let value = serde_json::json!({ "draft": draft, "revisions": revisions });
                serde_json::to_writer_pretty(&mut out, &value)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}\n", draft.text)?;
                writeln!(
                    out,
                    "id {}  state {}  goal {}  tags {}  networks {}",
                    draft.id,
                    draft.state,
                    draft.goal.as_deref().unwrap_or("-"),
                    draft.tags.join(", "),
                    draft
                        .networks
                        .iter()
                        .map(|n| n.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
                if !draft.content_warning.is_empty() {
                    writeln!(out, "content warning {}", draft.content_warning)?;
                }
                if let Some(v) = draft.visibility {
                    writeln!(out, "visibility {v}")?;
                }
                for (k, a) in attachments.iter().enumerate() {
                    writeln!(
                        out,
                        "image {} {}  {}×{} {}  alt {}",
                        k + 1,
                        a.id,
                        a.width,
                        a.height,
                        a.mime,
                        if a.alt.is_empty() { "(none)" } else { &a.alt }
                    )?;
                }
                writeln!(out, "\nrevisions:")?;
                for r in revisions {
                    writeln!(
                        out,
                        "  #{:<3} {}  {:<9} {}{}",
                        r.number,
                        r.updated_at.format("%Y-%m-%d %H:%M"),
                        format!("{:?}", r.kind).to_lowercase(),
                        r.author,
                        r.name.map(|n| format!("  «{n}»")).unwrap_or_default()
                    )?;
                }
            }
        }
        DraftsCommand::Export { json: _ } => {
            let store = ctx.store()?;
            let export = store.export()?;
            serde_json::to_writer_pretty(&mut out, &export)?;
            writeln!(out)?;
            if !export.images_missing.is_empty() {
                eprintln!(
                    "podium: {} attached image(s) are not on this computer yet (another device \
                     attached them): the file names them but does not hold them. Run `podium \
                     sync` and export again to include them.",
                    export.images_missing.len()
                );
            }
        }
        DraftsCommand::Import { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let text = utf8(bytes, &file.display().to_string())?;
            let source = file.display().to_string();
            let store = ctx.store()?;
            let is_json = match file.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("json") => true,
                Some(e) if e.eq_ignore_ascii_case("csv") => false,
                _ => text.trim_start().starts_with('{'),
            };
            let report = if is_json {
                store.import_json(&text, &source)?
            } else {
                store.import_csv(&text, &source)?
            };
            return summarise_import(&mut out, &report, &source);
        }
        DraftsCommand::Attach {
            draft_id,
            file,
            alt,
        } => {
            let store = ctx.store()?;
            let attachment = podium_media::attach_file(store, draft_id.trim(), &file, &alt)?;
            writeln!(out, "{}", attachment.id)?;
        }
        DraftsCommand::Card { id, state } => {
            let store = ctx.store()?;
            store.update_draft(
                id.trim(),
                DraftPatch {
                    link_card: Some(state == "on"),
                    ..DraftPatch::default()
                },
            )?;
        }
        DraftsCommand::Detach {
            draft_id,
            attachment_id,
        } => {
            let store = ctx.store()?;
            store.detach(draft_id.trim(), attachment_id.trim())?;
        }
        DraftsCommand::ImportArticle { file, lang } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let text = utf8(bytes, &file.display().to_string())?;
            let store = ctx.store()?;
            let report = store.import_article(&text, lang.as_deref())?;
            if report.added + report.skipped == 0 {
                bail!(
                    "no click-to-tweet quotes in {} (looked for [Tweet \"…\"], [bctt tweet=\"…\"], [ctt] and the bctt block)",
                    file.display()
                );
            }
            return summarise_import(&mut out, &report, &file.display().to_string());
        }
    }
    Ok(Outcome::AllValid)
}

/// A draft's text from stdin, for `podium drafts {command}`: UTF-8, not empty, within the cap.
fn read_text(command: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    let mut text = utf8(bytes, "the text on stdin")?;
    // `echo` and here-strings end with a newline that is not part of the post.
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.trim().is_empty() {
        bail!("the draft is empty: pipe its text to stdin, e.g. `echo 'Hei' | podium drafts {command}`");
    }
    podium_core::text::within_cap(&text)?;
    Ok(text)
}

impl FilterArgs {
    fn to_filter(&self, query: Option<String>) -> Filter {
        Filter {
            query,
            state: self.state,
            goal: self.goal.clone(),
            tag: self.tag.clone(),
            limit: self.limit,
            bin: false,
        }
    }
}

fn print_summaries(out: &mut impl Write, found: &[DraftSummary], json: bool) -> Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, found)?;
        writeln!(out)?;
        return Ok(());
    }
    for d in found {
        writeln!(
            out,
            "{}  {:<9} {}  {}",
            d.id,
            d.state.as_str(),
            d.updated_at.format("%Y-%m-%d"),
            d.title
        )?;
    }
    Ok(())
}

fn summarise_import(out: &mut impl Write, report: &ImportReport, source: &str) -> Result<Outcome> {
    writeln!(
        out,
        "{source}: {} added, {} updated, {} unchanged, {} skipped, {} revisions",
        report.added, report.updated, report.unchanged, report.skipped, report.revisions
    )?;
    if report.images_missing > 0 {
        eprintln!(
            "podium: {source}: {} attached image(s) were not in the file: their drafts show a \
             placeholder until the team's hub brings them (podium sync); without a team, remove \
             them (podium drafts detach) and attach the images again.",
            report.images_missing
        );
    }
    for e in &report.errors {
        eprintln!(
            "podium: {source}, line {}: {}; row not imported",
            e.line, e.message
        );
    }
    Ok(if report.errors.is_empty() {
        Outcome::AllValid
    } else {
        Outcome::SomeInvalid
    })
}
