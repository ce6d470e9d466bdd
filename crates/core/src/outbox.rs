//! The outbox's states and the one rule for each of them: where an entry (one post for one
//! account), each part of it (one post of a thread) and an account's sign-in may go next.
//!
//! The store's guards (`UPDATE … WHERE state IN (…)`), the publisher and the window's buttons
//! all ask these rules; none keeps a copy. A state's code (`queued`, `sending`, …) is what the
//! database, the CLI's JSON and the window see; it is written and read only here.
//!
//! One function says where an entry may go: [`OutboxState::after`], which names the state each
//! [`Step`] leads to from each state. `can_become`, the store's guards and the window's buttons
//! ([`UserActions`]) are read off it.

use serde::{Deserialize, Serialize};

/// A code that names none of a state machine's states.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} is not {what}: use one of {}", .choices.trim_end())]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
    pub choices: &'static str,
}

// ------------------------------------------------------------------------------- entries

/// The states of an outbox entry (one post for one account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting for its time.
    Queued,
    /// Taken by a publisher; its parts and their keys are fixed, nothing sent yet in this
    /// attempt.
    Claimed,
    /// A request may have left: the outcome is settled by the network's idempotency means
    /// before anything is sent again.
    Sending,
    Sent,
    /// Stopped with the network's reason; the user may retry.
    Failed,
    /// The outcome could not be settled: the user decides (never a blind retry).
    Unknown,
    /// Fell due too long ago (the machine slept or was offline), or held before its time
    /// because an edit made it unfit for its network; the user decides.
    Review,
}

coded!(OutboxState, "an outbox state", {
    Queued => "queued",
    Claimed => "claimed",
    Sending => "sending",
    Sent => "sent",
    Failed => "failed",
    Unknown => "unknown",
    Review => "review",
});

/// What happens to an entry: one of the publisher's steps, or one of the user's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The publisher takes a due entry and fixes its parts and their keys.
    Claim,
    /// It fell due longer ago than the grace window: it waits for the user.
    FallBehind,
    /// Its draft was edited so that it no longer fits the network: it waits for the user
    /// before its time, rather than failing when it falls due.
    Hold,
    /// A part's request is about to leave (committed first).
    SendPart,
    /// Every part is on the network (perhaps all were already, from an earlier attempt).
    Finish,
    /// Back to the queue: the keyring is locked, a transient failure is tried again later,
    /// the database refused a step, or the publisher that had it died.
    Requeue,
    /// Stopped with the network's reason.
    Fail,
    /// The outcome could not be settled (a part may have gone out): the user decides.
    LoseTrack,
    /// The user moves it to another time; a failed or late post is queued again.
    Move,
    /// The user sends a failed, late or unclear post again.
    Retry,
    /// The user says an unclear post did go out.
    ConfirmSent,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Step::Claim,
        Step::FallBehind,
        Step::Hold,
        Step::SendPart,
        Step::Finish,
        Step::Requeue,
        Step::Fail,
        Step::LoseTrack,
        Step::Move,
        Step::Retry,
        Step::ConfirmSent,
    ];

    /// The states this step may start from: what the store's guard for it accepts.
    pub fn from_states(self) -> Vec<OutboxState> {
        OutboxState::ALL
            .into_iter()
            .filter(|s| s.after(self).is_some())
            .collect()
    }
}

impl OutboxState {
    /// The transition rule: the state `step` leads to from here, or `None` when it may not
    /// happen now. Every other rule about entries is derived from this one.
    pub fn after(self, step: Step) -> Option<OutboxState> {
        use OutboxState::*;
        let next = match (step, self) {
            (Step::Claim, Queued) => Claimed,
            (Step::FallBehind | Step::Hold, Queued) => Review,
            (Step::SendPart, Claimed | Sending) => Sending,
            (Step::Finish, Claimed | Sending) => Sent,
            (Step::Requeue, Claimed | Sending) => Queued,
            (Step::Fail, Claimed | Sending) => Failed,
            (Step::LoseTrack, Claimed | Sending) => Unknown,
            (Step::Move, Queued | Failed | Review) => Queued,
            (Step::Retry, Failed | Unknown | Review) => Queued,
            (Step::ConfirmSent, Unknown) => Sent,
            _ => return None,
        };
        Some(next)
    }

    /// Whether some step leads from this state to `next`.
    pub fn can_become(self, next: OutboxState) -> bool {
        Step::ALL.iter().any(|&step| self.after(step) == Some(next))
    }

    /// Whether `step` may happen now.
    pub fn allows(self, step: Step) -> bool {
        self.after(step).is_some()
    }

    /// Whether a publisher has it: claimed, or a request may be out. Nothing else may change it
    /// meanwhile (the user, disconnecting the account).
    pub fn is_in_flight(self) -> bool {
        self.allows(Step::SendPart)
    }

    /// Whether the user may still move, edit or cancel the entry (nothing may be in flight,
    /// and it has not gone out).
    pub fn is_settled_for_user(self) -> bool {
        !self.is_in_flight() && self != OutboxState::Sent
    }

    /// Whether it waits for the user's answer: failed, late, or unclear.
    pub fn waits_for_user(self) -> bool {
        self.allows(Step::Retry)
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<OutboxState> {
        s.parse().ok()
    }
}

// ------------------------------------------------------------------------------- parts

/// The states of one part of an entry (a single post is one part; a thread has one per post).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartState {
    /// Not sent (or certainly not arrived).
    Pending,
    /// A request may have left: settled with the network before anything is sent again.
    Sending,
    /// On the network, with its id.
    Sent,
}

coded!(PartState, "a part state", {
    Pending => "pending",
    Sending => "sending",
    Sent => "sent",
});

impl PartState {
    /// The transition rule for parts: a part is sent only from `sending` (its request is
    /// committed before it leaves), goes back to `pending` only when it certainly made nothing
    /// (or the user says so), and once sent stays sent.
    pub fn can_become(self, next: PartState) -> bool {
        use PartState::*;
        matches!(
            (self, next),
            (Pending | Sending, Sending) | (Sending, Sent | Pending)
        )
    }

    /// The states that may become `next`: what the store's guard for that change accepts.
    pub fn that_can_become(next: PartState) -> Vec<PartState> {
        PartState::ALL
            .into_iter()
            .filter(|s| s.can_become(next))
            .collect()
    }
}

// ------------------------------------------------------------------------------- accounts

/// Whether an account's sign-in works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    /// The last request went through.
    #[default]
    Connected,
    /// The network no longer accepts the sign-in: the person connects the account again.
    Reconnect,
    /// The network could not be reached.
    Offline,
}

coded!(AccountStatus, "an account status", {
    Connected => "connected",
    Reconnect => "reconnect",
    Offline => "offline",
});

impl AccountStatus {
    /// The transition rule for accounts: a sign-in the network refused stays refused until the
    /// person signs in again (connecting the account anew, which is not a status change) — a
    /// network that cannot be reached, or a post that went out on another account's behalf,
    /// says nothing about it. Any other change is allowed, and a status may be stated again
    /// with a new reason.
    pub fn can_become(self, next: AccountStatus) -> bool {
        self != AccountStatus::Reconnect || next == AccountStatus::Reconnect
    }

    /// The statuses that may become `next`: what the store's guard for that change accepts.
    pub fn that_can_become(next: AccountStatus) -> Vec<AccountStatus> {
        AccountStatus::ALL
            .into_iter()
            .filter(|s| s.can_become(next))
            .collect()
    }
}

// ------------------------------------------------------------------------------- the user

/// What the user may do with an entry now: the window shows these buttons and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UserActions {
    /// Drag it or pick another time.
    pub movable: bool,
    /// Send it now (a failed, late or unclear post).
    pub retryable: bool,
    /// Say it did go out (an unclear post).
    pub confirmable: bool,
    /// Take it out of the queue (the draft stays).
    pub removable: bool,
}

impl UserActions {
    /// What the user may do with an entry in `state` whose parts are in `parts`.
    pub fn of(state: OutboxState, parts: impl IntoIterator<Item = PartState>) -> UserActions {
        UserActions {
            movable: state.allows(Step::Move),
            retryable: state.allows(Step::Retry),
            confirmable: state.allows(Step::ConfirmSent),
            removable: may_remove(state, parts),
        }
    }
}

/// Whether the user may take an entry out of the queue: nothing is in flight, and no part has
/// gone out (a thread half on the network cannot be taken back from here).
pub fn may_remove(state: OutboxState, parts: impl IntoIterator<Item = PartState>) -> bool {
    state.is_settled_for_user() && parts.into_iter().all(|p| p != PartState::Sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;
    use OutboxState::*;

    fn serde_code<T: Serialize>(value: T) -> String {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => s,
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn every_state_is_stored_and_serialized_by_the_same_code() {
        for s in OutboxState::ALL {
            assert_eq!(serde_code(s), s.as_str());
            assert_eq!(s.as_str().parse::<OutboxState>(), Ok(s));
            assert_eq!(OutboxState::parse(s.as_str()), Some(s));
        }
        for s in PartState::ALL {
            assert_eq!(serde_code(s), s.as_str());
            assert_eq!(s.to_string().parse::<PartState>(), Ok(s));
        }
        for s in AccountStatus::ALL {
            assert_eq!(serde_code(s), s.as_str());
            assert_eq!(s.to_string().parse::<AccountStatus>(), Ok(s));
        }
        let err = "done".parse::<OutboxState>().unwrap_err().to_string();
        assert!(err.contains("queued claimed sending"), "{err}");
    }

    #[test]
    fn the_codes_are_the_ones_the_database_already_holds() {
        // The schema's CHECK constraints (migration 0002) name exactly these.
        fn codes<T: fmt::Display>(all: impl IntoIterator<Item = T>) -> String {
            all.into_iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        assert_eq!(
            codes(OutboxState::ALL),
            "queued,claimed,sending,sent,failed,unknown,review"
        );
        assert_eq!(codes(PartState::ALL), "pending,sending,sent");
        assert_eq!(codes(AccountStatus::ALL), "connected,reconnect,offline");
    }

    #[test]
    fn a_post_is_sent_only_from_sending_claimed_or_the_users_word() {
        let to_sent: Vec<_> = OutboxState::ALL
            .into_iter()
            .filter(|s| s.can_become(Sent))
            .collect();
        // `claimed → sent`: every part had gone out in an earlier attempt.
        assert_eq!(to_sent, [Claimed, Sending, Unknown]);
        assert!(!Queued.can_become(Sent), "a post is sent only via a claim");
        assert_eq!(Unknown.after(Step::ConfirmSent), Some(Sent));
    }

    #[test]
    fn a_sent_post_never_goes_anywhere_again() {
        for next in OutboxState::ALL {
            assert!(!Sent.can_become(next), "sent → {next}");
        }
        for step in Step::ALL {
            assert!(!Sent.allows(step), "{step:?} on a sent post");
        }
    }

    #[test]
    fn outbox_transitions_are_exactly_these() {
        let mut pairs = Vec::new();
        for from in OutboxState::ALL {
            for to in OutboxState::ALL {
                if from.can_become(to) {
                    pairs.push(format!("{from}>{to}"));
                }
            }
        }
        assert_eq!(
            pairs.join(" "),
            "queued>queued queued>claimed queued>review \
             claimed>queued claimed>sending claimed>sent claimed>failed claimed>unknown \
             sending>queued sending>sending sending>sent sending>failed sending>unknown \
             failed>queued unknown>queued unknown>sent review>queued"
        );
    }

    #[test]
    fn nothing_in_flight_is_the_users_to_change() {
        for s in OutboxState::ALL {
            if s.is_in_flight() {
                for step in [Step::Move, Step::Retry, Step::ConfirmSent] {
                    assert!(!s.allows(step), "{step:?} while {s}");
                }
                assert!(!s.is_settled_for_user());
            }
        }
        assert_eq!(Step::Requeue.from_states(), [Claimed, Sending]);
        assert_eq!(Step::Move.from_states(), [Queued, Failed, Review]);
        assert_eq!(Step::Retry.from_states(), [Failed, Unknown, Review]);
    }

    #[test]
    fn an_unclear_post_cannot_be_moved_only_answered() {
        let unclear = UserActions::of(Unknown, [PartState::Sending]);
        assert_eq!(
            unclear,
            UserActions {
                movable: false,
                retryable: true,
                confirmable: true,
                removable: true,
            }
        );
    }

    #[test]
    fn the_window_may_move_queued_failed_and_late_posts_and_nothing_else() {
        let movable: Vec<_> = OutboxState::ALL
            .into_iter()
            .filter(|&s| UserActions::of(s, []).movable)
            .collect();
        assert_eq!(movable, [Queued, Failed, Review]);
        let retryable: Vec<_> = OutboxState::ALL
            .into_iter()
            .filter(|&s| UserActions::of(s, []).retryable)
            .collect();
        assert_eq!(retryable, [Failed, Unknown, Review]);
        let removable: Vec<_> = OutboxState::ALL
            .into_iter()
            .filter(|&s| UserActions::of(s, []).removable)
            .collect();
        assert_eq!(removable, [Queued, Failed, Unknown, Review]);
    }

    #[test]
    fn a_thread_with_a_part_on_the_network_cannot_be_taken_back() {
        let half = [PartState::Sent, PartState::Pending];
        assert!(!UserActions::of(Failed, half).removable);
        assert!(UserActions::of(Failed, half).retryable);
        assert!(UserActions::of(Failed, [PartState::Pending; 2]).removable);
    }

    #[test]
    fn a_part_is_sent_only_from_sending_and_stays_sent() {
        use PartState::*;
        assert_eq!(PartState::that_can_become(Sent), [Sending]);
        assert_eq!(PartState::that_can_become(Sending), [Pending, Sending]);
        assert_eq!(PartState::that_can_become(Pending), [Sending]);
        for next in PartState::ALL {
            assert!(!Sent.can_become(next), "sent → {next}");
        }
    }

    #[test]
    fn a_refused_sign_in_stays_refused_until_the_person_signs_in_again() {
        use AccountStatus::*;
        assert!(!Reconnect.can_become(Offline));
        assert!(!Reconnect.can_become(Connected));
        assert!(
            Reconnect.can_become(Reconnect),
            "a new reason may be recorded"
        );
        assert!(Offline.can_become(Reconnect) && Offline.can_become(Connected));
        assert!(Connected.can_become(Offline) && Connected.can_become(Reconnect));
        assert_eq!(
            AccountStatus::that_can_become(Offline),
            [Connected, Offline]
        );
    }
}
