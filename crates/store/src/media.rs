//! Images attached to drafts: the `attachments` rows (which draft, which place, which alt text)
//! and the files they name in the private `media/` folder beside the database.
//!
//! A file's name is its SHA-256, so a photo attached twice is stored once, a file is never
//! changed after it is written (written to a temporary name, then renamed), and reading one
//! checks its bytes against its name. A file is removed only when nothing names it: no row
//! here (a draft in the bin keeps its images until the bin is emptied) and no kept backup. The
//! bytes handed in are already Podium's own copy (upright, no metadata: `podium-media`); this
//! module never decodes an image.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use podium_core::fit::Misfit;
use podium_core::media::{Attachment, InstanceMedia, MediaOptions};
use podium_core::text::check::Lang;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{private, timestamp, Error, Result, Store};

/// An image to attach: Podium's stored copy and what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct NewImage<'a> {
    pub bytes: &'a [u8],
    pub mime: &'a str,
    pub width: u32,
    pub height: u32,
    /// The bytes' SHA-256 in lower-case hex.
    pub sha256: &'a str,
}

impl std::fmt::Debug for NewImage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewImage")
            .field("bytes", &self.bytes.len())
            .field("mime", &self.mime)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// An attachment in an export file, with the draft it belongs to and its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedAttachment {
    pub draft_id: String,
    pub position: i64,
    #[serde(flatten)]
    pub attachment: Attachment,
}

/// A stored image in an export file: its bytes in base64 (standard alphabet, padded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedImage {
    pub sha256: String,
    pub mime: String,
    pub base64: String,
}

const COLUMNS: &str = "id, alt, mime, width, height, bytes, sha256";

fn read_attachment(r: &Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        alt: r.get(1)?,
        mime: r.get(2)?,
        width: r.get(3)?,
        height: r.get(4)?,
        bytes: r.get::<_, i64>(5)?.max(0).unsigned_abs(),
        sha256: r.get(6)?,
    })
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Store {
    /// The `media/` folder of this database (`None` in memory).
    pub fn media_dir(&self) -> Option<PathBuf> {
        self.path.as_deref().map(Store::media_dir_for)
    }

    fn require_media_dir(&self) -> Result<PathBuf> {
        self.media_dir().ok_or_else(|| {
            Error::Invalid("a database in memory has no folder to keep images in".into())
        })
    }

    /// Where the stored image with this SHA-256 is (whether or not it exists).
    pub fn media_path(&self, sha256: &str) -> Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(Error::Invalid(format!("not an image's name: {sha256:?}")));
        }
        Ok(self.require_media_dir()?.join(sha256))
    }

    /// Attaches an image to a draft, after its other images; answers the attachment.
    pub fn attach(
        &mut self,
        draft_id: &str,
        image: &NewImage<'_>,
        alt: &str,
    ) -> Result<Attachment> {
        let draft = self.draft(draft_id)?;
        if draft.deleted {
            return Err(Error::Invalid(
                "this draft is in the bin; bring it back before adding images".into(),
            ));
        }
        if !matches!(image.mime, "image/jpeg" | "image/png") {
            return Err(Error::Invalid(format!(
                "Podium stores images as JPEG or PNG, not {}",
                image.mime
            )));
        }
        self.write_media(image.sha256, image.bytes)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = timestamp(self.now());
        let alt = alt.trim();
        // Logged for sync (the row; its file goes to the hub as a blob before the row does).
        self.with_log("attachment", &[&id], |conn| {
            conn.execute(
                "INSERT INTO attachments
                     (id, draft_id, position, sha256, mime, width, height, bytes, alt,
                      created_at, updated_at)
                 VALUES (?1, ?2,
                     (SELECT coalesce(max(position), 0) + 1 FROM attachments WHERE draft_id = ?2),
                     ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    id,
                    draft_id,
                    image.sha256,
                    image.mime,
                    image.width,
                    image.height,
                    image.bytes.len() as i64,
                    alt,
                    now
                ],
            )?;
            Ok(())
        })?;
        // What would be published changed: approvals follow (`after_content_edit`).
        self.after_content_edit(draft_id)?;
        self.attachment(draft_id, &id)
    }

    /// Writes a stored image under its name unless it is there; checks the name first.
    fn write_media(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let file = self.media_path(sha256)?;
        if file.is_file() {
            return Ok(());
        }
        let dir = self.require_media_dir()?;
        let io = |action: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io {
                action,
                path,
                source,
            }
        };
        private::ensure_dir(&dir).map_err(io("cannot create the folder", &dir))?;
        let partial = dir.join(format!("{sha256}.partial"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut out = options
            .open(&partial)
            .map_err(io("cannot write the image", &partial))?;
        out.write_all(bytes)
            .and_then(|()| out.sync_all())
            .map_err(io("cannot write the image", &partial))?;
        drop(out);
        private::tighten_or_warn(&partial);
        std::fs::rename(&partial, &file).map_err(io("cannot write the image", &file))?;
        Ok(())
    }

    /// A draft's images, in order.
    pub fn attachments(&self, draft_id: &str) -> Result<Vec<Attachment>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE draft_id = ?1 ORDER BY position, id"
        ))?;
        let rows = stmt.query_map([draft_id], read_attachment)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One of a draft's images.
    pub fn attachment(&self, draft_id: &str, id: &str) -> Result<Attachment> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM attachments WHERE draft_id = ?1 AND id = ?2"),
                params![draft_id, id],
                read_attachment,
            )
            .optional()?
            .ok_or_else(|| no_attachment(draft_id, id))
    }

    /// Removes an image from a draft (the others close up); its file goes when nothing else
    /// names it. For sync the removal is a delete (it wins over another device's alt text).
    pub fn detach(&mut self, draft_id: &str, id: &str) -> Result<()> {
        let ids = self.attachment_ids(draft_id)?;
        if !ids.iter().any(|i| i == id) {
            self.draft(draft_id)?;
            return Err(no_attachment(draft_id, id));
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.with_log("attachment", &refs, |conn| {
            conn.execute(
                "DELETE FROM attachments WHERE draft_id = ?1 AND id = ?2",
                params![draft_id, id],
            )?;
            renumber(conn, draft_id)
        })?;
        // What would be published changed: approvals follow (`after_content_edit`).
        self.after_content_edit(draft_id)?;
        self.collect_media()?;
        Ok(())
    }

    /// The ids of a draft's images, in order.
    fn attachment_ids(&self, draft_id: &str) -> Result<Vec<String>> {
        Ok(self
            .attachments(draft_id)?
            .into_iter()
            .map(|a| a.id)
            .collect())
    }

    /// Changes an image's alt text (last writer wins across the team's devices).
    pub fn set_alt(&mut self, draft_id: &str, id: &str, alt: &str) -> Result<Attachment> {
        let now = timestamp(self.now());
        let changed = self.with_log("attachment", &[id], |conn| {
            Ok(conn.execute(
                "UPDATE attachments SET alt = ?3, updated_at = ?4
                 WHERE draft_id = ?1 AND id = ?2 AND alt <> ?3",
                params![draft_id, id, alt.trim(), now],
            )?)
        })?;
        if changed == 0 {
            // Unchanged, or no such image.
            return self.attachment(draft_id, id);
        }
        self.after_content_edit(draft_id)?;
        self.attachment(draft_id, id)
    }

    /// Puts a draft's images in the order of `ids` (every one of them, each once).
    pub fn order_attachments(&mut self, draft_id: &str, ids: &[String]) -> Result<Vec<Attachment>> {
        let now: BTreeSet<String> = self.attachment_ids(draft_id)?.into_iter().collect();
        let wanted: BTreeSet<String> = ids.iter().cloned().collect();
        if now != wanted || wanted.len() != ids.len() {
            return Err(Error::Invalid(
                "the new order must name each of the draft's images once".into(),
            ));
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.with_log("attachment", &refs, |conn| {
            for (k, id) in ids.iter().enumerate() {
                conn.execute(
                    "UPDATE attachments SET position = ?3 WHERE draft_id = ?1 AND id = ?2",
                    params![draft_id, id, k as i64 + 1],
                )?;
            }
            Ok(())
        })?;
        // What would be published changed: approvals follow (`after_content_edit`).
        self.after_content_edit(draft_id)?;
        self.attachments(draft_id)
    }

    /// Whether the stored image `sha256` is in this database's `media/` folder.
    pub fn has_media(&self, sha256: &str) -> bool {
        self.media_path(sha256).is_ok_and(|p| p.is_file())
    }

    /// Keeps an image another device attached (fetched from the team's hub), after checking
    /// its bytes against its name: a blob that does not match is refused and nothing is kept.
    pub fn keep_media(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        if !sha256_matches(bytes, sha256) {
            return Err(Error::Invalid(format!(
                "the image {sha256} fetched from the hub does not match its SHA-256 \
                 (its bytes hash to {}): it was not kept; sync again",
                sha256_hex(bytes)
            )));
        }
        self.write_media(sha256, bytes)
    }

    /// The stored images the attachments here name that are not in `media/` (another device
    /// attached them and their bytes have not been fetched yet), each once; for one draft, or
    /// for all (`None`).
    pub fn missing_media(&self, draft_id: Option<&str>) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT sha256 FROM attachments WHERE ?1 IS NULL OR draft_id = ?1
             ORDER BY sha256",
        )?;
        let names = stmt
            .query_map([draft_id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(names.into_iter().filter(|n| !self.has_media(n)).collect())
    }

    /// A stored image's bytes, checked against its name (a changed file is not sent).
    pub fn media_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        let file = self.media_path(sha256)?;
        let bytes = std::fs::read(&file).map_err(|source| Error::Io {
            action: "cannot read the image",
            path: file.clone(),
            source,
        })?;
        if sha256_matches(&bytes, sha256) {
            Ok(bytes)
        } else {
            Err(Error::Invalid(format!(
                "the image {} was changed on disk since it was attached: attach it again",
                file.display()
            )))
        }
    }

    /// Removes stored images nothing names: no attachment here and none in a kept backup
    /// (a backup restored later finds its images). Answers how many files went.
    pub fn collect_media(&mut self) -> Result<usize> {
        let Some(dir) = self.media_dir() else {
            return Ok(0);
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(0);
        };
        let mut named = referenced(&self.conn)?;
        if let Some(backups) = self.backup_dir() {
            for backup in crate::backup::list_files(&backups) {
                match crate::open::open_read_only(&backup).and_then(|c| referenced(&c)) {
                    Ok(more) => named.extend(more),
                    // A backup that cannot be read cannot be restored either.
                    Err(error) => {
                        tracing::warn!(backup = %backup.display(), %error, "backup not read for its images");
                    }
                }
            }
        }
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale_partial = name.ends_with(".partial");
            if (is_sha256(&name) && !named.contains(&name)) || stale_partial {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(error) => {
                        tracing::warn!(file = %entry.path().display(), %error, "cannot remove an image nothing names");
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Every attachment with its draft and place, every stored image they name (for the JSON
    /// export), and the names of those not on this computer (not fetched from the team's hub
    /// yet), which the export goes without.
    #[allow(clippy::type_complexity)]
    pub fn export_media(
        &self,
    ) -> Result<(Vec<ExportedAttachment>, Vec<ExportedImage>, Vec<String>)> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS}, draft_id, position FROM attachments ORDER BY draft_id, position"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(ExportedAttachment {
                attachment: read_attachment(r)?,
                draft_id: r.get(7)?,
                position: r.get(8)?,
            })
        })?;
        let attachments: Vec<ExportedAttachment> = rows.collect::<rusqlite::Result<_>>()?;
        let (mut images, mut missing) = (Vec::new(), Vec::new());
        let mut seen = BTreeSet::new();
        for a in &attachments {
            if seen.insert(a.attachment.sha256.clone()) {
                if !self.has_media(&a.attachment.sha256) {
                    missing.push(a.attachment.sha256.clone());
                    continue;
                }
                let bytes = self.media_bytes(&a.attachment.sha256)?;
                images.push(ExportedImage {
                    sha256: a.attachment.sha256.clone(),
                    mime: a.attachment.mime.clone(),
                    base64: base64_encode(&bytes),
                });
            }
        }
        Ok((attachments, images, missing))
    }

    /// Stores an export file's images (each checked against its name) before the import's
    /// transaction; their rows go in with the drafts ([`import_attachments`]).
    pub(crate) fn import_images(
        &self,
        images: &[ExportedImage],
        fail: &dyn Fn(String) -> Error,
    ) -> Result<()> {
        for image in images {
            let bytes = base64_decode(&image.base64)
                .ok_or_else(|| fail(format!("image {} is not valid base64", image.sha256)))?;
            if !sha256_matches(&bytes, &image.sha256) {
                return Err(fail(format!(
                    "image {} does not match its SHA-256",
                    image.sha256
                )));
            }
            self.write_media(&image.sha256, &bytes)?;
        }
        Ok(())
    }

    /// Whether a draft's images can go out on `account`'s network (`podium_core::media::fit`
    /// with the instance's own figures): scheduling asks it beside the text's fit. A draft
    /// whose images cannot be read here counts as having none (the publisher says why).
    pub fn images_fit_on(
        &self,
        draft: &crate::Draft,
        account: &crate::Account,
    ) -> std::result::Result<(), Misfit> {
        let images = self.attachments(&draft.id).unwrap_or_default();
        let options = MediaOptions {
            lang: Lang::from_code(&draft.lang),
            instance: self.account_media(&account.id).ok().flatten(),
            link_card: false,
        };
        podium_core::media::fit(account.network, &images, &options)
    }

    /// The image figures the editor checks a draft's Mastodon version against: of the Mastodon
    /// accounts here, the instance that takes the fewest images (a draft may go to any of them;
    /// publishing checks each against its own). `None` when no instance's figures were read.
    pub fn strictest_instance_media(&self) -> Result<Option<InstanceMedia>> {
        let mut strictest: Option<InstanceMedia> = None;
        for account in self.accounts()? {
            if account.network != podium_core::network::Network::Mastodon {
                continue;
            }
            let Some(media) = self.account_media(&account.id)? else {
                continue;
            };
            let fewer = match (
                media.max_images,
                strictest.as_ref().and_then(|m| m.max_images),
            ) {
                (Some(n), Some(k)) => n < k,
                (Some(_), None) => true,
                (None, _) => strictest.is_none(),
            };
            if fewer {
                strictest = Some(media);
            }
        }
        Ok(strictest)
    }

    /// A Mastodon instance's image figures, as last read (`None`: never read).
    pub fn account_media(&self, account_id: &str) -> Result<Option<InstanceMedia>> {
        let to_u64 = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
        Ok(self
            .conn
            .query_row(
                "SELECT max_images, image_bytes, image_pixels FROM account_media
                 WHERE account_id = ?1",
                [account_id],
                |r| {
                    Ok(InstanceMedia {
                        max_images: to_u64(r.get(0)?).and_then(|n| usize::try_from(n).ok()),
                        image_bytes: to_u64(r.get(1)?),
                        image_pixels: to_u64(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// Records a Mastodon instance's image figures (read with its post limit).
    pub fn set_account_media(&mut self, account_id: &str, media: &InstanceMedia) -> Result<()> {
        let to_i64 = |v: Option<u64>| v.and_then(|n| i64::try_from(n).ok());
        self.conn.execute(
            "INSERT INTO account_media (account_id, max_images, image_bytes, image_pixels)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id) DO UPDATE SET max_images = ?2, image_bytes = ?3,
                 image_pixels = ?4",
            params![
                account_id,
                to_i64(media.max_images.map(|n| n as u64)),
                to_i64(media.image_bytes),
                to_i64(media.image_pixels)
            ],
        )?;
        Ok(())
    }
}

/// Inserts an export's attachment rows that are not here yet (by id), in the import's
/// transaction.
pub(crate) fn import_attachments(
    conn: &Connection,
    (device, clock, now_ms): (&str, &mut podium_core::clock::Clock, u64),
    rows: &[ExportedAttachment],
    now: &str,
) -> Result<usize> {
    let mut added = 0;
    for row in rows {
        let a = &row.attachment;
        // Logged for sync like an attach here: the team's other devices get the row (and fetch
        // the image from the hub, where the next sync round puts it).
        let before = crate::public::snapshot(conn, device, "attachment", &a.id)?;
        added += conn.execute(
            "INSERT OR IGNORE INTO attachments
                 (id, draft_id, position, sha256, mime, width, height, bytes, alt, created_at,
                  updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                a.id,
                row.draft_id,
                row.position,
                a.sha256,
                a.mime,
                a.width,
                a.height,
                i64::try_from(a.bytes).unwrap_or(i64::MAX),
                a.alt,
                now
            ],
        )?;
        crate::public::log_since(conn, device, clock, now_ms, "attachment", &a.id, before)?;
    }
    Ok(added)
}

/// Where the stored image `sha256` of the database at `db` is (`None` in memory or for a name
/// that is no SHA-256).
pub(crate) fn media_file(db: Option<&Path>, sha256: &str) -> Option<PathBuf> {
    is_sha256(sha256).then(|| db.map(|db| Store::media_dir_for(db).join(sha256)))?
}

/// Drops the image rows of drafts emptied from the bin, logged as deletes so the team's other
/// devices drop them too (the files go when nothing else names them: [`Store::collect_media`]
/// after the commit).
pub(crate) fn drop_for_drafts(
    conn: &Connection,
    (device, clock, now_ms): (&str, &mut podium_core::clock::Clock, u64),
    draft_ids: &[String],
) -> Result<()> {
    for id in draft_ids {
        let ids: Vec<String> = {
            let mut stmt = conn.prepare("SELECT id FROM attachments WHERE draft_id = ?1")?;
            let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for attachment in ids {
            let before = crate::public::snapshot(conn, device, "attachment", &attachment)?;
            conn.execute("DELETE FROM attachments WHERE id = ?1", [&attachment])?;
            crate::public::log_since(
                conn,
                device,
                clock,
                now_ms,
                "attachment",
                &attachment,
                before,
            )?;
        }
    }
    Ok(())
}

/// The stored images a database names (none before schema 10).
fn referenced(conn: &Connection) -> Result<BTreeSet<String>> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'attachments'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(BTreeSet::new());
    }
    let mut stmt = conn.prepare("SELECT DISTINCT sha256 FROM attachments")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn renumber(conn: &Connection, draft_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE attachments SET position = (
             SELECT count(*) FROM attachments b
             WHERE b.draft_id = attachments.draft_id
               AND (b.position < attachments.position
                    OR (b.position = attachments.position AND b.id <= attachments.id)))
         WHERE draft_id = ?1",
        [draft_id],
    )?;
    Ok(())
}

fn no_attachment(draft_id: &str, id: &str) -> Error {
    Error::Invalid(format!(
        "draft {draft_id} has no image with id {id} (see `podium drafts show {draft_id}`)"
    ))
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// Whether `bytes` hash to `sha256` (lower-case hex).
pub(crate) fn sha256_matches(bytes: &[u8], sha256: &str) -> bool {
    sha256_hex(bytes) == sha256
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_goes_there_and_back_for_every_length() {
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|k| (k * 37 + 200) as u8).collect();
            let text = base64_encode(&bytes);
            assert_eq!(text.len() % 4, 0);
            assert_eq!(base64_decode(&text), Some(bytes));
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
    }
}
