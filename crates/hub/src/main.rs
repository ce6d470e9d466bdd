//! `podium-hub`: serve a team's hub, invite members, list and revoke their devices.

#![allow(clippy::print_stdout)] // A command-line tool talks on stdout.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use clap::{Args, Parser, Subcommand};
use podium_core::sync::{InviteCode, Member, Role, DEFAULT_LISTEN};
use podium_hub::server::{self, Hub};
use podium_hub::storage::{now_ms, PostgresStorage, SqliteStorage, Storage};
use podium_hub::tls::Identity;

#[derive(Debug, Parser)]
#[command(
    name = "podium-hub",
    version,
    about = "The team hub: devices of a team push their changes here and pull each other's"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the hub (until stopped).
    Serve {
        #[command(flatten)]
        db: Db,
        /// The address to listen on; port 0 picks a free one (printed on start).
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: String,
        /// Serve HTTPS with this certificate (PEM); needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Make a member (or find them by name) and print a one-time code for one of their
    /// devices, valid 7 days. The code is the last line printed.
    Invite {
        /// The member's name, as the team sees it.
        #[arg(long)]
        name: String,
        /// executive or assistant.
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        db: Db,
        /// The certificate `serve --tls-cert` uses, if it is not the one the hub last served
        /// with: a self-signed one is pinned in the code.
        #[arg(long)]
        tls_cert: Option<PathBuf>,
    },
    /// List the members and their devices.
    Members {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its token stops working at once.
    Revoke {
        device_id: String,
        #[command(flatten)]
        db: Db,
    },
    /// The audit trail: who created, edited, scheduled, approved, sent back, published and
    /// commented on each post, and when (the hub's clock), as the hub recorded it.
    Audit {
        /// Only this queued post (an outbox entry's id) and its draft.
        #[arg(long)]
        entry: Option<String>,
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct Db {
    /// The SQLite file (default: hub.db in the hub's data folder).
    #[arg(long, conflicts_with = "postgres")]
    db: Option<PathBuf>,
    /// A PostgreSQL database instead: postgresql://user:password@host:port/database (or set
    /// PODIUM_HUB_POSTGRES, which keeps the password out of the process list).
    #[arg(long, env = "PODIUM_HUB_POSTGRES", hide_env_values = true)]
    postgres: Option<String>,
}

enum Backend {
    Sqlite(SqliteStorage),
    Postgres(Box<PostgresStorage>),
}

impl Db {
    async fn open(&self) -> anyhow::Result<Backend> {
        if let Some(url) = &self.postgres {
            return Ok(Backend::Postgres(Box::new(
                PostgresStorage::open(url).await?,
            )));
        }
        let path = match &self.db {
            Some(path) => path.clone(),
            None => dirs::data_dir()
                .ok_or_else(|| {
                    anyhow!("this system has no data folder for the hub: name a file with --db")
                })?
                .join("podium-hub")
                .join("hub.db"),
        };
        let storage = tokio::task::spawn_blocking(move || SqliteStorage::open(&path)).await??;
        Ok(Backend::Sqlite(storage))
    }
}

/// Runs `$body` with `$s` bound to whichever storage `$backend` holds.
macro_rules! with_storage {
    ($backend:expr, |$s:ident| $body:expr) => {
        match $backend {
            Backend::Sqlite($s) => $body,
            Backend::Postgres($s) => {
                let $s = *$s;
                $body
            }
        }
    };
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PODIUM_HUB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("podium-hub: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            tls_cert,
            tls_key,
        } => {
            let tls = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => Some(Identity::load(cert, key)?),
                _ => None,
            };
            let backend = db.open().await?;
            with_storage!(backend, |s| serve(s, &listen, tls, tls_cert).await)
        }
        Command::Invite {
            name,
            role,
            db,
            tls_cert,
        } => {
            let backend = db.open().await?;
            with_storage!(backend, |s| invite(s, &name, role, tls_cert).await)
        }
        Command::Members { db, json } => {
            let backend = db.open().await?;
            let members = with_storage!(backend, |s| s.members().await?);
            print_members(&members, json)
        }
        Command::Audit { entry, db, json } => {
            let backend = db.open().await?;
            let events = with_storage!(backend, |s| s.audit(entry.as_deref()).await?);
            print_audit(&events, json)
        }
        Command::Revoke { device_id, db } => {
            let backend = db.open().await?;
            let known = with_storage!(backend, |s| s.revoke(&device_id, now_ms()).await?);
            if !known {
                return Err(podium_hub::Error::NoSuchDevice(device_id).into());
            }
            println!("revoked device {device_id}");
            Ok(())
        }
    }
}

async fn serve<S: Storage>(
    storage: S,
    listen: &str,
    tls: Option<Identity>,
    cert: Option<PathBuf>,
) -> anyhow::Result<()> {
    let config = match (&tls, &cert) {
        (Some(identity), Some(cert)) => {
            storage.set_pin(identity.pin().as_deref()).await?;
            Some(identity.server_config(cert)?)
        }
        _ => {
            storage.set_pin(None).await?;
            None
        }
    };
    let hub = Hub::new(storage).await?;
    let (listener, addr) = server::bind(listen).await?;
    let scheme = if config.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{addr}");
    if scheme == "http" && !addr.ip().is_loopback() {
        tracing::warn!(
            "serving plain http on {addr}: devices only talk to a plain-http hub on their own \
             machine; give --tls-cert/--tls-key or put the hub behind a TLS reverse proxy"
        );
    }
    server::serve(Arc::clone(&hub), listener, config, shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn invite<S: Storage>(
    storage: S,
    name: &str,
    role: Role,
    cert: Option<PathBuf>,
) -> anyhow::Result<()> {
    let pin = match cert {
        Some(cert) => rustls_pin(&cert)?,
        None => storage.pin().await?,
    };
    let invited = storage.invite(name, role, now_ms()).await?;
    let code = InviteCode {
        secret: invited.secret,
        pin,
    };
    let expires = chrono::DateTime::from_timestamp_millis(invited.expires_at_ms as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    println!(
        "Invite for {name} ({}), one device, valid until {expires}. On that device: podium team join URL CODE",
        role.as_str()
    );
    println!("{code}");
    Ok(())
}

/// The pin of a certificate file: its leaf's SHA-256 when self-signed.
fn rustls_pin(cert: &std::path::Path) -> anyhow::Result<Option<String>> {
    use rustls_pki_types::pem::PemObject;
    let leaf = rustls_pki_types::CertificateDer::from_pem_file(cert)
        .with_context(|| format!("could not read the certificate {}", cert.display()))?;
    Ok(podium_hub::tls::is_self_signed(&leaf).then(|| podium_hub::tls::fingerprint(&leaf)))
}

fn print_members(members: &[Member], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(members)?);
        return Ok(());
    }
    if members.is_empty() {
        println!("No members yet: podium-hub invite --name NAME --role executive|assistant");
    }
    for m in members {
        println!("{} ({}) {}", m.name, m.role.as_str(), m.id);
        if m.devices.is_empty() {
            println!("    no device yet");
        }
        for d in &m.devices {
            println!(
                "    {}  {}  joined {}{}",
                d.id,
                d.name,
                d.joined_at,
                d.last_seen
                    .as_deref()
                    .map(|t| format!(", last seen {t}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn print_audit(events: &[podium_core::sync::AuditEvent], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(events)?);
        return Ok(());
    }
    if events.is_empty() {
        println!("Nothing recorded yet: the trail grows as the team's devices sync.");
    }
    for e in events {
        let what = match (&e.entry_id, &e.draft_id) {
            (Some(entry), _) => format!("post {entry}"),
            (None, Some(draft)) => format!("draft {draft}"),
            (None, None) => String::new(),
        };
        println!(
            "{}  {:<18} {:<20} {}  ({})",
            e.at, e.action, e.member, what, e.device
        );
    }
    Ok(())
}
