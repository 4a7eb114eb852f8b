//! # A counting semaphore built from a `Mutex` and a `Condvar` (std has none)
//!
//! Python: `sem = threading.Semaphore(3)` and `with sem: ...` let at most three threads into the
//! block at once.
//!
//! Rust: the standard library has no semaphore, but it is ten lines on top of a `Mutex<usize>`
//! (the free permits) and a `Condvar` (to sleep until one is released). The permit is a guard:
//! dropping it gives the permit back, even if the holder panics. The `while` around `wait`
//! matters: a woken thread must check again, because another thread may have taken the permit
//! between the notification and the wake-up (and condition variables may also wake up
//! spuriously). The lock and the condition variable come from [`crate::lessons::sync`], the loom
//! shim, so that `tests/loom.rs` can check every interleaving and catch a variant with `if`:
//! copy that file too, or import them from `std::sync`.
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: the semaphore row's "max in flight", never above its permits.

use std::sync::PoisonError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crate::lessons::sync::{Condvar, Mutex};

/// At most `permits` holders at a time.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// One permit of a [`Semaphore`]; released when dropped.
#[derive(Debug)]
#[must_use = "the permit is released as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Self {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Waits until a permit is free and takes it.
    pub fn acquire(&self) -> Permit<'_> {
        // The count is never left half-updated, so a poisoned lock is still correct to use.
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .released
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// The deliberately broken variant kept for `tests/loom.rs`: `if` instead of `while`. It
    /// stays in the lesson because it needs the private fields; it exists only under `loom`.
    #[cfg(feature = "loom")]
    #[doc(hidden)]
    pub fn acquire_without_loop(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        if *free == 0 {
            free = self
                .released
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free = free.wrapping_sub(1);
        Permit { semaphore: self }
    }

    fn release(&self) {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.released.notify_one();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}

/// [`Semaphore`]: `threads` threads each do `work` while holding one of `permits` permits.
/// Returns the most threads ever inside at once, counted inside the guarded section. The counts
/// are `Relaxed`: each holder's leaving is ordered before the next one's arrival by the
/// semaphore's own lock, and no other data is published through them.
pub fn semaphore_peak(threads: usize, permits: usize, work: Duration) -> usize {
    let semaphore = Semaphore::new(permits);
    let (inside, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let _permit = semaphore.acquire(); // Python: `with sem:`
                let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
                peak.fetch_max(now, Ordering::Relaxed);
                thread::sleep(work);
                inside.fetch_sub(1, Ordering::Relaxed);
            });
        }
    });
    peak.into_inner()
}
