//! Device tokens and invite secrets: random, handed out once, and kept by the hub only as their
//! SHA-256, so a copy of the hub's database lets no one act as a device or join.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex(&buf)
}

/// A new device token: 256 random bits.
pub fn new_token() -> String {
    random_hex(32)
}

/// A new invite secret: 128 random bits, the 32 hex digits of [`podium_core::sync::InviteCode`].
pub fn new_invite_secret() -> String {
    random_hex(16)
}

/// What the hub stores of a token or a secret.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_never_its_own_hash_and_two_tokens_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a), hash(&a));
    }

    #[test]
    fn an_invite_secret_reads_as_an_invite_code() {
        let secret = new_invite_secret();
        assert!(secret
            .parse::<podium_core::sync::InviteCode>()
            .is_ok_and(|c| c.secret == secret && c.pin.is_none()));
    }
}
