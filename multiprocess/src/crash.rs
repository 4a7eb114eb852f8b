//! # A job crashes its worker: the process pool carries on, a thread pool may not
//!
//! Python: when a `multiprocessing` worker dies (`os._exit`, a segfault in a C extension), the
//! parent survives; the same crash in a thread would take the whole interpreter with it.
//!
//! Rust: a panic unwinds only its own thread, so a thread pool can catch it per job with
//! `catch_unwind`, as the small pool here does. rayon does not: a panic in `join`, `scope` or
//! `par_iter` is re-raised in their caller, and one in `rayon::spawn` aborts the process unless
//! the pool was built with a `panic_handler`. An abort (`std::process::abort`, a panic
//! while panicking, a stack overflow, running out of memory) ends the whole process, every
//! thread in it. Only a separate process contains that. The process pool reports the job whose
//! worker died, starts a replacement and finishes the rest; it also kills a worker whose job
//! overruns the timeout. The thread pool runs in a child process of its own, so its abort takes
//! down that child, not this tour.
//!
//! Run: `cargo run -p multiprocess -- crash` (`--count` jobs, `--workers`)
//!
//! Look for: one error (or one timeout) in each process-pool row with every other job ok, and
//! one more worker started than the pool has; then the thread pool's panic row with one error,
//! and its abort row with jobs lost and the child ended by SIGABRT.

use std::io::Write;
use std::panic;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::primes::numbers;
use crate::process_pool::{JobError, Pool};
use crate::worker::{Task, is_prime};

/// How the crashing job crashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    Panic,
    Abort,
    /// Sleeps for ten minutes: only the process pool's timeout can end it.
    Hang,
}

impl Crash {
    fn verb(self) -> &'static str {
        match self {
            Crash::Panic => "panics",
            Crash::Abort => "aborts",
            Crash::Hang => "hangs",
        }
    }
}

/// Which job crashes, in every variant.
pub fn crash_at(count: usize) -> usize {
    count / 3
}

/// Runs `count` jobs in a process pool, job [`crash_at`] crashing, and returns the table row.
pub fn process_pool_row(
    exe: &Path,
    count: usize,
    workers: usize,
    crash: Crash,
    timeout: Duration,
) -> anyhow::Result<Row> {
    let pool = Pool::with_timeout(exe, workers, Some(timeout))?;
    let mut tasks: Vec<Task> = numbers(count).into_iter().map(Task::IsPrime).collect();
    tasks[crash_at(count)] = match crash {
        Crash::Panic => Task::Panic,
        Crash::Abort => Task::Abort,
        Crash::Hang => Task::Sleep(600_000),
    };
    let (results, wall) = timed(|| pool.map(tasks));
    let report = pool.join();

    // Every job ends in exactly one outcome: ok, an error, or a timeout.
    for (i, result) in results.iter().enumerate() {
        if let Err(e) = result {
            say!("  process pool, job {i}: {e}");
        }
    }
    let count_of = |f: fn(&Result<_, JobError>) -> bool| results.iter().filter(|r| f(r)).count();
    let timed_out = count_of(|r| matches!(r, Err(JobError::TimedOut { .. })));
    let outcomes = Outcomes {
        ok: count_of(Result::is_ok) as u64,
        errors: Some((count_of(Result::is_err) - timed_out) as u64),
        timed_out: Some(timed_out as u64),
        cancelled: Some(0),
        ..Outcomes::default()
    };
    let ended_by: Vec<&str> = report
        .bad_exits()
        .iter()
        .map(|e| e.status.as_str())
        .collect();
    let reaped = report.exits.len() == report.started.len();
    say!(
        "  {} workers started for a pool of {workers}; all reaped: {reaped}",
        report.started.len()
    );
    anyhow::ensure!(reaped, "a worker was not reaped");
    anyhow::ensure!(
        results[crash_at(count)].is_err() && outcomes.ok == count as u64 - 1,
        "the crashing job succeeded, or another job failed"
    );
    Ok(
        Row::new(format!("process pool, a job {}", crash.verb()), count, wall)
            .workers(workers)
            .outcomes(outcomes)
            .extra("processes", report.started.len())
            .extra("ended by", ended_by.join(", ")),
    )
}

/// Runs the thread-pool variant in a child process (this program in a hidden mode) and
/// returns the table row, built from what the child printed before it ended.
pub fn thread_pool_row(
    exe: &Path,
    count: usize,
    workers: usize,
    crash: Crash,
) -> anyhow::Result<Row> {
    let mode = match crash {
        Crash::Panic => "threads-panic",
        Crash::Abort => "threads-abort",
        Crash::Hang => anyhow::bail!("a thread pool cannot stop a hanging job"),
    };
    // No backtrace in the child: only the first line of its panic message is shown.
    let (output, wall) = timed(|| {
        Command::new(exe)
            .args([
                mode,
                "--count",
                &count.to_string(),
                "--workers",
                &workers.to_string(),
            ])
            .env("RUST_BACKTRACE", "0")
            .output()
    });
    let output = output.with_context(|| format!("cannot run {}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let ok = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    let failed = stdout.lines().filter(|l| l.starts_with("failed ")).count();
    let lost = count.saturating_sub(ok + failed);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if let Some(line) = stderr.lines().find(|l| l.contains("panicked")) {
        say!("  the child's stderr: {line}");
    }
    say!(
        "  thread pool in a child process: {ok} ok, {failed} failed, {lost} never reported; {}",
        output.status
    );
    let outcomes = Outcomes {
        ok: ok as u64,
        errors: Some(failed as u64),
        timed_out: Some(0),
        cancelled: Some(lost as u64),
        ..Outcomes::default()
    };
    let ended_by = if output.status.success() {
        String::new()
    } else {
        output.status.to_string()
    };
    Ok(
        Row::new(format!("thread pool, a job {}", crash.verb()), count, wall)
            .workers(workers)
            .outcomes(outcomes)
            .extra("processes", 1)
            .extra("ended by", ended_by),
    )
}

/// The hidden child mode: `--count` jobs on a pool of `--workers` threads, job [`crash_at`]
/// crashing. Prints `ok <i>` or `failed <i>` as each job ends, so the parent sees how far it got.
pub fn thread_pool_child(args: &CommonArgs, crash: Crash) -> anyhow::Result<()> {
    let jobs = numbers(args.count_or(12, 12));
    let bad = crash_at(jobs.len());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..args.workers_or(2) {
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
    Ok(())
}

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    let count = args.count_or(12, 9);
    let workers = args.workers_or(2);
    let timeout = args.pick(Duration::from_millis(300), Duration::from_millis(150));
    say!(
        "{count} jobs on {workers} workers; job {} crashes (job timeout {timeout:?})",
        crash_at(count)
    );
    say!("(a line starting \"worker <pid> panicked\" is that worker's own stderr)");
    let mut table = Table::new("crash", args).different_work(); // each row a different crash
    for crash in [Crash::Panic, Crash::Abort, Crash::Hang] {
        table.push(process_pool_row(exe, count, workers, crash, timeout)?);
    }
    let panicked = thread_pool_row(exe, count, workers, Crash::Panic)?;
    let aborted = thread_pool_row(exe, count, workers, Crash::Abort)?;

    // What was claimed: a caught panic costs one job; an abort ends the whole process.
    let (p, a) = (panicked.outcomes, aborted.outcomes);
    anyhow::ensure!(
        p.ok == count as u64 - 1 && p.errors == Some(1),
        "the panic was not caught per job"
    );
    // (How many jobs an abort loses depends on timing; that it ends the process does not.)
    anyhow::ensure!(a.errors == Some(0), "the abort was caught like a panic");
    anyhow::ensure!(
        aborted.extra["ended by"] != "",
        "the aborting child exited normally"
    );
    table.push(panicked);
    table.push(aborted);
    table.print();
    Ok(())
}
