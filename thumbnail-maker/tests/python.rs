//! Tests of `--python`: without a usable interpreter the Rust rows run alone after one line on
//! stderr; with one that imports Pillow (skipped, with a note, where there is none: `cargo test`
//! needs no Python), the course's design in Python joins the same table, its two rows after the
//! Rust variants, every image counted once and the same images skipped as in Rust. Nothing here
//! times anything; every run of the binary is bounded.

use std::time::Duration;

use common::python::interpreter_or_skip;
use common::python::rows::{count, variants};

mod support;
use support::run_with_python;

const LIMIT: Duration = Duration::from_secs(180);

const RUST: [&str; 5] = ["sequential", "threads", "pipeline", "rayon", "async"];

#[test]
fn without_a_python_the_rust_rows_run_alone() {
    let args = [
        "--quick",
        "--python",
        "--json",
        "--images",
        "3",
        "--latency-ms",
        "0",
    ];
    let run = run_with_python(&args, "/nonexistent", &[], LIMIT);
    run.assert_alone("python: no Python 3.11+ with PIL");
    let rows = run.json_rows();
    assert_eq!(variants(&rows), RUST);
    assert!(rows.iter().all(|r| count(r, "ok") == 3), "{rows:?}");
    assert!(!run.stderr.contains("The same 3 images"), "{}", run.stderr);
}

/// With some photos truncated by the server and every proxy variable pointing at a closed port,
/// as on a laptop behind a company proxy: the twin still reaches the server, counts each image
/// once, skips the photos the Rust rows skipped, and keeps to the cap of `--workers`.
#[test]
fn the_course_design_twin_joins_the_table_with_every_image_counted() {
    let Some(python) = interpreter_or_skip(&["PIL"]) else {
        return;
    };
    let args = [
        "--quick",
        "--python",
        "--json",
        "--images",
        "6",
        "--latency-ms",
        "0",
        "--workers",
        "3",
        "--corrupt-rate",
        "0.4",
    ];
    let dead = "http://127.0.0.1:9";
    let proxies = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"].map(|v| (v, dead));
    let run = run_with_python(&args, &python, &proxies, LIMIT);
    assert!(run.status.success(), "{}", run.stderr);
    let rows = run.json_rows();
    let mut expected = RUST.to_vec();
    expected.extend(["Python: the course's design", "Python: Pillow's draft mode"]);
    assert_eq!(variants(&rows), expected);

    let rust = &rows[0];
    for row in &rows[RUST.len()..] {
        assert_eq!(row["demo"], "thumbnail-maker");
        assert_eq!(count(row, "items"), 6, "{row}");
        let (ok, skipped, failed) = (
            count(row, "ok"),
            count(row, "skipped"),
            count(row, "errors"),
        );
        assert_eq!(ok + skipped + failed, 6, "{row}");
        // The server truncates the same photos for every client after a reset.
        assert_eq!(
            (ok, skipped, failed),
            (count(rust, "ok"), count(rust, "skipped"), 0),
            "{row}\n{rust}"
        );
        assert_eq!(row["extra"]["verified"], ok * 3, "{row}");
        assert_eq!(count(row, "workers"), 3, "{row}");
        let peak = count(row, "max_in_flight");
        assert!((1..=3).contains(&peak), "{row}");
    }
    let stderr = &run.stderr;
    assert!(
        stderr.contains("The same 6 images: Rust's fastest, ")
            && stderr.contains("; Python's fastest took "),
        "{stderr}"
    );
    let skipped = count(&rows[RUST.len()], "skipped") + count(&rows[RUST.len() + 1], "skipped");
    let line = format!(
        "Python: {} succeeded, {skipped} skipped, 0 failed (2 design(s) x 6 images)",
        12 - skipped
    );
    assert!(stderr.contains(&line), "{line}\n{stderr}");
}
