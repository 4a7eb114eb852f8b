//! # A blocking call inside async code freezes everything on its thread
//!
//! Python: a spinner coroutine and `slow_job()` run together under asyncio; if `slow_job` calls
//! `time.sleep(3)` instead of `await asyncio.sleep(3)`, the spinner stops dead until it returns,
//! because the event loop can only switch tasks at an `await`.
//!
//! Rust is the same: an executor switches tasks only when a future returns `Pending`. Here the
//! spinner and the job run with `join!` on one thread. With `std::thread::sleep` inside the job,
//! the whole thread sleeps, the spinner's timer fires but nobody polls it, and the spinner draws
//! one frame in total. With `futures_timer::Delay` the job returns `Pending`, and the spinner
//! keeps turning.
//!
//! Run: `cargo run -p futures-basic -- blocking` (in a terminal, to see it freeze, then spin)
//!
//! Look for: the "frames" column: 1 for the blocking job, about work/frame for the timer.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::thread;
use std::time::Duration;

use common::{CommonArgs, Row, Table, say, timed};
use futures::executor::block_on;
use futures_timer::Delay;

/// Draws a frame every `frame` until `done` is set; returns how many frames it drew.
pub async fn spinner(done: &Cell<bool>, frame: Duration, draw: bool) -> u64 {
    let mut frames = 0;
    for ch in ['|', '/', '-', '\\'].iter().cycle() {
        if done.get() {
            break;
        }
        if draw {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r{ch} working...");
            let _ = out.flush();
        }
        frames += 1;
        Delay::new(frame).await;
    }
    if draw {
        print!("\r{}\r", " ".repeat(20));
    }
    frames
}

/// Runs the spinner next to a job of `work` on one thread; returns the spinner's frame count.
/// The job sleeps with `std::thread::sleep` if `blocking`, or awaits a timer if not.
pub fn spin_beside_job(work: Duration, frame: Duration, blocking: bool, draw: bool) -> u64 {
    let done = Cell::new(false);
    let job = async {
        if blocking {
            thread::sleep(work); // the mistake: the thread, and every task on it, stops here
        } else {
            Delay::new(work).await;
        }
        done.set(true);
    };
    // The spinner goes first, so it draws its first frame before the job starts either way.
    let (frames, ()) = block_on(async { futures::join!(spinner(&done, frame, draw), job) });
    frames
}

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
