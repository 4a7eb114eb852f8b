//! # Deadlock: two locks taken in opposite order, detected, then fixed
//!
//! Python: thread 1 does `with a: with b: ...` while thread 2 does `with b: with a: ...`. If each
//! gets its first lock before the other's second, both wait forever, and the program hangs.
//!
//! Rust: `Mutex` does not prevent this either. Here a `Barrier` between the first and second
//! acquisition makes both threads hold their first lock before asking for the second, so the
//! deadlock happens on every run. To keep the demo from hanging, the second lock is taken with
//! `try_lock` in a loop until a deadline: the wait that would be forever is cut short and
//! reported. The fix is a global lock order: every thread takes `a` before `b`, whatever
//! direction its transfer goes, so nobody can hold `b` while waiting for `a`.
//!
//! Run: `cargo run -p sync-primitives -- deadlock`
//!
//! Look for: "deadlock detected after N ms" from both threads, then the ordered version making
//! every transfer in both directions with the money all accounted for.

use std::sync::{Barrier, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::anyhow;

/// How one thread's attempt to take its second lock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Locked,
    /// The deadline passed while the other thread held the lock; `waited` is how long we tried.
    Deadlock {
        waited: Duration,
    },
}

/// Tries to lock `m` until `deadline`, polling every millisecond (the bounded wait).
fn lock_before<T>(m: &Mutex<T>, deadline: Instant) -> Option<MutexGuard<'_, T>> {
    loop {
        match m.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::Poisoned(e)) => return Some(e.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() >= deadline => return None,
            Err(TryLockError::WouldBlock) => thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Two threads move money between `a` and `b` in opposite directions, each locking the account
/// it pays from first. The barrier forces the fatal interleaving; `bound` caps the wait.
pub fn opposite_order(bound: Duration) -> anyhow::Result<[Attempt; 2]> {
    let (a, b) = (Mutex::new(100_i64), Mutex::new(100_i64));
    let both_hold_one = Barrier::new(2);
    let both_tried = Barrier::new(2);
    let attempt = |first: &Mutex<i64>, second: &Mutex<i64>| {
        let mut from = first.lock().unwrap_or_else(PoisonError::into_inner);
        both_hold_one.wait();
        let started = Instant::now();
        let outcome = match lock_before(second, started + bound) {
            Some(mut to) => {
                *from -= 10;
                *to += 10;
                Attempt::Locked
            }
            None => Attempt::Deadlock {
                waited: started.elapsed(),
            },
        };
        // Keep the first lock until the other thread has given up too, so both see the deadlock.
        both_tried.wait();
        outcome
    };
    thread::scope(|s| {
        let one = s.spawn(|| attempt(&a, &b));
        let two = s.spawn(|| attempt(&b, &a));
        Ok([
            one.join().map_err(|_| anyhow!("thread 1 panicked"))?,
            two.join().map_err(|_| anyhow!("thread 2 panicked"))?,
        ])
    })
}

/// The fix: both threads make `rounds` transfers in opposite directions, but always lock `a`
/// (the lower account) before `b`: 7 from `a` to `b`, and 3 from `b` to `a`, each time.
/// `a` starts with `4 * rounds` and `b` with nothing; returns their final balances.
pub fn global_order(rounds: usize) -> (i64, i64) {
    let (a, b) = (Mutex::new(4 * rounds as i64), Mutex::new(0_i64));
    let lock = |m: &Mutex<i64>| -> i64 { *m.lock().unwrap_or_else(PoisonError::into_inner) };
    let start_together = Barrier::new(2);
    thread::scope(|s| {
        for amount in [7_i64, -3] {
            // 7 moves from a to b, -3 moves 3 from b to a: opposite directions, same lock order.
            let (a, b, start_together) = (&a, &b, &start_together);
            s.spawn(move || {
                start_together.wait();
                for _ in 0..rounds {
                    let mut a = a.lock().unwrap_or_else(PoisonError::into_inner);
                    let mut b = b.lock().unwrap_or_else(PoisonError::into_inner);
                    *a -= amount;
                    *b += amount;
                }
            });
        }
    });
    (lock(&a), lock(&b))
}
