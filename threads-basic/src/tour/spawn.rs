//! The tour of [`crate::lessons::spawn`]: three sums returned through `join`, then a thread
//! that panics.

use common::{CommonArgs, say};

use crate::lessons::spawn::{panicking_thread, sums};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let limits = [1_000, 100_000, args.pick(5_000_000, 500_000)];
    let results = sums(&limits)?;
    for (n, sum) in limits.iter().zip(&results) {
        say!("thread summing 1..={n:<9} returned {sum}");
    }

    match panicking_thread() {
        Ok(value) => say!("unexpected: the thread returned {value}"),
        Err(message) => say!("join returned Err: {message:?}"),
    }
    say!("the main thread carries on after the panic");

    // What was claimed, checked: every sum is n(n+1)/2.
    for (n, sum) in limits.iter().zip(&results) {
        anyhow::ensure!(*sum == n * (n + 1) / 2, "wrong sum for {n}");
    }
    Ok(())
}
