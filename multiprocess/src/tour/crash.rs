//! The `crash` demo's tour: each crash in a process pool and in a thread pool (in a child
//! process), one row each, with every job's outcome counted, and the checks.

use std::path::Path;
use std::time::Duration;

use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::crash::{Crash, crash_at, crashing_tasks, thread_pool_in_child};
use crate::lessons::process_pool::{JobError, Pool};

fn verb(crash: Crash) -> &'static str {
    match crash {
        Crash::Panic => "panics",
        Crash::Abort => "aborts",
        Crash::Hang => "hangs",
    }
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
    let tasks = crashing_tasks(count, crash);
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
        Row::new(format!("process pool, a job {}", verb(crash)), count, wall)
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
    let (child, wall) = timed(|| thread_pool_in_child(exe, count, workers, crash));
    let child = child?;
    let (ok, failed) = (child.ok, child.failed);
    let lost = count.saturating_sub(ok + failed);
    if let Some(line) = &child.panic_line {
        say!("  the child's stderr: {line}");
    }
    say!(
        "  thread pool in a child process: {ok} ok, {failed} failed, {lost} never reported; {}",
        child.status
    );
    let outcomes = Outcomes {
        ok: ok as u64,
        errors: Some(failed as u64),
        timed_out: Some(0),
        cancelled: Some(lost as u64),
        ..Outcomes::default()
    };
    let ended_by = if child.status.success() {
        String::new()
    } else {
        child.status.to_string()
    };
    Ok(
        Row::new(format!("thread pool, a job {}", verb(crash)), count, wall)
            .workers(workers)
            .outcomes(outcomes)
            .extra("processes", 1)
            .extra("ended by", ended_by),
    )
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

    // With --python: the same jobs in `ProcessPoolExecutor`, `multiprocessing.Pool` and a
    // thread pool, each raising, aborting its worker or hanging; every `Pool.get` has a timeout.
    let extra = common::python::sizes(args, Some(count), Some(workers));
    let twin = common::python::twin_rows(args, env!("CARGO_MANIFEST_DIR"), "crash.py", &extra);
    for row in twin {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: what became of the job whose
/// worker died, in Rust's pool and in each of Python's.
fn against_python(table: &Table) -> Option<String> {
    let find = |label: &str| table.rows().iter().find(|r| r.variant == label);
    let rust = find("process pool, a job aborts")?.outcomes;
    let executor = find("Python: ProcessPoolExecutor, a job aborts (os.abort)")?.outcomes;
    let pool = find("Python: multiprocessing.Pool, a job aborts (os.abort)")?;
    let waited = pool.extra.get("ended by")?.as_str()?;
    Some(format!(
        "a worker aborts: Rust's process pool failed that one job and did the other {}; \
         ProcessPoolExecutor broke, {} jobs raising BrokenProcessPool; multiprocessing.Pool \
         never answered {} job, ended by `{waited}` (without a timeout, get() waits forever: \
         bpo-22393)",
        rust.ok,
        executor.errors.unwrap_or(0),
        pool.outcomes.timed_out.unwrap_or(0),
    ))
}
