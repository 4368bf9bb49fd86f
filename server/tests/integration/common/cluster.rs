//! A throwaway PostgreSQL cluster of a test's own (`initdb`, `pg_ctl`), for
//! the tests that stop and start the database: they must not take down the
//! cluster the other tests share.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    options: String,
    pub url: String,
    /// `host:port` of its server.
    pub address: String,
}

impl Cluster {
    /// Makes and starts a cluster with the binaries in `COVERS_PG_BIN`.
    pub fn start() -> Self {
        let bin = PathBuf::from(
            std::env::var("COVERS_PG_BIN")
                .expect("this test needs COVERS_PG_BIN (scripts/test.sh sets it)"),
        );
        let dir = tempfile::tempdir().unwrap();
        if running_as_root() {
            let status = Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap();
            assert!(status.success(), "chown postgres {:?}", dir.path());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let data = dir.path().join("data");
        let initdb = as_owner(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "covers", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {}", String::from_utf8_lossy(&initdb.stderr));
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            dir.path().display()
        );
        let cluster = Self {
            bin,
            dir,
            options,
            url: format!("postgres://covers@127.0.0.1:{port}/postgres"),
            address: format!("127.0.0.1:{port}"),
        };
        cluster.start_again();
        cluster
    }

    /// A standby of this cluster (`pg_basebackup -R`), started and
    /// streaming; then this cluster waits for it at every commit
    /// (`synchronous_standby_names`), so what it acknowledges is on both.
    pub fn standby(&self) -> Self {
        let standby = self.replica();
        let sql = "ALTER SYSTEM SET synchronous_standby_names = '*'";
        self.psql(sql);
        self.psql("SELECT pg_reload_conf()");
        standby
    }

    /// A read replica of this cluster: a standby (`pg_basebackup -R`),
    /// started and streaming, that commits do not wait for.
    pub fn replica(&self) -> Self {
        let dir = tempfile::tempdir().unwrap();
        if running_as_root() {
            let status = Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap();
            assert!(status.success(), "chown postgres {:?}", dir.path());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (host, primary_port) = self.address.split_once(':').unwrap();
        let backup = as_owner(&self.bin.join("pg_basebackup"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args(["-h", host, "-p", primary_port, "-U", "covers", "-R", "-X", "stream"])
            .output()
            .unwrap();
        assert!(
            backup.status.success(),
            "pg_basebackup: {}",
            String::from_utf8_lossy(&backup.stderr)
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            dir.path().display()
        );
        let standby = Self {
            bin: self.bin.clone(),
            dir,
            options,
            url: format!("postgres://covers@127.0.0.1:{port}/postgres"),
            address: format!("127.0.0.1:{port}"),
        };
        standby.start_again();
        standby
    }

    /// Runs one SQL statement on this cluster.
    pub fn psql(&self, sql: &str) {
        let (host, port) = self.address.split_once(':').unwrap();
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", host, "-p", port, "-U", "covers", "-d", "postgres", "-X", "-q", "-c", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Kills the server at once, as the loss of its host would
    /// (`pg_ctl stop -m immediate`: no checkpoint, no goodbye to clients).
    pub fn kill(&self) {
        self.pg_ctl(&["-m", "immediate", "stop"]);
    }

    /// Promotes this standby to primary.
    pub fn promote(&self) {
        self.pg_ctl(&["promote"]);
    }

    /// Stops the server (`pg_ctl stop -m fast`), as an operator would.
    pub fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    /// Starts the stopped server again on the same port.
    pub fn start_again(&self) {
        let log = self.dir.path().join("server.log");
        self.pg_ctl(&["-l", &log.display().to_string(), "-o", &self.options, "start"]);
    }

    fn pg_ctl(&self, args: &[&str]) {
        let status = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-w")
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {args:?} failed");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// `program`, run as the `postgres` user when the tests run as root
/// (PostgreSQL refuses to run as root).
fn as_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}
