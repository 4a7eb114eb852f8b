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

/// Exercise 5: `join` by hand. Run `a` and `b` at the same time and return both outputs.
///
/// Poll both futures each time you are polled, keep each output as it arrives, and return
/// `Ready` only when both are in. Never poll a future again after it returned `Ready` (an
/// `async` block panics if you do). Awaiting `a` and then `b` is *not* a solution: if `b` must
/// make progress before `a` can finish, that deadlocks.
///
/// Hints: pin both with `std::pin::pin!`; keep `Option<A::Output>` and `Option<B::Output>`;
/// `std::future::poll_fn(|cx| { ... }).await` lets you write the poll logic as a closure;
/// `Option::take` moves the outputs out at the end.
pub async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    todo!()
}

/// Exercise 6: turn a callback API into a future (the bridge the `callbacks` demo builds).
///
/// `start` is an API that takes a callback and calls it later, maybe from another thread, with
/// the result. Call `start` with a callback of your own, then wait for the value without
/// blocking the thread. Return `None` if the API drops your callback without ever calling it.
///
/// Hints: `futures::channel::oneshot::channel()`; the callback moves the sender in and sends;
/// the receiver is a future that resolves to `Err(Canceled)` when the sender is dropped.
pub async fn from_callback<T, F>(start: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce(Box<dyn FnOnce(T) + Send>),
{
    todo!()
}
