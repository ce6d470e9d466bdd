//! Bluesky record keys: TIDs ("timestamp identifiers", atproto spec `record-key` / `tid`).
//! 64 bits — a zero top bit, 53 bits of microseconds since the Unix epoch, 10 bits of clock id
//! — written as 13 characters of base32-sortable (`234567abcdefghijklmnopqrstuvwxyz`).
//! Podium picks a post's TID *before* sending it, which is what lets a crash be settled.

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The TID for `micros` since the epoch and a 10-bit `clock_id`.
pub fn encode(micros: u64, clock_id: u16) -> String {
    let value = ((micros & ((1 << 53) - 1)) << 10) | u64::from(clock_id & 0x3ff);
    (0..13)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// A fresh TID for now, with a random clock id (two devices picking in the same microsecond
/// still differ).
pub fn now() -> String {
    let micros = u64::try_from(chrono::Utc::now().timestamp_micros()).unwrap_or(0);
    encode(micros, rand::random::<u16>() & 0x3ff)
}

/// Whether `s` is a syntactically valid TID.
pub fn is_valid(s: &str) -> bool {
    s.len() == 13
        && s.bytes().all(|b| ALPHABET.contains(&b))
        && matches!(s.as_bytes()[0], b'2'..=b'7' | b'a'..=b'j')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tids_have_the_spec_shape_and_sort_by_time() {
        // From the atproto spec's examples of valid TIDs: 13 characters, first in 2-7/a-j.
        assert!(is_valid("3jzfcijpj2z2a"));
        assert!(!is_valid("3jzfcijpj2z21")); // '1' is not in the alphabet
        assert!(!is_valid("zzzzzzzzzzzzz")); // top bit set
        assert_eq!(encode(0, 0), "2222222222222");
        let a = encode(1_700_000_000_000_000, 5);
        let b = encode(1_700_000_000_000_001, 0);
        assert!(is_valid(&a) && is_valid(&b));
        assert!(a < b, "later TIDs sort after earlier ones");
        assert!(is_valid(&now()));
    }
}
