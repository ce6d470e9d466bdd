//! Code point range tables (generated from the reference implementations) and lookups in them.

/// Whether `cp` lies in one of the sorted, non-overlapping, inclusive `table` ranges.
pub(crate) fn in_table(table: &[(u32, u32)], cp: u32) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}
