//! A throw-away PostgreSQL for the hub's tests and its load benchmark: a cluster on 127.0.0.1
//! started with Debian's `pg_virtualenv` (from `postgresql-common`), dropped when the process
//! that started it ends. Not used by `podium-hub` itself.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A running throw-away cluster: its superuser's settings, and the `pg_virtualenv` process that
/// keeps it alive. That process's command reads standard input, which ends when this process
/// does — so the cluster is dropped even when a test run is killed.
#[derive(Debug)]
pub struct ScratchCluster {
    host: String,
    port: String,
    user: String,
    password: String,
    _keeper: Mutex<Child>,
}

impl ScratchCluster {
    /// Starts a cluster (a few seconds: initdb).
    pub fn start() -> Result<ScratchCluster, String> {
        // `-t`: a cluster in a temporary folder even as root (as root, pg_virtualenv otherwise
        // uses the one system-wide name "regress", and two runs at once would collide). Its
        // output goes nowhere: were it a pipe to this process, its clean-up message after this
        // process ended would kill it (SIGPIPE) before it dropped the cluster. The settings
        // come in a file.
        let vars_file = std::env::temp_dir().join(format!(
            "podium-hub-pg-{}-{}",
            std::process::id(),
            crate::secret::random_hex(4)
        ));
        let child = Command::new("pg_virtualenv")
            .args([
                "-t",
                "sh",
                "-c",
                "env | grep '^PG' > \"$0.tmp\" && mv \"$0.tmp\" \"$0\"; exec cat >/dev/null",
            ])
            .arg(&vars_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "pg_virtualenv could not start ({e}): a throw-away PostgreSQL needs Debian's \
                     postgresql package (apt-get install postgresql; cargo xtask test installs \
                     it)"
                )
            })?;
        let keeper = Mutex::new(child);
        let deadline = Instant::now() + Duration::from_secs(120);
        let text = loop {
            if let Ok(text) = std::fs::read_to_string(&vars_file) {
                let _ = std::fs::remove_file(&vars_file);
                break text;
            }
            if Instant::now() > deadline {
                return Err("pg_virtualenv did not start a cluster within 2 minutes".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let vars: HashMap<_, _> = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let get = |k: &str| vars.get(k).cloned().unwrap_or_default();
        Ok(ScratchCluster {
            // 127.0.0.1 only (pg_virtualenv says "localhost", which may be ::1 too).
            host: "127.0.0.1".into(),
            port: get("PGPORT"),
            user: get("PGUSER"),
            password: get("PGPASSWORD"),
            _keeper: keeper,
        })
    }

    /// The URL of database `db` on this cluster.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql://{}:{}@{}:{}/{db}",
            self.user, self.password, self.host, self.port
        )
    }

    /// A new, empty database on this cluster; its URL.
    pub async fn fresh_database(&self) -> Result<String, tokio_postgres::Error> {
        let name = format!("hub_{}", crate::secret::random_hex(8));
        let (client, conn) =
            tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls).await?;
        let task = tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        drop(client);
        let _ = task.await;
        Ok(self.url(&name))
    }
}
