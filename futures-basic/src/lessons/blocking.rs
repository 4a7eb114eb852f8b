//! # A blocking call inside async code freezes everything on its thread
//!
//! Python: a spinner coroutine and `slow_job()` run together under asyncio; if `slow_job` calls
//! `time.sleep(3)` instead of `await asyncio.sleep(3)`, the spinner stops dead until it returns,
//! because the event loop can only switch tasks at an `await`.
//!
//! Rust: the same. An executor switches tasks only when a future returns `Pending`. Here the
//! spinner and the job run with `join!` on one thread. With `std::thread::sleep` inside the job,
//! the whole thread sleeps, the spinner's timer fires but nobody polls it, and the spinner draws
//! one frame in total. With `futures_timer::Delay` the job returns `Pending`, and the spinner
//! keeps turning.
//!
//! Run: `cargo run -p futures-basic -- blocking` (in a terminal, to see it freeze, then spin)
//!
//! Look for: the "frames" column: 1 for the blocking job, about work/frame for the timer.

use std::cell::Cell;
use std::io::Write;
use std::thread;
use std::time::Duration;

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
