//! The tour of [`crate::lessons::worker`]: four workers started together, collected in order.

use anyhow::anyhow;
use common::{CommonArgs, say};

use crate::lessons::worker::FibonacciWorker;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let inputs: Vec<u32> = if args.quick {
        vec![10, 15, 20, 22]
    } else {
        vec![20, 25, 28, 30]
    };

    // Start every worker first, then collect: they compute at the same time.
    let handles = inputs
        .iter()
        .map(|&n| FibonacciWorker { n }.start(|line| say!("  {line}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let results = handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("a worker panicked")))
        .collect::<anyhow::Result<Vec<u64>>>()?;
    say!("results in creation order: {results:?}");

    // What was claimed: each result matches the same job run on this thread.
    for (&n, &got) in inputs.iter().zip(&results) {
        anyhow::ensure!(got == FibonacciWorker { n }.run(), "fib({n}) mismatch");
    }
    Ok(())
}
