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
        let cluster =
            Self { bin, dir, options, url: format!("postgres://covers@127.0.0.1:{port}/postgres") };
        cluster.start_again();
        cluster
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
