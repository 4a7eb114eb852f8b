//! The tour of [`crate::lessons::blocking`]: the spinner beside a blocking job, then a yielding
//! one.

use std::io::IsTerminal;
use std::time::Duration;

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::blocking::spin_beside_job;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let work = args.latency_or(800, 120);
    let frame = args.pick(Duration::from_millis(50), Duration::from_millis(20));
    let draw = std::io::stdout().is_terminal() && !args.json;
    anyhow::ensure!(
        work >= 4 * frame,
        "--latency-ms (the job's length) must be at least {} ms here: four spinner frames",
        4 * frame.as_millis()
    );
    let expected = work.as_millis() / frame.as_millis();
    say!(
        "a {} ms job beside a spinner that draws a frame every {} ms (about {expected} frames)",
        work.as_millis(),
        frame.as_millis()
    );

    let mut table = Table::new("blocking", args).bar_on("frames");
    let mut counts = Vec::new();
    for (label, blocking) in [
        ("std::thread::sleep (blocks)", true),
        ("Delay.await (yields)", false),
    ] {
        let (frames, wall) = timed(|| spin_beside_job(work, frame, blocking, draw));
        let s = if frames == 1 { "" } else { "s" };
        say!("{label:>27}: the spinner drew {frames} frame{s}");
        table.push(Row::new(label, 1, wall).extra("frames", frames));
        counts.push(frames);
    }
    table.print();

    // What was claimed: one frame while the thread was blocked; many while the job yielded.
    anyhow::ensure!(counts[0] == 1, "blocked spinner drew {} frames", counts[0]);
    anyhow::ensure!(counts[1] > counts[0], "frames {counts:?}");
    Ok(())
}
