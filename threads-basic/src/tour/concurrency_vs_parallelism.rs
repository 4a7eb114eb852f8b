//! The tour of [`crate::lessons::concurrency_vs_parallelism`]: the I/O jobs and the CPU jobs,
//! one after another, on threads on one core and on threads on every core, with the cores each
//! row used.
//!
//! `cores used` is the process's CPU time over the wall time, on every OS (it reads `n/a` only
//! where the OS cannot tell the CPU time).

use std::time::Duration;

use common::server::{Faults, Server};
use common::timing::process_cpu_time;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};
use core_affinity::CoreId;

use crate::lessons::concurrency_vs_parallelism::{
    count_primes, on_threads, one_after_another, one_core,
};
use crate::lessons::join_all::{agent, download};

/// Where the CPU jobs start: large enough that testing one number is real work.
const FIRST: u64 = 1_000_000_000;

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
    let per_job = common::timing::calibrate(latency.max(Duration::from_millis(1)), |n| {
        count_primes(FIRST, n);
    });
    let agent = agent(Duration::from_secs(30));
    let urls: Vec<String> = common::data::country_codes(jobs)
        .iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let download = |i: usize| download(&agent, &urls[i]);
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

    let mut cpu = Table::new("concurrency-vs-parallelism", args);
    let mut primes = Vec::new();
    for (name, mode) in &modes {
        let (counts, wall, cores) = measure(|| mode.run(jobs, compute));
        let total: u64 = counts?.iter().sum();
        primes.push(total);
        let row = Row::new(format!("CPU: {name}"), jobs, wall).extra("primes", total);
        cpu.push(mode.workers(row, jobs).extra("cores used", cores));
    }
    anyhow::ensure!(
        primes.windows(2).all(|w| w[0] == w[1]),
        "prime counts differ: {primes:?}"
    );
    let reading = reading(io.rows(), cpu.rows(), latency);

    // With --python: the twin's rows in the same tables, against the same server, the same
    // number of jobs and each of its CPU jobs calibrated to the same latency.
    let extra = common::python::sizes(args, Some(jobs), None);
    let script = "concurrency_vs_parallelism.py";
    let twin =
        common::python::twin_rows_on(args, &server, env!("CARGO_MANIFEST_DIR"), script, &extra);
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        match row.variant.contains("I/O: ") {
            true => io.push(row),
            false => cpu.push(row),
        }
    }
    io.print();
    cpu.print();
    say!("{reading}");
    if let Some(line) = against_python(&io, &cpu, jobs, latency) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the tables when the twin's rows are there: each language's CPU
/// speedup over its own first row, and each language's I/O threads in latencies.
fn against_python(io: &Table, cpu: &Table, jobs: usize, latency: Duration) -> Option<String> {
    fn find<'t>(table: &'t Table, part: &str, twin: bool) -> Option<&'t Row> {
        let python = |r: &Row| r.variant.starts_with(common::python::PREFIX);
        table
            .rows()
            .iter()
            .find(|r| python(r) == twin && r.variant.contains(part))
    }
    let rust_threads = find(cpu, "all cores", false)?;
    let py_threads = find(cpu, "threads", true)?;
    let py_procs = find(cpu, "processes", true)?;
    let latencies = |r: &Row| r.wall.as_secs_f64() / latency.as_secs_f64().max(1e-9);
    let rust_io = find(io, "all cores", false)?;
    let py_io = find(io, "threads", true)?;
    let gil = match py_threads.variant.split_once(" (") {
        Some((_, why)) => format!(" ({why}"),
        None => String::new(),
    };
    Some(format!(
        "CPU on {} cores: Rust threads {:.1}x, CPython threads {:.1}x{gil}, CPython processes \
         {:.1}x; {jobs} downloads at {} ms on {jobs} threads: Rust {:.2} latencies, CPython {:.2}",
        common::report::cores(),
        cpu.speedup(rust_threads),
        cpu.speedup(py_threads),
        cpu.speedup(py_procs),
        latency.as_millis(),
        latencies(rust_io),
        latencies(py_io),
    ))
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
            Mode::OneAfterAnother => Ok(one_after_another(jobs, job)),
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
