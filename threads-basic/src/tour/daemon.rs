//! The tour of [`crate::lessons::daemon`]: the child process's ticks, then the timed-out wait.

use std::path::Path;
use std::time::Duration;

use anyhow::bail;
use common::{CommonArgs, say};

use crate::lessons::daemon::{join_with_timeout, ticks_before_exit};

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Part 1: a detached thread dies with the process.
    let main_ms = args.pick(200, 100);
    let ticks = ticks_before_exit(exe, main_ms)?;
    say!(
        "child process: main returned after {main_ms} ms; its detached thread printed {ticks} of 100 ticks"
    );
    anyhow::ensure!(ticks < 100, "the detached thread outlived main");

    // Part 2: join with a timeout.
    let waited = join_with_timeout(Duration::from_millis(300), Duration::from_millis(100))?;
    if let Some(v) = waited.in_time {
        bail!("the slow thread answered {v} too early");
    }
    say!(
        "recv_timeout gave up after {:.2} s; is_finished() = {}",
        (waited.gave_up - waited.started).as_secs_f64(),
        waited.finished_at_timeout
    );
    say!(
        "waited again: the answer {} arrived after {:.2} s",
        waited.answer,
        (waited.answered - waited.started).as_secs_f64()
    );
    Ok(())
}
