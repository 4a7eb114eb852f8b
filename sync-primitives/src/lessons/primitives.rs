//! # The standard primitives, one short snippet each
//!
//! Python: `threading` has `Lock`, `RLock`, `Barrier` and more, and `with lock:` goes around the
//! data the lock protects (by convention only).
//!
//! Rust: `Mutex<T>` *owns* the data: the only way to it is the guard `lock()` returns, so
//! forgetting the lock does not compile. A thread that panics while holding a guard *poisons*
//! the mutex, and every later `lock()` says so, so nobody silently reads half-updated data: the
//! `lock().unwrap()` here passes that panic on, the safe default, and
//! [`poisoned_then_recovered`] shows how to recover instead. `RwLock` (many readers or one
//! writer), `Barrier`, and `OnceLock` (initialise once, from whichever thread comes first) are
//! here too. The Release/Acquire flag is a different tool: it publishes data written before it
//! to whoever sees it set, lock-free. `Condvar` has a file of its own
//! ([`crate::lessons::condvar`]), and so does the semaphore std lacks
//! ([`crate::lessons::semaphore`]).
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: the poisoned lock recovered with the half-done update visible; every reader seeing
//! a whole version; the `OnceLock` initialiser running once however many threads raced for it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex, OnceLock, PoisonError, RwLock};
use std::thread;

/// `Mutex`: `threads` threads add 1 `per_thread` times; the guard is the only way to the count.
pub fn mutex_counter(threads: usize, per_thread: u64) -> u64 {
    let count = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..per_thread).for_each(|_| *count.lock().unwrap() += 1));
        }
    });
    count.into_inner().unwrap()
}

/// Poisoning: a thread panics halfway through a two-step update while holding the lock.
/// Returns what a later thread sees: the error, and the data it recovers from it.
pub fn poisoned_then_recovered() -> (bool, Vec<i32>) {
    let steps = Mutex::new(vec![1]);
    thread::scope(|s| {
        let crashed = s.spawn(|| {
            let mut steps = steps.lock().unwrap();
            steps.push(2);
            panic!("crashed halfway through an update (on purpose)");
        });
        assert!(crashed.join().is_err());
    });
    // Every later lock() returns Err(PoisonError): the data may be half-updated. `into_inner`
    // takes it anyway, after deciding it is safe (or after repairing it); `clear_poison` ends it.
    let was_poisoned = steps.is_poisoned();
    let data = steps.lock().unwrap_or_else(PoisonError::into_inner).clone();
    steps.clear_poison();
    (was_poisoned, data)
}

/// `RwLock`: `threads` readers share the lock while one writer replaces the value. Returns the
/// version each reader saw: a whole one, "v1" or "v2", never half of each.
pub fn rwlock_readers_and_writer(threads: usize) -> Vec<String> {
    let config = RwLock::new(String::from("v1"));
    thread::scope(|s| {
        let readers: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| config.read().unwrap().clone()))
            .collect();
        *config.write().unwrap() = String::from("v2");
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

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
