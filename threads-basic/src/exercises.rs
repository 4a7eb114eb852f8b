//! Exercises for `threads-basic`. Replace each `todo!()` with your code, then run
//!
//! ```text
//! cargo test -p threads-basic --features exercises --test exercises
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables)]

use std::thread;
use std::time::Duration;

/// Exercise 1: sum `data` using `threads` scoped threads.
///
/// Split `data` into `threads` chunks (the last may be shorter), sum each chunk on its own
/// thread, and add the partial sums. An empty slice sums to 0. `threads` is at least 1.
///
/// Hints: `thread::scope(|s| ...)` lets the threads borrow `data`; `data.chunks(size)` with
/// `size = data.len().div_ceil(threads)` (but never 0); `s.spawn(move || ...)` returns a handle
/// whose `join()` gives the closure's value.
pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
    todo!()
}

/// Exercise 2: start one thread per name, named exactly that, and return what each thread
/// reports as its own name, in the order of `names`.
///
/// Inside each thread, build the string `"hello from <name>"` from `thread::current().name()`
/// (not from the captured variable: the point is to see the name the thread really has).
///
/// Hints: `thread::Builder::new().name(..).spawn(..)` returns `io::Result<JoinHandle<_>>`;
/// start them all before joining any.
pub fn greetings(names: &[&str]) -> std::io::Result<Vec<String>> {
    todo!()
}

/// Exercise 3: run `job` on a new thread and wait at most `timeout` for its result.
///
/// Return `Some(value)` if the job finished in time, `None` if it did not (the thread may go on
/// running; that is fine) or if it panicked.
///
/// Hints: `std::sync::mpsc::channel()`; move the sender into the thread and send the result;
/// `rx.recv_timeout(timeout)` returns `Err` on timeout and when the sender is dropped without
/// sending (which is what happens when the job panics).
pub fn run_with_timeout<T, F>(job: F, timeout: Duration) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    todo!()
}

/// Exercise 4: run every job on its own thread *at the same time*, and return their results in
/// the order of `jobs`. A job that panics gives `None` in its place; the others still count.
///
/// Hint: the classic mistake is joining inside the loop that spawns; collect the handles first.
pub fn run_all<T: Send + 'static>(jobs: Vec<Box<dyn FnOnce() -> T + Send>>) -> Vec<Option<T>> {
    let _ = thread::current();
    todo!()
}
