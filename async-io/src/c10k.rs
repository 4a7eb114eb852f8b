//! # c10k: ten thousand requests at once, tasks against threads
//!
//! Python: `await asyncio.gather(*(fetch(s, url) for url in ten_thousand_urls))` finishes in
//! about one round trip, while `ThreadPoolExecutor(max_workers=10_000)` pays for a thread (and
//! its stack) per request, if the machine lets it start that many.
//!
//! A tokio task is a state machine on the heap, and a few worker threads serve them all; a
//! thread per request costs a kernel thread, a stack and its buffers each. The tasks run twice:
//! with reqwest (the client the other demos use: a pool, redirects, a URL parser) and with
//! hyper's own client, one connection per request and nothing else, to show what those layers
//! cost when 10,000 connections open at once. To keep the figures honest, the fake server runs
//! in its own process (this program started again with a hidden subcommand), and each variant
//! is measured in a fresh child process whose peak resident memory (`VmHWM` in
//! `/proc/self/status`) is its own. Every loopback connection holds a file descriptor in each
//! process, so the demo reads the open-file limit first and runs the largest size that fits,
//! saying so; every request has a timeout. Both figures come from `/proc`, so they are
//! Linux-only; elsewhere the demo says which one it could not read.
//!
//! Run: `cargo run --release -p async-io -- c10k --tasks 10000 --latency-ms 1000` (the tour
//! runs a smaller size at a shorter latency)
//!
//! Look for, in a release build: `x latency`, wall time over one round trip, within 1.5x for
//! the hyper row and a little more for reqwest's (a debug build spends much of it in the
//! unoptimised HTTP stack; the line under the table says so); `KiB/request`, the memory each
//! request cost: the tasks rows need the least, hyper less than reqwest, the trimmed threads two
//! to four times reqwest's, and threads with default stack and buffer sizes several times more.

mod limits;
mod process;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::server::{Faults, RemoteServer, Server};
use common::{CommonArgs, Row, Table, say};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{CONNECTION, HOST};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::task::JoinSet;

pub use limits::{open_file_limit, peak_memory_kib, thread_limit};
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

/// Stack size of each request thread: the default 2 MiB is address space, not memory, but
/// smaller stacks let more threads start.
const THREAD_STACK: usize = 256 << 10;
/// ureq's buffers in the shrunk variant (a flag is a few KiB; the default is 128 KiB each way).
const BUFFER: usize = 16 << 10;
/// Descriptors kept free for everything else a process holds open.
const SPARE_FDS: u64 = 200;
/// The thread-per-request row never runs more threads than this.
const MAX_THREADS: usize = 10_000;

/// The row with default thread stacks and ureq buffers never runs more threads than this.
const MAX_DEFAULT_THREADS: usize = 2_000;

/// Which HTTP client the tasks use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    /// reqwest: a connection pool, redirects and a URL parser on top of hyper.
    Reqwest,
    /// hyper's own client: one connection, one request, nothing else.
    Hyper,
}

/// Every request a task, all spawned at once on a multi-threaded runtime.
#[tokio::main]
pub(crate) async fn tasks(
    urls: Vec<String>,
    timeout: Duration,
    client: Client,
) -> anyhow::Result<(Vec<&'static str>, Duration)> {
    let reqwest = reqwest::Client::builder().no_proxy().build()?;
    let watch = Instant::now();
    let mut set = JoinSet::new();
    for url in urls {
        let reqwest = reqwest.clone();
        set.spawn(async move {
            let fetched = match client {
                Client::Reqwest => tokio::time::timeout(timeout, get_reqwest(&reqwest, &url)).await,
                Client::Hyper => tokio::time::timeout(timeout, get_hyper(&url)).await,
            };
            match fetched {
                Ok(Ok(())) => "ok",
                Ok(Err(_)) => "failed",
                Err(_elapsed) => "timed_out",
            }
        });
    }
    let ends = set.join_all().await;
    Ok((ends, watch.elapsed()))
}

// Every request asks the server to close the connection once it has answered. Whichever side
// closes first keeps the port pair in TIME_WAIT for a minute; left on the client, 10,000 of
// them make the next run's connects search a crowded port range.

async fn get_reqwest(client: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let answer = client.get(url).header(CONNECTION, "close").send().await?;
    answer.error_for_status()?.bytes().await?;
    Ok(())
}

async fn get_hyper(url: &str) -> anyhow::Result<()> {
    let uri: Uri = url.parse()?;
    let host = uri.authority().context("a URL without a host")?.as_str();
    let tcp = tokio::net::TcpStream::connect(host).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(tcp)).await?;
    // The connection is a future of its own that moves the bytes: it runs as a task beside us.
    tokio::spawn(connection);
    let request = Request::get(uri.path())
        .header(HOST, host)
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())?;
    let answer = sender.send_request(request).await?;
    anyhow::ensure!(answer.status().is_success(), "HTTP {}", answer.status());
    answer.into_body().collect().await?;
    Ok(())
}

/// Every request a thread; if the system refuses a thread, the rest are skipped, not crashed.
pub(crate) fn threads(
    urls: Vec<String>,
    timeout: Duration,
    shrunk: bool,
) -> (Vec<&'static str>, Duration) {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None);
    if shrunk {
        config = config.input_buffer_size(BUFFER).output_buffer_size(BUFFER);
    }
    let agent: ureq::Agent = config.build().into();
    let watch = Instant::now();
    let (n, mut handles, mut ends) = (urls.len(), Vec::new(), Vec::new());
    for (i, url) in urls.into_iter().enumerate() {
        let agent = agent.clone();
        let mut builder = std::thread::Builder::new();
        if shrunk {
            builder = builder.stack_size(THREAD_STACK);
        }
        let spawned = builder.spawn(move || {
            let answer = agent.get(&url).header("connection", "close").call();
            match answer.and_then(|mut a| a.body_mut().read_to_vec()) {
                Ok(_) => "ok",
                Err(ureq::Error::Timeout(_)) => "timed_out",
                Err(_) => "failed",
            }
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                eprintln!(
                    "could not start thread {} of {n} ({e}); skipping the rest",
                    i + 1
                );
                ends.resize(n - i, "skipped");
                break;
            }
        }
    }
    ends.extend(handles.into_iter().map(|h| h.join().unwrap_or("failed")));
    (ends, watch.elapsed())
}

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
                .extra("x latency", x_latency),
        );
        if is_tasks {
            task_rows.push((label, m, x_latency));
        }
    }
    table.print();
    if !cfg!(target_os = "linux") {
        say!("peak memory is read from /proc/self/status, which only Linux has: shown as n/a");
    }

    for (label, _, x_latency) in &task_rows {
        say!("{label}: {n} requests in {x_latency:.2}x the latency (aim: within 1.5x)");
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
