//! # CPU-bound work: sequential vs threads vs rayon vs a process pool
//!
//! Python: `with ProcessPoolExecutor() as ex: list(ex.map(is_prime, PRIMES))` is the classic
//! answer to the GIL: threads cannot run Python code in parallel, processes can. Free-threaded
//! builds lift that limit, and their threads run Python code on every core: experimental in 3.13
//! (`python3.13t`), officially supported since 3.14 (`python3.14t`, PEP 779), and still a
//! separate build, not the default one.
//!
//! Rust: there is no GIL, so threads and rayon already use every core, sharing the numbers in
//! memory. A process pool reaches about the same speedup on work this coarse (milliseconds per
//! job against tens of microseconds per message), but it pays to start its processes and to
//! encode every job and result as JSON through a pipe. On CPU work alone, processes win nothing
//! in Rust; they are for isolation (see the `crash` demo).
//!
//! Run: `cargo run -p multiprocess -- primes --workers N` (add `--release` for real numbers;
//! `--count` sets how many large numbers are checked)
//!
//! Look for: the three parallel rows near the number of cores in the speedup column, the pool's
//! start-up time in its own column, and the same number of primes on every row. With
//! `--python`, CPython's rows on fewer numbers: its threads near 1.0x (the GIL, unless the build
//! is free-threaded), its `Pool.map` near the core count, each over its own sequential row.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use rayon::prelude::{IntoParallelRefIterator, ParallelIterator};

use crate::lessons::process_pool::{Finished, Pool};
use crate::lessons::worker::{Answer, Task};

/// Whether `n` is prime, by trial division: plain CPU work (no cache, no sieve) on purpose.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

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

/// Checks every number with `f` (such as [`is_prime`]) on `threads` threads, each taking the
/// next unchecked number as it becomes free, so a thread that drew quick numbers does not sit
/// idle. The answers come back in the order of `numbers`.
pub fn with_threads(numbers: &[u64], threads: usize, f: impl Fn(u64) -> bool + Sync) -> Vec<bool> {
    let next = AtomicUsize::new(0);
    let found: Vec<AtomicBool> = numbers.iter().map(|_| AtomicBool::new(false)).collect();
    thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&n) = numbers.get(i) else { break };
                    found[i].store(f(n), Ordering::Relaxed);
                }
            });
        }
    });
    // The scope has joined every thread, so every store is visible here.
    found.into_iter().map(AtomicBool::into_inner).collect()
}

/// Checks every number with `f` on [`rayon`]'s work-stealing threads, in the order of `numbers`.
pub fn with_rayon(numbers: &[u64], f: impl Fn(u64) -> bool + Sync + Send) -> Vec<bool> {
    numbers.par_iter().map(|&n| f(n)).collect()
}

/// Checks every number in the process pool, in the order of `numbers`; a job that fails is an
/// error. Each answer comes with its job's [`Finished`]: the worker that ran it, and when.
pub fn with_processes(pool: &Pool, numbers: &[u64]) -> anyhow::Result<Vec<(bool, Finished)>> {
    pool.map(numbers.iter().map(|&n| Task::IsPrime(n)))
        .into_iter()
        .map(|result| {
            let job = result?;
            let Answer::Prime(prime) = job.answer else {
                anyhow::bail!("a worker answered {:?} to IsPrime", job.answer)
            };
            Ok((prime, job))
        })
        .collect()
}
