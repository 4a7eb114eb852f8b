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
//! 3. a handle per job ([`crate::lessons::job_handle`]): a one-shot channel the job sends its
//!    result or its caught panic on, so a failing job never kills its worker;
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

use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};

use crate::lessons::job_handle::{Job, JobHandle, with_handle};

/// A fixed number of worker threads sharing one job queue.
#[derive(Debug)]
pub struct ThreadPool {
    queue: Option<Sender<Job>>, // `None` once closed
    pending: Receiver<Job>,     // the pool's own end of the queue, to cancel what waits there
    workers: Vec<JoinHandle<()>>,
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
        let (job, handle) = with_handle(f);
        if let Some(queue) = &self.queue {
            // Cannot fail while we hold `pending`; if it did, the job is dropped: `Cancelled`.
            let _ = queue.send(job);
        }
        handle
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
