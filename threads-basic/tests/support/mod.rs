//! What the tests share: the fake server's flag URLs, and the demo's JSON rows from a run of the
//! binary. Each test file uses only some of it.
#![allow(dead_code)]

use std::process::Command;

use common::python::TourRun;
use common::server::FakeServer;
use serde_json::Value;

/// The URLs of the first `n` flags on `server`.
pub fn flag_urls(server: &FakeServer, n: usize) -> Vec<String> {
    common::data::country_codes(n)
        .iter()
        .map(|cc| format!("{0}/flags/{1}/{1}.gif", server.url(), cc.to_lowercase()))
        .collect()
}

/// The JSON rows of `threads-basic <args> --json --quick`, from a run of the binary in a process
/// of its own, so that no other test's CPU time is counted in its cores-used column.
pub fn demo_rows(args: &[&str]) -> Vec<Value> {
    rows_of(Command::new(env!("CARGO_BIN_EXE_threads-basic")).args(args))
}

/// A proxy nobody listens on: the discard port, closed on a test machine.
pub const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// The same as [`demo_rows`], with every proxy variable pointing at [`DEAD_PROXY`] and no
/// `NO_PROXY`, as on a laptop behind a company proxy that knows nothing of 127.0.0.1.
pub fn demo_rows_behind_a_dead_proxy(args: &[&str]) -> Vec<Value> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_threads-basic"));
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
    rows_of(
        command
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .args(args),
    )
}

fn rows_of(command: &mut Command) -> Vec<Value> {
    let out = command.args(["--json", "--quick"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `threads-basic <args>` with `PYTHON=<python>`, killed (and the test failed) if it is
/// still running after `limit`: a test of `--python` never hangs on a stuck interpreter.
pub fn run_with_python(args: &[&str], python: &str, limit: std::time::Duration) -> TourRun {
    TourRun::new(
        env!("CARGO_BIN_EXE_threads-basic"),
        args,
        Some(python),
        limit,
    )
}
