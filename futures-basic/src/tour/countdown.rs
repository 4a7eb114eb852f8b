//! The tour of [`crate::lessons::countdown`]: the four ways to combine the tasks, in one table,
//! with `--python` the twin's four asyncio ways below them (`python/countdown.py`).

use common::python::{PREFIX, twin_rows};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::countdown::{Variant, run_variant, tasks};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let tasks = tasks(args.pick(0.25, 0.1));
    let list: Vec<String> = tasks
        .iter()
        .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
        .collect();
    say!("tasks: {} (timers from futures-timer)", list.join(", "));

    let mut table = Table::new("countdown", args);
    let mut outcomes = Vec::new();
    for (label, variant) in [
        ("one after another", Variant::Sequential),
        ("join_all", Variant::JoinAll),
        ("FuturesUnordered", Variant::FuturesUnordered),
        ("select_all", Variant::SelectAll),
    ] {
        let (outcome, wall) = timed(|| run_variant(variant, &tasks));
        say!(
            "{label:>17}: finished {}, returned {}",
            outcome.finished.join(" "),
            outcome.returned.join(" ")
        );
        let done = outcome.finished.len() as u64;
        let cancelled = (variant == Variant::SelectAll).then_some(tasks.len() as u64 - done);
        let mut row = Row::new(label, tasks.len(), wall);
        if variant == Variant::SelectAll {
            row = row.other_work(); // it returns at the first task done, the rest cancelled
        }
        table.push(
            row.max_in_flight(outcome.peak_waiting)
                .outcomes(Outcomes {
                    ok: done,
                    cancelled,
                    ..Outcomes::default()
                })
                .extra("finished", outcome.finished.join(" "))
                .extra("returned", outcome.returned.join(" ")),
        );
        outcomes.push((outcome, wall));
    }
    // The same four tasks at the same scale (the twin's --quick picks it): asyncio's rows.
    for row in twin_rows(args, env!("CARGO_MANIFEST_DIR"), "countdown.py", &[]) {
        table.push(row);
    }
    table.print();
    if let Some(line) = comparison(&table) {
        say!("{line}");
    }

    // What was claimed: delay order when concurrent, call order from join_all, the first only
    // from select_all, and the sum of the delays only when one waits after another.
    let [
        (sequential, wall_sequential),
        (join, wall_join),
        (unordered, wall_unordered),
        (select, _),
    ] = &outcomes[..]
    else {
        anyhow::bail!("expected four outcomes");
    };
    anyhow::ensure!(
        sequential.finished == ["A", "B", "C", "D"],
        "{sequential:?}"
    );
    for concurrent in [join, unordered] {
        anyhow::ensure!(
            concurrent.finished == ["C", "A", "D", "B"],
            "{concurrent:?}"
        );
    }
    anyhow::ensure!(join.returned == ["A", "B", "C", "D"], "{join:?}");
    anyhow::ensure!(unordered.returned == ["C", "A", "D", "B"], "{unordered:?}");
    anyhow::ensure!(
        sequential.peak_waiting == 1 && join.peak_waiting == 4 && unordered.peak_waiting == 4,
        "one task should wait at a time one after another, all four at once otherwise"
    );
    anyhow::ensure!(
        select.returned == ["C"] && select.finished == ["C"],
        "{select:?}"
    );
    anyhow::ensure!(
        wall_sequential > wall_join && wall_sequential > wall_unordered,
        "waiting one after another should take longest"
    );
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's concurrent
/// rows against its own first row, and the order they finished in.
fn comparison(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let gather = find(&format!("{PREFIX}asyncio.gather"))?;
    let as_completed = find(&format!("{PREFIX}asyncio.as_completed"))?;
    let (join, unordered) = (find("join_all")?, find("FuturesUnordered")?);
    let finished = |r: &Row| {
        r.extra
            .get("finished")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_string()
    };
    let x = |r: &Row| format!("{:.1}x", table.speedup(r));
    Some(format!(
        "On one thread each, over awaiting the tasks one after another: Rust join_all {} and \
         FuturesUnordered {}, asyncio.gather {} and as_completed {}, finishing {} in Rust and {} \
         in Python.",
        x(join),
        x(unordered),
        x(gather),
        x(as_completed),
        finished(join),
        finished(gather),
    ))
}
