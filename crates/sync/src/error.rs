use podium_core::sync::ErrorCode;

/// Why syncing did not happen, worded for the person in front of the device.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this device has not joined a team: join one with the hub's address and an invite code (podium team join URL CODE)")]
    NotJoined,
    /// No connection to the hub: normal when offline; the changes wait and sync later.
    #[error("the hub at {hub} cannot be reached ({why}); your changes are kept here and sync when it is back")]
    Unreachable { hub: String, why: String },
    #[error("the hub speaks a newer protocol than this Podium: update Podium, then sync again (nothing was changed)")]
    UpdateRequired,
    #[error("this device was removed from the team (its access was revoked): ask an executive of the team for a new invite code to join again; your drafts stay on this computer")]
    Revoked,
    #[error("the hub refused the invite code: it is unknown, already used or older than 7 days — ask for a new one (podium-hub invite)")]
    BadCode,
    /// This device's clock is too far ahead of the hub's; its changes wait until it is right.
    #[error("this computer's clock is {} ahead of the hub's: set the date and time right (automatic time); your changes wait here until then", ahead_words(*ahead_ms))]
    ClockAhead { ahead_ms: u64 },
    #[error("the hub refused: {message}")]
    Hub { code: ErrorCode, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] podium_store::Error),
    #[error("{0}")]
    Keyring(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn ahead_words(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0..=119 => format!("{minutes} minutes"),
        120..=2_879 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / 1_440),
    }
}

impl Error {
    /// A short code for the app and `--json` output (`unreachable`, `revoked`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotJoined => "not_joined",
            Error::Unreachable { .. } => "unreachable",
            Error::UpdateRequired => "update_required",
            Error::Revoked => "revoked",
            Error::BadCode => "bad_code",
            Error::ClockAhead { .. } => "clock_ahead",
            Error::Hub { .. } => "hub",
            Error::Invalid(_) => "invalid",
            Error::Store(_) => "store",
            Error::Keyring(_) => "keyring",
        }
    }
}
