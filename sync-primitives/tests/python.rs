//! `--python`: the tour's binary with the twins (`python/*.py`), and without an interpreter.
//! `cargo test` needs no Python: the test that runs the twins skips, with a note, without one.

use std::time::Duration;

use common::Row;
use common::python::{PREFIX, TourRun, find_interpreter};

/// Runs the tour's binary with `args`, `--quick --json` and the `PYTHON` given (or the
/// environment's), killing it after a minute: (exit success, stdout rows, stderr).
fn run(args: &[&str], python: Option<&str>) -> (bool, Vec<Row>, String) {
    let all = [args, &["--quick", "--json"]].concat();
    let exe = env!("CARGO_BIN_EXE_sync-primitives");
    let run = TourRun::new(exe, &all, python, Duration::from_secs(60));
    (run.status.success(), run.rows(), run.stderr)
}

fn labels(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.variant.as_str()).collect()
}

#[test]
fn without_an_interpreter_the_rust_rows_run_alone() {
    let (ok, rows, stderr) = run(&["bank", "--python"], Some("/nonexistent"));
    assert!(ok, "{stderr}");
    let python_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("python: "))
        .collect();
    assert_eq!(
        python_lines,
        [
            "python: no Python 3.11+: python3 -m venv .venv && .venv/bin/pip install -r \
          requirements.txt, or set PYTHON; the Rust rows run alone"
        ],
        "{stderr}"
    );
    assert_eq!(
        labels(&rows),
        [
            "racy (atomic load, then store)",
            "one global Mutex",
            "a Mutex per account, in order"
        ]
    );
}

#[test]
fn with_python_the_twins_rows_join_the_same_tables() {
    if find_interpreter(&[]).is_err() {
        eprintln!("no Python 3.11+ here (set PYTHON or make .venv): skipped");
        return;
    }
    let (ok, rows, stderr) = run(&["bank", "--python", "--threads", "4"], None);
    assert!(ok, "{stderr}");
    let made: Vec<(&str, u64, i64)> = rows
        .iter()
        .filter(|r| r.variant.starts_with(PREFIX))
        .map(|r| {
            let made = r.extra["money made"].as_i64().unwrap();
            (&r.variant[PREFIX.len()..], r.items, made)
        })
        .collect();
    let labels: Vec<&str> = made.iter().map(|m| m.0).collect();
    assert_eq!(
        labels,
        [
            "racy: balance -= amount",
            "racy: balance -= amount, switch every 1 µs",
            "racy: read, sleep(0), write",
            "one global Lock",
            "a Lock per account, in order",
        ],
        "{stderr}"
    );
    // 4 threads x 1,000 transfers (--quick), each counted; the forced race always loses
    // updates, the locks never do (the plain race may go either way).
    assert!(made.iter().all(|m| m.1 == 4_000), "{made:?}");
    assert_ne!(made[2].2, 0, "{made:?}");
    assert_eq!((made[3].2, made[4].2), (0, 0), "{made:?}");

    let (ok, rows, stderr) = run(&["deadlock", "--python"], None);
    assert!(ok, "{stderr}");
    let python: Vec<&Row> = rows
        .iter()
        .filter(|r| r.variant.starts_with(PREFIX))
        .collect();
    let seen: Vec<(&str, u64, Option<u64>)> = python
        .iter()
        .map(|r| (r.variant.as_str(), r.outcomes.ok, r.outcomes.timed_out))
        .collect();
    assert_eq!(
        seen,
        [
            ("Python: opposite order", 0, Some(2)),
            ("Python: global lock order", 20_000, Some(0)),
        ],
        "{stderr}"
    );

    let (ok, rows, stderr) = run(&["channels", "--python"], None);
    assert!(ok, "{stderr}");
    let python: Vec<&Row> = rows
        .iter()
        .filter(|r| r.variant.starts_with(PREFIX))
        .collect();
    assert_eq!(python.len(), 6, "{stderr}");
    let bounded = python
        .iter()
        .find(|r| r.variant == "Python: queue.Queue(maxsize=8)")
        .unwrap();
    assert!(bounded.extra["peak backlog"].as_u64().unwrap() <= 8);
    let deadline = python
        .iter()
        .find(|r| r.variant == "Python: Queue.get(timeout=) deadline")
        .unwrap();
    assert_eq!(deadline.items, 6);
    assert_eq!(
        deadline
            .outcomes
            .timed_out
            .map(|t| t + deadline.outcomes.ok),
        Some(6)
    );
}
