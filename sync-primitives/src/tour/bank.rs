//! The tour of [`crate::lessons::bank`] and [`crate::lessons::bank_locks`]: the racy bank and
//! the two locked ones, on the same plan; with `--python`, the twin's threads (`python/bank.py`).

use common::python::{PREFIX, twin_rows};
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
    let knobs = [
        ("--threads", threads),
        ("--transfers", transfers),
        ("--seed", args.seed as usize),
    ];
    let knobs: Vec<String> = knobs
        .iter()
        .flat_map(|(flag, n)| [flag.to_string(), n.to_string()])
        .collect();
    for row in twin_rows(args, env!("CARGO_MANIFEST_DIR"), "bank.py", &knobs) {
        table.push(row);
    }
    table.print();
    if let Some(line) = comparison(&table) {
        say!("{line}");
    }

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

/// The one sentence under the table when the twin's rows are there: the money each racy row
/// made, CPython's plain race against its forced one, and the locks in both languages.
fn comparison(table: &Table) -> Option<String> {
    let rows = table.rows();
    let made = |label: &str| {
        rows.iter()
            .find(|r| r.variant == label)
            .and_then(|r| r.extra.get("money made"))
            .and_then(|v| v.as_i64())
    };
    let python = |label: &str| made(&format!("{PREFIX}{label}"));
    let rust_racy = made("racy (atomic load, then store)")?;
    let plain = python("racy: balance -= amount")?;
    let forced = python("racy: read, sleep(0), write")?;
    let locks = [
        made("one global Mutex")?,
        made("a Mutex per account, in order")?,
        python("one global Lock")?,
        python("a Lock per account, in order")?,
    ];
    let plain = if plain == 0 {
        "kept the total (CPython 3.10+ hands the GIL over only at calls and backward jumps, so \
         the race rarely shows without a forced switch)"
            .to_string()
    } else {
        format!("made {plain:+} here (a free-threaded build, or a switch inside the update)")
    };
    let kept = if locks == [0; 4] {
        "every lock kept the total in both languages"
    } else {
        "a lock lost money"
    };
    Some(format!(
        "Rust's racy bank made {rust_racy:+}; CPython's plain `balance -= amount` {plain}, its \
         read, sleep(0), write race made {forced:+}, and {kept}."
    ))
}
