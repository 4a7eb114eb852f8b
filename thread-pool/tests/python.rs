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
    let args = ["flags", "--quick", "--python", "--json"];
    let run = run_with_python(&args, "/nonexistent", LIMIT);
    run.assert_alone("python: no Python 3.11+");
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows),
        ["sequential", "map style (8)", "as completed (8)"]
    );
}

#[test]
fn the_flags_twin_joins_the_table_with_its_counts_and_peaks() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let args = [
        "flags",
        "--quick",
        "--python",
        "--json",
        "--count",
        "6",
        "--workers",
        "3",
    ];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows)[3..],
        [
            "Python: sequential",
            "Python: map style (3)",
            "Python: as completed (3)"
        ]
    );
    for row in &rows[3..] {
        assert_eq!(count(row, "items"), 6, "{row}");
        assert_eq!(count(row, "ok") + count(row, "errors"), 6, "{row}");
    }
    // The twin's claims, as the server saw them: one at a time, then never more than the pool.
    let peak = |i: usize| rows[i]["max_in_flight"].as_u64().unwrap();
    assert_eq!(peak(3), 1);
    assert!((1..=3).contains(&peak(4)) && (1..=3).contains(&peak(5)));
}

#[test]
fn the_errors_twin_counts_every_code_one_way() {
    let Some(python) = interpreter_or_skip(&[]) else {
        return;
    };
    let args = ["errors", "--quick", "--python", "--json"];
    let run = run_with_python(&args, &python, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    assert_eq!(
        variants(&rows)[2..],
        ["Python: 1 worker", "Python: 8 workers"]
    );
    for row in &rows[2..] {
        let outcomes = count(row, "ok") + count(row, "not_found") + count(row, "errors");
        assert_eq!(outcomes, count(row, "items"), "{row}");
        // Only the three codes the server does not know can be not found (one may be a 503).
        assert!(count(row, "not_found") <= 3, "{row}");
    }
    assert_eq!(rows[2]["max_in_flight"], 1);
}
