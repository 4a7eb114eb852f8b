//! Exercises for `sync-primitives`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p sync-primitives --features exercises --test exercises
//! cargo workshop                         # how many are solved, and which is next
//! cargo workshop hint sync-primitives 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables, dead_code)]

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::lessons::bank::Transfer;

/// Exercise 1: fix the racy bank with a lock.
///
/// Start with `accounts` balances of [`OPENING_BALANCE`](crate::lessons::bank::OPENING_BALANCE). Run each list of `plan` on its own
/// thread, making its transfers in order (`balance[from] -= amount; balance[to] += amount`),
/// and return the final balances. No money may appear or vanish, however the threads interleave.
///
/// Nudge: one lock for the whole bank is enough; what matters is how long each thread holds it.
pub fn locked_bank(accounts: usize, plan: &[Vec<Transfer>]) -> Vec<i64> {
    todo!("exercise 1: transfers on threads, under one Mutex")
}

/// Exercise 2: lock two accounts without ever deadlocking.
///
/// Return the guards of `accounts[from]` and `accounts[to]`, in that order, for a transfer.
/// Two threads transferring in opposite directions at the same time (one from 0 to 1, one from
/// 1 to 0) must never wait for each other forever. `from != to`.
///
/// Nudge: the deadlock needs each thread to hold one lock while asking for the other.
pub fn lock_pair(
    accounts: &[Mutex<i64>],
    from: usize,
    to: usize,
) -> (MutexGuard<'_, i64>, MutexGuard<'_, i64>) {
    todo!("exercise 2: lock two accounts in a global order")
}

/// Exercise 3: a bounded buffer that waits on its condition variables.
///
/// `push` adds an item at the back, waiting while the buffer already holds `capacity` items;
/// `pop` takes the item at the front, waiting while the buffer is empty. Items come out in the
/// order they went in, and the buffer never holds more than `capacity`.
///
/// Nudge: `Condvar::wait` gives the lock back while it waits, and someone must wake it.
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

    /// Adds `item` at the back, waiting while the buffer is full.
    pub fn push(&self, item: T) {
        todo!("exercise 3: push, waiting while the buffer is full")
    }

    /// Takes the item at the front, waiting while the buffer is empty.
    pub fn pop(&self) -> T {
        todo!("exercise 3: pop, waiting while the buffer is empty")
    }
}

/// Exercise 4: a counting semaphore from a `Mutex` and a `Condvar` (Python's
/// `threading.Semaphore`; std has none).
///
/// `acquire` takes one of the free permits, waiting while there is none; `release` gives one
/// back and wakes one waiting thread. At most `permits` threads are ever between an `acquire`
/// and their `release`.
///
/// Nudge: the same shape as exercise 3, with the number of free permits as the data.
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

    /// Takes a permit, waiting while there is none.
    pub fn acquire(&self) {
        todo!("exercise 4: take a permit, waiting while there is none")
    }

    /// Gives a permit back and wakes one waiting thread.
    pub fn release(&self) {
        todo!("exercise 4: give a permit back, wake a waiter")
    }
}
