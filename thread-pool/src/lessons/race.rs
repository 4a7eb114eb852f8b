//! # "Is there a race in my ThreadPoolExecutor code?"
//!
//! Python: `counter += 1` in jobs submitted to an executor is a read, an add and a write; the GIL
//! does not make the three one step, so updates can be lost, and nothing warns you. Since
//! CPython 3.10 a default build switches threads only at calls and backward jumps, so the classic
//! demo seldom loses one (the sync-primitives bank twin lost none even at a 1 µs switch
//! interval); the free-threaded 3.13t and 3.14t lose them readily. The fix is a
//! `threading.Lock` around it.
//!
//! Rust: the racy version does not compile. A job capturing `&mut count` can be spawned only once
//! (one mutable borrow at a time), and a `Cell` cannot be shared between threads (it is not
//! `Sync`). `cargo test` checks both refusals (the error codes are for the reader: stable
//! rustdoc only checks that the code fails to compile, and the third example below, the same
//! pool code with an atomic, shows that nothing else is wrong with it):
//!
//! ```compile_fail,E0499
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
//! let mut count = 0u64;
//! pool.scope(|s| {
//!     for _ in 0..100 {
//!         s.spawn(|_| count += 1); // cannot borrow `count` as mutable more than once
//!     }
//! });
//! ```
//!
//! ```compile_fail,E0277
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
//! let count = std::cell::Cell::new(0u64);
//! pool.scope(|s| {
//!     for _ in 0..100 {
//!         s.spawn(|_| count.set(count.get() + 1)); // `Cell<u64>` cannot be shared between threads
//!     }
//! });
//! ```
//!
//! What compiles, and is right: a `Mutex<u64>` (lock, add, unlock), an `AtomicU64` (one
//! `fetch_add`, the same pool code otherwise), or no shared counter at all (each job returns its
//! count and the results are summed):
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
//! let count = AtomicU64::new(0);
//! pool.scope(|s| {
//!     for _ in 0..100 {
//!         s.spawn(|_| {
//!             count.fetch_add(1, Ordering::Relaxed);
//!         });
//!     }
//! });
//! assert_eq!(count.into_inner(), 100);
//! ```
//!
//! Run: `cargo run -p thread-pool -- race --count 1000 --workers 4`
//!
//! Look for: the same, exact count on every row, and what each kind of sharing costs: the Mutex
//! row slowest (every increment takes the lock), the atomic one faster, no sharing fastest.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::anyhow;
use rayon::ThreadPool;

/// Increments each job makes.
pub const PER_JOB: u64 = 1_000;

/// `jobs` jobs on `pool`, each adding 1 to a `Mutex<u64>` `PER_JOB` times.
pub fn with_mutex(pool: &ThreadPool, jobs: usize) -> anyhow::Result<u64> {
    let count = Mutex::new(0u64);
    pool.scope(|s| {
        for _ in 0..jobs {
            s.spawn(|_| {
                for _ in 0..PER_JOB {
                    // A poisoned lock means another job panicked mid-update; the count is still
                    // a plain number, so keep counting and let the final check speak.
                    *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                }
            });
        }
    });
    count
        .into_inner()
        .map_err(|_| anyhow!("a job panicked while holding the lock"))
}

/// The same with an `AtomicU64`: each increment is one indivisible `fetch_add`.
pub fn with_atomic(pool: &ThreadPool, jobs: usize) -> u64 {
    let count = AtomicU64::new(0);
    pool.scope(|s| {
        for _ in 0..jobs {
            s.spawn(|_| {
                for _ in 0..PER_JOB {
                    // Relaxed is enough: only the total matters, read after the scope joined.
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    count.into_inner()
}

/// No shared counter: each job counts on its own and returns it; the pool sums the results.
pub fn without_sharing(pool: &ThreadPool, jobs: usize) -> u64 {
    use rayon::prelude::{IntoParallelIterator, ParallelIterator};
    pool.install(|| {
        (0..jobs)
            .into_par_iter()
            .map(|_| (0..PER_JOB).fold(0, |n, _| std::hint::black_box(n + 1)))
            .sum()
    })
}
