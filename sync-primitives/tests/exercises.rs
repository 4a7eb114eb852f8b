//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p sync-primitives --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs (a deadlock, a
//! missed wake) fails with its exercise's number and the likely mistake instead of waiting
//! forever.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Duration;

use sync_primitives::lessons::bank::{self, ACCOUNTS, OPENING_BALANCE};
use sync_primitives::under_test::{BoundedBuffer, Semaphore, lock_pair, locked_bank};
use workshop::guard::exercise;

mod support;
use support::sequential;

/// How long a test waits for something that must happen soon, before calling it lost.
const SOON: Duration = Duration::from_secs(30);

const RELOCK: &str = "does a thread lock the bank's Mutex again while it still holds the guard (std's Mutex is not re-entrant)?";
const ORDER: &str =
    "do two threads each hold one account while asking for the other (lock the lower index first)?";
const WAKE: &str = "does push or pop wait without anyone notifying its Condvar after the other changes the buffer?";
const PERMITS: &str =
    "does release forget to notify_one, or does acquire wait with an if instead of a while?";

#[test]
fn exercise_1_locked_bank_keeps_every_cent() {
    exercise(1, RELOCK, || {
        for (threads, seed) in [(1, 1), (5, 2), (8, 3)] {
            let plan = bank::plan(ACCOUNTS, threads, 5_000, seed);
            assert_eq!(
                locked_bank(ACCOUNTS, &plan),
                sequential(&plan),
                "{threads} threads"
            );
        }
    });
}

#[test]
fn exercise_1_locked_bank_keeps_the_total_through_the_forced_race() {
    exercise(1, RELOCK, || {
        // The plan's first round makes every thread start on account 0, the racy bank's downfall.
        let plan = bank::plan(ACCOUNTS, 9, 1, 4);
        let balances = locked_bank(ACCOUNTS, &plan);
        assert_eq!(balances[0], OPENING_BALANCE - 900);
        assert_eq!(
            balances.iter().sum::<i64>(),
            ACCOUNTS as i64 * OPENING_BALANCE
        );
    });
}

#[test]
fn exercise_2_lock_pair_returns_the_guards_of_from_and_to() {
    exercise(2, ORDER, || {
        let accounts: Vec<Mutex<i64>> = (0..3).map(|i| Mutex::new(i * 100)).collect();
        for (from, to) in [(0, 2), (2, 0), (1, 0)] {
            let (mut a, mut b) = lock_pair(&accounts, from, to);
            assert_eq!((*a, *b), (from as i64 * 100, to as i64 * 100));
            *a -= 1;
            *b += 1;
            drop((a, b));
            *accounts[from].lock().unwrap() += 1;
            *accounts[to].lock().unwrap() -= 1;
        }
    });
}

#[test]
fn exercise_2_lock_pair_takes_the_lower_account_first() {
    exercise(2, ORDER, || {
        let accounts: Vec<Mutex<i64>> = (0..2).map(|_| Mutex::new(0)).collect();
        drop(lock_pair(&accounts, 1, 0));
        thread::scope(|s| {
            let zero = accounts[0].lock().unwrap();
            let transfer = s.spawn(|| drop(lock_pair(&accounts, 1, 0)));
            // The transfer from 1 to 0 must be waiting for account 0 *without* holding account 1.
            thread::sleep(Duration::from_millis(100));
            assert!(
                accounts[1].try_lock().is_ok(),
                "lock_pair(1, 0) holds account 1 while it waits for account 0"
            );
            drop(zero);
            transfer.join().unwrap();
        });
    });
}

#[test]
fn exercise_2_lock_pair_never_deadlocks_on_opposite_transfers() {
    exercise(2, ORDER, || {
        let accounts: Vec<Mutex<i64>> = (0..2).map(|_| Mutex::new(0)).collect();
        drop(lock_pair(&accounts, 0, 1));
        let accounts: Vec<Mutex<i64>> = (0..2).map(|_| Mutex::new(1_000)).collect();
        let start = Barrier::new(2);
        thread::scope(|s| {
            for (from, to) in [(0, 1), (1, 0)] {
                let (accounts, start) = (&accounts, &start);
                s.spawn(move || {
                    start.wait();
                    for _ in 0..50_000 {
                        let (mut a, mut b) = lock_pair(accounts, from, to);
                        *a -= 1;
                        *b += 1;
                    }
                });
            }
        });
        let balances: Vec<i64> = accounts
            .into_iter()
            .map(|m| m.into_inner().unwrap())
            .collect();
        assert_eq!(balances, [1_000, 1_000]);
    });
}

#[test]
fn exercise_3_bounded_buffer_delivers_in_order_and_never_overfills() {
    exercise(3, WAKE, || {
        let buffer = BoundedBuffer::new(3);
        buffer.push(0_u32);
        assert_eq!(buffer.pop(), 0);
        let peak = AtomicUsize::new(0);
        let (items, peak, empty) = thread::scope(|s| {
            s.spawn(|| {
                for item in 1..=2_000 {
                    buffer.push(item);
                    peak.fetch_max(buffer.len(), Ordering::SeqCst);
                }
            });
            // A consumer that starts late and is slow: the producer must wait, not overfill.
            thread::sleep(Duration::from_millis(20));
            let received: Vec<u32> = (1..=2_000)
                .map(|i| {
                    if i % 100 == 0 {
                        thread::sleep(Duration::from_millis(1));
                    }
                    buffer.pop()
                })
                .collect();
            (received, peak.load(Ordering::SeqCst), buffer.is_empty())
        });
        assert_eq!(items, (1..=2_000).collect::<Vec<_>>());
        assert!(peak <= 3, "the buffer held {peak} items, its capacity is 3");
        assert!(empty);
    });
}

#[test]
fn exercise_3_bounded_buffer_pop_waits_for_a_push() {
    exercise(3, WAKE, || {
        let buffer = std::sync::Arc::new(BoundedBuffer::new(1));
        buffer.push("warm-up");
        assert_eq!(buffer.pop(), "warm-up");
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                let buffer = buffer.clone();
                thread::spawn(move || buffer.pop())
            })
            .collect();
        for word in ["a", "b", "c"] {
            buffer.push(word);
        }
        let mut got: Vec<&str> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, ["a", "b", "c"]);
    });
}

#[test]
fn exercise_4_semaphore_never_admits_more_than_its_permits() {
    exercise(4, PERMITS, || {
        let semaphore = Semaphore::new(2);
        semaphore.acquire();
        semaphore.release();
        let peak = {
            let (inside, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
            thread::scope(|s| {
                for _ in 0..8 {
                    s.spawn(|| {
                        for _ in 0..100 {
                            semaphore.acquire();
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            semaphore.release();
                        }
                    });
                }
            });
            peak.into_inner()
        };
        assert!(
            (1..=2).contains(&peak),
            "{peak} threads inside a semaphore of 2"
        );
    });
}

#[test]
fn exercise_4_semaphore_acquire_waits_until_a_release() {
    exercise(4, PERMITS, || {
        let semaphore = std::sync::Arc::new(Semaphore::new(1));
        semaphore.acquire(); // the only permit
        let (tx, rx) = mpsc::channel();
        let waiter = {
            let semaphore = semaphore.clone();
            thread::spawn(move || {
                semaphore.acquire();
                tx.send(()).unwrap();
            })
        };
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(100)),
            Err(RecvTimeoutError::Timeout),
            "acquire did not wait for the permit"
        );
        semaphore.release();
        rx.recv_timeout(SOON)
            .expect("release did not wake the waiter");
        waiter.join().unwrap();
    });
}
