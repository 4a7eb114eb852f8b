//! # A poison pill: telling each worker of a shared queue to stop
//!
//! Python: workers loop on `job = q.get()` and stop when they take `None`, the "poison pill";
//! the producer puts one pill per worker after the last job.
//!
//! Rust: a channel whose senders are all dropped ends every receiver's loop by itself, so a pill
//! is needed only to stop workers while senders live on. Here the message is an enum, a job or
//! [`Job::Stop`], and the workers share one crossbeam queue (its receivers clone, so no `Mutex`
//! around the receiver). A worker that sees the channel close without a pill says so.
//!
//! Run: `cargo run -p sync-primitives -- channels`
//!
//! Look for: every worker stopped by its own pill after every job was done.

use std::thread;

use anyhow::anyhow;
use crossbeam_channel::{Receiver, unbounded};

/// A message to a worker: a job, or the poison pill.
#[derive(Debug)]
pub enum Job {
    Square(u64),
    Stop,
}

/// `workers` threads share one queue (crossbeam receivers clone); each stops at the first pill
/// it takes. Returns the sum of squares and how many workers stopped on a pill.
pub fn poison_pill(workers: usize, jobs: u64) -> anyhow::Result<(u64, usize)> {
    let (tx, rx) = unbounded();
    let worker = |rx: Receiver<Job>| {
        let mut sum = 0;
        loop {
            match rx.recv() {
                Ok(Job::Square(n)) => sum += n * n,
                Ok(Job::Stop) => return (sum, true),
                Err(_) => return (sum, false), // every sender vanished without a pill
            }
        }
    };
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || worker(rx))
        })
        .collect();
    (1..=jobs).try_for_each(|n| tx.send(Job::Square(n)))?;
    (0..workers).try_for_each(|_| tx.send(Job::Stop))?; // one pill per worker, after the jobs
    let (mut sum, mut pills) = (0, 0);
    for handle in handles {
        let (part, pill) = handle.join().map_err(|_| anyhow!("a worker panicked"))?;
        sum += part;
        pills += usize::from(pill);
    }
    Ok((sum, pills))
}
