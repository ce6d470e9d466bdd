//! The hub's load benchmark (filled in below).
fn main() {}
