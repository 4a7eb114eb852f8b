//! Exercises for `thread-pool`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p thread-pool --features exercises --test exercises
//! cargo workshop                     # how many are solved, and which is next
//! cargo workshop hint thread-pool 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables)]
// The stubs do not read the pool's fields yet; your code will.
#![allow(dead_code)]

use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};

/// Exercise 1: `executor.map`. Apply `f` to every item on a pool of `workers` threads (never
/// more at once; fewer if there are fewer items) and return the results in the order of `items`,
/// whatever order they finish in. An empty slice gives an empty `Vec`; `workers` is at least 1.
///
/// Nudge: two channels, one of work for the workers and one of results back; a result needs
/// to say which item it belongs to.
pub fn map_in_order<T, R, F>(items: &[T], workers: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    todo!("exercise 1: map on a pool of workers, results in input order")
}

/// Exercise 2: `submit` + `as_completed`. Start `workers` threads that apply `f` to every item
/// and return at once with a channel on which each result arrives as `(index, result)` the
/// moment it is ready, in completion order. The channel closes once every item is done.
///
/// Nudge: this function returns before the work is done, so its threads cannot be scoped.
pub fn as_completed<T, R, F>(items: Vec<T>, workers: usize, f: F) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    todo!("exercise 2: return a channel of results in completion order")
}

/// A job for [`MiniPool`].
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Exercises 3 and 4: finish a hand-made pool. `new` and `execute` are written; `shutdown`
/// (exercise 3) and `cancel_pending` (exercise 4) are yours.
#[derive(Debug)]
pub struct MiniPool {
    queue: Sender<Job>,
    pending: Receiver<Job>,
    workers: Vec<JoinHandle<()>>,
}

impl MiniPool {
    /// Starts `size` workers (at least one) that run jobs from the shared queue until it is
    /// closed and empty.
    pub fn new(size: usize) -> std::io::Result<Self> {
        let (queue, pending) = crossbeam_channel::unbounded::<Job>();
        let mut workers = Vec::new();
        for id in 0..size.max(1) {
            let jobs = pending.clone();
            let worker = thread::Builder::new()
                .name(format!("mini-{id}"))
                .spawn(move || {
                    while let Ok(job) = jobs.recv() {
                        job();
                    }
                })?;
            workers.push(worker);
        }
        Ok(Self {
            queue,
            pending,
            workers,
        })
    }

    /// Queues a job.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        // Cannot fail: the pool holds a receiver (`pending`) for as long as it lives.
        let _ = self.queue.send(Box::new(job));
    }

    /// Exercise 3: close the queue, let the workers run every job still queued, and return
    /// only when every worker thread has ended.
    ///
    /// Nudge: look at what ends a worker's `while let Ok(job) = jobs.recv()` loop.
    pub fn shutdown(self) {
        todo!("exercise 3: close the queue and join the workers")
    }

    /// Exercise 4: remove every job still waiting in the queue without running it (jobs
    /// already running are not affected) and return how many were removed.
    ///
    /// Nudge: the pool keeps a receiver of its own, `pending`.
    pub fn cancel_pending(&self) -> usize {
        todo!("exercise 4: drop the queued jobs and count them")
    }
}

/// How the downloads of [`tally`] ended, counted like flags2's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

/// Exercise 5: flags2's summary. GET every URL with `agent` on a pool of `workers` threads and
/// count how each ended: `ok` (a success status and a body read to the end), `not_found` (404),
/// or `errors` (anything else: another status, a timeout, a refused connection). Every URL is
/// counted exactly once, so the three add up to `urls.len()`.
///
/// Nudge: your `map_in_order` (exercise 1) already runs a pool.
pub fn tally(agent: &ureq::Agent, urls: &[String], workers: usize) -> Tally {
    todo!("exercise 5: count how every download ended")
}
