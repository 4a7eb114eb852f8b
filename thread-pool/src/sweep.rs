//! # How many workers? Sweep the pool size
//!
//! Python: `for n in (1, 2, 4, 8, 16, 32): with ThreadPoolExecutor(n) as ex: list(ex.map(...))`,
//! timing each, to see where `max_workers` stops paying.
//!
//! Rust: the same pool as the `flags` demo, sized 1, 2, 4, 8, 16 and 32, each size capped at the
//! number of flags (a 32-thread pool for 20 flags starts 20 threads: the other 12 would find the
//! queue empty). The fake server counts the requests in flight, so each row shows how many
//! downloads really overlapped.
//!
//! Run: `cargo run -p thread-pool -- sweep --count 20 --latency-ms 100`
//!
//! Look for: wall time falling as W doubles, about N/W round trips rounded up (20 flags on 8
//! threads take 3), until W reaches N; after that it stops falling. The server's peak in flight
//! is min(W, N) on every row, and the timeline under the table shows the waves: W lanes, each
//! running its N/W downloads back to back.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Table, say, timed};

use crate::flags::{agent, download_map, row};

/// The pool sizes of the sweep.
pub const SIZES: [usize; 6] = [1, 2, 4, 8, 16, 32];

/// One row of the sweep: the downloads of a pool of `workers` threads (capped at the number of
/// codes), with the wall time and the peak in flight the server saw.
pub fn measure(
    agent: &ureq::Agent,
    server: &Server,
    codes: &[&str],
    workers: usize,
) -> anyhow::Result<(Vec<crate::flags::Download>, Duration, u64)> {
    server.reset_stats()?;
    let (downloads, wall) = timed(|| download_map(agent, server, codes, workers));
    Ok((downloads?, wall, server.stats()?.max_in_flight))
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let latency = args.latency_or(50, 10);
    let server = Server::start(args, Faults::from_args(args, 50, 10))?;
    let widest = SIZES.iter().map(|&w| w.min(count)).max().unwrap_or(1);
    let agent = agent(latency * 2 + Duration::from_secs(5), widest);
    let codes = country_codes(count);
    say!(
        "{count} flags, {} ms per request, pools of {SIZES:?} threads (capped at {count})",
        latency.as_millis()
    );

    // Untimed: open the connections the widest pool will use, as in the `flags` demo.
    download_map(&agent, &server, &codes, widest)?;

    let mut table = Table::new("sweep", args).timeline();
    let mut peaks = Vec::new();
    for workers in SIZES {
        let (downloads, wall, peak) = measure(&agent, &server, &codes, workers)?;
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
