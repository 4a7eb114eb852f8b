//! # Downloading flags: concurrent awaits, one await after another, and threads
//!
//! Python: `async with aiohttp.ClientSession() as s: await asyncio.gather(*(get_flag(s, cc) for
//! cc in ccs))`, against the classic mistake `for cc in ccs: await get_flag(s, cc)`, which is
//! sequential code that happens to use `await`.
//!
//! reqwest is the aiohttp of Rust (here without TLS: the fake server is plain HTTP on
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

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say};
use futures::future::join_all;

use crate::server_stats;

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
        .proxy(None)
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Fetched::Failed; urls.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(url) = urls.get(i) else { break };
                    let got = get_flag_blocking(&agent, url);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = got;
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Counts the outcomes of a batch, so every row's counts add up to its items.
pub fn tally(results: &[Fetched]) -> Outcomes {
    let count = |f: fn(&Fetched) -> bool| results.iter().filter(|r| f(r)).count() as u64;
    Outcomes {
        ok: count(|r| matches!(r, Fetched::Ok(_))),
        not_found: Some(count(|r| *r == Fetched::NotFound)),
        errors: Some(count(|r| *r == Fetched::Failed)),
        ..Outcomes::default()
    }
}

/// A reqwest client for the loopback server: no proxy, and a timeout on every request.
pub fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .context("cannot build the HTTP client")
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 20);
    let latency = args.latency_or(100, 10);
    let workers = args.workers_or(count);
    let timeout = latency + Duration::from_secs(10);
    let server = Arc::new(Server::start(args, Faults::from_args(args, 100, 10))?);
    let urls: Vec<String> = common::data::country_codes(count)
        .into_iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let client = client(timeout)?;
    say!(
        "{count} flags, {} ms latency, from {}",
        latency.as_millis(),
        server.url()
    );

    let mut table = Table::new("flags", args).timeline();
    let mut all = Vec::new();
    let variants = [
        "one await after another",
        "concurrent (join_all)",
        "ureq on a thread pool",
    ];
    for (i, variant) in variants.into_iter().enumerate() {
        server_stats::reset_stats(&server).await?;
        let watch = Instant::now();
        let results = match i {
            0 => sequential(&client, &urls).await,
            1 => concurrent(&client, &urls).await,
            _ => {
                let urls = urls.clone();
                tokio::task::spawn_blocking(move || thread_pool(&urls, workers, timeout)).await?
            }
        };
        let wall = watch.elapsed();
        let peak = server_stats::stats(&server).await?.max_in_flight;
        let mut row = Row::new(variant, count, wall).max_in_flight(peak);
        if i == 2 {
            row = row.workers(workers);
        }
        let rtt = wall.as_secs_f64() / latency.as_secs_f64().max(1e-3);
        let row = row
            .outcomes(tally(&results))
            .spans(server_stats::spans(&server).await?);
        table.push(row.extra("x latency", rtt));
        all.push((results, peak, wall));
    }
    table.print();

    let (seq_wall, conc_wall) = (all[0].2.as_secs_f64(), all[1].2.as_secs_f64());
    say!(
        "concurrent: {:.2}x one round trip (aim: within 1.2x), {:.1}x faster than one await after another (aim: 15x or more)",
        conc_wall / latency.as_secs_f64().max(1e-3),
        seq_wall / conc_wall.max(1e-9),
    );

    // What was claimed: the same outcome for every flag in every row; one request at a time
    // in the sequential row; requests overlapping in the concurrent row.
    anyhow::ensure!(
        all.iter().all(|(r, _, _)| *r == all[0].0),
        "the rows disagree"
    );
    anyhow::ensure!(all[0].1 == 1, "sequential awaits overlapped");
    anyhow::ensure!(
        count == 1 || all[1].1 > 1,
        "concurrent requests never overlapped"
    );
    Ok(())
}
