//! # `Send` and `Sync`: why some values cannot cross threads, checked by the compiler
//!
//! Python: any object can be handed to any thread; whether that is safe is up to you (and the
//! GIL makes a single reference-count update atomic, at the cost of running one thread at a
//! time).
//!
//! Rust: a type is `Send` if it may move to another thread and `Sync` if it may be *shared*
//! (`&T` sent) between threads; the compiler works both out and refuses the rest. `Rc` counts
//! its references without atomics, so two threads cloning it could corrupt the count: it is
//! neither. `Arc` uses atomic counts: it is both (when its contents are). `Cell` and `RefCell`
//! allow mutation through `&T` without any lock, so they are `Send` but not `Sync`; `Mutex` is
//! the thread-safe version.
//!
//! Run: `cargo run -p sync-primitives -- send-sync` (and `cargo test -p sync-primitives --doc`
//! checks that the examples below that must not compile really do not)
//!
//! Look for: the versions that compile, run; the ones that do not are the doctests here.
//!
//! An `Rc` cannot move to another thread (error E0277: `Rc<i32>` cannot be sent between threads
//! safely):
//!
//! ```compile_fail,E0277
//! let shared = std::rc::Rc::new(5);
//! let copy = std::rc::Rc::clone(&shared);
//! std::thread::spawn(move || println!("{copy}"));
//! ```
//!
//! An `Arc` can:
//!
//! ```
//! let shared = std::sync::Arc::new(5);
//! let copy = std::sync::Arc::clone(&shared);
//! std::thread::spawn(move || println!("{copy}")).join().unwrap();
//! ```
//!
//! A `RefCell` cannot be shared between threads (E0277: `RefCell<i32>` cannot be shared between
//! threads safely), nor can a `Cell`:
//!
//! ```compile_fail,E0277
//! let cell = std::cell::RefCell::new(0);
//! std::thread::scope(|s| {
//!     s.spawn(|| *cell.borrow_mut() += 1);
//!     s.spawn(|| *cell.borrow_mut() += 1);
//! });
//! ```
//!
//! ```compile_fail,E0277
//! let cell = std::cell::Cell::new(0);
//! std::thread::scope(|s| {
//!     s.spawn(|| cell.set(cell.get() + 1));
//! });
//! ```
//!
//! A `Mutex` can, and so can an atomic:
//!
//! ```
//! let cell = std::sync::Mutex::new(0);
//! std::thread::scope(|s| {
//!     s.spawn(|| *cell.lock().unwrap() += 1);
//!     s.spawn(|| *cell.lock().unwrap() += 1);
//! });
//! assert_eq!(cell.into_inner().unwrap(), 2);
//! ```
//!
//! A `MutexGuard` must be unlocked by the thread that locked it, so it is not `Send` either:
//!
//! ```compile_fail,E0277
//! let lock = std::sync::Mutex::new(0);
//! let guard = lock.lock().unwrap();
//! std::thread::scope(|s| {
//!     s.spawn(move || drop(guard));
//! });
//! ```

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::anyhow;

/// Compiles only for types that may move to another thread.
fn assert_send<T: Send>() {}
/// Compiles only for types that may be shared between threads.
fn assert_sync<T: Sync>() {}

/// `threads` threads each hold a clone of one `Arc` and add 1 to the counter inside it.
/// Returns the count and the `Arc`'s reference count afterwards (1: every clone was dropped).
pub fn arc_across_threads(threads: usize) -> anyhow::Result<(u64, usize)> {
    let shared = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let mine = Arc::clone(&shared); // an atomic increment of the reference count
            thread::spawn(move || mine.fetch_add(1, Ordering::Relaxed))
        })
        .collect();
    for handle in handles {
        handle.join().map_err(|_| anyhow!("a thread panicked"))?;
    }
    Ok((shared.load(Ordering::Relaxed), Arc::strong_count(&shared)))
}

/// The compiler checks these; each line is a compile-time fact, not a test that runs.
pub fn checked_at_compile_time() {
    assert_send::<Arc<Mutex<Vec<u8>>>>();
    assert_sync::<Arc<Mutex<Vec<u8>>>>();
    assert_send::<RefCell<u8>>(); // may move to one other thread, just not be shared
    assert_sync::<AtomicU64>();
}

/// Within one thread, `Rc` is fine and cheaper: its count is a plain integer. Returns the vector
/// after a push through a clone, and the count once that clone is gone.
pub fn rc_on_one_thread() -> (Vec<i32>, usize) {
    let local = Rc::new(RefCell::new(vec![1]));
    Rc::clone(&local).borrow_mut().push(2);
    let count = Rc::strong_count(&local);
    (local.borrow().clone(), count)
}
