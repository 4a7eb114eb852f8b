//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

/// Exercise 1: `executor.map` on `workers` scoped threads, results in input order.
pub fn map_in_order<T, R, F>(items: &[T], workers: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let (queue_tx, queue_rx) = unbounded();
    for index in 0..items.len() {
        queue_tx.send(index).expect("we hold a receiver");
    }
    drop(queue_tx);
    let (done_tx, done_rx) = unbounded();
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    thread::scope(|s| {
        for _ in 0..workers.max(1).min(items.len()) {
            let (queue_rx, done_tx, f) = (queue_rx.clone(), done_tx.clone(), &f);
            s.spawn(move || {
                for index in queue_rx {
                    let _ = done_tx.send((index, f(&items[index])));
                }
            });
        }
        drop(done_tx);
        for (index, result) in done_rx {
            slots[index] = Some(result);
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item has a result"))
        .collect()
}

/// Exercise 2: `submit` + `as_completed`: results on a channel, in completion order.
pub fn as_completed<T, R, F>(items: Vec<T>, workers: usize, f: F) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (queue_tx, queue_rx) = unbounded();
    let threads = workers.max(1).min(items.len());
    for pair in items.into_iter().enumerate() {
        queue_tx.send(pair).expect("we hold a receiver");
    }
    drop(queue_tx);
    let (done_tx, done_rx) = unbounded();
    let f = Arc::new(f);
    for _ in 0..threads {
        let (queue_rx, done_tx, f) = (queue_rx.clone(), done_tx.clone(), Arc::clone(&f));
        thread::spawn(move || {
            for (index, item) in queue_rx {
                if done_tx.send((index, f(item))).is_err() {
                    break; // the caller stopped listening
                }
            }
        });
    }
    done_rx
}

/// A job for [`MiniPool`].
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Exercises 3 and 4: a hand-made pool, finished.
#[derive(Debug)]
pub struct MiniPool {
    queue: Sender<Job>,
    pending: Receiver<Job>,
    workers: Vec<JoinHandle<()>>,
}

impl MiniPool {
    /// Starts `size` workers (at least one) on a shared queue.
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
        let _ = self.queue.send(Box::new(job));
    }

    /// Exercise 3: close the queue, drain it, join every worker.
    pub fn shutdown(self) {
        let MiniPool { queue, workers, .. } = self;
        drop(queue);
        for worker in workers {
            let _ = worker.join(); // a worker whose job panicked has ended too
        }
    }

    /// Exercise 4: drop every job still queued; how many there were.
    pub fn cancel_pending(&self) -> usize {
        self.pending.try_iter().count()
    }
}

/// How the downloads of [`tally`] ended, counted like flags2's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

/// Exercise 5: flags2's summary, every URL counted exactly once.
pub fn tally(agent: &ureq::Agent, urls: &[String], workers: usize) -> Tally {
    #[derive(Clone, Copy)]
    enum Ended {
        Ok,
        NotFound,
        Error,
    }
    let ended = map_in_order(urls, workers, |url| {
        match agent
            .get(url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_vec())
        {
            Ok(_) => Ended::Ok,
            Err(ureq::Error::StatusCode(404)) => Ended::NotFound,
            Err(_) => Ended::Error,
        }
    });
    let mut tally = Tally::default();
    for e in ended {
        match e {
            Ended::Ok => tally.ok += 1,
            Ended::NotFound => tally.not_found += 1,
            Ended::Error => tally.errors += 1,
        }
    }
    tally
}
