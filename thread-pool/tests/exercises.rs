//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p thread-pool --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use thread_pool::under_test::{MiniPool, Tally, as_completed, map_in_order, tally};
use workshop::guard::exercise;

const MAP: &str = "is a copy of the results sender still alive while you read the results, or is a worker waiting on a job queue that is never closed?";

#[test]
fn exercise_1_map_in_order_keeps_input_order_whatever_finishes_first() {
    exercise(1, MAP, || {
        let items: Vec<u64> = (0..24).collect();
        // Later items finish first: the earlier the item, the longer it sleeps.
        let square_slowly = |&n: &u64| {
            thread::sleep(Duration::from_millis(24 - n));
            n * n
        };
        for workers in [1, 3, 8, 100] {
            let got = map_in_order(&items, workers, square_slowly);
            let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
            assert_eq!(got, expected, "{workers} workers");
        }
        assert!(map_in_order(&[] as &[u64], 4, |n| *n).is_empty());
    });
}

#[test]
fn exercise_1_map_in_order_has_exactly_its_workers_in_flight() {
    exercise(1, MAP, || {
        // The server holds each answer until `workers` requests are in flight (a rendezvous), so
        // its peak proves how many ran at once, without timing anything.
        let workers = 4;
        let server = FakeServer::start(ServerConfig {
            image_variants: 0,
            faults: Faults {
                rendezvous: Some(Rendezvous {
                    count: workers as u64,
                    timeout_ms: 10_000,
                }),
                ..Faults::default()
            },
            ..ServerConfig::default()
        })
        .unwrap();
        let codes = common::data::country_codes(12);
        let agent = thread_pool::lessons::flags::agent(Duration::from_secs(30), workers);
        let sizes = map_in_order(&codes, workers, |cc| {
            let cc = cc.to_lowercase();
            let url = format!("{}/flags/{cc}/{cc}.gif", server.url());
            thread_pool::lessons::flags::get_flag(&agent, &url).map(|body| body.len())
        });
        assert!(sizes.iter().all(|r| matches!(r, Ok(n) if *n > 0)));
        let stats = server.stats();
        assert_eq!(stats.requests, 12);
        assert_eq!(stats.max_in_flight, workers as u64);
    });
}

#[test]
fn exercise_2_as_completed_delivers_results_in_completion_order() {
    exercise(
        2,
        "does as_completed wait for the work before it returns the receiver? (the test opens each job's gate only after it returns)",
        || {
            // Item i waits for gate i; opening the gates in a chosen order fixes the completion order.
            let order = [3, 0, 4, 1, 2];
            let (gates, items): (Vec<_>, Vec<_>) = (0..order.len())
                .map(|i| {
                    let (open, wait) = mpsc::channel::<()>();
                    (open, (i, wait))
                })
                .unzip();
            let results = as_completed(
                items,
                order.len(),
                |(i, gate): (usize, mpsc::Receiver<()>)| {
                    let _ = gate.recv();
                    i * 10
                },
            );
            for &i in &order {
                gates[i].send(()).unwrap();
                let got = results.recv_timeout(Duration::from_secs(30)).unwrap();
                assert_eq!(got, (i, i * 10));
            }
            assert!(
                results.recv().is_err(),
                "the channel must close when all are done"
            );
        },
    );
}

#[test]
fn exercise_2_as_completed_runs_everything_once_with_few_workers() {
    exercise(
        2,
        "is a results sender still alive outside the workers, so the caller's receiver never closes?",
        || {
            let runs = Arc::new(AtomicUsize::new(0));
            let counter = Arc::clone(&runs);
            let results = as_completed((0..50u32).collect(), 3, move |n| {
                // Relaxed: a count read after the last result came; the channel orders the adds.
                counter.fetch_add(1, Ordering::Relaxed);
                n + 1
            });
            let mut got: Vec<(usize, u32)> = results.iter().collect();
            got.sort_unstable();
            let expected: Vec<(usize, u32)> = (0..50).map(|n| (n as usize, n + 1)).collect();
            assert_eq!(got, expected);
            assert_eq!(runs.load(Ordering::Relaxed), 50);
        },
    );
}

#[test]
fn exercise_3_shutdown_runs_every_queued_job_once() {
    exercise(
        3,
        "are the workers joined before the queue's sender is dropped?",
        || {
            let ran = Arc::new(Mutex::new(Vec::new()));
            let pool = MiniPool::new(2).unwrap();
            for id in 0..100 {
                let ran = Arc::clone(&ran);
                pool.execute(move || ran.lock().unwrap().push(id));
            }
            pool.shutdown(); // most of the 100 are still queued here
            let mut sorted = ran.lock().unwrap().clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        },
    );
}

#[test]
fn exercise_4_cancel_pending_drops_the_queued_jobs() {
    exercise(
        4,
        "does cancel_pending wait with recv (for jobs that never come) instead of try_recv or try_iter?",
        || {
            let pool = MiniPool::new(1).unwrap();
            // The only worker is busy until we open the gate, so the next ten jobs stay queued.
            let (started_tx, started) = mpsc::channel();
            let (open, gate) = mpsc::channel::<()>();
            pool.execute(move || {
                started_tx.send(()).unwrap();
                let _ = gate.recv();
            });
            started.recv().unwrap();
            let ran = Arc::new(AtomicUsize::new(0));
            for _ in 0..10 {
                let ran = Arc::clone(&ran);
                pool.execute(move || {
                    // Relaxed: a count read after shutdown's join, which orders the adds.
                    ran.fetch_add(1, Ordering::Relaxed);
                });
            }
            let cancelled = pool.cancel_pending();
            open.send(()).unwrap();
            pool.shutdown(); // exercise 3: the test needs it to know that no cancelled job runs later
            assert_eq!(cancelled, 10);
            assert_eq!(ran.load(Ordering::Relaxed), 0, "a cancelled job ran");
        },
    );
}

#[test]
fn exercise_5_tally_counts_every_url_exactly_once() {
    exercise(
        5,
        "does a pool worker wait on a job queue whose sender is never dropped?",
        || {
            let server = FakeServer::start(ServerConfig {
                image_variants: 0,
                faults: Faults {
                    error_rate: 0.25,
                    ..Faults::default()
                },
                ..ServerConfig::default()
            })
            .unwrap();
            let mut urls: Vec<String> = common::data::country_codes(20)
                .iter()
                .chain(&["XX", "EU", "ZZ"])
                .map(|cc| {
                    let cc = cc.to_lowercase();
                    format!("{}/flags/{cc}/{cc}.gif", server.url())
                })
                .collect();
            // Nothing listens on port 1: a refused connection is an error too.
            urls.push("http://127.0.0.1:1/flags/br/br.gif".into());
            let agent = thread_pool::lessons::flags::agent(Duration::from_secs(30), 4);
            let got = tally(&agent, &urls, 4);
            let stats = server.stats();
            let expected = Tally {
                ok: stats.status(200) as usize,
                not_found: stats.status(404) as usize,
                errors: stats.status(503) as usize + 1,
            };
            assert_eq!(got, expected);
            assert_eq!(got.ok + got.not_found + got.errors, urls.len());
            assert!(
                got.errors > 1 && got.not_found > 0,
                "the seed gives some of each"
            );
        },
    );
}
