//! The `pool` demo's tour: one conversation shown line by line, then the pool's three ways of
//! waiting in a table, `map`'s order, `join`'s exits, and the checks.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::anyhow;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::pool::{self as lesson, conversation};
use crate::lessons::process_pool::{JobError, Pool};
use crate::lessons::worker::{Answer, Task};

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Step 0: what travels over the pipes.
    let (lines, status) = conversation(exe)?;
    lines.iter().for_each(|line| say!("{line}"));
    say!("the worker exited: {status}");
    anyhow::ensure!(lines.len() == 4 && status.success(), "{lines:?} {status}");

    let workers = args.workers_or(3);
    let jobs = args.count_or(12, 6);
    let ms = args.latency_or(50, 20).as_millis() as u64;
    let pool = Pool::new(exe, workers)?;
    say!(
        "a pool of {workers} worker processes: pids {:?}",
        pool.pids()
    );
    let mut table = Table::new("pool", args);

    let sleeps = || (0..jobs).map(|_| Task::Sleep(ms)).collect::<Vec<_>>();

    // Variant 1: apply_async, then get() at once: only one job is ever in a worker.
    let (results, wall) = timed(|| lesson::get_each_in_turn(&pool, sleeps()));
    let pids: BTreeSet<u32> = results?.iter().map(|f| f.pid).collect();
    let row = Row::new("get each before the next", jobs, wall).workers(workers);
    table.push(row.max_in_flight(1).extra("pids used", pids.len()));

    // Variant 2: apply_async every job first, then get() each handle.
    let (results, wall) = timed(|| lesson::submit_all_then_get(&pool, sleeps()));
    let pids: BTreeSet<u32> = results?.iter().map(|f| f.pid).collect();
    let row = Row::new("apply_async all, then get", jobs, wall).workers(workers);
    table.push(
        row.max_in_flight(workers as u64)
            .extra("pids used", pids.len()),
    );

    // Variant 3: map, with one job that fails: its error lands in its own slot only.
    let mut tasks: Vec<Task> = (0..jobs).map(|_| Task::Sleep(ms)).collect();
    tasks[1] = Task::Fail("job 2 fails on purpose".into());
    let (results, wall) = timed(|| pool.map(tasks));
    if let Some(Err(e)) = results.get(1) {
        say!("map: slot 2 came back as Err: {e}");
    }
    let failed = results.iter().filter(|r| r.is_err()).count();
    let outcomes = Outcomes {
        ok: (jobs - failed) as u64,
        errors: Some(failed as u64),
        ..Outcomes::default()
    };
    let pids: BTreeSet<u32> = results.iter().flatten().map(|f| f.pid).collect();
    let row = Row::new("map (one job fails)", jobs, wall).workers(workers);
    table.push(
        row.max_in_flight(workers as u64)
            .outcomes(outcomes)
            .extra("pids used", pids.len()),
    );
    table.print();

    // map keeps the input order, whichever worker finished first.
    let numbers: Vec<u64> = (1..=20).collect();
    let answers = pool.map(numbers.iter().map(|&n| Task::IsPrime(n)));
    let primes: Vec<u64> = numbers
        .iter()
        .zip(&answers)
        .filter(|(_, a)| matches!(a, Ok(f) if f.answer == Answer::Prime(true)))
        .map(|(n, _)| *n)
        .collect();
    say!("map(is_prime, 1..=20) kept the input order: primes {primes:?}");

    // close + join: the sentinel, then wait for every worker.
    let report = pool.join();
    for exit in &report.exits {
        say!("worker {} stopped: {}", exit.pid, exit.status);
    }

    // What was claimed, checked.
    anyhow::ensure!(
        matches!(&results[1], Err(JobError::Failed(_))),
        "the failing job was not reported at its handle"
    );
    anyhow::ensure!(failed == 1, "{failed} jobs failed, expected 1");
    anyhow::ensure!(
        primes == [2, 3, 5, 7, 11, 13, 17, 19],
        "wrong primes {primes:?}"
    );
    anyhow::ensure!(report.exits.len() == workers, "not every worker was reaped");
    if let Some(bad) = report.bad_exits().first() {
        return Err(anyhow!("worker {} exited badly: {}", bad.pid, bad.status));
    }
    Ok(())
}
