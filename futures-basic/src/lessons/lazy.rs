//! # A future does nothing until it is polled
//!
//! Python: `gen = steps()` runs no line of a generator until `next(gen)`, and each `next` runs it
//! to the following `yield`. Coroutines grew out of generators: `coro = brew()` only builds an
//! object, and no line of `brew` runs until something drives it: `await coro`, `asyncio.run`, or
//! a task from `asyncio.create_task` once the loop gets a turn (a coroutine never driven only
//! earns a "never awaited" warning). A `concurrent.futures.Future` from `pool.submit(f)` is the
//! other kind: the job is already queued and runs on the first free worker whether or not anyone
//! calls `result()`, as a spawned task runs without its `JoinHandle` being awaited.
//!
//! Rust: calling an `async fn` builds a state machine and runs none of its body either. A future
//! moves forward only when someone calls its `poll` method, and each poll runs it up to the next
//! `.await` that is not ready, as `next` runs a generator to its next `yield`.
//! `futures::executor::block_on` polls on the current thread until the future is done, sleeping
//! in between. A future that is dropped unpolled never runs at all. Each step tells `log` what
//! happened, so the order of the lines is the order things ran in.
//!
//! Run: `cargo run -p futures-basic -- lazy`
//!
//! Look for: "0 steps run" right after the future is built, 1 step after a single poll by hand
//! (it stopped at its first `.await`), all 3 after `block_on`, and 0 for the dropped future.

use std::cell::Cell;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::executor::block_on;
use futures_timer::Delay;

/// Three steps of work with a pause between them; counts each step as it runs and logs it.
pub async fn brew(steps: &Cell<u32>, pause: Duration, log: &dyn Fn(&str)) -> &'static str {
    for (i, step) in ["boil water", "steep", "pour"].into_iter().enumerate() {
        if i > 0 {
            Delay::new(pause).await;
        }
        steps.set(steps.get() + 1);
        log(&format!("  step {}: {step}", i + 1));
    }
    "tea"
}

/// How many steps had run at each stage: after building, after one poll, after `block_on`, and
/// for a second future that was dropped without being polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stages {
    pub after_build: u32,
    pub after_one_poll: u32,
    pub after_block_on: u32,
    pub dropped_unpolled: u32,
}

/// Builds a future, polls it once by hand, then lets `block_on` finish it; `log` hears each
/// stage (and each step of the future) as it happens.
pub fn stages(pause: Duration, log: impl Fn(&str)) -> anyhow::Result<Stages> {
    let steps = Cell::new(0);

    // 1. Build the future. Nothing runs: it is only a value.
    let mut future = pin!(brew(&steps, pause, &log));
    let after_build = steps.get();
    log(&format!("future built: {after_build} steps run"));

    // 2. Poll it once by hand. It runs until its first pause, then returns Pending. The no-op
    //    waker means nobody would be told when the pause is over; block_on brings a real one.
    let first = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    let after_one_poll = steps.get();
    let state = if first.is_pending() {
        "Pending"
    } else {
        "Ready"
    };
    log(&format!(
        "one poll returned {state}: {after_one_poll} step run"
    ));
    anyhow::ensure!(
        first == Poll::Pending,
        "the first poll should stop at the pause"
    );

    // 3. block_on polls it to the end, sleeping the thread while the future waits.
    let tea = block_on(future);
    let after_block_on = steps.get();
    log(&format!(
        "block_on returned {tea:?}: {after_block_on} steps run"
    ));

    // 4. A future dropped without a poll never starts.
    let other = Cell::new(0);
    drop(brew(&other, pause, &log));

    Ok(Stages {
        after_build,
        after_one_poll,
        after_block_on,
        dropped_unpolled: other.get(),
    })
}
