//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use futures::channel::oneshot;
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

/// Exercise 5: poll both until both are done, never polling a finished one again.
pub async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(value) = a.as_mut().poll(cx)
        {
            out_a = Some(value);
        }
        if out_b.is_none()
            && let Poll::Ready(value) = b.as_mut().poll(cx)
        {
            out_b = Some(value);
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b); // not both in yet: put back what we have
                Poll::Pending
            }
        }
    })
    .await
}

/// Exercise 6: a one-shot channel turns the callback into a future.
pub async fn from_callback<T, F>(start: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce(Box<dyn FnOnce(T) + Send>),
{
    let (tx, rx) = oneshot::channel();
    start(Box::new(move |value| {
        let _ = tx.send(value); // the future was dropped: nobody wants the value
    }));
    rx.await.ok()
}
