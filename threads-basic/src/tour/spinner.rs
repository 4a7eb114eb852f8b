//! The tour of [`crate::lessons::spinner`]: the slow work with a spinner beside it.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use common::{CommonArgs, say};

use crate::lessons::spinner::{slow_work, with_spinner};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let work = args.pick(Duration::from_millis(1500), Duration::from_millis(200));
    let frame = args.pick(Duration::from_millis(100), Duration::from_millis(20));
    let draw = std::io::stdout().is_terminal() && !args.json;

    let watch = Instant::now();
    let (answer, frames) = with_spinner(frame, draw, || slow_work(work))?;
    say!(
        "answer: {answer} after {:.2} s; the spinner drew {frames} frames meanwhile, then stopped",
        watch.elapsed().as_secs_f64()
    );

    // What was claimed: it spun while the work ran, and stopped when told.
    anyhow::ensure!(frames > 0, "the spinner never turned");
    Ok(())
}
