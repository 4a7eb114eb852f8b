//! The fake server's counters, read from async code.
//!
//! Under `--server URL` the server is another process and [`Server::stats`] is an HTTP call
//! made with a blocking client (ureq): called straight from an `async fn`, it would hold the
//! runtime thread for a whole round trip, and every task on that thread would wait with it.
//! So the demos make these calls through `spawn_blocking`, as the blocking lesson teaches. (With the
//! built-in server the call is a few atomic loads, but the demos cannot know which they have.)

use std::sync::Arc;

use anyhow::Context;
use common::server::{Server, Stats};
use common::spans::Span;

/// [`Server::stats`] on tokio's blocking pool.
pub async fn stats(server: &Arc<Server>) -> anyhow::Result<Stats> {
    let server = Arc::clone(server);
    tokio::task::spawn_blocking(move || server.stats())
        .await
        .context("reading the server's stats panicked")?
}

/// [`Server::reset_stats`] on tokio's blocking pool.
pub async fn reset_stats(server: &Arc<Server>) -> anyhow::Result<()> {
    let server = Arc::clone(server);
    tokio::task::spawn_blocking(move || server.reset_stats())
        .await
        .context("resetting the server's stats panicked")?
}

/// [`Server::spans`] (the requests since the last reset, for a row's timeline) on tokio's
/// blocking pool.
pub async fn spans(server: &Arc<Server>) -> anyhow::Result<Vec<Span>> {
    let server = Arc::clone(server);
    tokio::task::spawn_blocking(move || server.spans())
        .await
        .context("reading the server's trace panicked")?
}

/// [`reset_stats`] once the server has been idle for two polls in a row (nothing in flight, no
/// new request), waiting at most `limit`: a request a cancelled task had already sent may still
/// be on its way in, or being served to its end, and would count in the next row's peak.
pub async fn reset_when_idle(
    server: &Arc<Server>,
    limit: std::time::Duration,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut last = None;
    while tokio::time::Instant::now() < deadline {
        let now = stats(server).await?;
        if now.in_flight == 0 && last == Some(now.requests) {
            break;
        }
        last = Some(now.requests);
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    reset_stats(server).await
}
