//! Tests of `--python`: without a usable interpreter the Rust rows run alone after one line on
//! stderr; with one (skipped, with a note, where there is none: `cargo test` needs no Python),
//! the twin's rows join the same table, their counts add up and the server's peaks are the
//! twin's claims. Nothing here times anything; every run of the binary is bounded.

use std::time::Duration;

use common::python::interpreter_or_skip;
use common::python::rows::{count, variants};

mod support;
use support::run_with_python;

const LIMIT: Duration = Duration::from_secs(180);

#[test]
fn without_a_python_the_rust_rows_run_alone() {
    let args = ["join-all", "--quick", "--python", "--json"];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    run.assert_alone("python: no Python 3.11+");
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows),
        ["sequential", "join inside the loop", "start all, then join"]
    );
}

#[test]
fn the_join_all_twin_joins_the_table_with_its_counts_and_peaks() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let args = ["join-all", "--quick", "--python", "--json", "--count", "6"];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows),
        [
            "sequential",
            "join inside the loop",
            "start all, then join",
            "Python: sequential",
            "Python: join inside the loop",
            "Python: start all, then join",
        ]
    );
    for row in &rows[3..] {
        assert_eq!(count(row, "items"), 6, "{row}");
        assert_eq!(count(row, "ok") + count(row, "errors"), 6, "{row}");
        assert_eq!(row["demo"], "join-all");
    }
    // The twin's claims, as the server saw them: one download at a time in the loop, never
    // more than one thread per flag.
    let peak = |i: usize| rows[i]["max_in_flight"].as_u64().unwrap();
    assert_eq!((peak(3), peak(4)), (1, 1));
    assert!((1..=6).contains(&peak(5)), "{}", peak(5));
}

#[test]
fn the_concurrency_twin_labels_its_rows_as_the_issue_names_them() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let args = [
        "concurrency-vs-parallelism",
        "--quick",
        "--python",
        "--json",
        "--count",
        "3",
    ];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    let twin: Vec<&str> = variants(&rows)
        .into_iter()
        .filter(|v| v.starts_with("Python: "))
        .collect();
    let threads = match twin.iter().any(|v| v.contains("(free-threaded)")) {
        true => "Python: CPU: 3 threads (free-threaded)",
        false => "Python: CPU: 3 threads (the GIL)",
    };
    assert_eq!(
        twin,
        [
            "Python: I/O: one after another",
            "Python: I/O: 3 threads",
            "Python: CPU: one after another",
            threads,
            "Python: CPU: 3 processes",
        ]
    );
    for row in rows
        .iter()
        .filter(|r| r["variant"].as_str().unwrap().starts_with("Python: "))
    {
        let outcomes = count(row, "ok") + count(row, "errors");
        assert_eq!(outcomes, count(row, "items"), "{row}");
        assert!(row["extra"]["cores used"].is_number(), "{row}");
    }
    let peak = |label: &str| {
        let row = rows.iter().find(|r| r["variant"] == label).unwrap();
        row["max_in_flight"].as_u64().unwrap()
    };
    assert_eq!(peak("Python: I/O: one after another"), 1);
    assert!((1..=3).contains(&peak("Python: I/O: 3 threads")));
}
