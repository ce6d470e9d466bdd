//! Moving drafts in and out: the JSON export (every draft with its revisions, lossless), CSV
//! import (good rows kept, bad rows reported by line), and an article's click-to-tweet quotes.

use chrono::{DateTime, Utc};
use podium_core::clock::Stamp;
use podium_core::draft::normalise_tags;
use podium_core::text::check::Network;
use podium_core::text::import::click_to_tweet_quotes;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Draft, NewDraft, DRAFT_COLUMNS};
use crate::log::{self, Op};
use crate::media::{ExportedAttachment, ExportedImage};
use crate::revisions::{self, Revision, REVISION_COLUMNS};
use crate::{Error, Result, Store, SCHEMA_VERSION};

/// The `format` field of an export file.
pub const EXPORT_FORMAT: &str = "podium-drafts";
/// The export format's version; files of a newer version are refused.
const EXPORT_VERSION: u32 = 1;

/// An export: every draft (tombstones too) with all its revisions, and the user's goals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub schema: i64,
    #[serde(default)]
    pub goals: Vec<String>,
    pub drafts: Vec<ExportedDraft>,
    /// The drafts' images (schema 10): which draft shows which, and the images themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ExportedAttachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ExportedImage>,
    /// Images the attachments name that are not on this computer (another device attached them
    /// and their bytes have not been fetched yet): the attachments are in the file, the bytes
    /// are not. Not part of the file; the exporter tells the person.
    #[serde(skip)]
    pub images_missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedDraft {
    #[serde(flatten)]
    pub draft: Draft,
    #[serde(default)]
    pub revisions: Vec<Revision>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// New drafts.
    pub added: usize,
    /// Drafts that existed and were older here than in the file.
    pub updated: usize,
    /// Drafts that were already here as they are in the file (or newer).
    pub unchanged: usize,
    /// Revisions added to the history.
    pub revisions: usize,
    /// Rows or quotes not imported because they are already drafts.
    pub skipped: usize,
    /// Attached images neither in the file nor on this computer: the attachments were
    /// imported (the draft shows a placeholder; a team's hub may still bring the bytes).
    pub images_missing: usize,
    /// Ids of the drafts added or updated.
    pub drafts: Vec<String>,
    /// CSV rows that could not be imported; the other rows were.
    pub errors: Vec<CsvRowError>,
}

/// A CSV row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvRowError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub message: String,
}

impl Store {
    /// Every draft with its revisions, oldest draft first.
    pub fn export(&mut self) -> Result<Export> {
        let mut drafts_out = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY seq"))?;
            let rows = stmt.query_map([], drafts::read_row)?;
            let mut revs = self.conn.prepare(&format!(
                "SELECT {REVISION_COLUMNS} FROM revisions
                 WHERE draft_id = ?1 AND deleted = 0 ORDER BY number"
            ))?;
            for row in rows {
                let draft = row?.into_draft()?;
                let revisions = revs
                    .query_map([&draft.id], revisions::read_row)?
                    .map(|r| r?)
                    .collect::<Result<Vec<_>>>()?;
                drafts_out.push(ExportedDraft { draft, revisions });
            }
        }
        let (attachments, images, images_missing) = self.export_media()?;
        Ok(Export {
            attachments,
            images,
            images_missing,
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            exported_at: self.now(),
            schema: SCHEMA_VERSION,
            goals: self.user_goals()?,
            drafts: drafts_out,
        })
    }

    /// Imports an export file's text. All or nothing: a file that does not parse, or any row
    /// that cannot be stored, leaves the database as it was.
    ///
    /// Drafts keep their ids, so importing the same file twice adds nothing; a draft that
    /// exists here is replaced only by a newer version (by clock stamp), and revisions missing
    /// here are added to its history.
    pub fn import_json(&mut self, json: &str, source: &str) -> Result<ImportReport> {
        let fail = |reason: String| Error::Import {
            path: source.to_owned(),
            reason,
        };
        let export: Export = serde_json::from_str(json).map_err(|e| fail(e.to_string()))?;
        if export.format != EXPORT_FORMAT {
            return Err(fail(format!(
                "it is not a Podium drafts export (format {:?})",
                export.format
            )));
        }
        if export.version > EXPORT_VERSION {
            return Err(fail(format!(
                "it was written by a newer Podium (export version {}; this one reads {EXPORT_VERSION})",
                export.version
            )));
        }
        let now_ms = u64::try_from(self.now().timestamp_millis()).unwrap_or(0);
        // Every stamp is checked before anything is written or the clock observes any of them:
        // one from far in the future would date every later change here after it.
        for ExportedDraft { draft, revisions } in &export.drafts {
            let too_far = |hlc: &str, what: String| {
                let Ok(stamp) = hlc.parse::<Stamp>() else {
                    return Ok(());
                };
                stamp
                    .not_too_far_ahead(now_ms)
                    .map(drop)
                    .map_err(|e| fail(format!("{what}: {e}")))
            };
            too_far(&draft.hlc, format!("draft {}", draft.id))?;
            for revision in revisions {
                too_far(
                    &revision.hlc,
                    format!("revision {} of draft {}", revision.id, draft.id),
                )?;
            }
        }
        self.import_images(&export.images, &fail)?;
        let imported_at = crate::timestamp(self.now());
        let mut report = ImportReport::default();
        let tx = self.conn.transaction()?;
        for name in &export.goals {
            crate::goals::insert_goal(&tx, &self.device, &mut self.clock, now_ms, name)?;
        }
        for ExportedDraft { draft, revisions } in export.drafts {
            let stamp: Stamp = draft
                .hlc
                .parse()
                .map_err(|e| fail(format!("draft {}: {e}", draft.id)))?;
            self.clock.observe(stamp, now_ms);
            let existing = drafts::get_draft(&tx, &draft.id)?;
            match existing {
                None => {
                    drafts::insert_draft(&tx, &draft)?;
                    log::record(
                        &tx,
                        &self.device,
                        "draft",
                        &draft.id,
                        Op::Insert,
                        draft.rev,
                        stamp,
                        drafts::draft_fields(&draft)?,
                    )?;
                    report.added += 1;
                    report.drafts.push(draft.id.clone());
                }
                Some(here) if here.hlc < draft.hlc => {
                    drafts::write_draft(&tx, &draft)?;
                    if draft.deleted {
                        drafts::unindex(&tx, &draft.id)?;
                    } else {
                        drafts::index(&tx, &draft)?;
                    }
                    log::record(
                        &tx,
                        &self.device,
                        "draft",
                        &draft.id,
                        Op::Update,
                        draft.rev,
                        stamp,
                        drafts::draft_fields(&draft)?,
                    )?;
                    report.updated += 1;
                    report.drafts.push(draft.id.clone());
                }
                Some(_) => report.unchanged += 1,
            }
            for mut revision in revisions {
                if revision.draft_id != draft.id {
                    return Err(fail(format!(
                        "revision {} is listed under draft {} but belongs to {}",
                        revision.id, draft.id, revision.draft_id
                    )));
                }
                if revisions::get_revision(&tx, &revision.id)?.is_some() {
                    continue;
                }
                let taken: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM revisions WHERE draft_id = ?1 AND number = ?2)",
                    params![revision.draft_id, revision.number],
                    |r| r.get(0),
                )?;
                if taken {
                    revision.number = tx.query_row(
                        "SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE draft_id = ?1",
                        [&revision.draft_id],
                        |r| r.get(0),
                    )?;
                }
                revisions::insert_revision(&tx, &revision)?;
                let stamp = revision.hlc.parse().unwrap_or(stamp);
                log::record(
                    &tx,
                    &self.device,
                    "revision",
                    &revision.id,
                    Op::Insert,
                    revision.rev,
                    stamp,
                    revisions::revision_fields(&revision)?,
                )?;
                report.revisions += 1;
            }
        }
        let mut missing = std::collections::BTreeSet::new();
        for row in &export.attachments {
            let here = tx.query_row(
                "SELECT count(*) > 0 FROM drafts WHERE id = ?1",
                [&row.draft_id],
                |r| r.get::<_, bool>(0),
            )?;
            if !here {
                return Err(fail(format!(
                    "image {} belongs to draft {}, which is not in the file",
                    row.attachment.id, row.draft_id
                )));
            }
            let file = crate::media::media_file(self.path.as_deref(), &row.attachment.sha256);
            if !file.is_some_and(|f| f.is_file()) {
                missing.insert(row.attachment.sha256.as_str());
            }
        }
        report.images_missing = missing.len();
        crate::media::import_attachments(
            &tx,
            (&self.device, &mut self.clock, now_ms),
            &export.attachments,
            &imported_at,
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// Imports drafts from CSV with a header row naming the columns `text` (required),
    /// `networks`, `goal` and `tags` (lists separated by commas, semicolons or spaces). Good
    /// rows are kept; each bad row is reported with its line and the reason.
    pub fn import_csv(&mut self, csv_text: &str, source: &str) -> Result<ImportReport> {
        let fail = |reason: String| Error::Import {
            path: source.to_owned(),
            reason,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::Headers)
            .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| fail(e.to_string()))?
            .iter()
            .map(str::to_lowercase)
            .collect::<Vec<_>>();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let Some(text_at) = column("text") else {
            return Err(fail(
                "its first row must name the columns: text, networks, goal, tags".to_owned(),
            ));
        };
        let (networks_at, goal_at, tags_at) = (column("networks"), column("goal"), column("tags"));
        let mut report = ImportReport::default();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    report.errors.push(CsvRowError {
                        line,
                        message: format!("not valid CSV: {e}"),
                    });
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if record.len() > headers.len() {
                report.errors.push(CsvRowError {
                    line,
                    message: format!(
                        "{} fields, but the header names {} columns (quote text that holds commas)",
                        record.len(),
                        headers.len()
                    ),
                });
                continue;
            }
            let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
            let text = field(Some(text_at));
            if text.is_empty() {
                report.errors.push(CsvRowError {
                    line,
                    message: "the text is empty".to_owned(),
                });
                continue;
            }
            let networks: std::result::Result<Vec<Network>, _> =
                split_list(field(networks_at)).map(str::parse).collect();
            let networks = match networks {
                Ok(n) => n,
                Err(e) => {
                    report.errors.push(CsvRowError {
                        line,
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let draft = self.create_draft(NewDraft {
                text: text.to_owned(),
                networks,
                goal: Some(field(goal_at).to_owned()),
                tags: normalise_tags(split_list(field(tags_at))),
                ..NewDraft::default()
            })?;
            report.added += 1;
            report.drafts.push(draft.id);
        }
        Ok(report)
    }

    /// Turns an article's click-to-tweet quotes into drafts (state `idea`, tagged `article`);
    /// quotes that are already drafts are skipped, so importing an article twice adds nothing.
    pub fn import_article(&mut self, article: &str, lang: Option<&str>) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        for quote in click_to_tweet_quotes(article) {
            let exists: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM drafts WHERE text = ?1 AND deleted = 0)",
                [&quote.text],
                |r| r.get(0),
            )?;
            if exists {
                report.skipped += 1;
                continue;
            }
            let draft = self.create_draft(NewDraft {
                text: quote.text,
                lang: lang.map(str::to_owned),
                tags: vec!["article".to_owned()],
                state: Some(podium_core::draft::DraftState::Idea),
                ..NewDraft::default()
            })?;
            report.added += 1;
            report.drafts.push(draft.id);
        }
        Ok(report)
    }
}

/// `x, bluesky`, `x;bluesky`, `x bluesky` → `x`, `bluesky`.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';', ' ', '\t', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}
