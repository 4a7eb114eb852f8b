//! The web tour: each server in a child process, the fake server in another, and the load
//! generator here, so no figure mixes with another; the run is sized to the open-file limit as
//! c10k's is. `--serve KIND` runs one server alone; `--load URL` only loads a URL.
//!
//! Run: `cargo run --release -p async-io -- web --connections 1000 --duration 5` (the tour runs
//! 200 connections for 1.5 s). Alone: `web --serve async --port 8080` (KIND: blocking, async,
//! async-blocking-call, async-spawn-blocking), then `curl localhost:8080/api/flags/br`, or
//! `web --load http://127.0.0.1:8080/api/flags/br --connections 100 --duration 5 [--json]`.
//!
//! Look for: items/s (successful answers per second) and its fraction of the row's ideal;
//! blocking at its ceiling of workers / two latencies while most of its requests wait and are cut
//! (t/o); async near connections / one latency at 200 connections, with p99 close to the latency
//! (at 1,000 the 2 cores become the limit: about two thirds of it in release); the blocking call
//! inside `async fn` down to runtime threads / two latencies; `spawn_blocking` back up to its
//! pool's size; and `max in flight`, the fake server's peak: at most the workers for blocking.
//!
//! With `--python`, each connection count also gets two Python servers, measured the same way
//! (a process of their own, the same warm-up and load, the fake server's peak):
//! `python/flags_sync.py` (http.server on a pool of `--workers` threads, urllib, the two calls
//! one after the other, like Flask under a sync WSGI server) and `python/flags_aiohttp.py`
//! (aiohttp.web, one ClientSession, both calls gathered); a line under the table sets Rust
//! async against aiohttp.web and the two sync servers against their common ceiling. They need
//! an interpreter that imports aiohttp; without one, one line on stderr and the Rust rows alone.

pub mod load;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use common::server::{Faults, RemoteServer, Server};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::web_async::{self, App, Handler};
use crate::lessons::web_blocking;
use crate::tour::c10k::{ServerProcess, open_file_limit};
use load::LoadReport;

/// The four servers of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// std::net, a fixed pool of threads, ureq upstream
    Blocking,
    /// axum, a shared reqwest client, both upstream calls at once
    Async,
    /// axum with the blocking ureq call inside the handler (the pitfall)
    AsyncBlockingCall,
    /// axum with the blocking call moved into spawn_blocking
    AsyncSpawnBlocking,
}

/// The `web` demo's own options.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// web: run one server (blocking, async, async-blocking-call, async-spawn-blocking) until Ctrl-C
    #[arg(long, value_name = "KIND")]
    pub serve: Option<Kind>,

    /// web --serve: the port to listen on (0 picks a free one)
    #[arg(long, value_name = "P", default_value_t = 8080)]
    pub port: u16,

    /// web: only load this URL (e.g. http://127.0.0.1:8080/api/flags/br) and report
    #[arg(long, value_name = "URL")]
    pub load: Option<String>,

    /// web: clients sending requests back to back, a comma-separated list for several rows
    /// [default: 1000 alone, 200 in the tour]
    #[arg(long, value_name = "N", value_delimiter = ',', value_parser = common::cli::at_least_one)]
    pub connections: Vec<usize>,

    /// web: seconds each load runs [default: 5 alone, 1.5 in the tour]
    #[arg(long, value_name = "S", value_parser = seconds)]
    pub duration: Option<f64>,

    /// web: bound on every upstream call, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub upstream_timeout_ms: u64,

    /// (internal) stop when stdin closes: how a parent process stops its child server
    #[arg(long, hide = true)]
    pub parent_pipe: bool,
}

/// A positive, finite number of seconds.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x < 1e6 => Ok(x),
        Ok(_) => Err("must be a positive number of seconds".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Descriptors kept free for everything else a process holds open.
const SPARE_FDS: u64 = 200;
/// The blocking server's read deadline, and tokio's blocking pool (its default).
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const BLOCKING_POOL: usize = 512;
/// The async server's listen backlog (Linux caps it at `net.core.somaxconn`, 4096 by default).
const BACKLOG: u32 = 4096;

/// `web --serve KIND` (and `web-child`, its quiet form for a parent process): binds
/// 127.0.0.1:`port`, prints the URL as the first line on stdout, and serves.
pub fn serve(args: &CommonArgs, web: &WebArgs, kind: Kind) -> anyhow::Result<()> {
    let (owned_args, owned_web) = (args.clone(), web.clone());
    if !web.parent_pipe {
        return serve_forever(owned_args, owned_web, kind);
    }
    // Under a parent process: serve on a thread of its own until the parent closes our stdin
    // (or the server fails), then return, and main's exit code ends the server's threads.
    let (ended, end) = std::sync::mpsc::channel();
    let server_ended = ended.clone();
    std::thread::spawn(move || {
        let _ = server_ended.send(serve_forever(owned_args, owned_web, kind));
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = ended.send(Ok(()));
    });
    end.recv().unwrap_or(Ok(()))
}

/// The server itself: returns only if it fails.
fn serve_forever(args: CommonArgs, web: WebArgs, kind: Kind) -> anyhow::Result<()> {
    let args = &args;
    let embedded;
    let upstream = match &args.server {
        Some(url) => RemoteServer::connect(url)?.url().to_string(),
        None => {
            embedded = Server::start(args, Faults::from_args(args, 100, 20))?;
            embedded.url().to_string()
        }
    };
    let upstream_timeout = Duration::from_millis(web.upstream_timeout_ms);
    let workers = args.workers_or(8);
    let (upstream_url, quiet) = (upstream.clone(), web.parent_pipe);
    let announce = move |url: String| {
        println!("{url}");
        if !quiet {
            let kind = kind.to_possible_value().map(|v| v.get_name().to_string());
            let kind = kind.unwrap_or_default();
            eprintln!(
                "{kind} server at {url}/api/flags/br (upstream {upstream_url}); Ctrl-C stops it"
            );
        }
    };
    if kind == Kind::Blocking {
        let listener = std::net::TcpListener::bind(("127.0.0.1", web.port))
            .with_context(|| format!("cannot listen on port {}", web.port))?;
        announce(format!("http://{}", listener.local_addr()?));
        let options = web_blocking::Options {
            upstream,
            workers,
            read_timeout: READ_TIMEOUT,
            upstream_timeout,
        };
        return Ok(web_blocking::serve(listener, options)?);
    }
    let handler = match kind {
        Kind::AsyncBlockingCall => Handler::BlockingCall,
        Kind::AsyncSpawnBlocking => Handler::SpawnBlocking,
        _ => Handler::Async,
    };
    let app = App {
        client: reqwest::Client::builder()
            .no_proxy()
            .timeout(upstream_timeout)
            .build()?,
        agent: ureq::Agent::config_builder()
            .timeout_global(Some(upstream_timeout))
            .proxy(None)
            .build()
            .into(),
        upstream,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        // `TcpListener::bind` asks for a listen backlog of 1,024: a burst of 1,000 connects on
        // a busy machine overflows it, and each dropped SYN costs its client a 1 s retry.
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket
            .bind((std::net::Ipv4Addr::LOCALHOST, web.port).into())
            .with_context(|| format!("cannot listen on port {}", web.port))?;
        let listener = socket.listen(BACKLOG)?;
        announce(format!("http://{}", listener.local_addr()?));
        axum::serve(listener, web_async::router(app, handler)).await?;
        Ok(())
    })
}

/// A load run as a table row: items are the requests sent, wall the duration, and the rate
/// (items/s, `items_per_s` and `extra.requests_per_s` in JSON) the successful answers per second.
/// Error answers and connection failures are `err`, the requests unanswered at the deadline
/// `t/o` (`extra.unanswered` in JSON). The percentiles count every request sent: one that falls
/// among the unanswered reads `>= ` its age at the deadline in the table, and in JSON stays a
/// number with `extra.pNN_at_least: true`. `breakdown` adds the errors by kind (status_4xx,
/// status_5xx, connection_errors).
pub fn load_row(label: &str, report: &LoadReport, breakdown: bool) -> Row {
    let outcomes = Outcomes {
        ok: report.ok,
        errors: Some(report.status_4xx + report.status_5xx + report.connection_errors),
        timed_out: Some(report.unanswered()),
        ..Outcomes::default()
    };
    let mut row = Row::new(label, report.sent as usize, report.duration)
        .outcomes(outcomes)
        .rate(report.requests_per_s());
    let json = common::cli::json_mode();
    if json {
        row = row
            .extra("requests_per_s", report.requests_per_s())
            .extra("unanswered", report.unanswered());
    }
    for (key, p) in [("p50_ms", 50.0), ("p90_ms", 90.0), ("p99_ms", 99.0)] {
        // Nothing sent, no percentiles: `null` in JSON, `-` in the table.
        let got = report.percentile(p);
        row = match got {
            Some(p) if json => row
                .extra(key, p.ms())
                .extra(&key.replace("_ms", "_at_least"), p.at_least),
            Some(p) if p.at_least => row.extra(key, p.to_string()),
            Some(p) => row.extra(key, p.ms()),
            None => row.extra(key, serde_json::Value::Null),
        };
    }
    if !breakdown {
        return row;
    }
    row.extra("status_4xx", report.status_4xx)
        .extra("status_5xx", report.status_5xx)
        .extra("connection_errors", report.connection_errors)
}

fn load_blocking(url: &str, connections: usize, duration: Duration) -> anyhow::Result<LoadReport> {
    tokio::runtime::Runtime::new()?.block_on(load::load(url, connections, duration))
}

/// `web --load URL`: one row per connection count.
fn load_alone(
    args: &CommonArgs,
    url: &str,
    counts: &[usize],
    duration: Duration,
) -> anyhow::Result<()> {
    let mut table = Table::new("web", args).different_work();
    let mut answered = 0;
    // This process holds one descriptor per connection.
    let fits = open_file_limit().map(|limit| limit.saturating_sub(SPARE_FDS).max(1) as usize);
    for &n in counts {
        let n = match fits {
            Some(fits) if n > fits => {
                say!(
                    "the open-file limit allows {fits} connections here, not {n} (raise it with `ulimit -n`)"
                );
                fits
            }
            _ => n,
        };
        say!(
            "loading {url} with {n} connections for {:.1} s",
            duration.as_secs_f64()
        );
        let report = load_blocking(url, n, duration)?;
        answered += report.ok + report.status_4xx + report.status_5xx;
        table.push(load_row(&format!("{n} connections"), &report, true));
    }
    table.print();
    anyhow::ensure!(answered > 0, "nothing at {url} answered");
    Ok(())
}

/// The demo: every server at every connection count, against one fake server.
pub fn run(args: &CommonArgs, web: &WebArgs, exe: &Path, in_tour: bool) -> anyhow::Result<()> {
    let duration = Duration::from_secs_f64(
        web.duration
            .unwrap_or(args.pick(if in_tour { 1.5 } else { 5.0 }, 0.25)),
    );
    let mut counts = web.connections.clone();
    if counts.is_empty() {
        counts.push(args.pick(if in_tour { 200 } else { 1000 }, 20));
    }
    if let Some(kind) = web.serve {
        return serve(args, web, kind);
    }
    if let Some(url) = &web.load {
        return load_alone(args, url, &counts, duration);
    }
    let latency = args.latency_or(100, 20);
    let workers = args.workers_or(8);
    if in_tour && web.connections.is_empty() {
        say!(
            "the tour runs {} connections for {:.1} s; the full run:",
            counts[0],
            duration.as_secs_f64()
        );
        say!("  cargo run --release -p async-io -- web --connections 1000 --duration 5");
    }

    // A server at N connections holds N client sockets and up to 2N upstream ones.
    if let Some(limit) = open_file_limit() {
        let fits = (limit.saturating_sub(SPARE_FDS) / 3).max(1) as usize;
        for n in counts.iter_mut().filter(|n| **n > fits) {
            say!(
                "the open-file limit is {limit}: {fits} connections instead of {n} (raise it with `ulimit -n`)"
            );
            *n = fits;
        }
    }

    let fake = ServerProcess::start(exe)?;
    let upstream = RemoteServer::connect(&fake.url)?;
    upstream.set_faults(&Faults {
        latency_ms: latency.as_millis() as u64,
        ..Faults::from_args(args, 0, 0)
    })?;
    let lat_s = latency.as_secs_f64().max(1e-3);
    let threads = common::report::cores();
    say!(
        "upstream latency {} ms per call; the blocking server has {workers} workers, the async one {threads} runtime threads",
        latency.as_millis()
    );

    let warm_up = (duration / 5).min(Duration::from_secs(1));
    say!(
        "each server first warms up for {} ms with as many clients as it serves at once (not counted)",
        warm_up.as_millis()
    );
    let measured = Measure {
        upstream: &upstream,
        warm_up,
        duration,
        idle_limit: 2 * Duration::from_millis(web.upstream_timeout_ms) + Duration::from_secs(2),
    };
    let mut table = Table::new("web", args).different_work().bar_on("of ideal");
    let mut python = python_servers(args);
    let mut summary = Vec::new();
    for &n in &counts {
        let mut rates = Vec::new();
        // Each row: its pool as the table shows it, how many requests it serves at once, and
        // how many upstream latencies each request waits (two when the calls go one by one).
        for (kind, label, pool, at_once, latencies) in [
            (
                Kind::Blocking,
                "blocking (std::net + ureq)",
                workers,
                workers,
                2.0,
            ),
            (Kind::Async, "async (axum + reqwest)", threads, n, 1.0),
            (
                Kind::AsyncBlockingCall,
                "async, blocking call inside",
                threads,
                threads,
                2.0,
            ),
            (
                Kind::AsyncSpawnBlocking,
                "async, in spawn_blocking",
                BLOCKING_POOL,
                BLOCKING_POOL,
                2.0,
            ),
        ] {
            let at_once = at_once.min(n);
            let ideal = at_once as f64 / (latencies * lat_s);
            let name = kind.to_possible_value().context("a kind without a name")?;
            let command: Vec<String> = [
                "web-child",
                "--serve",
                name.get_name(),
                "--port",
                "0",
                "--parent-pipe",
                "--server",
                &fake.url,
                "--workers",
                &workers.to_string(),
                "--upstream-timeout-ms",
                &web.upstream_timeout_ms.to_string(),
            ]
            .map(String::from)
            .into();
            let (report, peak) = measure(&measured, exe, &command, at_once, n)?;
            let rate = report.requests_per_s();
            table.push(
                load_row(&format!("{label}, {n} conn"), &report, false)
                    .workers(pool)
                    .max_in_flight(peak)
                    .extra("of ideal", rate / ideal),
            );
            rates.push((kind, rate, ideal, report));
        }

        // The Python servers, measured the same way, their rows after the Rust rows of this
        // count: the sync one serves `workers` requests at once and calls upstream one call
        // after the other (two latencies); aiohttp.web serves every connection at once and
        // gathers both calls (one latency). Its event loop is one thread.
        let (mut twins, mut failed) = (Vec::new(), false);
        if let Some(py) = &python {
            let sync = format!("sync, {workers} threads (http.server + urllib)");
            for (twin, label, script, pool, at_once, latencies) in [
                (Twin::Sync, sync, "flags_sync.py", workers, workers, 2.0),
                (
                    Twin::Aiohttp,
                    "aiohttp.web".into(),
                    "flags_aiohttp.py",
                    1,
                    n,
                    1.0,
                ),
            ] {
                let at_once = at_once.min(n);
                let ideal = at_once as f64 / (latencies * lat_s);
                let mut command = vec![
                    py.dir.join(script).to_string_lossy().into_owned(),
                    "--port".into(),
                    "0".into(),
                    "--parent-pipe".into(),
                    "--server".into(),
                    fake.url.clone(),
                    "--upstream-timeout-ms".into(),
                    web.upstream_timeout_ms.to_string(),
                ];
                if twin == Twin::Sync {
                    command.extend(["--workers".into(), workers.to_string()]);
                }
                match measure(&measured, &py.interpreter, &command, at_once, n) {
                    Ok((report, peak)) => {
                        let rate = report.requests_per_s();
                        let label = format!("{}{label}, {n} conn", common::python::PREFIX);
                        table.push(
                            load_row(&label, &report, false)
                                .workers(pool)
                                .max_in_flight(peak)
                                .extra("of ideal", rate / ideal),
                        );
                        twins.push((twin, rate, ideal));
                    }
                    Err(e) => {
                        // As a twin that fails: one line, and from here the Rust rows go on
                        // alone.
                        let why = format!(
                            "{} at {n} connections: {e:#}",
                            py.dir.join(script).display()
                        );
                        common::python::Unavailable::Failed(why).warn();
                        failed = true;
                        break;
                    }
                }
            }
            if failed {
                python = None;
            }
        }
        summary.push((n, rates, twins));
    }
    table.print();
    say!(
        "items: requests sent, each answered (ok, or err for an error status), failed to connect (err), or unanswered"
    );
    say!(
        "at the deadline (t/o: one per connection still waiting); items/s counts the ok answers alone (requests_per_s)"
    );
    say!(
        "p50/p90/p99: of every request sent; `>= X` where the rank falls among the unanswered, X the age it had reached"
    );
    say!("max in flight: the fake server's peak of upstream calls at once");
    say!(
        "ideal: requests served at once / the upstream wait (two latencies when the calls go one after the other)"
    );
    // The issue's goals are for 1,000 connections at 100 ms; other sizes print the figures alone.
    let goals = latency == Duration::from_millis(100);
    for (n, rates, twins) in &summary {
        let find = |k: Kind| rates.iter().find(|r| r.0 == k);
        let (Some(b), Some(a)) = (find(Kind::Blocking), find(Kind::Async)) else {
            continue;
        };
        let aim = |text: &'static str| if goals && *n == 1000 { text } else { "" };
        let errors = a.3.status_4xx + a.3.status_5xx + a.3.connection_errors;
        let p99 = a.3.percentile(99.0).map_or("-".to_string(), |p| {
            let at_least = if p.at_least { ">= " } else { "" };
            format!("{at_least}{:.1}x", p.latency.as_secs_f64() / lat_s)
        });
        say!(
            "{n} connections, async: {:.0}/s = {:.2} of the ideal {:.0}/s{}, p99 {p99} the latency{}, {errors} errors{}, {:.1}x blocking{}",
            a.1,
            a.1 / a.2,
            a.2,
            aim(" (aim >= 0.5)"),
            aim(" (aim <= 3x)"),
            aim(" (aim 0)"),
            a.1 / b.1.max(1e-9),
            aim(" (aim >= 25x)"),
        );
        say!(
            "{n} connections, blocking: {:.1}/s against its ceiling of {:.1}/s ({:+.0}%{}); p50 {} ms, most of it waiting for a worker",
            b.1,
            b.2,
            (b.1 / b.2 - 1.0) * 100.0,
            aim(", aim within 10%"),
            b.3.percentile(50.0)
                .map_or("-".to_string(), |p| format!("{p:.0}"))
        );
        let twin = |t: Twin| twins.iter().find(|r| r.0 == t);
        if let (Some(s), Some(p)) = (twin(Twin::Sync), twin(Twin::Aiohttp)) {
            // Both sync servers have the same ceiling: `workers` at once, two latencies each.
            let at = |rate: f64| (rate / b.2 - 1.0).abs() <= 0.1;
            let ceiling = if at(b.1) && at(s.1) {
                "both at their ceiling of"
            } else {
                "against their ceiling of"
            };
            say!(
                "{n} connections: Rust async {}/s, aiohttp.web {}/s ({:.1}x); the sync servers {}/s (Rust) and {}/s (Python), {ceiling} {}/s",
                per_s(a.1),
                per_s(p.1),
                a.1 / p.1.max(1e-9),
                per_s(b.1),
                per_s(s.1),
                per_s(b.2),
            );
        }
    }
    if cfg!(debug_assertions) {
        say!(
            "(a debug build: the unoptimised HTTP stack costs the async rows most; measure with --release)"
        );
    }
    Ok(())
}

/// The Python servers of the table (`python/flags_sync.py`, `python/flags_aiohttp.py`) and
/// the interpreter that runs them.
struct PythonServers {
    interpreter: PathBuf,
    dir: PathBuf,
}

/// Which Python server a row measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twin {
    Sync,
    Aiohttp,
}

/// Under `--python`, an interpreter that imports aiohttp; else none, after one line on stderr
/// when `--python` asked for it (the Rust rows then run alone). Without `--python`, silent.
fn python_servers(args: &CommonArgs) -> Option<PythonServers> {
    if !args.python {
        return None;
    }
    let interpreter = common::python::find_interpreter(&["aiohttp".into()])
        .inspect_err(common::python::Unavailable::warn)
        .ok()?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
    Some(PythonServers { interpreter, dir })
}

/// How every server of the table is measured: the same warm-up, the same wait for the fake
/// server to be idle, the same load.
struct Measure<'a> {
    upstream: &'a RemoteServer,
    warm_up: Duration,
    duration: Duration,
    /// How long to wait for the fake server to be idle after the warm-up.
    idle_limit: Duration,
}

/// One row's load: `program args` (a server that prints its URL first on stdout and stops when
/// its stdin closes) in a process of its own; a warm-up with `at_once` clients, not counted, so
/// its upstream connections are open, as a running service's are; the fake server idle, its
/// stats reset; then `n` connections for the run's duration. The report, and the fake server's
/// peak of upstream calls in flight during it.
fn measure(
    how: &Measure,
    program: &Path,
    args: &[String],
    at_once: usize,
    n: usize,
) -> anyhow::Result<(LoadReport, u64)> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = ServerProcess::spawn(program, &args)?;
    let url = format!("{}/api/flags/br", server.url);
    load_blocking(&url, at_once, how.warm_up)?;
    // The requests the warm-up cut at its deadline may still be running in the server (a
    // blocking worker or a spawn_blocking closure cannot be cancelled): wait until the fake
    // server has nothing in flight before the measured run starts.
    if !wait_idle(how.upstream, how.idle_limit)? {
        say!(
            "  (the fake server was still busy {} ms after the warm-up)",
            how.idle_limit.as_millis()
        );
    }
    how.upstream.reset_stats()?;
    let report = load_blocking(&url, n, how.duration)?;
    drop(server);
    Ok((report, how.upstream.stats()?.max_in_flight))
}

/// A rate as the summary prints it: whole numbers from 100/s up (and for a whole number, such
/// as a ceiling of 40/s), one decimal below.
fn per_s(rate: f64) -> String {
    if rate >= 100.0 || (rate - rate.round()).abs() < 1e-9 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

/// Waits until the fake server has had nothing in flight, and received nothing new, for two
/// polls in a row (one poll could fall between a request's two upstream calls). False if it
/// was still busy after `limit`.
fn wait_idle(upstream: &RemoteServer, limit: Duration) -> anyhow::Result<bool> {
    let deadline = std::time::Instant::now() + limit;
    let mut last = None;
    loop {
        let stats = upstream.stats()?;
        let now = (stats.in_flight, stats.requests);
        if stats.in_flight == 0 && last == Some(now) {
            return Ok(true);
        }
        if std::time::Instant::now() >= deadline {
            return Ok(false);
        }
        last = Some(now);
        std::thread::sleep(Duration::from_millis(50));
    }
}
