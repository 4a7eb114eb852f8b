//! The `primes` demo's tour: each variant timed on the same numbers, one span per check (per job
//! on the pool's lanes), the table and its timeline, and the checks.

use std::path::Path;
use std::thread;
use std::time::Instant;

use anyhow::Context;
use common::spans::{Kind, Lane, Recording, record, span};
use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::primes::{is_prime, numbers, with_processes, with_rayon, with_threads};
use crate::lessons::process_pool::Pool;

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    let numbers = numbers(args.count_or(240, 24));
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers_or(cores);
    say!(
        "checking {} numbers near 10^12 for primality, {workers} workers, {cores} cores",
        numbers.len()
    );
    let count = |found: &[bool]| found.iter().filter(|p| **p).count();
    let mut table = Table::new("primes", args).timeline();
    let mut answers = Vec::new();
    // Each check is a span on the lane of the thread that ran it (the timeline under the table).
    let checked = |n: u64| {
        let _span = span(Kind::Work, "is_prime", n);
        is_prime(n)
    };

    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| numbers.iter().map(|&n| checked(n)).collect::<Vec<_>>());
    let row = Row::new("sequential", numbers.len(), wall).spans(recording.finish());
    table.push(row.extra("primes", count(&found)));
    answers.push(found);

    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| with_threads(&numbers, workers, checked));
    let row = Row::new(format!("threads ({workers})"), numbers.len(), wall).workers(workers);
    table.push(row.extra("primes", count(&found)).spans(recording.finish()));
    answers.push(found);

    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let recording = Recording::start(numbers.len());
    let (found, wall) = timed(|| rayon_pool.install(|| with_rayon(&numbers, checked)));
    let row = Row::new(format!("rayon ({workers})"), numbers.len(), wall).workers(workers);
    table.push(row.extra("primes", count(&found)).spans(recording.finish()));
    answers.push(found);

    // The pool's row includes starting its processes; the start-up column shows that part.
    // Each job is a span where the parent sees it, on its worker's lane: sent, then answered.
    let recording = Recording::start(numbers.len());
    let watch = Instant::now();
    let pool = Pool::new(exe, workers)?;
    let startup = watch.elapsed();
    let jobs = with_processes(&pool, &numbers).context("the process pool failed")?;
    let wall = watch.elapsed();
    pool.join();
    // The pool numbers its jobs from 1 in the order they were submitted.
    for (id, (_, job)) in (1..).zip(&jobs) {
        record(
            Lane::Process(job.pid),
            Kind::Work,
            "job",
            id,
            job.started,
            job.ended,
        );
    }
    let found: Vec<bool> = jobs.iter().map(|(prime, _)| *prime).collect();
    let row = Row::new(format!("process pool ({workers})"), numbers.len(), wall).workers(workers);
    let startup_ms = (startup.as_secs_f64() * 1e3 * 10.0).round() / 10.0;
    table.push(
        row.extra("primes", count(&found))
            .extra("start-up ms", startup_ms)
            .spans(recording.finish()),
    );
    answers.push(found);

    // With --python: the twin checks the same numbers near 10^12, a twentieth as many (CPython
    // takes about as long over those as these rows over theirs), one after another, on threads
    // under the GIL and with `multiprocessing.Pool.map` on as many processes.
    let twin = common::python::twin_rows(
        args,
        env!("CARGO_MANIFEST_DIR"),
        "primes.py",
        &common::python::sizes(args, Some(numbers.len()), Some(workers)),
    );
    for row in twin {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table, cores) {
        say!("{line}");
    }

    // What was claimed: every variant found the same primes, and the list has 4 in every 6.
    anyhow::ensure!(
        answers.iter().all(|a| *a == answers[0]),
        "the variants disagree"
    );
    let expected = numbers
        .iter()
        .filter(|&&n| n != 1_500_011_500_021 && n != 3_000_003_499_951);
    anyhow::ensure!(
        count(&answers[0]) == expected.count(),
        "wrong number of primes"
    );
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's speedup
/// over its own first row, on threads and on processes.
fn against_python(table: &Table, cores: usize) -> Option<String> {
    let rows = table.rows();
    let python = |r: &&Row| r.variant.starts_with(common::python::PREFIX);
    let find = |twin: bool, start: &str| {
        let start = match twin {
            true => format!("{}{start}", common::python::PREFIX),
            false => start.to_string(),
        };
        rows.iter()
            .find(|r| python(r) == twin && r.variant.starts_with(&start))
    };
    let (rust_threads, rust_procs) = (find(false, "threads (")?, find(false, "process pool")?);
    let (py_threads, py_procs) = (find(true, "threads (")?, find(true, "process pool")?);
    let why = match py_threads.variant.contains("free-threaded") {
        true => "free-threaded",
        false => "the GIL",
    };
    Some(format!(
        "CPU on {cores} cores: Rust threads {:.1}x, Rust processes {:.1}x; CPython threads \
         {:.1}x ({why}), CPython processes {:.1}x (each over its own sequential row)",
        table.speedup(rust_threads),
        table.speedup(rust_procs),
        table.speedup(py_threads),
        table.speedup(py_procs),
    ))
}
