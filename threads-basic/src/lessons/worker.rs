//! # The worker-object pattern: a struct that runs on its own thread
//!
//! Python: subclass `Thread`, override `run()`, and leave the result on `self`
//! (`class FibonacciThread(Thread): def run(self): self.result = fib(self.n)`), then read
//! `t.result` after `t.join()`.
//!
//! Rust: there is no thread class to inherit from. A plain struct holds the job's inputs, a `run(self)`
//! method does the work and *returns* the result, and `start` moves the struct onto a thread.
//! Because `run` takes `self` by value, the worker cannot be touched by anyone else while it
//! runs, and its result comes back through `join` instead of a field someone might read too early.
//!
//! Run: `cargo run -p threads-basic -- worker`
//!
//! Look for: four workers started together, each printing from its own named thread, and the
//! results collected in the order the workers were created.

use std::thread::{self, JoinHandle};

use anyhow::Context;

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

    /// Moves the worker onto a new thread named after its job; the thread reports its result
    /// through `log` (say, `|line| println!("{line}")`) and returns it.
    pub fn start(self, log: impl Fn(&str) + Send + 'static) -> anyhow::Result<JoinHandle<u64>> {
        thread::Builder::new()
            .name(format!("fib-{}", self.n))
            .spawn(move || {
                let n = self.n;
                let result = self.run();
                let me = thread::current();
                log(&format!(
                    "[{}] fib({n}) = {result}",
                    me.name().unwrap_or("?")
                ));
                result
            })
            .context("could not start a worker thread")
    }
}
