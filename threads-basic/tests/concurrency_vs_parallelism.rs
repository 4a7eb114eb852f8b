//! Tests of the concurrency-vs-parallelism demo: the server's peak in flight proves the threads
//! on one core overlap their downloads, and the process's CPU time proves "one core".

use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use serde_json::Value;
use threads_basic::lessons::concurrency_vs_parallelism::{count_primes, on_threads, one_core};
use threads_basic::lessons::join_all;

mod support;
use support::{demo_rows, flag_urls};

#[test]
fn prime_jobs_count_right() {
    // There are 1,229 primes below 10,000, and 7,919 is the 1,000th.
    assert_eq!(count_primes(0, 10_000), 1_229);
    assert_eq!(count_primes(0, 7_920), 1_000);
    let per_thread = on_threads(4, None, |i| count_primes(i as u64 * 2_500, 2_500)).unwrap();
    assert_eq!(per_thread.iter().sum::<u64>(), 1_229);
}

#[test]
fn threads_on_one_core_have_every_download_in_flight_at_once() {
    let core = one_core();
    if cfg!(target_os = "linux") {
        assert!(core.is_some(), "Linux can confine a thread to a core");
    }
    // The rendezvous holds every answer until all 8 requests have arrived: this passes only if
    // the 8 threads, sharing one core, are all waiting on the server at the same time.
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: Faults {
            latency_ms: 50,
            rendezvous: Some(Rendezvous {
                count: 8,
                timeout_ms: 60_000,
            }),
            ..Faults::default()
        },
        ..ServerConfig::default()
    })
    .unwrap();
    let agent = join_all::agent(Duration::from_secs(30));
    let urls = flag_urls(&server, 8);
    let sizes = on_threads(8, core, |i| {
        let mut answer = agent.get(&urls[i]).call()?;
        anyhow::Ok(answer.body_mut().read_to_vec()?.len())
    })
    .unwrap();
    assert!(sizes.iter().all(|s| s.as_ref().is_ok_and(|&n| n > 0)));
    let stats = server.stats();
    assert_eq!((stats.requests, stats.max_in_flight), (8, 8));
}

#[test]
fn every_thread_on_one_core_is_allowed_that_core_only() {
    let core = one_core();
    if cfg!(target_os = "linux") {
        assert!(core.is_some(), "Linux can confine a thread to a core");
    }
    let Some(core) = core else { return };
    // Each thread reads its own affinity mask after confining itself; this thread keeps its own.
    let masks = on_threads(4, Some(core), |_| core_affinity::get_core_ids()).unwrap();
    for mask in masks {
        let ids: Vec<usize> = mask.unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids, [core.id]);
    }
    let free = on_threads(1, None, |_| core_affinity::get_core_ids()).unwrap();
    assert_eq!(
        free[0],
        core_affinity::get_core_ids(),
        "a free thread was confined"
    );
}

#[test]
fn the_rows_are_named_and_the_pinned_cpu_row_uses_one_core() {
    let rows = demo_rows(&["concurrency-vs-parallelism", "--count", "5"]);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    let mut expected = vec![
        "I/O: one after another",
        "I/O: 5 threads on one core",
        "I/O: 5 threads on all cores",
        "CPU: one after another",
        "CPU: 5 threads on one core",
        "CPU: 5 threads on all cores",
    ];
    if one_core().is_none() {
        expected.retain(|name| !name.ends_with("one core"));
    }
    assert_eq!(names, expected);
    for row in &rows {
        assert_eq!(row["items"], 5);
        let done = row["ok"].as_u64().unwrap() + row["errors"].as_u64().unwrap_or(0);
        assert_eq!(done, 5, "{row}");
    }
    let primes: Vec<&Value> = rows[3..].iter().map(|r| &r["extra"]["primes"]).collect();
    assert!(primes.iter().all(|p| *p == primes[0]), "{primes:?}");
    // Every row reads a number of cores (CPU time comes from the OS, not from Linux's /proc).
    for row in &rows {
        assert!(row["extra"]["cores used"].is_f64(), "{row}");
    }
    if one_core().is_some() {
        let used = rows[4]["extra"]["cores used"].as_f64().unwrap();
        assert!(used < 1.5, "the pinned CPU row used {used:.2} cores");
    }
}
