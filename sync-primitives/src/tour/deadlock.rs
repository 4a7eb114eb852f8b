//! The tour of [`crate::lessons::deadlock`]; with `--python`, the twin's `acquire(timeout=)`
//! (`python/deadlock.py`) in the same table.

use std::time::Duration;

use common::python::{PREFIX, twin_rows};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::deadlock::{Attempt, global_order, opposite_order};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let bound = Duration::from_millis(args.pick(200, 50));
    let rounds = args.count_or(100_000, 10_000);
    // The first row deadlocks and gives up: no speedup against it, a bar on the work done.
    let mut table = Table::new("deadlock", args)
        .different_work()
        .bar_on("transfers done");

    say!("thread 1 locks a then b, thread 2 locks b then a, forced to interleave");
    let (attempts, wall) = timed(|| opposite_order(bound));
    let attempts = attempts?;
    let mut stuck = 0;
    for (i, attempt) in attempts.iter().enumerate() {
        match attempt {
            Attempt::Locked => say!("thread {} got both locks", i + 1),
            Attempt::Deadlock { waited } => {
                stuck += 1;
                say!(
                    "thread {}: deadlock detected after {} ms (it holds one lock, the other thread holds the second)",
                    i + 1,
                    waited.as_millis()
                );
            }
        }
    }
    table.push(
        Row::new("opposite order", 2, wall)
            .workers(2)
            .outcomes(Outcomes {
                ok: 2 - stuck,
                timed_out: Some(stuck),
                ..Outcomes::default()
            })
            .extra("transfers done", 2 - stuck),
    );

    say!("the fix: both threads lock a before b; {rounds} rounds of 7 from a to b and 3 back");
    let ((a, b), wall) = timed(|| global_order(rounds));
    table.push(
        Row::new("global lock order", 2 * rounds, wall)
            .workers(2)
            .outcomes(Outcomes {
                ok: 2 * rounds as u64,
                timed_out: Some(0),
                ..Outcomes::default()
            })
            .extra("transfers done", 2 * rounds),
    );
    let python = twin_rows(args, env!("CARGO_MANIFEST_DIR"), "deadlock.py", &[]);
    let with_python = !python.is_empty();
    for row in python {
        table.push(row);
    }
    table.print();
    if with_python && let Some(line) = comparison(&table) {
        say!("{line}");
    }

    // What was claimed: both threads of the first version were stuck, and the fix finished with
    // every transfer made: a net 4 moved from a to b per round, all of a's money in the end.
    anyhow::ensure!(
        stuck == 2,
        "expected both threads to deadlock, got {attempts:?}"
    );
    say!("with a global lock order: done, a = {a}, b = {b} (a net 4 moved to b per round)");
    anyhow::ensure!(
        (a, b) == (0, 4 * rounds as i64),
        "balances {a}, {b} after the fix"
    );
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: the threads each language
/// found stuck, and the transfers the lock order let through.
fn comparison(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: String| rows.iter().find(|r| r.variant == label);
    let stuck = |prefix: &str| {
        let row = find(format!("{prefix}opposite order"))?;
        Some(format!("{} of {}", row.outcomes.timed_out?, row.items))
    };
    let done = |prefix: &str| {
        let row = find(format!("{prefix}global lock order"))?;
        Some(format!("{} of {}", row.outcomes.ok, row.items))
    };
    Some(format!(
        "Opposite order deadlocked on every run in both languages ({} threads cut short by Rust's \
         try_lock deadline, {} by CPython's acquire(timeout=)), and a global lock order made {} \
         transfers in Rust and {} in CPython.",
        stuck("")?,
        stuck(PREFIX)?,
        done("")?,
        done(PREFIX)?,
    ))
}
