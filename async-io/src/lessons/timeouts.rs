//! # Timeouts, deadlines and cancellation
//!
//! Python: `async with asyncio.timeout(0.15):` (3.11) or `await asyncio.wait_for(get_flag(cc),
//! 0.15)` per request; `done, pending = await asyncio.wait(tasks, timeout=0.2)` for a whole
//! batch, then `task.cancel()` for the pending ones.
//!
//! Rust: cancelling a future is dropping it: it simply is never polled again, and whatever it
//! owned (here, the HTTP connection) is closed. `tokio::time::timeout` wraps any future; a
//! `JoinSet` aborts its tasks when told to (or when dropped), and a task that had already
//! finished still hands over its result; and a `CancellationToken` (tokio-util) is the way to
//! tell a whole group of tasks to stop, each deciding where it may stop. Every request started
//! here ends in exactly one outcome: done (ok or error), timed out, or cancelled. Racing two
//! sources is the next lesson, `races.rs`.
//!
//! Run: `cargo run -p async-io -- timeouts`
//!
//! Look for: answers take 50 to 250 ms (latency plus reproducible jitter), so a 150 ms timeout
//! times out some of them; the batch deadline cuts what is still running at 200 ms; the token
//! row cancels whatever was still in flight.

use std::time::Duration;

use anyhow::Context;
use futures::future::join_all;
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_util::sync::CancellationToken;

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Done,
    Failed,
    TimedOut,
    Cancelled,
}

/// One GET: done once the whole body has arrived, failed on any error or error status.
pub async fn fetch(client: &reqwest::Client, url: &str) -> End {
    let answer = client
        .get(url)
        .send()
        .await
        .and_then(|a| a.error_for_status());
    match answer {
        Ok(answer) => match answer.bytes().await {
            Ok(_) => End::Done,
            Err(_) => End::Failed,
        },
        Err(_) => End::Failed,
    }
}

/// `timeout` around each request.
pub async fn per_request(client: &reqwest::Client, urls: &[String], limit: Duration) -> Vec<End> {
    join_all(urls.iter().map(|url| async move {
        timeout(limit, fetch(client, url))
            .await
            .unwrap_or(End::TimedOut)
    }))
    .await
}

/// One deadline for the batch: what has not finished by then is aborted and counts as timed out.
pub async fn batch_deadline(
    client: &reqwest::Client,
    urls: &[String],
    deadline: Duration,
) -> anyhow::Result<Vec<End>> {
    let deadline = Instant::now() + deadline;
    let mut set = JoinSet::new();
    for url in urls {
        let (client, url) = (client.clone(), url.clone());
        set.spawn(async move { fetch(&client, &url).await });
    }
    join_by(set, deadline).await
}

/// Joins the tasks of `set` until `deadline`, then aborts the rest, which count as timed out.
/// A task that finished by the deadline but was not joined yet (the runtime had not got round
/// to it) still counts as done: aborting a finished task changes nothing, and draining
/// `join_next` after `abort_all` hands over its result.
pub async fn join_by(mut set: JoinSet<End>, deadline: Instant) -> anyhow::Result<Vec<End>> {
    let mut joined = Vec::new();
    // `join_next` is cancel-safe: when the deadline drops this loop, no result is lost.
    let _ = timeout_at(deadline, async {
        while let Some(done) = set.join_next().await {
            joined.push(done);
        }
    })
    .await;
    set.abort_all();
    while let Some(done) = set.join_next().await {
        joined.push(done);
    }
    joined
        .into_iter()
        .map(|done| match done {
            Ok(end) => Ok(end),
            Err(e) if e.is_cancelled() => Ok(End::TimedOut),
            Err(e) => Err(e).context("a request task panicked"),
        })
        .collect()
}

/// Starts every request as a task; after `after`, one `cancel()` stops the whole group.
pub async fn cancel_group(
    client: &reqwest::Client,
    urls: &[String],
    after: Duration,
) -> anyhow::Result<Vec<End>> {
    let token = CancellationToken::new();
    let mut set = JoinSet::new();
    for url in urls {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        set.spawn(async move {
            tokio::select! {
                _ = token.cancelled() => End::Cancelled,
                end = fetch(&client, &url) => end,
            }
        });
    }
    tokio::time::sleep(after).await;
    token.cancel();
    let mut ends = Vec::new();
    while let Some(end) = set.join_next().await {
        ends.push(end.context("a request task panicked")?);
    }
    Ok(ends)
}
