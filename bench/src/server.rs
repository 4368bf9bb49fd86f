//! The `covers` processes a run measures: started here on a fresh database
//! (one or several instances sharing it), or one already running (`--url`).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::Args;

pub struct Servers {
    children: Vec<Child>,
    /// The address of each instance.
    pub bases: Vec<String>,
    pub database_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Servers {
    /// The first instance's address.
    pub fn base(&self) -> &str {
        &self.bases[0]
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `--instances` servers on the database of `args` (default: a new SQLite
/// file), or the one at `--url`; answers once every one is up.
pub async fn start(args: &Args) -> Result<Servers, String> {
    if let Some(url) = &args.url {
        return Ok(Servers {
            children: Vec::new(),
            bases: vec![url.trim_end_matches('/').to_string()],
            database_url: args.database_url.clone(),
            _dir: None,
        });
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let database_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("bench.db").display()));
    // Every instance of one database shares the server secret.
    let secret = app::server::secrets::new_server_secret();
    let mut servers = Servers {
        children: Vec::new(),
        bases: Vec::new(),
        database_url: Some(database_url.clone()),
        _dir: None,
    };
    for _ in 0..args.instances.max(1) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(&args.server)
            .env("DATABASE_URL", &database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir.path())
            .env("RUST_LOG", "error")
            .env("COVERS_RATE_LIMITS", &args.rate_limits)
            .env("COVERS_SECRET", &secret)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e} (build it: cargo build --release -p server)",
                    args.server
                )
            })?;
        servers.children.push(child);
        let base = format!("http://127.0.0.1:{port}");
        wait_up(&base).await?;
        servers.bases.push(base);
    }
    servers._dir = Some(dir);
    Ok(servers)
}

async fn wait_up(base: &str) -> Result<(), String> {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        let up = client.get(format!("{base}/healthz")).send().await;
        if up.is_ok_and(|r| r.status() == 200) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("the server at {base} did not come up"))
}
