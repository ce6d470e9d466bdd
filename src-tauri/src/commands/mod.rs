//! The commands the editor window calls, by concern. Each is glue: arguments in, a crate
//! call, a result out; errors become the store's user-facing messages.

pub mod accounts;
pub mod approval;
pub mod background;
pub mod backups;
pub mod check;
pub mod drafts;
pub mod images;
pub mod results;
pub mod schedule;
pub mod team;

use podium_core::schedule::{BadSlot, BadTime};
use serde::Serialize;
use serde_json::{json, Value};

/// What a command answers.
pub type Answer<T> = Result<T, CommandError>;

/// A command's error as it crosses to the window: a `kind` the window words in the user's
/// language from `data`, and `message`, the English the crates wrote (for the log, and for the
/// window when it has no words for the kind). The network's own words travel in `data.detail`
/// as they came.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommandError {
    pub kind: &'static str,
    pub data: Value,
    pub message: String,
}

impl CommandError {
    pub fn new(kind: &'static str, data: Value, message: impl Into<String>) -> CommandError {
        CommandError {
            kind,
            data,
            message: message.into(),
        }
    }

    /// Podium itself went wrong (a lock poisoned, a task lost); nothing was changed.
    pub fn internal(what: impl std::fmt::Display) -> CommandError {
        CommandError::new(
            "internal",
            json!({ "detail": what.to_string() }),
            format!("Podium hit an internal error ({what}); nothing was changed"),
        )
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&podium_store::Error> for CommandError {
    fn from(error: &podium_store::Error) -> CommandError {
        use podium_store::Error as E;
        let (kind, data) = match error {
            E::NewerSchema {
                path,
                found,
                supported,
            } => (
                "newer_schema",
                json!({ "path": path, "found": found, "supported": supported }),
            ),
            E::Corrupt {
                path,
                backups,
                detail,
            } => (
                "damaged",
                json!({ "path": path, "backups": backups, "detail": detail }),
            ),
            E::NotPodium { path } => ("not_podium", json!({ "path": path })),
            E::ForeignSchema {
                path,
                backups,
                found,
            } => (
                "altered",
                json!({ "path": path, "backups": backups, "found": found }),
            ),
            E::NoDataDir => ("no_data_dir", Value::Null),
            E::NoDraft(id) => ("no_draft", json!({ "id": id })),
            E::NoAccount(id) => ("no_account", json!({ "id": id })),
            E::NoEntry(id) => ("no_entry", json!({ "id": id })),
            E::NoRevision(id) => ("no_revision", json!({ "id": id })),
            E::Invalid(detail) => ("invalid", json!({ "detail": detail })),
            E::NotAllowed(reason) => ("not_allowed", reason_data(reason)),
            E::DoesNotFit { handle, misfit } => {
                let mut data = json!(misfit);
                data["handle"] = json!(handle);
                ("does_not_fit", data)
            }
            E::NotConnectedHere { handle } => ("not_connected_here", json!({ "handle": handle })),
            E::Import { path, reason } => ("import", json!({ "path": path, "reason": reason })),
            E::Io {
                action,
                path,
                source,
            } => (
                "io",
                json!({ "action": action, "path": path, "detail": source.to_string() }),
            ),
            // SQLite's message says what to do (restore a backup, free some space, …).
            E::Sqlite(_) => ("database", json!({ "detail": error.to_string() })),
            E::Json(e) => ("database", json!({ "detail": e.to_string() })),
        };
        CommandError::new(kind, data, error.to_string())
    }
}

impl From<podium_store::Error> for CommandError {
    fn from(error: podium_store::Error) -> CommandError {
        CommandError::from(&error)
    }
}

impl From<podium_publish::Error> for CommandError {
    fn from(error: podium_publish::Error) -> CommandError {
        use podium_publish::Error as E;
        let (kind, data) = match &error {
            E::Store(e) => return CommandError::from(e),
            // Why, as a code with data the window words (what the network said quoted in it as
            // it came); `detail` its English.
            E::Keyring(reason) => ("keyring", reason_data(reason)),
            E::SignIn(reason) => ("sign_in", reason_data(reason)),
            E::Network(reason) => ("network", reason_data(reason)),
            E::Invalid(detail) => ("invalid", json!({ "detail": detail })),
            E::Busy(path) => ("busy", json!({ "path": path })),
            E::Io {
                action,
                path,
                source,
            } => (
                "io",
                json!({ "action": action, "path": path, "detail": source.to_string() }),
            ),
        };
        CommandError::new(kind, data, error.to_string())
    }
}

/// A reason as a command error's data: `reason` (`{code, data}`) and `detail`, its English.
fn reason_data(reason: &podium_core::reason::Reason) -> Value {
    json!({ "detail": reason.to_string(), "reason": reason })
}

impl From<BadTime> for CommandError {
    fn from(error: BadTime) -> CommandError {
        CommandError::new("bad_time", json!({ "text": error.0 }), error.to_string())
    }
}

impl From<BadSlot> for CommandError {
    fn from(error: BadSlot) -> CommandError {
        CommandError::new("bad_slot", json!({ "text": error.0 }), error.to_string())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_store_error_reaches_the_window_as_a_kind_with_its_data_and_the_english_words() {
        let error = CommandError::from(podium_store::Error::NoDraft("d1".into()));
        let sent = serde_json::to_value(&error).unwrap();
        assert_eq!(sent["kind"], "no_draft");
        assert_eq!(sent["data"]["id"], "d1");
        assert_eq!(sent["message"], "no draft with id d1");
    }

    #[test]
    fn a_network_answer_is_quoted_as_it_came() {
        let said = "Rate limit exceeded (429): try again in 15 minutes";
        let error = CommandError::from(podium_publish::Error::Network(
            podium_core::reason::Reason::Answered {
                network: podium_core::network::Network::Mastodon,
                status: 429,
                detail: said.into(),
            },
        ));
        assert_eq!(error.kind, "network");
        assert_eq!(error.data["reason"]["code"], "answered");
        assert_eq!(error.data["reason"]["data"]["detail"], said);
        assert_eq!(
            error.data["detail"],
            format!("Mastodon answered 429: {said}")
        );
        let store = CommandError::from(podium_publish::Error::Store(
            podium_store::Error::NoAccount("a1".into()),
        ));
        assert_eq!(
            store.kind, "no_account",
            "the store's kind, not a wrapper's"
        );
    }

    /// The UI's words in both languages: `ui/i18n.js`, or `ui/i18n/{en,nb}.js` once split.
    /// The window's words, English then Norwegian (`ui/i18n/{en,nb}.js`: their only home).
    pub(crate) fn ui_words() -> Vec<String> {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/i18n");
        ["en.js", "nb.js"]
            .iter()
            .map(|f| std::fs::read_to_string(ui.join(f)).unwrap())
            .collect()
    }

    #[test]
    fn every_kind_of_error_the_window_can_get_has_words_in_english_and_norwegian() {
        use podium_publish::Error as P;
        use podium_store::Error as S;
        let io = || std::io::Error::other("x");
        let errors = [
            CommandError::from(S::NewerSchema {
                path: "p".into(),
                found: 9,
                supported: 8,
            }),
            S::Corrupt {
                path: "p".into(),
                backups: "b".into(),
                detail: "d".into(),
            }
            .into(),
            S::NotPodium { path: "p".into() }.into(),
            S::ForeignSchema {
                path: "p".into(),
                backups: "b".into(),
                found: "trigger \"t\"".into(),
            }
            .into(),
            S::NoDataDir.into(),
            S::NoDraft("d".into()).into(),
            S::NoAccount("a".into()).into(),
            S::NoEntry("e".into()).into(),
            S::NoRevision("r".into()).into(),
            S::Invalid("i".into()).into(),
            S::NotConnectedHere { handle: "h".into() }.into(),
            S::Import {
                path: "p".into(),
                reason: "r".into(),
            }
            .into(),
            S::Io {
                action: "read",
                path: "p".into(),
                source: io(),
            }
            .into(),
            P::Keyring(podium_core::reason::Reason::KeyringMissing {}).into(),
            P::SignIn(podium_core::reason::Reason::NoRefreshToken {
                network: podium_core::network::Network::X,
            })
            .into(),
            P::Network(podium_core::reason::Reason::NotReached {
                network: podium_core::network::Network::X,
                detail: "n".into(),
            })
            .into(),
            P::Busy("p".into()).into(),
            podium_core::schedule::BadTime("t".into()).into(),
            podium_core::schedule::BadSlot("s".into()).into(),
            CommandError::internal("x"),
        ];
        // SQLite's errors (kind `database`) and the shell's own.
        let shell = [
            "database",
            "text_too_long",
            "no_account_chosen",
            "grace_out_of_range",
            "not_a_web_address",
            "no_browser",
            "not_a_backup",
            "sign_in_not_started",
            // team sync: the rest are in src-tauri/src/team.rs's test
            "join_needs_both",
        ];
        let words = ui_words().join("\n");
        let kinds = errors.iter().map(|e| e.kind).chain(shell);
        for kind in kinds {
            let key = format!("\"error.{kind}\":");
            assert_eq!(
                words.matches(&key).count(),
                2,
                "{key} is worded in English and Norwegian"
            );
        }
    }

    #[test]
    fn a_keyring_error_reaches_the_window_with_its_reason_as_a_code_and_the_keyrings_words() {
        use podium_core::reason::Reason;
        let said = "Kan ikke låse opp samlingen";
        let error = CommandError::from(podium_publish::Error::Keyring(Reason::KeyringLocked {
            detail: said.into(),
        }));
        assert_eq!(error.kind, "keyring");
        assert_eq!(error.data["reason"]["code"], "keyring_locked");
        assert_eq!(
            error.data["reason"]["data"]["detail"], said,
            "quoted as it came"
        );
        assert!(error.data["detail"].as_str().unwrap().contains(said));
    }

    #[test]
    fn a_time_the_window_sent_that_is_not_one_says_so() {
        let error =
            CommandError::from(podium_core::schedule::parse_instant("i morgen").unwrap_err());
        assert_eq!(error.kind, "bad_time");
        assert_eq!(error.data["text"], "i morgen");
    }
}
