//! Tests of `--python`: without a usable interpreter the Rust rows run alone after one line on
//! stderr; with one that imports aiohttp (skipped, with a note, where there is none: `cargo test`
//! needs no Python), the twins' rows join the same tables in order, their counts add up and the
//! server's peaks are the twins' claims. Nothing here times anything; every run of the binary
//! is bounded (killed at `LIMIT`).

use std::time::Duration;

use serde_json::Value;

use common::python::interpreter_or_skip;

mod support;
use support::run_with_python;

const LIMIT: Duration = Duration::from_secs(180);

fn variants(rows: &[Value]) -> Vec<&str> {
    rows.iter().filter_map(|r| r["variant"].as_str()).collect()
}

fn count(row: &Value, key: &str) -> u64 {
    row[key].as_u64().unwrap_or(0)
}

/// Every outcome column of a row, added up.
fn outcomes(row: &Value) -> u64 {
    [
        "ok",
        "not_found",
        "errors",
        "skipped",
        "timed_out",
        "cancelled",
    ]
    .iter()
    .map(|k| count(row, k))
    .sum()
}

/// The twins' rows (`Python: ...`), in table order.
fn twins(rows: &[Value]) -> Vec<&Value> {
    let python = |r: &&Value| {
        r["variant"]
            .as_str()
            .is_some_and(|v| v.starts_with("Python: "))
    };
    rows.iter().filter(python).collect()
}

#[test]
fn without_a_python_the_rust_rows_run_alone() {
    let args = ["flags", "--quick", "--python", "--json"];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("python: "))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    assert!(
        said[0].starts_with("python: no Python 3.11+ with aiohttp"),
        "{}",
        said[0]
    );
    assert!(said[0].ends_with("the Rust rows run alone"), "{}", said[0]);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows),
        [
            "one await after another",
            "concurrent (join_all)",
            "ureq on a thread pool"
        ]
    );
}

#[test]
fn the_flags_and_semaphore_twins_join_their_tables_in_order() {
    let Some(python) = interpreter_or_skip(&["aiohttp"]) else {
        return;
    };
    let args = ["flags", "--quick", "--python", "--json", "--count", "6"];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows)[3..],
        [
            "Python: await in a loop",
            "Python: asyncio.gather",
            "Python: urllib on a thread pool (6)"
        ],
        "{}",
        run.stderr
    );
    for row in &rows {
        assert_eq!(count(row, "items"), 6, "{row}");
        assert_eq!(outcomes(row), 6, "{row}");
    }
    // The twin's claim, as the server saw it: the awaits in a loop never overlapped.
    assert_eq!(rows[3]["max_in_flight"], 1, "{}", rows[3]);
    assert!(
        run.stderr.contains("CPython asyncio.gather"),
        "{}",
        run.stderr
    );

    // One cap, a latency long enough that every permit is taken before the first answer: the
    // server's peak is the cap for the twin as for the Rust row.
    let args = [
        "semaphore",
        "--python",
        "--json",
        "--count",
        "6",
        "--concurrency",
        "3",
        "--latency-ms",
        "400",
    ];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows),
        ["Semaphore::new(3)", "Python: asyncio.Semaphore(3)"],
        "{}",
        run.stderr
    );
    for row in &rows {
        assert_eq!(outcomes(row), count(row, "items"), "{row}");
        assert_eq!(count(row, "workers"), 3, "{row}");
    }
    let twin = &rows[1];
    assert_eq!(twin["max_in_flight"], 3, "{twin}");
    assert_eq!(twin["extra"]["peak == cap"], "yes", "{twin}");
}

#[test]
fn the_runtimes_twin_adds_its_event_loop_and_cpu_rows() {
    let Some(python) = interpreter_or_skip(&["aiohttp"]) else {
        return;
    };
    let args = ["runtimes", "--quick", "--python", "--json", "--count", "40"];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    let twins = twins(&rows);
    let labels: Vec<&str> = twins.iter().filter_map(|r| r["variant"].as_str()).collect();
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert_eq!(labels[0], "Python: downloads: one event loop");
    assert_eq!(labels[1], "Python: CPU jobs: a coroutine on the loop");
    assert!(
        labels[2].starts_with("Python: CPU jobs: asyncio.to_thread"),
        "{labels:?}"
    );
    assert_eq!(labels[3], "Python: CPU jobs: run_in_executor, 1 thread");
    assert!(labels[4].ends_with("processes"), "{labels:?}");
    for row in &rows {
        assert_eq!(outcomes(row), count(row, "items"), "{row}");
    }
    // The downloads all ended, on the one thread of the loop; every CPU row ran every job.
    assert_eq!(count(twins[0], "items"), 40);
    assert_eq!(twins[0]["extra"]["threads used"], 1);
    let jobs = count(twins[1], "items");
    assert!(jobs > 0 && twins[1..].iter().all(|r| count(r, "ok") == jobs));
    assert!(
        run.stderr.contains("CPython: one event loop kept"),
        "{}",
        run.stderr
    );
}
