//! # CPU jobs on a runtime: as tasks, or on the blocking pool
//!
//! Python: `await loop.run_in_executor(pool, count_primes, start, n)` moves a CPU job off the
//! event loop; run as a coroutine it would hold the loop until it returned. With a thread pool
//! the job still holds the GIL in turns with the loop; a `ProcessPoolExecutor` runs it beside
//! the loop on another core (the `--python` rows of the tour show both).
//!
//! Rust: a task spawned with `tokio::spawn` that never awaits keeps its worker thread from every
//! other task until it is done: on a current-thread runtime the jobs run one after another, on a
//! multi-thread one in parallel but with every worker busy computing. `spawn_blocking` is
//! tokio's `run_in_executor`: the jobs run on a pool of threads beside the runtime, which keeps
//! serving its tasks. The job itself is [`count_primes`], plain trial division on purpose.
//!
//! Run: `cargo run -p async-io -- runtimes`
//!
//! Look for: the CPU tasks taking the whole batch's time on current_thread, about `cores` times
//! less on the multi-thread runtime, with the ticker's longest gap as long as a job or more in
//! both; `spawn_blocking` as fast, its ticker keeping its beat.

use std::sync::Arc;
use std::thread::{self, ThreadId};

use anyhow::Context;

/// Whether `n` is prime, by trial division with odd divisors: plain CPU work on purpose (no
/// cache, no sieve), so it scales with cores and nothing else.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// One CPU job: how many of the `n` numbers from `start` are prime.
pub fn count_primes(start: u64, n: u64) -> u64 {
    (start..start + n).filter(|&k| is_prime(k)).count() as u64
}

/// Runs `job(i)` for every `i` in `0..jobs` as a task on the runtime (`tokio::spawn`), returning
/// each result, in job order, with the thread that ran it. A job never awaits, so it keeps its
/// worker thread from every other task until it is done.
pub async fn cpu_as_tasks<T, F>(jobs: usize, job: F) -> anyhow::Result<Vec<(T, ThreadId)>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let handles: Vec<_> = (0..jobs)
        .map(|i| {
            let job = Arc::clone(&job);
            tokio::spawn(async move { (job(i), thread::current().id()) })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.context("a CPU task panicked")?);
    }
    Ok(results)
}

/// The same on tokio's blocking pool (`spawn_blocking`, tokio's `run_in_executor`): threads
/// beside the runtime's, so its own threads stay free for the tasks.
pub async fn cpu_on_blocking_pool<T, F>(jobs: usize, job: F) -> anyhow::Result<Vec<(T, ThreadId)>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let handles: Vec<_> = (0..jobs)
        .map(|i| {
            let job = Arc::clone(&job);
            tokio::task::spawn_blocking(move || (job(i), thread::current().id()))
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.context("a CPU job panicked")?);
    }
    Ok(results)
}
