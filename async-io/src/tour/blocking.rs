//! The blocking tour: the ticker beside each kind of job on one worker thread, then the mutex
//! fixes.

use std::time::Duration;

use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::blocking::{Job, measure};
use crate::lessons::mutex_across_await::{async_mutex, scoped_guard};

#[tokio::main(flavor = "current_thread")]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let period = Duration::from_millis(args.pick(10, 5));
    let run_for = Duration::from_millis(args.pick(300, 80));
    let block = Duration::from_millis(args.pick(200, 50));
    say!(
        "one worker thread; a ticker every {} ms for {} ms, beside a job that blocks for {} ms",
        period.as_millis(),
        run_for.as_millis(),
        block.as_millis()
    );

    // Every row runs for the same time: the lesson is the ticker's longest gap.
    let mut table = Table::new("blocking", args)
        .different_work()
        .bar_on("longest gap ms");
    let variants = [
        ("ticker alone", Job::None),
        ("thread::sleep in a task", Job::SleepInTask),
        ("CPU loop in a task", Job::SpinInTask),
        ("thread::sleep in spawn_blocking", Job::SleepInSpawnBlocking),
        ("CPU loop in spawn_blocking", Job::SpinInSpawnBlocking),
    ];
    let mut gaps = Vec::new();
    for (label, job) in variants {
        let ticks = measure(job, period, run_for, block).await?;
        let outcomes = Outcomes {
            ok: ticks.ticked,
            skipped: Some(ticks.expected - ticks.ticked),
            ..Outcomes::default()
        };
        let row = Row::new(label, ticks.expected as usize, run_for).outcomes(outcomes);
        table.push(row.extra("longest gap ms", ticks.longest_gap.as_millis() as u64));
        gaps.push(ticks.longest_gap);
    }
    table.print();
    say!("(items are the ticker's ticks: ok = on time, skip = missed)");
    say!(
        "one worker, so a job blocking it stalls the ticker for the whole call; on a multi-thread"
    );
    say!("runtime the other workers can take the ticker, and the stall is only partial");
    say!("spawn_blocking gives the job its own thread; a CPU-bound job still needs a free core,");
    say!("and CPU work that is itself parallel belongs on a rayon pool sized to the cores");

    let tasks = 100;
    let (fix1, fix2) = (scoped_guard(tasks).await?, async_mutex(tasks).await?);
    say!("std Mutex, guard scoped before .await: {fix1}/{tasks} increments");
    say!("tokio::sync::Mutex held across .await: {fix2}/{tasks} increments");

    // What was claimed: a job blocking the only worker freezes the ticker for at least as long
    // as it blocks; the mutex fixes lose no increment.
    anyhow::ensure!(
        gaps[1] >= block && gaps[2] >= block,
        "the blocking job did not stall the ticker"
    );
    anyhow::ensure!(
        fix1 == tasks as u64 && fix2 == tasks as u64,
        "an increment was lost"
    );
    Ok(())
}
