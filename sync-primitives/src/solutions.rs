//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;

use crate::lessons::bank::{OPENING_BALANCE, Transfer};

/// Exercise 1: one `Mutex` around all the balances, locked once per transfer.
pub fn locked_bank(accounts: usize, plan: &[Vec<Transfer>]) -> Vec<i64> {
    let bank = Mutex::new(vec![OPENING_BALANCE; accounts]);
    thread::scope(|s| {
        for transfers in plan {
            let bank = &bank;
            s.spawn(move || {
                for t in transfers {
                    let mut balances = bank.lock().unwrap();
                    balances[t.from] -= t.amount;
                    balances[t.to] += t.amount;
                }
            });
        }
    });
    bank.into_inner().unwrap()
}

/// Exercise 2: always lock the lower index first, return the guards as `(from, to)`.
pub fn lock_pair(
    accounts: &[Mutex<i64>],
    from: usize,
    to: usize,
) -> (MutexGuard<'_, i64>, MutexGuard<'_, i64>) {
    assert_ne!(from, to, "a transfer needs two different accounts");
    if from < to {
        let first = accounts[from].lock().unwrap();
        (first, accounts[to].lock().unwrap())
    } else {
        let first = accounts[to].lock().unwrap();
        (accounts[from].lock().unwrap(), first)
    }
}

/// Exercise 3: a bounded buffer that waits on `not_full` and `not_empty`.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedBuffer<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity: capacity.max(1),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() >= self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        self.not_empty.notify_one();
    }

    pub fn pop(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                self.not_full.notify_one();
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }
}

/// Exercise 4: a counting semaphore.
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
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.released.wait(free).unwrap();
        }
        *free -= 1;
    }

    pub fn release(&self) {
        *self.free.lock().unwrap() += 1;
        self.released.notify_one();
    }
}
