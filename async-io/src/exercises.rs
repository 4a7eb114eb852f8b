//! Exercises for `async-io`. Replace each `todo!()` with your code, then run
//!
//! ```text
//! cargo test -p async-io --features exercises --test exercises
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

/// Exercise 1: download every URL concurrently, one task per URL, and return each body's
/// length in the order of `urls`; `None` for a request that failed or answered an error status.
///
/// Hints: `tokio::task::JoinSet`; `set.spawn(async move { .. })` needs owned data, so clone the
/// client (cheap: it is a handle) and the URL, and return the index with the result;
/// `set.join_next().await` gives `Some(Result<T, JoinError>)` until the set is empty.
/// `client.get(url).send().await?.error_for_status()?.bytes().await?` is one download.
pub async fn download_all(client: &reqwest::Client, urls: &[String]) -> Vec<Option<usize>> {
    todo!()
}

/// Exercise 2: the same download, but with at most `limit` requests in flight at once.
///
/// Hints: `Arc<tokio::sync::Semaphore>` with `limit` permits; spawn every task at once and
/// acquire the permit *inside* the task with `permits.clone().acquire_owned().await`, keeping
/// the permit alive (`let _permit = ..`, not `let _ = ..`) until the download is done.
pub async fn download_capped(
    client: &reqwest::Client,
    urls: &[String],
    limit: usize,
) -> Vec<Option<usize>> {
    todo!()
}

/// Exercise 3: `producers` tasks each send `items_each` items `(producer, seq)` with `seq`
/// counting from 0, over a bounded `tokio::sync::mpsc` channel of `capacity`; one consumer
/// receives them all and returns them in the order it received them. It must return on its own
/// once every producer is done: no sentinel value, no counting.
///
/// Hints: `mpsc::channel(capacity)`; give each producer task its own `tx.clone()`, and drop the
/// original `tx`, or `rx.recv()` never returns `None`.
pub async fn pipeline(producers: usize, items_each: usize, capacity: usize) -> Vec<(usize, usize)> {
    todo!()
}

/// Exercise 4: request every URL concurrently, each with its own timeout of `limit`, and count
/// how each one ended: ok (status 200 and a body), failed (any error or error status), or timed
/// out.
///
/// Hints: `tokio::time::timeout(limit, fut).await` gives `Err(Elapsed)` when time runs out;
/// `futures::future::join_all` runs the futures of one batch at once.
pub async fn fetch_with_timeout(
    client: &reqwest::Client,
    urls: &[String],
    limit: Duration,
) -> Tally {
    todo!()
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
) -> Result<crate::web::FlagInfo, crate::web::ApiError> {
    todo!("exercise 6: fetch the metadata and the flag at once, map failures to statuses")
}

/// Exercise 7: `crate::web::blocking::flag_info(&agent, &upstream, &cc)` is the same service
/// with a blocking client (ureq). Call it from this `async fn` without stalling the runtime: the
/// tests run several of these at once on a single-threaded runtime and expect their upstream
/// calls to overlap. If the blocking code panics, answer `ApiError::Internal(why)` (500).
///
/// A first nudge: a blocking call belongs on a thread that is allowed to block.
pub async fn flag_info_blocking(
    agent: ureq::Agent,
    upstream: String,
    cc: String,
) -> Result<crate::web::FlagInfo, crate::web::ApiError> {
    todo!("exercise 7: move the blocking call to tokio's blocking pool")
}
