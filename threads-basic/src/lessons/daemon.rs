//! # Detached ("daemon") threads, and joining with a timeout
//!
//! Python: `Thread(target=work, daemon=True)` is killed when the program exits, while a
//! non-daemon thread keeps the program alive; `t.join(timeout=0.5)` returns after at most half a
//! second and `t.is_alive()` tells whether it finished.
//!
//! Rust: every thread is a "daemon": when `main` returns, the process exits and any thread still
//! running is stopped wherever it is, with no unwinding or cleanup. To keep work alive, keep the
//! `JoinHandle` and join it. `JoinHandle::join` has no timeout; the usual way is to have the
//! thread send its result on a channel and wait with `recv_timeout`, or poll `is_finished()`.
//!
//! Run: `cargo run -p threads-basic -- daemon`
//!
//! Look for: a child process (this same program) whose detached thread printed only a few of
//! its ticks before `main` returned and took it down, then a timeout that fires before a slow
//! thread finishes, and the same thread's result collected afterwards.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

/// The hidden child mode: a detached thread ticking every 20 ms, and a `main` that returns
/// after `main_ms`. Whatever the thread has not printed by then is never printed (stdout is the
/// lesson here: the parent counts the ticks).
pub fn child(main_ms: u64) {
    thread::spawn(|| {
        for tick in 1..=100 {
            println!("tick {tick}");
            thread::sleep(Duration::from_millis(20));
        }
        println!("the detached thread finished all 100 ticks");
    });
    thread::sleep(Duration::from_millis(main_ms));
    println!("main returns");
}

/// Runs `exe` in its hidden child mode and returns how many ticks its detached thread printed.
pub fn ticks_before_exit(exe: &Path, main_ms: u64) -> anyhow::Result<usize> {
    let output = Command::new(exe)
        .args(["daemon-child", "--latency-ms", &main_ms.to_string()])
        .output()
        .with_context(|| format!("could not run {}", exe.display()))?;
    if !output.status.success() {
        bail!("the child exited with {}", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(stdout.contains("main returns"), "the child said: {stdout}");
    Ok(stdout.lines().filter(|l| l.starts_with("tick")).count())
}

/// What [`join_with_timeout`] saw.
#[derive(Debug)]
pub struct Waited {
    /// The answer, if it came within the timeout.
    pub in_time: Option<u64>,
    /// Whether the thread had finished when the wait gave up (`is_alive()`'s opposite).
    pub finished_at_timeout: bool,
    /// The answer, collected by waiting again without a limit.
    pub answer: u64,
    /// When the wait started, gave up, and the answer arrived.
    pub started: Instant,
    pub gave_up: Instant,
    pub answered: Instant,
}

/// Starts a thread that answers 42 after `work`, waits at most `timeout` for it, then waits
/// again for as long as it takes. The thread sends its result instead of returning it.
pub fn join_with_timeout(work: Duration, timeout: Duration) -> anyhow::Result<Waited> {
    let (tx, rx) = mpsc::channel();
    let slow = thread::spawn(move || {
        thread::sleep(work);
        // The receiver may have given up and gone away; that is not this thread's problem.
        let _ = tx.send(42);
    });
    let started = Instant::now();
    let in_time = match rx.recv_timeout(timeout) {
        Ok(v) => Some(v),
        Err(RecvTimeoutError::Timeout) => None,
        Err(RecvTimeoutError::Disconnected) => bail!("the slow thread died"),
    };
    let (gave_up, finished_at_timeout) = (Instant::now(), slow.is_finished());

    // Giving up waiting does not stop the thread: its answer still arrives.
    let answer = match in_time {
        Some(v) => v,
        None => rx.recv().context("the slow thread died")?,
    };
    slow.join()
        .map_err(|_| anyhow!("the slow thread panicked"))?;
    Ok(Waited {
        in_time,
        finished_at_timeout,
        answer,
        started,
        gave_up,
        answered: Instant::now(),
    })
}
