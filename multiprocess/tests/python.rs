//! Tests of `--python`: without a usable interpreter the Rust rows run alone after one line on
//! stderr; with one (skipped, with a note, where there is none: `cargo test` needs no Python),
//! each demo's twin rows join the same tables in order, their counts add up, the crash twin
//! counts the dead worker's job instead of losing it, and no Python process outlives its run.
//! Nothing here times anything; every run of the binary is bounded.

use std::time::Duration;

use serde_json::Value;

mod support;
use common::python::rows::{count, outcomes, twins, variants};
use common::python::{TourRun, interpreter_or_skip};
use support::{processes_running, run_with_python};

const LIMIT: Duration = Duration::from_secs(180);

/// `<demo> --quick --workers 2 --python --json` with that interpreter: a success, one JSON row
/// a line, every row's counts adding up, and afterwards no process left running the twin.
fn run_twin(demo: &str, python: &str) -> (TourRun, Vec<Value>) {
    let args = [demo, "--quick", "--workers", "2", "--python", "--json"];
    let run = run_with_python(&args, python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.said().is_empty(), "{}", run.stderr);
    let rows = run.json_rows();
    for row in &rows {
        assert_eq!(outcomes(row), count(row, "items"), "{row}");
    }
    let script = format!("python/{}.py", demo);
    let left = processes_running(&script);
    assert!(left.is_empty(), "{script} still runs in {left:?}");
    (run, rows)
}

#[test]
fn without_a_python_the_rust_rows_run_alone() {
    let args = ["primes", "--quick", "--workers", "2", "--python", "--json"];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    run.assert_alone("python: no Python 3.11+");
    assert_eq!(
        variants(&run.json_rows()),
        ["sequential", "threads (2)", "rayon (2)", "process pool (2)"]
    );
}

#[test]
fn a_demo_without_a_twin_says_so_once_and_runs() {
    let run = run_with_python(&["spawn", "--quick", "--python"], "/nonexistent", LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let said = run.said();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    assert!(said[0].starts_with("python: no Python twin"), "{}", said[0]);
}

#[test]
fn the_primes_twin_adds_one_process_threads_and_pool_map() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let (run, rows) = run_twin("primes", &python);
    let threads = match variants(&rows).iter().any(|v| v.contains("free-threaded")) {
        true => "Python: threads (2, free-threaded)",
        false => "Python: threads (2, the GIL)",
    };
    assert_eq!(
        variants(&rows),
        [
            "sequential",
            "threads (2)",
            "rayon (2)",
            "process pool (2)",
            "Python: sequential",
            threads,
            "Python: process pool (2)",
        ]
    );
    let twin = twins(&rows);
    for row in &twin {
        assert_eq!(row["demo"], "primes");
        assert_eq!(row["extra"]["primes"], twin[0]["extra"]["primes"], "{row}");
        assert_eq!(count(row, "items"), count(twin[0], "items"), "{row}");
    }
    assert!(twin[2]["extra"]["start method"].is_string(), "{}", twin[2]);
    assert!(run.stderr.contains("CPython threads"), "{}", run.stderr);
}

/// The labels of one of a demo's tables (its rows' `demo` field), in order.
fn table_of<'a>(rows: &'a [Value], demo: &str) -> Vec<&'a str> {
    let table = rows.iter().filter(|r| r["demo"] == demo);
    table.filter_map(|r| r["variant"].as_str()).collect()
}

#[test]
fn the_cost_twin_adds_its_rows_to_each_of_the_three_tables() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let (run, rows) = run_twin("cost", &python);
    let of = |demo: &str| table_of(&rows, demo);
    assert_eq!(
        of("cost-start"),
        [
            "process: start, first reply, exit",
            "thread: start, first reply, join",
            "Python: process: start, first reply, exit",
            "Python: thread: start, first reply, join",
        ]
    );
    assert_eq!(
        of("cost-job"),
        [
            "process pool: job over pipes",
            "thread: job over channels",
            "Python: process pool: job over pipes",
            "Python: thread: job over queues",
        ]
    );
    assert_eq!(
        of("cost-pipe"),
        [
            "pipe to a process (MiB)",
            "channel to a thread (MiB)",
            "Python: pipe to a process (MiB)",
            "Python: queue to a thread (MiB)",
        ]
    );
    // The same counts in both languages, and a per-job cost for each.
    for pair in rows.chunks(2) {
        assert_eq!(count(&pair[0], "items"), count(&pair[1], "items"));
    }
    for row in rows.iter().filter(|r| r["demo"] != "cost-pipe") {
        assert!(row["extra"]["each µs"].is_number(), "{row}");
    }
    assert!(
        run.stderr.contains("one job's round trip: Rust"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_crash_twin_counts_the_dead_workers_job_and_ends_the_pool_by_a_bounded_wait() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let (run, rows) = run_twin("crash", &python);
    let twin = twins(&rows);
    assert_eq!(
        variants(&rows)[5..],
        [
            "Python: ProcessPoolExecutor, a job raises",
            "Python: ProcessPoolExecutor, a job aborts (os.abort)",
            "Python: multiprocessing.Pool, a job raises",
            "Python: multiprocessing.Pool, a job aborts (os.abort)",
            "Python: multiprocessing.Pool, a job hangs",
            "Python: thread pool, a job raises",
            "Python: thread pool, a job aborts (os.abort)",
        ]
    );
    let items = count(twin[0], "items");
    assert_eq!(items, 9, "--quick runs 9 jobs in both languages");
    for row in &twin {
        assert_eq!(count(row, "items"), items, "{row}");
    }
    // A raised exception costs one job in every pool.
    for i in [0, 2, 5] {
        assert_eq!(count(twin[i], "ok"), items - 1, "{}", twin[i]);
        assert_eq!(count(twin[i], "errors"), 1, "{}", twin[i]);
    }
    // ProcessPoolExecutor: the dead worker's job and the pending ones raise BrokenProcessPool,
    // all counted as errors.
    let executor = twin[1];
    assert!(count(executor, "errors") >= 1, "{executor}");
    assert_eq!(
        executor["extra"]["BrokenProcessPool"].as_u64(),
        Some(count(executor, "errors")),
        "{executor}"
    );
    // multiprocessing.Pool: the dead (or hung) job never answers; the bounded wait counts it as
    // timed out, then the pool is terminated, and the run goes on.
    for pool in [twin[3], twin[4]] {
        assert!(count(pool, "timed_out") >= 1, "{pool}");
        assert_eq!(count(pool, "errors"), 0, "{pool}");
        let ended = pool["extra"]["ended by"].as_str().unwrap();
        assert!(ended.starts_with("get(timeout="), "{pool}");
        assert!(ended.ends_with("terminate()"), "{pool}");
    }
    // On a thread the abort ends the interpreter: the jobs it never reported are cancelled.
    let threads = twin[6];
    assert!(count(threads, "cancelled") >= 1, "{threads}");
    assert!(
        threads["extra"]["ended by"]
            .as_str()
            .unwrap()
            .contains("SIGABRT"),
        "{threads}"
    );
    assert!(run.stderr.contains("bpo-22393"), "{}", run.stderr);
}

#[test]
fn the_executors_twin_adds_its_rows_to_each_table() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let (run, rows) = run_twin("executors", &python);
    let of = |demo: &str| table_of(&rows, demo);
    let threads = match of("executors-cpu")
        .iter()
        .any(|v| v.contains("free-threaded"))
    {
        true => "Python: CPU: thread pool (2, free-threaded)",
        false => "Python: CPU: thread pool (2, the GIL)",
    };
    assert_eq!(
        of("executors-cpu"),
        [
            "CPU: one after another",
            "CPU: thread pool (2)",
            "CPU: process pool (2)",
            "Python: CPU: one after another",
            threads,
            "Python: CPU: process pool (2)",
        ]
    );
    assert_eq!(
        of("executors-tiny"),
        [
            "tiny: one after another",
            "tiny: thread pool (2)",
            "tiny: process pool (2)",
            "Python: tiny: one after another",
            "Python: tiny: thread pool (2)",
            "Python: tiny: process pool (2)",
        ]
    );
    assert_eq!(
        of("executors-abort"),
        [
            "abort: thread pool (2)",
            "abort: process pool (2)",
            "Python: abort: thread pool (2)",
            "Python: abort: process pool (2)",
        ]
    );
    let broken = rows
        .iter()
        .find(|r| r["variant"] == "Python: abort: process pool (2)")
        .unwrap();
    assert!(count(broken, "errors") >= 1, "{broken}");
    assert_eq!(
        broken["extra"]["BrokenProcessPool"].as_u64(),
        Some(count(broken, "errors"))
    );
    assert!(
        run.stderr.contains("broke the ProcessPoolExecutor"),
        "{}",
        run.stderr
    );
}
