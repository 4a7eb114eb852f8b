//! `async-io`: the asyncio section of the talks, with tokio.
//!
//! `cargo run -p async-io` runs every demo in talk order; `cargo run -p async-io -- flags` runs
//! one; `--help` lists them.

use std::process::ExitCode;

use anyhow::Context;
use async_io::tour::{
    anatomy, blocking, c10k, flags, producer_consumer, runtimes, semaphore, shutdown, structured,
    timeouts, web,
};
use clap::{Parser, ValueEnum};
use common::CommonArgs;

/// Python's asyncio in Rust: tokio tasks, async downloads, semaphores, queues, timeouts, 10k tasks.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The demo to run; without one, the whole tour in talk order
    demo: Option<Demo>,

    /// Cap on requests in flight (semaphore demo: one row for this cap instead of a sweep)
    #[arg(long, global = true, value_name = "M", value_parser = common::cli::at_least_one)]
    concurrency: Option<usize>,

    /// Concurrent requests in the c10k demo [default: 10000 alone, 1000 in the tour]
    #[arg(long, global = true, value_name = "N", value_parser = common::cli::at_least_one)]
    tasks: Option<usize>,

    /// (internal) which variant a c10k child process measures
    #[arg(long, hide = true, value_name = "VARIANT")]
    variant: Option<c10k::Variant>,

    #[command(flatten)]
    web: web::WebArgs,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Demo {
    /// async fn, .await, tokio::spawn and JoinHandle, JoinSet: gather and as_completed
    Anatomy,
    /// Download flags: concurrent reqwest vs one await after another vs ureq on threads
    Flags,
    /// Cap requests in flight with a Semaphore; the server's peak equals the cap
    Semaphore,
    /// Two producers, one consumer, a bounded mpsc queue: backpressure
    ProducerConsumer,
    /// Per-request timeout, batch deadline, select! and select_ok races, CancellationToken
    Timeouts,
    /// A group of tasks, one failing early: JoinSet + abort_all, try_join_all, gather, thread::scope
    Structured,
    /// Blocking inside async stalls the other tasks; spawn_blocking fixes it
    Blocking,
    /// current_thread (asyncio's one thread) vs multi_thread: downloads, CPU tasks, spawn_blocking
    Runtimes,
    /// 10,000 concurrent requests: tasks vs one thread per request, memory measured
    C10k,
    /// A service that finishes in-flight work on Ctrl-C and aborts it on a second Ctrl-C
    Shutdown,
    /// The same web service blocking and async (axum), under load: requests per second
    Web,
    /// (internal) the fake server in its own process, for c10k
    #[value(hide = true)]
    ServeChild,
    /// (internal) one c10k variant measured in its own process
    #[value(hide = true)]
    C10kChild,
    /// The shutdown demo's service on its own: runs until Ctrl-C
    #[value(hide = true)]
    Service,
    /// (internal) one web server in its own process, for web
    #[value(hide = true)]
    WebChild,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = cli.common.init() {
        return common::cli::usage_error(err);
    }
    // Raised once here, so every demo and every child process started from here has it.
    let raised = c10k::raise_open_file_limit();
    // Not in the child processes, nor where the first line on stdout is a server's URL.
    let child = cli.web.serve.is_some()
        || matches!(
            cli.demo,
            Some(Demo::ServeChild | Demo::C10kChild | Demo::Service | Demo::WebChild)
        );
    if let (Some((from, to)), false) = (raised, child) {
        common::say!("raised the open-file limit from {from} to {to}, the most this system allows");
    }
    common::cli::exit_code(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let args = &cli.common;
    let in_tour = cli.demo.is_none();
    let exe = || std::env::current_exe().context("cannot find this program's path");
    common::cli::tour(cli.demo, |demo| {
        // web's Python side is two servers (python/flags_sync.py, flags_aiohttp.py), not web.py.
        if demo != Demo::Web {
            common::python::note_missing_twin(args, env!("CARGO_MANIFEST_DIR"), &demo);
        }
        run_demo(cli, demo, in_tour, &exe)
    })
}

fn run_demo(
    cli: &Cli,
    demo: Demo,
    in_tour: bool,
    exe: &dyn Fn() -> anyhow::Result<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let args = &cli.common;
    match demo {
        Demo::Anatomy => anatomy::run(args),
        Demo::Flags => flags::run(args),
        Demo::Semaphore => semaphore::run(args, cli.concurrency),
        Demo::ProducerConsumer => producer_consumer::run(args),
        Demo::Timeouts => timeouts::run(args),
        Demo::Structured => structured::run(args),
        Demo::Blocking => blocking::run(args),
        Demo::Runtimes => runtimes::run(args),
        Demo::C10k => c10k::run(args, &exe()?, cli.tasks, in_tour),
        Demo::Shutdown => shutdown::run(args, &exe()?),
        Demo::Web => web::run(args, &cli.web, &exe()?, in_tour),
        Demo::ServeChild => c10k::serve_child(),
        Demo::C10kChild => {
            let variant = cli.variant.context("c10k-child needs --variant")?;
            let url = args
                .server
                .as_deref()
                .context("c10k-child needs --server")?;
            c10k::child(variant, cli.tasks.unwrap_or(1), url, args)
        }
        Demo::Service => shutdown::service(args),
        Demo::WebChild => {
            let kind = cli.web.serve.context("web-child needs --serve")?;
            web::serve(args, &cli.web, kind)
        }
    }
}
