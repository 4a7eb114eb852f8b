//! Exercises for `async-io`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p async-io --features exercises --test exercises
//! cargo workshop                  # how many are solved, and which is next
//! cargo workshop hint async-io 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
//! The tests start a fake server and hand you its URLs; no network is needed.
#![allow(unused_variables)]

use std::time::Duration;

/// How a batch of requests ended (exercise 4). Every URL is counted exactly once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub failed: usize,
    pub timed_out: usize,
}

/// How a group of jobs ended (exercise 8). Every job is counted exactly once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTally {
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// The first error's message (`to_string()`), if any job failed.
    pub first_error: Option<String>,
}

/// Exercise 1: download every URL concurrently, one task per URL, and return each body's
/// length in the order of `urls`; `None` for a request that failed or answered an error status.
///
/// Nudge: `tokio::task::JoinSet` holds the tasks; a task finishes in any order, so it should
/// say which URL it was.
pub async fn download_all(client: &reqwest::Client, urls: &[String]) -> Vec<Option<usize>> {
    todo!("exercise 1: one task per URL, lengths in input order")
}

/// Exercise 2: the same download, but with at most `limit` requests in flight at once.
///
/// The `semaphore` demo (`cargo run -p async-io -- semaphore`) runs a function with this same
/// signature: its table shows what the cap does to the server's peak and the wall time.
///
/// Nudge: `tokio::sync::Semaphore`, shared by the tasks.
pub async fn download_capped(
    client: &reqwest::Client,
    urls: &[String],
    limit: usize,
) -> Vec<Option<usize>> {
    todo!("exercise 2: at most `limit` downloads in flight")
}

/// Exercise 3: `producers` tasks each send `items_each` items `(producer, seq)` with `seq`
/// counting from 0, over a bounded `tokio::sync::mpsc` channel of `capacity`; one consumer
/// receives them all and returns them in the order it received them. It must return on its own
/// once every producer is done: no sentinel value, no counting.
///
/// Nudge: `rx.recv()` returns `None` once every sender is gone.
pub async fn pipeline(producers: usize, items_each: usize, capacity: usize) -> Vec<(usize, usize)> {
    todo!("exercise 3: producers and a consumer over a bounded channel")
}

/// Exercise 4: request every URL concurrently, each with its own timeout of `limit`, and count
/// how each one ended: ok (status 200 and a body), failed (any error or error status), or timed
/// out.
///
/// Nudge: `tokio::time::timeout` wraps any future.
pub async fn fetch_with_timeout(
    client: &reqwest::Client,
    urls: &[String],
    limit: Duration,
) -> Tally {
    todo!("exercise 4: a timeout on each request, and a tally")
}

/// Exercise 5: run the CPU-bound `job` and return its result, without stopping the runtime's
/// other tasks. The test calls this on a current_thread runtime (one thread, like asyncio's
/// event loop) with a ticker task beside it, and checks that the ticker kept ticking while the
/// job ran.
///
/// Hint: a task gives its thread back only at an `.await`, and `job` has none: wherever it runs
/// on the runtime, `tokio::spawn` included, it holds the one thread until it is done. Python's
/// answer is `await loop.run_in_executor(None, job)`.
pub async fn off_the_runtime<T, F>(job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    todo!("exercise 5: run the CPU job off the runtime's thread")
}

/// Exercise 6: the async web server's handler, the part that does the work. Fetch
/// `{upstream}/flags/{cc}/metadata.json` and `{upstream}/flags/{cc}/{cc}.gif` (the code in lower
/// case) at the same time with the shared `client`, and answer
/// `FlagInfo { cc, country: the metadata's "country", bytes: the flag's length }`. `cc` is already
/// checked (two letters, upper case, like "BR"); the client carries the upstream timeout.
///
/// Every failure becomes the error whose status the server answers: the upstream's 404 is
/// `ApiError::UnknownCode(cc)` (404), any other error status or failed call is
/// `ApiError::Upstream(why)` (502), and a timeout is `ApiError::UpstreamTimeout` (504).
///
/// A first nudge: `tokio::try_join!` runs two futures at once and stops at the first error.
pub async fn flag_info(
    client: &reqwest::Client,
    upstream: &str,
    cc: &str,
) -> Result<crate::lessons::web::FlagInfo, crate::lessons::web::ApiError> {
    todo!("exercise 6: fetch the metadata and the flag at once, map failures to statuses")
}

/// Exercise 7: `crate::lessons::web_upstream::flag_info_blocking(&agent, &upstream, &cc)` is the same service
/// with a blocking client (ureq). Call it from this `async fn` without stalling the runtime: the
/// tests run several of these at once on a single-threaded runtime and expect their upstream
/// calls to overlap. If the blocking code panics, answer `ApiError::Internal(why)` (500).
///
/// A first nudge: a blocking call belongs on a thread that is allowed to block.
pub async fn flag_info_blocking(
    agent: ureq::Agent,
    upstream: String,
    cc: String,
) -> Result<crate::lessons::web::FlagInfo, crate::lessons::web::ApiError> {
    todo!("exercise 7: move the blocking call to tokio's blocking pool")
}

/// Exercise 8: run `jobs` as one group, the way `async with asyncio.TaskGroup()` does: all of
/// them at once; at the first error, cancel every job still running; return only once every job
/// has ended (finished or cancelled), with a tally and the first error's message. When this
/// returns, nothing the group started may still be running: the tests check that no job's
/// future is alive any more, and that no cancelled job finishes later.
///
/// A first nudge: `tokio::task::JoinSet` and its `abort_all`; a `JoinError` says whether its
/// task was cancelled.
pub async fn first_error_cancels<F>(jobs: Vec<F>) -> GroupTally
where
    F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    todo!("exercise 8: run the jobs as a group, cancel the rest at the first error")
}
