//! # What a process costs: start-up, a job's round trip, and pipe throughput
//!
//! Python: what `Pool()` pays to start its workers depends on the start method: `fork` (Linux's
//! default before 3.14) copies the parent, cheaply (its memory is shared copy-on-write);
//! `forkserver` (the default since 3.14) starts a fresh server interpreter once and forks each
//! worker from it; `spawn` (macOS, Windows) starts a fresh interpreter per worker and re-imports
//! the main module in it. Then every `apply_async` pickles its arguments through a pipe and its
//! result back; the talks' advice is to send few, large jobs.
//!
//! Rust: the same holds, against a much cheaper alternative. Starting a thread costs tens of
//! microseconds, a process (this program, started afresh) milliseconds. A job through a pipe is
//! encoded, copied into the kernel and out again and decoded; a channel between threads moves a
//! pointer. So processes pay off only when each job is much longer than these costs, or when
//! isolation is the point.
//!
//! Run: `cargo run -p multiprocess -- cost` (`--count` scales every measurement)
//!
//! Look for: the thread rows' speedup column, i.e. how many times cheaper a thread is, in each
//! of the three tables, and the pipe's MiB/s; with `--python`, CPython's rows in each table
//! (its start method in the first) and the per-job cost of both languages under the second.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow};

use crate::lessons::child::Reaped;
use crate::lessons::process_pool::WORKER_ARG;

const CHUNK: usize = 64 * 1024;

/// Starts a worker process, waits at most `timeout` for its first line (the `Ready` message),
/// then closes its stdin and waits for it to exit.
pub fn process_first_reply(exe: &Path, timeout: Duration) -> anyhow::Result<()> {
    let mut command = Command::new(exe);
    command
        .arg(WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    // Held from its spawn on: every early return below kills the child and waits for it.
    let mut child =
        Reaped::spawn(&mut command).with_context(|| format!("cannot start {}", exe.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    // A read cannot time out, so a thread reads and this one waits for it, within `timeout`.
    // (Once the child is gone, the reader meets the end of its output and ends too.)
    let (tx, first_line) = mpsc::channel();
    thread::spawn(move || {
        let mut first = String::new();
        let _ = tx.send(BufReader::new(stdout).read_line(&mut first).map(|_| first));
    });
    let first = match first_line.recv_timeout(timeout) {
        Ok(read) => read.context("cannot read from the worker")?,
        Err(_) => anyhow::bail!("the worker said nothing in {timeout:?}"),
    };
    let status = child.wait()?;
    anyhow::ensure!(
        first.contains("Ready") && status.success(),
        "the worker said {first:?}"
    );
    Ok(())
}

/// Starts a thread, waits for its first message, joins it.
pub fn thread_first_reply() -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || tx.send(()));
    rx.recv()?;
    handle
        .join()
        .map_err(|_| anyhow!("the thread panicked"))??;
    Ok(())
}

/// Writes `mb` MiB into a child's stdin; the child counts the bytes and prints the count.
pub fn through_pipe(exe: &Path, mb: usize) -> anyhow::Result<u64> {
    let mut command = Command::new(exe);
    command
        .arg("drain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child =
        Reaped::spawn(&mut command).with_context(|| format!("cannot start {}", exe.display()))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    let chunk = vec![7u8; CHUNK];
    for _ in 0..mb * 1024 * 1024 / CHUNK {
        // A child that stops reading breaks the pipe; returning drops `child`: killed, reaped.
        stdin
            .write_all(&chunk)
            .context("cannot write to the child")?;
    }
    drop(stdin);
    let mut count = String::new();
    let mut stdout = child.stdout.take().context("no stdout")?;
    stdout.read_to_string(&mut count)?;
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "the child failed: {status}");
    Ok(count.trim().parse()?)
}

/// Sends `mb` MiB as owned 64 KiB chunks through a channel to a thread that counts them.
pub fn through_channel(mb: usize) -> anyhow::Result<u64> {
    let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(16);
    let counter = thread::spawn(move || rx.iter().map(|c| c.len() as u64).sum::<u64>());
    let chunk = vec![7u8; CHUNK];
    for _ in 0..mb * 1024 * 1024 / CHUNK {
        // A fresh copy per send, as a producer would make; the channel itself moves a pointer.
        tx.send(chunk.clone())?;
    }
    drop(tx);
    counter
        .join()
        .map_err(|_| anyhow!("the counting thread panicked"))
}

/// `jobs` request/reply round trips with one thread over two channels.
pub fn thread_round_trips(jobs: usize) -> usize {
    let (to_worker, requests) = mpsc::channel::<String>();
    let (to_parent, replies) = mpsc::channel::<String>();
    let worker = thread::spawn(move || {
        for text in requests {
            if to_parent.send(text).is_err() {
                break;
            }
        }
    });
    let ok = (0..jobs)
        .filter(|i| {
            to_worker.send(i.to_string()).is_ok() && replies.recv().ok() == Some(i.to_string())
        })
        .count();
    drop(to_worker);
    let _ = worker.join();
    ok
}
