//! Tests of `--python`: without a usable interpreter the Rust rows run alone after one line on
//! stderr; with one that imports aiohttp (skipped, with a note, where there is none: `cargo test`
//! needs no Python), the twins' rows join the same tables in order, their counts add up and the
//! server's peaks are the twins' claims; the web demo's two Python servers join its table after
//! the Rust rows of each connection count. Nothing here times anything; every run of the binary
//! is bounded (killed at `LIMIT`).

use std::time::Duration;

use common::python::rows::{count, outcomes, twins, variants};
use common::python::{TourRun, interpreter_or_skip};

mod support;
use support::run_with_python;

const LIMIT: Duration = Duration::from_secs(180);

#[test]
fn without_a_python_the_rust_rows_run_alone() {
    let args = ["flags", "--quick", "--python", "--json"];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    run.assert_alone("python: no Python 3.11+ with aiohttp");
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

/// The web demo's Rust rows at one connection count, in table order.
fn web_rust_rows(n: usize) -> Vec<String> {
    [
        "blocking (std::net + ureq)",
        "async (axum + reqwest)",
        "async, blocking call inside",
        "async, in spawn_blocking",
    ]
    .map(|label| format!("{label}, {n} conn"))
    .into()
}

#[test]
fn web_without_a_python_runs_its_four_rust_rows_alone() {
    let args = [
        "web",
        "--quick",
        "--python",
        "--json",
        "--connections",
        "20",
    ];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    // One line, for the interpreter; none saying web has no twin (its twins are two servers).
    run.assert_alone("python: no Python 3.11+ with aiohttp");
    let rows = run.json_rows();
    assert_eq!(variants(&rows), web_rust_rows(20), "{}", run.stderr);
}

#[test]
fn web_python_servers_join_the_table_after_the_rust_rows() {
    let Some(python) = interpreter_or_skip(&["aiohttp"]) else {
        return;
    };
    let args = [
        "web",
        "--quick",
        "--python",
        "--json",
        "--connections",
        "20",
        "--workers",
        "4",
    ];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.said().is_empty(), "{}", run.stderr);
    let rows = run.json_rows();
    let mut expected = web_rust_rows(20);
    expected.extend([
        "Python: sync, 4 threads (http.server + urllib), 20 conn".to_string(),
        "Python: aiohttp.web, 20 conn".to_string(),
    ]);
    assert_eq!(variants(&rows), expected, "{}", run.stderr);
    // Every request sent is answered (ok, or err), failed, or unanswered at the deadline.
    for row in &rows {
        let parts = count(row, "ok") + count(row, "errors") + count(row, "timed_out");
        assert_eq!(parts, count(row, "items"), "{row}");
        assert_eq!(outcomes(row), count(row, "items"), "{row}");
        assert!(row["extra"]["of ideal"].is_number(), "{row}");
    }
    let (sync, aiohttp) = (&rows[4], &rows[5]);
    for twin in [sync, aiohttp] {
        assert!(count(twin, "ok") > 0, "nothing answered: {twin}");
        assert!(twin["max_in_flight"].as_u64().is_some(), "{twin}");
        assert!(count(twin, "max_in_flight") >= 1, "{twin}");
    }
    // The sync server's threads make one upstream call at a time each: its peak is at most
    // its pool, as the Rust blocking server's is.
    assert_eq!(count(sync, "workers"), 4, "{sync}");
    assert!(count(sync, "max_in_flight") <= 4, "{sync}");
    assert!(count(&rows[0], "max_in_flight") <= 4, "{}", rows[0]);
    assert_eq!(count(aiohttp, "workers"), 1, "{aiohttp}");
    assert!(
        run.stderr.contains("20 connections: Rust async"),
        "{}",
        run.stderr
    );
}

#[test]
fn web_python_servers_reach_the_fake_server_whatever_the_proxy_variables_say() {
    let Some(python) = interpreter_or_skip(&["aiohttp"]) else {
        return;
    };
    let mut command = std::process::Command::new(support::EXE);
    command
        .args(["web", "--quick", "--python", "--json", "--connections", "8"])
        .env("PYTHON", &python);
    let run = TourRun::of(support::behind_dead_proxy(&mut command), LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    let twins = twins(&rows);
    assert_eq!(twins.len(), 2, "{}", run.stderr);
    // A 200 needs both upstream calls to have reached the fake server (through a dead proxy
    // every one would fail, and the answer be a 502).
    for twin in twins {
        assert!(count(twin, "ok") > 0, "nothing answered: {twin}");
    }
}
