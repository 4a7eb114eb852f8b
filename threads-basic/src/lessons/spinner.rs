//! # A spinner thread that stops when the work is done
//!
//! Python: a spinner thread loops over `itertools.cycle('|/-\\')` writing `\b` + a character,
//! and waits out each frame in `done.wait(frame)` on a `threading.Event` the main thread sets
//! when the slow work returns: the wait wakes the moment the event is set.
//!
//! Rust: the "event" is an `Arc<AtomicBool>`. The spinner checks it between frames and sleeps a
//! whole frame in between, so it stops up to one frame late (a channel's `recv_timeout` would
//! wake at once, as `Event.wait` does). Stopping is cooperative: set the flag, then `join` to be
//! sure the last frame is erased before anything else prints. The spinner returns how many
//! frames it drew.
//!
//! Run: `cargo run -p threads-basic -- spinner` (in a terminal, to see it spin)
//!
//! Look for: the spinner turning while the main thread works, the line cleared when it stops,
//! and the number of frames it drew (frames are only drawn on a terminal; they are counted
//! everywhere).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::anyhow;

/// Spins until `done` is set, one frame per `frame`, and returns the number of frames drawn.
/// With `draw`, the frames go to stdout: the spinner on the terminal is the lesson.
pub fn spin(done: &AtomicBool, frame: Duration, draw: bool) -> u64 {
    let mut frames = 0;
    for ch in ['|', '/', '-', '\\'].iter().cycle() {
        if done.load(Ordering::Relaxed) {
            break;
        }
        if draw {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r{ch} thinking...");
            let _ = out.flush();
        }
        frames += 1;
        thread::sleep(frame);
    }
    if draw {
        // Erase the spinner so the next line starts clean.
        print!("\r{}\r", " ".repeat(20));
    }
    frames
}

/// The slow work the spinner keeps company: sleeping stands in for a long computation or call.
pub fn slow_work(duration: Duration) -> u64 {
    thread::sleep(duration);
    42
}

/// Runs `work` on this thread with a spinner on another; returns its result and the frames
/// drawn meanwhile.
pub fn with_spinner<T>(
    frame: Duration,
    draw: bool,
    work: impl FnOnce() -> T,
) -> anyhow::Result<(T, u64)> {
    // 1. Start the spinner with a shared stop flag.
    let done = Arc::new(AtomicBool::new(false));
    let spinner = {
        let done = Arc::clone(&done);
        thread::spawn(move || spin(&done, frame, draw))
    };

    // 2. Do the slow work on this thread.
    let answer = work();

    // 3. Tell the spinner to stop, and wait until it has.
    done.store(true, Ordering::Relaxed);
    let frames = spinner
        .join()
        .map_err(|_| anyhow!("the spinner panicked"))?;
    Ok((answer, frames))
}
