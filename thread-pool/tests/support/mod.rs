//! What the tests share: an embedded fake server, its rendezvous, and its flag URLs. Each test
//! file uses only some of it.
#![allow(dead_code)]

use common::python::TourRun;
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

/// Runs `thread-pool <args>` with `PYTHON=<python>`, killed (and the test failed) if it is
/// still running after `limit`: a test of `--python` never hangs on a stuck interpreter.
pub fn run_with_python(args: &[&str], python: &str, limit: std::time::Duration) -> TourRun {
    TourRun::new(env!("CARGO_BIN_EXE_thread-pool"), args, Some(python), limit)
}
