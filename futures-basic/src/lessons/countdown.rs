//! # Countdown: four tasks on one thread finish in delay order
//!
//! Python: `await asyncio.gather(countdown("A", 0.7), countdown("B", 2), ...)` wraps each
//! coroutine in a task, runs the four at once on one thread and returns their results in the
//! order of its arguments, whatever order they finished in; `for next_done in
//! asyncio.as_completed(aws): await next_done` gets the results in finishing order; `done,
//! pending = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)` returns at the first, and
//! the pending tasks keep running until they are cancelled (`task.cancel()`).
//!
//! Rust: with the futures crate and no runtime, `join_all` is `gather`, `FuturesUnordered` is
//! `as_completed`, `select_all` takes the first and hands back the rest (dropping them cancels
//! them: a Rust future that is never polled again simply never finishes). Awaiting one after
//! another is the sequential baseline. The futures crate has no timer, so the tasks sleep with
//! the small futures-timer crate; the `handwritten` demo then builds a timer of its own.
//!
//! Run: `cargo run -p futures-basic -- countdown`
//!
//! Look for: the tasks finishing C, A, D, B (shortest delay first) in every concurrent row;
//! `join_all` still returning A, B, C, D; the concurrent rows taking about the longest delay and
//! the sequential row the sum; `select_all` stopping after C with three tasks cancelled.

use std::cell::RefCell;
use std::time::Duration;

use futures::executor::block_on;
use futures::future::{join_all, select_all};
use futures::stream::{FuturesUnordered, StreamExt};
use futures_timer::Delay;

/// The talk's four tasks and their delays in seconds, scaled by the caller.
pub const TASKS: [(&str, f64); 4] = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)];

/// The four tasks with their delays multiplied by `scale`.
pub fn tasks(scale: f64) -> Vec<(&'static str, Duration)> {
    TASKS
        .iter()
        .map(|&(name, secs)| (name, Duration::from_secs_f64(secs * scale)))
        .collect()
}

/// How the tasks were combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Sequential,
    JoinAll,
    FuturesUnordered,
    SelectAll,
}

/// What one variant saw: the order the tasks finished in, and the order it returned them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub finished: Vec<&'static str>,
    pub returned: Vec<&'static str>,
    /// The most tasks waiting on their timers at the same moment.
    pub peak_waiting: u64,
}

/// What the tasks write down as they run: who finished, and how many were waiting at once.
#[derive(Debug, Default)]
struct Log {
    finished: Vec<&'static str>,
    waiting: u64,
    peak: u64,
}

/// One task: wait `delay`, note that it finished, return its name.
async fn countdown(name: &'static str, delay: Duration, log: &RefCell<Log>) -> &'static str {
    {
        let mut log = log.borrow_mut();
        log.waiting += 1;
        log.peak = log.peak.max(log.waiting);
    }
    Delay::new(delay).await;
    let mut log = log.borrow_mut();
    log.waiting -= 1;
    log.finished.push(name);
    name
}

/// Runs the tasks one way on this thread.
pub fn run_variant(variant: Variant, tasks: &[(&'static str, Duration)]) -> Outcome {
    let log = RefCell::new(Log::default());
    // Calling `countdown` only builds the future; its timer starts when it is first polled.
    let futures = tasks.iter().map(|&(n, d)| countdown(n, d, &log));
    let returned = block_on(async {
        match variant {
            Variant::Sequential => {
                let mut out = Vec::new();
                for future in futures {
                    out.push(future.await);
                }
                out
            }
            Variant::JoinAll => join_all(futures).await,
            Variant::FuturesUnordered => futures.collect::<FuturesUnordered<_>>().collect().await,
            Variant::SelectAll => {
                let (first, _index, rest) = select_all(futures.map(Box::pin)).await;
                drop(rest); // the other three are cancelled here
                vec![first]
            }
        }
    });
    let log = log.into_inner();
    Outcome {
        finished: log.finished,
        returned,
        peak_waiting: log.peak,
    }
}
