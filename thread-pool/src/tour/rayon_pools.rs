//! The tour of [`crate::lessons::rayon_pools`]: the prime count on three pools, then the
//! blocking transfers on the global pool and on a pool sized for I/O.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::flags::agent;
use crate::lessons::rayon_pools::{Transfer, count_primes, is_prime, transfer_all};

/// Each code's transfer on `server`: its flag, then an upload under the same name.
pub fn transfers(server: &Server, codes: &[&str]) -> Vec<Transfer> {
    codes
        .iter()
        .map(|cc| Transfer {
            download: server.flag_url(cc),
            upload: format!("{}/uploads/{}.gif", server.url(), cc.to_ascii_lowercase()),
        })
        .collect()
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
    let items = transfers(&server, &country_codes(count));
    say!(
        "\n{count} items, each a {0} ms download then a {0} ms upload, with rayon",
        latency.as_millis()
    );
    let io_pool = rayon::ThreadPoolBuilder::new().num_threads(count).build()?;
    io_pool.install(|| transfer_all(&agent, &items)); // untimed: opens the connections

    let mut io = Table::new("rayon", args);
    let mut peaks = Vec::new();
    for (label, threads) in [("global pool", global), ("pool sized for I/O", count)] {
        server.reset_stats()?;
        let (failed, wall) = if threads == count {
            timed(|| io_pool.install(|| transfer_all(&agent, &items)))
        } else {
            timed(|| transfer_all(&agent, &items))
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
