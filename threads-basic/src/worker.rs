//! # The worker-object pattern: a struct that runs on its own thread
//!
//! Python: subclass `Thread`, override `run()`, and leave the result on `self`
//! (`class FibonacciThread(Thread): def run(self): self.result = fib(self.n)`), then read
//! `t.result` after `t.join()`.
//!
//! Rust has no thread class to inherit from. A plain struct holds the job's inputs, a `run(self)`
//! method does the work and *returns* the result, and `start` moves the struct onto a thread.
//! Because `run` takes `self` by value, the worker cannot be touched by anyone else while it
//! runs, and its result comes back through `join` instead of a field someone might read too early.
//!
//! Run: `cargo run -p threads-basic -- worker`
//!
//! Look for: four workers started together, each printing from its own named thread, and the
//! results collected in the order the workers were created.

use std::thread::{self, JoinHandle};

use anyhow::{Context, anyhow};
use common::{CommonArgs, say};

/// A job that computes the `n`-th Fibonacci number (slowly, on purpose).
#[derive(Debug)]
pub struct FibonacciWorker {
    pub n: u32,
}

impl FibonacciWorker {
    /// The work itself: plain code, no threads involved, easy to test on its own.
    pub fn run(self) -> u64 {
        fn fib(n: u32) -> u64 {
            if n < 2 {
                n as u64
            } else {
                fib(n - 1) + fib(n - 2)
            }
        }
        fib(self.n)
    }

    /// Moves the worker onto a new thread named after its job.
    pub fn start(self) -> anyhow::Result<JoinHandle<u64>> {
        thread::Builder::new()
            .name(format!("fib-{}", self.n))
            .spawn(move || {
                let n = self.n;
                let result = self.run();
                let me = thread::current();
                say!("  [{}] fib({n}) = {result}", me.name().unwrap_or("?"));
                result
            })
            .context("could not start a worker thread")
    }
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let inputs: Vec<u32> = if args.quick {
        vec![10, 15, 20, 22]
    } else {
        vec![20, 25, 28, 30]
    };

    // Start every worker first, then collect: they compute at the same time.
    let handles = inputs
        .iter()
        .map(|&n| FibonacciWorker { n }.start())
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
