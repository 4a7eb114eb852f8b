//! # A process pool: `apply_async` handles, ordered `map`, and a sentinel to stop
//!
//! Python: `with Pool(processes=3) as pool:` then `handles = [pool.apply_async(f, (x,)) for x in
//! xs]` and `[h.get() for h in handles]`, or simply `pool.map(f, xs)`; `close()` and `join()`.
//!
//! Rust: [`Pool`] starts this same program as worker processes (no `fork`) and talks JSON lines
//! over their pipes; the demo first shows one such conversation, held by hand. `apply_async` returns a handle at once;
//! `get()` blocks for that job's result only, so the order you *wait* in decides nothing about
//! the order the jobs *run* in. A job that fails comes back as an `Err` at `get()`, like the
//! exception Python re-raises there. `join` sends each worker the `Stop` sentinel, waits for it
//! and reports its exit status.
//!
//! Run: `cargo run -p multiprocess -- pool` (`--workers`, `--count` jobs, `--latency-ms` per job)
//!
//! Look for: the lines a worker reads and writes; three worker pids; waiting on each handle before submitting the next job takes one
//! job time per job, submitting all first takes about count/workers job times; the failing job
//! reported at its own handle; `map` results in input order; every worker exiting with status 0.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

use anyhow::{Context, anyhow};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::process_pool::{JobError, Pool, WORKER_ARG};
use crate::worker::{Answer, Message, Task};

/// A child process that is killed and waited for when dropped, on every path: an early
/// return by `?`, a panic. Without it, a `Child` that goes out of scope keeps running, and once
/// it exits it stays a zombie until this program ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        // After a successful `wait`, std remembers the status: `kill` sends nothing and
        // `wait` returns at once.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Talks to one worker by hand: one job, then the sentinel. Returns the lines, marked with
/// their direction, and the worker's exit status.
pub fn conversation(exe: &Path) -> anyhow::Result<(Vec<String>, ExitStatus)> {
    let mut child = Reaped(
        Command::new(exe)
            .arg(WORKER_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?,
    );
    let mut stdin = child.0.stdin.take().context("no stdin")?;
    let mut replies = BufReader::new(child.0.stdout.take().context("no stdout")?).lines();
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
    let status = child.0.wait()?;
    Ok((lines, status))
}

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Step 0: what travels over the pipes.
    let (lines, status) = conversation(exe)?;
    lines.iter().for_each(|line| say!("{line}"));
    say!("the worker exited: {status}");
    anyhow::ensure!(lines.len() == 4 && status.success(), "{lines:?} {status}");

    let workers = args.workers_or(3);
    let jobs = args.count_or(12, 6);
    let ms = args.latency_or(50, 20).as_millis() as u64;
    let pool = Pool::new(exe, workers)?;
    say!(
        "a pool of {workers} worker processes: pids {:?}",
        pool.pids()
    );
    let mut table = Table::new("pool", args);

    // Variant 1: apply_async, then get() at once: only one job is ever in a worker.
    let (pids, wall) = timed(|| -> anyhow::Result<BTreeSet<u32>> {
        (0..jobs)
            .map(|_| Ok(pool.apply_async(Task::Sleep(ms)).get()?.pid))
            .collect()
    });
    let row = Row::new("get each before the next", jobs, wall).workers(workers);
    table.push(row.max_in_flight(1).extra("pids used", pids?.len()));

    // Variant 2: apply_async every job first, then get() each handle.
    let (results, wall) = timed(|| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| pool.apply_async(Task::Sleep(ms)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.get())
            .collect::<Result<Vec<_>, _>>()
    });
    let pids: BTreeSet<u32> = results?.iter().map(|f| f.pid).collect();
    let row = Row::new("apply_async all, then get", jobs, wall).workers(workers);
    table.push(
        row.max_in_flight(workers as u64)
            .extra("pids used", pids.len()),
    );

    // Variant 3: map, with one job that fails: its error lands in its own slot only.
    let mut tasks: Vec<Task> = (0..jobs).map(|_| Task::Sleep(ms)).collect();
    tasks[1] = Task::Fail("job 2 fails on purpose".into());
    let (results, wall) = timed(|| pool.map(tasks));
    if let Some(Err(e)) = results.get(1) {
        say!("map: slot 2 came back as Err: {e}");
    }
    let failed = results.iter().filter(|r| r.is_err()).count();
    let outcomes = Outcomes {
        ok: (jobs - failed) as u64,
        errors: Some(failed as u64),
        ..Outcomes::default()
    };
    let pids: BTreeSet<u32> = results.iter().flatten().map(|f| f.pid).collect();
    let row = Row::new("map (one job fails)", jobs, wall).workers(workers);
    table.push(
        row.max_in_flight(workers as u64)
            .outcomes(outcomes)
            .extra("pids used", pids.len()),
    );
    table.print();

    // map keeps the input order, whichever worker finished first.
    let numbers: Vec<u64> = (1..=20).collect();
    let answers = pool.map(numbers.iter().map(|&n| Task::IsPrime(n)));
    let primes: Vec<u64> = numbers
        .iter()
        .zip(&answers)
        .filter(|(_, a)| matches!(a, Ok(f) if f.answer == Answer::Prime(true)))
        .map(|(n, _)| *n)
        .collect();
    say!("map(is_prime, 1..=20) kept the input order: primes {primes:?}");

    // close + join: the sentinel, then wait for every worker.
    let report = pool.join();
    for exit in &report.exits {
        say!("worker {} stopped: {}", exit.pid, exit.status);
    }

    // What was claimed, checked.
    anyhow::ensure!(
        matches!(&results[1], Err(JobError::Failed(_))),
        "the failing job was not reported at its handle"
    );
    anyhow::ensure!(failed == 1, "{failed} jobs failed, expected 1");
    anyhow::ensure!(
        primes == [2, 3, 5, 7, 11, 13, 17, 19],
        "wrong primes {primes:?}"
    );
    anyhow::ensure!(report.exits.len() == workers, "not every worker was reaped");
    if let Some(bad) = report.bad_exits().first() {
        return Err(anyhow!("worker {} exited badly: {}", bad.pid, bad.status));
    }
    Ok(())
}
