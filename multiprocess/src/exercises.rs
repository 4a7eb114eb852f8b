//! Exercises for `multiprocess`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p multiprocess --features exercises --test exercises
//! cargo workshop                      # how many are solved, and which is next
//! cargo workshop hint multiprocess 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables)]

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::Duration;

/// Exercise 1: parse a worker's replies, which arrive in any order, back into job order.
///
/// `output` holds one JSON object per line, like `{"id":2,"prime":true}`, for the jobs numbered
/// `0..jobs` (blank lines may be skipped). Return the `prime` values ordered by `id`. Return
/// `Err` with a message if a line is not such an object, if an id is `jobs` or more, if an id
/// is answered twice, or if a job has no answer at all.
///
/// Nudge: `serde` can parse each line into a small struct of your own; a slot per job tells a
/// missing answer from a repeated one.
pub fn parse_replies(output: &str, jobs: usize) -> Result<Vec<bool>, String> {
    todo!("exercise 1: parse the replies back into job order")
}

/// Exercise 2: a worker loop that stops at a sentinel.
///
/// Read `input` line by line. Each line is a number `n` (surrounding spaces allowed): write
/// `n * n` and a newline to `output` and flush, so a parent waiting for the answer gets it at
/// once. Stop at the line `STOP` (the sentinel: do not answer it or anything after it) or at
/// the end of input, whichever comes first, and return how many numbers were answered. A line
/// that is not a number is an error of kind `io::ErrorKind::InvalidData`.
///
/// Nudge: `BufRead::lines` gives one line at a time, and a `for` loop can `break`.
pub fn serve_until_sentinel(input: impl BufRead, output: impl Write) -> io::Result<usize> {
    todo!("exercise 2: square numbers until the STOP line")
}

/// Exercise 3: run a command with a time limit, and kill it if it overruns.
///
/// Spawn `command` and return its pid together with `Some(status)` if it exits within
/// `timeout`, or `None` if it was still running then, in which case kill it. Either way the
/// child must be waited for before returning, so that no zombie is left behind.
///
/// Nudge: `Child::wait` blocks until the child exits, which may be never; `Child` has a way to
/// ask without waiting.
pub fn run_with_timeout(
    command: &mut Command,
    timeout: Duration,
) -> io::Result<(u32, Option<ExitStatus>)> {
    todo!("exercise 3: run a command, kill it if it overruns")
}

/// Exercise 4: a one-shot pool without the `Pool` type: check `numbers` for primality on
/// `workers` worker processes and return the answers in the order of `numbers`.
///
/// Start `exe worker` (the hidden mode, `crate::lessons::process_pool::WORKER_ARG`) `workers`
/// times with piped stdin and stdout. Deal the numbers out round robin: number `i` goes to
/// worker `i % workers` as the line `serde_json::to_string(&Request::Job { id: i as u64, task:
/// Task::IsPrime(n) })`. Close each worker's stdin when its jobs are written (it then exits),
/// read every line it prints as a `crate::lessons::worker::Message` (`Ready` first, then one
/// `Done` per job), wait for it, and put each answer in its slot.
///
/// Nudge: a pipe holds only so much; think about who writes while who reads.
pub fn map_in_processes(exe: &Path, numbers: &[u64], workers: usize) -> anyhow::Result<Vec<bool>> {
    todo!("exercise 4: check primes on worker processes")
}
