//! Exercises for `sync-primitives`. Replace each `todo!()` with your code, then run
//!
//! ```text
//! cargo test -p sync-primitives --features exercises --test exercises
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables, dead_code)]

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::bank::Transfer;

/// Exercise 1: fix the racy bank with a lock.
///
/// Start with `accounts` balances of [`OPENING_BALANCE`](crate::bank::OPENING_BALANCE). Run each list of `plan` on its own
/// thread, making its transfers in order (`balance[from] -= amount; balance[to] += amount`),
/// and return the final balances. No money may appear or vanish, however the threads interleave.
///
/// Hints: put the whole `Vec<i64>` in one `Mutex`; `std::thread::scope` lets the threads borrow
/// it and `plan`; lock once per transfer (holding the guard for both updates), not once per
/// thread, or the threads would run one after the other.
pub fn locked_bank(accounts: usize, plan: &[Vec<Transfer>]) -> Vec<i64> {
    todo!()
}

/// Exercise 2: lock two accounts without ever deadlocking.
///
/// Return the guards of `accounts[from]` and `accounts[to]`, in that order, for a transfer.
/// Two threads transferring in opposite directions at the same time (one from 0 to 1, one from
/// 1 to 0) must never wait for each other forever. `from != to`.
///
/// Hints: the deadlock needs each thread to hold one lock while asking for the other. Give the
/// locks a global order (the index will do) and always take the lower one first, whichever of
/// the two is `from`; then return them as `(from, to)`.
pub fn lock_pair(
    accounts: &[Mutex<i64>],
    from: usize,
    to: usize,
) -> (MutexGuard<'_, i64>, MutexGuard<'_, i64>) {
    todo!()
}

/// Exercise 3: a bounded buffer that waits on its condition variables.
///
/// `push` adds an item at the back, waiting while the buffer already holds `capacity` items;
/// `pop` takes the item at the front, waiting while the buffer is empty. Items come out in the
/// order they went in, and the buffer never holds more than `capacity`.
///
/// Hints: `let mut items = self.items.lock().unwrap();` then `while <can't go on> { items =
/// self.not_full.wait(items).unwrap(); }` (a `while`, not an `if`: another thread may get there
/// first after you are woken). After a push, `self.not_empty.notify_one()`; after a pop,
/// `self.not_full.notify_one()`.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedBuffer<T> {
    /// An empty buffer for at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity: capacity.max(1),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// How many items the buffer holds right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&self, item: T) {
        todo!()
    }

    pub fn pop(&self) -> T {
        todo!()
    }
}

/// Exercise 4: a counting semaphore from a `Mutex` and a `Condvar` (Python's
/// `threading.Semaphore`; std has none).
///
/// `acquire` takes one of the free permits, waiting while there is none; `release` gives one
/// back and wakes one waiting thread. At most `permits` threads are ever between an `acquire`
/// and their `release`.
///
/// Hints: the same shape as exercise 3, with the number of free permits as the data. Wait in a
/// `while` loop; `notify_one` after incrementing.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Self {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    pub fn acquire(&self) {
        todo!()
    }

    pub fn release(&self) {
        todo!()
    }
}
