//! The `cost` demo's tour: three tables (start-up, a job's round trip, bulk data), each a
//! process against a thread, and the check that every byte and echo arrived.

use std::path::Path;
use std::time::Duration;

use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::cost::{
    process_first_reply, thread_first_reply, thread_round_trips, through_channel, through_pipe,
};
use crate::lessons::process_pool::Pool;
use crate::lessons::worker::{Answer, Task};

/// How long a worker may take to say it is ready (as long as the pool gives it).
const FIRST_REPLY_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Table 1: start one, hear from it, stop it.
    let n = args.count_or(20, 5);
    let (jobs, mb) = (n * 100, n * 16);
    say!(
        "{n} starts of a process and of a thread; {jobs} tiny jobs and {mb} MiB through pipes and through channels"
    );
    let mut start = Table::new("cost-start", args);
    let (done, wall) =
        timed(|| (0..n).try_for_each(|_| process_first_reply(exe, FIRST_REPLY_TIMEOUT)));
    done?;
    start.push(
        Row::new("process: start, first reply, exit", n, wall).extra("each µs", per(wall, n)),
    );
    let (done, wall) = timed(|| (0..n).try_for_each(|_| thread_first_reply()));
    done?;
    start
        .push(Row::new("thread: start, first reply, join", n, wall).extra("each µs", per(wall, n)));

    // With --python: the twin measures the same three things (a `multiprocessing.Process`, a
    // `Pool(1)`'s `apply`, a `Pipe`, against a thread and `queue.SimpleQueue`), with the same
    // counts; its rows go into the three tables below, by their labels.
    let extra = common::python::sizes(args, Some(n), None);
    let twin = common::python::twin_rows(args, env!("CARGO_MANIFEST_DIR"), "cost.py", &extra);
    let (twin_start, rest): (Vec<Row>, Vec<Row>) = twin
        .into_iter()
        .partition(|r| r.variant.contains("first reply"));
    let (twin_trip, twin_bulk): (Vec<Row>, Vec<Row>) = rest
        .into_iter()
        .partition(|r| r.variant.contains("job over"));
    twin_start.into_iter().for_each(|r| start.push(r));
    start.print();

    // Table 2: tiny jobs, one worker, so each job's round trip is all there is.
    let mut trip = Table::new("cost-job", args);
    let pool = Pool::new(exe, 1)?;
    let tasks = (0..jobs).map(|i| Task::Echo(i.to_string()));
    let (answers, wall) = timed(|| pool.map(tasks));
    pool.join();
    let echoed = answers
        .iter()
        .enumerate()
        .all(|(i, a)| matches!(a, Ok(f) if f.answer == Answer::Echo(i.to_string())));
    trip.push(
        Row::new("process pool: job over pipes", jobs, wall)
            .workers(1)
            .extra("each µs", per(wall, jobs)),
    );
    let (echoes, wall) = timed(|| thread_round_trips(jobs));
    trip.push(
        Row::new("thread: job over channels", jobs, wall)
            .workers(1)
            .extra("each µs", per(wall, jobs)),
    );
    twin_trip.into_iter().for_each(|r| trip.push(r));
    trip.print();
    if let Some(line) = against_python(&trip) {
        say!("{line}");
    }

    // Table 3: bulk data.
    let mut bulk = Table::new("cost-pipe", args);
    let (piped, wall) = timed(|| through_pipe(exe, mb));
    let piped = piped?;
    bulk.push(
        Row::new("pipe to a process (MiB)", mb, wall)
            .extra("MiB/s", mb as f64 / wall.as_secs_f64()),
    );
    let (sent, wall) = timed(|| through_channel(mb));
    let sent = sent?;
    bulk.push(
        Row::new("channel to a thread (MiB)", mb, wall)
            .extra("MiB/s", mb as f64 / wall.as_secs_f64()),
    );
    twin_bulk.into_iter().for_each(|r| bulk.push(r));
    bulk.print();

    // What was measured must also be right: every byte and every echo arrived.
    let bytes = (mb * 1024 * 1024) as u64;
    anyhow::ensure!(
        piped == bytes && sent == bytes,
        "bytes lost: {piped} and {sent} of {bytes}"
    );
    anyhow::ensure!(echoed && echoes == jobs, "a round trip came back wrong");
    Ok(())
}

/// The one sentence under the round-trip table when the twin's rows are there: what one job
/// costs over a process pool's pipes and between threads, in each language.
fn against_python(trip: &Table) -> Option<String> {
    let each = |label: &str| {
        let row = trip.rows().iter().find(|r| r.variant == label)?;
        row.extra.get("each µs")?.as_f64()
    };
    Some(format!(
        "one job's round trip: Rust {:.1} µs over a process pool's pipes (JSON lines), {:.1} µs \
         between threads (channels); CPython {:.1} µs through a Pool (pickled, two pipes), {:.1} \
         µs between threads (queues)",
        each("process pool: job over pipes")?,
        each("thread: job over channels")?,
        each("Python: process pool: job over pipes")?,
        each("Python: thread: job over queues")?,
    ))
}

/// Microseconds per item, rounded to a tenth.
fn per(wall: Duration, items: usize) -> f64 {
    (wall.as_secs_f64() * 1e6 / items as f64 * 10.0).round() / 10.0
}
