//! What the tests share: an embedded fake server, its rendezvous, and its flag URLs. Each test
//! file uses only some of it.
#![allow(dead_code)]

use common::server::{FakeServer, Faults, Rendezvous, Server, ServerConfig};

/// An embedded fake server with `faults` and no photos.
pub fn server(faults: Faults) -> Server {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    Server::Embedded(FakeServer::start(config).unwrap())
}

/// Holds answers until `count` requests are in flight.
pub fn rendezvous(count: usize) -> Faults {
    Faults {
        rendezvous: Some(Rendezvous {
            count: count as u64,
            timeout_ms: 10_000,
        }),
        ..Faults::default()
    }
}

/// The flag URL of each code on `server`, in the codes' order.
pub fn flag_urls(server: &Server, codes: &[&str]) -> Vec<String> {
    codes.iter().map(|cc| server.flag_url(cc)).collect()
}

/// A proxy nobody listens on: the discard port, closed on a test machine.
pub const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// The JSON rows of `thread-pool <args> --json --quick`, run as a child process with every proxy
/// variable pointing at [`DEAD_PROXY`] and no `NO_PROXY`, as on a laptop behind a company proxy
/// that knows nothing of 127.0.0.1.
pub fn demo_rows_behind_a_dead_proxy(args: &[&str]) -> Vec<serde_json::Value> {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_thread-pool"));
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env(var, DEAD_PROXY);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let out = command
        .args(args)
        .args(["--json", "--quick"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What a bounded run of the binary left: its exit status, stdout and stderr.
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON rows on stdout (every line must be one).
    pub fn rows(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// Runs `thread-pool <args>` with `PYTHON=<python>`, killed (and the test failed) if it is
/// still running after `limit`: a test of `--python` never hangs on a stuck interpreter.
pub fn run_with_python(args: &[&str], python: &str, limit: std::time::Duration) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_thread-pool"))
        .args(args)
        .env("PYTHON", python)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("thread-pool {args:?} still ran after {limit:?}: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}
