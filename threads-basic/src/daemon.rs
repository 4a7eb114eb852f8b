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
use common::{CommonArgs, say};

/// The hidden child mode: a detached thread ticking every 20 ms, and a `main` that returns
/// after `main_ms`. Whatever the thread has not printed by then is never printed.
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

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Part 1: a detached thread dies with the process.
    let main_ms = args.pick(200, 100);
    let ticks = ticks_before_exit(exe, main_ms)?;
    say!(
        "child process: main returned after {main_ms} ms; its detached thread printed {ticks} of 100 ticks"
    );
    anyhow::ensure!(ticks < 100, "the detached thread outlived main");

    // Part 2: join with a timeout. The thread sends its result instead of returning it.
    let (tx, rx) = mpsc::channel();
    let slow = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        // The receiver may have given up and gone away; that is not this thread's problem.
        let _ = tx.send(42);
    });
    let watch = Instant::now();
    match rx.recv_timeout(Duration::from_millis(100)) {
        Ok(v) => bail!("the slow thread answered {v} too early"),
        Err(RecvTimeoutError::Timeout) => say!(
            "recv_timeout gave up after {:.2} s; is_finished() = {}",
            watch.elapsed().as_secs_f64(),
            slow.is_finished()
        ),
        Err(RecvTimeoutError::Disconnected) => bail!("the slow thread died"),
    }

    // Giving up waiting does not stop the thread: its answer still arrives.
    let answer = rx.recv().context("the slow thread died")?;
    slow.join()
        .map_err(|_| anyhow!("the slow thread panicked"))?;
    say!(
        "waited again: the answer {answer} arrived after {:.2} s",
        watch.elapsed().as_secs_f64()
    );
    Ok(())
}
