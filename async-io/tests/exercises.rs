//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p async-io --features exercises --test exercises` to test their own code.
//! Concurrency is proved by the fake server's rendezvous (answers wait until N requests are in
//! flight together), never by timing.
//!
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever. The guard waits on a
//! thread of its own: a timer inside the runtime would not fire if an attempt blocked the
//! runtime's threads (with `std::thread::sleep` or a blocking client, say).

mod support;

use std::time::Duration;

use async_io::under_test::{Tally, download_all, download_capped, fetch_with_timeout, pipeline};
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use workshop::guard::exercise;

const SPAWN: &str =
    "is each download awaited inside the spawning loop, or does a task block the runtime's thread?";
const PERMIT: &str = "is a permit held outside the task (or forgotten), so it is never released?";
const SENDER: &str = "is the original sender still alive, so rx.recv() never returns None?";
const TIMEOUT: &str =
    "is each request wrapped in tokio::time::timeout, or does one slow answer hold up the batch?";

/// The runtime each test builds inside its guard (a test's `#[tokio::test]` runtime would live
/// on the test's own thread, outside the guard).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn server(faults: Faults) -> FakeServer {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    FakeServer::start(config).unwrap()
}

fn rendezvous(count: u64) -> Faults {
    Faults {
        rendezvous: Some(Rendezvous {
            count,
            timeout_ms: 3_000,
        }),
        ..Faults::default()
    }
}

fn flag_url(server: &FakeServer, cc: &str) -> String {
    format!("{}/flags/{cc}/{cc}.gif", server.url())
}

fn urls(server: &FakeServer, n: usize) -> Vec<String> {
    common::data::country_codes(n)
        .iter()
        .map(|cc| flag_url(server, &cc.to_lowercase()))
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The size of each body, fetched one at a time with a blocking client.
fn sizes(urls: &[String]) -> Vec<Option<usize>> {
    urls.iter()
        .map(|url| {
            let mut answer = support::agent().get(url).call().ok()?;
            Some(answer.body_mut().read_to_vec().ok()?.len())
        })
        .collect()
}

#[test]
fn exercise_1_download_all_runs_every_request_at_once() {
    exercise(1, SPAWN, || {
        runtime().block_on(async {
            let server = server(rendezvous(6));
            let urls = urls(&server, 6);
            let got = download_all(&client(), &urls).await;
            assert_eq!(got.len(), 6);
            assert!(got.iter().all(|len| len.is_some_and(|n| n > 0)));
            assert_eq!(
                server.stats().max_in_flight,
                6,
                "not all six were in flight at once"
            );
        })
    });
}

#[test]
fn exercise_1_download_all_keeps_input_order_and_reports_failures() {
    exercise(1, SPAWN, || {
        runtime().block_on(async {
            let server = server(Faults::default());
            let mut urls = urls(&server, 5);
            urls.insert(2, flag_url(&server, "zz")); // 404
            let expected = tokio::task::spawn_blocking({
                let urls = urls.clone();
                move || sizes(&urls)
            })
            .await
            .unwrap();
            assert_eq!(expected[2], None);
            assert_eq!(download_all(&client(), &urls).await, expected);
        })
    });
}

#[test]
fn exercise_2_download_capped_never_exceeds_the_cap_and_reaches_it() {
    exercise(2, PERMIT, || {
        runtime().block_on(async {
            for cap in [1, 3] {
                let server = server(rendezvous(cap));
                let urls = urls(&server, 3 * cap as usize);
                let got = download_capped(&client(), &urls, cap as usize).await;
                assert!(got.iter().all(|len| len.is_some_and(|n| n > 0)));
                assert_eq!(server.stats().max_in_flight, cap, "cap {cap}");
            }
        })
    });
}

#[test]
fn exercise_3_pipeline_delivers_every_item_once_in_order_and_ends() {
    exercise(3, SENDER, || {
        runtime().block_on(async {
            let got = pipeline(3, 50, 2).await;
            assert_eq!(got.len(), 150);
            for producer in 0..3 {
                let seqs: Vec<usize> = got
                    .iter()
                    .filter(|(p, _)| *p == producer)
                    .map(|(_, s)| *s)
                    .collect();
                assert_eq!(seqs, (0..50).collect::<Vec<_>>(), "producer {producer}");
            }
        })
    });
}

#[test]
fn exercise_4_fetch_with_timeout_counts_each_way_a_request_ends() {
    exercise(4, TIMEOUT, || {
        runtime().block_on(async {
            let fast = server(Faults::default());
            let slow = server(Faults {
                latency_ms: 30_000,
                ..Faults::default()
            });
            let mut all = urls(&fast, 3);
            all.push(flag_url(&fast, "zz")); // 404: failed
            all.extend(urls(&slow, 2)); // far slower than the limit: timed out
            let tally = fetch_with_timeout(&client(), &all, Duration::from_secs(2)).await;
            assert_eq!(
                tally,
                Tally {
                    ok: 3,
                    failed: 1,
                    timed_out: 2
                }
            );
        })
    });
}

/// A CPU-bound job for exercise 5: it tests numbers for primality until it has seen the ticker
/// tick `wanted` times, or for at most 5 s, and returns how many ticks it saw while it ran.
/// It never sleeps or awaits: only another thread can make the ticker tick meanwhile.
fn cpu_job_watching(
    ticks: std::sync::Arc<std::sync::atomic::AtomicU64>,
    wanted: u64,
) -> impl FnOnce() -> u64 + Send + 'static {
    use std::sync::atomic::Ordering::SeqCst;
    move || {
        let (start, give_up) = (
            ticks.load(SeqCst),
            std::time::Instant::now() + Duration::from_secs(5),
        );
        let mut n = 1_000_000_000u64;
        while ticks.load(SeqCst) < start + wanted && std::time::Instant::now() < give_up {
            std::hint::black_box(async_io::lessons::cpu_jobs::is_prime(n));
            n += 1;
        }
        ticks.load(SeqCst) - start
    }
}

#[test]
fn exercise_5_the_ticker_keeps_its_beat_during_a_cpu_job() {
    workshop::guard::exercise(
        5,
        "does the CPU job still run on the runtime's only thread (tokio::spawn puts it there too)?",
        || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use std::sync::Arc;
                use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
                let ticks = Arc::new(AtomicU64::new(0));
                let ticker = tokio::spawn({
                    let ticks = Arc::clone(&ticks);
                    async move {
                        let mut interval = tokio::time::interval(Duration::from_millis(5));
                        loop {
                            interval.tick().await;
                            ticks.fetch_add(1, SeqCst);
                        }
                    }
                });
                tokio::task::yield_now().await; // the ticker starts
                let seen =
                    async_io::under_test::off_the_runtime(cpu_job_watching(Arc::clone(&ticks), 10))
                        .await;
                ticker.abort();
                assert!(
                    seen >= 10,
                    "the ticker ticked {seen} times while the CPU job ran: the job held the \
                     runtime's thread"
                );
            });
        },
    );
}

#[test]
fn exercise_5_returns_the_jobs_result() {
    workshop::guard::exercise(5, "is the job's result awaited and returned?", || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let primes = runtime.block_on(async_io::under_test::off_the_runtime(|| {
            (0..10_000u64)
                .filter(|&n| async_io::lessons::cpu_jobs::is_prime(n))
                .count()
        }));
        assert_eq!(primes, 1_229);
    });
}

fn upstream_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap()
}

/// The flag's size as the fake server serves it.
fn flag_size(server: &FakeServer, cc: &str) -> u64 {
    let url = flag_url(server, cc);
    support::agent()
        .get(&url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap()
        .len() as u64
}

#[test]
fn exercise_6_answers_the_country_and_the_flags_size() {
    workshop::guard::exercise(6, "is every upstream call awaited?", || {
        let server = server(Faults::default());
        let got =
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(async_io::under_test::flag_info(
                    &upstream_client(Duration::from_secs(30)),
                    server.url(),
                    "BR",
                ));
        let expected = async_io::lessons::web::FlagInfo {
            cc: "BR".into(),
            country: "Brazil".into(),
            bytes: flag_size(&server, "br"),
        };
        assert_eq!(got, Ok(expected));
    });
}

#[test]
fn exercise_6_fetches_the_metadata_and_the_flag_at_once() {
    workshop::guard::exercise(6, "does each call wait for the other?", || {
        let server = server(Faults {
            rendezvous: Some(Rendezvous {
                count: 2,
                timeout_ms: 5_000,
            }),
            ..Faults::default()
        });
        let got =
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(async_io::under_test::flag_info(
                    &upstream_client(Duration::from_secs(30)),
                    server.url(),
                    "JP",
                ));
        assert!(got.is_ok(), "{got:?}");
        let peak = server.stats().max_in_flight;
        assert_eq!(
            peak, 2,
            "the two upstream calls were not in flight together"
        );
    });
}

#[test]
fn exercise_6_maps_upstream_failures_to_statuses() {
    workshop::guard::exercise(6, "does a timeout still end the call?", || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let status = |server: &FakeServer, cc: &str, timeout: Duration| {
            let got = runtime.block_on(async_io::under_test::flag_info(
                &upstream_client(timeout),
                server.url(),
                cc,
            ));
            got.map_err(|e| e.status())
        };
        let fine = server(Faults::default());
        let failing = server(Faults {
            error_rate: 1.0,
            ..Faults::default()
        });
        let slow = server(Faults {
            latency_ms: 20_000,
            ..Faults::default()
        });
        let long = Duration::from_secs(30);
        assert_eq!(status(&fine, "ZZ", long), Err(404), "an unknown code");
        assert_eq!(status(&failing, "BR", long), Err(502), "upstream 503");
        let short = Duration::from_millis(300);
        assert_eq!(status(&slow, "BR", short), Err(504), "upstream too slow");
    });
}

#[test]
fn exercise_7_the_blocking_call_leaves_the_runtime_free() {
    workshop::guard::exercise(
        7,
        "does the blocking call still run on the runtime's thread?",
        || {
            // Upstream answers wait until 4 calls are in flight (or 1 s passes): on a
            // single-threaded runtime, only calls on other threads can overlap.
            let server = server(Faults {
                rendezvous: Some(Rendezvous {
                    count: 4,
                    timeout_ms: 1_000,
                }),
                ..Faults::default()
            });
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(30)))
                .proxy(None)
                .build()
                .into();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let codes = ["BR", "JP", "DE", "MX"];
            let got = runtime.block_on(futures::future::join_all(codes.iter().map(|cc| {
                async_io::under_test::flag_info_blocking(
                    agent.clone(),
                    server.url().into(),
                    cc.to_string(),
                )
            })));
            for (cc, got) in codes.iter().zip(&got) {
                let info = got.as_ref().unwrap_or_else(|e| panic!("{cc}: {e}"));
                assert_eq!(info.cc, *cc);
                assert_eq!(info.bytes, flag_size(&server, &cc.to_lowercase()));
            }
            let peak = server.stats().max_in_flight;
            assert_eq!(peak, 4, "the four blocking calls did not overlap");
        },
    );
}

/// The paused clock of exercise 8's tests (timers only): built inside the guard, it jumps to
/// the next timer whenever every task waits, so virtual time is decided by the delays alone.
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A timer-only job: waits `ms` of virtual time, then counts itself in `finished` and ends `Ok`,
/// or `Err` when `fails`. It holds a clone of `alive` for as long as its future exists.
fn timed_job(
    ms: u64,
    fails: bool,
    finished: &std::sync::Arc<std::sync::atomic::AtomicUsize>,
    alive: &std::sync::Arc<()>,
) -> impl std::future::Future<Output = anyhow::Result<()>> + Send + 'static {
    let (finished, alive) = (
        std::sync::Arc::clone(finished),
        std::sync::Arc::clone(alive),
    );
    async move {
        let _alive = alive;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if fails {
            anyhow::bail!("job of {ms} ms failed");
        }
        Ok(())
    }
}

const GROUP: &str =
    "is the JoinSet drained to the end after abort_all, or is a job awaited that never ends?";

#[test]
fn exercise_8_returns_at_the_first_error_with_the_others_cancelled() {
    exercise(8, GROUP, || {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        paused_runtime().block_on(async {
            let (finished, alive) = (Arc::new(AtomicUsize::new(0)), Arc::new(()));
            // (virtual ms, fails): the 30 ms one fails; 10 ms finishes first; the rest are slower.
            let plan = [
                (10, false),
                (30, true),
                (1_000, false),
                (2_000, false),
                (50, false),
            ];
            let jobs: Vec<_> = plan
                .iter()
                .map(|&(ms, fails)| timed_job(ms, fails, &finished, &alive))
                .collect();
            let start = tokio::time::Instant::now();
            let tally = async_io::under_test::first_error_cancels(jobs).await;
            let took = start.elapsed();
            assert_eq!(
                (tally.done, tally.failed, tally.cancelled),
                (1, 1, 3),
                "every job counted: done, failed, cancelled"
            );
            let error = tally.first_error.unwrap_or_default();
            assert!(error.contains("30 ms"), "the first error: {error:?}");
            assert!(
                took >= Duration::from_millis(30) && took < Duration::from_millis(50),
                "returned at {took:?} of virtual time, not at the first error's 30 ms"
            );
            assert_eq!(
                Arc::strong_count(&alive),
                1,
                "a job's future is still alive after the group returned: still running"
            );
            // Long after: the cancelled jobs never finish (a detached task would, here).
            tokio::time::sleep(Duration::from_secs(10)).await;
            assert_eq!(
                finished.load(SeqCst),
                2,
                "a cancelled job finished after all"
            );
        })
    });
}

#[test]
fn exercise_8_without_errors_waits_for_every_job() {
    exercise(8, GROUP, || {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        paused_runtime().block_on(async {
            let (finished, alive) = (Arc::new(AtomicUsize::new(0)), Arc::new(()));
            let jobs: Vec<_> = [300, 100, 200]
                .iter()
                .map(|&ms| timed_job(ms, false, &finished, &alive))
                .collect();
            let start = tokio::time::Instant::now();
            let tally = async_io::under_test::first_error_cancels(jobs).await;
            let took = start.elapsed();
            let expected = async_io::under_test::GroupTally {
                done: 3,
                ..Default::default()
            };
            assert_eq!(tally, expected);
            assert_eq!(finished.load(SeqCst), 3);
            assert!(
                took >= Duration::from_millis(300) && took < Duration::from_millis(600),
                "the jobs ran at once: {took:?} of virtual time for 100, 200 and 300 ms"
            );
            assert_eq!(Arc::strong_count(&alive), 1);
        })
    });
}
