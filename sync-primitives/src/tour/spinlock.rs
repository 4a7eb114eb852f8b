//! The tour of [`crate::lessons::spinlock`].

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::spinlock::{mutex_count, spin_count};

pub fn run(args: &CommonArgs, threads: usize) -> anyhow::Result<()> {
    let per_thread = args.count_or(200_000, 20_000) as u64;
    say!("{threads} threads each add 1 to a shared counter {per_thread} times");

    let mut table = Table::new("spinlock", args);
    let expected = threads as u64 * per_thread;
    let mut totals = Vec::new();
    for (name, count) in [
        ("SpinLock (AtomicBool)", spin_count as fn(usize, u64) -> u64),
        ("std::sync::Mutex", mutex_count),
    ] {
        let (total, wall) = timed(|| count(threads, per_thread));
        totals.push(total);
        table.push(
            Row::new(name, expected as usize, wall)
                .workers(threads)
                .extra("total", total),
        );
    }
    table.print();

    // What was claimed: both locks count every increment, none lost.
    anyhow::ensure!(
        totals.iter().all(|&t| t == expected),
        "lost increments: {totals:?}, expected {expected}"
    );
    say!("both counted {expected}: no increment lost");
    Ok(())
}
