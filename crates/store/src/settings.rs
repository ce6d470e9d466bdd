//! This device's settings, each behind a typed accessor: the code asks for "the grace window"
//! and gets a `Duration`, and the key it is stored under is written once, here.
//!
//! The `settings` table holds text by key; a value that does not read (edited by hand, written
//! by a newer Podium) falls back to the default rather than stopping the publisher.

use std::time::Duration;

use podium_core::schedule;
use rusqlite::{params, OptionalExtension};

use crate::{Result, Store};

/// The setting holding the grace window in seconds.
pub const GRACE_SETTING: &str = "publish.grace_seconds";

/// The setting holding the LinkedIn API version (`YYYYMM`) to send, when the person pins one.
pub const LINKEDIN_VERSION_SETTING: &str = "linkedin.version";

impl Store {
    /// A setting's stored text, by key. Prefer the typed accessors below.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a setting's text, by key. Prefer the typed accessors below.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// How late a post may still go out by itself (default two hours).
    pub fn grace(&self) -> Result<Duration> {
        Ok(self
            .setting(GRACE_SETTING)?
            .and_then(|s| s.parse::<u64>().ok())
            .map_or(schedule::DEFAULT_GRACE, Duration::from_secs))
    }

    /// Sets the grace window (stored in whole seconds).
    pub fn set_grace(&mut self, grace: Duration) -> Result<()> {
        self.set_setting(GRACE_SETTING, &grace.as_secs().to_string())
    }

    /// The LinkedIn API version the person pinned, if any (Podium picks one otherwise).
    pub fn linkedin_version(&self) -> Result<Option<String>> {
        self.setting(LINKEDIN_VERSION_SETTING)
    }
}
