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

use anyhow::{anyhow, ensure};
use common::{CommonArgs, Row, Table, say, timed};
use crossbeam_channel::{Receiver, after, bounded, select, unbounded};

use crate::bank::{OPENING_BALANCE, Transfer, plan};

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

pub fn run(args: &CommonArgs, threads: usize, transfers: usize) -> anyhow::Result<()> {
    let mut table = Table::new("channels", args).different_work(); // one row per pattern
    let n = args.count_or(10_000, 1_000) as u64;

    let (sum, wall) = timed(|| mpsc_sum(4, n));
    say!("mpsc: 4 producers sent 1..={n} each, the consumer summed {sum}");
    ensure!(sum == 4 * n * (n + 1) / 2, "numbers lost");
    table.push(Row::new("std mpsc, 4 producers", 4 * n as usize, wall).workers(4));

    let items = args.count_or(200, 50) as u64;
    let consume = Duration::from_micros(args.pick(500, 100));
    for capacity in [Some(8), None] {
        let ((got, peak), wall) = timed(|| backlog(items, capacity, consume));
        let name = match capacity {
            Some(c) => format!("crossbeam bounded({c})"),
            None => "crossbeam unbounded".to_string(),
        };
        say!(
            "{name}: slow consumer got {} items, backlog peaked at {peak}",
            got.len()
        );
        ensure!(
            got == (0..items).collect::<Vec<_>>(),
            "items lost or reordered"
        );
        ensure!(
            capacity.is_none_or(|c| peak <= c),
            "bounded queue overfilled"
        );
        table.push(Row::new(name, items as usize, wall).extra("peak backlog", peak));
    }

    let step = Duration::from_millis(args.pick(10, 3));
    let ((arrived, late), wall) = timed(|| first_before_deadline(6, step, step * 5));
    say!("select!: results {arrived:?} came before the deadline, {late} too late");
    ensure!(
        arrived.len() + late as usize == 6,
        "results unaccounted for"
    );
    table.push(
        Row::new("crossbeam select! + after()", 6, wall).outcomes(common::Outcomes {
            ok: arrived.len() as u64,
            timed_out: Some(late as u64),
            ..Default::default()
        }),
    );

    let plan = plan(crate::bank::ACCOUNTS, threads, transfers, args.seed);
    let (balances, wall) = timed(|| owned_bank(crate::bank::ACCOUNTS, &plan));
    let total: i64 = balances?.iter().sum();
    say!("owner thread: {threads} threads sent {transfers} transfers each; total {total}");
    ensure!(
        total == crate::bank::ACCOUNTS as i64 * OPENING_BALANCE,
        "the bank lost money"
    );
    table.push(
        Row::new("bank owned by one thread", threads * transfers, wall)
            .workers(threads)
            .extra("total", total),
    );

    let workers = args.workers_or(4);
    let (result, wall) = timed(|| poison_pill(workers, n));
    let (sum, pills) = result?;
    say!("poison pill: {workers} workers squared 1..={n}, then {pills} pills stopped them");
    ensure!(sum == (1..=n).map(|k| k * k).sum::<u64>(), "jobs lost");
    ensure!(pills == workers, "{pills} pills taken by {workers} workers");
    table.push(Row::new("poison pill shutdown", n as usize, wall).workers(workers));
    table.print();
    Ok(())
}
