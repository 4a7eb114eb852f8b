//! # One job three ways: a callback, a promise, an `async fn`
//!
//! Python: `pool.submit(lookup, word).add_done_callback(lambda f: print(f.result()))` hands the
//! result to a function later; `fut = pool.submit(lookup, word)` is a promise whose
//! `fut.result()` waits for it; and `n = await lookup(word)` reads like ordinary code.
//!
//! Rust: all three exist. A callback is a closure the worker calls when done: the result lands in
//! whatever shared state the closure can reach, so the caller needs a `Mutex` and a way to learn
//! that every callback has run. A one-shot channel (`futures::channel::oneshot`) turns the same
//! callback API into a promise: the receiver is a future that resolves to the value (or to an
//! error if the sender is dropped without sending). An `async fn` needs no worker thread at all:
//! it waits on a timer and the executor runs every lookup on this one thread.
//!
//! Run: `cargo run -p futures-basic -- callbacks --latency-ms 500`
//!
//! Look for: the same lengths, in the same order, from all three styles; the orphaned promise
//! resolving to `Err(Canceled)`; each row of the table taking about
//! one latency (everything runs at once); the callback and promise rows starting a thread per
//! word, the `async fn` row none (futures-timer keeps one shared thread for all its timers).

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use futures::channel::oneshot;
use futures::executor::block_on;
use futures::future::join_all;
use futures_timer::Delay;

/// The words the tour looks up.
pub const WORDS: [&str; 5] = ["future", "promise", "callback", "executor", "waker"];

/// A callback API: looks `word` up on a worker thread and calls `on_done` with its length.
pub fn lookup_with_callback(
    word: &str,
    latency: Duration,
    on_done: impl FnOnce(usize) + Send + 'static,
) {
    let word = word.to_string();
    thread::spawn(move || {
        thread::sleep(latency);
        on_done(word.len());
    });
}

/// Style 1: callbacks write into shared state; a channel tells us when each one has run.
pub fn with_callbacks(words: &[&str], latency: Duration) -> anyhow::Result<Vec<usize>> {
    let results = Arc::new(Mutex::new(vec![0; words.len()]));
    let (done_tx, done_rx) = mpsc::channel();
    for (i, word) in words.iter().enumerate() {
        let (results, done_tx) = (Arc::clone(&results), done_tx.clone());
        lookup_with_callback(word, latency, move |len| {
            results.lock().unwrap()[i] = len;
            let _ = done_tx.send(()); // nobody listening means the caller gave up: fine
        });
    }
    // Drop our own sender: if a worker dies without calling back, `recv` fails instead of hanging.
    drop(done_tx);
    for _ in words {
        done_rx.recv().context("a callback never ran")?;
    }
    let results = results.lock().unwrap().clone();
    Ok(results)
}

/// Style 2: the same callback API, wrapped so that each call returns a promise (a future).
pub fn lookup_promise(word: &str, latency: Duration) -> oneshot::Receiver<usize> {
    let (tx, rx) = oneshot::channel();
    lookup_with_callback(word, latency, move |len| {
        let _ = tx.send(len); // the promise was dropped: nobody wants the value
    });
    rx
}

pub fn with_promises(words: &[&str], latency: Duration) -> anyhow::Result<Vec<usize>> {
    let promises: Vec<_> = words.iter().map(|w| lookup_promise(w, latency)).collect();
    let results = block_on(join_all(promises));
    // A promise whose sender was dropped resolves to `Canceled` instead of hanging forever.
    results
        .into_iter()
        .collect::<Result<_, _>>()
        .context("a lookup was dropped before it answered")
}

/// Style 3: an `async fn`. It waits on a timer, not on a thread.
pub async fn lookup(word: &str, latency: Duration) -> usize {
    Delay::new(latency).await;
    word.len()
}

pub fn with_async_fn(words: &[&str], latency: Duration) -> Vec<usize> {
    block_on(join_all(words.iter().map(|w| lookup(w, latency))))
}

/// A promise whose sender is dropped without sending resolves to `Canceled`, not a hang.
pub fn orphaned_promise() -> Result<usize, oneshot::Canceled> {
    let (sender, orphan) = oneshot::channel::<usize>();
    drop(sender);
    block_on(orphan)
}
