//! # Blocking inside async: the stalled event loop, and two classic fixes
//!
//! Python: `time.sleep(1)` or a CPU-heavy loop inside a coroutine freezes the event loop;
//! `await loop.run_in_executor(None, blocking_job)` moves it to a thread.
//!
//! Tokio has the same trap: a task only gives its thread back at an `.await`, so a task that
//! blocks (std's sleep, a long computation, a blocking client) stalls every other task on that
//! worker thread. This demo runs on a current-thread runtime (one worker) so nothing hides it,
//! and measures a ticker that should tick every few milliseconds. `tokio::task::spawn_blocking`
//! moves the job to tokio's blocking thread pool and the ticker keeps its rhythm. (For CPU work
//! that is itself parallel, a rayon pool sized to the cores is the better home.)
//!
//! The other classic: a `std::sync::MutexGuard` held across an `.await`. The guard is not
//! `Send`, so `tokio::spawn` refuses the task at compile time:
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//!
//! #[tokio::main]
//! async fn main() {
//!     let counter = Arc::new(Mutex::new(0));
//!     tokio::spawn(async move {
//!         let mut guard = counter.lock().unwrap();
//!         tokio::task::yield_now().await; // the guard is still alive across this .await
//!         *guard += 1;
//!     });
//! }
//! ```
//!
//! Two fixes, both run below: end the guard's scope before the `.await`, or, when the lock
//! really must be held across it, use `tokio::sync::Mutex`, whose guard may be held there.
//!
//! Run: `cargo run -p async-io -- blocking`
//!
//! Look for: the ticker alone missing no ticks; a blocking sleep or CPU loop inside a task
//! skipping most of them, with a longest gap as long as the job; `spawn_blocking` restoring the
//! rhythm (a CPU loop there still needs a free core: on a busy machine the ticker may miss a
//! few); and both mutex fixes counting every increment.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{CommonArgs, Outcomes, Row, Table, say};
use tokio::time::MissedTickBehavior;

/// What a ticker saw while it ran.
#[derive(Debug, Clone, Copy)]
pub struct Ticks {
    pub expected: u64,
    pub ticked: u64,
    pub longest_gap: Duration,
}

/// Ticks every `period` for `run_for`, counting ticks and the longest gap between two.
pub async fn ticker(period: Duration, run_for: Duration) -> Ticks {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip); // a late tick is lost, not bunched
    let start = Instant::now();
    let (mut last, mut ticked, mut longest_gap) = (start, 0, Duration::ZERO);
    while start.elapsed() < run_for {
        interval.tick().await;
        longest_gap = longest_gap.max(last.elapsed());
        last = Instant::now();
        ticked += 1;
    }
    let expected = (run_for.as_nanos() / period.as_nanos()) as u64;
    Ticks {
        expected,
        ticked: ticked.min(expected),
        longest_gap,
    }
}

/// Busy CPU work for `d`.
pub fn spin(d: Duration) -> u64 {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < d {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
    }
    x
}

/// How the blocking job runs beside the ticker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    None,
    SleepInTask,
    SpinInTask,
    SleepInSpawnBlocking,
    SpinInSpawnBlocking,
}

/// Runs the ticker with `job` (blocking for `block`) beside it, on the current runtime.
pub async fn measure(
    job: Job,
    period: Duration,
    run_for: Duration,
    block: Duration,
) -> anyhow::Result<Ticks> {
    let handle = match job {
        Job::None => None,
        Job::SleepInTask => Some(tokio::spawn(async move { std::thread::sleep(block) })),
        Job::SpinInTask => Some(tokio::spawn(async move {
            spin(block);
        })),
        Job::SleepInSpawnBlocking => Some(tokio::task::spawn_blocking(move || {
            std::thread::sleep(block)
        })),
        Job::SpinInSpawnBlocking => Some(tokio::task::spawn_blocking(move || {
            spin(block);
        })),
    };
    let ticks = ticker(period, run_for).await;
    if let Some(handle) = handle {
        handle.await?;
    }
    Ok(ticks)
}

/// Fix 1: a std mutex, with the guard's scope ended before the `.await`.
pub async fn scoped_guard(tasks: usize) -> anyhow::Result<u64> {
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        handles.push(tokio::spawn(async move {
            {
                let mut guard = counter.lock().unwrap_or_else(|e| e.into_inner());
                *guard += 1;
            } // guard dropped here
            tokio::task::yield_now().await;
        }));
    }
    for handle in handles {
        handle.await?;
    }
    Ok(*counter.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Fix 2: `tokio::sync::Mutex`, whose guard may be held across an `.await`.
pub async fn async_mutex(tasks: usize) -> anyhow::Result<u64> {
    let counter = Arc::new(tokio::sync::Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        handles.push(tokio::spawn(async move {
            let mut guard = counter.lock().await;
            tokio::task::yield_now().await; // other tasks run; they wait for the lock
            *guard += 1;
        }));
    }
    for handle in handles {
        handle.await?;
    }
    Ok(*counter.lock().await)
}

#[tokio::main(flavor = "current_thread")]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let period = Duration::from_millis(args.pick(10, 5));
    let run_for = Duration::from_millis(args.pick(300, 80));
    let block = Duration::from_millis(args.pick(200, 50));
    say!(
        "one worker thread; a ticker every {} ms for {} ms, beside a job that blocks for {} ms",
        period.as_millis(),
        run_for.as_millis(),
        block.as_millis()
    );

    // Every row runs for the same time: the lesson is the ticker's longest gap.
    let mut table = Table::new("blocking", args)
        .different_work()
        .bar_on("longest gap ms");
    let variants = [
        ("ticker alone", Job::None),
        ("thread::sleep in a task", Job::SleepInTask),
        ("CPU loop in a task", Job::SpinInTask),
        ("thread::sleep in spawn_blocking", Job::SleepInSpawnBlocking),
        ("CPU loop in spawn_blocking", Job::SpinInSpawnBlocking),
    ];
    let mut gaps = Vec::new();
    for (label, job) in variants {
        let ticks = measure(job, period, run_for, block).await?;
        let outcomes = Outcomes {
            ok: ticks.ticked,
            skipped: Some(ticks.expected - ticks.ticked),
            ..Outcomes::default()
        };
        let row = Row::new(label, ticks.expected as usize, run_for).outcomes(outcomes);
        table.push(row.extra("longest gap ms", ticks.longest_gap.as_millis() as u64));
        gaps.push(ticks.longest_gap);
    }
    table.print();
    say!("(items are the ticker's ticks: ok = on time, skip = missed)");
    say!("spawn_blocking gives the job its own thread; a CPU-bound job still needs a free core,");
    say!("and CPU work that is itself parallel belongs on a rayon pool sized to the cores");

    let tasks = 100;
    let (fix1, fix2) = (scoped_guard(tasks).await?, async_mutex(tasks).await?);
    say!("std Mutex, guard scoped before .await: {fix1}/{tasks} increments");
    say!("tokio::sync::Mutex held across .await: {fix2}/{tasks} increments");

    // What was claimed: a job blocking the only worker freezes the ticker for at least as long
    // as it blocks; the mutex fixes lose no increment.
    anyhow::ensure!(
        gaps[1] >= block && gaps[2] >= block,
        "the blocking job did not stall the ticker"
    );
    anyhow::ensure!(
        fix1 == tasks as u64 && fix2 == tasks as u64,
        "an increment was lost"
    );
    Ok(())
}
