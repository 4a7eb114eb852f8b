//! # Queues instead of locks: channels, a resource owned by one thread, a poison pill
//!
//! Python: `queue.Queue(maxsize=n)` between producer and consumer threads; `put` blocks when it
//! is full; a thread that owns a resource (a file, a socket, the bank) is fed through a queue so
//! nobody else touches it; `queue.put(None)` is the "poison pill" that tells a worker to stop.
//!
//! Rust: `std::sync::mpsc` is many producers, one consumer; the receiver ends when every
//! sender is dropped, so no pill is needed there. crossbeam-channel adds what `queue.Queue` has
//! and more: `bounded(n)` blocks senders when full, receivers can be cloned (many consumers),
//! `len()` shows the backlog, and `select!` waits on several channels and a timer at once.
//!
//! Run: `cargo run -p sync-primitives -- channels`
//!
//! Look for: the bounded queue's backlog never above its capacity while the unbounded one piles
//! up; the bank owned by one thread keeping its total with no lock at all; every worker stopped
//! by its own pill after every job was done.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::anyhow;
use crossbeam_channel::{Receiver, after, bounded, select, unbounded};

use crate::lessons::bank::{OPENING_BALANCE, Transfer};

/// `std::sync::mpsc`: `producers` threads send `per_producer` numbers each; returns their sum.
pub fn mpsc_sum(producers: usize, per_producer: u64) -> u64 {
    let (tx, rx) = mpsc::channel();
    for _ in 0..producers {
        let tx = tx.clone();
        thread::spawn(move || (1..=per_producer).try_for_each(|n| tx.send(n)));
    }
    drop(tx); // the loop below ends when the last sender is gone
    rx.iter().sum()
}

/// One fast producer, one slow consumer, through a crossbeam queue of `capacity` (`None`:
/// unbounded). Returns the items received, in order, and the largest backlog seen.
pub fn backlog(items: u64, capacity: Option<usize>, consume: Duration) -> (Vec<u64>, usize) {
    let (tx, rx) = capacity.map_or_else(unbounded, bounded);
    let producer = thread::spawn(move || {
        let mut peak = 0;
        for item in 0..items {
            tx.send(item).expect("the consumer hung up");
            peak = peak.max(tx.len());
        }
        peak
    });
    let received: Vec<u64> = rx.iter().inspect(|_| thread::sleep(consume)).collect();
    (received, producer.join().unwrap_or(usize::MAX))
}

/// `select!`: wait for whichever comes first, a result or a deadline. Returns the results that
/// arrived before `deadline` (jobs take 0, 2, 4, ... times `step`) and how many were too late.
pub fn first_before_deadline(jobs: u32, step: Duration, deadline: Duration) -> (Vec<u32>, u32) {
    let (tx, results) = unbounded();
    for job in 0..jobs {
        let tx = tx.clone();
        thread::spawn(move || {
            thread::sleep(step * 2 * job);
            let _ = tx.send(job); // the receiver may be gone after the deadline
        });
    }
    let timeout = after(deadline);
    let mut arrived = Vec::new();
    while arrived.len() < jobs as usize {
        select! {
            recv(results) -> job => arrived.push(job.expect("a sender is still held")),
            recv(timeout) -> _ => break,
        }
    }
    let late = jobs - arrived.len() as u32;
    (arrived, late)
}

/// The bank owned by one thread: other threads send it transfers instead of taking a lock.
/// Returns the balances, sent back when every sender is dropped.
pub fn owned_bank(accounts: usize, plan: &[Vec<Transfer>]) -> anyhow::Result<Vec<i64>> {
    let (tx, rx) = bounded::<Transfer>(1024);
    let owner = thread::spawn(move || {
        let mut balances = vec![OPENING_BALANCE; accounts]; // nobody else can reach these
        for t in rx {
            balances[t.from] -= t.amount;
            balances[t.to] += t.amount;
        }
        balances
    });
    thread::scope(|s| {
        for transfers in plan {
            let tx = tx.clone();
            s.spawn(move || transfers.iter().try_for_each(|t| tx.send(*t)));
        }
    });
    drop(tx);
    owner
        .join()
        .map_err(|_| anyhow!("the bank's thread panicked"))
}

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
