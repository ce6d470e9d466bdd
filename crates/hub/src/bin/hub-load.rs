//! The hub's load benchmark: the real `podium-hub` on 127.0.0.1, N devices (default 50) each
//! pushing one draft edit, then waiting a little (default 100 ms, so the load is bounded at
//! about 10 pushes a second per device), for S seconds (default 30); push latency p50/p95/p99
//! as the devices see it, on SQLite and on PostgreSQL.
//!
//! ```text
//! cargo build --release -p podium-hub
//! target/release/hub-load [--backend sqlite|postgres|both] [--devices 50] [--seconds 30]
//!                         [--interval-ms 100] [--postgres URL]
//! ```
//!
//! Without `--postgres`, a throw-away cluster is started with `pg_virtualenv` (Debian's
//! `postgresql` package).

#![allow(clippy::print_stdout)] // A benchmark prints its figures.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use clap::{Parser, ValueEnum};
use podium_core::clock::Stamp;
use podium_core::sync::{
    Change, JoinAnswer, JoinRequest, Op, PushAnswer, PushRequest, PushStatus, PROTOCOL_HEADER,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Debug, Parser)]
#[command(
    name = "hub-load",
    about = "Push latency of the real podium-hub under load"
)]
struct Args {
    #[arg(long, value_enum, default_value = "both")]
    backend: Which,
    #[arg(long, default_value_t = 50)]
    devices: usize,
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// The pause after each push, per device.
    #[arg(long, default_value_t = 100)]
    interval_ms: u64,
    /// A PostgreSQL database to use (it should be empty); otherwise a throw-away cluster.
    #[arg(long)]
    postgres: Option<String>,
    /// The podium-hub binary (default: the one beside this one).
    #[arg(long)]
    hub: Option<PathBuf>,
}

struct Hub {
    child: Child,
    url: String,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_hub(bin: &PathBuf, db: &[String]) -> anyhow::Result<Hub> {
    let mut child = Command::new(bin)
        .arg("serve")
        .args(db)
        .args(["--listen", "127.0.0.1:0"])
        .env("PODIUM_HUB_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", bin.display()))?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut hub = Hub {
        child,
        url: String::new(),
    };
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(url) = line.strip_prefix("listening on ") {
            hub.url = url.to_owned();
            return Ok(hub);
        }
    }
    bail!("podium-hub ended before listening")
}

fn invite(bin: &PathBuf, db: &[String], name: &str) -> anyhow::Result<String> {
    let out = Command::new(bin)
        .args(["invite", "--name", name, "--role", "assistant"])
        .args(db)
        .output()?;
    if !out.status.success() {
        bail!("invite: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("invite printed no code"))
}

struct Figures {
    latencies_us: Vec<u64>,
    errors: usize,
    elapsed: Duration,
}

async fn run_load(args: &Args, bin: &PathBuf, db: Vec<String>) -> anyhow::Result<Figures> {
    let hub = start_hub(bin, &db)?;
    let mut devices = Vec::new();
    for i in 0..args.devices {
        let code = invite(bin, &db, &format!("Device {i}"))?;
        let client = reqwest::Client::builder().build()?;
        let answer: JoinAnswer = client
            .post(format!("{}/v1/join", hub.url))
            .header(PROTOCOL_HEADER, "1")
            .json(&JoinRequest {
                code,
                device_name: format!("bench {i}"),
            })
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        devices.push((client, answer.token));
    }
    let url = Arc::new(hub.url.clone());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let interval = Duration::from_millis(args.interval_ms);
    let mut tasks = Vec::new();
    for (i, (client, token)) in devices.into_iter().enumerate() {
        let url = Arc::clone(&url);
        tasks.push(tokio::spawn(async move {
            let draft = uuid::Uuid::now_v7().to_string();
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut base = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let mut fields = serde_json::Map::new();
                fields.insert(
                    "text".into(),
                    format!("Edit {n} of a post by device {i}: {}", "words ".repeat(40)).into(),
                );
                let change = Change {
                    entity: "draft".into(),
                    id: draft.clone(),
                    op: if n == 1 { Op::Insert } else { Op::Update },
                    hlc: Stamp {
                        wall_ms: podium_hub::storage::now_ms(),
                        counter: (n % 0xffff) as u16,
                        node: i as u64 + 1,
                    }
                    .to_string(),
                    fields,
                    base: Some(base),
                };
                let t = Instant::now();
                let answer = client
                    .post(format!("{url}/v1/changes"))
                    .header(PROTOCOL_HEADER, "1")
                    .bearer_auth(&token)
                    .json(&PushRequest {
                        changes: vec![change],
                    })
                    .send()
                    .await;
                let answer: Option<PushAnswer> = match answer {
                    Ok(r) if r.status().is_success() => r.json().await.ok(),
                    _ => None,
                };
                latencies.push(t.elapsed().as_micros() as u64);
                match answer.as_ref().and_then(|a| a.results.first()) {
                    Some(r) if r.status == PushStatus::Accepted => {
                        base = r.cursor.unwrap_or(base);
                    }
                    _ => errors += 1,
                }
                tokio::time::sleep(interval).await;
            }
            (latencies, errors)
        }));
    }
    let mut figures = Figures {
        latencies_us: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, errors) = task.await?;
        figures.latencies_us.extend(latencies);
        figures.errors += errors;
    }
    figures.elapsed = started.elapsed();
    drop(hub);
    Ok(figures)
}

fn report(name: &str, args: &Args, f: &mut Figures) {
    f.latencies_us.sort_unstable();
    let at = |q: f64| -> f64 {
        if f.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((f.latencies_us.len() as f64 * q).ceil() as usize).clamp(1, f.latencies_us.len());
        f.latencies_us[i - 1] as f64 / 1000.0
    };
    println!(
        "{name:<10} {} devices, {:.0} s: {} pushes ({:.0}/s), {} failed; push latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.devices,
        f.elapsed.as_secs_f64(),
        f.latencies_us.len(),
        f.latencies_us.len() as f64 / f.elapsed.as_secs_f64(),
        f.errors,
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0),
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bin = match &args.hub {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?
            .parent()
            .ok_or_else(|| anyhow!("no folder beside this binary"))?
            .join("podium-hub"),
    };
    if matches!(args.backend, Which::Sqlite | Which::Both) {
        let dir = tempfile_dir()?;
        let db = vec!["--db".to_owned(), dir.join("hub.db").display().to_string()];
        let mut f = run_load(&args, &bin, db).await?;
        report("SQLite", &args, &mut f);
        let _ = std::fs::remove_dir_all(&dir);
    }
    if matches!(args.backend, Which::Postgres | Which::Both) {
        let mut cluster = None;
        let url = match &args.postgres {
            Some(url) => url.clone(),
            None => {
                let c = podium_hub::scratch::ScratchCluster::start().map_err(|e| anyhow!(e))?;
                let url = c.fresh_database().await?;
                cluster = Some(c);
                url
            }
        };
        let mut f = run_load(&args, &bin, vec!["--postgres".to_owned(), url]).await?;
        report("PostgreSQL", &args, &mut f);
        drop(cluster);
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "podium-hub-load-{}-{}",
        std::process::id(),
        podium_hub::secret::random_hex(4)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
