//! # Spawn a thread, pass it arguments, join it, get a value back
//!
//! Python: `t = Thread(target=work, args=(n,)); t.start(); t.join()` throws away what `work`
//! returned, so results travel back through a shared list or a queue.
//!
//! Rust: `thread::spawn` takes a closure that *moves* its arguments in, and `join()` hands back
//! whatever the closure returned, wrapped in a `Result` that is `Err` if the thread panicked.
//! A panic stays inside its thread: the main thread reads the error and carries on.
//!
//! Run: `cargo run -p threads-basic -- spawn`
//!
//! Look for: each thread's sum returned through `join`, and the panicking thread reported as an
//! `Err` while the program goes on (Rust's default panic message appears on stderr first).

use std::any::Any;
use std::thread;

use anyhow::anyhow;
use common::{CommonArgs, say};

/// Sums `1..=n` the slow way, so the thread has something to do.
pub fn sum_to(n: u64) -> u64 {
    (1..=n).sum()
}

/// Spawns one thread per argument and returns what each one computed, in argument order.
pub fn sums(limits: &[u64]) -> anyhow::Result<Vec<u64>> {
    // Each closure owns its own copy of `n` (`move`), so no thread borrows from another.
    let handles: Vec<_> = limits
        .iter()
        .map(|&n| thread::spawn(move || sum_to(n)))
        .collect();

    // `join` waits for the thread and returns its closure's value.
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("a summing thread panicked")))
        .collect()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let limits = [1_000, 100_000, args.pick(5_000_000, 500_000)];
    let results = sums(&limits)?;
    for (n, sum) in limits.iter().zip(&results) {
        say!("thread summing 1..={n:<9} returned {sum}");
    }

    // A thread that panics does not take the process down: its `join` returns `Err`
    // carrying the panic payload, which is usually a `&str` or a `String`.
    let doomed = thread::spawn(|| -> u64 { panic!("this thread failed on purpose") });
    match doomed.join() {
        Ok(value) => say!("unexpected: the thread returned {value}"),
        Err(payload) => say!("join returned Err: {:?}", panic_message(&*payload)),
    }
    say!("the main thread carries on after the panic");

    // What was claimed, checked: every sum is n(n+1)/2.
    for (n, sum) in limits.iter().zip(&results) {
        anyhow::ensure!(*sum == n * (n + 1) / 2, "wrong sum for {n}");
    }
    Ok(())
}

/// The text of a panic payload, whichever of the two usual types it has.
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "<non-string panic payload>"
    }
}
