//! # A job crashes its worker: the process pool carries on, a thread pool may not
//!
//! Python: when a worker process dies (`os._exit`, `os.abort`, a segfault in a C extension), the
//! parent survives, where the same crash in a thread takes the whole interpreter with it. But
//! only `concurrent.futures.ProcessPoolExecutor` reports the death: the dead worker's job and
//! every pending one raise `BrokenProcessPool`, and the executor takes no more work.
//! `multiprocessing.Pool` replaces the worker and never answers the job it was running, so
//! `AsyncResult.get()` without a timeout, and `pool.map`, wait forever (bpo-22393): only
//! `get(timeout=...)`, then `terminate()`, gets the program past it.
//!
//! Rust: a panic unwinds only its own thread, so a thread pool can catch it per job with
//! `catch_unwind`, as the small pool here does. rayon does not: a panic in `join`, `scope` or
//! `par_iter` is re-raised in their caller, and one in `rayon::spawn` aborts the process unless
//! the pool was built with a `panic_handler`. An abort (`std::process::abort`, a panic
//! while panicking, a stack overflow, running out of memory) ends the whole process, every
//! thread in it. Only a separate process contains that. The process pool reports the job whose
//! worker died (an error at that job's handle), starts a replacement and finishes the rest,
//! which neither Python pool does; it also kills a worker whose job overruns the timeout. The
//! thread pool runs in a child process of its own, so its abort takes down that child, not this
//! tour.
//!
//! Run: `cargo run -p multiprocess -- crash` (`--count` jobs, `--workers`)
//!
//! Look for: one error (or one timeout) in each process-pool row with every other job ok, and
//! one more worker started than the pool has; then the thread pool's panic row with one error,
//! and its abort row with jobs lost and the child ended by SIGABRT. With `--python`: the
//! executor's jobs from the death on as errors (`BrokenProcessPool`), and `Pool`'s dead job as
//! timed out (the bounded wait), every other job ok.

use std::io::Write;
use std::panic;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::Context;

use crate::lessons::primes::{is_prime, numbers};
use crate::lessons::worker::Task;

/// How the crashing job crashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    Panic,
    Abort,
    /// Sleeps for ten minutes: only the process pool's timeout can end it.
    Hang,
}

/// Which job crashes, in every variant.
pub fn crash_at(count: usize) -> usize {
    count / 3
}

/// `count` CPU jobs for the process pool, job [`crash_at`] crashing as `crash` says.
pub fn crashing_tasks(count: usize, crash: Crash) -> Vec<Task> {
    let mut tasks: Vec<Task> = numbers(count).into_iter().map(Task::IsPrime).collect();
    tasks[crash_at(count)] = match crash {
        Crash::Panic => Task::Panic,
        Crash::Abort => Task::Abort,
        Crash::Hang => Task::Sleep(600_000),
    };
    tasks
}

/// The hidden child mode: `count` jobs on a pool of `workers` threads, job [`crash_at`]
/// crashing. Prints `ok <i>` or `failed <i>` as each job ends, so the parent sees how far it got.
pub fn thread_pool_child(count: usize, workers: usize, crash: Crash) {
    let jobs = numbers(count);
    let bad = crash_at(jobs.len());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&n) = jobs.get(i) else { break };
                    // The pool catches a panic per job, so the thread lives on.
                    let job = || {
                        if i == bad {
                            match crash {
                                Crash::Panic => panic!("job {i} panics"),
                                Crash::Abort => std::process::abort(),
                                Crash::Hang => thread::sleep(Duration::MAX),
                            }
                        }
                        is_prime(n)
                    };
                    let line = match panic::catch_unwind(job) {
                        Ok(_) => format!("ok {i}"),
                        Err(_) => format!("failed {i}"),
                    };
                    // stdout is line-buffered: each line leaves at once, so an abort loses none.
                    let _ = writeln!(std::io::stdout(), "{line}");
                }
            });
        }
    });
}

/// What the thread pool's child process reported before it ended, and how it ended.
#[derive(Debug)]
pub struct ChildPool {
    pub ok: usize,
    pub failed: usize,
    pub status: ExitStatus,
    /// The first line of its stderr that tells of a panic.
    pub panic_line: Option<String>,
}

/// Runs [`thread_pool_child`] in a child process (`exe` in a hidden mode) and reads what it
/// printed before it ended.
pub fn thread_pool_in_child(
    exe: &Path,
    count: usize,
    workers: usize,
    crash: Crash,
) -> anyhow::Result<ChildPool> {
    let mode = match crash {
        Crash::Panic => "threads-panic",
        Crash::Abort => "threads-abort",
        Crash::Hang => anyhow::bail!("a thread pool cannot stop a hanging job"),
    };
    // No backtrace in the child: only the first line of its panic message is kept.
    let output = Command::new(exe)
        .args([mode, "--count", &count.to_string()])
        .args(["--workers", &workers.to_string()])
        .env("RUST_BACKTRACE", "0")
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = |word: &str| stdout.lines().filter(|l| l.starts_with(word)).count();
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(ChildPool {
        ok: lines("ok "),
        failed: lines("failed "),
        status: output.status,
        panic_line: stderr
            .lines()
            .find(|l| l.contains("panicked"))
            .map(String::from),
    })
}
