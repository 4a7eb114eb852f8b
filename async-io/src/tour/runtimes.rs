//! The runtimes tour: the same downloads and CPU jobs on each runtime, a ticker beside the jobs;
//! with `--python`, the twin's rows (`python/runtimes.py`: one event loop, then its CPU jobs on
//! the loop, `asyncio.to_thread`, one thread and processes) in the same two tables.

use std::collections::HashSet;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use common::python::PREFIX;
use common::server::{Faults, Server};
use common::timing::fmt_duration;
use common::{CommonArgs, Outcomes, Row, Table, say};
use tokio::sync::oneshot;
use tokio::time::MissedTickBehavior;

use crate::lessons::cpu_jobs::{count_primes, cpu_as_tasks, cpu_on_blocking_pool};
use crate::lessons::runtimes::{current_thread, download_all, multi_thread};

/// The first number the CPU jobs test: large enough that each test takes a while.
const FIRST: u64 = 1_000_000_000;

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

fn distinct(ids: impl IntoIterator<Item = Option<ThreadId>>) -> usize {
    ids.into_iter().flatten().collect::<HashSet<_>>().len()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let cores = common::report::cores();
    let wanted = args.count_or(1_000, 200);
    // Each download holds two descriptors in this process: the client's and the embedded server's.
    let n = match crate::tour::c10k::open_file_limit() {
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
    let per_job = common::timing::calibrate(job_time, |n| {
        count_primes(FIRST, n);
    });
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

    // With --python: the twin's one event loop on the same downloads, then its CPU jobs (on the
    // loop, asyncio.to_thread, one thread, processes) beside a ticker; its rows join each table.
    let extra = common::python::sizes(args, Some(n), None);
    let dir = env!("CARGO_MANIFEST_DIR");
    let twin = common::python::twin_rows_on(args, &server, dir, "runtimes.py", &extra);
    let (py_io, py_cpu): (Vec<Row>, Vec<Row>) = twin
        .map(|(rows, _)| rows)
        .unwrap_or_default()
        .into_iter()
        .partition(|r| r.variant.starts_with("Python: downloads"));
    for row in py_io {
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
    for row in py_cpu {
        cpu.push(row);
    }
    cpu.print();
    anyhow::ensure!(
        primes.windows(2).all(|w| w[0] == w[1]),
        "prime counts differ: {primes:?}"
    );
    let rust = |rows: &[Row]| -> Vec<Row> {
        let rust = rows.iter().filter(|r| !r.variant.starts_with(PREFIX));
        rust.cloned().collect()
    };
    for line in reading(&rust(io.rows()), &rust(cpu.rows())) {
        say!("{line}");
    }
    if let Some(line) = against_python(io.rows(), cpu.rows()) {
        say!("{line}");
    }
    Ok(())
}

/// The line under the tables when the twin's rows are there: what one event loop did with the
/// downloads, and how long the ticker waited beside each way of running the CPU jobs.
fn against_python(io: &[Row], cpu: &[Row]) -> Option<String> {
    let find = |rows: &[Row], start: &str, end: &str| {
        let start = format!("{PREFIX}{start}");
        let found = rows
            .iter()
            .find(|r| r.variant.starts_with(&start) && r.variant.ends_with(end));
        found.cloned()
    };
    let gap = |start: &str, end: &str| -> Option<String> {
        let row = find(cpu, start, end)?;
        let value = row.extra.get("ticker's longest gap")?;
        Some(
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string),
        )
    };
    let downloads = find(io, "downloads", "")?;
    let x = downloads.extra.get("x latency").and_then(|v| v.as_f64())?;
    let pool = find(cpu, "CPU jobs: asyncio.to_thread", "")?
        .workers
        .unwrap_or(0);
    Some(format!(
        "CPython: one event loop kept {} downloads in flight ({x:.1}x the latency). Beside its CPU \
         jobs the ticker waited {} with the jobs as coroutines on the loop, and {} with \
         asyncio.to_thread, which takes them off the loop but not off the GIL: its {pool} threads \
         and the loop take turns on it; {} with one thread beside the loop, {} with processes.",
        downloads.max_in_flight.unwrap_or(0),
        gap("CPU jobs: a coroutine on the loop", "")?,
        gap("CPU jobs: asyncio.to_thread", "")?,
        gap("CPU jobs: run_in_executor, 1 thread", "")?,
        gap("CPU jobs: run_in_executor", "processes")?,
    ))
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
