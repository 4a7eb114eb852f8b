//! The c10k tour: each variant measured in a child process of its own.
//!
//! To keep the figures honest, the fake server runs in its own process (this program started
//! again with a hidden subcommand), and each variant is measured in a fresh child process whose
//! peak resident memory (`VmHWM` in `/proc/self/status`) is its own. Every loopback connection
//! holds a file descriptor in each process, so the demo reads the open-file limit first and runs
//! the largest size that fits, saying so. Peak memory is Linux-only; elsewhere the demo says so.
//! Each child also reports its CPU time over the requests (all threads), shown per request.
//! With `--python`, the twin (`python/c10k.py`: aiohttp, every request at once on one event
//! loop) runs against the same server process and its row joins the table.

mod limits;
mod process;

use std::path::Path;

use anyhow::Context;
use common::server::{Faults, RemoteServer, Server};
use common::{CommonArgs, Row, Table, say};

use crate::lessons::c10k_threads::{BUFFER, THREAD_STACK};

pub use limits::{
    open_file_limit, open_file_limits, peak_memory_kib, raise_open_file_limit, thread_limit,
};
pub use process::{Measured, ServerProcess, child, measure, serve_child};

/// One way of running the requests, each measured in its own child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Variant {
    /// One tokio task per request, reqwest, a multi-threaded runtime.
    Tasks,
    /// The same with hyper's client: a connection of its own per request, nothing pooled.
    TasksHyper,
    /// One OS thread per request, blocking ureq, stacks and buffers shrunk.
    Threads,
    /// The same with the default thread stack (2 MiB) and ureq buffers (128 KiB each way).
    ThreadsDefault,
}

/// Descriptors kept free for everything else a process holds open.
const SPARE_FDS: u64 = 200;
/// The thread-per-request row never runs more threads than this.
const MAX_THREADS: usize = 10_000;

/// The row with default thread stacks and ureq buffers never runs more threads than this.
const MAX_DEFAULT_THREADS: usize = 2_000;

pub fn run(
    args: &CommonArgs,
    exe: &Path,
    tasks: Option<usize>,
    in_tour: bool,
) -> anyhow::Result<()> {
    let (normal_n, normal_ms) = if in_tour {
        (1_000, 500)
    } else {
        (10_000, 1_000)
    };
    let requested = tasks.unwrap_or(args.pick(normal_n, 200));
    let latency = args.latency_or(normal_ms, 50);
    if in_tour && tasks.is_none() {
        say!(
            "the tour runs {requested} requests at {} ms; the full run:",
            latency.as_millis()
        );
        say!("  cargo run --release -p async-io -- c10k --tasks 10000 --latency-ms 1000");
    }

    // Step 1: the largest size that fits the open-file limit (one descriptor per connection).
    let n = match open_file_limit() {
        Some(limit) if limit < requested as u64 + SPARE_FDS => {
            let fits = limit.saturating_sub(SPARE_FDS).max(1) as usize;
            say!(
                "the open-file limit is {limit}: running {fits} requests instead of {requested} (raise it with `ulimit -n`)"
            );
            fits
        }
        Some(limit) => {
            say!("open-file limit {limit}: {requested} connections fit");
            requested
        }
        None => {
            say!(
                "the open-file limit is not readable on this platform: trying {requested} as asked"
            );
            requested
        }
    };
    let n_threads = n.min(MAX_THREADS).min(thread_limit().unwrap_or(usize::MAX));
    if n_threads < n {
        say!("the thread-per-request row runs {n_threads} threads, the most this demo starts here");
    }
    say!(
        "threads get {} KiB stacks and {} KiB ureq buffers; the last row keeps the defaults (2 MiB, 128 KiB)",
        THREAD_STACK >> 10,
        BUFFER >> 10
    );
    let n_defaults = n_threads.min(MAX_DEFAULT_THREADS);
    if n_defaults < n_threads {
        say!(
            "the row with default stacks and buffers runs {n_defaults} threads: compare KiB/request"
        );
    }

    // Step 2: the server in its own process (or the one given with --server).
    let spawned = match &args.server {
        Some(_) => None,
        None => Some(ServerProcess::start(exe)?),
    };
    let url = args
        .server
        .clone()
        .or_else(|| spawned.as_ref().map(|s| s.url.clone()));
    let server = Server::Remote(RemoteServer::connect(&url.context("no server")?)?);
    server.set_faults(&Faults {
        latency_ms: latency.as_millis() as u64,
        ..Faults::from_args(args, 0, 0)
    })?;
    say!(
        "{n} requests at {} ms latency, server at {}",
        latency.as_millis(),
        server.url()
    );

    // Step 3: each variant in its own process.
    let mut table = Table::new("c10k", args);
    let mut task_rows = Vec::new();
    for (label, variant, size) in [
        ("thread per request (ureq)", Variant::Threads, n_threads),
        ("tokio task per request (reqwest)", Variant::Tasks, n),
        ("tokio task per request (hyper)", Variant::TasksHyper, n),
        (
            "thread per request, default sizes",
            Variant::ThreadsDefault,
            n_defaults,
        ),
    ] {
        server.reset_stats()?;
        let m = measure(exe, variant, size, server.url(), latency)?;
        let peak = server.stats()?.max_in_flight;
        let mib = m
            .peak_kib
            .map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        let per = match (m.peak_kib, m.base_kib) {
            (Some(p), Some(b)) => format!("{:.1}", p.saturating_sub(b) as f64 / size as f64),
            _ => "n/a".into(),
        };
        let x_latency = m.wall.as_secs_f64() / latency.as_secs_f64().max(1e-3);
        let cpu_per = m.cpu.map_or("n/a".into(), |c| {
            format!("{}", c.as_micros() / size.max(1) as u128)
        });
        let mut row = Row::new(label, size, m.wall)
            .max_in_flight(peak)
            .outcomes(m.outcomes)
            .spans(server.spans()?); // drawn with --timeline: the in-flight line is the one to read
        let is_tasks = matches!(variant, Variant::Tasks | Variant::TasksHyper);
        if !is_tasks {
            row = row.workers(size);
        }
        table.push(
            row.extra("peak memory", mib)
                .extra("KiB/request", per)
                .extra("CPU µs/request", cpu_per)
                .extra("x latency", x_latency),
        );
        if is_tasks {
            task_rows.push((label, m, x_latency));
        }
    }
    // With --python: the twin's aiohttp, every request at once on one event loop, against the
    // same server process (its stats reset before it, its peak read after it).
    let extra = vec!["--tasks".to_string(), n.to_string()];
    let dir = env!("CARGO_MANIFEST_DIR");
    let twin = common::python::twin_rows_on(args, &server, dir, "c10k.py", &extra);
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if !cfg!(target_os = "linux") {
        say!("peak memory is read from /proc/self/status, which only Linux has: shown as n/a");
    }

    for (label, _, x_latency) in &task_rows {
        say!("{label}: {n} requests in {x_latency:.2}x the latency (aim: within 1.5x)");
    }
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }
    if task_rows.iter().any(|(_, _, x)| *x > 1.5) && cfg!(debug_assertions) {
        say!(
            "  this is a debug build: reqwest, hyper and tokio unoptimised cost most of the excess;"
        );
        say!(
            "  `cargo run --release -p async-io -- c10k` shows the runtime itself (so does an idle machine)"
        );
    }

    // What was claimed: every request completed (errors only if --error-rate asked for them).
    if args.error_rate.unwrap_or(0.0) == 0.0 {
        for (label, m, _) in &task_rows {
            anyhow::ensure!(
                m.outcomes.ok == n as u64,
                "{label}: only {} of {n} requests succeeded",
                m.outcomes.ok
            );
        }
    }
    Ok(())
}

/// The one sentence under the table when the twin's row is there: tokio's tasks (reqwest) and
/// aiohttp's coroutines, each in latencies and in CPU time per request.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let x = |row: &Row| row.extra.get("x latency").and_then(|v| v.as_f64());
    let cpu = |row: &Row| {
        let value = row.extra.get("CPU µs/request")?;
        Some(
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string),
        )
    };
    let rust = find("tokio task per request (reqwest)")?;
    let python = find("Python: asyncio task per request (aiohttp)")?;
    Some(format!(
        "{} requests at once: tokio tasks (reqwest) in {:.2}x the latency at {} µs of CPU per \
         request, aiohttp on one event loop in {:.2}x at {} µs",
        rust.items,
        x(rust)?,
        cpu(rust)?,
        x(python)?,
        cpu(python)?,
    ))
}
