//! The PostgreSQL backend, for a hub on a server: a small connection pool, and nothing kept in
//! memory that another `podium-hub` process on the same database would need.
//!
//! Gap-free cursors: a sequence is not enough (two transactions take 7 and 8, 8 commits first,
//! a reader sees 8 and moves its cursor past 7 for good). Every push takes one advisory
//! transaction lock first and assigns `max + 1` inside it, so pushes commit in cursor order and
//! a reader always sees a prefix of the log. Migrations run under another advisory lock, so two
//! processes starting at once on an empty database take turns.

use std::str::FromStr;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use podium_core::sync::{AuditEvent, Change, Device, Member, Pulled, PushResult, PushStatus, Role};
use tokio_postgres::{AsyncMessage, GenericClient, NoTls};

use super::{
    check_name, fields_of, new_id, op_of, op_str, result, rfc3339, role_of, Auth, Authed,
    DeviceRecord, Invited, Joined, News, Page, Storage, INVITE_LIFETIME_MS, LAST_SEEN_EVERY_MS,
};
use crate::audit::{Logged, Names};
use crate::roles;
use crate::rules::{judge, TextHead, Verdict};
use crate::{Error, Result};

mod blobs;
mod leases;

/// The migrations, oldest first: (version, SQL). Append only.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_hub.sql")),
    (2, include_str!("../../migrations/postgres/0002_audit.sql")),
    (3, include_str!("../../migrations/postgres/0003_leases.sql")),
    (4, include_str!("../../migrations/postgres/0004_blobs.sql")),
];

/// The channel a push notifies as it commits, so waiting pulls in every hub process on the
/// database hear of it at once.
const NOTIFY_CHANNEL: &str = "podium_changes";

/// How long a lost listening connection waits before it connects again.
const LISTEN_RETRY: std::time::Duration = std::time::Duration::from_secs(2);

/// Advisory lock keys (arbitrary, fixed): one for pushes, one for migrations.
const PUSH_LOCK: i64 = 0x706f_6469_756d_0001;
const MIGRATE_LOCK: i64 = 0x706f_6469_756d_0002;

#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
    config: tokio_postgres::Config,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The config holds the password: never print it.
        f.debug_struct("PostgresStorage")
            .field("hosts", &self.config.get_hosts())
            .field("dbname", &self.config.get_dbname())
            .finish()
    }
}

impl PostgresStorage {
    /// Connects to `url` (`postgresql://user:password@host:port/database`, or libpq's
    /// `key=value` form) and migrates the database.
    pub async fn open(url: &str) -> Result<PostgresStorage> {
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| Error::PostgresPool(format!("the address does not read: {e}")))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|e| Error::PostgresPool(e.to_string()))?;
        let storage = PostgresStorage { pool, config };
        storage.migrate().await?;
        Ok(storage)
    }

    /// The connection settings, for a listener of its own.
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    async fn migrate(&self) -> Result<()> {
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|e| Error::PostgresPool(with_causes(&e)))?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .await?;
        let current: i64 = tx
            .query_one(
                "SELECT coalesce(max(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )
            .await?
            .get(0);
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(Error::SchemaTooNew {
                found: current,
                known,
            });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[version, &rfc3339(super::now_ms())],
            )
            .await?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('workspace', $1) ON CONFLICT DO NOTHING",
            &[&new_id()],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An error and its causes on one line ("error connecting to server: Connection refused").
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn member_with_devices<C: GenericClient + Sync>(
    client: &C,
    id: &str,
) -> Result<Option<Member>> {
    let Some(row) = client
        .query_opt("SELECT name, role FROM members WHERE id = $1", &[&id])
        .await?
    else {
        return Ok(None);
    };
    let role: String = row.get(1);
    let devices = client
        .query(
            "SELECT id, name, joined_at, last_seen_ms FROM devices
             WHERE member_id = $1 AND revoked_at IS NULL ORDER BY joined_at, id",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| Device {
            id: r.get(0),
            name: r.get(1),
            joined_at: r.get(2),
            last_seen: r.get::<_, Option<i64>>(3).map(|ms| rfc3339(ms as u64)),
        })
        .collect();
    Ok(Some(Member {
        id: id.to_owned(),
        name: row.get(0),
        role: role_of(&role)?,
        devices,
    }))
}

/// One listening connection: LISTEN, then the head (what was missed before), then every
/// notification, until the connection ends (`Ok(false)`, or the error) or `news` wants no more
/// (`Ok(true)`).
async fn listen_once(
    config: &tokio_postgres::Config,
    news: &News,
) -> Result<bool, tokio_postgres::Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let (heard, mut hear) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if heard.send(n.payload().parse::<u64>().unwrap_or(0)).is_err() {
                        return Ok(());
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))
        .await?;
    let head: i64 = client
        .query_one("SELECT coalesce(max(cursor), 0)::BIGINT FROM changes", &[])
        .await?
        .get(0);
    if !news(head as u64) {
        return Ok(true);
    }
    while let Some(head) = hear.recv().await {
        if !news(head) {
            return Ok(true);
        }
    }
    drop(client);
    match driver.await {
        Ok(Err(e)) => Err(e),
        _ => Ok(false),
    }
}

impl Storage for PostgresStorage {
    async fn workspace(&self) -> Result<String> {
        let client = self.pool.get().await?;
        Ok(client
            .query_one("SELECT value FROM meta WHERE key = 'workspace'", &[])
            .await?
            .get(0))
    }

    async fn invite(&self, name: &str, role: Role, now_ms: u64) -> Result<Invited> {
        let name = check_name(name)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Two invites for one new name at once: the second waits for the first's row.
        tx.execute(
            "INSERT INTO members (id, name, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO NOTHING",
            &[&new_id(), &name, &role.as_str(), &rfc3339(now_ms)],
        )
        .await?;
        let row = tx
            .query_one("SELECT id, role FROM members WHERE name = $1", &[&name])
            .await?;
        let (member_id, existing): (String, String) = (row.get(0), row.get(1));
        if existing != role.as_str() {
            return Err(Error::RoleMismatch {
                name,
                role: existing,
            });
        }
        let secret = crate::secret::new_invite_secret();
        let expires_at_ms = now_ms + INVITE_LIFETIME_MS;
        tx.execute(
            "INSERT INTO invites (secret_hash, member_id, created_at, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
            &[
                &crate::secret::hash(&secret),
                &member_id,
                &rfc3339(now_ms),
                &to_i64(expires_at_ms),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Invited {
            member_id,
            secret,
            expires_at_ms,
        })
    }

    async fn join(
        &self,
        secret_hash: &str,
        device_name: &str,
        token_hash: &str,
        now_ms: u64,
    ) -> Result<Option<Joined>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let device_id = new_id();
        let Some(row) = tx
            .query_opt(
                "UPDATE invites SET used_at = $2, device_id = $3
                 WHERE secret_hash = $1 AND used_at IS NULL AND expires_at_ms > $4
                 RETURNING member_id",
                &[&secret_hash, &rfc3339(now_ms), &device_id, &to_i64(now_ms)],
            )
            .await?
        else {
            return Ok(None);
        };
        let member_id: String = row.get(0);
        tx.execute(
            "INSERT INTO devices (id, member_id, name, token_hash, joined_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &device_id,
                &member_id,
                &device_name,
                &token_hash,
                &rfc3339(now_ms),
            ],
        )
        .await?;
        let member = member_with_devices(&*tx, &member_id)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("no member {member_id}")))?;
        tx.commit().await?;
        Ok(Some(Joined { device_id, member }))
    }

    async fn authenticate(&self, token_hash: &str, now_ms: u64) -> Result<Auth> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT d.id, d.member_id, m.role, d.revoked_at IS NOT NULL, d.last_seen_ms
                 FROM devices d JOIN members m ON m.id = d.member_id
                 WHERE d.token_hash = $1",
            )
            .await?;
        let Some(row) = client.query_opt(&stmt, &[&token_hash]).await? else {
            return Ok(Auth::Unknown);
        };
        if row.get::<_, bool>(3) {
            return Ok(Auth::Revoked);
        }
        let device_id: String = row.get(0);
        let last_seen: Option<i64> = row.get(4);
        if last_seen.is_none_or(|t| to_i64(now_ms) - t >= to_i64(LAST_SEEN_EVERY_MS)) {
            client
                .execute(
                    "UPDATE devices SET last_seen_ms = $2 WHERE id = $1",
                    &[&device_id, &to_i64(now_ms)],
                )
                .await?;
        }
        let role: String = row.get(2);
        Ok(Auth::Device(Authed {
            device_id,
            member_id: row.get(1),
            role: role_of(&role)?,
        }))
    }

    async fn push(
        &self,
        device: &Authed,
        changes: &[Change],
        now_ms: u64,
    ) -> Result<Vec<PushResult>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .await?;
        let mut next: i64 = tx
            .query_one(
                "SELECT (coalesce(max(cursor), 0) + 1)::BIGINT FROM changes",
                &[],
            )
            .await?
            .get(0);
        // One round trip per statement while every other push waits on the lock: whether the
        // stamp was seen and the row's text head come in one query, and a text change's insert
        // moves the head in the same statement.
        let lookup = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE hlc = $1), h.cursor, h.device_id
                 FROM (SELECT 1) AS one
                 LEFT JOIN text_heads h ON h.entity = $2 AND h.row_id = $3",
            )
            .await?;
        const INSERT: &str = "INSERT INTO changes (cursor, hlc, entity, row_id, op, fields, base,
                                                  device_id, member_id, received_at)
                              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        let insert = tx.prepare_cached(INSERT).await?;
        let insert_text = tx
            .prepare_cached(&format!(
                "WITH inserted AS ({INSERT} RETURNING entity, row_id, cursor, device_id)
                 INSERT INTO text_heads (entity, row_id, cursor, device_id)
                 SELECT entity, row_id, cursor, device_id FROM inserted
                 ON CONFLICT (entity, row_id)
                 DO UPDATE SET cursor = excluded.cursor, device_id = excluded.device_id"
            ))
            .await?;
        let received_at = rfc3339(now_ms);
        let mut results = Vec::with_capacity(changes.len());
        let first = next;
        for change in changes {
            let row = tx
                .query_one(&lookup, &[&change.hlc, &change.entity, &change.id])
                .await?;
            let seen: bool = row.get(0);
            let head = match (
                row.get::<_, Option<i64>>(1),
                row.get::<_, Option<String>>(2),
            ) {
                (Some(cursor), Some(device_id)) => Some(TextHead {
                    cursor: cursor as u64,
                    device_id,
                }),
                _ => None,
            };
            let verdict = judge(change, now_ms, seen, head.as_ref(), &device.device_id);
            if matches!(verdict, Verdict::Accept { .. }) && roles::concerns(change) {
                if let Some(refused) = role_refusal(&*tx, device, change).await? {
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
                    let base = change.base.map(to_i64);
                    tx.execute(
                        if text { &insert_text } else { &insert },
                        &[
                            &cursor,
                            &change.hlc,
                            &change.entity,
                            &change.id,
                            &op_str(change.op),
                            &fields,
                            &base,
                            &device.device_id,
                            &device.member_id,
                            &received_at,
                        ],
                    )
                    .await?;
                    result(change, PushStatus::Accepted, Some(cursor as u64), None)
                }
                Verdict::Duplicate => result(change, PushStatus::Duplicate, None, None),
                Verdict::Stale => result(change, PushStatus::Stale, None, None),
                Verdict::Refused { code, message } => {
                    result(change, PushStatus::Refused, None, Some((code, message)))
                }
            });
        }
        if next > first {
            // Delivered at commit, to every hub process listening on this database.
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&NOTIFY_CHANNEL, &(next - 1).to_string()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(results)
    }

    fn listen(&self, news: News) -> bool {
        let config = self.config.clone();
        tokio::spawn(async move {
            loop {
                match listen_once(&config, &news).await {
                    Ok(true) => return,
                    Ok(false) => tracing::warn!(
                        "the connection that hears other hub processes' pushes closed; \
                         opening it again"
                    ),
                    Err(e) => tracing::warn!(
                        "listening for other hub processes' pushes failed ({}); trying again",
                        with_causes(&e)
                    ),
                }
                tokio::time::sleep(LISTEN_RETRY).await;
                if !news(0) {
                    return;
                }
            }
        });
        true
    }

    async fn pull(&self, after: u64, limit: usize) -> Result<Page> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT cursor, hlc, entity, row_id, op, fields, base, device_id, member_id
                 FROM changes WHERE cursor > $1 ORDER BY cursor LIMIT $2",
            )
            .await?;
        let rows = client
            .query(&stmt, &[&to_i64(after), &to_i64(limit as u64 + 1)])
            .await?;
        let more = rows.len() > limit;
        let changes = rows
            .iter()
            .take(limit)
            .map(|r| {
                Ok(Pulled {
                    cursor: r.get::<_, i64>(0) as u64,
                    device_id: r.get(7),
                    member_id: r.get(8),
                    change: Change {
                        entity: r.get(2),
                        id: r.get(3),
                        op: op_of(r.get(4))?,
                        hlc: r.get(1),
                        fields: fields_of(r.get(5))?,
                        base: r.get::<_, Option<i64>>(6).map(|b| b as u64),
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { changes, more })
    }

    async fn head(&self) -> Result<u64> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT coalesce(max(cursor), 0)::BIGINT FROM changes")
            .await?;
        Ok(client.query_one(&stmt, &[]).await?.get::<_, i64>(0) as u64)
    }

    async fn members(&self) -> Result<Vec<Member>> {
        let client = self.pool.get().await?;
        let ids: Vec<String> = client
            .query("SELECT id FROM members ORDER BY created_at, id", &[])
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut members = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = member_with_devices(&**client, &id).await? {
                members.push(m);
            }
        }
        Ok(members)
    }

    async fn device(&self, id: &str) -> Result<Option<DeviceRecord>> {
        let client = self.pool.get().await?;
        Ok(client
            .query_opt(
                "SELECT member_id, revoked_at IS NOT NULL FROM devices WHERE id = $1",
                &[&id],
            )
            .await?
            .map(|r| DeviceRecord {
                id: id.to_owned(),
                member_id: r.get(0),
                revoked: r.get(1),
            }))
    }

    async fn pin(&self) -> Result<Option<String>> {
        let client = self.pool.get().await?;
        Ok(client
            .query_opt("SELECT value FROM meta WHERE key = 'tls_pin'", &[])
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_pin(&self, pin: Option<&str>) -> Result<()> {
        let client = self.pool.get().await?;
        match pin {
            Some(pin) => {
                client
                    .execute(
                        "INSERT INTO meta (key, value) VALUES ('tls_pin', $1)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[&pin],
                    )
                    .await?
            }
            None => {
                client
                    .execute("DELETE FROM meta WHERE key = 'tls_pin'", &[])
                    .await?
            }
        };
        Ok(())
    }

    async fn audit(&self, entry: Option<&str>) -> Result<Vec<AuditEvent>> {
        let client = self.pool.get().await?;
        audit_trail(&**client, entry).await
    }

    async fn revoke(&self, device_id: &str, now_ms: u64) -> Result<bool> {
        let client = self.pool.get().await?;
        let known = client
            .execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1",
                &[&device_id, &rfc3339(now_ms)],
            )
            .await?;
        Ok(known == 1)
    }
}

// ------------------------------------------------------- roles and the audit trail (issue 12)

const LOGGED: &str =
    "SELECT cursor, hlc, entity, row_id, op, fields, device_id, member_id, received_at FROM changes";

/// The logged changes `sql` (a `WHERE … ORDER BY` after [`LOGGED`]) selects.
async fn logged(
    client: &(impl GenericClient + Sync),
    sql: &str,
    args: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Vec<Logged>> {
    let rows = client.query(&format!("{LOGGED} {sql}"), args).await?;
    rows.iter()
        .map(|r| {
            Ok(Logged {
                cursor: r.get::<_, i64>(0) as u64,
                hlc: r.get(1),
                entity: r.get(2),
                row_id: r.get(3),
                op: op_of(r.get(4))?,
                fields: fields_of(r.get(5))?,
                device_id: r.get(6),
                member_id: r.get(7),
                received_at: r.get(8),
            })
        })
        .collect()
}

/// One row's accepted changes, oldest first.
async fn row_log(
    client: &(impl GenericClient + Sync),
    entity: &str,
    row_id: &str,
) -> Result<Vec<Logged>> {
    logged(
        client,
        "WHERE entity = $1 AND row_id = $2 ORDER BY cursor",
        &[&entity, &row_id],
    )
    .await
}

async fn member_of(
    client: &(impl GenericClient + Sync),
    member_id: &str,
) -> Result<Option<(String, Role)>> {
    let row = client
        .query_opt(
            "SELECT name, role FROM members WHERE id = $1",
            &[&member_id],
        )
        .await?;
    row.map(|r| Ok((r.get::<_, String>(0), role_of(r.get(1))?)))
        .transpose()
}

/// The refusal of `change` when its sender's role does not allow it (`None`: allowed).
async fn role_refusal(
    client: &(impl GenericClient + Sync),
    device: &Authed,
    change: &Change,
) -> Result<Option<PushResult>> {
    let (name, role) = member_of(client, &device.member_id)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("no member {}", device.member_id)))?;
    let sender = roles::Sender {
        member_id: device.member_id.clone(),
        name,
        role,
    };
    let row = row_log(client, &change.entity, &change.id).await?;
    let owner = match roles::account_of(change, &row).filter(|_| change.entity == "outbox") {
        Some(account) => {
            let account_log = row_log(client, "account", &account).await?;
            match roles::creator(&account_log) {
                Some(member) => member_of(client, member).await?,
                None => None,
            }
        }
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

async fn names(client: &(impl GenericClient + Sync)) -> Result<Names> {
    let mut names = Names::default();
    for r in client.query("SELECT id, name FROM members", &[]).await? {
        names.members.insert(r.get(0), r.get(1));
    }
    for r in client.query("SELECT id, name FROM devices", &[]).await? {
        names.devices.insert(r.get(0), r.get(1));
    }
    Ok(names)
}

/// The audit trail of one outbox entry and its draft, or of everything.
async fn audit_trail(
    client: &(impl GenericClient + Sync),
    entry: Option<&str>,
) -> Result<Vec<AuditEvent>> {
    let names = names(client).await?;
    let mut drafts = std::collections::HashMap::new();
    let log = match entry {
        Some(entry) => {
            let mut log = row_log(client, "outbox", entry).await?;
            let draft = log
                .iter()
                .find_map(|l| l.fields.get("draft_id").and_then(|v| v.as_str()))
                .map(str::to_owned);
            if let Some(draft) = draft {
                log.extend(row_log(client, "draft", &draft).await?);
                log.extend(
                    logged(
                        client,
                        "WHERE entity = 'comment' AND (fields::json ->> 'draft_id') = $1
                         ORDER BY cursor",
                        &[&draft],
                    )
                    .await?,
                );
                drafts.insert(entry.to_owned(), draft);
            }
            log.sort_by_key(|l| l.cursor);
            log
        }
        None => {
            logged(
                client,
                "WHERE entity IN ('draft', 'outbox', 'comment') ORDER BY cursor",
                &[],
            )
            .await?
        }
    };
    Ok(crate::audit::events(&log, &names, &drafts))
}
