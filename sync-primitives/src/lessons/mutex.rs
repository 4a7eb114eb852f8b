//! # `Mutex` owns its data, poisoning, and std's `RwLock`
//!
//! Python: `lock = threading.Lock()`, and `with lock:` goes around the data the lock protects,
//! by convention only; nothing stops code that forgets it.
//!
//! Rust: `Mutex<T>` *owns* the data: the only way to it is the guard `lock()` returns, so
//! forgetting the lock does not compile. A thread that panics while holding a guard *poisons*
//! the mutex, and every later `lock()` says so, so nobody silently reads half-updated data: the
//! `lock().unwrap()` here passes that panic on, the safe default, and
//! [`poisoned_then_recovered`] shows how to recover instead. `RwLock` lets many readers in at
//! once, or one writer.
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: every increment counted; the poisoned lock recovered with the half-done update
//! visible; every reader seeing a whole version.

use std::sync::{Mutex, PoisonError, RwLock};
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
