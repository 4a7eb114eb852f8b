//! # A job that aborts: on a thread pool it ends the program, on a process pool one job
//!
//! Python: a worker of `ProcessPoolExecutor` that dies (`os._exit`, a segfault in a C extension)
//! leaves the parent alive, but the executor breaks: every pending future raises
//! `BrokenProcessPool`. In a thread the same crash takes the whole interpreter with it.
//!
//! Rust: `std::process::abort` (like a stack overflow or running out of memory) stops no
//! `catch_unwind`: on the executor over threads it ends the whole program, and every result not
//! yet handed back is lost with it (so the thread pool runs in a child process here, and the
//! tour survives). On the executor over processes it kills one worker: that job fails, the
//! worker is replaced and the rest are done.
//!
//! Run: `cargo run -p multiprocess -- executors` (the `abort:` table)
//!
//! Look for: `abort: process pool` with one failure and the rest done, `abort: thread pool`
//! ended by SIGABRT with the jobs after the abort never reported.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitStatus};

use anyhow::Context;

use crate::lessons::executors::{Handle, Kind, start};
use crate::lessons::primes::numbers;
use crate::lessons::worker::Task;

/// `count` CPU jobs of the `primes` demo, job `count / 3` replaced by an abort.
pub fn abort_jobs(count: usize) -> Vec<Task> {
    let mut tasks: Vec<Task> = numbers(count).into_iter().map(Task::IsPrime).collect();
    tasks[count / 3] = Task::Abort;
    tasks
}

/// The hidden `executor-threads` mode: [`abort_jobs`] on the thread pool, printing `done <i>`
/// or `failed <i>` as `map` would hand each outcome to its caller, in order, until the abort.
pub fn threads_child(count: usize, workers: usize, exe: &Path) -> anyhow::Result<()> {
    let executor = start(Kind::Threads, workers, exe)?;
    let handles: Vec<Handle> = abort_jobs(count)
        .into_iter()
        .map(|t| executor.submit(t))
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let word = if handle.get().is_ok() {
            "done"
        } else {
            "failed"
        };
        // stdout flushes at each newline, so what was printed survives the abort.
        writeln!(std::io::stdout(), "{word} {i}")?;
    }
    Ok(())
}

/// Runs [`threads_child`] in a child process; returns the jobs it reported done, the jobs it
/// reported failed, and how it exited (every job it never reported is lost with it).
pub fn threads_abort(
    exe: &Path,
    count: usize,
    workers: usize,
) -> anyhow::Result<(usize, usize, ExitStatus)> {
    let output = Command::new(exe)
        .args(["executor-threads", "--count", &count.to_string()])
        .args(["--workers", &workers.to_string()])
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = |word: &str| stdout.lines().filter(|l| l.starts_with(word)).count();
    Ok((lines("done "), lines("failed "), output.status))
}
