//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use futures::future::{Either, select};
use futures::stream::{FuturesUnordered, StreamExt};
use futures_timer::Delay;

/// Exercise 1: a future that gives way once.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

/// Returns a [`YieldNow`] that has not yielded yet.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Ask to be polled again, then step aside so other tasks can run first.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Wakes the thread that is blocked in [`block_on`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Exercise 2: poll on this thread until ready, parking between polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // An unpark that came during the poll is remembered, so this returns at once then.
        thread::park();
    }
}

/// Exercise 3: names in the order their timers finished.
pub async fn in_completion_order(jobs: Vec<(&'static str, Duration)>) -> Vec<&'static str> {
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|(name, delay)| async move {
            Delay::new(delay).await;
            name
        })
        .collect();
    let mut order = Vec::new();
    while let Some(name) = running.next().await {
        order.push(name);
    }
    order
}

/// Exercise 4: the output if `future` wins the race against a timer of `limit`.
pub async fn timeout<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    let future = pin!(future);
    match select(future, Delay::new(limit)).await {
        Either::Left((output, _timer)) => Some(output),
        Either::Right(((), _abandoned)) => None,
    }
}
