//! Exercises for `threads-basic`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p threads-basic --features exercises --test exercises
//! cargo workshop                       # how many are solved, and which is next
//! cargo workshop hint threads-basic 1  # the near-answer, when the nudge below is not enough
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
/// Nudge: `thread::scope` lets threads borrow `data`, so nothing needs to be cloned.
pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
    todo!("exercise 1: sum the chunks on scoped threads")
}

/// Exercise 2: start one thread per name, named exactly that, and return what each thread
/// reports as its own name, in the order of `names`.
///
/// Inside each thread, build the string `"hello from <name>"` from `thread::current().name()`
/// (not from the captured variable: the point is to see the name the thread really has).
///
/// Nudge: `thread::spawn` cannot name a thread; `thread::Builder` can.
pub fn greetings(names: &[&str]) -> std::io::Result<Vec<String>> {
    todo!("exercise 2: greet from named threads")
}

/// Exercise 3: run `job` on a new thread and wait at most `timeout` for its result.
///
/// Return `Some(value)` if the job finished in time, `None` if it did not (the thread may go on
/// running; that is fine) or if it panicked.
///
/// Nudge: a `JoinHandle` cannot wait with a limit, but a channel's receiver can.
pub fn run_with_timeout<T, F>(job: F, timeout: Duration) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    todo!("exercise 3: wait for the job's result at most `timeout`")
}

/// Exercise 4: run every job on its own thread *at the same time*, and return their results in
/// the order of `jobs`. A job that panics gives `None` in its place; the others still count.
///
/// Nudge: the test's jobs only finish once all of them are running.
pub fn run_all<T: Send + 'static>(jobs: Vec<Box<dyn FnOnce() -> T + Send>>) -> Vec<Option<T>> {
    let _ = thread::current();
    todo!("exercise 4: run every job at once, results in order")
}
