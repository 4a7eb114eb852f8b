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

use sync_primitives::rwlock::{Prefer, RwLock};
use sync_primitives::semaphore::{Permit, Semaphore};
use sync_primitives::spinlock::SpinLock;

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

#[test]
fn rwlock_never_lets_a_writer_in_with_anyone_else() {
    for prefer in [Prefer::Readers, Prefer::Writers] {
        model(move || {
            let lock = Arc::new(RwLock::new(prefer));
            let (readers, writers) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
            let reader = {
                let (lock, readers, writers) = (lock.clone(), readers.clone(), writers.clone());
                thread::spawn(move || {
                    let _read = lock.read();
                    readers.fetch_add(1, SeqCst);
                    assert_eq!(writers.load(SeqCst), 0, "a reader met a writer");
                    readers.fetch_sub(1, SeqCst);
                })
            };
            {
                let _write = lock.write();
                assert_eq!(writers.fetch_add(1, SeqCst), 0, "two writers");
                assert_eq!(readers.load(SeqCst), 0, "a writer met a reader");
                writers.fetch_sub(1, SeqCst);
            }
            reader.join().unwrap();
        });
    }
}
