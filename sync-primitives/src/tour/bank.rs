//! The tour of [`crate::lessons::bank`] and [`crate::lessons::bank_locks`]: the racy bank and
//! the two locked ones, on the same plan.

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::bank::{ACCOUNTS, OPENING_BALANCE, plan, racy};
use crate::lessons::bank_locks::{global_lock, per_account_locks};

pub fn run(args: &CommonArgs, threads: usize, transfers: usize) -> anyhow::Result<()> {
    let plan = plan(ACCOUNTS, threads, transfers, args.seed);
    let expected = ACCOUNTS as i64 * OPENING_BALANCE;
    say!("{ACCOUNTS} accounts of {OPENING_BALANCE}, {threads} threads x {transfers} transfers");
    say!("the bank's total must stay {expected}");

    let mut table = Table::new("bank", args).bar_on("money made");
    let row = |name: &str, balances: &[i64], wall| {
        let total: i64 = balances.iter().sum();
        say!("{name:<31} total {total:>6}  ({:+} made)", total - expected);
        Row::new(name, threads * transfers, wall)
            .workers(threads)
            .extra("total", total)
            .extra("money made", total - expected)
    };

    let (racy, wall) = timed(|| racy(ACCOUNTS, &plan));
    table.push(row("racy (atomic load, then store)", &racy.balances, wall));
    let (global, wall) = timed(|| global_lock(ACCOUNTS, &plan));
    table.push(row("one global Mutex", &global, wall));
    let (ordered, wall) = timed(|| per_account_locks(ACCOUNTS, &plan));
    let ordered = ordered?;
    table.push(row("a Mutex per account, in order", &ordered, wall));
    table.print();

    // What was claimed: the forced first round breaks the racy total whenever two threads race
    // (later races add or take away more, at random); the locked banks keep it exactly.
    let forced = racy.total_after_first - expected;
    say!("the racy bank was already {forced:+} after the forced first round");
    if threads < 2 {
        say!("with one thread there is nobody to race with: the racy bank is right by luck");
    }
    anyhow::ensure!(threads < 2 || forced != 0, "the racy bank kept its total");
    for balances in [&global, &ordered] {
        let total: i64 = balances.iter().sum();
        anyhow::ensure!(total == expected, "a locked bank ended with {total}");
    }
    Ok(())
}
