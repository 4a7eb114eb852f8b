//! Test code shared by this crate's test files (`mod support;`).
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::Command;

/// The crate's own binary, which Cargo builds for integration tests: the tours and the workers.
pub const EXE: &str = env!("CARGO_BIN_EXE_multiprocess");

pub fn exe() -> &'static Path {
    Path::new(EXE)
}

/// True while `pid` is a child of this process: running, or a zombie nobody has waited for.
/// (Linux only: elsewhere it cannot tell and says false.)
pub fn is_our_child(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (name) state ppid ...": the name may hold spaces, so parse after its last ')'.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name.split_whitespace().nth(1) == Some(&std::process::id().to_string())
}

/// Runs the binary with `args` (which should include `--json`), expects success, and parses
/// every line of its stdout as a JSON row.
pub fn json_rows(args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(EXE).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
