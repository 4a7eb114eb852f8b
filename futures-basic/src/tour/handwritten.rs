//! The tour of [`crate::lessons::executor`] and [`crate::lessons::timer`]: the countdown on a
//! busy executor and on a parking one.

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::countdown::tasks;
use crate::lessons::executor::countdown;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    // The countdown demo's tasks and delays, this time on our own Timer and executor.
    let scale = args.pick(0.25, 0.1);
    let tasks = tasks(scale);
    say!("the countdown again, with the hand-written Timer (one alarm thread per timer);");
    say!("the tasks share an Rc<RefCell<Vec>> for the finish order: they never leave this thread");

    let mut table = Table::new("handwritten", args);
    let mut runs = Vec::new();
    for (label, busy) in [
        ("busy loop, no-op waker", true),
        ("park until woken", false),
    ] {
        let ((order, stats), wall) = timed(|| countdown(&tasks, busy));
        say!(
            "{label:>22}: finished {}, {} polls, {} parks",
            order.join(" "),
            stats.polls,
            stats.parks
        );
        table.push(
            Row::new(label, tasks.len(), wall)
                .extra("finished", order.join(" "))
                .extra("polls", stats.polls)
                .extra("parks", stats.parks),
        );
        runs.push((order, stats));
    }
    table.print();

    // What was claimed: both finish in delay order; the parking executor polls each task at
    // most twice (once to start, once when woken), the busy one far more.
    let (busy, parked) = (&runs[0], &runs[1]);
    for (order, _) in &runs {
        anyhow::ensure!(order == &["C", "A", "D", "B"], "finished {order:?}");
    }
    let n = tasks.len() as u64;
    anyhow::ensure!(
        parked.1.polls <= 2 * n,
        "parking executor polled {:?}",
        parked.1
    );
    anyhow::ensure!(
        busy.1.polls > parked.1.polls,
        "busy executor polled {:?}",
        busy.1
    );
    Ok(())
}
