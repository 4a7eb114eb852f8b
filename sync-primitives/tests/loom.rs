//! Model checks of the hand-built primitives with loom, which runs each test body under every
//! interleaving (and every reordering the memory model allows) of its threads:
//!
//! ```text
//! cargo test -p sync-primitives --release --features loom --test loom
//! ```
//!
//! Each primitive is checked twice: the real one must pass, and a deliberately broken variant
//! kept for this file must be caught (those tests expect loom's panic).
//!
//! Without the `loom` feature this file compiles to nothing.
#![cfg(feature = "loom")]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::thread;

use sync_primitives::lessons::rwlock::{Prefer, RwLock};
use sync_primitives::lessons::semaphore::{Permit, Semaphore};
use sync_primitives::lessons::spinlock::SpinLock;

/// Explores every interleaving with up to 3 preemptions, which is plenty to find the bugs
/// below and keeps each model to a few seconds.
fn model(test: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound.get_or_insert(3);
    builder.check(test);
}

/// One of the spin lock's locking methods, called with a critical section.
type LockMethod = fn(&SpinLock<u32>, &mut dyn FnMut(&mut u32));

/// Two threads each add 1 under the lock, through `lock`.
fn two_increments(lock: LockMethod) {
    model(move || {
        let counter = Arc::new(SpinLock::new(0));
        let other = {
            let counter = counter.clone();
            thread::spawn(move || lock(&counter, &mut |n| *n += 1))
        };
        lock(&counter, &mut |n| *n += 1);
        other.join().unwrap();
        assert_eq!(counter.lock(|n| *n), 2);
    });
}

#[test]
fn spin_lock_with_acquire_release_is_correct() {
    two_increments(|lock, f| lock.lock(f));
}

#[test]
#[should_panic(expected = "Causality violation")]
fn spin_lock_with_relaxed_orderings_is_caught() {
    // Without Acquire/Release the second holder may not see the first holder's write: loom
    // reports the two accesses to the cell as concurrent.
    two_increments(|lock, f| lock.lock_relaxed(f));
}

/// Three threads each take a permit of a one-permit semaphore through `acquire` and check,
/// inside, that they are alone.
fn three_holders(acquire: fn(&Semaphore) -> Permit<'_>) {
    model(move || {
        let semaphore = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let critical = {
            let (semaphore, inside) = (semaphore.clone(), inside.clone());
            move || {
                let _permit = acquire(&semaphore);
                let now = inside.fetch_add(1, SeqCst) + 1;
                assert!(now <= 1, "{now} threads inside a semaphore of 1");
                inside.fetch_sub(1, SeqCst);
            }
        };
        let others: Vec<_> = (0..2).map(|_| thread::spawn(critical.clone())).collect();
        critical();
        for other in others {
            other.join().unwrap();
        }
    });
}

#[test]
fn semaphore_with_a_loop_around_wait_is_correct() {
    three_holders(Semaphore::acquire);
}

#[test]
#[should_panic(expected = "threads inside a semaphore of 1")]
fn semaphore_with_if_instead_of_while_is_caught() {
    // A woken thread goes in without checking again, although a third thread took the permit
    // between the notification and the wake-up.
    three_holders(Semaphore::acquire_without_loop);
}

/// Two readers and a writer go through `lock` (made with `prefer`); each checks, inside, that
/// no writer is with it. Every thread must also get out: a thread that waits forever is a
/// deadlock, which loom reports.
fn two_readers_and_a_writer(lock: fn() -> RwLock) {
    model(move || {
        let lock = Arc::new(lock());
        let (readers, writers) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let read = {
            let (lock, readers, writers) = (lock.clone(), readers.clone(), writers.clone());
            move || {
                let _read = lock.read();
                readers.fetch_add(1, SeqCst);
                assert_eq!(writers.load(SeqCst), 0, "a reader met a writer");
                readers.fetch_sub(1, SeqCst);
            }
        };
        let others: Vec<_> = (0..2).map(|_| thread::spawn(read.clone())).collect();
        {
            let _write = lock.write();
            assert_eq!(writers.fetch_add(1, SeqCst), 0, "two writers");
            assert_eq!(readers.load(SeqCst), 0, "a writer met a reader");
            writers.fetch_sub(1, SeqCst);
        }
        for other in others {
            other.join().unwrap();
        }
    });
}

#[test]
fn rwlock_preferring_readers_is_correct() {
    two_readers_and_a_writer(|| RwLock::new(Prefer::Readers));
}

#[test]
fn rwlock_preferring_writers_is_correct() {
    two_readers_and_a_writer(|| RwLock::new(Prefer::Writers));
}

#[test]
#[should_panic(expected = "deadlock")]
fn broken_rwlock_without_notify_is_caught() {
    // The writer finds readers inside and waits; the last reader leaves without a
    // notification, so nothing ever wakes the writer.
    two_readers_and_a_writer(|| RwLock::without_notify_by_last_reader(Prefer::Writers));
}
