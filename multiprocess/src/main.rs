//! `multiprocess`: process pools, crash isolation, and what processes cost next to threads.
//!
//! `cargo run -p multiprocess` runs every demo in talk order; `cargo run -p multiprocess --
//! primes --workers 4` runs one; `--help` lists them. The hidden modes (`worker` and the other
//! children) are this same program started by the demos as a child process.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use common::CommonArgs;
use multiprocess::lessons::crash::{self, Crash};
use multiprocess::lessons::{abort, spawn, worker};
use multiprocess::tour::{cost, executors, pool, primes};

/// Process pools the Rust way: Python's `multiprocessing`, and when processes beat threads.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The demo to run; without one, the whole tour in talk order
    demo: Option<Demo>,

    /// The program the demos start as child processes and pool workers [default: this program]
    #[arg(long, global = true, value_name = "PATH")]
    worker_exe: Option<PathBuf>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Demo {
    /// Start a child process: feed its stdin, read its stdout, check its exit status
    Spawn,
    /// A process pool: apply_async handles, ordered map, sentinel shutdown
    Pool,
    /// CPU-bound primes: sequential vs threads vs rayon vs the process pool
    Primes,
    /// A job crashes its worker: the pool replaces it; a thread pool loses the process
    Crash,
    /// What a process costs: start-up and pipe throughput, against a thread and a channel
    Cost,
    /// One Executor trait over a thread pool or a process pool: where each wins
    Executors,
    /// (internal) a pool worker: JSON jobs on stdin, JSON replies on stdout
    #[value(hide = true)]
    Worker,
    /// (internal) the spawn demo's child: sums the numbers on stdin
    #[value(hide = true)]
    SumChild,
    /// (internal) the cost demo's child: counts the bytes on stdin
    #[value(hide = true)]
    Drain,
    /// (internal) the crash demo's thread pool, where one job panics
    #[value(hide = true)]
    ThreadsPanic,
    /// (internal) the crash demo's thread pool, where one job aborts
    #[value(hide = true)]
    ThreadsAbort,
    /// (internal) the executors demo's thread pool, where one job aborts
    #[value(hide = true)]
    ExecutorThreads,
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
    let exe = match &cli.worker_exe {
        Some(path) => path.clone(),
        None => std::env::current_exe().context("cannot find this program's path")?,
    };
    common::cli::tour(cli.demo, |demo| {
        common::python::note_missing_twin(args, env!("CARGO_MANIFEST_DIR"), &demo);
        match demo {
            Demo::Spawn => multiprocess::tour::spawn::run(args, &exe)?,
            Demo::Pool => pool::run(args, &exe)?,
            Demo::Primes => primes::run(args, &exe)?,
            Demo::Crash => multiprocess::tour::crash::run(args, &exe)?,
            Demo::Cost => cost::run(args, &exe)?,
            Demo::Executors => executors::run(args, &exe)?,
            Demo::Worker => worker::main()?,
            Demo::SumChild => {
                let sum = spawn::sum_child(std::io::stdin().lock())?;
                writeln!(std::io::stdout(), "{sum}")?;
            }
            Demo::Drain => {
                let bytes = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink())?;
                writeln!(std::io::stdout(), "{bytes}")?;
            }
            Demo::ThreadsPanic => {
                crash::thread_pool_child(args.count_or(12, 12), args.workers_or(2), Crash::Panic)
            }
            Demo::ThreadsAbort => {
                crash::thread_pool_child(args.count_or(12, 12), args.workers_or(2), Crash::Abort)
            }
            Demo::ExecutorThreads => {
                abort::threads_child(args.count_or(12, 6), args.workers_or(2), &exe)?
            }
        }
        Ok(())
    })
}
