//! # `Barrier`, a Release/Acquire flag and `OnceLock`
//!
//! Python: `threading.Barrier(n)` holds threads until all `n` arrive; a module-level value set
//! once under a lock is how a program initialises shared state lazily.
//!
//! Rust: `Barrier` is the same. An atomic flag stored with Release and loaded with Acquire is a
//! different tool from a lock: it publishes the data written before it to whoever sees it set,
//! lock-free. `OnceLock` initialises a value once, from whichever thread comes first, and hands
//! every thread the same one. The locks have their own files: [`crate::lessons::mutex`],
//! [`crate::lessons::condvar`], and the semaphore std lacks, [`crate::lessons::semaphore`].
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: every thread passing the barrier with all of phase 1 done; the value seen with the
//! flag; the `OnceLock` initialiser running once however many threads raced for it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, OnceLock};
use std::thread;

/// `Barrier`: no thread starts phase 2 before every thread finished phase 1. Returns how many
/// phase-1 steps each thread saw done when it started phase 2 (all of them, every time).
pub fn barrier_phases(threads: usize) -> Vec<usize> {
    let done = AtomicUsize::new(0);
    let barrier = Barrier::new(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    // Relaxed is enough: the barrier, not the counter, orders phase 1 before
                    // phase 2 (it synchronises like a lock), so every add is seen after it.
                    done.fetch_add(1, Ordering::Relaxed);
                    barrier.wait();
                    done.load(Ordering::Relaxed)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Atomics: publish a value with a Release store of a flag; a reader that sees the flag with an
/// Acquire load is guaranteed to see the value written before it. Not an `Event`: the reader
/// spins on the flag, which only suits a wait known to be very short.
pub fn publish_with_release_acquire() -> u64 {
    let data = AtomicU64::new(0);
    let ready = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            data.store(42, Ordering::Relaxed);
            ready.store(true, Ordering::Release); // everything above is published with it
        });
        while !ready.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        data.load(Ordering::Relaxed) // 42: Acquire saw the Release, so it sees the data too
    })
}

/// `OnceLock`: `threads` threads race to initialise a value; the initialiser runs once and all
/// of them get the same value. Returns (initialiser runs, values seen).
pub fn once_lock(threads: usize) -> (usize, Vec<u64>) {
    let config = OnceLock::new();
    let runs = AtomicUsize::new(0);
    let seen = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (config, runs) = (&config, &runs);
                s.spawn(move || {
                    *config.get_or_init(|| {
                        runs.fetch_add(1, Ordering::Relaxed); // a count: read after the join
                        100 + i as u64 // whoever gets here first decides the value
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    (runs.into_inner(), seen)
}
