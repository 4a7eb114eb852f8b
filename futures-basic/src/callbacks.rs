//! # One job three ways: a callback, a promise, an `async fn`
//!
//! Python: `pool.submit(lookup, word).add_done_callback(lambda f: print(f.result()))` hands the
//! result to a function later; `fut = pool.submit(lookup, word)` is a promise whose
//! `fut.result()` waits for it; and `n = await lookup(word)` reads like ordinary code.
//!
//! Rust has all three. A callback is a closure the worker calls when done: the result lands in
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
use common::{CommonArgs, Row, Table, say, timed};
use futures::channel::oneshot;
use futures::executor::block_on;
use futures::future::join_all;
use futures_timer::Delay;

const WORDS: [&str; 5] = ["future", "promise", "callback", "executor", "waker"];

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

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let latency = args.latency_or(200, 30);
    let n = WORDS.len();
    say!(
        "looking up the length of {n} words, {} ms each: {WORDS:?}",
        latency.as_millis()
    );

    let (callbacks, wall_callbacks) = timed(|| with_callbacks(&WORDS, latency));
    let callbacks = callbacks?;
    say!("callbacks:     {callbacks:?} (each callback wrote its slot in a Mutex<Vec>)");
    let (promises, wall_promises) = timed(|| with_promises(&WORDS, latency));
    let promises = promises?;
    say!("promises:      {promises:?} (join_all over one-shot receivers)");
    let (async_fn, wall_async) = timed(|| with_async_fn(&WORDS, latency));
    say!("async fn:      {async_fn:?} (join_all over lookup(word) futures)");

    // A promise whose sender is dropped without sending resolves to an error, not a hang.
    let (sender, orphan) = oneshot::channel::<usize>();
    drop(sender);
    let orphaned = block_on(orphan);
    say!("a promise whose sender was dropped resolves to {orphaned:?}");

    let mut table = Table::new("callbacks", args);
    table.push(Row::new("callback", n, wall_callbacks).extra("threads started", n));
    table.push(Row::new("one-shot promise", n, wall_promises).extra("threads started", n));
    table.push(Row::new("async fn", n, wall_async).extra("threads started", 0));
    table.print();

    // What was claimed: the same answers, in word order, every way.
    let expected: Vec<usize> = WORDS.iter().map(|w| w.len()).collect();
    anyhow::ensure!(callbacks == expected, "callbacks gave {callbacks:?}");
    anyhow::ensure!(promises == expected, "promises gave {promises:?}");
    anyhow::ensure!(async_fn == expected, "async fn gave {async_fn:?}");
    anyhow::ensure!(orphaned.is_err(), "an orphaned promise gave {orphaned:?}");
    Ok(())
}
