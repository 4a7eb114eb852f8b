//! # A spin lock: what a lock does underneath
//!
//! Python: `lock = threading.Lock()` and `with lock: counter += 1`. The lock itself is a black
//! box written in C.
//!
//! Rust: a lock is a flag that says "taken" and a value only the taker may touch. Here the flag
//! is an `AtomicBool`, taken with `compare_exchange` (Acquire) and freed with a `store`
//! (Release), and the value lives in an `UnsafeCell`, the only way Rust allows mutation through a
//! shared reference. This is the one file of the crate with `unsafe`: the compiler cannot see
//! that the flag guards the cell, so we promise it in two SAFETY comments. A waiting thread
//! spins on the CPU instead of sleeping and, unlike `std::sync::Mutex`, a panic inside does not
//! poison it (see [`SpinLock::lock`]), which is why real programs use `std::sync::Mutex`.
//! The flag and the cell come from [`crate::lessons::sync`], the loom shim, so that
//! `tests/loom.rs` can check every interleaving: copy that file too. loom's cell is reached only
//! through a closure, which is why `lock` takes one instead of returning a guard.
//!
//! Run: `cargo run -p sync-primitives -- spinlock --threads 2`
//!
//! Look for: the spin lock and `std::sync::Mutex` both counting every increment exactly, and
//! their wall times side by side. Try `--threads 8` on a 2-core machine: a waiter that spins
//! while the holder is not even running wastes its whole time slice, and the gap changes.

use std::sync::atomic::Ordering::{self, Acquire, Relaxed, Release};
use std::thread;

use crate::lessons::sync::{AtomicBool, UnsafeCell, spin_loop};

/// A lock that busy-waits. `lock` runs a closure with the value, like Python's `with lock:`.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached inside `lock`, by the one thread that set `locked` from false
// to true, so sharing a `&SpinLock<T>` between threads moves `T` between them but never lets two
// threads touch it at once. That is exactly what `T: Send` allows (the same bound as `Mutex`).
#[allow(unsafe_code)]
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> Self {
        Self {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Spins until the lock is free, runs `critical` with the value, then unlocks (also when
    /// `critical` panics).
    ///
    /// Unlike `std::sync::Mutex`, this lock does not poison: if `critical` panics half-way
    /// through an update, the next holder gets the value as it was left, with no error to say
    /// so. Poisoning is std's warning that an invariant may be broken; a lock without it must
    /// only guard updates that cannot be left half-done, like the counter here.
    pub fn lock<R>(&self, critical: impl FnOnce(&mut T) -> R) -> R {
        self.lock_with(Acquire, Release, critical)
    }

    /// The deliberately broken variant kept for `tests/loom.rs`: Relaxed instead of
    /// Acquire/Release, so one holder's writes need not be visible to the next. In the lesson
    /// because it needs the private fields; it exists only under `loom`.
    #[cfg(feature = "loom")]
    #[doc(hidden)]
    pub fn lock_relaxed<R>(&self, critical: impl FnOnce(&mut T) -> R) -> R {
        self.lock_with(Relaxed, Relaxed, critical)
    }

    #[allow(unsafe_code)]
    fn lock_with<R>(
        &self,
        acquire: Ordering,
        release: Ordering,
        critical: impl FnOnce(&mut T) -> R,
    ) -> R {
        // Take the flag; while someone else has it, spin on a plain load (cheaper than
        // retrying the compare-exchange, which would keep stealing the cache line).
        while self
            .locked
            .compare_exchange_weak(false, true, acquire, Relaxed)
            .is_err()
        {
            while self.locked.load(Relaxed) {
                spin_loop();
            }
        }
        // Declared before the access, so it is dropped after it: unlocks even on a panic.
        let _unlock = Unlock {
            locked: &self.locked,
            ordering: release,
        };
        // SAFETY: we set `locked` from false to true above and nobody else can until `_unlock`
        // is dropped, so this is the only reference to the value; it does not outlive the call.
        self.value
            .with_mut(|value| critical(unsafe { &mut *value }))
    }
}

impl<T> std::fmt::Debug for SpinLock<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinLock")
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

struct Unlock<'a> {
    locked: &'a AtomicBool,
    ordering: Ordering,
}

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.locked.store(false, self.ordering);
    }
}

/// `threads` threads each add 1 to a shared counter `per_thread` times under a [`SpinLock`].
pub fn spin_count(threads: usize, per_thread: u64) -> u64 {
    let counter = SpinLock::new(0u64);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..per_thread).for_each(|_| counter.lock(|n| *n += 1)));
        }
    });
    counter.lock(|n| *n)
}

/// The same with `std::sync::Mutex`, which puts waiting threads to sleep.
pub fn mutex_count(threads: usize, per_thread: u64) -> u64 {
    let counter = std::sync::Mutex::new(0u64);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    *counter.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap_or_else(|e| e.into_inner())
}
