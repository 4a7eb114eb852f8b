//! The figures only the operating system knows: the open-file and process limits through the
//! `rlimit` crate (Unix), and what only Linux's `/proc` tells (the system's thread limits, a
//! process's peak memory), all without `unsafe`.

/// Raises the soft limit on open files to the hard one where the OS allows (macOS starts
/// processes at 256, too few for c10k); returns `(before, after)` if it changed. Children
/// started afterwards inherit the new limit.
pub fn raise_open_file_limit() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        let (before, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
        let after = rlimit::increase_nofile_limit(u64::MAX).ok()?;
        (after > before).then_some((before, after))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The soft and hard limits on open files; `None` where there are none (Windows).
pub fn open_file_limits() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        rlimit::getrlimit(rlimit::Resource::NOFILE).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The soft limit on open files, the one that applies.
pub fn open_file_limit() -> Option<u64> {
    open_file_limits().map(|(soft, _)| soft)
}

/// Half the threads this user may have, as far as the system says (Linux's `threads-max` and
/// `pid_max`, and the process limit), leaving room for everything else running; `None` where
/// `/proc` is missing (other systems: the demo then starts what it asks for).
pub fn thread_limit() -> Option<usize> {
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
    };
    #[cfg(unix)]
    let processes = rlimit::getrlimit(rlimit::Resource::NPROC).map_or(usize::MAX, |(soft, _)| {
        usize::try_from(soft).unwrap_or(usize::MAX)
    });
    #[cfg(not(unix))]
    let processes = usize::MAX;
    let system = read("/proc/sys/kernel/threads-max")?.min(read("/proc/sys/kernel/pid_max")?);
    Some(system.min(processes) / 2)
}

/// `VmHWM` (peak resident set) of this process in KiB; Linux only (`/proc/self/status`).
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
