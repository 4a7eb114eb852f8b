//! `--python`: the tour's binary with the twins (`python/*.py`), and without an interpreter.
//! `cargo test` needs no Python: the test that runs the twins skips, with a note, without one.

use std::time::Duration;

use common::Row;
use common::python::{TourRun, find_interpreter};

/// Runs the tour's binary with `args`, `--quick --json` and the `PYTHON` given (or the
/// environment's), killing it after a minute: (exit success, stdout rows, stderr).
fn run(args: &[&str], python: Option<&str>) -> (bool, Vec<Row>, String) {
    let all = [args, &["--quick", "--json"]].concat();
    let exe = env!("CARGO_BIN_EXE_futures-basic");
    let run = TourRun::new(exe, &all, python, Duration::from_secs(60));
    (run.status.success(), run.rows(), run.stderr)
}

fn labels(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.variant.as_str()).collect()
}

#[test]
fn without_an_interpreter_the_rust_rows_run_alone() {
    let (ok, rows, stderr) = run(&["countdown", "--python"], Some("/nonexistent"));
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
            "one after another",
            "join_all",
            "FuturesUnordered",
            "select_all"
        ]
    );
    // And lazy, whose table is there only for the twin's rows, prints none.
    let (ok, rows, stderr) = run(&["lazy", "--python"], Some("/nonexistent"));
    assert!(ok, "{stderr}");
    assert!(rows.is_empty(), "{:?}", labels(&rows));
    assert!(stderr.contains("python: no Python 3.11+"), "{stderr}");
}

#[test]
fn with_python_the_twins_rows_join_the_same_tables() {
    if find_interpreter(&[]).is_err() {
        eprintln!("no Python 3.11+ here (set PYTHON or make .venv): skipped");
        return;
    }
    let (ok, rows, stderr) = run(&["countdown", "--python"], None);
    assert!(ok, "{stderr}");
    assert_eq!(
        labels(&rows),
        [
            "one after another",
            "join_all",
            "FuturesUnordered",
            "select_all",
            "Python: one after another",
            "Python: asyncio.gather",
            "Python: asyncio.as_completed",
            "Python: asyncio.wait(FIRST_COMPLETED)",
        ],
        "{stderr}"
    );
    let python = &rows[4..];
    assert!(python.iter().all(|r| r.items == 4));
    let finished: Vec<&str> = python
        .iter()
        .map(|r| r.extra["finished"].as_str().unwrap())
        .collect();
    assert_eq!(finished, ["A B C D", "C A D B", "C A D B", "C"]);
    assert_eq!(
        python[1].extra["returned"], "A B C D",
        "gather: argument order"
    );
    let peaks: Vec<Option<u64>> = python.iter().map(|r| r.max_in_flight).collect();
    assert_eq!(peaks, [Some(1), Some(4), Some(4), Some(4)]);
    let first = python[3].outcomes;
    assert_eq!((first.ok, first.cancelled), (1, Some(3)));

    let (ok, rows, stderr) = run(&["lazy", "--python"], None);
    assert!(ok, "{stderr}");
    let steps: Vec<(&str, u64, Option<u64>)> = rows
        .iter()
        .map(|r| (r.variant.as_str(), r.outcomes.ok, r.outcomes.skipped))
        .collect();
    assert_eq!(
        steps,
        [
            ("built, not run yet", 0, Some(3)),
            ("one step by hand", 1, Some(2)),
            ("run to the end", 3, Some(0)),
            ("dropped without running", 0, Some(3)),
            ("Python: built, not run yet", 0, Some(3)),
            ("Python: one step by hand", 1, Some(2)),
            ("Python: run to the end", 3, Some(0)),
            ("Python: dropped without running", 0, Some(3)),
            ("Python: submitted, never waited for", 3, Some(0)),
        ],
        "{stderr}"
    );
}
