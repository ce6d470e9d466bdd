//! Reading columns into Podium's types, and writing state codes into SQL: the few conversions
//! the accounts and the outbox share. A state is read from a column by its `FromStr` in
//! `podium-core`, never compared as text here; an `IN (…)` list of states is printed from the
//! states a rule in `podium-core` names, never typed out.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::parse_time;

fn bad_column(i: usize, e: impl Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, Type::Text, e.to_string().into())
}

pub(crate) fn time_col(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    parse_time(&s).map_err(|e| bad_column(i, e))
}

pub(crate) fn opt_time_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| parse_time(&s).map_err(|e| bad_column(i, e)))
        .transpose()
}

/// A column holding a code: a network, a state, a status.
pub(crate) fn code_col<T>(r: &Row<'_>, i: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    let s: String = r.get(i)?;
    s.parse().map_err(|e| bad_column(i, e))
}

/// `'queued', 'failed'`: the states' codes as the inside of an SQL `IN (…)`. The codes are
/// Podium's own constants (lower-case words), never input, so they are safe to print into SQL.
pub(crate) fn codes<T: Display>(states: impl IntoIterator<Item = T>) -> String {
    let list: Vec<String> = states
        .into_iter()
        .map(|s| {
            let code = s.to_string();
            debug_assert!(code.bytes().all(|b| b.is_ascii_lowercase()), "{code}");
            format!("'{code}'")
        })
        .collect();
    if list.is_empty() {
        // `IN ()` is not SQL; `IN (NULL)` matches nothing, as an empty rule means.
        return "NULL".to_owned();
    }
    list.join(", ")
}
