//! # Downloading flags: concurrent awaits, one await after another, and threads
//!
//! Python: `async with aiohttp.ClientSession() as s: await asyncio.gather(*(get_flag(s, cc) for
//! cc in ccs))`, against the classic mistake `for cc in ccs: await get_flag(s, cc)`, which is
//! sequential code that happens to use `await`.
//!
//! Rust: reqwest is the aiohttp of Rust (here without TLS: the fake server is plain HTTP on
//! loopback). `futures::future::join_all` drives every request future at once on this one task:
//! concurrency needs no threads and not even spawned tasks. The blocking alternative is ureq on a
//! pool of as many threads as there are flags, which works just as well at this size; the c10k
//! demo shows where it stops working.
//!
//! Run: `cargo run -p async-io -- flags --count 20 --latency-ms 100`
//!
//! Look for: the sequential row taking count x latency with 1 request in flight; the concurrent
//! row taking about one latency with every request in flight at once (the line under the table
//! compares it with one round trip); the same outcomes in every row. The timeline under the
//! table is the server's view of each request: one lane for the sequential row, one block of
//! lanes for the concurrent one.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use futures::future::join_all;

/// How one download ended: its size, a 404, or any other failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    Ok(usize),
    NotFound,
    Failed,
}

/// Downloads one flag with reqwest; an error status counts as a failure.
pub async fn get_flag(client: &reqwest::Client, url: &str) -> Fetched {
    let answer = match client.get(url).send().await {
        Ok(answer) => answer,
        Err(_) => return Fetched::Failed,
    };
    match answer.status().as_u16() {
        200 => match answer.bytes().await {
            Ok(body) if body.starts_with(b"GIF8") => Fetched::Ok(body.len()),
            _ => Fetched::Failed,
        },
        404 => Fetched::NotFound,
        _ => Fetched::Failed,
    }
}

/// The same with blocking ureq (it reports error statuses as `Err(StatusCode(..))`).
pub fn get_flag_blocking(agent: &ureq::Agent, url: &str) -> Fetched {
    match agent.get(url).call() {
        Ok(mut answer) => match answer.body_mut().read_to_vec() {
            Ok(body) if body.starts_with(b"GIF8") => Fetched::Ok(body.len()),
            _ => Fetched::Failed,
        },
        Err(ureq::Error::StatusCode(404)) => Fetched::NotFound,
        Err(_) => Fetched::Failed,
    }
}

/// The mistake: one `.await` after another.
pub async fn sequential(client: &reqwest::Client, urls: &[String]) -> Vec<Fetched> {
    let mut results = Vec::new();
    for url in urls {
        results.push(get_flag(client, url).await);
    }
    results
}

/// Every request at once; results come back in the order of `urls`.
pub async fn concurrent(client: &reqwest::Client, urls: &[String]) -> Vec<Fetched> {
    join_all(urls.iter().map(|url| get_flag(client, url))).await
}

/// Blocking ureq on `workers` threads, each taking the next URL until none are left.
pub fn thread_pool(urls: &[String], workers: usize, timeout: Duration) -> Vec<Fetched> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None) // loopback: a proxy from HTTP_PROXY or ALL_PROXY would refuse or misroute it
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Fetched::Failed; urls.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let got = get_flag_blocking(&agent, url);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = got;
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A reqwest client for the loopback server: no proxy, and a timeout on every request.
pub fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy() // loopback: a proxy from HTTP_PROXY or ALL_PROXY would refuse or misroute it
        .timeout(timeout)
        .build()
        .context("cannot build the HTTP client")
}
