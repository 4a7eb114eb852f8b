//! The tour of [`crate::lessons::race`]: the three ways of sharing a count, timed on one pool.

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::race::{PER_JOB, with_atomic, with_mutex, without_sharing};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let jobs = args.count_or(1_000, 100);
    let workers = args.workers_or(4);
    let expected = jobs as u64 * PER_JOB;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    say!(
        "{jobs} jobs on a pool of {workers} threads, each adding 1 to a shared count {PER_JOB} times: {expected} expected"
    );
    say!(
        "(the unsynchronised `count += 1` is not here: it does not compile; see this file's doc tests)"
    );

    let mut table = Table::new("race", args);
    let (mutex, wall) = timed(|| with_mutex(&pool, jobs));
    let mutex = mutex?;
    table.push(
        Row::new("Mutex<u64>", jobs, wall)
            .workers(workers)
            .extra("count", mutex),
    );
    let (atomic, wall) = timed(|| with_atomic(&pool, jobs));
    table.push(
        Row::new("AtomicU64", jobs, wall)
            .workers(workers)
            .extra("count", atomic),
    );
    let (local, wall) = timed(|| without_sharing(&pool, jobs));
    table.push(
        Row::new("no sharing: sum results", jobs, wall)
            .workers(workers)
            .extra("count", local),
    );
    table.print();

    // What was claimed: no update lost, whichever way the count was shared.
    for (name, got) in [("Mutex", mutex), ("atomic", atomic), ("no sharing", local)] {
        anyhow::ensure!(
            got == expected,
            "{name}: counted {got}, expected {expected}"
        );
    }
    Ok(())
}
