//! `thread-pool`: Python's `concurrent.futures.ThreadPoolExecutor`, in Rust.
//!
//! `cargo run -p thread-pool` runs every demo in talk order;
//! `cargo run -p thread-pool -- flags --count 20 --workers 20 --latency-ms 100` runs one;
//! `--help` lists them.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use common::CommonArgs;
use thread_pool::tour::{errors, flags, handmade, race, rayon_pools, sweep};

/// Thread pools: ThreadPoolExecutor's map and as_completed, a pool built by hand, rayon.
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
    /// Download flags: sequential, then a pool in map style and in as-completed style
    Flags,
    /// The same download with 1, 2, 4, 8, 16, 32 workers: where adding threads stops helping
    Sweep,
    /// A thread pool built by hand from std::thread and crossbeam-channel
    Handmade,
    /// rayon pools for CPU work; blocking I/O on them is capped at one request per thread
    Rayon,
    /// Errors, unknown codes and timeouts, counted like flags2: ok, not found, error
    Errors,
    /// "Is there a race in my pool code?": Rust refuses it; Mutex and atomics accepted
    Race,
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
            Demo::Flags => flags::run(args),
            Demo::Sweep => sweep::run(args),
            Demo::Handmade => handmade::run(args),
            Demo::Rayon => rayon_pools::run(args),
            Demo::Errors => errors::run(args),
            Demo::Race => race::run(args),
        }
    })
}
