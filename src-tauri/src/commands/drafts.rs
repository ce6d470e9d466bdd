//! The drafts: list, open, create, change, delete, goals and revisions.

use podium_core::diff::Part;
use podium_core::snippet::{snippet, SnippetPart};
use podium_core::text::check::Network;
use podium_store::{Draft, DraftPatch, DraftSummary, Filter, NewDraft, Revision};
use serde::Serialize;
use tauri::State;

use crate::drafts::Drafts;
use crate::sync::Syncing;

use super::Answer;

/// A draft as the list shows it: the first line and a short excerpt, not the whole text.
#[derive(Debug, Serialize)]
pub struct ListItem {
    id: String,
    title: String,
    excerpt: String,
    state: podium_core::draft::DraftState,
    goal: Option<String>,
    tags: Vec<String>,
    networks: Vec<Network>,
    updated_at: chrono::DateTime<chrono::Utc>,
    /// In search results: why the draft matched (empty when the hit is a tag or the goal).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    snippet: Vec<SnippetPart>,
    /// The draft this one is a conflict copy of (null for any other draft).
    conflict_of: Option<String>,
}

/// The list's second line: the draft's second line, shortened as a title is.
fn excerpt(text: &str) -> String {
    let rest = text.trim().split_once('\n').map_or("", |(_, rest)| rest);
    podium_core::draft::title(rest, 90)
}

impl From<DraftSummary> for ListItem {
    fn from(d: DraftSummary) -> ListItem {
        ListItem {
            excerpt: excerpt(&d.text),
            id: d.id,
            title: d.title,
            state: d.state,
            goal: d.goal,
            tags: d.tags,
            networks: d.networks,
            updated_at: d.updated_at,
            snippet: Vec::new(),
            conflict_of: d.conflict_of,
        }
    }
}

/// A draft as the editor gets it, with the title and excerpt its list row shows (the list's
/// rule lives in Rust only).
#[derive(Debug, Serialize)]
pub struct DraftView {
    #[serde(flatten)]
    draft: Draft,
    title: String,
    excerpt: String,
}

impl From<Draft> for DraftView {
    fn from(draft: Draft) -> DraftView {
        DraftView {
            title: podium_core::draft::title(&draft.text, podium_store::TITLE_CHARS),
            excerpt: excerpt(&draft.text),
            draft,
        }
    }
}

#[tauri::command]
pub fn list_drafts(filter: Filter, drafts: State<'_, Drafts>) -> Answer<Vec<ListItem>> {
    let found = drafts.with(|s| s.list_drafts(&filter))?;
    let query = filter.query.as_deref().unwrap_or_default();
    Ok(found
        .into_iter()
        .map(|d| {
            let snippet = snippet(&d.text, query);
            ListItem {
                snippet,
                ..ListItem::from(d)
            }
        })
        .collect())
}

#[tauri::command]
pub fn get_draft(id: String, drafts: State<'_, Drafts>) -> Answer<DraftView> {
    drafts.with(|s| s.draft(&id)).map(DraftView::from)
}

#[tauri::command]
pub fn create_draft(
    draft: NewDraft,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<DraftView> {
    syncing.after_save(drafts.with(|s| s.create_draft(draft)).map(DraftView::from))
}

/// A text edit made on `base` (the text the editor had loaded), saved over `stored` (the text
/// now in the database): when another device's change arrived in between (a sync round), both
/// edits are kept where they touch different words; where they overlap, the person's own text
/// wins here (the other text stays in the draft's history) and the next round merges it.
fn onto_stored(base: &str, ours: String, stored: &str) -> String {
    if base == stored {
        return ours;
    }
    match podium_core::merge::merge3(base, &ours, stored) {
        podium_core::merge::Merge::Clean(merged) => merged,
        podium_core::merge::Merge::Conflict => ours,
    }
}

/// Saves an edit. `base` is the text the editor's edit started from; when the draft's text
/// changed since (another device's change, synced in), the edit is merged onto it.
#[tauri::command]
pub fn update_draft(
    id: String,
    mut patch: DraftPatch,
    base: Option<String>,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<DraftView> {
    let saved = drafts.with(|s| {
        if let (Some(base), Some(ours)) = (base, patch.text.take()) {
            let stored = s.draft(&id)?.text;
            patch.text = Some(onto_stored(&base, ours, &stored));
        }
        s.update_draft(&id, patch)
    });
    syncing.after_save(saved.map(DraftView::from))
}

#[tauri::command]
pub fn delete_draft(
    id: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<()> {
    syncing.after_save(drafts.with(|s| s.delete_draft(&id)))
}

/// Empties the bin for good; answers how many drafts were in it.
#[tauri::command]
pub fn empty_bin(drafts: State<'_, Drafts>, syncing: State<'_, Syncing>) -> Answer<usize> {
    syncing.after_save(drafts.with(|s| s.empty_bin()))
}

#[tauri::command]
pub fn undelete_draft(
    id: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<DraftView> {
    syncing.after_save(drafts.with(|s| s.undelete_draft(&id)).map(DraftView::from))
}

/// What the list's filters offer: goals, tags with counts, drafts per state.
#[derive(Debug, Serialize)]
pub struct Facets {
    goals: Vec<String>,
    tags: Vec<(String, i64)>,
    states: std::collections::BTreeMap<String, i64>,
    /// Drafts in the bin.
    bin: i64,
}

#[tauri::command]
pub fn draft_facets(drafts: State<'_, Drafts>) -> Answer<Facets> {
    drafts.with(|s| {
        Ok(Facets {
            goals: s.goals()?,
            tags: s.tags()?,
            states: s.count_by_state()?,
            bin: s.bin_size()?,
        })
    })
}

#[tauri::command]
pub fn add_goal(
    name: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Option<String>> {
    syncing.after_save(drafts.with(|s| s.add_goal(&name)))
}

#[tauri::command]
pub fn revisions(id: String, drafts: State<'_, Drafts>) -> Answer<Vec<Revision>> {
    drafts.with(|s| s.revisions(&id))
}

#[tauri::command]
pub fn revision_diff(id: String, drafts: State<'_, Drafts>) -> Answer<Vec<Part>> {
    drafts.with(|s| s.revision_diff(&id))
}

#[tauri::command]
pub fn restore_revision(
    id: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<DraftView> {
    syncing.after_save(
        drafts
            .with(|s| s.restore_revision(&id))
            .map(DraftView::from),
    )
}

#[tauri::command]
pub fn name_revision(
    id: String,
    name: String,
    drafts: State<'_, Drafts>,
    syncing: State<'_, Syncing>,
) -> Answer<Revision> {
    syncing.after_save(drafts.with(|s| s.name_revision(&id, &name)))
}

#[cfg(test)]
mod tests {
    use super::onto_stored;

    #[test]
    fn an_edit_saved_over_a_text_another_device_changed_keeps_both_where_they_differ() {
        let base = "Vi vokser i nord. Takk til alle.";
        let ours = "Vi vokser raskt i nord. Takk til alle.".to_owned();
        let stored = "Vi vokser i nord. Takk til alle i år.";
        assert_eq!(
            onto_stored(base, ours, stored),
            "Vi vokser raskt i nord. Takk til alle i år."
        );
    }

    #[test]
    fn an_edit_over_an_unchanged_text_or_the_same_words_changed_keeps_the_persons_text() {
        let ours = "Vi lanserer i mai.".to_owned();
        assert_eq!(
            onto_stored("Vi lanserer i mars.", ours.clone(), "Vi lanserer i mars."),
            ours
        );
        assert_eq!(
            onto_stored("Vi lanserer i mars.", ours.clone(), "Vi lanserer i april."),
            ours
        );
    }
}
