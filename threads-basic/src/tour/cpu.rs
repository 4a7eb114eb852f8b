//! The tour of [`crate::lessons::cpu`]: one thread against one per core, timed.

use std::thread;

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::cpu::count_primes;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let limit = args.count_or(2_000_000, 200_000) as u64;
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers_or(cores);
    say!("counting primes below {limit}: 1 thread, then {workers} threads ({cores} cores)");

    let mut table = Table::new("cpu", args);
    let mut counts = Vec::new();
    for threads in [1, workers] {
        let (count, wall) = timed(|| count_primes(limit, threads));
        counts.push(count);
        let label = format!("{threads} thread{}", if threads == 1 { "" } else { "s" });
        table.push(
            Row::new(label, limit as usize, wall)
                .workers(threads)
                .extra("primes", count),
        );
    }

    // With --python: the twin counts on 1 thread, N threads and N processes, below a quarter of
    // the same limit (CPython tests a number far more slowly: about as long as these rows).
    let extra = common::python::sizes(args, Some(limit as usize), Some(workers));
    let twin = common::python::twin_rows(args, env!("CARGO_MANIFEST_DIR"), "cpu.py", &extra);
    for row in twin {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table, cores) {
        say!("{line}");
    }

    // What was claimed: the same answer, however many threads computed it.
    anyhow::ensure!(counts[0] == counts[1], "counts differ: {counts:?}");
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's speedup
/// over its own one thread.
fn against_python(table: &Table, cores: usize) -> Option<String> {
    let rows = table.rows();
    let python = |r: &&Row| r.variant.starts_with(common::python::PREFIX);
    let rust_threads = rows.iter().filter(|r| !python(r)).nth(1)?;
    let twin: Vec<&Row> = rows.iter().filter(python).collect();
    let py_threads = twin.iter().find(|r| r.variant.contains("threads"))?;
    let py_procs = twin.iter().find(|r| r.variant.contains("processes"))?;
    let gil = match py_threads.variant.split_once(" (") {
        Some((_, why)) => format!(" ({why}"),
        None => String::new(),
    };
    Some(format!(
        "CPU on {cores} cores: Rust {} {:.1}x, CPython {} threads {:.1}x{gil}, CPython {} \
         processes {:.1}x",
        rust_threads.variant,
        table.speedup(rust_threads),
        py_threads.workers.unwrap_or(0),
        table.speedup(py_threads),
        py_procs.workers.unwrap_or(0),
        table.speedup(py_procs),
    ))
}
