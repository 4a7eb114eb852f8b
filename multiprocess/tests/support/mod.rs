//! Test code shared by this crate's test files (`mod support;`).
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::Command;

use common::python::TourRun;

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

/// True while a process with this pid exists, a zombie included: `kill -0` sends no signal,
/// it only asks. A child that was killed but never waited for still answers, so `false` means
/// gone and reaped.
pub fn is_alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A shell script in the test's scratch folder that appends its pid to a file of its own, then
/// runs `body`; returns the script's path and that file's. (`exec` in `body` keeps the pid.)
#[cfg(unix)]
pub fn script(name: &str, body: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let tag = format!("{name}-{}", std::process::id());
    let (path, pids) = (
        dir.join(format!("{tag}.sh")),
        dir.join(format!("{tag}.pids")),
    );
    let _ = std::fs::remove_file(&pids);
    let text = format!(
        "#!/bin/sh\n[ \"$1\" = probe ] && exit 0\necho $$ >> '{}'\n{body}\n",
        pids.display()
    );
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A child another test forks while the file is open for writing holds that descriptor
    // until it execs, and the script cannot be run meanwhile ("Text file busy", ETXTBSY).
    for _ in 0..100 {
        match Command::new(&path).arg("probe").status() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            probe => {
                assert!(probe.unwrap().success(), "{}", path.display());
                break;
            }
        }
    }
    (path, pids)
}

/// The pids a [`script`] wrote, once `count` of them are there (at most ten seconds).
pub fn pids_written(file: &Path, count: usize) -> Vec<u32> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let pids: Vec<u32> = std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        if pids.len() >= count || std::time::Instant::now() > deadline {
            return pids;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Runs `f` on a thread and waits for it at most `limit`: a test that would hang fails instead.
pub fn within<T: Send + 'static>(
    limit: std::time::Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()));
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// Runs `multiprocess <args>` with `PYTHON=<python>`, killed (and the test failed) if it is
/// still running after `limit`: a test of `--python` never hangs on a stuck interpreter.
pub fn run_with_python(args: &[&str], python: &str, limit: std::time::Duration) -> TourRun {
    TourRun::new(EXE, args, Some(python), limit)
}

/// The pids of the processes whose command line holds `needle` (Linux only: elsewhere none).
pub fn processes_running(needle: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|line| String::from_utf8_lossy(&line).contains(needle))
        })
        .collect()
}
