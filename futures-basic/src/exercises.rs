//! Exercises for `futures-basic`. Replace each `todo!()` with your code, then run
//!
//! ```text
//! cargo test -p futures-basic --features exercises --test exercises
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
/// Hints: `cx.waker().wake_by_ref()`; `YieldNow` holds no self-references, so it is `Unpin` and
/// `self.get_mut()` (or `mut self` with `self.field = ...`) gives you `&mut YieldNow`.
#[derive(Debug, Default)]
pub struct YieldNow {}

/// Returns a [`YieldNow`] that has not yielded yet.
pub fn yield_now() -> YieldNow {
    todo!()
}

impl Future for YieldNow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!()
    }
}

/// Exercise 2: a `block_on` of your own, the smallest executor there is.
///
/// Poll `future` on the current thread until it is ready and return its output. Between polls
/// the thread must sleep (no busy loop): build a waker that unparks this thread, and park after
/// every `Pending`. It must work for futures woken from other threads and for futures that wake
/// themselves during `poll` (like `yield_now`).
///
/// Hints: `struct ThreadWaker(std::thread::Thread)` with `impl std::task::Wake` (its `wake`
/// calls `unpark`); `Waker::from(Arc::new(ThreadWaker(thread::current())))`;
/// `Context::from_waker(&waker)`; `std::pin::pin!(future)` to pin it on the stack; `park` may
/// return without a wake, so loop. An `unpark` before `park` is remembered, so no wake is lost.
pub fn block_on<F: Future>(future: F) -> F::Output {
    todo!()
}

/// Exercise 3: Python's `as_completed`. Start a timer for every `(name, delay)` job at once and
/// return the names in the order their timers finished (shortest delay first).
///
/// All jobs must wait at the same time: the whole call takes about the longest delay, not the
/// sum.
///
/// Hints: `futures::stream::FuturesUnordered` collects futures (`.collect()` from an iterator of
/// `async move { ... }` blocks); `futures::StreamExt::next` yields outputs as they complete;
/// `futures_timer::Delay::new(delay).await` waits.
pub async fn in_completion_order(jobs: Vec<(&'static str, Duration)>) -> Vec<&'static str> {
    todo!()
}

/// Exercise 4: give up on `future` if it is not done within `limit`: `Some(output)` if it
/// finished first, `None` if the time ran out. A future that lost the race is dropped, which is
/// how Rust cancels it.
///
/// Hints: `futures::future::select(a, b)` needs both futures `Unpin`: pin them first with
/// `std::pin::pin!` (or `Box::pin`); it returns `Either::Left((output, _))` if `a` finished
/// first and `Either::Right(..)` otherwise. `futures_timer::Delay::new(limit)` is the clock.
pub async fn timeout<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    todo!()
}
