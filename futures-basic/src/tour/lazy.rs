//! The tour of [`crate::lessons::lazy`]: each stage stamped with the time it happened; with
//! `--python`, a table of the stages in both languages (the twin is `python/lazy.py`).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use common::python::{PREFIX, twin_rows};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::lazy::{Stages, stages};

/// The steps of one brew (boil water, steep, pour).
const STEPS: u32 = 3;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let pause = args.pick(Duration::from_millis(200), Duration::from_millis(20));
    let started = Instant::now();
    // When each stage's line was logged, for the table's wall times.
    let marks = RefCell::new(Vec::new());
    // The lesson's lines, each with the time since the start in front (after its indent).
    let log = |line: &str| {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        if indent.is_empty() {
            marks.borrow_mut().push(Instant::now());
        }
        say!("{indent}[{:.2} s] {text}", started.elapsed().as_secs_f64());
    };
    let stages = stages(pause, log)?;
    let ended = Instant::now();
    say!(
        "a second future, dropped unpolled: {} steps run",
        stages.dropped_unpolled
    );

    // What was claimed: nothing before the first poll, one step per poll until a pause, all of
    // it under block_on, and nothing at all for a future nobody polled.
    let expected = Stages {
        after_build: 0,
        after_one_poll: 1,
        after_block_on: 3,
        dropped_unpolled: 0,
    };
    anyhow::ensure!(stages == expected, "expected {expected:?}, saw {stages:?}");

    // The table only with --python: the stages side by side with the twin's.
    let python = twin_rows(args, env!("CARGO_MANIFEST_DIR"), "lazy.py", &[]);
    if python.is_empty() {
        return Ok(());
    }
    let marks = marks.into_inner();
    anyhow::ensure!(
        marks.len() == 3,
        "expected three stage lines, saw {marks:?}"
    );
    let mut table = Table::new("lazy", args).different_work();
    let stage_rows = [
        (
            "built, not run yet",
            "brew(..)",
            stages.after_build,
            started,
            marks[0],
        ),
        (
            "one step by hand",
            "poll() once",
            stages.after_one_poll,
            marks[0],
            marks[1],
        ),
        (
            "run to the end",
            "block_on(fut)",
            stages.after_block_on,
            marks[1],
            marks[2],
        ),
        (
            "dropped without running",
            "drop(brew(..))",
            stages.dropped_unpolled,
            marks[2],
            ended,
        ),
    ];
    for (label, call, steps, from, to) in stage_rows {
        table.push(steps_row(label, steps, to - from).extra("call", call));
    }
    for row in python {
        table.push(row);
    }
    table.print();
    if let Some(line) = comparison(&table) {
        say!("{line}");
    }
    Ok(())
}

/// A stage as a row: the brew's steps, those run so far ok, the rest skipped.
fn steps_row(label: &str, steps: u32, wall: Duration) -> Row {
    Row::new(label, STEPS as usize, wall).outcomes(Outcomes {
        ok: steps.into(),
        skipped: Some((STEPS - steps.min(STEPS)).into()),
        ..Outcomes::default()
    })
}

/// The one sentence under the table: the steps each language had run at each stage, and what
/// the pool's submitted job did with nobody waiting for it.
fn comparison(table: &Table) -> Option<String> {
    let rows = table.rows();
    let steps = |prefix: &str| {
        let labels = [
            "built, not run yet",
            "one step by hand",
            "run to the end",
            "dropped without running",
        ];
        let ok: Vec<String> = labels
            .iter()
            .map(|label| {
                let label = format!("{prefix}{label}");
                rows.iter()
                    .find(|r| r.variant == label)
                    .map(|r| r.outcomes.ok.to_string())
            })
            .collect::<Option<_>>()?;
        Some(ok.join(", "))
    };
    let submitted = rows
        .iter()
        .find(|r| r.variant == format!("{PREFIX}submitted, never waited for"))?;
    Some(format!(
        "Steps run when built, after one step by hand, run to the end and dropped: Rust's future \
         {}, CPython's coroutine {} (both lazy), while the job given to pool.submit ran {} of {} \
         with nobody waiting for it.",
        steps("")?,
        steps(PREFIX)?,
        submitted.outcomes.ok,
        submitted.items,
    ))
}
