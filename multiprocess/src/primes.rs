//! # CPU-bound work: sequential vs threads vs rayon vs a process pool
//!
//! Python: `with ProcessPoolExecutor() as ex: list(ex.map(is_prime, PRIMES))` is the classic
//! answer to the GIL: threads cannot run Python code in parallel, processes can. (Free-threaded
//! CPython, `python3.13t` experimental and supported but optional since 3.14, lifts that limit.)
//!
//! Rust has no GIL, so threads and rayon already use every core, sharing the numbers in memory.
//! A process pool reaches about the same speedup on work this coarse (milliseconds per job
//! against tens of microseconds per message), but it pays to start its processes and to encode
//! every job and result as JSON through a pipe. On CPU work alone, processes win nothing in
//! Rust; they are for isolation (see the `crash` demo).
//!
//! Run: `cargo run -p multiprocess -- primes --workers N` (add `--release` for real numbers;
//! `--count` sets how many large numbers are checked)
//!
//! Look for: the three parallel rows near the number of cores in the speedup column, the pool's
//! start-up time in its own column, and the same number of primes on every row.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use anyhow::Context;
use common::spans::{Kind, Recording, span};
use common::{CommonArgs, Row, Table, say, timed};
use rayon::prelude::{IntoParallelRefIterator, ParallelIterator};

use crate::process_pool::Pool;
use crate::worker::{Answer, Task, is_prime};

/// Large numbers that take milliseconds each to check: four primes and two products of two
/// primes near a million (as slow as primes for trial division, but not prime).
pub const NUMBERS: [u64; 6] = [
    1_000_000_000_039,
    1_500_011_500_021,
    2_000_000_000_003,
    3_000_003_499_951,
    3_000_000_000_013,
    5_000_000_000_053,
];

/// `count` numbers taken from [`NUMBERS`] in a cycle.
pub fn numbers(count: usize) -> Vec<u64> {
    NUMBERS.iter().copied().cycle().take(count).collect()
}

/// Checks every number on `threads` threads, each taking the next unchecked number as it
/// becomes free, so a thread that drew quick numbers does not sit idle.
pub fn with_threads(numbers: &[u64], threads: usize) -> Vec<bool> {
    check_on_threads(numbers, threads, is_prime)
}

/// [`with_threads`] with any check: the harness passes one that records a span per number.
pub fn check_on_threads(
    numbers: &[u64],
    threads: usize,
    check: impl Fn(u64) -> bool + Sync,
) -> Vec<bool> {
    let next = AtomicUsize::new(0);
    let mut found: Vec<(usize, bool)> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&n) = numbers.get(i) else { break mine };
                        mine.push((i, check(n)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    found.sort_unstable();
    found.into_iter().map(|(_, prime)| prime).collect()
}

/// Checks every number in the process pool; a job that fails is an error.
pub fn with_processes(pool: &Pool, numbers: &[u64]) -> anyhow::Result<Vec<bool>> {
    pool.map(numbers.iter().map(|&n| Task::IsPrime(n)))
        .into_iter()
        .map(|result| match result?.answer {
            Answer::Prime(prime) => Ok(prime),
            other => anyhow::bail!("a worker answered {other:?} to IsPrime"),
        })
        .collect()
}

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    let numbers = numbers(args.count_or(240, 24));
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers_or(cores);
    say!(
        "checking {} numbers near 10^12 for primality, {workers} workers, {cores} cores",
        numbers.len()
    );
    let count = |found: &[bool]| found.iter().filter(|p| **p).count();
    let mut table = Table::new("primes", args).timeline();
    let mut answers = Vec::new();
    // Each check is a span on the lane of the thread that ran it (the timeline under the table).
    let checked = |n: u64| {
        let _span = span(Kind::Work, "is_prime", n);
        is_prime(n)
    };

    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| numbers.iter().map(|&n| checked(n)).collect::<Vec<_>>());
    let row = Row::new("sequential", numbers.len(), wall).spans(recording.finish());
    table.push(row.extra("primes", count(&found)));
    answers.push(found);

    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| check_on_threads(&numbers, workers, checked));
    let row = Row::new(format!("threads ({workers})"), numbers.len(), wall).workers(workers);
    table.push(row.extra("primes", count(&found)).spans(recording.finish()));
    answers.push(found);

    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| {
        rayon_pool.install(|| numbers.par_iter().map(|&n| checked(n)).collect::<Vec<_>>())
    });
    let row = Row::new(format!("rayon ({workers})"), numbers.len(), wall).workers(workers);
    table.push(row.extra("primes", count(&found)).spans(recording.finish()));
    answers.push(found);

    // The pool's row includes starting its processes; the start-up column shows that part.
    // The pool records each job where the parent sees it: sent, then answered.
    let recording = Recording::start(numbers.len());
    let watch = Instant::now();
    let pool = Pool::new(exe, workers)?;
    let startup = watch.elapsed();
    let found = with_processes(&pool, &numbers).context("the process pool failed")?;
    let wall = watch.elapsed();
    pool.join();
    let row = Row::new(format!("process pool ({workers})"), numbers.len(), wall).workers(workers);
    let startup_ms = (startup.as_secs_f64() * 1e3 * 10.0).round() / 10.0;
    table.push(
        row.extra("primes", count(&found))
            .extra("start-up ms", startup_ms)
            .spans(recording.finish()),
    );
    answers.push(found);
    table.print();

    // What was claimed: every variant found the same primes, and the list has 4 in every 6.
    anyhow::ensure!(
        answers.iter().all(|a| *a == answers[0]),
        "the variants disagree"
    );
    let expected = numbers
        .iter()
        .filter(|&&n| n != 1_500_011_500_021 && n != 3_000_003_499_951);
    anyhow::ensure!(
        count(&answers[0]) == expected.count(),
        "wrong number of primes"
    );
    Ok(())
}
