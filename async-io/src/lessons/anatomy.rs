//! # The anatomy of async Rust: `async fn`, `.await`, tasks, `gather` and `as_completed`
//!
//! Python: `results = await asyncio.gather(*(job(n) for n in names))` keeps the order you asked
//! in; `for next_done in asyncio.as_completed(coros): print(await next_done)` hands results over
//! as they finish.
//!
//! Rust: three things change. A future is lazy: calling an `async fn` runs none of its body
//! until something `.await`s or polls it ([`lazy`] shows it). There is no built-in event loop:
//! `#[tokio::main]` builds a tokio runtime and blocks on the body. And `tokio::spawn` hands a
//! future to the runtime as a *task* that runs on its own, returning a `JoinHandle` whose
//! `.await` gives `Result<T, JoinError>` (a panicking task is an `Err`, not a crash). Awaiting
//! the handles in order is `gather`; a `JoinSet` and `join_next` is `as_completed`. Which
//! runtime: `#[tokio::main]` builds the multi-thread one, a worker thread per core, where
//! asyncio has one thread; the `runtimes` demo compares the two.
//!
//! Run: `cargo run -p async-io -- anatomy`
//!
//! Look for: "job A started" printed only after the first `.await`; one-by-one awaits taking the
//! sum of the delays, both task rows taking about the longest one; `gather` giving results in
//! spawn order and `JoinSet` in finishing order (shortest delay first).

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinSet;

/// One job: wait `delay` (standing in for I/O) and return its name.
pub async fn job(name: &'static str, delay: Duration) -> &'static str {
    tokio::time::sleep(delay).await; // gives the thread back to the runtime until the timer fires
    name
}

/// A future is lazy: creating it runs nothing, awaiting it runs it. `log` hears each step, so
/// the order of the lines is the lesson.
pub async fn lazy(delay: Duration, log: impl Fn(&str)) -> &'static str {
    let future = async {
        log("job A started (inside the future)");
        job("A", delay).await
    };
    log("created the future for job A: nothing has run yet");
    future.await
}

/// The mistake-free baseline: one `.await` after another, each job starting when the previous
/// one is done.
pub async fn one_by_one<F: Future>(jobs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut results = Vec::new();
    for job in jobs {
        results.push(job.await);
    }
    results
}

/// `gather`: spawn every job as a task, then await the handles in spawn order.
pub async fn gather<F>(jobs: impl IntoIterator<Item = F>) -> anyhow::Result<Vec<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.context("a task panicked")?);
    }
    Ok(results)
}

/// `as_completed`: a `JoinSet` yields each task's result as soon as it finishes.
pub async fn as_completed<F>(jobs: impl IntoIterator<Item = F>) -> anyhow::Result<Vec<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let mut results = Vec::new();
    while let Some(result) = set.join_next().await {
        results.push(result.context("a task panicked")?);
    }
    Ok(results)
}
