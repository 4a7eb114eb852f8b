//! # What a process costs: start-up, a job's round trip, and pipe throughput
//!
//! Python: `Pool()` pays for starting interpreters, and every `apply_async` pickles its
//! arguments through a pipe; the talks' advice is to send few, large jobs.
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
//! of the three tables, and the pipe's MB/s.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, anyhow};
use common::{CommonArgs, Row, Table, say, timed};

use crate::process_pool::{Pool, WORKER_ARG};
use crate::worker::{Answer, Task};

const CHUNK: usize = 64 * 1024;

/// Starts a worker process, waits for its first line (the `Ready` message), then closes its
/// stdin and waits for it to exit.
pub fn process_first_reply(exe: &Path) -> anyhow::Result<()> {
    let mut child = Command::new(exe)
        .arg(WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    drop(child.stdin.take());
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
    let mut child = Command::new(exe)
        .arg("drain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    let chunk = vec![7u8; CHUNK];
    for _ in 0..mb * 1024 * 1024 / CHUNK {
        stdin.write_all(&chunk)?;
    }
    drop(stdin);
    let mut count = String::new();
    child
        .stdout
        .take()
        .context("no stdout")?
        .read_to_string(&mut count)?;
    child.wait()?;
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

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Table 1: start one, hear from it, stop it.
    let n = args.count_or(20, 5);
    let (jobs, mb) = (n * 100, n * 16);
    say!(
        "{n} starts of a process and of a thread; {jobs} tiny jobs and {mb} MiB through pipes and through channels"
    );
    let mut start = Table::new("cost-start", args);
    let (done, wall) = timed(|| (0..n).try_for_each(|_| process_first_reply(exe)));
    done?;
    start.push(
        Row::new("process: start, first reply, exit", n, wall).extra("each µs", per(wall, n)),
    );
    let (done, wall) = timed(|| (0..n).try_for_each(|_| thread_first_reply()));
    done?;
    start
        .push(Row::new("thread: start, first reply, join", n, wall).extra("each µs", per(wall, n)));
    start.print();

    // Table 2: tiny jobs, one worker, so each job's round trip is all there is.
    let mut trip = Table::new("cost-job", args);
    let pool = Pool::new(exe, 1)?;
    let tasks = (0..jobs).map(|i| Task::Echo(i.to_string()));
    let (answers, wall) = timed(|| pool.map(tasks));
    pool.join();
    let echoed = answers
        .iter()
        .enumerate()
        .all(|(i, a)| matches!(a, Ok(f) if f.answer == Answer::Echo(i.to_string())));
    trip.push(
        Row::new("process pool: job over pipes", jobs, wall)
            .workers(1)
            .extra("each µs", per(wall, jobs)),
    );
    let (echoes, wall) = timed(|| thread_round_trips(jobs));
    trip.push(
        Row::new("thread: job over channels", jobs, wall)
            .workers(1)
            .extra("each µs", per(wall, jobs)),
    );
    trip.print();

    // Table 3: bulk data.
    let mut bulk = Table::new("cost-pipe", args);
    let (piped, wall) = timed(|| through_pipe(exe, mb));
    let piped = piped?;
    bulk.push(
        Row::new("pipe to a process (MiB)", mb, wall)
            .extra("MiB/s", mb as f64 / wall.as_secs_f64()),
    );
    let (sent, wall) = timed(|| through_channel(mb));
    let sent = sent?;
    bulk.push(
        Row::new("channel to a thread (MiB)", mb, wall)
            .extra("MiB/s", mb as f64 / wall.as_secs_f64()),
    );
    bulk.print();

    // What was measured must also be right: every byte and every echo arrived.
    let bytes = (mb * 1024 * 1024) as u64;
    anyhow::ensure!(
        piped == bytes && sent == bytes,
        "bytes lost: {piped} and {sent} of {bytes}"
    );
    anyhow::ensure!(echoed && echoes == jobs, "a round trip came back wrong");
    Ok(())
}

/// `jobs` request/reply round trips with one thread over two channels.
fn thread_round_trips(jobs: usize) -> usize {
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

/// Microseconds per item, rounded to a tenth.
fn per(wall: std::time::Duration, items: usize) -> f64 {
    (wall.as_secs_f64() * 1e6 / items as f64 * 10.0).round() / 10.0
}
