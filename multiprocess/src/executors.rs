//! # One interface, two executors: `concurrent.futures` over a thread pool or a process pool
//!
//! Python: `with ProcessPoolExecutor(max_workers=4) as ex: results = list(ex.map(is_prime, xs))`,
//! and swapping in `ThreadPoolExecutor` changes nothing else: `submit` returns a future, `map`
//! keeps the input order, an exception comes back at `result()`.
//!
//! Rust: the same promise is a small trait, [`Executor`]: `submit` a job and get a [`Handle`]
//! whose `get` waits for its outcome; `map` comes with it. [`ThreadPoolExecutor`] runs jobs on a
//! rayon pool and catches a job's panic, so a panic fails that job only. [`ProcessPoolExecutor`]
//! sends them to the crate's worker processes over pipes. A process cannot receive a closure, so
//! the jobs are written in the workers' vocabulary, [`Task`], and [`start`] is the one call that
//! picks the pool: everything after it is the same code.
//!
//! The tables show where each wins. CPU-bound jobs: both scale with the cores (Rust has no GIL).
//! Tiny jobs: each one crosses two pipes as JSON, so threads win by the pipe's cost. A job that
//! aborts (`std::process::abort`, which no `catch_unwind` stops): on threads it ends the whole
//! program, and every result not yet handed back is lost with it (the thread pool runs in a
//! child process here, so the tour survives); on processes it kills one worker, that job fails,
//! the worker is replaced and the rest are done. (Python's `ProcessPoolExecutor` survives a dead
//! worker too, but breaks: every pending future raises `BrokenProcessPool`.)
//!
//! Run: `cargo run -p multiprocess -- executors` (`--count` CPU jobs, 20x as many tiny ones;
//! `--workers`)
//!
//! Look for: both `CPU:` pool rows near the number of cores in the speedup column; `abort:
//! process pool` with one failure and the rest done, `abort: thread pool` ended by SIGABRT with
//! the jobs after the abort never reported; the `tiny:` rows' time per job, threads far ahead.

use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::timing::fmt_duration;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::primes::numbers;
use crate::process_pool::{JobError, Pool};
use crate::worker::{Answer, Task, execute};

/// How one job ended: its answer, or why there is none.
pub type Outcome = Result<Answer, String>;

/// A submitted job (Python's `Future`): it is already queued; `get` waits for its outcome.
pub struct Handle(Box<dyn FnOnce() -> Outcome + Send>);

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handle(..)")
    }
}

impl Handle {
    pub fn get(self) -> Outcome {
        (self.0)()
    }
}

/// What `concurrent.futures.Executor` promises: `submit`, and `map` in input order.
pub trait Executor {
    fn submit(&self, task: Task) -> Handle;

    fn map(&self, tasks: Vec<Task>) -> Vec<Outcome> {
        let handles: Vec<Handle> = tasks.into_iter().map(|t| self.submit(t)).collect();
        handles.into_iter().map(Handle::get).collect()
    }
}

/// Jobs on threads of this process: cheap to reach, but they share its fate.
#[derive(Debug)]
pub struct ThreadPoolExecutor(rayon::ThreadPool);

impl Executor for ThreadPoolExecutor {
    fn submit(&self, task: Task) -> Handle {
        let (tx, rx) = mpsc::channel();
        self.0.spawn(move || {
            // Caught here, a panic fails this job only (escaping `rayon::spawn`, it would abort
            // the process); an abort cannot be caught and ends the process whatever we do.
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| execute(task)))
                .unwrap_or_else(|_| Err("the job panicked".to_string()));
            let _ = tx.send(outcome);
        });
        Handle(Box::new(move || {
            rx.recv().unwrap_or(Err("the job was lost".into()))
        }))
    }
}

/// Jobs in worker processes: each crosses a pipe, and a crash ends only its worker.
#[derive(Debug)]
pub struct ProcessPoolExecutor(Pool);

impl Executor for ProcessPoolExecutor {
    fn submit(&self, task: Task) -> Handle {
        let job = self.0.apply_async(task);
        // A job's own error reads the same as on threads; a dead worker says how it died.
        Handle(Box::new(move || {
            job.get().map(|f| f.answer).map_err(|e| match e {
                JobError::Failed(why) => why,
                other => other.to_string(),
            })
        }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Threads,
    Processes,
}

/// The one call site that picks the pool; everything after it is the same code.
pub fn start(kind: Kind, workers: usize, exe: &Path) -> anyhow::Result<Box<dyn Executor>> {
    Ok(match kind {
        Kind::Threads => Box::new(ThreadPoolExecutor(
            rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .build()?,
        )),
        Kind::Processes => Box::new(ProcessPoolExecutor(Pool::new(exe, workers)?)),
    })
}

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
) -> anyhow::Result<(usize, usize, std::process::ExitStatus)> {
    let output = Command::new(exe)
        .args(["executor-threads", "--count", &count.to_string()])
        .args(["--workers", &workers.to_string()])
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = |word: &str| stdout.lines().filter(|l| l.starts_with(word)).count();
    Ok((lines("done "), lines("failed "), output.status))
}

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    let workers = args.workers_or(common::report::cores());
    let cpu: Vec<Task> = numbers(args.count_or(400, 24))
        .into_iter()
        .map(Task::IsPrime)
        .collect();
    let tiny: Vec<Task> = (0..cpu.len() * 20)
        .map(|i| Task::Echo(i.to_string()))
        .collect();
    let aborting = args.pick(12, 6);
    say!(
        "{} CPU jobs, {} tiny jobs, and {aborting} CPU jobs of which job {} aborts; {workers} workers",
        cpu.len(),
        tiny.len(),
        aborting / 3
    );

    // Each kind of job gets its own table, measured against running its jobs one after another.
    let mut kinds = [("cpu", "CPU", &cpu), ("tiny", "tiny", &tiny)].map(|(name, label, jobs)| {
        let (expected, wall) = timed(|| jobs.iter().cloned().map(execute).collect::<Vec<_>>());
        let mut table = Table::new(&format!("executors-{name}"), args);
        let row = Row::new(format!("{label}: one after another"), jobs.len(), wall);
        table.push(row.extra("per job", per_job(wall, jobs.len())));
        (table, label, jobs, expected)
    });
    for (kind, name) in [
        (Kind::Threads, "thread pool"),
        (Kind::Processes, "process pool"),
    ] {
        let watch = Instant::now();
        let executor = start(kind, workers, exe)?;
        let startup = watch.elapsed();
        for (table, label, jobs, expected) in &mut kinds {
            let (outcomes, wall) = timed(|| executor.map(jobs.to_vec()));
            anyhow::ensure!(outcomes == *expected, "the {name} got {label} jobs wrong");
            let row = Row::new(format!("{label}: {name} ({workers})"), jobs.len(), wall);
            let row = row
                .workers(workers)
                .extra("per job", per_job(wall, jobs.len()));
            table.push(row.extra("pool start-up", fmt_duration(startup)));
        }
    }

    // The abort: on threads in a child process (it takes its whole process down), then on processes.
    // Two different fates, not two speeds of the same work: no speedup between them.
    let mut abort = Table::new("executors-abort", args).different_work();
    let (reported, wall) = timed(|| threads_abort(exe, aborting, workers));
    let (done, failed, status) = reported?;
    let lost = aborting - done - failed;
    say!("abort: thread pool: {done} done, {failed} failed, {lost} never reported; {status}");
    anyhow::ensure!(
        !status.success() && failed == 0 && done <= aborting / 3,
        "the thread pool survived the abort ({status})"
    );
    let outcomes = Outcomes {
        ok: done as u64,
        errors: Some((aborting - done) as u64),
        ..Outcomes::default()
    };
    let row = Row::new(format!("abort: thread pool ({workers})"), aborting, wall);
    let row = row.workers(workers).outcomes(outcomes);
    let row = row.extra("never reported", lost);
    abort.push(row.extra("the program", status.to_string()));

    let executor = start(Kind::Processes, workers, exe)?;
    let (results, wall) = timed(|| executor.map(abort_jobs(aborting)));
    drop(executor); // joins the pool: every worker, the dead one included, is reaped
    for (i, result) in results.iter().enumerate() {
        if let Err(why) = result {
            say!("abort: process pool: job {i}: {why}");
        }
    }
    let failed = results.iter().filter(|r| r.is_err()).count();
    anyhow::ensure!(
        failed == 1 && results[aborting / 3].is_err(),
        "the process pool lost more than the aborting job"
    );
    let outcomes = Outcomes {
        ok: (aborting - failed) as u64,
        errors: Some(failed as u64),
        ..Outcomes::default()
    };
    let row = Row::new(format!("abort: process pool ({workers})"), aborting, wall);
    let row = row.workers(workers).outcomes(outcomes);
    let row = row.extra("never reported", 0);
    abort.push(row.extra("the program", "carried on"));

    for (table, ..) in &kinds {
        table.print();
    }
    abort.print();

    // Where each wins, read off the tables above.
    let [(cpu_table, ..), (tiny_table, ..)] = &kinds;
    let speedup = |t: &Table, i: usize| t.speedup(&t.rows()[i]);
    let tiny_ratio = speedup(tiny_table, 1) / speedup(tiny_table, 2);
    say!(
        "where each wins: CPU-bound, both ({:.1}x on threads, {:.1}x on processes; about {}x on \
         idle cores); a job that aborts, processes ({} of {aborting} done, where the thread \
         pool's program died after {done}); tiny jobs, threads ({tiny_ratio:.0}x the pipes' speed)",
        speedup(cpu_table, 1),
        speedup(cpu_table, 2),
        workers.min(common::report::cores()),
        aborting - failed,
    );
    Ok(())
}

fn per_job(wall: Duration, jobs: usize) -> String {
    let each = wall / jobs.max(1) as u32;
    if each < Duration::from_micros(100) {
        format!("{:.2} µs", each.as_secs_f64() * 1e6)
    } else {
        fmt_duration(each)
    }
}
