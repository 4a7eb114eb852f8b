//! The `executors` demo's tour: CPU and tiny jobs on both executors against one after another,
//! the abort on each, the tables, and where each wins.

use std::path::Path;
use std::time::{Duration, Instant};

use common::timing::fmt_duration;
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::abort::{abort_jobs, threads_abort};
use crate::lessons::executors::{Kind, start};
use crate::lessons::primes::numbers;
use crate::lessons::worker::{Task, execute};

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    let workers = args.workers_or(common::report::cores());
    let cpu: Vec<Task> = numbers(args.count_or(400, 24))
        .into_iter()
        .map(Task::IsPrime)
        .collect();
    let tiny: Vec<Task> = (0..cpu.len() * 20)
        .map(|i| Task::Echo(i.to_string()))
        .collect();
    let aborting = args.pick(12, 6);
    say!(
        "{} CPU jobs, {} tiny jobs, and {aborting} CPU jobs of which job {} aborts; {workers} workers",
        cpu.len(),
        tiny.len(),
        aborting / 3
    );

    // Each kind of job gets its own table, measured against running its jobs one after another.
    let mut kinds = [("cpu", "CPU", &cpu), ("tiny", "tiny", &tiny)].map(|(name, label, jobs)| {
        let (expected, wall) = timed(|| jobs.iter().cloned().map(execute).collect::<Vec<_>>());
        let mut table = Table::new(&format!("executors-{name}"), args);
        let row = Row::new(format!("{label}: one after another"), jobs.len(), wall);
        table.push(row.extra("per job", per_job(wall, jobs.len())));
        (table, label, jobs, expected)
    });
    for (kind, name) in [
        (Kind::Threads, "thread pool"),
        (Kind::Processes, "process pool"),
    ] {
        let watch = Instant::now();
        let executor = start(kind, workers, exe)?;
        let startup = watch.elapsed();
        for (table, label, jobs, expected) in &mut kinds {
            let (outcomes, wall) = timed(|| executor.map(jobs.to_vec()));
            anyhow::ensure!(outcomes == *expected, "the {name} got {label} jobs wrong");
            let row = Row::new(format!("{label}: {name} ({workers})"), jobs.len(), wall);
            let row = row
                .workers(workers)
                .extra("per job", per_job(wall, jobs.len()));
            table.push(row.extra("pool start-up", fmt_duration(startup)));
        }
    }

    // The abort: on threads in a child process (it takes its whole process down), then on processes.
    // Two different fates, not two speeds of the same work: no speedup between them.
    let mut abort = Table::new("executors-abort", args).different_work();
    let (reported, wall) = timed(|| threads_abort(exe, aborting, workers));
    let (done, failed, status) = reported?;
    let lost = aborting - done - failed;
    say!("abort: thread pool: {done} done, {failed} failed, {lost} never reported; {status}");
    anyhow::ensure!(
        !status.success() && failed == 0 && done <= aborting / 3,
        "the thread pool survived the abort ({status})"
    );
    let outcomes = Outcomes {
        ok: done as u64,
        errors: Some((aborting - done) as u64),
        ..Outcomes::default()
    };
    let row = Row::new(format!("abort: thread pool ({workers})"), aborting, wall);
    let row = row.workers(workers).outcomes(outcomes);
    let row = row.extra("never reported", lost);
    abort.push(row.extra("the program", status.to_string()));

    let executor = start(Kind::Processes, workers, exe)?;
    let (results, wall) = timed(|| executor.map(abort_jobs(aborting)));
    drop(executor); // joins the pool: every worker, the dead one included, is reaped
    for (i, result) in results.iter().enumerate() {
        if let Err(why) = result {
            say!("abort: process pool: job {i}: {why}");
        }
    }
    let failed = results.iter().filter(|r| r.is_err()).count();
    anyhow::ensure!(
        failed == 1 && results[aborting / 3].is_err(),
        "the process pool lost more than the aborting job"
    );
    let outcomes = Outcomes {
        ok: (aborting - failed) as u64,
        errors: Some(failed as u64),
        ..Outcomes::default()
    };
    let row = Row::new(format!("abort: process pool ({workers})"), aborting, wall);
    let row = row.workers(workers).outcomes(outcomes);
    let row = row.extra("never reported", 0);
    abort.push(row.extra("the program", "carried on"));

    // With --python: the same three tables from `ThreadPoolExecutor` and `ProcessPoolExecutor`
    // (a twentieth of the CPU jobs: CPython checks each number far more slowly), its rows
    // going into each table by their labels' first word.
    let extra = common::python::sizes(args, Some(cpu.len()), Some(workers));
    let twin = common::python::twin_rows(args, env!("CARGO_MANIFEST_DIR"), "executors.py", &extra);
    for row in twin {
        let table = match row.variant.trim_start_matches(common::python::PREFIX) {
            v if v.starts_with("CPU:") => &mut kinds[0].0,
            v if v.starts_with("tiny:") => &mut kinds[1].0,
            _ => &mut abort,
        };
        table.push(row);
    }
    for (table, ..) in &kinds {
        table.print();
    }
    abort.print();

    // Where each wins, read off the tables above.
    let [(cpu_table, ..), (tiny_table, ..)] = &kinds;
    let speedup = |t: &Table, i: usize| t.speedup(&t.rows()[i]);
    let tiny_ratio = speedup(tiny_table, 1) / speedup(tiny_table, 2);
    say!(
        "where each wins: CPU-bound, both ({:.1}x on threads, {:.1}x on processes; about {}x on \
         idle cores); a job that aborts, processes ({} of {aborting} done, where the thread \
         pool's program died after {done}); tiny jobs, threads ({tiny_ratio:.0}x the pipes' speed)",
        speedup(cpu_table, 1),
        speedup(cpu_table, 2),
        workers.min(common::report::cores()),
        aborting - failed,
    );
    if let Some(line) = against_python(cpu_table, tiny_table, &abort) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the tables when the twin's rows are there: where each of CPython's
/// executors wins, read off its own rows.
fn against_python(cpu: &Table, tiny: &Table, abort: &Table) -> Option<String> {
    let find = |t: &'_ Table, start: &str| {
        let start = format!("{}{start}", common::python::PREFIX);
        t.rows()
            .iter()
            .find(|r| r.variant.starts_with(&start))
            .cloned()
    };
    let (threads, procs) = (
        find(cpu, "CPU: thread pool")?,
        find(cpu, "CPU: process pool")?,
    );
    let (tiny_threads, tiny_procs) = (
        find(tiny, "tiny: thread pool")?,
        find(tiny, "tiny: process pool")?,
    );
    let broken = find(abort, "abort: process pool")?;
    let why = match threads.variant.contains("free-threaded") {
        true => "free-threaded",
        false => "the GIL",
    };
    Some(format!(
        "CPython: CPU-bound, processes ({:.1}x on threads under {why}, {:.1}x on processes); \
         tiny jobs, threads ({:.0}x the pipes' speed); a job that aborts broke the \
         ProcessPoolExecutor ({} of {} jobs raised BrokenProcessPool) and killed the thread \
         pool's program",
        cpu.speedup(&threads),
        cpu.speedup(&procs),
        tiny.speedup(&tiny_threads) / tiny.speedup(&tiny_procs),
        broken.outcomes.errors.unwrap_or(0),
        broken.items,
    ))
}

fn per_job(wall: Duration, jobs: usize) -> String {
    let each = wall / jobs.max(1) as u32;
    if each < Duration::from_micros(100) {
        format!("{:.2} µs", each.as_secs_f64() * 1e6)
    } else {
        fmt_duration(each)
    }
}
