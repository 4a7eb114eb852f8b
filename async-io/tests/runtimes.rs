//! Tests of the runtimes demo: every download completes on either runtime with all of them in
//! flight at once (the server's rendezvous proves it, not a clock), current_thread runs
//! everything on one thread, and the multi-thread runtime and `spawn_blocking` run CPU jobs at
//! the same time.

mod support;

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use async_io::lessons::cpu_jobs::{cpu_as_tasks, cpu_on_blocking_pool, is_prime};
use async_io::lessons::runtimes::{current_thread, download_all, multi_thread};
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use tokio::runtime::Runtime;

fn distinct<T>(results: &[(T, ThreadId)]) -> usize {
    results
        .iter()
        .map(|(_, id)| *id)
        .collect::<HashSet<_>>()
        .len()
}

fn downloads_all_in_flight(runtime: &Runtime, n: usize) -> (u64, usize) {
    // Every answer waits until all n requests have arrived (or 20 s pass, which fails the test).
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: Faults {
            rendezvous: Some(Rendezvous {
                count: n as u64,
                timeout_ms: 20_000,
            }),
            ..Faults::default()
        },
        ..ServerConfig::default()
    })
    .unwrap();
    let urls: Vec<String> = common::data::country_codes(n)
        .iter()
        .map(|cc| format!("{0}/flags/{1}/{1}.gif", server.url(), cc.to_lowercase()))
        .collect();
    let ends = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        download_all(&client, &urls).await
    });
    assert_eq!(ends.len(), n);
    for (got, _) in &ends {
        assert!(got.as_ref().is_ok_and(|&size| size > 0), "{got:?}");
    }
    let threads: HashSet<_> = ends
        .iter()
        .map(|(_, id)| id.expect("no task panicked"))
        .collect();
    let stats = server.stats();
    assert_eq!(stats.requests, n as u64);
    assert_eq!(stats.status(200), n as u64);
    (stats.max_in_flight, threads.len())
}

#[test]
fn one_thread_keeps_every_download_in_flight_at_once() {
    let (peak, threads) = downloads_all_in_flight(&current_thread().unwrap(), 50);
    assert_eq!(peak, 50);
    assert_eq!(
        threads, 1,
        "current_thread ran tasks on more than one thread"
    );
}

#[test]
fn the_multi_thread_runtime_downloads_the_same() {
    let (peak, threads) = downloads_all_in_flight(&multi_thread(2).unwrap(), 50);
    assert_eq!(peak, 50);
    assert!(
        threads <= 2,
        "{threads} worker threads ran tasks on a 2-worker runtime"
    );
}

/// A job that waits (up to 20 s) until `n` jobs are inside it at once, and says whether they
/// were: it returns true only if `n` jobs really ran at the same time.
fn meet(n: usize) -> impl Fn(usize) -> bool + Send + Sync + 'static {
    let inside = Arc::new((Mutex::new(0), Condvar::new()));
    move |_| {
        let (count, arrived) = &*inside;
        let mut count = count.lock().unwrap();
        *count += 1;
        arrived.notify_all();
        let (count, _) = arrived
            .wait_timeout_while(count, Duration::from_secs(20), |c| *c < n)
            .unwrap();
        *count >= n
    }
}

#[test]
fn cpu_tasks_run_one_at_a_time_on_current_thread() {
    // Jobs that count how many run at once: on one thread, never more than one.
    let now = Arc::new(Mutex::new((0, 0)));
    let job = {
        let now = Arc::clone(&now);
        move |i: usize| {
            now.lock()
                .map(|mut n| {
                    n.0 += 1;
                    n.1 = n.1.max(n.0)
                })
                .unwrap();
            let primes = (0..20_000u64).filter(|&k| is_prime(k)).count() + i;
            now.lock().map(|mut n| n.0 -= 1).unwrap();
            primes
        }
    };
    let results = current_thread()
        .unwrap()
        .block_on(cpu_as_tasks(8, job))
        .unwrap();
    // 2,262 primes below 20,000, plus the job's index: results come back in job order.
    let values: Vec<usize> = results.iter().map(|(v, _)| *v).collect();
    assert_eq!(values, (0..8).map(|i| 2_262 + i).collect::<Vec<_>>());
    assert_eq!(distinct(&results), 1);
    assert_eq!(now.lock().unwrap().1, 1);
}

#[test]
fn cpu_tasks_run_at_once_on_the_multi_thread_runtime() {
    let results = multi_thread(2)
        .unwrap()
        .block_on(cpu_as_tasks(2, meet(2)))
        .unwrap();
    assert!(
        results.iter().all(|(met, _)| *met),
        "the 2 jobs never ran at the same time"
    );
    assert_eq!(distinct(&results), 2);
}

#[test]
fn spawn_blocking_runs_jobs_at_once_even_beside_a_current_thread_runtime() {
    let results = current_thread()
        .unwrap()
        .block_on(cpu_on_blocking_pool(4, meet(4)))
        .unwrap();
    assert!(
        results.iter().all(|(met, _)| *met),
        "the 4 jobs never ran at the same time"
    );
    assert_eq!(distinct(&results), 4);
}

#[test]
fn the_demo_accounts_for_every_download_and_job() {
    let rows = support::json_rows(
        Command::new(support::EXE).args(["runtimes", "--quick", "--count", "40"]),
    );
    assert_eq!(rows.len(), 6, "{rows:?}");
    for row in &rows[..2] {
        let variant = row["variant"].as_str().unwrap_or_default();
        assert!(variant.starts_with("downloads: "), "{row}");
        assert_eq!(
            (row["items"].as_u64(), row["ok"].as_u64()),
            (Some(40), Some(40)),
            "{row}"
        );
        assert_eq!(row["errors"].as_u64(), Some(0), "{row}");
    }
    for row in &rows[2..] {
        let variant = row["variant"].as_str().unwrap_or_default();
        assert!(variant.starts_with("CPU jobs: "), "{row}");
    }
    assert_eq!(
        rows[0]["extra"]["threads used"].as_u64(),
        Some(1),
        "{}",
        rows[0]
    );
}
