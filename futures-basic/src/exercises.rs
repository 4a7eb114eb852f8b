//! Exercises for `futures-basic`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p futures-basic --features exercises --test exercises
//! cargo workshop                       # how many are solved, and which is next
//! cargo workshop hint futures-basic 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Exercise 1: a future that gives way once.
///
/// `yield_now().await` should return `Pending` the first time it is polled and `Ready(())` the
/// second time. Before returning `Pending` it must wake its own task, or no executor would ever
/// poll it again: a future that returns `Pending` promises that somebody will call the waker.
///
/// Add the state you need to the struct (one `bool` is enough) and write `yield_now` and `poll`.
///
/// Nudge: the waker to call is in `cx`.
#[derive(Debug, Default)]
pub struct YieldNow {}

/// Returns a [`YieldNow`] that has not yielded yet.
pub fn yield_now() -> YieldNow {
    todo!("exercise 1: a YieldNow that has not yielded yet")
}

impl Future for YieldNow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!("exercise 1: Pending (and a wake) once, then Ready")
    }
}

/// Exercise 2: a `block_on` of your own, the smallest executor there is.
///
/// Poll `future` on the current thread until it is ready and return its output. Between polls
/// the thread must sleep (no busy loop): build a waker that unparks this thread, and park after
/// every `Pending`. It must work for futures woken from other threads and for futures that wake
/// themselves during `poll` (like `yield_now`).
///
/// Nudge: `std::thread::park` and `Thread::unpark` are the sleep and the wake; the
/// `std::task::Wake` trait turns your own type into a `Waker`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    todo!("exercise 2: poll, park, repeat until ready")
}

/// Exercise 3: Python's `as_completed`. Start a timer for every `(name, delay)` job at once and
/// return the names in the order their timers finished (shortest delay first).
///
/// All jobs must wait at the same time: the whole call takes about the longest delay, not the
/// sum.
///
/// Nudge: `futures::stream::FuturesUnordered` is a set of futures that yields their outputs
/// as they complete.
pub async fn in_completion_order(jobs: Vec<(&'static str, Duration)>) -> Vec<&'static str> {
    todo!("exercise 3: names in the order their timers finish")
}

/// Exercise 4: give up on `future` if it is not done within `limit`: `Some(output)` if it
/// finished first, `None` if the time ran out. A future that lost the race is dropped, which is
/// how Rust cancels it.
///
/// Nudge: a race between two futures is `futures::future::select`; the clock is
/// `futures_timer::Delay`.
pub async fn timeout<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    todo!("exercise 4: race the future against a timer")
}

/// Exercise 5: `join` by hand. Run `a` and `b` at the same time and return both outputs.
///
/// Poll both futures each time you are polled, keep each output as it arrives, and return
/// `Ready` only when both are in. Never poll a future again after it returned `Ready` (an
/// `async` block panics if you do). Awaiting `a` and then `b` is *not* a solution: if `b` must
/// make progress before `a` can finish, that deadlocks.
///
/// Nudge: `std::future::poll_fn` lets you write a `poll` as a closure, inside an `async fn`.
pub async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    todo!("exercise 5: poll both futures until both are done")
}

/// Exercise 6: turn a callback API into a future (the bridge the `callbacks` demo builds).
///
/// `start` is an API that takes a callback and calls it later, maybe from another thread, with
/// the result. Call `start` with a callback of your own, then wait for the value without
/// blocking the thread. Return `None` if the API drops your callback without ever calling it.
///
/// Nudge: one value, sent once, from anywhere: a one-shot channel.
pub async fn from_callback<T, F>(start: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce(Box<dyn FnOnce(T) + Send>),
{
    todo!("exercise 6: await the value the callback gets")
}
