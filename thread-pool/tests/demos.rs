//! Tests of the demos: the behaviour each one claims, checked without timing anything. Where
//! a test speaks of concurrency, the fake server's rendezvous holds answers until the expected
//! number of requests is in flight, and its peak proves it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use common::data::country_codes;
use common::server::Faults;
use indicatif::ProgressBar;
use thread_pool::lessons::errors::{self, Status, Summary};
use thread_pool::lessons::flags::{self, agent, download_as_completed, download_map, run_pool};
use thread_pool::lessons::handmade::ThreadPool;
use thread_pool::lessons::job_handle::JobError;
use thread_pool::lessons::{race, rayon_pools};
use thread_pool::tour::errors::UNKNOWN;
use thread_pool::tour::{rayon_pools::transfers, sweep};

mod support;
use support::{flag_urls, rendezvous, server};

fn urls_of(downloads: &[flags::Download]) -> Vec<&str> {
    downloads.iter().map(|d| d.url.as_str()).collect()
}

/// Runs `scenario` on its own thread; a scenario that hangs fails the test after `limit`.
fn within<T: Send + 'static>(limit: Duration, scenario: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(scenario());
    });
    rx.recv_timeout(limit)
        .expect("the scenario hung or panicked")
}

#[test]
fn the_pool_delivers_results_in_completion_order() {
    // Item i waits until the result of item i + 1 has been delivered, so the only possible
    // completion order is last to first; run_pool must hand them over in that order.
    let n = 6;
    // crossbeam's receivers are `Sync`, so the pool's threads can share them with no `Mutex`.
    let (gates, waits): (Vec<_>, Vec<_>) = (0..n).map(|_| crossbeam_channel::bounded(1)).unzip();
    gates[n - 1].send(()).unwrap();
    let mut order = Vec::new();
    run_pool(
        &waits,
        n,
        |wait: &crossbeam_channel::Receiver<()>| {
            let _ = wait.recv();
        },
        |i, ()| {
            order.push(i);
            if i > 0 {
                gates[i - 1].send(()).unwrap();
            }
        },
    )
    .unwrap();
    assert_eq!(order, (0..n).rev().collect::<Vec<_>>());
}

#[test]
fn map_style_keeps_input_order_and_as_completed_loses_nothing() {
    // Up to 300 ms of jitter per flag, fixed by the seed: later flags often finish first.
    let s = server(Faults {
        jitter_ms: 300,
        ..Faults::default()
    });
    let urls = flag_urls(&s, &country_codes(20));
    let agent = agent(Duration::from_secs(30), 20);
    let mapped = download_map(&agent, &urls, 20).unwrap();
    assert_eq!(urls_of(&mapped), urls);
    assert!(mapped.iter().all(|d| d.result.is_ok()));

    let arrived = download_as_completed(&agent, &urls, 20).unwrap();
    let mut sorted = urls_of(&arrived);
    sorted.sort_unstable();
    let mut expected: Vec<&str> = urls.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert_ne!(
        urls_of(&arrived),
        urls,
        "with this jitter, completion order differs"
    );
}

#[test]
fn peak_in_flight_equals_the_worker_count() {
    for workers in [1, 2, 4, 5, 20] {
        let s = server(rendezvous(workers));
        let urls = flag_urls(&s, &country_codes(20));
        let agent = agent(Duration::from_secs(30), workers);
        let downloads = download_map(&agent, &urls, workers).unwrap();
        assert!(downloads.iter().all(|d| d.result.is_ok()));
        assert_eq!(
            s.stats().unwrap().max_in_flight,
            workers as u64,
            "map, {workers}"
        );

        s.reset_stats().unwrap();
        let downloads = download_as_completed(&agent, &urls, workers).unwrap();
        assert_eq!(downloads.len(), 20);
        let peak = s.stats().unwrap().max_in_flight;
        assert_eq!(peak, workers as u64, "as completed, {workers}");
    }
}

#[test]
fn the_sweep_caps_the_pool_at_the_number_of_items() {
    // A pool of 32 for 20 flags has 20 in flight, not 32 (the rendezvous would wait for 32).
    let s = server(rendezvous(20));
    let urls = flag_urls(&s, &country_codes(20));
    let agent = agent(Duration::from_secs(30), 32);
    let (downloads, _, peak) = sweep::measure(&agent, &s, &urls, 32).unwrap();
    assert_eq!(downloads.len(), 20);
    assert_eq!(peak, 20);
    assert!(thread_pool::lessons::sweep::SIZES.contains(&32));
}

#[test]
fn every_code_ends_exactly_one_way_under_injected_errors() {
    let s = server(Faults {
        error_rate: 0.25,
        ..Faults::default()
    });
    let mut codes = country_codes(20);
    codes.extend(UNKNOWN);
    let urls = flag_urls(&s, &codes);
    let agent = agent(Duration::from_secs(30), 4);
    for workers in [1, 4] {
        s.reset_stats().unwrap();
        let statuses =
            errors::download_all(&agent, &urls, workers, &ProgressBar::hidden()).unwrap();
        let summary = Summary::of(&statuses);
        let stats = s.stats().unwrap();
        assert_eq!(statuses.len(), codes.len());
        assert_eq!(
            summary.ok + summary.not_found + summary.errors,
            codes.len() as u64
        );
        // Nothing timed out here, so each outcome matches what the server answered.
        assert_eq!(summary.ok, stats.status(200));
        assert_eq!(summary.not_found, stats.status(404));
        assert_eq!(summary.errors, stats.status(503));
        assert!(summary.errors > 0, "the seed injects some 503s");
        // An unknown code is not found unless a 503 came first; a known one is never not found.
        for (cc, status) in codes.iter().zip(&statuses) {
            match status {
                Status::NotFound => assert!(UNKNOWN.contains(cc), "{cc} not found"),
                Status::Ok => assert!(!UNKNOWN.contains(cc), "{cc} downloaded"),
                Status::Error(why) => assert_eq!(why, "503"),
            }
        }
    }
}

#[test]
fn a_slow_answer_times_out_as_an_error() {
    let s = server(Faults {
        latency_ms: 2_000,
        ..Faults::default()
    });
    let agent = agent(Duration::from_millis(100), 1);
    let status = errors::fetch(&agent, &s.flag_url("BR"));
    assert_eq!(status, Status::Error("timeout".into()));
    assert_eq!(Summary::of(&[status]).timeouts, 1);
}

#[test]
fn the_handmade_pool_runs_every_job_once_and_returns_every_result() {
    let pool = ThreadPool::new(4).unwrap();
    let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..200).map(|_| AtomicUsize::new(0)).collect());
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let runs = Arc::clone(&runs);
            pool.submit(move || {
                // Relaxed: a count read after every handle is joined, which orders the adds.
                runs[i].fetch_add(1, Ordering::Relaxed);
                i * 2
            })
        })
        .collect();
    let results: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, (0..200).map(|i| i * 2).collect::<Vec<_>>());
    assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1));
    pool.shutdown();
}

#[test]
fn the_handmade_pool_has_its_workers_in_flight() {
    let workers = 4;
    let s = Arc::new(server(rendezvous(workers)));
    let agent = agent(Duration::from_secs(30), workers);
    let pool = ThreadPool::new(workers).unwrap();
    let handles: Vec<_> = country_codes(20)
        .into_iter()
        .map(|cc| {
            let (agent, url) = (agent.clone(), s.flag_url(cc));
            pool.submit(move || flags::get_flag(&agent, &url).map(|b| b.len()))
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap().is_ok()));
    assert_eq!(s.stats().unwrap().max_in_flight, workers as u64);
}

#[test]
fn a_panicking_job_is_reported_and_the_pool_carries_on() {
    let pool = ThreadPool::new(1).unwrap();
    let boom = pool.submit(|| -> u8 { panic!("boom") }).join();
    assert_eq!(boom, Err(JobError::Panicked("boom".into())));
    assert_eq!(pool.submit(|| 7).join(), Ok(7));
}

#[test]
fn shutdown_drains_the_queue() {
    let ran = within(Duration::from_secs(60), || {
        let ran = Arc::new(AtomicUsize::new(0));
        let pool = ThreadPool::new(2).unwrap();
        let handles: Vec<_> = (0..100)
            .map(|_| {
                let ran = Arc::clone(&ran);
                // Relaxed: a count read after shutdown joined the workers, which orders the adds.
                pool.submit(move || ran.fetch_add(1, Ordering::Relaxed))
            })
            .collect();
        pool.shutdown();
        assert!(handles.into_iter().all(|h| h.join().is_ok()));
        ran.load(Ordering::Relaxed)
    });
    assert_eq!(ran, 100);
}

#[test]
fn dropping_the_pool_also_drains_and_joins() {
    let ran = Arc::new(AtomicUsize::new(0));
    {
        let pool = ThreadPool::new(3).unwrap();
        for _ in 0..50 {
            let ran = Arc::clone(&ran);
            // Relaxed: a count read after the drop joined the workers, which orders the adds.
            let _ = pool.submit(move || ran.fetch_add(1, Ordering::Relaxed));
        }
    }
    assert_eq!(ran.load(Ordering::Relaxed), 50);
}

#[test]
fn shutdown_now_cancels_queued_jobs_without_hanging() {
    let (first, cancelled, rest) = within(Duration::from_secs(60), || {
        let pool = ThreadPool::new(1).unwrap();
        // The only worker runs a job that waits for a gate; the gate's sender travels inside
        // a queued job, so cancelling that job (dropping it) is what lets the first one end.
        let (started_tx, started) = mpsc::channel();
        let (open, gate) = mpsc::channel::<()>();
        let first = pool.submit(move || {
            started_tx.send(()).unwrap();
            gate.recv().is_err() // true: released by the drop, not by a send
        });
        started.recv().unwrap();
        let mut rest = vec![pool.submit(move || drop(open))];
        rest.extend((0..9).map(|_| pool.submit(|| ())));
        let cancelled = pool.shutdown_now();
        let rest: Vec<_> = rest.into_iter().map(|h| h.join()).collect();
        (first.join(), cancelled, rest)
    });
    assert_eq!(first, Ok(true));
    assert_eq!(cancelled, 10);
    assert!(rest.iter().all(|r| *r == Err(JobError::Cancelled)));
}

#[test]
fn counters_shared_through_a_mutex_or_an_atomic_lose_nothing() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let expected = 200 * race::PER_JOB;
    assert_eq!(race::with_mutex(&pool, 200).unwrap(), expected);
    assert_eq!(race::with_atomic(&pool, 200), expected);
    assert_eq!(race::without_sharing(&pool, 200), expected);
}

#[test]
fn rayon_counts_the_same_primes_on_any_pool() {
    // There are 1,229 primes below 10,000.
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| rayon_pools::count_primes(10_000)), 1_229);
    }
}

#[test]
fn a_rayon_pool_caps_blocking_io_at_its_thread_count() {
    // A download and an upload per item: with 4 threads, exactly 4 requests in flight.
    let s = server(rendezvous(4));
    let codes = country_codes(8);
    let agent = agent(Duration::from_secs(30), 8);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let failed = pool.install(|| rayon_pools::transfer_all(&agent, &transfers(&s, &codes)));
    assert_eq!(failed, 0);
    let stats = s.stats().unwrap();
    assert_eq!(stats.requests, 16);
    assert_eq!(stats.status(201), 8);
    assert_eq!(stats.max_in_flight, 4);
}

#[test]
fn a_job_dropped_before_it_ran_reports_cancelled_and_a_run_one_its_value() {
    use thread_pool::lessons::job_handle::with_handle;
    let (job, handle) = with_handle(|| 5);
    drop(job);
    assert_eq!(handle.join(), Err(JobError::Cancelled));
    let (job, handle) = with_handle(|| 5);
    job();
    assert_eq!(handle.join(), Ok(5));
}
