//! # CPU-bound work scales with threads in Rust
//!
//! Python: splitting a CPU loop across `Thread`s does not make it faster: the GIL lets one thread
//! run Python code at a time, so the talks reach for processes instead. Free-threaded CPython
//! (PEP 703: experimental as `python3.13t`, supported but optional since 3.14) removes the GIL
//! and lets such threads scale, but the default build still has it.
//!
//! Rust has no GIL. Threads run on every core at once, so N threads on N cores finish the same
//! computation about N times faster, with no processes and no copying of data.
//!
//! Run: `cargo run -p threads-basic -- cpu` (add `--release` for real numbers; `--workers N`
//! changes the thread count)
//!
//! Look for: the speedup column approaching the number of cores, and the same prime count on
//! every row.

use std::thread;

use common::work::is_prime;
use common::{CommonArgs, Row, Table, say, timed};

/// Counts the primes below `limit` with `threads` threads. The numbers are dealt out in blocks
/// of 1,000, round robin, so every thread gets its share of the expensive large numbers.
pub fn count_primes(limit: u64, threads: usize) -> u64 {
    const BLOCK: u64 = 1_000;
    let threads = threads.max(1) as u64;
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let blocks = (t * BLOCK..limit).step_by((threads * BLOCK) as usize);
                    blocks
                        .flat_map(|start| start..(start + BLOCK).min(limit))
                        .filter(|&n| is_prime(n))
                        .count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let limit = args.count_or(2_000_000, 200_000) as u64;
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers_or(cores);
    say!("counting primes below {limit}: 1 thread, then {workers} threads ({cores} cores)");

    let mut table = Table::new("cpu", args);
    let mut counts = Vec::new();
    for threads in [1, workers] {
        let (count, wall) = timed(|| count_primes(limit, threads));
        counts.push(count);
        let label = format!("{threads} thread{}", if threads == 1 { "" } else { "s" });
        table.push(
            Row::new(label, limit as usize, wall)
                .workers(threads)
                .extra("primes", count),
        );
    }
    table.print();

    // What was claimed: the same answer, however many threads computed it.
    anyhow::ensure!(counts[0] == counts[1], "counts differ: {counts:?}");
    Ok(())
}
