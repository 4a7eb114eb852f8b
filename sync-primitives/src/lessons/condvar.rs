//! # `Condvar`: sleep until something changes, and Python's `Event` built from one
//!
//! Python: `threading.Condition` with `while not items: cond.wait()`, and `threading.Event`,
//! whose `set()` wakes every thread in `wait()`.
//!
//! Rust: a `Condvar` waits on a `MutexGuard`, so the condition is always checked under its lock,
//! and a woken thread checks it again (`while`, not `if`): another thread may have got there
//! first, and condition variables may wake for no reason. std has no `Event`; it is a
//! `Mutex<bool>` and a `Condvar` ([`Event`]), so `wait` sleeps until `set` instead of spinning.
//! The `Event` recovers from a poisoned lock: a `bool` is never left half-written.
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: the bounded buffer never holding more than its capacity; every waiter on the
//! `Event` woken by one `set`, and a `wait_timeout` before it returning false.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// `Condvar`: a bounded buffer; producers wait while it is full, consumers while it is empty.
/// Returns the items in the order consumed and the most the buffer ever held.
pub fn bounded_buffer(items: u64, capacity: usize) -> (Vec<u64>, usize) {
    let buffer = Mutex::new(VecDeque::new());
    let (not_full, not_empty) = (Condvar::new(), Condvar::new());
    let peak = AtomicUsize::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            for item in 0..items {
                let mut queue = buffer.lock().unwrap();
                // `while`, not `if`: after a wake-up the condition must be checked again.
                while queue.len() == capacity {
                    queue = not_full.wait(queue).unwrap();
                }
                queue.push_back(item);
                peak.fetch_max(queue.len(), Ordering::Relaxed);
                not_empty.notify_one();
            }
        });
        let consumer = s.spawn(|| {
            (0..items)
                .map(|_| {
                    let mut queue = buffer.lock().unwrap();
                    while queue.is_empty() {
                        queue = not_empty.wait(queue).unwrap();
                    }
                    let item = queue.pop_front().expect("checked non-empty");
                    not_full.notify_one();
                    item
                })
                .collect()
        });
        (consumer.join().unwrap(), peak.load(Ordering::Relaxed))
    })
}

/// Python's `threading.Event`: `set` wakes every waiter, and the flag stays set until `clear`.
#[derive(Debug, Default)]
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    pub fn set(&self) {
        *self.flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    pub fn clear(&self) {
        *self.flag.lock().unwrap_or_else(PoisonError::into_inner) = false;
    }

    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps until the flag is set (at once if it already is).
    pub fn wait(&self) {
        let flag = self.flag.lock().unwrap_or_else(PoisonError::into_inner);
        let _set = self
            .changed
            .wait_while(flag, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
    }

    /// Like [`Event::wait`], at most `timeout`; returns whether the flag is set (Python's
    /// `wait(timeout)` returns the same).
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap_or_else(PoisonError::into_inner);
        let (set, _) = self
            .changed
            .wait_timeout_while(flag, timeout, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
        *set
    }
}

/// [`Event`]: `threads` threads wait on it; a `wait_timeout` before the `set` times out, then one
/// `set` wakes them all. Returns (what the early `wait_timeout` said, threads woken).
pub fn event_wakes_every_waiter(threads: usize) -> (bool, usize) {
    let event = Event::default();
    let woken = AtomicUsize::new(0);
    let early = thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                event.wait();
                woken.fetch_add(1, Ordering::Relaxed); // a count: read after the join
            });
        }
        let early = event.wait_timeout(Duration::from_millis(20));
        event.set();
        early
    }); // the scope joins every waiter, so it ends only once `set` has woken them all
    (early, woken.into_inner())
}
