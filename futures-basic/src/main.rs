//! `futures-basic`: what a future is, the futures crate, and a tiny executor written by hand.
//!
//! `cargo run -p futures-basic` runs every demo in talk order; `cargo run -p futures-basic --
//! countdown` runs one; `--help` lists them.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use common::CommonArgs;
use futures_basic::tour::{
    blocking, callbacks, countdown, handwritten, lazy, thread_pool_executor,
};

/// But what is a future? Deferred work, callbacks vs futures, and the executor that drives them.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The demo to run; without one, the whole tour in talk order
    demo: Option<Demo>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Demo {
    /// A future does nothing until polled: build one, poll it once, then block_on it
    Lazy,
    /// One job three ways: a callback, a one-shot channel as a promise, an async fn
    Callbacks,
    /// Tasks A-D on one thread finish in delay order: join_all vs FuturesUnordered vs select
    Countdown,
    /// A Timer future and a tiny executor written by hand (Waker, task queue, park)
    Handwritten,
    /// futures' ThreadPool runs many futures on a few threads; LocalPool on this one
    ThreadPoolExecutor,
    /// A blocking sleep inside async code freezes the spinner; a timer lets it spin
    Blocking,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = cli.common.init() {
        return common::cli::usage_error(err);
    }
    common::cli::exit_code(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let args = &cli.common;
    common::cli::tour(cli.demo, |demo| {
        common::python::note_missing_twin(args, env!("CARGO_MANIFEST_DIR"), &demo);
        match demo {
            Demo::Lazy => lazy::run(args),
            Demo::Callbacks => callbacks::run(args),
            Demo::Countdown => countdown::run(args),
            Demo::Handwritten => handwritten::run(args),
            Demo::ThreadPoolExecutor => thread_pool_executor::run(args),
            Demo::Blocking => blocking::run(args),
        }
    })
}
