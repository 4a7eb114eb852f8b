//! The tour of [`crate::lessons::starvation`].

use std::time::Duration;

use common::timing::fmt_duration;
use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::rwlock::Prefer;
use crate::lessons::starvation::writer_behind_readers;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let readers = args.workers_or(4);
    let hold = Duration::from_millis(args.pick(2, 1));
    let window = Duration::from_millis(args.pick(300, 60));
    say!(
        "{readers} readers hold the lock {} ms each, in turns that overlap, for {} ms; one writer",
        hold.as_millis(),
        window.as_millis()
    );

    // Both rows run for the same window: the lesson is the writer's wait, so the bar is on it.
    let mut table = Table::new("starvation", args)
        .different_work()
        .bar_on("writer's wait ms");
    let mut waits = Vec::new();
    for (name, prefer) in [
        ("prefers readers", Prefer::Readers),
        ("prefers writers", Prefer::Writers),
    ] {
        let (report, wall) = timed(|| writer_behind_readers(prefer, readers, hold, window));
        waits.push(report.writer_waited);
        say!(
            "{name:<23} the writer waited {:>9}, overtaken by {} reads",
            fmt_duration(report.writer_waited),
            report.reads_while_writer_waited
        );
        table.push(
            Row::new(name, report.reads as usize + 1, wall)
                .workers(readers + 1)
                .extra("writer's wait ms", report.writer_waited.as_secs_f64() * 1e3)
                .extra("reads overtaking it", report.reads_while_writer_waited),
        );
    }
    table.print();

    // What was claimed: the writer waited longer behind the reader-preferring lock.
    anyhow::ensure!(
        waits[1] < waits[0],
        "the writer-preferring lock kept the writer waiting longer: {waits:?}"
    );
    Ok(())
}
