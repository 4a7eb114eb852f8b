//! # A thread pool built by hand: a job queue, workers, a handle per job, shutdown
//!
//! Python: when `ThreadPoolExecutor` is not flexible enough, build one from `Thread` workers
//! looping on a shared `queue.Queue`, a `None` sentinel per worker to stop them, and a
//! `Future` per job whose `.result()` waits for the answer.
//!
//! Rust: the same four parts, each a few lines, and the compiler checks that every job and every
//! result can cross threads (`Send`):
//! 1. the job queue: a crossbeam channel of boxed closures. Its `Receiver` clones, so every
//!    worker pulls from the one queue (std's `mpsc::Receiver` would need a `Mutex` around it);
//! 2. the workers: named threads looping on `recv` until the queue is closed *and* empty;
//! 3. a handle per job: a one-shot channel (capacity 1). The job sends its result, or the panic
//!    it caught, so a failing job never kills its worker; `join` waits like `future.result()`;
//! 4. shutdown: dropping the queue's sender is the sentinel. `shutdown` lets the workers drain
//!    what is queued; `shutdown_now` first empties the queue itself, and a dropped job drops its
//!    one-shot sender, so its handle reports `Cancelled`. `Drop` shuts down too: no leaked thread.
//!
//! Run: `cargo run -p thread-pool -- handmade --workers 4`
//!
//! Look for: which worker ran which flag; a panicking job reported on its handle while the
//! pool carries on (Rust's default panic message appears on stderr first); every queued job
//! run by `shutdown`; the jobs still queued at `shutdown_now` counted as cancelled. On every
//! row ok + errors + cancelled = all the jobs.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};
use crossbeam_channel::{Receiver, Sender};

use crate::flags::{agent, get_flag};

/// Part 1: a job is any closure run once on some worker.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads sharing one job queue.
#[derive(Debug)]
pub struct ThreadPool {
    queue: Option<Sender<Job>>, // `None` once closed
    pending: Receiver<Job>,     // the pool's own end of the queue, to cancel what waits there
    workers: Vec<JoinHandle<()>>,
}

/// Why a [`JobHandle`] has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked; the panic's message.
    Panicked(String),
    /// The job was still queued when the pool was shut down with `shutdown_now`.
    Cancelled,
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Panicked(msg) => write!(f, "the job panicked: {msg}"),
            JobError::Cancelled => write!(f, "the job was cancelled before it ran"),
        }
    }
}

impl std::error::Error for JobError {}

/// Part 3: the future-like handle of one job: the receiving end of a one-shot channel.
#[derive(Debug)]
pub struct JobHandle<T> {
    result: Receiver<thread::Result<T>>,
}

impl<T> JobHandle<T> {
    /// Waits for the job's result, like Python's `future.result()`.
    pub fn join(self) -> Result<T, JobError> {
        match self.result.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(JobError::Panicked(panic_message(&*panic))),
            // The sender was dropped unsent: the job itself was dropped, never run.
            Err(_) => Err(JobError::Cancelled),
        }
    }
}

impl ThreadPool {
    /// Part 2: starts `size` workers (at least one), all pulling from the same queue.
    pub fn new(size: usize) -> std::io::Result<Self> {
        let (queue, pending) = crossbeam_channel::unbounded::<Job>();
        let mut workers = Vec::new();
        for id in 0..size.max(1) {
            let jobs = pending.clone();
            let worker = thread::Builder::new()
                .name(format!("worker-{id}"))
                .spawn(move || {
                    // `recv` fails only once the queue is closed and empty: the stop signal.
                    while let Ok(job) = jobs.recv() {
                        job();
                    }
                })?;
            workers.push(worker);
        }
        Ok(Self {
            queue: Some(queue),
            pending,
            workers,
        })
    }

    /// Queues `f` and returns the handle its result will arrive on (Python's `submit`).
    pub fn submit<T, F>(&self, f: F) -> JobHandle<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let job: Job = Box::new(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(result); // a dropped handle means nobody wants the result
        });
        if let Some(queue) = &self.queue {
            // Cannot fail while we hold `pending`; if it did, the job is dropped: `Cancelled`.
            let _ = queue.send(job);
        }
        JobHandle { result: rx }
    }

    /// Part 4a: stops taking jobs, lets the workers finish everything queued, and joins them.
    pub fn shutdown(mut self) {
        self.close_and_join();
    }

    /// Part 4b: drops every job still queued (their handles say `Cancelled`), lets the running
    /// ones finish, joins the workers, and returns how many jobs were cancelled.
    pub fn shutdown_now(mut self) -> usize {
        // Take every queued job out before dropping any: dropping one can end a running job
        // (say, one waiting on a channel whose sender the dropped job held), and a worker freed
        // that way would pull the next job from the queue and run it instead of cancelling it.
        let queued: Vec<Job> = self.pending.try_iter().collect();
        drop(self.queue.take()); // closed and empty: each worker stops after its current job
        let cancelled = queued.len();
        drop(queued); // each job's one-shot sender goes with it: its handle says `Cancelled`
        self.close_and_join();
        cancelled
    }

    fn close_and_join(&mut self) {
        drop(self.queue.take()); // the sentinel: closed queue, and the workers end once it is empty
        for worker in self.workers.drain(..) {
            let _ = worker.join(); // a worker cannot panic: jobs catch their own panics
        }
    }
}

impl Drop for ThreadPool {
    /// Dropping the pool is `shutdown`: queued jobs still run, and no thread outlives the pool.
    fn drop(&mut self) {
        self.close_and_join();
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a panic without a message".to_string(),
    }
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let workers = args.workers_or(4);
    let latency = args.latency_or(100, 10);
    let server = Server::start(args, Faults::from_args(args, 100, 10))?;
    let agent = agent(latency * 2 + Duration::from_secs(5), workers);
    let codes = country_codes(count);
    say!(
        "{count} flag downloads of {} ms on a hand-made pool of {workers} threads",
        latency.as_millis()
    );

    // Each job downloads one flag and says which worker ran it.
    let job = |cc: &'static str| {
        let (agent, url) = (agent.clone(), server.flag_url(cc));
        move || -> Result<String, ureq::Error> {
            get_flag(&agent, &url)?;
            Ok(format!("{cc}@{}", thread::current().name().unwrap_or("?")))
        }
    };
    let mut table = Table::new("handmade", args);

    // Submit everything, then join the handles in submission order: `executor.map`.
    server.reset_stats()?;
    let pool = ThreadPool::new(workers)?;
    let ((outcomes, ran), wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        join_all(handles)
    });
    say!("who ran what: {}", ran.join(" "));
    let peak = server.stats()?.max_in_flight;
    table.push(
        Row::new(format!("submit + join ({workers})"), count, wall)
            .workers(workers)
            .max_in_flight(peak)
            .outcomes(outcomes),
    );

    // A panicking job: its handle reports the panic, the worker lives on.
    let boom = pool.submit(|| -> u32 { panic!("job 13 failed") }).join();
    let after = pool.submit(|| 6 * 7).join();
    say!("panicking job: {boom:?}; the next job on the same pool: {after:?}");
    anyhow::ensure!(
        matches!(boom, Err(JobError::Panicked(_))) && after == Ok(42),
        "the panic escaped"
    );

    // `shutdown` with everything still queued: every job runs.
    server.reset_stats()?;
    let (outcomes, wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        pool.shutdown();
        join_all(handles).0
    });
    table.push(
        Row::new("shutdown(): drain", count, wall)
            .workers(workers)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes),
    );
    anyhow::ensure!(
        outcomes.cancelled == Some(0),
        "shutdown dropped queued jobs: {outcomes:?}"
    );

    // `shutdown_now` with everything still queued: the running jobs finish, the rest never start.
    server.reset_stats()?;
    let pool = ThreadPool::new(workers)?;
    let ((outcomes, cancelled), wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        thread::sleep(latency / 2); // let the workers pick up their first jobs
        let cancelled = pool.shutdown_now();
        (join_all(handles).0, cancelled)
    });
    say!("shutdown_now() cancelled {cancelled} of {count} queued jobs");
    table.push(
        Row::new("shutdown_now(): cancel", count, wall)
            .other_work() // it ran only some of the jobs
            .workers(workers)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes),
    );
    table.print();
    anyhow::ensure!(
        outcomes.cancelled == Some(cancelled as u64),
        "handles and pool disagree: {outcomes:?}"
    );
    Ok(())
}

/// Joins every handle, in order: the ok results, and how all of them ended.
fn join_all<E>(handles: Vec<JobHandle<Result<String, E>>>) -> (Outcomes, Vec<String>) {
    let (mut ok, mut errors, mut cancelled) = (Vec::new(), 0, 0);
    for handle in handles {
        match handle.join() {
            Ok(Ok(who)) => ok.push(who),
            Ok(Err(_)) | Err(JobError::Panicked(_)) => errors += 1,
            Err(JobError::Cancelled) => cancelled += 1,
        }
    }
    let outcomes = Outcomes {
        ok: ok.len() as u64,
        errors: Some(errors),
        cancelled: Some(cancelled),
        ..Outcomes::default()
    };
    (outcomes, ok)
}
