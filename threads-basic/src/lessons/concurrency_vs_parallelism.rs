//! # Concurrency is not parallelism: the talks' first slide, measured
//!
//! Python: the talks open with two words. Concurrency is dealing with many things at once
//! (threads or asyncio interleaving downloads while each one waits); parallelism is doing many
//! things at once (several cores computing). CPython threads give the first: a thread releases
//! the GIL while it waits, so `[Thread(target=download, args=(cc,)) for cc in codes]` overlaps
//! the downloads. They do not give the second for Python code, because only the thread holding
//! the GIL runs it (free-threaded CPython, 3.13t, lifts that), hence `multiprocessing`.
//!
//! Rust: there is no GIL, so the only limit left is the hardware: the same N jobs, I/O-bound
//! (one download each) or CPU-bound (counting primes for about as long), run one after another,
//! on N threads all confined to ONE core (concurrency without parallelism: the OS time-slices
//! them), and on N threads free to use every core (parallelism). A thread confines itself with
//! the `core_affinity` crate, a safe wrapper of the OS call. The tour's `cores used` column is
//! the process's CPU time (every thread, the in-process fake server's included) divided by the
//! wall time, so "one core" is measured, not assumed.
//!
//! Run: `cargo run -p threads-basic -- concurrency-vs-parallelism` (`--count N` jobs,
//! `--latency-ms MS` per download; the CPU job is sized to match it)
//!
//! Look for: the I/O rows on threads taking about one latency even on one core, at almost no
//! CPU; the CPU row on one core as slow as one after another at 1 core used, and the all-cores
//! row about `cores` times faster with about `cores` cores used.

use std::thread;

use anyhow::anyhow;
use core_affinity::CoreId;

use crate::lessons::cpu::is_prime;

/// One CPU-bound job: counts the primes among the `n` numbers from `start`.
pub fn count_primes(start: u64, n: u64) -> u64 {
    (start..start + n).filter(|&k| is_prime(k)).count() as u64
}

/// Runs `job(i)` for every `i` in `0..jobs`, each on a thread of its own, and returns the results
/// in job order. With `core`, every thread first confines itself to that core: affinity belongs
/// to a thread, so it is set from inside the thread, before the work.
pub fn on_threads<T: Send>(
    jobs: usize,
    core: Option<CoreId>,
    job: impl Fn(usize) -> T + Sync,
) -> anyhow::Result<Vec<T>> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|i| {
                let job = &job;
                s.spawn(move || {
                    if let Some(core) = core {
                        anyhow::ensure!(
                            core_affinity::set_for_current(core),
                            "cannot confine a thread to core {}",
                            core.id
                        );
                    }
                    Ok(job(i))
                })
            })
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .map(|r| r.map_err(|_| anyhow!("a job panicked"))?)
            .collect()
    })
}

/// The same jobs one after another on this thread: the baseline both thread rows compare with.
pub fn one_after_another<T>(jobs: usize, job: impl Fn(usize) -> T) -> Vec<T> {
    (0..jobs).map(job).collect()
}

/// The first core this process may run on, if a thread can be confined to it here (Linux and
/// Windows can; macOS takes it as a hint at most, Apple silicon not at all; elsewhere `None`).
/// The check runs on a throwaway thread, so the caller keeps every core.
pub fn one_core() -> Option<CoreId> {
    let core = *core_affinity::get_core_ids()?.first()?;
    let pinned = thread::spawn(move || core_affinity::set_for_current(core)).join();
    pinned.ok()?.then_some(core)
}
