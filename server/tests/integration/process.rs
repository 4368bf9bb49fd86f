//! The `covers` binary as an operator runs it: it creates its SQLite file,
//! says where it is, serves, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A plain HTTP/1.1 GET; returns the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.lines().next().unwrap_or_default().to_string();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// A plain HTTP/1.1 POST of a JSON body; returns the status line.
fn http_post_json(addr: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.lines().next().unwrap_or_default().to_string()
}

#[test]
fn starts_on_a_fresh_sqlite_file_serves_and_shuts_down_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_covers"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();

    // Read the log on a thread, forwarding each line to the test.
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let mut wait_for = |needle: &str| -> String {
        loop {
            match lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    log.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no log line with {needle:?}; log so far:\n{}", log.join("\n")),
            }
        }
    };

    let ready = wait_for("database ready");
    assert!(ready.contains("data/covers.db"), "the log names the database file: {ready}");
    assert!(dir.path().join("data/covers.db").exists());

    let listening = wait_for("covers is listening on http://");
    let addr =
        listening.split("http://").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let (status, body) = http_get(&addr, "/healthz");
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, r#"{"status":"ok"}"#);
    // A write first: stopping must not wait for the connection it used.
    let created = http_post_json(
        &addr,
        "/api/v1/restaurants",
        r#"{"name":"Chez Stop","phone":"+33 1 23 45 67 89"}"#,
    );
    assert!(created.contains("201"), "{created}");

    let terminated =
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    wait_for("covers stopped");
    let exit = child.wait().unwrap();
    assert!(exit.success(), "covers exits cleanly on SIGTERM: {exit}");
}
