//! The team's roles, enforced on every pushed change (issue 12): a change its sender may not
//! make is refused as [`podium_core::sync::ErrorCode::Forbidden`] with why, and the device takes
//! back the hub's copy ([`crate::audit::hub_copy`]).
//!
//! The rule of who may decide on a post is `podium_core::approval::may_decide`, the same the
//! devices ask: an assistant never approves or sends back; an executive does on accounts they
//! own or no executive owns. Who owns an account is who pushed its insert (connecting an
//! account makes it yours), read off the hub's log — never off a field a device sent. Names a
//! change carries (who scheduled, approved, commented) must be its sender's own.
//!
//! Pure: a backend looks up the row's log and the account's owner ([`Facts`]) inside the push's
//! transaction and asks [`check`].

use podium_core::approval::{may_decide, Approval, Person};
use podium_core::reason::Reason;
use podium_core::sync::{Change, Op, Role};
use serde_json::Value;

use crate::audit::Logged;

/// An outbox entry's fields only a deciding executive may set (to something other than null).
const DECIDE_FIELDS: &[&str] = &["approved_fp", "approved_by", "approval_note"];

/// The sender of a change, as the hub authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub member_id: String,
    pub name: String,
    pub role: Role,
}

/// What the rules need to know besides the change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The row's accepted changes, oldest first.
    pub row: Vec<Logged>,
    /// For an outbox entry: its account's owner (the member who pushed the account's insert),
    /// if the hub knows it.
    pub owner: Option<(String, Role)>,
}

/// Whether the rules concern `change` at all (then the backend looks up [`Facts`]).
pub fn concerns(change: &Change) -> bool {
    matches!(change.entity.as_str(), "outbox" | "comment" | "account")
}

/// The account an outbox entry is on: its insert's `account_id` (this change's, or the
/// logged one's).
pub fn account_of(change: &Change, row: &[Logged]) -> Option<String> {
    let from = |fields: &serde_json::Map<String, Value>| {
        fields
            .get("account_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    row.iter()
        .find(|l| l.op == Op::Insert)
        .and_then(|l| from(&l.fields))
        .or_else(|| from(&change.fields))
}

/// Who first pushed a row (its owner, for an account; its author, for a comment).
pub fn creator(row: &[Logged]) -> Option<&str> {
    row.iter()
        .find(|l| l.op == Op::Insert)
        .map(|l| l.member_id.as_str())
}

fn forbade(detail: &str) -> Reason {
    Reason::HubForbade {
        detail: detail.to_owned(),
    }
}

fn non_null<'a>(change: &'a Change, field: &str) -> Option<&'a Value> {
    change.fields.get(field).filter(|v| !v.is_null())
}

/// Whether `sender` may make `change`; `Err` says why not.
pub fn check(change: &Change, sender: &Sender, facts: &Facts) -> Result<(), Reason> {
    let name_is_senders = |field: &str| match non_null(change, field) {
        Some(v) if v.as_str() != Some(sender.name.as_str()) => Err(forbade(&format!(
            "{field} must be the sender's own name, {}",
            sender.name
        ))),
        _ => Ok(()),
    };
    match change.entity.as_str() {
        "outbox" => {
            name_is_senders("scheduled_by")?;
            name_is_senders("approved_by")?;
            let first_insert = change.op == Op::Insert && facts.row.is_empty();
            let approval = match change.fields.get("approval").and_then(Value::as_str) {
                Some(code) => Some(
                    code.parse::<Approval>()
                        .map_err(|_| forbade(&format!("{code:?} is not an approval")))?,
                ),
                // An insert without one is approved (the column's default on every device).
                None if first_insert => Some(Approval::Approved),
                None => None,
            };
            let decides = matches!(
                approval,
                Some(Approval::Approved | Approval::ChangesRequested)
            ) || DECIDE_FIELDS.iter().any(|f| non_null(change, f).is_some());
            // A post already published when its device joined the team is history, not a
            // decision.
            let history =
                first_insert && change.fields.get("state").and_then(Value::as_str) == Some("sent");
            if decides && !history {
                let owner = facts
                    .owner
                    .as_ref()
                    .map(|(name, role)| Person { name, role: *role });
                may_decide(
                    Some(Person {
                        name: &sender.name,
                        role: sender.role,
                    }),
                    owner,
                )?;
            }
            Ok(())
        }
        "comment" => {
            name_is_senders("author")?;
            match creator(&facts.row) {
                Some(author) if change.op != Op::Insert && author != sender.member_id => {
                    Err(forbade("only its author may change or delete a comment"))
                }
                _ => Ok(()),
            }
        }
        "account" => {
            let claims =
                non_null(change, "owner").is_some() || non_null(change, "owner_role").is_some();
            if !claims {
                return Ok(());
            }
            let owned = facts
                .row
                .iter()
                .any(|l| l.fields.get("owner").is_some_and(|v| !v.is_null()));
            if owned {
                return Err(forbade("an account's owner does not change"));
            }
            name_is_senders("owner")?;
            match non_null(change, "owner_role") {
                Some(v) if v.as_str() != Some(sender.role.as_str()) => {
                    Err(forbade("owner_role must be the sender's own role"))
                }
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn change(entity: &str, op: Op, fields: Value) -> Change {
        Change {
            entity: entity.into(),
            id: "row-1".into(),
            op,
            hlc: "0000000000001-0000-0000000000000001".into(),
            fields: fields.as_object().cloned().unwrap_or_else(Map::new),
            base: None,
        }
    }

    fn sender(name: &str, role: Role) -> Sender {
        Sender {
            member_id: format!("m-{name}"),
            name: name.into(),
            role,
        }
    }

    fn owned_by(name: &str, role: Role) -> Facts {
        Facts {
            row: vec![Logged {
                cursor: 1,
                hlc: "h".into(),
                entity: "outbox".into(),
                row_id: "row-1".into(),
                op: Op::Insert,
                fields: Map::new(),
                device_id: "d".into(),
                member_id: "m-anne".into(),
                received_at: String::new(),
            }],
            owner: Some((name.into(), role)),
        }
    }

    #[test]
    fn an_assistant_cannot_approve_or_send_back_whatever_its_device_sends() {
        let anne = sender("Anne", Role::Assistant);
        let kari = owned_by("Kari", Role::Executive);
        for fields in [
            json!({"approval": "approved"}),
            json!({"approval": "changes_requested", "approval_note": "no"}),
            json!({"approved_fp": "v1:abc"}),
        ] {
            assert_eq!(
                check(&change("outbox", Op::Update, fields), &anne, &kari),
                Err(Reason::OnlyExecutivesApprove {})
            );
        }
        assert_eq!(
            check(
                &change("outbox", Op::Update, json!({"approval": "awaiting"})),
                &anne,
                &kari
            ),
            Ok(())
        );
        // An insert without an approval is approved on every device: refused from her.
        assert_eq!(
            check(
                &change("outbox", Op::Insert, json!({"state": "queued"})),
                &anne,
                &Facts::default()
            ),
            Err(Reason::OnlyExecutivesApprove {})
        );
        assert_eq!(
            check(
                &change(
                    "outbox",
                    Op::Insert,
                    json!({"approval": "awaiting", "scheduled_by": "Anne"})
                ),
                &anne,
                &Facts::default()
            ),
            Ok(())
        );
    }

    #[test]
    fn an_executive_approves_on_their_own_account_but_not_in_another_leaders_name() {
        let approve = change(
            "outbox",
            Op::Update,
            json!({"approval": "approved", "approved_by": "Ola"}),
        );
        let ola = sender("Ola", Role::Executive);
        assert_eq!(
            check(&approve, &ola, &owned_by("Kari", Role::Executive)),
            Err(Reason::NotYourAccount {
                owner: "Kari".into()
            })
        );
        assert_eq!(
            check(&approve, &ola, &owned_by("Ola", Role::Executive)),
            Ok(())
        );
        assert_eq!(
            check(&approve, &ola, &owned_by("Anne", Role::Assistant)),
            Ok(())
        );
        let forged = change(
            "outbox",
            Op::Update,
            json!({"approval": "approved", "approved_by": "Kari"}),
        );
        assert!(matches!(
            check(&forged, &ola, &owned_by("Ola", Role::Executive)),
            Err(Reason::HubForbade { .. })
        ));
    }

    #[test]
    fn a_comment_is_written_and_changed_only_in_its_authors_name() {
        let anne = sender("Anne", Role::Assistant);
        assert_eq!(
            check(
                &change("comment", Op::Insert, json!({"author": "Anne"})),
                &anne,
                &Facts::default()
            ),
            Ok(())
        );
        assert!(check(
            &change("comment", Op::Insert, json!({"author": "Kari"})),
            &anne,
            &Facts::default()
        )
        .is_err());
        let kari = sender("Kari", Role::Executive);
        assert!(check(
            &change("comment", Op::Delete, json!({"deleted": true})),
            &kari,
            &owned_by("x", Role::Assistant)
        )
        .is_err());
    }
}
