//! Podium's domain types and pure rules.
//!
//! Everything a leader relies on being *right* lives here: how each network counts a post,
//! which hashtags and links it will turn into links, how a long text splits into a thread,
//! when a time slot falls in a given time zone. This crate does no I/O at all — no files, no
//! network, no clock reads — so every rule is testable with plain `cargo test` and the same
//! answer comes out of the desktop app, the CLI and the publisher.

/// A fieldless enum written as a code: `ALL`, `as_str`, `Display` and `FromStr` from one list.
/// (Serde is derived beside it with the same codes; a test pins that the two agree.)
macro_rules! coded {
    ($ty:ident, $what:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: [$ty; [$($code),+].len()] = [$($ty::$variant),+];

            /// The code, as stored and serialized.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::outbox::UnknownCode;

            fn from_str(s: &str) -> Result<$ty, $crate::outbox::UnknownCode> {
                match s {
                    $($code => Ok($ty::$variant),)+
                    _ => Err($crate::outbox::UnknownCode {
                        what: $what,
                        code: s.to_owned(),
                        choices: concat!($($code, " "),+),
                    }),
                }
            }
        }
    };
}

pub mod approval;
pub mod card;
pub mod clock;
pub mod diff;
pub mod draft;
pub mod fit;
pub mod goals;
pub mod language;
pub mod lease;
pub mod media;
pub mod merge;
pub mod network;
pub mod notice;
pub mod outbox;
pub mod reason;
pub mod results;
pub mod schedule;
pub mod snippet;
pub mod sync;
pub mod text;
pub mod wait;
