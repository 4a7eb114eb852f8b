//! # A future does nothing until it is polled
//!
//! Python: `gen = steps()` runs no line of a generator until `next(gen)`, and each `next` runs it
//! to the following `yield`. Coroutines grew out of generators: `coro = brew()` only builds an
//! object, and nothing in `brew` runs until something awaits it.
//!
//! Rust: calling an `async fn` builds a state machine and runs none of its body either. A future
//! moves forward only when someone calls its `poll` method, and each poll runs it up to the next
//! `.await` that is not ready, as `next` runs a generator to its next `yield`.
//! `futures::executor::block_on` polls on the current thread until the future is done, sleeping
//! in between. A future that is dropped unpolled never runs at all.
//!
//! Run: `cargo run -p futures-basic -- lazy`
//!
//! Look for: "0 steps run" right after the future is built, 1 step after a single poll by hand
//! (it stopped at its first `.await`), all 3 after `block_on`, and 0 for the dropped future.

use std::cell::Cell;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use common::{CommonArgs, say};
use futures::executor::block_on;
use futures_timer::Delay;

/// Three steps of work with a pause between them; counts each step as it runs.
pub async fn brew(steps: &Cell<u32>, pause: Duration, watch: Instant) -> &'static str {
    for (i, step) in ["boil water", "steep", "pour"].into_iter().enumerate() {
        if i > 0 {
            Delay::new(pause).await;
        }
        steps.set(steps.get() + 1);
        say!(
            "  [{:.2} s] step {}: {step}",
            watch.elapsed().as_secs_f64(),
            i + 1
        );
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

/// Builds a future, polls it once by hand, then lets `block_on` finish it.
pub fn stages(pause: Duration) -> anyhow::Result<Stages> {
    let watch = Instant::now();
    let steps = Cell::new(0);

    // 1. Build the future. Nothing runs: it is only a value.
    let mut future = pin!(brew(&steps, pause, watch));
    let after_build = steps.get();
    say!(
        "[{:.2} s] future built: {after_build} steps run",
        watch.elapsed().as_secs_f64()
    );

    // 2. Poll it once by hand. It runs until its first pause, then returns Pending. The no-op
    //    waker means nobody would be told when the pause is over; block_on brings a real one.
    let first = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    let after_one_poll = steps.get();
    say!(
        "[{:.2} s] one poll returned {}: {after_one_poll} step run",
        watch.elapsed().as_secs_f64(),
        if first.is_pending() {
            "Pending"
        } else {
            "Ready"
        }
    );
    anyhow::ensure!(
        first == Poll::Pending,
        "the first poll should stop at the pause"
    );

    // 3. block_on polls it to the end, sleeping the thread while the future waits.
    let tea = block_on(future);
    let after_block_on = steps.get();
    say!(
        "[{:.2} s] block_on returned {tea:?}: {after_block_on} steps run",
        watch.elapsed().as_secs_f64()
    );

    // 4. A future dropped without a poll never starts.
    let other = Cell::new(0);
    drop(brew(&other, pause, watch));
    say!(
        "a second future, dropped unpolled: {} steps run",
        other.get()
    );

    Ok(Stages {
        after_build,
        after_one_poll,
        after_block_on,
        dropped_unpolled: other.get(),
    })
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let pause = args.pick(Duration::from_millis(200), Duration::from_millis(20));
    let stages = stages(pause)?;

    // What was claimed: nothing before the first poll, one step per poll until a pause, all of
    // it under block_on, and nothing at all for a future nobody polled.
    let expected = Stages {
        after_build: 0,
        after_one_poll: 1,
        after_block_on: 3,
        dropped_unpolled: 0,
    };
    anyhow::ensure!(stages == expected, "expected {expected:?}, saw {stages:?}");
    Ok(())
}
