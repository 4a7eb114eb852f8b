//! The tour of [`crate::lessons::lazy`]: each stage stamped with the time it happened.

use std::time::{Duration, Instant};

use common::{CommonArgs, say};

use crate::lessons::lazy::{Stages, stages};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let pause = args.pick(Duration::from_millis(200), Duration::from_millis(20));
    let started = Instant::now();
    // The lesson's lines, each with the time since the start in front (after its indent).
    let log = |line: &str| {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        say!("{indent}[{:.2} s] {text}", started.elapsed().as_secs_f64());
    };
    let stages = stages(pause, log)?;
    say!(
        "a second future, dropped unpolled: {} steps run",
        stages.dropped_unpolled
    );

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
