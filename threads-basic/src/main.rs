//! `threads-basic`: creating and running threads, the first section of the talks.
//!
//! `cargo run -p threads-basic` runs every demo in talk order; `cargo run -p threads-basic -- cpu`
//! runs one; `--help` lists them.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use common::CommonArgs;
use threads_basic::lessons;
use threads_basic::tour::{
    concurrency_vs_parallelism, cpu, daemon, join_all, names, scoped, spawn, spinner, worker,
};

/// Creating and running threads: Python's `threading` basics, in Rust.
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
    /// Concurrency vs parallelism: the same jobs, I/O- or CPU-bound, on one core and on all
    ConcurrencyVsParallelism,
    /// Spawn with arguments, join, get a value back; a panicking thread
    Spawn,
    /// Thread names and thread::Builder
    Names,
    /// The worker-object pattern: a struct with a run method on its own thread
    Worker,
    /// Detached threads die with main; join with a timeout
    Daemon,
    /// Scoped threads borrowing local data
    Scoped,
    /// CPU-bound work: 1 thread vs one per core (no GIL)
    Cpu,
    /// A spinner thread stopped cleanly by a flag
    Spinner,
    /// Start all, then join all, against joining inside the loop
    JoinAll,
    /// (internal) the child process of the daemon demo
    #[value(hide = true)]
    DaemonChild,
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
            Demo::ConcurrencyVsParallelism => concurrency_vs_parallelism::run(args)?,
            Demo::Spawn => spawn::run(args)?,
            Demo::Names => names::run(args)?,
            Demo::Worker => worker::run(args)?,
            Demo::Daemon => {
                let exe = std::env::current_exe().context("cannot find this program's path")?;
                daemon::run(args, &exe)?
            }
            Demo::Scoped => scoped::run(args)?,
            Demo::Cpu => cpu::run(args)?,
            Demo::Spinner => spinner::run(args)?,
            Demo::JoinAll => join_all::run(args)?,
            Demo::DaemonChild => lessons::daemon::child(args.latency_ms.unwrap_or(100)),
        }
        Ok(())
    })
}
