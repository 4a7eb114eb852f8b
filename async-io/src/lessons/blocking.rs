//! # Blocking inside async: the stalled event loop, and `spawn_blocking`
//!
//! Python: `time.sleep(1)` or a CPU-heavy loop inside a coroutine freezes the event loop for the
//! whole call; `await asyncio.to_thread(blocking_job)` (or `loop.run_in_executor(None, ...)`)
//! moves it to a thread. That frees the loop from a blocking sleep or I/O call; a CPU loop there
//! still shares the GIL with the loop's thread, which then runs only in turns.
//!
//! Rust: tokio has the same trap: a task only gives its thread back at an `.await`, so a task
//! that blocks (std's sleep, a long computation, a blocking client) holds its worker thread.
//! On a current-thread runtime, asyncio's model and the one the tour runs, that stalls every
//! other task for the whole call, as the ticker's longest gap shows. On the multi-thread
//! runtime the stall is partial: the other workers take the tasks queued behind it, and what
//! waits is only what that worker alone held (the task in its next-task slot, the timer or I/O
//! driver it was running), so a ticker there may not show it at all.
//! `tokio::task::spawn_blocking` moves the job to tokio's blocking thread pool and the ticker
//! keeps its rhythm. (For CPU work that is itself parallel, a rayon pool sized to the cores is
//! the better home.) The other classic, a lock held across an `.await`, is the next lesson,
//! `mutex_across_await.rs`.
//!
//! Run: `cargo run -p async-io -- blocking`
//!
//! Look for: the ticker alone missing no ticks; a blocking sleep or CPU loop inside a task
//! skipping most of them, with a longest gap as long as the job; `spawn_blocking` restoring the
//! rhythm (a CPU loop there still needs a free core: on a busy machine the ticker may miss a
//! few).

use std::time::{Duration, Instant};

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
