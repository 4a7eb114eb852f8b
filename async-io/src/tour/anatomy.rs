//! The anatomy tour: the same five jobs awaited one by one, gathered and as completed, with a
//! counter of jobs in flight wrapped around each (the measurement, outside the lesson).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{CommonArgs, Row, Table, say};
use tokio::runtime::RuntimeFlavor;

use crate::lessons::anatomy::{as_completed, gather, job, lazy, one_by_one};

/// Counts jobs running at the same moment and remembers the peak.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicU64,
    peak: AtomicU64,
}

impl InFlight {
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// `job`, counted while it runs.
    pub fn count<F: Future>(self: &Arc<Self>, job: F) -> impl Future<Output = F::Output> + use<F> {
        let me = Arc::clone(self);
        async move {
            let now = me.now.fetch_add(1, Ordering::Relaxed) + 1;
            me.peak.fetch_max(now, Ordering::Relaxed);
            let out = job.await;
            me.now.fetch_sub(1, Ordering::Relaxed);
            out
        }
    }
}

/// The jobs as futures, each counted by `in_flight`.
pub fn counted(
    jobs: &[(&'static str, Duration)],
    in_flight: &Arc<InFlight>,
) -> Vec<impl Future<Output = &'static str> + Send + 'static + use<>> {
    jobs.iter()
        .map(|&(name, delay)| in_flight.count(job(name, delay)))
        .collect()
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
    let name = lazy(ms(10), |line| say!("  {line}")).await;
    say!("  awaited: {name}");

    let in_flight = Arc::new(InFlight::default());
    let watch = Instant::now();
    let by_one = one_by_one(counted(&jobs, &in_flight)).await;
    let row = Row::new("await one by one", jobs.len(), watch.elapsed());
    table.push(
        row.max_in_flight(in_flight.peak())
            .extra("order", by_one.join(" ")),
    );

    let gather_count = Arc::new(InFlight::default());
    let watch = Instant::now();
    let gathered = gather(counted(&jobs, &gather_count)).await?;
    let row = Row::new("spawn, await handles (gather)", jobs.len(), watch.elapsed());
    table.push(
        row.max_in_flight(gather_count.peak())
            .extra("order", gathered.join(" ")),
    );

    let completed_count = Arc::new(InFlight::default());
    let watch = Instant::now();
    let completed = as_completed(counted(&jobs, &completed_count)).await?;
    let row = Row::new(
        "JoinSet::join_next (as_completed)",
        jobs.len(),
        watch.elapsed(),
    );
    table.push(
        row.max_in_flight(completed_count.peak())
            .extra("order", completed.join(" ")),
    );
    table.print();

    // What was claimed: gather keeps spawn order, as_completed returns the same jobs in the
    // order they finished, and only the task rows ran jobs at the same time.
    anyhow::ensure!(
        by_one == names && gathered == names,
        "gather lost the order"
    );
    let mut sorted = completed.clone();
    sorted.sort();
    anyhow::ensure!(sorted == names, "as_completed lost or repeated a job");
    anyhow::ensure!(in_flight.peak() == 1, "one-by-one ran jobs at once");
    anyhow::ensure!(
        gather_count.peak() > 1 && completed_count.peak() > 1,
        "tasks never overlapped"
    );
    Ok(())
}
