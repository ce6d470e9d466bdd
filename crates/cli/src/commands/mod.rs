//! One file per subcommand: its arguments, its run function, and the helpers that belong to
//! its concept (an account lookup lives with `accounts`, how a pass is reported with `publish`).
//! Each calls the crates exactly as the app does and only parses, calls and presents.

pub mod accounts;
pub mod backups;
pub mod check;
pub mod drafts;
pub mod goals;
pub mod import;
pub mod publish;
pub mod queue;
pub mod results;
pub mod schedule;
pub mod scheduler;
pub mod team;
