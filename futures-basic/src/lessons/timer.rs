//! # A timer future, written by hand
//!
//! Python: `await asyncio.sleep(1)` parks the coroutine on a future, and the event loop's timer
//! callback resolves that future a second later, which puts the coroutine back on the ready queue.
//!
//! Rust: a future's `poll` returns `Pending` after storing the `Waker` from its `Context`, and
//! whoever makes progress possible calls `wake()`. Here that is a thread that sleeps until the
//! deadline: one thread per timer keeps this file short, where real runtimes keep every timer in
//! one place (futures-timer on one thread, tokio in its driver). The waker is stored *before* the
//! clock is read, so an alarm going off in between cannot be missed. The alarm thread calls
//! the waker, so nothing on it may panic, not even on a lock poisoned by someone else's panic.
//! [`crate::lessons::executor`] is the executor that drives it.
//!
//! Run: `cargo run -p futures-basic -- handwritten`
//!
//! Look for: the countdown finishing C, A, D, B on the hand-written Timer, whichever executor
//! polls it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// A future that completes `duration` after its first poll.
#[derive(Debug)]
pub struct Timer {
    duration: Duration,
    alarm: Option<Alarm>, // set by the first poll
}

/// Where the latest poll leaves its waker for the alarm thread.
type Slot = Arc<Mutex<Option<Waker>>>;

/// The deadline, and the slot the alarm thread takes the waker from.
#[derive(Debug)]
struct Alarm {
    deadline: Instant,
    waker: Slot,
}

/// A waker's own `Drop` may panic while the slot is locked (a replaced waker is dropped there),
/// which poisons it; an `Option` is never left half-written, so the slot is still sound to use.
fn lock(slot: &Slot) -> MutexGuard<'_, Option<Waker>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Alarm {
    /// Starts a thread that sleeps until the deadline, then wakes whoever polled last.
    fn start(duration: Duration) -> Self {
        let deadline = Instant::now() + duration;
        let waker: Slot = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&waker);
        thread::spawn(move || {
            thread::sleep(deadline.saturating_duration_since(Instant::now()));
            let waker = lock(&slot).take();
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Alarm { deadline, waker }
    }
}

impl Timer {
    pub fn after(duration: Duration) -> Self {
        Timer {
            duration,
            alarm: None,
        }
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let alarm = self.alarm.get_or_insert_with(|| Alarm::start(duration));
        // Leave the waker *before* reading the clock: if the alarm goes off in between, it
        // finds the waker, and if it went off earlier, the clock says we are done.
        *lock(&alarm.waker) = Some(cx.waker().clone());
        if Instant::now() >= alarm.deadline {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
