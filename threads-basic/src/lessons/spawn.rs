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

/// A thread that panics does not take the process down: its `join` returns `Err` carrying the
/// panic payload, here turned into its message.
pub fn panicking_thread() -> Result<u64, String> {
    let doomed = thread::spawn(|| -> u64 { panic!("this thread failed on purpose") });
    doomed
        .join()
        .map_err(|payload| panic_message(&*payload).to_string())
}
