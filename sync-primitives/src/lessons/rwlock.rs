//! # A hand-made readers-writer lock with a choice of policy
//!
//! Python: `threading` has no readers-writer lock; the usual recipe builds one from a
//! `Condition`, and the simple version lets a reader in whenever other readers hold the lock.
//!
//! Rust: the same, from a `Mutex` and a `Condvar`. Letting readers in while readers hold the lock
//! starves writers: as long as readers overlap, the reader count never drops to zero.
//! [`Prefer::Writers`] fixes it the way std's `RwLock` does on Linux: once a writer is waiting,
//! new readers queue behind it. Like Python's lock objects, this one guards no data itself; it is
//! a gate that callers pass through with guards. Its lock and condition variable come from
//! [`crate::lessons::sync`], the loom shim, so that `tests/loom.rs` can check it: copy that file
//! too, or import them from `std::sync`.
//!
//! Run: `cargo run -p sync-primitives -- starvation`
//!
//! Look for: the writer's longest wait under each policy.

use std::sync::PoisonError;

use crate::lessons::sync::{Condvar, Mutex, MutexGuard};

/// Who goes first when readers and a writer both want the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// A new reader gets in whenever readers hold the lock, even if a writer is waiting.
    Readers,
    /// A waiting writer blocks new readers, so it gets in as soon as the current ones leave.
    Writers,
}

#[derive(Debug, Default)]
struct State {
    readers: usize,
    writing: bool,
    writers_waiting: usize,
}

/// Many readers or one writer.
#[derive(Debug)]
pub struct RwLock {
    prefer: Prefer,
    state: Mutex<State>,
    changed: Condvar,
    /// The deliberately broken variant kept for `tests/loom.rs`: the last reader leaves
    /// without waking anyone. In the lesson because it needs the private fields; loom only.
    #[cfg(feature = "loom")]
    last_reader_notifies: bool,
}

/// Shared access; released when dropped.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ReadGuard<'a>(&'a RwLock);

/// Exclusive access; released when dropped.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct WriteGuard<'a>(&'a RwLock);

impl RwLock {
    pub fn new(prefer: Prefer) -> Self {
        Self {
            prefer,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            #[cfg(feature = "loom")]
            last_reader_notifies: true,
        }
    }

    /// The deliberately broken variant kept for `tests/loom.rs`: the last reader to leave
    /// does not notify, so a writer waiting for the readers to drain sleeps forever.
    #[cfg(feature = "loom")]
    #[doc(hidden)]
    pub fn without_notify_by_last_reader(prefer: Prefer) -> Self {
        Self {
            last_reader_notifies: false,
            ..Self::new(prefer)
        }
    }

    pub fn read(&self) -> ReadGuard<'_> {
        let mut state = self.state();
        while state.writing || (self.prefer == Prefer::Writers && state.writers_waiting > 0) {
            state = self.wait(state);
        }
        state.readers += 1;
        ReadGuard(self)
    }

    pub fn write(&self) -> WriteGuard<'_> {
        let mut state = self.state();
        state.writers_waiting += 1;
        while state.writing || state.readers > 0 {
            state = self.wait(state);
        }
        state.writers_waiting -= 1;
        state.writing = true;
        WriteGuard(self)
    }

    /// Writers waiting for the lock right now (the starvation lesson counts overtakes with it).
    pub fn waiting_writers(&self) -> usize {
        self.state().writers_waiting
    }

    // The state is never left half-updated, so a poisoned lock is still correct to use.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for ReadGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.readers -= 1;
        if state.readers == 0 {
            drop(state);
            #[cfg(feature = "loom")]
            if !self.0.last_reader_notifies {
                return;
            }
            self.0.changed.notify_all();
        }
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.0.state().writing = false;
        self.0.changed.notify_all();
    }
}
