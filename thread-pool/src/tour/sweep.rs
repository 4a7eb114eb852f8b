//! The tour of [`crate::lessons::sweep`]: one row per pool size, with the server's peak in
//! flight and its timeline.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Table, say};

use crate::lessons::flags::{Download, agent, download_map};
use crate::lessons::sweep::{SIZES, time_map};
use crate::tour::flags::{flag_urls, row};

/// One row of the sweep: the downloads of a pool of `workers` threads (capped at the number of
/// URLs), with the wall time and the peak in flight the server saw.
pub fn measure(
    agent: &ureq::Agent,
    server: &Server,
    urls: &[String],
    workers: usize,
) -> anyhow::Result<(Vec<Download>, Duration, u64)> {
    server.reset_stats()?;
    let (downloads, wall) = time_map(agent, urls, workers)?;
    Ok((downloads, wall, server.stats()?.max_in_flight))
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let latency = args.latency_or(50, 10);
    let server = Server::start(args, Faults::from_args(args, 50, 10))?;
    let widest = SIZES.iter().map(|&w| w.min(count)).max().unwrap_or(1);
    let agent = agent(latency * 2 + Duration::from_secs(5), widest);
    let urls = flag_urls(&server, &country_codes(count));
    say!(
        "{count} flags, {} ms per request, pools of {SIZES:?} threads (capped at {count})",
        latency.as_millis()
    );

    // Untimed: open the connections the widest pool will use, as in the `flags` demo.
    download_map(&agent, &urls, widest)?;

    let mut table = Table::new("sweep", args).timeline();
    let mut peaks = Vec::new();
    for workers in SIZES {
        let (downloads, wall, peak) = measure(&agent, &server, &urls, workers)?;
        let label = format!("pool of {workers}");
        let threads = workers.min(count);
        table.push(
            row(label, &downloads, wall, latency)
                .workers(threads)
                .max_in_flight(peak)
                .spans(server.spans()?), // waves of `threads` requests
        );
        peaks.push((threads, peak));
    }
    table.print();

    // What was claimed: no pool had more requests in flight than its threads. Reaching exactly
    // min(W, N) depends on every thread starting within one latency; the tests prove it without
    // timing (the server's rendezvous), here we only point out a busy machine.
    for (threads, peak) in peaks {
        anyhow::ensure!(
            peak <= threads as u64,
            "a pool of {threads} had {peak} in flight"
        );
        if peak < threads as u64 {
            say!(
                "note: a pool of {threads} peaked at {peak} in flight: a busy machine started its threads late"
            );
        }
    }
    Ok(())
}
