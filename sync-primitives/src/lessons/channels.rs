//! # Queues between threads: mpsc, crossbeam's bounded and unbounded queues, `select!`
//!
//! Python: `queue.Queue(maxsize=n)` between producer and consumer threads; `put` blocks when it
//! is full, and `get(timeout=...)` gives up after a while.
//!
//! Rust: `std::sync::mpsc` is many producers, one consumer; the receiver ends when every
//! sender is dropped, so no pill is needed there. std has both kinds: `mpsc::channel()` is
//! unbounded and `mpsc::sync_channel(n)` is bounded (`send` blocks while `n` are waiting). What
//! crossbeam-channel adds is receivers that can be cloned (many consumers, as `queue.Queue`
//! allows), `len()` to see the backlog, and `select!`, which waits on several channels and a
//! timer at once; this demo uses its `bounded(n)` and `unbounded()` to read the backlog.
//!
//! Run: `cargo run -p sync-primitives -- channels`
//!
//! Look for: the bounded queue's backlog never above its capacity while the unbounded one piles
//! up; the results that came before the `select!` deadline, and the late ones counted.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{after, bounded, select, unbounded};

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
