//! `--python`: the tour's binary with the twins (`python/*.py`), and without an interpreter.
//! `cargo test` needs no Python: the test that runs the twins skips, with a note, without one.

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::Row;
use common::python::{PREFIX, find_interpreter, parse_rows};

/// Runs the tour's binary with `args`, `--quick --json` and the `PYTHON` given (or the
/// environment's), killing it after a minute: (exit success, stdout rows, stderr).
fn run(args: &[&str], python: Option<&str>) -> (bool, Vec<Row>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_futures-basic"));
    command
        .args(args)
        .args(["--quick", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(python) = python {
        command.env("PYTHON", python);
    }
    let mut child = command.spawn().unwrap();
    let read = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("futures-basic {args:?} still running after 60 s: killed");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    // Every line of stdout is a row whose outcomes add up (parse_rows refuses any other); it
    // labels every row as a twin's, so take that one prefix off again.
    let mut rows = parse_rows(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}"));
    for row in &mut rows {
        row.variant = row.variant[PREFIX.len()..].to_string();
    }
    (status.success(), rows, stderr)
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
