//! The tour of [`crate::lessons::thread_pool_executor`]: the same jobs on `ThreadPool` and
//! `LocalPool`.

use std::time::Duration;

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::thread_pool_executor::{on_local_pool, on_thread_pool};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(1_000, 100);
    let latency = args.latency_or(200, 30);
    let workers = args.workers_or(2);
    say!(
        "{count} jobs, each waiting {} ms on a timer",
        latency.as_millis()
    );

    let (pooled, wall_pool) = timed(|| on_thread_pool(count, latency, workers));
    let pooled = pooled?;
    say!("ThreadPool polled them on: {}", pooled.threads.join(", "));
    let (local, wall_local) = timed(|| on_local_pool(count, latency));
    let local = local?;
    say!("LocalPool polled them on:  {}", local.threads.join(", "));

    let mut table = Table::new("thread-pool-executor", args);
    for (label, report, wall, threads) in [
        (
            format!("ThreadPool ({workers} threads)"),
            &pooled,
            wall_pool,
            workers,
        ),
        ("LocalPool (this thread)".to_string(), &local, wall_local, 1),
    ] {
        table.push(
            Row::new(label, report.results.len(), wall)
                .workers(threads)
                .max_in_flight(report.peak_waiting)
                .extra("threads used", report.threads.len()),
        );
    }
    table.print();

    // What was claimed: every job's answer, in order; far more jobs waiting at once than the
    // pool has threads (a waiting future holds no thread); LocalPool on this thread alone.
    let expected: Vec<usize> = (0..count).map(|id| id * 2).collect();
    anyhow::ensure!(
        pooled.results == expected,
        "ThreadPool lost or reordered results"
    );
    anyhow::ensure!(
        local.results == expected,
        "LocalPool lost or reordered results"
    );
    anyhow::ensure!(pooled.threads.len() <= workers, "{:?}", pooled.threads);
    anyhow::ensure!(local.threads.len() == 1, "{:?}", local.threads);
    // (With almost no latency a job may finish before the next one starts, so no claim then.)
    if count > workers && latency >= Duration::from_millis(10) {
        anyhow::ensure!(
            pooled.peak_waiting > workers as u64,
            "only {} jobs waited at once on {workers} threads",
            pooled.peak_waiting
        );
    }
    Ok(())
}
