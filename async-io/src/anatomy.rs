//! # The anatomy of async Rust: `async fn`, `.await`, tasks, `gather` and `as_completed`
//!
//! Python: `results = await asyncio.gather(*(job(n) for n in names))` keeps the order you asked
//! in; `for next_done in asyncio.as_completed(coros): print(await next_done)` hands results over
//! as they finish.
//!
//! Rust changes three things. A future is lazy: calling an `async fn` runs none of its body until
//! something `.await`s or polls it. There is no built-in event loop: `#[tokio::main]` (here on
//! `run`, which is allowed on any function) builds a tokio runtime and blocks on the body.
//! And `tokio::spawn` hands a future to the runtime as a *task* that runs on its own, returning
//! a `JoinHandle` whose `.await` gives `Result<T, JoinError>` (a panicking task is an `Err`, not
//! a crash). Awaiting the handles in order is `gather`; a `JoinSet` and `join_next` is
//! `as_completed`.
//!
//! Which runtime: `#[tokio::main]` builds the multi-thread one, a worker thread per core, where
//! asyncio has one thread; the demo prints which one it runs on, and the `runtimes` demo
//! compares the two.
//!
//! Run: `cargo run -p async-io -- anatomy`
//!
//! Look for: "job A started" printed only after the first `.await`; one-by-one awaits taking the
//! sum of the delays, both task rows taking about the longest one; `gather` giving results in
//! spawn order and `JoinSet` in finishing order (shortest delay first).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::{CommonArgs, Row, Table, say};
use tokio::runtime::RuntimeFlavor;
use tokio::task::JoinSet;

/// Counts jobs running at the same moment and remembers the peak.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicU64,
    peak: AtomicU64,
}

impl InFlight {
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }
}

/// One job: wait `delay` (standing in for I/O) and return its name.
pub async fn job(name: &'static str, delay: Duration, in_flight: Arc<InFlight>) -> &'static str {
    let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
    in_flight.peak.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(delay).await; // gives the thread back to the runtime until the timer fires
    in_flight.now.fetch_sub(1, Ordering::SeqCst);
    name
}

/// `gather`: spawn every job as a task, then await the handles in spawn order.
pub async fn gather(jobs: &[(&'static str, Duration)]) -> anyhow::Result<(Vec<&'static str>, u64)> {
    let in_flight = Arc::new(InFlight::default());
    let handles: Vec<_> = jobs
        .iter()
        .map(|&(name, delay)| tokio::spawn(job(name, delay, Arc::clone(&in_flight))))
        .collect();
    let mut names = Vec::new();
    for handle in handles {
        names.push(handle.await.context("a task panicked")?);
    }
    Ok((names, in_flight.peak()))
}

/// `as_completed`: a `JoinSet` yields each task's result as soon as it finishes.
pub async fn as_completed(
    jobs: &[(&'static str, Duration)],
) -> anyhow::Result<(Vec<&'static str>, u64)> {
    let in_flight = Arc::new(InFlight::default());
    let mut set = JoinSet::new();
    for &(name, delay) in jobs {
        set.spawn(job(name, delay, Arc::clone(&in_flight)));
    }
    let mut names = Vec::new();
    while let Some(result) = set.join_next().await {
        names.push(result.context("a task panicked")?);
    }
    Ok((names, in_flight.peak()))
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let ms = |n: u64| Duration::from_millis(args.pick(n, n / 10));
    let jobs = [
        ("A", ms(300)),
        ("B", ms(100)),
        ("C", ms(250)),
        ("D", ms(150)),
        ("E", ms(50)),
    ];
    let names: Vec<_> = jobs.iter().map(|(n, _)| *n).collect();
    let runtime = tokio::runtime::Handle::current();
    let flavor = match runtime.runtime_flavor() {
        RuntimeFlavor::CurrentThread => "current_thread",
        RuntimeFlavor::MultiThread => "multi_thread",
        _ => "another",
    };
    say!(
        "  running on tokio's {flavor} runtime, {} worker thread(s), as #[tokio::main] builds it \
         (asyncio has one thread; the runtimes demo compares the two)",
        runtime.metrics().num_workers()
    );
    let mut table = Table::new("anatomy", args);

    // A future is lazy: creating it runs nothing; awaiting it runs it.
    let lazy = async {
        say!("  job A started (inside the future)");
        job("A", ms(10), Arc::default()).await
    };
    say!("  created the future for job A: nothing has run yet");
    say!("  awaited: {}", lazy.await);

    // One await after another: each job starts when the previous one is done.
    let watch = Instant::now();
    let in_flight = Arc::new(InFlight::default());
    let mut one_by_one = Vec::new();
    for &(name, delay) in &jobs {
        one_by_one.push(job(name, delay, Arc::clone(&in_flight)).await);
    }
    let row = Row::new("await one by one", jobs.len(), watch.elapsed());
    table.push(
        row.max_in_flight(in_flight.peak())
            .extra("order", one_by_one.join(" ")),
    );

    let watch = Instant::now();
    let (gathered, gather_peak) = gather(&jobs).await?;
    let row = Row::new("spawn, await handles (gather)", jobs.len(), watch.elapsed());
    table.push(
        row.max_in_flight(gather_peak)
            .extra("order", gathered.join(" ")),
    );

    let watch = Instant::now();
    let (completed, completed_peak) = as_completed(&jobs).await?;
    let row = Row::new(
        "JoinSet::join_next (as_completed)",
        jobs.len(),
        watch.elapsed(),
    );
    table.push(
        row.max_in_flight(completed_peak)
            .extra("order", completed.join(" ")),
    );
    table.print();

    // What was claimed: gather keeps spawn order, as_completed returns the same jobs in the
    // order they finished, and only the task rows ran jobs at the same time.
    anyhow::ensure!(
        one_by_one == names && gathered == names,
        "gather lost the order"
    );
    let mut sorted = completed.clone();
    sorted.sort();
    anyhow::ensure!(sorted == names, "as_completed lost or repeated a job");
    anyhow::ensure!(in_flight.peak() == 1, "one-by-one ran jobs at once");
    anyhow::ensure!(
        gather_peak > 1 && completed_peak > 1,
        "tasks never overlapped"
    );
    Ok(())
}
