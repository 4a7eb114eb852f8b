//! `sync-primitives`: use threads with care. Races, locks, deadlock and starvation that show up
//! on every run, the primitives and channels that avoid them, and what a lock is underneath.
//!
//! `cargo run -p sync-primitives` runs every demo in talk order;
//! `cargo run -p sync-primitives -- bank --threads 5 --transfers 10000` runs one; `--help` lists
//! them.

use std::process::ExitCode;

use clap::builder::RangedU64ValueParser;
use clap::{Parser, ValueEnum};
use common::CommonArgs;
use sync_primitives::tour::{
    bank, channels, deadlock, primitives, send_sync, spinlock, starvation,
};

/// Use threads with care: Python's bank-account race, locks, deadlock and queues, in Rust.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The demo to run; without one, the whole tour in talk order
    demo: Option<Demo>,

    /// Threads making transfers (bank, channels) or counting (spinlock) [default: 5, spinlock 2]
    #[arg(long, global = true, value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024))]
    threads: Option<usize>,

    /// Transfers each thread makes (bank, channels) [default: 10000, --quick 1000]
    #[arg(long, global = true, value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    transfers: Option<usize>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Demo {
    /// The bank: racy transfers lose money; a global lock and ordered per-account locks do not
    Bank,
    /// Two locks taken in opposite order: deadlock detected within a bound, then a lock order
    Deadlock,
    /// A writer starved by a reader-preferring lock, then one that prefers writers
    Starvation,
    /// Mutex (and poisoning), RwLock, Condvar, Barrier, atomics, OnceLock, a semaphore
    Primitives,
    /// mpsc, crossbeam bounded/unbounded and select!, an owner thread, a poison pill
    Channels,
    /// A spin lock from an AtomicBool and an UnsafeCell, against std's Mutex
    Spinlock,
    /// Why Rc and RefCell cannot cross threads and Arc and Mutex can
    SendSync,
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
    let threads = cli.threads.unwrap_or(5);
    let transfers = cli
        .transfers
        .unwrap_or(if args.quick { 1_000 } else { 10_000 });
    common::cli::tour(cli.demo, |demo| {
        common::python::note_missing_twin(args, env!("CARGO_MANIFEST_DIR"), &demo);
        match demo {
            Demo::Bank => bank::run(args, threads, transfers),
            Demo::Deadlock => deadlock::run(args),
            Demo::Starvation => starvation::run(args),
            Demo::Primitives => primitives::run(args),
            Demo::Channels => channels::run(args, threads, transfers),
            Demo::Spinlock => spinlock::run(args, cli.threads.unwrap_or(2)),
            Demo::SendSync => send_sync::run(args),
        }
    })
}
