//! The tour of [`crate::lessons::channels`], [`crate::lessons::owned_bank`] and
//! [`crate::lessons::poison_pill`]: one row per pattern; with `--python`, the twin's
//! `queue.Queue` rows (`python/channels.py`) in the same table.

use std::time::Duration;

use anyhow::ensure;
use common::python::{PREFIX, twin_rows};
use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::bank::{ACCOUNTS, OPENING_BALANCE, plan};
use crate::lessons::channels::{backlog, first_before_deadline, mpsc_sum};
use crate::lessons::owned_bank::owned_bank;
use crate::lessons::poison_pill::poison_pill;

pub fn run(args: &CommonArgs, threads: usize, transfers: usize) -> anyhow::Result<()> {
    let mut table = Table::new("channels", args).different_work(); // one row per pattern
    let n = args.count_or(10_000, 1_000) as u64;

    let (sum, wall) = timed(|| mpsc_sum(4, n));
    say!("mpsc: 4 producers sent 1..={n} each, the consumer summed {sum}");
    ensure!(sum == 4 * n * (n + 1) / 2, "numbers lost");
    table.push(Row::new("std mpsc, 4 producers", 4 * n as usize, wall).workers(4));

    let items = args.count_or(200, 50) as u64;
    let consume = Duration::from_micros(args.pick(500, 100));
    for capacity in [Some(8), None] {
        let ((got, peak), wall) = timed(|| backlog(items, capacity, consume));
        let name = match capacity {
            Some(c) => format!("crossbeam bounded({c})"),
            None => "crossbeam unbounded".to_string(),
        };
        say!(
            "{name}: slow consumer got {} items, backlog peaked at {peak}",
            got.len()
        );
        ensure!(
            got == (0..items).collect::<Vec<_>>(),
            "items lost or reordered"
        );
        ensure!(
            capacity.is_none_or(|c| peak <= c),
            "bounded queue overfilled"
        );
        table.push(Row::new(name, items as usize, wall).extra("peak backlog", peak));
    }

    let step = Duration::from_millis(args.pick(10, 3));
    let ((arrived, late), wall) = timed(|| first_before_deadline(6, step, step * 5));
    say!("select!: results {arrived:?} came before the deadline, {late} too late");
    ensure!(
        arrived.len() + late as usize == 6,
        "results unaccounted for"
    );
    table.push(
        Row::new("crossbeam select! + after()", 6, wall).outcomes(common::Outcomes {
            ok: arrived.len() as u64,
            timed_out: Some(late as u64),
            ..Default::default()
        }),
    );

    let plan = plan(ACCOUNTS, threads, transfers, args.seed);
    let (balances, wall) = timed(|| owned_bank(ACCOUNTS, &plan));
    let total: i64 = balances?.iter().sum();
    say!("owner thread: {threads} threads sent {transfers} transfers each; total {total}");
    ensure!(
        total == ACCOUNTS as i64 * OPENING_BALANCE,
        "the bank lost money"
    );
    table.push(
        Row::new("bank owned by one thread", threads * transfers, wall)
            .workers(threads)
            .extra("total", total),
    );

    let workers = args.workers_or(4);
    let (result, wall) = timed(|| poison_pill(workers, n));
    let (sum, pills) = result?;
    say!("poison pill: {workers} workers squared 1..={n}, then {pills} pills stopped them");
    ensure!(sum == (1..=n).map(|k| k * k).sum::<u64>(), "jobs lost");
    ensure!(pills == workers, "{pills} pills taken by {workers} workers");
    table.push(Row::new("poison pill shutdown", n as usize, wall).workers(workers));
    let knobs = [
        ("--threads", threads),
        ("--transfers", transfers),
        ("--seed", args.seed as usize),
    ];
    let knobs: Vec<String> = knobs
        .iter()
        .flat_map(|(flag, n)| [flag.to_string(), n.to_string()])
        .collect();
    let python = twin_rows(args, env!("CARGO_MANIFEST_DIR"), "channels.py", &knobs);
    let with_python = !python.is_empty();
    for row in python {
        table.push(row);
    }
    table.print();
    if with_python && let Some(line) = comparison(&table) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: the backlogs of the bounded
/// and unbounded queues in both languages, and the results the deadline let through.
fn comparison(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let peak = |label: &str| find(label)?.extra.get("peak backlog")?.as_u64();
    let python = |label: &str| format!("{PREFIX}{label}");
    let arrived = |label: &str| {
        let row = find(label)?;
        Some(format!("{} of {}", row.outcomes.ok, row.items))
    };
    Some(format!(
        "The same patterns in CPython: a slow consumer's backlog peaked at {} behind \
         queue.Queue(maxsize=8) as at {} behind crossbeam bounded(8), against {} and {} unbounded; \
         {} results beat the deadline with get(timeout=), {} with select!, and the owner thread \
         and the pills lost nothing in either.",
        peak(&python("queue.Queue(maxsize=8)"))?,
        peak("crossbeam bounded(8)")?,
        peak(&python("queue.Queue() unbounded"))?,
        peak("crossbeam unbounded")?,
        arrived(&python("Queue.get(timeout=) deadline"))?,
        arrived("crossbeam select! + after()")?,
    ))
}
