//! # A process pool: `apply_async` handles, ordered `map`, and a sentinel to stop
//!
//! Python: `with Pool(processes=3) as pool:` then `handles = [pool.apply_async(f, (x,)) for x in
//! xs]` and `[h.get() for h in handles]`, or simply `pool.map(f, xs)`; `close()` and `join()`.
//!
//! Rust: [`Pool`] starts this same program as worker processes (no `fork`) and talks JSON lines
//! over their pipes; [`conversation`] holds one such conversation by hand. `apply_async`
//! returns a handle at once; `get()` blocks for that job's result only, so the order you *wait*
//! in decides nothing about the order the jobs *run* in, but waiting before you submit the next
//! job does ([`get_each_in_turn`] against [`submit_all_then_get`]). A job that fails comes back
//! as an `Err` at `get()`, like the exception Python re-raises there. `join` sends each worker
//! the `Stop` sentinel, waits for it and reports its exit status.
//!
//! Run: `cargo run -p multiprocess -- pool` (`--workers`, `--count` jobs, `--latency-ms` per job)
//!
//! Look for: the lines a worker reads and writes; three worker pids; waiting on each handle
//! before submitting the next job takes one job time per job, submitting all first takes about
//! count/workers job times; the failing job reported at its own handle; `map` results in input
//! order; every worker exiting with status 0.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use anyhow::Context;

use crate::lessons::child::Reaped;
use crate::lessons::process_pool::{Finished, JobError, Pool, WORKER_ARG};
use crate::lessons::worker::{Message, Task};

/// `apply_async` and `get()` at once, job after job: only one job is ever in a worker.
pub fn get_each_in_turn(pool: &Pool, tasks: Vec<Task>) -> Result<Vec<Finished>, JobError> {
    tasks
        .into_iter()
        .map(|t| pool.apply_async(t).get())
        .collect()
}

/// `apply_async` every job first, then `get()` each handle: every worker is busy at once.
pub fn submit_all_then_get(pool: &Pool, tasks: Vec<Task>) -> Result<Vec<Finished>, JobError> {
    let handles: Vec<_> = tasks.into_iter().map(|t| pool.apply_async(t)).collect();
    handles.into_iter().map(|h| h.get()).collect()
}

/// Talks to one worker by hand: one job, then the sentinel. Returns the lines, marked with
/// their direction, and the worker's exit status.
pub fn conversation(exe: &Path) -> anyhow::Result<(Vec<String>, ExitStatus)> {
    let mut command = Command::new(exe);
    command
        .arg(WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child =
        Reaped::spawn(&mut command).with_context(|| format!("cannot start {}", exe.display()))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    let mut replies = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let mut lines = Vec::new();
    let mut hear = |lines: &mut Vec<String>| -> anyhow::Result<Message> {
        let line = replies.next().context("the worker said nothing")??;
        lines.push(format!("worker -> parent  {line}"));
        serde_json::from_str(&line).with_context(|| format!("not a pool worker's line: {line}"))
    };
    // Any error from here on returns early: `child` is dropped, so killed and waited for.
    let ready = hear(&mut lines)?;
    anyhow::ensure!(
        matches!(ready, Message::Ready { .. }),
        "{ready:?} before Ready"
    );
    for request in [
        r#"{"Job":{"id":1,"task":{"IsPrime":1000000000039}}}"#,
        r#""Stop""#,
    ] {
        writeln!(stdin, "{request}")?;
        lines.push(format!("parent -> worker  {request}"));
        if request.contains("Job") {
            hear(&mut lines)?;
        }
    }
    // Close our end of its stdin before waiting: a child that reads to the end of its input
    // would otherwise wait for us while we wait for it.
    drop(stdin);
    let status = child.wait()?;
    Ok((lines, status))
}
