//! # Runtimes: asyncio is one thread, tokio's default is not
//!
//! Python: `asyncio.run(main())` runs every coroutine on one thread, the event loop's. A
//! thousand downloads overlap there, because each one spends its time waiting; CPU work does
//! not, and a coroutine that computes holds up every other one until it awaits. The talks' answer
//! is `await loop.run_in_executor(pool, cpu_job)`.
//!
//! Tokio has both models, built here with `runtime::Builder`. `new_current_thread()` (what
//! `#[tokio::main(flavor = "current_thread")]` builds) is asyncio's: every task runs on the one
//! thread that calls `block_on`. `new_multi_thread()` (what a bare `#[tokio::main]` builds) runs
//! tasks on one worker thread per core, and a task may move to another worker at any `.await`.
//! Both get the same work: the same downloads, where threads add nothing because waiting needs
//! no thread; and CPU jobs spawned as tasks, which run one after another on current_thread and
//! in parallel on the multi-thread runtime, but with every worker busy computing, nothing else on
//! that runtime runs. `spawn_blocking` is tokio's `run_in_executor`: it runs the jobs on a pool of
//! threads beside the runtime, which keeps serving its tasks. A ticker task on the same runtime
//! shows it: its longest gap between two ticks. For CPU work that is itself parallel, a rayon
//! pool bridged to async with a oneshot channel is the better home:
//! `thumbnail-maker/src/async_tokio.rs` shows it.
//!
//! Why `tokio::spawn` wants `Send + 'static`: the task runs on its own, possibly after the
//! caller's stack frame is gone, so it may not borrow from it (`'static`); and on a multi-thread
//! runtime it may resume on another thread after any `.await`, so whatever it holds across an
//! `.await` must be `Send`. The signature is the same on either runtime, so this `Rc` is refused:
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! runtime.block_on(async {
//!     let shared = Rc::new(41);
//!     let task = tokio::spawn(async move {
//!         tokio::task::yield_now().await; // `shared` is alive across this .await
//!         *shared + 1
//!     });
//!     assert_eq!(task.await.unwrap(), 42);
//! });
//! ```
//!
//! A `LocalSet` keeps its tasks on the thread that drives it, so `spawn_local` drops the `Send`
//! bound (it still wants `'static`: to borrow, `.await` or `join!` the futures in place instead
//! of spawning them):
//!
//! ```
//! use std::rc::Rc;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let local = tokio::task::LocalSet::new();
//! let answer = local.block_on(&runtime, async {
//!     let shared = Rc::new(41);
//!     let task = tokio::task::spawn_local(async move {
//!         tokio::task::yield_now().await;
//!         *shared + 1
//!     });
//!     task.await.unwrap()
//! });
//! assert_eq!(answer, 42);
//! ```
//!
//! Run: `cargo run -p async-io -- runtimes` (`--count N` downloads, at most what the open-file
//! limit allows; `--latency-ms MS`)
//!
//! Look for: all or nearly all downloads in flight at once on both runtimes (the tests prove
//! "all" with the server's rendezvous), on 1 thread for current_thread, both taking about one
//! latency in a release build (a debug build adds the time of its unoptimised HTTP stack); the
//! CPU tasks taking the whole batch's time on current_thread, about `cores` times less on the
//! multi-thread runtime, with the ticker's longest gap as long as a job or more in both;
//! `spawn_blocking` as fast, its ticker keeping its beat.

use std::collections::HashSet;
use std::sync::Arc;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::server::{Faults, Server};
use common::timing::fmt_duration;
use common::{CommonArgs, Outcomes, Row, Table, say};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::oneshot;
use tokio::time::MissedTickBehavior;

/// asyncio's model: one thread, the one that calls `block_on`, runs every task.
pub fn current_thread() -> std::io::Result<Runtime> {
    Builder::new_current_thread().enable_all().build()
}

/// `#[tokio::main]`'s model: `workers` threads share the tasks, stealing from each other.
pub fn multi_thread(workers: usize) -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
}

/// Downloads every URL, one task each, and returns in URL order each body's size (or why it
/// failed) with the thread that finished the task.
pub async fn download_all(
    client: &reqwest::Client,
    urls: &[String],
) -> Vec<(anyhow::Result<usize>, Option<ThreadId>)> {
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let got = async {
                    let answer = client.get(&url).send().await?.error_for_status()?;
                    anyhow::Ok(answer.bytes().await?.len())
                };
                (got.await, thread::current().id())
            })
        })
        .collect();
    let mut ends = Vec::new();
    for handle in handles {
        ends.push(match handle.await {
            Ok((got, id)) => (got, Some(id)),
            Err(e) => (Err(e.into()), None),
        });
    }
    ends
}

/// Runs `job(i)` for every `i` in `0..jobs` as a task on the runtime (`tokio::spawn`), returning
/// each result, in job order, with the thread that ran it. A job never awaits, so it keeps its
/// worker thread from every other task until it is done.
pub async fn cpu_as_tasks<T, F>(jobs: usize, job: F) -> anyhow::Result<Vec<(T, ThreadId)>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let handles: Vec<_> = (0..jobs)
        .map(|i| {
            let job = Arc::clone(&job);
            tokio::spawn(async move { (job(i), thread::current().id()) })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.context("a CPU task panicked")?);
    }
    Ok(results)
}

/// The same on tokio's blocking pool (`spawn_blocking`, tokio's `run_in_executor`): threads
/// beside the runtime's, so its own threads stay free for the tasks.
pub async fn cpu_on_blocking_pool<T, F>(jobs: usize, job: F) -> anyhow::Result<Vec<(T, ThreadId)>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let handles: Vec<_> = (0..jobs)
        .map(|i| {
            let job = Arc::clone(&job);
            tokio::task::spawn_blocking(move || (job(i), thread::current().id()))
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.context("a CPU job panicked")?);
    }
    Ok(results)
}

/// Ticks every `period` until `stop` fires; returns the longest gap between two ticks,
/// counted from `since` (taken before the ticker was spawned, so a late start counts too).
async fn ticker(period: Duration, since: Instant, mut stop: oneshot::Receiver<()>) -> Duration {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let (mut last, mut longest) = (since, Duration::ZERO);
    loop {
        tokio::select! {
            _ = &mut stop => return longest.max(last.elapsed()),
            _ = interval.tick() => {
                longest = longest.max(last.elapsed());
                last = Instant::now();
            }
        }
    }
}

/// Counts the primes among the `n` numbers from 10^9: one CPU job.
fn count_primes(start: u64, n: u64) -> u64 {
    (start..start + n)
        .filter(|&k| common::work::is_prime(k))
        .count() as u64
}

const FIRST: u64 = 1_000_000_000;

/// How many numbers one CPU job tests to take about `target` on this build and machine.
fn calibrate(target: Duration) -> u64 {
    let mut n = 256;
    loop {
        let watch = Instant::now();
        count_primes(FIRST, n);
        let took = watch.elapsed();
        if took >= target / 2 || n >= 1 << 32 {
            return ((n as f64 * target.as_secs_f64() / took.as_secs_f64().max(1e-6)) as u64)
                .max(1);
        }
        n *= 2;
    }
}

fn distinct(ids: impl IntoIterator<Item = Option<ThreadId>>) -> usize {
    ids.into_iter().flatten().collect::<HashSet<_>>().len()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let cores = common::report::cores();
    let wanted = args.count_or(1_000, 200);
    // Each download holds two descriptors in this process: the client's and the embedded server's.
    let n = match crate::c10k::open_file_limit() {
        Some(limit) if limit < 2 * wanted as u64 + 200 => {
            let fits = (limit.saturating_sub(200) / 2).max(1) as usize;
            say!(
                "the open-file limit is {limit}: {fits} downloads instead of {wanted} (raise it with `ulimit -n`)"
            );
            fits
        }
        _ => wanted,
    };
    let server = Server::start(args, Faults::from_args(args, 500, 50))?;
    let latency = Duration::from_millis(server.faults()?.latency_ms);
    let urls: Vec<String> = common::data::country_codes(n)
        .iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let (jobs, job_time) = (4 * cores, Duration::from_millis(args.pick(50, 25)));
    let per_job = calibrate(job_time);
    let period = Duration::from_millis(args.pick(10, 5));
    say!(
        "{n} downloads at {} ms latency; {jobs} CPU jobs of about {} ms each (calibrated now), \
         a ticker every {} ms beside them; {cores} cores",
        latency.as_millis(),
        job_time.as_millis(),
        period.as_millis()
    );
    let runtimes = [
        ("current_thread".to_string(), current_thread()?, 1),
        (
            format!("multi_thread ({cores} workers)"),
            multi_thread(cores)?,
            cores,
        ),
    ];

    let mut io = Table::new("runtimes", args);
    for (name, runtime, workers) in &runtimes {
        server.reset_stats()?;
        let (ends, wall) = runtime.block_on(async {
            let client = reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()?;
            let watch = Instant::now();
            let ends = download_all(&client, &urls).await;
            anyhow::Ok((ends, watch.elapsed()))
        })?;
        let ok = ends.iter().filter(|(got, _)| got.is_ok()).count() as u64;
        // Without --error-rate every download must succeed: say why the first one did not.
        if args.error_rate.unwrap_or(0.0) == 0.0
            && let Some((Err(e), _)) = ends.iter().find(|(got, _)| got.is_err())
        {
            anyhow::bail!(
                "{name}: {} of {n} downloads failed, the first: {e:#}",
                n as u64 - ok
            );
        }
        let threads = distinct(ends.iter().map(|(_, id)| *id));
        let outcomes = Outcomes {
            ok,
            errors: Some(n as u64 - ok),
            ..Outcomes::default()
        };
        let row = Row::new(format!("downloads: {name}"), n, wall)
            .workers(*workers)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes)
            .extra("threads used", threads as u64)
            .extra(
                "x latency",
                wall.as_secs_f64() / latency.as_secs_f64().max(1e-3),
            );
        io.push(row);
    }
    io.print();

    let mut cpu = Table::new("runtimes", args);
    let mut primes = Vec::new();
    for (name, runtime, workers) in &runtimes {
        for blocking in [false, true] {
            let job = move |i: usize| count_primes(FIRST + i as u64 * per_job, per_job);
            let (results, wall, gap) = runtime.block_on(async {
                let (stop, stopped) = oneshot::channel();
                let ticking = tokio::spawn(ticker(period, Instant::now(), stopped));
                let watch = Instant::now();
                let results = match blocking {
                    false => cpu_as_tasks(jobs, job).await?,
                    true => cpu_on_blocking_pool(jobs, job).await?,
                };
                let wall = watch.elapsed();
                let _ = stop.send(());
                anyhow::Ok((results, wall, ticking.await?))
            })?;
            primes.push(results.iter().map(|(p, _)| p).sum::<u64>());
            let how = if blocking {
                "spawn_blocking"
            } else {
                "tokio::spawn"
            };
            let row = Row::new(format!("CPU jobs: {name}, {how}"), jobs, wall)
                .workers(*workers)
                .extra(
                    "threads used",
                    distinct(results.iter().map(|(_, id)| Some(*id))) as u64,
                )
                .extra("ticker's longest gap", fmt_duration(gap));
            cpu.push(row);
        }
    }
    cpu.print();
    anyhow::ensure!(
        primes.windows(2).all(|w| w[0] == w[1]),
        "prime counts differ: {primes:?}"
    );
    for line in reading(io.rows(), cpu.rows()) {
        say!("{line}");
    }
    Ok(())
}

/// The narration under the tables: what the measured rows say, in numbers. The rows come in
/// the order `run` pushes them: downloads on each runtime; CPU jobs as tasks, then on the blocking
/// pool, on each runtime.
fn reading(io: &[Row], cpu: &[Row]) -> Vec<String> {
    let cell = |row: &Row, key: &str| match row.extra.get(key) {
        Some(v) => v.as_str().map_or_else(|| v.to_string(), str::to_string),
        None => "-".into(),
    };
    let x = |row: &Row| {
        row.extra
            .get("x latency")
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    let ([one, many], [tasks, blocking, mt_tasks, mt_blocking]) = (io, cpu) else {
        return Vec::new();
    };
    let speed = |row: &Row| tasks.wall.as_secs_f64() / row.wall.as_secs_f64().max(1e-9);
    let mut lines = vec![format!(
        "Reading: I/O needs no threads: one thread kept {} downloads in flight at once ({:.1}x the \
         latency), {} workers {} ({:.1}x).",
        one.max_in_flight.unwrap_or(0),
        x(one),
        cell(many, "threads used"),
        many.max_in_flight.unwrap_or(0),
        x(many)
    )];
    if x(one).max(x(many)) > 1.5 && cfg!(debug_assertions) {
        lines.push(
            "  (beyond one latency: the unoptimised HTTP stack of a debug build, or a busy machine; \
             try --release)"
                .into(),
        );
    }
    lines.push(format!(
        "CPU work needs cores: as tasks on one thread the jobs ran one after another and the ticker \
         waited {}; on {} workers they ran {:.1}x as fast, and the ticker still waited {}.",
        cell(tasks, "ticker's longest gap"),
        cell(mt_tasks, "threads used"),
        speed(mt_tasks),
        cell(mt_tasks, "ticker's longest gap"),
    ));
    lines.push(format!(
        "spawn_blocking kept the runtime free: {:.1}x and {:.1}x as fast, the ticker waiting at most {} \
         and {} (rayon too: thumbnail-maker/src/async_tokio.rs).",
        speed(blocking),
        speed(mt_blocking),
        cell(blocking, "ticker's longest gap"),
        cell(mt_blocking, "ticker's longest gap"),
    ));
    lines
}
