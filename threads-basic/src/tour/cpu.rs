//! The tour of [`crate::lessons::cpu`]: one thread against one per core, timed.

use std::thread;

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::cpu::count_primes;

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
