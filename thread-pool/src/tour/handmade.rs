//! The tour of [`crate::lessons::handmade`]: flag downloads on the hand-made pool, a panicking
//! job, `shutdown` with everything queued and `shutdown_now` with everything queued.

use std::thread;
use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::flags::{agent, get_flag};
use crate::lessons::handmade::ThreadPool;
use crate::lessons::job_handle::{JobError, JobHandle};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let workers = args.workers_or(4);
    let latency = args.latency_or(100, 10);
    let server = Server::start(args, Faults::from_args(args, 100, 10))?;
    let agent = agent(latency * 2 + Duration::from_secs(5), workers);
    let codes = country_codes(count);
    say!(
        "{count} flag downloads of {} ms on a hand-made pool of {workers} threads",
        latency.as_millis()
    );

    // Each job downloads one flag and says which worker ran it.
    let job = |cc: &'static str| {
        let (agent, url) = (agent.clone(), server.flag_url(cc));
        move || -> Result<String, ureq::Error> {
            get_flag(&agent, &url)?;
            Ok(format!("{cc}@{}", thread::current().name().unwrap_or("?")))
        }
    };
    let mut table = Table::new("handmade", args);

    // Submit everything, then join the handles in submission order: `executor.map`.
    server.reset_stats()?;
    let pool = ThreadPool::new(workers)?;
    let ((outcomes, ran), wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        join_all(handles)
    });
    say!("who ran what: {}", ran.join(" "));
    let peak = server.stats()?.max_in_flight;
    table.push(
        Row::new(format!("submit + join ({workers})"), count, wall)
            .workers(workers)
            .max_in_flight(peak)
            .outcomes(outcomes),
    );

    // A panicking job: its handle reports the panic, the worker lives on.
    let boom = pool.submit(|| -> u32 { panic!("job 13 failed") }).join();
    let after = pool.submit(|| 6 * 7).join();
    say!("panicking job: {boom:?}; the next job on the same pool: {after:?}");
    anyhow::ensure!(
        matches!(boom, Err(JobError::Panicked(_))) && after == Ok(42),
        "the panic escaped"
    );

    // `shutdown` with everything still queued: every job runs.
    server.reset_stats()?;
    let (outcomes, wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        pool.shutdown();
        join_all(handles).0
    });
    table.push(
        Row::new("shutdown(): drain", count, wall)
            .workers(workers)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes),
    );
    anyhow::ensure!(
        outcomes.cancelled == Some(0),
        "shutdown dropped queued jobs: {outcomes:?}"
    );

    // `shutdown_now` with everything still queued: the running jobs finish, the rest never start.
    server.reset_stats()?;
    let pool = ThreadPool::new(workers)?;
    let ((outcomes, cancelled), wall) = timed(|| {
        let handles: Vec<_> = codes.iter().map(|cc| pool.submit(job(cc))).collect();
        thread::sleep(latency / 2); // let the workers pick up their first jobs
        let cancelled = pool.shutdown_now();
        (join_all(handles).0, cancelled)
    });
    say!("shutdown_now() cancelled {cancelled} of {count} queued jobs");
    table.push(
        Row::new("shutdown_now(): cancel", count, wall)
            .other_work() // it ran only some of the jobs
            .workers(workers)
            .max_in_flight(server.stats()?.max_in_flight)
            .outcomes(outcomes),
    );
    table.print();
    anyhow::ensure!(
        outcomes.cancelled == Some(cancelled as u64),
        "handles and pool disagree: {outcomes:?}"
    );
    Ok(())
}

/// Joins every handle, in order: the ok results, and how all of them ended.
fn join_all<E>(handles: Vec<JobHandle<Result<String, E>>>) -> (Outcomes, Vec<String>) {
    let (mut ok, mut errors, mut cancelled) = (Vec::new(), 0, 0);
    for handle in handles {
        match handle.join() {
            Ok(Ok(who)) => ok.push(who),
            Ok(Err(_)) | Err(JobError::Panicked(_)) => errors += 1,
            Err(JobError::Cancelled) => cancelled += 1,
        }
    }
    let outcomes = Outcomes {
        ok: ok.len() as u64,
        errors: Some(errors),
        cancelled: Some(cancelled),
        ..Outcomes::default()
    };
    (outcomes, ok)
}
