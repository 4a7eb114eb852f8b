//! Exercises for `thread-pool`. Replace each `todo!()` with your code, then run
//!
//! ```text
//! cargo test -p thread-pool --features exercises --test exercises
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
/// Hints: `thread::scope` lets the workers borrow `items` and `f`. Put every index in a
/// `crossbeam_channel::unbounded()` queue and drop its sender, so a worker's `for i in rx` loop
/// ends when the queue is empty. Send `(index, f(&items[index]))` back on a second channel and
/// put each result in slot `index` of a `Vec<Option<R>>`. Drop your own copy of the results
/// sender before reading, or the reading loop never ends.
pub fn map_in_order<T, R, F>(items: &[T], workers: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    todo!()
}

/// Exercise 2: `submit` + `as_completed`. Start `workers` threads that apply `f` to every item
/// and return at once with a channel on which each result arrives as `(index, result)` the
/// moment it is ready, in completion order. The channel closes once every item is done.
///
/// Hints: this function must return before the work is done, so the threads cannot be scoped:
/// `thread::spawn` needs `'static` data, which is why the items are owned and `f` is
/// `'static`. Share `f` with an `Arc`; send `(index, item)` pairs through the job queue. The
/// caller's receiver closes when the last worker drops its clone of the results sender.
pub fn as_completed<T, R, F>(items: Vec<T>, workers: usize, f: F) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    todo!()
}

/// How the downloads of [`tally`] ended, counted like flags2's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

/// Exercise 4: flags2's summary. GET every URL with `agent` on a pool of `workers` threads and
/// count how each ended: `ok` (a success status and a body read to the end), `not_found` (404),
/// or `errors` (anything else: another status, a timeout, a refused connection). Every URL is
/// counted exactly once, so the three add up to `urls.len()`.
///
/// Hints: your `map_in_order` (exercise 1) already runs a pool; make each job return which of
/// the three it was. `agent.get(url).call()` gives `Err(ureq::Error::StatusCode(404))` for a
/// 404; a `match` with a catch-all arm for the errors cannot forget a case.
pub fn tally(agent: &ureq::Agent, urls: &[String], workers: usize) -> Tally {
    todo!()
}

/// A job for [`MiniPool`].
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Exercise 3: finish a hand-made pool. `new` and `execute` are written; `shutdown` and
/// `cancel_pending` are yours.
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

    /// Exercise 3a: close the queue, let the workers run every job still queued, and return
    /// only when every worker thread has ended.
    ///
    /// Hints: a worker's `recv` fails once every sender is dropped and the queue is empty.
    /// Take `self` apart (`let MiniPool { queue, workers, .. } = self;`), drop the sender,
    /// then `join` each handle. Joining before dropping the sender waits forever.
    pub fn shutdown(self) {
        todo!()
    }

    /// Exercise 3b: remove every job still waiting in the queue without running it (jobs
    /// already running are not affected) and return how many were removed.
    ///
    /// Hint: the pool's own receiver, `pending`, takes jobs out of the queue like a worker
    /// would; `try_recv` (or `try_iter`) does not wait, and dropping a job cancels it.
    pub fn cancel_pending(&self) -> usize {
        todo!()
    }
}
