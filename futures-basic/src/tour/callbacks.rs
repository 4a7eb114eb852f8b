//! The tour of [`crate::lessons::callbacks`]: the three styles side by side, timed.

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::callbacks::{
    WORDS, orphaned_promise, with_async_fn, with_callbacks, with_promises,
};

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

    let orphaned = orphaned_promise();
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
