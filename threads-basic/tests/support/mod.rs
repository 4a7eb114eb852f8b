//! What the tests share: the fake server's flag URLs, and the demo's JSON rows from a run of the
//! binary. Each test file uses only some of it.
#![allow(dead_code)]

use std::process::Command;

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
    let out = Command::new(env!("CARGO_BIN_EXE_threads-basic"))
        .args(args)
        .args(["--json", "--quick"])
        .output()
        .unwrap();
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
