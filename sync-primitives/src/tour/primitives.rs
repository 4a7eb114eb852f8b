//! The tour of [`crate::lessons::mutex`], [`crate::lessons::primitives`],
//! [`crate::lessons::condvar`] and the semaphore of [`crate::lessons::semaphore`]: one row per
//! primitive.

use std::time::Duration;

use anyhow::ensure;
use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::condvar::{bounded_buffer, event_wakes_every_waiter};
use crate::lessons::mutex::{mutex_counter, poisoned_then_recovered, rwlock_readers_and_writer};
use crate::lessons::primitives::{barrier_phases, once_lock, publish_with_release_acquire};
use crate::lessons::semaphore::semaphore_peak;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let threads = args.workers_or(8);
    let mut table = Table::new("primitives", args).different_work(); // one row per primitive

    let per_thread = args.count_or(10_000, 1_000) as u64;
    let (total, wall) = timed(|| mutex_counter(threads, per_thread));
    say!("Mutex: {threads} threads x {per_thread} increments = {total}");
    ensure!(total == threads as u64 * per_thread, "lost increments");
    table.push(Row::new("Mutex counter", total as usize, wall).workers(threads));

    say!("Mutex poisoning: a thread panics while holding the lock (its message comes first)");
    let ((poisoned, data), wall) = timed(poisoned_then_recovered);
    say!("  poisoned: {poisoned}; recovered the data as it was left: {data:?}");
    ensure!(poisoned && data == [1, 2], "poisoning did not show");
    table.push(Row::new("Mutex poisoning", 1, wall).extra("result", "recovered [1, 2]"));

    let (versions, wall) = timed(|| rwlock_readers_and_writer(threads));
    say!("RwLock: {threads} readers shared it, each saw a whole version: {versions:?}");
    ensure!(versions.iter().all(|v| v == "v1" || v == "v2"), "torn read");
    table.push(Row::new("RwLock readers + writer", threads + 1, wall).workers(threads + 1));

    let (items, capacity) = (args.count_or(10_000, 1_000) as u64, 4);
    let ((consumed, peak), wall) = timed(|| bounded_buffer(items, capacity));
    say!("Condvar: {items} items through a buffer of {capacity}, at most {peak} in it, in order");
    ensure!(
        consumed == (0..items).collect::<Vec<_>>(),
        "items lost or out of order"
    );
    ensure!(peak <= capacity, "the buffer held {peak} > {capacity}");
    table.push(Row::new("Condvar bounded buffer", items as usize, wall).extra("peak", peak));

    let (seen, wall) = timed(|| barrier_phases(threads));
    say!("Barrier: each thread saw {seen:?} phase-1 steps done when it started phase 2");
    ensure!(
        seen.iter().all(|&n| n == threads),
        "a thread passed the barrier early"
    );
    table.push(Row::new("Barrier", threads, wall).workers(threads));

    let ((early, woken), wall) = timed(|| event_wakes_every_waiter(threads));
    say!("Event: wait_timeout before set said {early}; one set woke {woken} of {threads} waiters");
    ensure!(!early && woken == threads, "the Event missed a waiter");
    table.push(
        Row::new("Event (Mutex<bool> + Condvar)", threads, wall)
            .workers(threads)
            .extra("result", format!("{woken} woken")),
    );

    let (value, wall) = timed(publish_with_release_acquire);
    say!("atomics: the reader saw the flag (Acquire) and then the value {value} (Release)");
    ensure!(value == 42, "saw the flag but not the data");
    table.push(Row::new("Release/Acquire flag", 1, wall).extra("result", value));

    let ((runs, values), wall) = timed(|| once_lock(threads));
    say!("OnceLock: {threads} threads raced, the initialiser ran {runs} time(s)");
    ensure!(
        runs == 1 && values.windows(2).all(|w| w[0] == w[1]),
        "initialised twice"
    );
    table.push(
        Row::new("OnceLock", threads, wall)
            .workers(threads)
            .extra("init runs", runs),
    );

    let permits = 3;
    let work = Duration::from_millis(args.pick(20, 5));
    let (peak, wall) = timed(|| semaphore_peak(threads, permits, work));
    say!("Semaphore({permits}): {threads} threads, at most {peak} inside at once");
    ensure!(
        peak <= permits,
        "{peak} threads inside a semaphore of {permits}"
    );
    table.push(
        Row::new("Semaphore (Mutex + Condvar)", threads, wall)
            .workers(threads)
            .max_in_flight(peak as u64),
    );
    table.print();
    Ok(())
}
