//! # rayon: pools for CPU work, and why blocking I/O does not belong on them
//!
//! Python: `ProcessPoolExecutor` for CPU work (the GIL), `ThreadPoolExecutor` for I/O, and the
//! advice to size each for its job.
//!
//! Rust: rayon's `par_iter` runs CPU work on its global pool (one thread per core), or on a
//! `ThreadPoolBuilder` pool of the size you choose (`pool.install(|| ...)`), with the same code.
//! But rayon assumes its jobs compute: a job blocked on the network holds its thread, so on the
//! global pool at most one request per core is in flight. Blocking I/O wants a pool sized for
//! I/O (here a rayon pool with a thread per item; any thread pool would do).
//!
//! Run: `cargo run -p thread-pool -- rayon --workers 1` (`--workers` sizes the built CPU pool;
//! `--count` and `--latency-ms` shape the I/O part; `--release` for real CPU numbers)
//!
//! Look for: the same prime count on every CPU row, the global pool up to `cores` times faster
//! than sequential and the built pool (half the cores by default, leaving the rest to other
//! work) in proportion to its size, on an idle machine (programs busy on the same cores eat the
//! gain); in the I/O table, the global pool's peak in flight equal to its thread count and its
//! wall time about `count / threads` download-plus-upload round trips, against about one for
//! the pool sized for I/O.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::work::is_prime;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};
use rayon::prelude::{IntoParallelIterator, IntoParallelRefIterator, ParallelIterator};

use crate::flags::{agent, get_flag};

/// Counts the primes below `limit` with rayon, on whatever pool this runs in.
pub fn count_primes(limit: u64) -> usize {
    (0..limit).into_par_iter().filter(|&n| is_prime(n)).count()
}

/// One item of the I/O job: download a flag, then upload it again. Blocking, like `requests`.
pub fn transfer(agent: &ureq::Agent, server: &Server, cc: &str) -> Result<(), ureq::Error> {
    let flag = get_flag(agent, &server.flag_url(cc))?;
    let url = format!("{}/uploads/{}.gif", server.url(), cc.to_ascii_lowercase());
    agent.put(&url).send(&flag[..])?;
    Ok(())
}

/// The I/O job on whatever rayon pool this runs in; the number of items that failed.
pub fn transfer_all(agent: &ureq::Agent, server: &Server, codes: &[&str]) -> u64 {
    codes
        .par_iter()
        .filter(|cc| transfer(agent, server, cc).is_err())
        .count() as u64
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    // Part 1: CPU work, the same code on three pools.
    let limit = args.pick(300_000, 30_000);
    let global = rayon::current_num_threads();
    let workers = args.workers_or((global / 2).max(1));
    say!(
        "primes below {limit}: sequential, rayon's global pool ({global} threads), a pool of {workers}"
    );
    let mut cpu = Table::new("rayon", args);
    let (seq, wall) = timed(|| (0..limit).filter(|&n| is_prime(n)).count());
    cpu.push(Row::new("sequential iterator", limit as usize, wall).extra("primes", seq));
    let (on_global, wall) = timed(|| count_primes(limit));
    let row = Row::new("par_iter, global pool", limit as usize, wall).workers(global);
    cpu.push(row.extra("primes", on_global));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let (on_built, wall) = timed(|| pool.install(|| count_primes(limit)));
    let row = Row::new("par_iter, built pool", limit as usize, wall).workers(workers);
    cpu.push(row.extra("primes", on_built));
    cpu.print();
    anyhow::ensure!(seq == on_global && seq == on_built, "prime counts differ");

    // Part 2: blocking I/O, a download and an upload per item, on the global pool and on a
    // pool with a thread per item.
    let count = args.count_or(20, 8);
    let latency = args.latency_or(100, 10);
    let server = Server::start(args, Faults::from_args(args, 100, 10))?;
    let agent = agent(latency * 2 + Duration::from_secs(5), count);
    let codes = country_codes(count);
    say!(
        "\n{count} items, each a {0} ms download then a {0} ms upload, with rayon",
        latency.as_millis()
    );
    let io_pool = rayon::ThreadPoolBuilder::new().num_threads(count).build()?;
    io_pool.install(|| transfer_all(&agent, &server, &codes)); // untimed: opens the connections

    let mut io = Table::new("rayon", args);
    let mut peaks = Vec::new();
    for (label, threads) in [("global pool", global), ("pool sized for I/O", count)] {
        server.reset_stats()?;
        let (failed, wall) = if threads == count {
            timed(|| io_pool.install(|| transfer_all(&agent, &server, &codes)))
        } else {
            timed(|| transfer_all(&agent, &server, &codes))
        };
        let peak = server.stats()?.max_in_flight;
        let outcomes = Outcomes {
            ok: count as u64 - failed,
            errors: Some(failed),
            ..Outcomes::default()
        };
        let mut row = Row::new(label, count, wall)
            .workers(threads)
            .max_in_flight(peak);
        if !latency.is_zero() {
            row = row.extra(
                "round trips",
                wall.as_secs_f64() / (2.0 * latency.as_secs_f64()),
            );
        }
        io.push(row.outcomes(outcomes));
        peaks.push(peak);
    }
    io.print();

    // What was claimed: on the global pool, never more requests in flight than its threads.
    anyhow::ensure!(
        peaks[0] <= global as u64,
        "the global pool had {} in flight with {global} threads",
        peaks[0]
    );
    Ok(())
}
