//! # Producer/consumer over a bounded queue: backpressure
//!
//! Python: `q = asyncio.Queue(maxsize=4)`; producers `await q.put(item)` (which waits while the
//! queue is full), the consumer loops on `await q.get()`, and it has to learn when to stop: a
//! sentinel (`None`), a known count of items, `await q.join()` (each item marked `task_done()`)
//! and then cancelling the consumer, or since 3.13 `q.shutdown()`.
//!
//! Rust: `tokio::sync::mpsc::channel(4)` is the bounded queue, and Rust needs none of those: each
//! producer owns a `Sender`, and when the last one is dropped `recv()` returns `None`, which is
//! a clean end of stream by construction. `send().await` waits while the queue is full: that is
//! backpressure, and it keeps memory bounded when the consumer is the slow side.
//!
//! Run: `cargo run -p async-io -- producer-consumer`
//!
//! Look for: with the slow consumer, the queue staying near its capacity, the producers
//! waiting many times, and items ageing in the queue; with the fast one, a short queue and little or no
//! waiting. Every item is delivered exactly once, in order per producer.

use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::mpsc::{self, error::TrySendError};

/// One unit of work, tagged with who made it and when.
#[derive(Debug, Clone)]
pub struct Item {
    pub producer: &'static str,
    pub seq: usize,
    pub made: Instant,
}

/// What one run of the pipeline saw.
#[derive(Debug, Default)]
pub struct Report {
    /// `(producer, seq)` in the order the consumer took them.
    pub consumed: Vec<(&'static str, usize)>,
    /// How many times a producer found the queue full and had to wait.
    pub producer_waits: usize,
    /// Items still waiting in the queue right after each take.
    pub queue_lengths: Vec<usize>,
    pub max_age: Duration,
}

/// Sends `count` items, one every `every`, and returns how often the queue was full.
async fn produce(
    name: &'static str,
    count: usize,
    every: Duration,
    tx: mpsc::Sender<Item>,
) -> anyhow::Result<usize> {
    let mut waits = 0;
    for seq in 0..count {
        tokio::time::sleep(every).await;
        let item = Item {
            producer: name,
            seq,
            made: Instant::now(),
        };
        // try_send first only to count the waits; `tx.send(item).await` alone is the usual code.
        match tx.try_send(item) {
            Ok(()) => {}
            Err(TrySendError::Full(item)) => {
                waits += 1;
                tx.send(item).await.context("the consumer hung up")?;
            }
            Err(TrySendError::Closed(_)) => anyhow::bail!("the consumer hung up"),
        }
    }
    Ok(waits) // `tx` is dropped here: one sender fewer
}

/// Two producers and one consumer that takes `consume` per item, over a queue of `capacity`.
pub async fn pipeline(
    items_each: usize,
    capacity: usize,
    every: Duration,
    consume: Duration,
) -> anyhow::Result<Report> {
    let (tx, mut rx) = mpsc::channel::<Item>(capacity);
    let a = tokio::spawn(produce("A", items_each, every, tx.clone()));
    let b = tokio::spawn(produce("B", items_each, every, tx));

    let mut report = Report::default();
    // The loop ends when both producers are done and the queue is empty.
    while let Some(item) = rx.recv().await {
        report.queue_lengths.push(rx.len());
        report.max_age = report.max_age.max(item.made.elapsed());
        tokio::time::sleep(consume).await; // the work
        report.consumed.push((item.producer, item.seq));
    }
    report.producer_waits = a.await?? + b.await??;
    Ok(report)
}
