//! # Concurrency is not parallelism: the talks' first slide, measured
//!
//! Python: the talks open with two words. Concurrency is dealing with many things at once
//! (threads or asyncio interleaving downloads while each one waits); parallelism is doing many
//! things at once (several cores computing). CPython threads give the first: a thread releases
//! the GIL while it waits, so `[Thread(target=download, args=(cc,)) for cc in codes]` overlaps
//! the downloads. They do not give the second for Python code, because only the thread holding
//! the GIL runs it (free-threaded CPython, 3.13t, lifts that), hence `multiprocessing`.
//!
//! Rust has no GIL, so the only limit left is the hardware, and this demo shows it: the same N
//! jobs, I/O-bound (one download each) or CPU-bound (counting primes for about as long,
//! calibrated when the demo starts), run one after another, on N threads all confined to ONE
//! core (concurrency without parallelism: the OS time-slices them), and on N threads free to use
//! every core (parallelism). A thread confines itself with the `core_affinity` crate, a safe
//! wrapper of the OS call. The `cores used` column is the process's CPU time (every thread, the
//! in-process fake server's included) divided by the wall time, so "one core" is measured, not
//! assumed; it needs Linux's `/proc` and reads `n/a` elsewhere.
//!
//! Run: `cargo run -p threads-basic -- concurrency-vs-parallelism` (`--count N` jobs,
//! `--latency-ms MS` per download; the CPU job is sized to match it)
//!
//! Look for: the I/O rows on threads taking about one latency even on one core, at almost no
//! CPU; the CPU row on one core as slow as one after another at 1 core used, and the all-cores
//! row about `cores` times faster with about `cores` cores used.

use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::server::{Faults, Server};
use common::work::is_prime;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};
use core_affinity::CoreId;

/// One CPU-bound job: counts the primes among the `n` numbers from `start`.
pub fn count_primes(start: u64, n: u64) -> u64 {
    (start..start + n).filter(|&k| is_prime(k)).count() as u64
}

/// Runs `job(i)` for every `i` in `0..jobs`, each on a thread of its own, and returns the results
/// in job order. With `core`, every thread first confines itself to that core: affinity belongs
/// to a thread, so it is set from inside the thread, before the work.
pub fn on_threads<T: Send>(
    jobs: usize,
    core: Option<CoreId>,
    job: impl Fn(usize) -> T + Sync,
) -> anyhow::Result<Vec<T>> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|i| {
                let job = &job;
                s.spawn(move || {
                    if let Some(core) = core {
                        anyhow::ensure!(
                            core_affinity::set_for_current(core),
                            "cannot confine a thread to core {}",
                            core.id
                        );
                    }
                    Ok(job(i))
                })
            })
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .map(|r| r.map_err(|_| anyhow!("a job panicked"))?)
            .collect()
    })
}

/// The first core this process may run on, if a thread can be confined to it here (Linux and
/// Windows can; macOS takes it as a hint at most, Apple silicon not at all; elsewhere `None`).
/// The check runs on a throwaway thread, so the caller keeps every core.
pub fn one_core() -> Option<CoreId> {
    let core = *core_affinity::get_core_ids()?.first()?;
    let pinned = thread::spawn(move || core_affinity::set_for_current(core)).join();
    pinned.ok()?.then_some(core)
}

/// The CPU time this process has used so far, on all its threads, living or ended. Linux only:
/// fields 14 and 15 of `/proc/self/stat` (user and system time), after the command name, which
/// may hold spaces. They count clock ticks of 1/100 s (`USER_HZ`, 100 on mainstream Linux).
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// Where the CPU jobs start: large enough that testing one number is real work.
const FIRST: u64 = 1_000_000_000;

/// How many numbers one CPU job must test to take about `target` on this build and machine.
fn calibrate(target: Duration) -> u64 {
    let mut n = 256;
    loop {
        let (_, took) = timed(|| count_primes(FIRST, n));
        if took >= target / 2 || n >= 1 << 32 {
            return ((n as f64 * target.as_secs_f64() / took.as_secs_f64().max(1e-6)) as u64)
                .max(1);
        }
        n *= 2;
    }
}

/// Runs one row and measures it: wall time, and cores used (CPU time over wall time).
fn measure<T>(work: impl FnOnce() -> T) -> (T, Duration, serde_json::Value) {
    let before = process_cpu_time();
    let (out, wall) = timed(work);
    let cores = match (before, process_cpu_time()) {
        (Some(b), Some(a)) => (a.saturating_sub(b).as_secs_f64() / wall.as_secs_f64()).into(),
        _ => "n/a".into(),
    };
    (out, wall, cores)
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let jobs = args.count_or(8, 8);
    let server = Server::start(args, Faults::from_args(args, 200, 30))?;
    let latency = Duration::from_millis(server.faults()?.latency_ms);
    let per_job = calibrate(latency.max(Duration::from_millis(1)));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let urls: Vec<String> = common::data::country_codes(jobs)
        .iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let download = |i: usize| -> anyhow::Result<usize> {
        let mut answer = agent
            .get(&urls[i])
            .call()
            .with_context(|| format!("GET {}", urls[i]))?;
        Ok(answer.body_mut().read_to_vec()?.len())
    };
    let compute = |i: usize| count_primes(FIRST + i as u64 * per_job, per_job);
    let core = one_core();
    say!(
        "{jobs} jobs of each kind: one download with {} ms latency, or counting primes among \
         {per_job} numbers (about as long, calibrated now); {} cores",
        latency.as_millis(),
        common::report::cores()
    );
    if core.is_none() {
        say!("this platform cannot confine a thread to one core: the one-core rows are skipped");
    }
    let mut modes = vec![("one after another".to_string(), Mode::OneAfterAnother)];
    modes.extend(core.map(|c| {
        (
            format!("{jobs} threads on one core"),
            Mode::Threads(Some(c)),
        )
    }));
    modes.push((format!("{jobs} threads on all cores"), Mode::Threads(None)));

    let mut io = Table::new("concurrency-vs-parallelism", args);
    for (name, mode) in &modes {
        server.reset_stats()?;
        let (sizes, wall, cores) = measure(|| mode.run(jobs, download));
        let ok = sizes?.iter().filter(|r| r.is_ok()).count() as u64;
        let outcomes = Outcomes {
            ok,
            errors: Some(jobs as u64 - ok),
            ..Outcomes::default()
        };
        let row = Row::new(format!("I/O: {name}"), jobs, wall)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes);
        io.push(mode.workers(row, jobs).extra("cores used", cores));
    }
    io.print();

    let mut cpu = Table::new("concurrency-vs-parallelism", args);
    let mut primes = Vec::new();
    for (name, mode) in &modes {
        let (counts, wall, cores) = measure(|| mode.run(jobs, compute));
        let total: u64 = counts?.iter().sum();
        primes.push(total);
        let row = Row::new(format!("CPU: {name}"), jobs, wall).extra("primes", total);
        cpu.push(mode.workers(row, jobs).extra("cores used", cores));
    }
    cpu.print();
    anyhow::ensure!(
        primes.windows(2).all(|w| w[0] == w[1]),
        "prime counts differ: {primes:?}"
    );
    say!("{}", reading(io.rows(), cpu.rows(), latency));
    Ok(())
}

/// How a row runs its jobs.
#[derive(Debug, Clone, Copy)]
enum Mode {
    OneAfterAnother,
    /// One thread per job, all confined to this core, or free.
    Threads(Option<CoreId>),
}

impl Mode {
    fn run<T: Send>(self, jobs: usize, job: impl Fn(usize) -> T + Sync) -> anyhow::Result<Vec<T>> {
        match self {
            Mode::OneAfterAnother => Ok((0..jobs).map(job).collect()),
            Mode::Threads(core) => on_threads(jobs, core, job),
        }
    }

    fn workers(self, row: Row, jobs: usize) -> Row {
        match self {
            Mode::OneAfterAnother => row,
            Mode::Threads(_) => row.workers(jobs),
        }
    }
}

/// The narration under the tables: what the measured rows say, in numbers.
fn reading(io: &[Row], cpu: &[Row], latency: Duration) -> String {
    let find = |rows: &[Row], part: &str| rows.iter().find(|r| r.variant.ends_with(part)).cloned();
    let used = |row: &Row| row.extra.get("cores used").and_then(|v| v.as_f64());
    let on = |row: &Row| used(row).map_or("n/a".into(), |c| format!("{c:.1}"));
    let ratio = |a: &Row, b: &Row| a.wall.as_secs_f64() / b.wall.as_secs_f64().max(1e-9);
    let mut lines = vec!["Reading:".to_string()];
    if let Some(r) = find(io, "one core").or_else(|| find(io, "all cores")) {
        let latencies = r.wall.as_secs_f64() / latency.as_secs_f64().max(1e-9);
        lines.push(format!(
            "  {}: {latencies:.1} latencies of wall time, {} cores used: waiting needs no core \
             (concurrency)",
            r.variant,
            on(&r)
        ));
    }
    let Some(serial) = cpu.first() else {
        return lines.join("\n");
    };
    if let Some(r) = find(cpu, "one core") {
        lines.push(format!(
            "  {}: {:.1}x the speed of one after another, {} cores used: one core computes one \
             thing at a time, however many threads share it",
            r.variant,
            ratio(serial, &r),
            on(&r)
        ));
    }
    if let Some(r) = find(cpu, "all cores") {
        let speedup = ratio(serial, &r);
        let why = match used(&r).map_or(speedup > 1.2, |c| c > 1.2) {
            true => "parallelism",
            false => "no parallelism now: the other cores were busy with other programs",
        };
        lines.push(format!(
            "  {}: {speedup:.1}x the speed of one after another, {} cores used: {why}",
            r.variant,
            on(&r)
        ));
    }
    if used(serial).is_some_and(|c| c < 0.8) {
        lines.push(format!(
            "  (one job at a time got only {} of a core: other programs are busy on this machine, \
             so the CPU rows are slower than they would be on a quiet one)",
            on(serial)
        ));
    }
    lines.join("\n")
}
