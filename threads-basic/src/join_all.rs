//! # Start them all, then join them all
//!
//! Python: `for t in threads: t.start()` and then `for t in threads: t.join()`. The classic
//! mistake is `t.start(); t.join()` inside one loop: each thread is waited for before the next
//! one starts, so the "threaded" program downloads one flag at a time.
//!
//! Rust has the same trap: `thread::spawn(..).join()` in a loop is sequential code with extra
//! steps. Collect the `JoinHandle`s first, join them afterwards. Here every thread downloads one
//! flag (with ureq, blocking) from the workshop's fake server, whose own count of requests in
//! flight shows how many threads really worked at once.
//!
//! Run: `cargo run -p threads-basic -- join-all --count 20 --latency-ms 100`
//!
//! Look for: the join-in-the-loop row as slow as the sequential one (count x latency) with the
//! server never seeing more than 1 request in flight, and the start-all row taking about one
//! latency with all of them in flight at once. The timeline under the table draws the server's
//! view: one lane of downloads back to back (a staircase folded onto one line) for the loop,
//! one block, a lane per download, for start-all.

use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::server::{Faults, Server};
use common::{CommonArgs, Row, Table, say, timed};

/// The flag sizes of one variant, in URL order.
type Downloads = anyhow::Result<Vec<usize>>;

/// Downloads one flag and returns its size in bytes.
pub fn download(agent: &ureq::Agent, url: &str) -> anyhow::Result<usize> {
    let mut answer = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let body = answer.body_mut().read_to_vec()?;
    Ok(body.len())
}

/// The mistake: spawn and join inside the same loop.
pub fn join_in_loop(agent: &ureq::Agent, urls: &[String]) -> anyhow::Result<Vec<usize>> {
    let mut sizes = Vec::new();
    for url in urls {
        let (agent, url) = (agent.clone(), url.clone());
        let handle = thread::spawn(move || download(&agent, &url));
        // Waiting right here means the next thread has not even started yet.
        let size = handle
            .join()
            .map_err(|_| anyhow!("a download thread panicked"))??;
        sizes.push(size);
    }
    Ok(sizes)
}

/// The fix: start every thread, keep the handles, then join them in order.
pub fn start_all_then_join(agent: &ureq::Agent, urls: &[String]) -> anyhow::Result<Vec<usize>> {
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (agent, url) = (agent.clone(), url.clone());
            thread::spawn(move || download(&agent, &url))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .map_err(|_| anyhow!("a download thread panicked"))?
        })
        .collect()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 5);
    let server = Server::start(args, Faults::from_args(args, 100, 20))?;
    let latency = server.faults()?.latency_ms;
    say!(
        "{count} flags from {} with {latency} ms latency",
        server.url()
    );

    // One agent (a connection pool), cloned into each thread; every request gets a timeout.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let urls: Vec<String> = common::data::country_codes(count)
        .iter()
        .map(|cc| server.flag_url(cc))
        .collect();

    // The same downloads three ways, each measured by the clock and by the server's peak.
    let mut table = Table::new("join-all", args).timeline();
    let mut measure = |label: &str, threads: Option<usize>, variant: &dyn Fn() -> Downloads| {
        server.reset_stats()?;
        let (sizes, wall) = timed(variant);
        let sizes = sizes?;
        let peak = server.stats()?.max_in_flight;
        let spans = server.spans()?; // the server's view of the downloads
        let mut row = Row::new(label, count, wall)
            .max_in_flight(peak)
            .spans(spans);
        row.workers = threads;
        table.push(row.extra("bytes", sizes.iter().sum::<usize>() as u64));
        anyhow::Ok((sizes, peak))
    };
    let sequential = measure("sequential", None, &|| {
        urls.iter().map(|u| download(&agent, u)).collect()
    })?;
    let looped = measure("join inside the loop", Some(count), &|| {
        join_in_loop(&agent, &urls)
    })?;
    let all = measure("start all, then join", Some(count), &|| {
        start_all_then_join(&agent, &urls)
    })?;
    table.print();

    // What was claimed: the same flags every way; the loop never had two in flight.
    anyhow::ensure!(
        sequential.0 == looped.0 && looped.0 == all.0,
        "downloads differ"
    );
    anyhow::ensure!(looped.1 == 1, "join-in-loop had {} in flight", looped.1);
    Ok(())
}
