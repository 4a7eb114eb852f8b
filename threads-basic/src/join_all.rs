//! # Start them all, then join them all
//!
//! Python: `for t in threads: t.start()` and then `for t in threads: t.join()`. The classic
//! mistake is `t.start(); t.join()` inside one loop: each thread is waited for before the next
//! one starts, so the "threaded" program runs one job at a time.
//!
//! Rust has the same trap: `thread::spawn(..).join()` in a loop is sequential code with extra
//! steps. Collect the `JoinHandle`s first, join them afterwards.
//!
//! Run: `cargo run -p threads-basic -- join-all --count 10 --latency-ms 200`
//!
//! Look for: the join-in-the-loop row taking as long as the sequential one (count x latency),
//! and the start-all row taking about one latency, with every job running at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::anyhow;
use common::{CommonArgs, Row, Table, say, timed};

/// Counts jobs running at the same moment, and remembers the peak.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicU64,
    peak: AtomicU64,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }
}

/// One job: wait `latency` (standing in for a download) and return its id.
fn job(id: usize, latency: Duration, in_flight: &InFlight) -> usize {
    in_flight.enter();
    thread::sleep(latency);
    in_flight.leave();
    id
}

/// The mistake: spawn and join inside the same loop. Returns the results and the peak in flight.
pub fn join_in_loop(count: usize, latency: Duration) -> anyhow::Result<(Vec<usize>, u64)> {
    let in_flight = Arc::new(InFlight::default());
    let mut results = Vec::new();
    for id in 0..count {
        let in_flight = Arc::clone(&in_flight);
        let handle = thread::spawn(move || job(id, latency, &in_flight));
        results.push(handle.join().map_err(|_| anyhow!("job {id} panicked"))?); // waits right here
    }
    Ok((results, in_flight.peak()))
}

/// The fix: start every thread, keep the handles, then join them in order.
pub fn start_all_then_join(count: usize, latency: Duration) -> anyhow::Result<(Vec<usize>, u64)> {
    let in_flight = Arc::new(InFlight::default());
    let handles: Vec<_> = (0..count)
        .map(|id| {
            let in_flight = Arc::clone(&in_flight);
            thread::spawn(move || job(id, latency, &in_flight))
        })
        .collect();
    let results = handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("a job panicked")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((results, in_flight.peak()))
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(10, 5);
    let latency = args.latency_or(200, 20);
    say!("{count} jobs of {} ms each", latency.as_millis());

    let mut table = Table::new("join-all", args);
    let (sequential, wall) = timed(|| {
        (0..count)
            .map(|id| job(id, latency, &InFlight::default()))
            .collect::<Vec<_>>()
    });
    table.push(Row::new("sequential", count, wall).max_in_flight(1));

    let (looped, wall) = timed(|| join_in_loop(count, latency));
    let (looped, peak) = looped?;
    table.push(
        Row::new("join inside the loop", count, wall)
            .workers(count)
            .max_in_flight(peak),
    );

    let (all, wall) = timed(|| start_all_then_join(count, latency));
    let (all, peak) = all?;
    table.push(
        Row::new("start all, then join", count, wall)
            .workers(count)
            .max_in_flight(peak),
    );
    table.print();

    // What was claimed: same results every way; only start-all had every job in flight at once.
    anyhow::ensure!(sequential == looped && looped == all, "results differ");
    anyhow::ensure!(
        peak == count as u64,
        "peak in flight {peak}, expected {count}"
    );
    Ok(())
}
