//! Test code shared by this crate's test files (`mod support;`).
#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output};
use std::time::Duration;

use common::python::TourRun;

/// This crate's tour binary.
pub const EXE: &str = env!("CARGO_BIN_EXE_async-io");

/// A closed port: a proxy there refuses every connection.
pub const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// The tour binary with every proxy variable pointing at [`DEAD_PROXY`] and no `NO_PROXY`, as
/// on a laptop whose proxy is set for the whole session but knows nothing of loopback.
pub fn behind_dead_proxy(command: &mut Command) -> &mut Command {
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
    command.env_remove("NO_PROXY").env_remove("no_proxy")
}

/// Runs the tour binary with `args` (and `--json`), expects success, and returns its rows.
pub fn json_rows(command: &mut Command) -> Vec<serde_json::Value> {
    let out: Output = command
        .arg("--json")
        .output()
        .expect("cannot run the tour binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("stdout is not UTF-8");
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// A blocking client for the loopback servers: no proxy, whatever the environment says.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .build()
        .into()
}

/// Runs `async-io <args>` with `PYTHON=<python>`, killed (and the test failed) if it is still
/// running after `limit`: a test of `--python` never hangs on a stuck interpreter.
pub fn run_with_python(args: &[&str], python: &str, limit: Duration) -> TourRun {
    TourRun::new(EXE, args, Some(python), limit)
}
