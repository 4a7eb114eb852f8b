//! # c10k with tasks: ten thousand requests at once on a few threads
//!
//! Python: `await asyncio.gather(*(fetch(s, url) for url in ten_thousand_urls))` keeps them all
//! in flight on one thread (with `aiohttp.TCPConnector(limit=0)`: the default connector opens at
//! most 100 connections at once). The batch then ends when that one core has done every
//! request's parsing and bookkeeping: well past one round trip at thousands of requests (the
//! `--python` row gives its CPU time per request).
//!
//! Rust: a tokio task is a state machine on the heap, and a few worker threads serve them all.
//! The tasks run twice: with reqwest (the client the other demos use: a pool, redirects, a URL
//! parser) and with hyper's own client, one connection per request and nothing else, to show
//! what those layers cost when 10,000 connections open at once. Every request has a timeout.
//! The threads that do the same are the next lesson, `c10k_threads.rs`.
//!
//! Run: `cargo run --release -p async-io -- c10k --tasks 10000 --latency-ms 1000` (the tour
//! runs a smaller size at a shorter latency)
//!
//! Look for, in a release build: `x latency`, wall time over one round trip, within 1.5x for
//! the hyper row and a little more for reqwest's (a debug build spends much of it in the
//! unoptimised HTTP stack; the line under the table says so); `KiB/request`, the memory each
//! request cost: the tasks rows need the least, hyper less than reqwest.

use std::time::{Duration, Instant};

use anyhow::Context;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{CONNECTION, HOST};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::task::JoinSet;

/// Which HTTP client the tasks use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// reqwest: a connection pool, redirects and a URL parser on top of hyper.
    Reqwest,
    /// hyper's own client: one connection, one request, nothing else.
    Hyper,
}

/// Every request a task, all spawned at once on a multi-threaded runtime.
#[tokio::main]
pub async fn tasks(
    urls: Vec<String>,
    timeout: Duration,
    client: Client,
) -> anyhow::Result<(Vec<&'static str>, Duration)> {
    // No proxy: the server is on loopback, and HTTP_PROXY or ALL_PROXY would misroute it.
    let reqwest = reqwest::Client::builder().no_proxy().build()?;
    let watch = Instant::now();
    let mut set = JoinSet::new();
    for url in urls {
        let reqwest = reqwest.clone();
        set.spawn(async move {
            let fetched = match client {
                Client::Reqwest => tokio::time::timeout(timeout, get_reqwest(&reqwest, &url)).await,
                Client::Hyper => tokio::time::timeout(timeout, get_hyper(&url)).await,
            };
            match fetched {
                Ok(Ok(())) => "ok",
                Ok(Err(_)) => "failed",
                Err(_elapsed) => "timed_out",
            }
        });
    }
    let ends = set.join_all().await;
    Ok((ends, watch.elapsed()))
}

// Every request asks the server to close the connection once it has answered. Whichever side
// closes first keeps the port pair in TIME_WAIT for a minute; left on the client, 10,000 of
// them make the next run's connects search a crowded port range.

async fn get_reqwest(client: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let answer = client.get(url).header(CONNECTION, "close").send().await?;
    answer.error_for_status()?.bytes().await?;
    Ok(())
}

async fn get_hyper(url: &str) -> anyhow::Result<()> {
    let uri: Uri = url.parse()?;
    let host = uri.authority().context("a URL without a host")?.as_str();
    let tcp = tokio::net::TcpStream::connect(host).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(tcp)).await?;
    // The connection is a future of its own that moves the bytes: it runs as a task beside us.
    tokio::spawn(connection);
    let request = Request::get(uri.path())
        .header(HOST, host)
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())?;
    let answer = sender.send_request(request).await?;
    anyhow::ensure!(answer.status().is_success(), "HTTP {}", answer.status());
    answer.into_body().collect().await?;
    Ok(())
}
