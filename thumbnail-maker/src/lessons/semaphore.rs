//! # A semaphore from a `Mutex` and a `Condvar`
//!
//! Python: `sem = threading.Semaphore(4)`, then `with sem: download(url)` in each thread.
//!
//! Rust: the standard library has no semaphore, but a counter under a `Mutex` plus a `Condvar`
//! to wait on is one, in a dozen lines. The permit is a guard: dropping it, even on an early
//! return or a panic, gives the slot back, so a failed download can never leak a permit. A
//! poisoned lock (a thread panicked while holding it) still holds a valid count, so it is used
//! as it is.
//!
//! Run: `cargo run -p thumbnail-maker -- threads`
//!
//! Look for: the threads row's `max in flight` of exactly 4, however many threads there are.

use std::sync::{Condvar, Mutex, PoisonError};

/// A counting semaphore: at most `permits` holders of a [`Permit`] at once.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A held slot of a [`Semaphore`], given back when dropped.
#[derive(Debug)]
pub struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Self {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Waits for a free slot and takes it.
    pub fn acquire(&self) -> Permit<'_> {
        let free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        let mut free = self
            .released
            .wait_while(free, |free| *free == 0)
            .unwrap_or_else(PoisonError::into_inner);
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.released.notify_one();
    }
}
