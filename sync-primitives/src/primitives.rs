//! # The standard primitives, one short snippet each
//!
//! Python's `threading` has `Lock`, `RLock`, `Condition`, `Semaphore`, `Event` and `Barrier`, and
//! `with lock:` around the data the lock protects (by convention only).
//!
//! Rust's `Mutex<T>` *owns* the data: the only way to it is the guard `lock()` returns, so
//! forgetting the lock does not compile. A thread that panics while holding a guard *poisons*
//! the mutex, and every later `lock()` says so, so nobody silently reads half-updated data.
//! `RwLock` (many readers or one writer), `Condvar` (Python's `Condition`), `Barrier`, atomics,
//! and `OnceLock` (initialise once, from whichever thread comes first) are here too; a
//! semaphore is not, so [`Semaphore`] builds one from a `Mutex` and a `Condvar`, and neither is
//! Python's `Event`, which is the same thing as [`Event`] here: a `Mutex<bool>` and a `Condvar`,
//! so `wait` sleeps until `set` instead of spinning. The Release/Acquire flag further down is a
//! different tool: it publishes data written before it to whoever sees it set, lock-free.
//!
//! Run: `cargo run -p sync-primitives -- primitives`
//!
//! Look for: the poisoned lock recovered with the half-done update visible; the bounded buffer
//! never holding more than its capacity; the semaphore never admitting more than its permits;
//! the `OnceLock` initialiser running once however many threads raced for it; every waiter on
//! the `Event` woken by one `set`, and a `wait_timeout` before it returning false.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::thread;
use std::time::Duration;

use anyhow::ensure;
use common::{CommonArgs, Row, Table, say, timed};

use crate::semaphore::Semaphore;

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

/// `Barrier`: no thread starts phase 2 before every thread finished phase 1. Returns how many
/// phase-1 steps each thread saw done when it started phase 2 (all of them, every time).
pub fn barrier_phases(threads: usize) -> Vec<usize> {
    let done = AtomicUsize::new(0);
    let barrier = Barrier::new(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    done.fetch_add(1, Ordering::SeqCst);
                    barrier.wait();
                    done.load(Ordering::SeqCst)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
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
                woken.fetch_add(1, Ordering::SeqCst);
            });
        }
        let early = event.wait_timeout(Duration::from_millis(20));
        event.set();
        early
    }); // the scope joins every waiter, so it ends only once `set` has woken them all
    (early, woken.into_inner())
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
                        runs.fetch_add(1, Ordering::SeqCst);
                        100 + i as u64 // whoever gets here first decides the value
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    (runs.into_inner(), seen)
}

/// [`Semaphore`]: `threads` threads each do `work` while holding one of `permits` permits.
/// Returns the most threads ever inside at once, counted inside the guarded section.
pub fn semaphore_peak(threads: usize, permits: usize, work: Duration) -> usize {
    let semaphore = Semaphore::new(permits);
    let (inside, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let _permit = semaphore.acquire(); // Python: `with sem:`
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                thread::sleep(work);
                inside.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    peak.into_inner()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let threads = args.workers_or(8);
    let mut table = Table::new("primitives", args).different_work(); // one row per primitive

    let per_thread = args.count_or(10_000, 1_000) as u64;
    let (total, wall) = timed(|| mutex_counter(threads, per_thread));
    say!("Mutex: {threads} threads x {per_thread} increments = {total}");
    ensure!(total == threads as u64 * per_thread, "lost increments");
    table.push(Row::new("Mutex counter", total as usize, wall).workers(threads));

    say!("Mutex poisoning: a thread panics while holding the lock (its message comes first)");
    let ((poisoned, data), wall) = timed(poisoned_then_recovered);
    say!("  poisoned: {poisoned}; recovered the data as it was left: {data:?}");
    ensure!(poisoned && data == [1, 2], "poisoning did not show");
    table.push(Row::new("Mutex poisoning", 1, wall).extra("result", "recovered [1, 2]"));

    let config = RwLock::new(String::from("v1"));
    let (versions, wall) = timed(|| {
        thread::scope(|s| {
            let readers: Vec<_> = (0..threads)
                .map(|_| s.spawn(|| config.read().unwrap().clone()))
                .collect();
            *config.write().unwrap() = String::from("v2");
            readers
                .into_iter()
                .map(|r| r.join().unwrap())
                .collect::<Vec<_>>()
        })
    });
    say!("RwLock: {threads} readers shared it, each saw a whole version: {versions:?}");
    ensure!(versions.iter().all(|v| v == "v1" || v == "v2"), "torn read");
    table.push(Row::new("RwLock readers + writer", threads + 1, wall).workers(threads + 1));

    let (items, capacity) = (args.count_or(10_000, 1_000) as u64, 4);
    let ((consumed, peak), wall) = timed(|| bounded_buffer(items, capacity));
    say!("Condvar: {items} items through a buffer of {capacity}, at most {peak} in it, in order");
    ensure!(
        consumed == (0..items).collect::<Vec<_>>(),
        "items lost or out of order"
    );
    ensure!(peak <= capacity, "the buffer held {peak} > {capacity}");
    table.push(Row::new("Condvar bounded buffer", items as usize, wall).extra("peak", peak));

    let (seen, wall) = timed(|| barrier_phases(threads));
    say!("Barrier: each thread saw {seen:?} phase-1 steps done when it started phase 2");
    ensure!(
        seen.iter().all(|&n| n == threads),
        "a thread passed the barrier early"
    );
    table.push(Row::new("Barrier", threads, wall).workers(threads));

    let ((early, woken), wall) = timed(|| event_wakes_every_waiter(threads));
    say!("Event: wait_timeout before set said {early}; one set woke {woken} of {threads} waiters");
    ensure!(!early && woken == threads, "the Event missed a waiter");
    table.push(
        Row::new("Event (Mutex<bool> + Condvar)", threads, wall)
            .workers(threads)
            .extra("result", format!("{woken} woken")),
    );

    let (value, wall) = timed(publish_with_release_acquire);
    say!("atomics: the reader saw the flag (Acquire) and then the value {value} (Release)");
    ensure!(value == 42, "saw the flag but not the data");
    table.push(Row::new("Release/Acquire flag", 1, wall).extra("result", value));

    let ((runs, values), wall) = timed(|| once_lock(threads));
    say!("OnceLock: {threads} threads raced, the initialiser ran {runs} time(s)");
    ensure!(
        runs == 1 && values.windows(2).all(|w| w[0] == w[1]),
        "initialised twice"
    );
    table.push(
        Row::new("OnceLock", threads, wall)
            .workers(threads)
            .extra("init runs", runs),
    );

    let permits = 3;
    let work = Duration::from_millis(args.pick(20, 5));
    let (peak, wall) = timed(|| semaphore_peak(threads, permits, work));
    say!("Semaphore({permits}): {threads} threads, at most {peak} inside at once");
    ensure!(
        peak <= permits,
        "{peak} threads inside a semaphore of {permits}"
    );
    table.push(
        Row::new("Semaphore (Mutex + Condvar)", threads, wall)
            .workers(threads)
            .max_in_flight(peak as u64),
    );
    table.print();
    Ok(())
}
