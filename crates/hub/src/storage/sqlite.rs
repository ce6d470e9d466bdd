//! The SQLite backend: one file, WAL, synchronous FULL, one connection behind a mutex (SQLite has one writer
//! anyway, and a push is a few small statements). Blocking calls run on tokio's blocking pool.
//!
//! `podium-hub invite` may open the same file while `serve` runs: WAL lets it read while the
//! server writes, and the busy timeout lets it wait its turn to write.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use podium_core::sync::{AuditEvent, Change, Device, Member, Pulled, PushResult, PushStatus, Role};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    check_name, fields_of, new_id, op_of, op_str, result, rfc3339, role_of, Auth, Authed,
    DeviceRecord, Invited, Joined, Page, Storage, INVITE_LIFETIME_MS, LAST_SEEN_EVERY_MS,
};
use crate::audit::{Logged, Names};
use crate::roles;
use crate::rules::{judge, touches_text, TextHead, Verdict};
use crate::{Error, Result};

mod blobs;
mod leases;

/// The migrations, oldest first: (version, SQL). Append only.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_hub.sql")),
    (2, include_str!("../../migrations/sqlite/0002_audit.sql")),
    (3, include_str!("../../migrations/sqlite/0003_leases.sql")),
    (4, include_str!("../../migrations/sqlite/0004_blobs.sql")),
];

#[derive(Debug, Clone)]
pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl SqliteStorage {
    /// Opens (creating it and its folder if needed) and migrates the hub's database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|why| Error::DataFolder {
                path: dir.to_owned(),
                why,
            })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL, not the app's NORMAL: "accepted" tells a device its change is on the team's log
        // for good, so it must survive a power cut, not only a crash of the hub.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(SqliteStorage {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn with<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| Error::Worker("the database connection was poisoned".into()))?;
            f(&mut guard)
        })
        .await?
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    // IMMEDIATE: two processes starting at once on a new file take turns.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let current: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > known {
        return Err(Error::SchemaTooNew {
            found: current,
            known,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, rfc3339(super::now_ms())],
        )?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('workspace', ?1) ON CONFLICT DO NOTHING",
        [new_id()],
    )?;
    tx.commit()?;
    Ok(())
}

fn member_with_devices(conn: &Connection, id: &str) -> Result<Option<Member>> {
    let row = conn
        .query_row("SELECT name, role FROM members WHERE id = ?1", [id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    let Some((name, role)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, joined_at, last_seen_ms FROM devices
         WHERE member_id = ?1 AND revoked_at IS NULL ORDER BY joined_at, id",
    )?;
    let devices = stmt
        .query_map([id], |r| {
            Ok(Device {
                id: r.get(0)?,
                name: r.get(1)?,
                joined_at: r.get(2)?,
                last_seen: r.get::<_, Option<i64>>(3)?.map(|ms| rfc3339(ms as u64)),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Member {
        id: id.to_owned(),
        name,
        role: role_of(&role)?,
        devices,
    }))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Storage for SqliteStorage {
    async fn workspace(&self) -> Result<String> {
        self.with(|conn| {
            Ok(
                conn.query_row("SELECT value FROM meta WHERE key = 'workspace'", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .await
    }

    async fn invite(&self, name: &str, role: Role, now_ms: u64) -> Result<Invited> {
        let name = check_name(name)?;
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let existing: Option<(String, String)> = tx
                .query_row(
                    "SELECT id, role FROM members WHERE name = ?1",
                    [&name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let member_id = match existing {
                Some((id, r)) if r == role.as_str() => id,
                Some((_, r)) => return Err(Error::RoleMismatch { name, role: r }),
                None => {
                    let id = new_id();
                    tx.execute(
                        "INSERT INTO members (id, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![id, name, role.as_str(), rfc3339(now_ms)],
                    )?;
                    id
                }
            };
            let secret = crate::secret::new_invite_secret();
            let expires_at_ms = now_ms + INVITE_LIFETIME_MS;
            tx.execute(
                "INSERT INTO invites (secret_hash, member_id, created_at, expires_at_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    crate::secret::hash(&secret),
                    member_id,
                    rfc3339(now_ms),
                    to_i64(expires_at_ms)
                ],
            )?;
            tx.commit()?;
            Ok(Invited {
                member_id,
                secret,
                expires_at_ms,
            })
        })
        .await
    }

    async fn join(
        &self,
        secret_hash: &str,
        device_name: &str,
        token_hash: &str,
        now_ms: u64,
    ) -> Result<Option<Joined>> {
        let (secret_hash, device_name, token_hash) = (
            secret_hash.to_owned(),
            device_name.to_owned(),
            token_hash.to_owned(),
        );
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let device_id = new_id();
            let member_id: Option<String> = tx
                .query_row(
                    "UPDATE invites SET used_at = ?2, device_id = ?3
                     WHERE secret_hash = ?1 AND used_at IS NULL AND expires_at_ms > ?4
                     RETURNING member_id",
                    params![secret_hash, rfc3339(now_ms), device_id, to_i64(now_ms)],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(member_id) = member_id else {
                return Ok(None);
            };
            tx.execute(
                "INSERT INTO devices (id, member_id, name, token_hash, joined_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    device_id,
                    member_id,
                    device_name,
                    token_hash,
                    rfc3339(now_ms)
                ],
            )?;
            let member = member_with_devices(&tx, &member_id)?
                .ok_or_else(|| Error::Corrupt(format!("no member {member_id}")))?;
            tx.commit()?;
            Ok(Some(Joined { device_id, member }))
        })
        .await
    }

    async fn authenticate(&self, token_hash: &str, now_ms: u64) -> Result<Auth> {
        let token_hash = token_hash.to_owned();
        self.with(move |conn| {
            let row = conn
                .query_row(
                    "SELECT d.id, d.member_id, m.role, d.revoked_at IS NOT NULL, d.last_seen_ms
                     FROM devices d JOIN members m ON m.id = d.member_id
                     WHERE d.token_hash = ?1",
                    [&token_hash],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, bool>(3)?,
                            r.get::<_, Option<i64>>(4)?,
                        ))
                    },
                )
                .optional()?;
            let Some((device_id, member_id, role, revoked, last_seen)) = row else {
                return Ok(Auth::Unknown);
            };
            if revoked {
                return Ok(Auth::Revoked);
            }
            if last_seen.is_none_or(|t| to_i64(now_ms) - t >= to_i64(LAST_SEEN_EVERY_MS)) {
                conn.execute(
                    "UPDATE devices SET last_seen_ms = ?2 WHERE id = ?1",
                    params![device_id, to_i64(now_ms)],
                )?;
            }
            Ok(Auth::Device(Authed {
                device_id,
                member_id,
                role: role_of(&role)?,
            }))
        })
        .await
    }

    async fn push(
        &self,
        device: &Authed,
        changes: &[Change],
        now_ms: u64,
    ) -> Result<Vec<PushResult>> {
        let device = device.clone();
        let changes = changes.to_vec();
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut next: u64 = tx.query_row(
                "SELECT coalesce(max(cursor), 0) + 1 FROM changes",
                [],
                |r| r.get::<_, i64>(0),
            )? as u64;
            let received_at = rfc3339(now_ms);
            let mut results = Vec::with_capacity(changes.len());
            for change in &changes {
                let seen = tx
                    .prepare_cached("SELECT 1 FROM changes WHERE hlc = ?1")?
                    .exists([&change.hlc])?;
                let head = if !seen && touches_text(change) {
                    tx.prepare_cached(
                        "SELECT cursor, device_id FROM text_heads WHERE entity = ?1 AND row_id = ?2",
                    )?
                    .query_row([&change.entity, &change.id], |r| {
                        Ok(TextHead {
                            cursor: r.get::<_, i64>(0)? as u64,
                            device_id: r.get(1)?,
                        })
                    })
                    .optional()?
                } else {
                    None
                };
                let verdict = judge(change, now_ms, seen, head.as_ref(), &device.device_id);
                if matches!(verdict, Verdict::Accept { .. }) && roles::concerns(change) {
                    if let Some(refused) = role_refusal(&tx, &device, change)? {
                        results.push(refused);
                        continue;
                    }
                }
                results.push(match verdict {
                    Verdict::Accept { text } => {
                        let cursor = next;
                        next += 1;
                        let fields = serde_json::to_string(&change.fields)
                            .map_err(|e| Error::Corrupt(e.to_string()))?;
                        tx.prepare_cached(
                            "INSERT INTO changes (cursor, hlc, entity, row_id, op, fields, base,
                                                  device_id, member_id, received_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        )?
                        .execute(params![
                            to_i64(cursor),
                            change.hlc,
                            change.entity,
                            change.id,
                            op_str(change.op),
                            fields,
                            change.base.map(to_i64),
                            device.device_id,
                            device.member_id,
                            received_at
                        ])?;
                        if text {
                            tx.prepare_cached(
                                "INSERT INTO text_heads (entity, row_id, cursor, device_id)
                                 VALUES (?1, ?2, ?3, ?4)
                                 ON CONFLICT (entity, row_id)
                                 DO UPDATE SET cursor = excluded.cursor, device_id = excluded.device_id",
                            )?
                            .execute(params![
                                change.entity,
                                change.id,
                                to_i64(cursor),
                                device.device_id
                            ])?;
                        }
                        result(change, PushStatus::Accepted, Some(cursor), None)
                    }
                    Verdict::Duplicate => result(change, PushStatus::Duplicate, None, None),
                    Verdict::Stale => result(change, PushStatus::Stale, None, None),
                    Verdict::Refused { code, message } => {
                        result(change, PushStatus::Refused, None, Some((code, message)))
                    }
                });
            }
            tx.commit()?;
            Ok(results)
        })
        .await
    }

    async fn pull(&self, after: u64, limit: usize) -> Result<Page> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT cursor, hlc, entity, row_id, op, fields, base, device_id, member_id
                 FROM changes WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![to_i64(after), to_i64(limit as u64 + 1)], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let more = rows.len() > limit;
            let changes = rows
                .into_iter()
                .take(limit)
                .map(
                    |(cursor, hlc, entity, id, op, fields, base, device_id, member_id)| {
                        Ok(Pulled {
                            cursor: cursor as u64,
                            device_id,
                            member_id,
                            change: Change {
                                entity,
                                id,
                                op: op_of(&op)?,
                                hlc,
                                fields: fields_of(&fields)?,
                                base: base.map(|b| b as u64),
                            },
                        })
                    },
                )
                .collect::<Result<Vec<_>>>()?;
            Ok(Page { changes, more })
        })
        .await
    }

    async fn head(&self) -> Result<u64> {
        self.with(|conn| {
            Ok(
                conn.query_row("SELECT coalesce(max(cursor), 0) FROM changes", [], |r| {
                    r.get::<_, i64>(0)
                })? as u64,
            )
        })
        .await
    }

    async fn members(&self) -> Result<Vec<Member>> {
        self.with(|conn| {
            let ids = conn
                .prepare_cached("SELECT id FROM members ORDER BY created_at, id")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut members = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(m) = member_with_devices(conn, &id)? {
                    members.push(m);
                }
            }
            Ok(members)
        })
        .await
    }

    async fn device(&self, id: &str) -> Result<Option<DeviceRecord>> {
        let id = id.to_owned();
        self.with(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT member_id, revoked_at IS NOT NULL FROM devices WHERE id = ?1",
                    [&id],
                    |r| {
                        Ok(DeviceRecord {
                            id: id.clone(),
                            member_id: r.get(0)?,
                            revoked: r.get(1)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    async fn pin(&self) -> Result<Option<String>> {
        self.with(|conn| {
            Ok(conn
                .query_row("SELECT value FROM meta WHERE key = 'tls_pin'", [], |r| {
                    r.get(0)
                })
                .optional()?)
        })
        .await
    }

    async fn set_pin(&self, pin: Option<&str>) -> Result<()> {
        let pin = pin.map(str::to_owned);
        self.with(move |conn| {
            match pin {
                Some(pin) => conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('tls_pin', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [pin],
                )?,
                None => conn.execute("DELETE FROM meta WHERE key = 'tls_pin'", [])?,
            };
            Ok(())
        })
        .await
    }

    async fn audit(&self, entry: Option<&str>) -> Result<Vec<AuditEvent>> {
        let entry = entry.map(str::to_owned);
        self.with(move |conn| audit_trail(conn, entry.as_deref()))
            .await
    }

    async fn revoke(&self, device_id: &str, now_ms: u64) -> Result<bool> {
        let device_id = device_id.to_owned();
        self.with(move |conn| {
            let known = conn.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
                params![device_id, rfc3339(now_ms)],
            )?;
            Ok(known == 1)
        })
        .await
    }
}

// ------------------------------------------------------- roles and the audit trail (issue 12)

const LOGGED: &str =
    "SELECT cursor, hlc, entity, row_id, op, fields, device_id, member_id, received_at FROM changes";

/// The logged changes `sql` (a `WHERE … ORDER BY` after [`LOGGED`]) selects.
fn logged(conn: &Connection, sql: &str, args: &[&str]) -> Result<Vec<Logged>> {
    let mut stmt = conn.prepare_cached(&format!("{LOGGED} {sql}"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(cursor, hlc, entity, row_id, op, fields, device_id, member_id, received_at)| {
                Ok(Logged {
                    cursor: cursor as u64,
                    hlc,
                    entity,
                    row_id,
                    op: op_of(&op)?,
                    fields: fields_of(&fields)?,
                    device_id,
                    member_id,
                    received_at,
                })
            },
        )
        .collect()
}

/// One row's accepted changes, oldest first.
fn row_log(conn: &Connection, entity: &str, row_id: &str) -> Result<Vec<Logged>> {
    logged(
        conn,
        "WHERE entity = ?1 AND row_id = ?2 ORDER BY cursor",
        &[entity, row_id],
    )
}

fn member_of(conn: &Connection, member_id: &str) -> Result<Option<(String, Role)>> {
    let row = conn
        .prepare_cached("SELECT name, role FROM members WHERE id = ?1")?
        .query_row([member_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    row.map(|(name, role)| Ok((name, role_of(&role)?)))
        .transpose()
}

/// The refusal of `change` when its sender's role does not allow it (`None`: allowed).
fn role_refusal(conn: &Connection, device: &Authed, change: &Change) -> Result<Option<PushResult>> {
    let (name, role) = member_of(conn, &device.member_id)?
        .ok_or_else(|| Error::Corrupt(format!("no member {}", device.member_id)))?;
    let sender = roles::Sender {
        member_id: device.member_id.clone(),
        name,
        role,
    };
    let row = row_log(conn, &change.entity, &change.id)?;
    let owner = match roles::account_of(change, &row).filter(|_| change.entity == "outbox") {
        Some(account) => match roles::creator(&row_log(conn, "account", &account)?) {
            Some(member) => member_of(conn, member)?,
            None => None,
        },
        None => None,
    };
    let facts = roles::Facts { row, owner };
    Ok(roles::check(change, &sender, &facts).err().map(|why| {
        super::forbidden(
            change,
            &why,
            crate::audit::hub_copy(&facts.row, &change.fields),
        )
    }))
}

fn names(conn: &Connection) -> Result<Names> {
    let pairs = |sql: &str| -> Result<std::collections::HashMap<String, String>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    };
    Ok(Names {
        members: pairs("SELECT id, name FROM members")?,
        devices: pairs("SELECT id, name FROM devices")?,
    })
}

/// The audit trail of one outbox entry and its draft, or of everything.
fn audit_trail(conn: &Connection, entry: Option<&str>) -> Result<Vec<AuditEvent>> {
    let names = names(conn)?;
    let mut drafts = std::collections::HashMap::new();
    let log = match entry {
        Some(entry) => {
            let mut log = row_log(conn, "outbox", entry)?;
            let draft = log
                .iter()
                .find_map(|l| l.fields.get("draft_id").and_then(|v| v.as_str()))
                .map(str::to_owned);
            if let Some(draft) = draft {
                log.extend(row_log(conn, "draft", &draft)?);
                log.extend(logged(
                    conn,
                    "WHERE entity = 'comment' AND json_extract(fields, '$.draft_id') = ?1
                     ORDER BY cursor",
                    &[&draft],
                )?);
                drafts.insert(entry.to_owned(), draft);
            }
            log.sort_by_key(|l| l.cursor);
            log
        }
        None => logged(
            conn,
            "WHERE entity IN ('draft', 'outbox', 'comment') ORDER BY cursor",
            &[],
        )?,
    };
    Ok(crate::audit::events(&log, &names, &drafts))
}
