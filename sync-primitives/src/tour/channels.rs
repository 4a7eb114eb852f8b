//! The tour of [`crate::lessons::channels`], [`crate::lessons::owned_bank`] and
//! [`crate::lessons::poison_pill`]: one row per pattern.

use std::time::Duration;

use anyhow::ensure;
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
    table.print();
    Ok(())
}
