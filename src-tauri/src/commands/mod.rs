//! The commands the editor window calls, by concern. Each is glue: arguments in, a crate
//! call, a result out; errors become the store's user-facing messages.

pub mod accounts;
pub mod backups;
pub mod check;
pub mod drafts;
pub mod schedule;
