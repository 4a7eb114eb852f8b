//! # Start a child process, feed its stdin, read its stdout, check its exit status
//!
//! Python: `subprocess.run([exe, "sum-child"], input=b"1 2 3", capture_output=True)` returns the
//! child's `returncode`, `stdout` and `stderr` (`input` is bytes; a `str` only with `text=True`,
//! `encoding=` or `errors=`, else a `TypeError`). `multiprocessing.Process(target=f)` runs a
//! function in a child process, started the platform's default way: since 3.14 `forkserver` on
//! Linux and the other POSIX systems but macOS (`fork` before 3.14), `spawn` on macOS (since
//! 3.8) and on Windows. `fork` is the default nowhere now, but still there on POSIX, macOS
//! included (where it is unsafe), through `multiprocessing.get_context("fork")`.
//!
//! Rust: `std::process::Command` starts a program, here this same program in a hidden mode.
//! There is no way to run a closure in a child without `fork`, so a child learns what to do from
//! its arguments and its stdin. Two rules make it safe: write the input from another thread
//! (a child that fills its stdout pipe while the parent is still writing its stdin would block
//! them both forever), and always wait for the child, which `wait_with_output` does while
//! reading stdout and stderr; a child that is never waited for stays a zombie.
//!
//! Run: `cargo run -p multiprocess -- spawn` (`--count` sets how many numbers the child sums)
//!
//! Look for: the sum the child printed, its exit status 0, then the same child given a bad
//! number, exiting with status 1 and one line on its stderr.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;

use anyhow::{Context, anyhow};

use crate::lessons::child::Reaped;

/// The hidden child mode: the sum of the whitespace-separated numbers on `input`.
pub fn sum_child(mut input: impl Read) -> anyhow::Result<u64> {
    let mut text = String::new();
    input.read_to_string(&mut text)?;
    text.split_whitespace()
        .map(|word| {
            word.parse::<u64>()
                .with_context(|| format!("not a number: {word:?}"))
        })
        .sum()
}

/// What a child said and how it ended.
#[derive(Debug)]
pub struct ChildRun {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `exe sum-child`, writes `input` to its stdin and collects everything it says.
pub fn sum_in_child(exe: &Path, input: String) -> anyhow::Result<ChildRun> {
    let mut command = Command::new(exe);
    command.arg("sum-child");
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Held from its spawn on: an early return kills the child and waits for it (a zombie else).
    let mut child =
        Reaped::spawn(&mut command).with_context(|| format!("cannot start {}", exe.display()))?;

    // The writer thread owns stdin and drops it when done: that end of file is what tells
    // the child its input is complete.
    let mut stdin = child.stdin.take().context("the child has no stdin")?;
    let writer = thread::spawn(move || stdin.write_all(input.as_bytes()));

    // Reads stdout and stderr to the end, then reaps the child and returns its exit status.
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow!("the writer thread panicked"))?
        .context("cannot write to the child")?;
    Ok(ChildRun {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).trim().to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}
