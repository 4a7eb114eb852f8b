//! The figures only the operating system knows, read from `/proc` (Linux) without `unsafe`:
//! std has no API for resource limits or a process's peak memory.

use std::process::Command;

/// Half the threads this user may have, as far as Linux says (`threads-max`, `pid_max` and the
/// process limit), leaving room for everything else running; `None` elsewhere.
pub fn thread_limit() -> Option<usize> {
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
    };
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let processes = limits
        .lines()
        .find(|l| l.starts_with("Max processes"))
        .and_then(|l| l.split_whitespace().nth(2)?.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let system = read("/proc/sys/kernel/threads-max")?.min(read("/proc/sys/kernel/pid_max")?);
    Some(system.min(processes) / 2)
}

/// `VmHWM` (peak resident set) of this process in KiB; Linux only.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The soft limit on open files: `/proc/self/limits` on Linux, `ulimit -n` on other Unixes.
pub fn open_file_limit() -> Option<u64> {
    if let Ok(limits) = std::fs::read_to_string("/proc/self/limits") {
        let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
        return match line.split_whitespace().nth(3)? {
            "unlimited" => Some(u64::MAX),
            soft => soft.parse().ok(),
        };
    }
    if cfg!(unix) {
        let out = Command::new("sh").args(["-c", "ulimit -n"]).output().ok()?;
        return String::from_utf8_lossy(&out.stdout).trim().parse().ok();
    }
    None
}
