//! Tests of the demos: the behaviour each one claims, checked without timing anything.

use std::path::Path;
use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use threads_basic::lessons::{cpu, daemon, join_all, names, scoped, spawn, worker};

mod support;
use support::flag_urls;

#[test]
fn spawn_returns_each_threads_value_in_order() {
    let sums = spawn::sums(&[10, 100, 1_000]).unwrap();
    assert_eq!(sums, vec![55, 5_050, 500_500]);
}

#[test]
fn names_are_seen_from_inside_the_threads() {
    let seen = names::names_seen_inside(&["a", "b"], 64 * 1024).unwrap();
    let names: Vec<&str> = seen.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b"]);
    assert_ne!(seen[0].id, seen[1].id, "two threads, two ids");
    assert_eq!(names::unnamed_thread_name().unwrap(), None);
}

#[test]
fn worker_object_returns_its_result() {
    let (tx, rx) = std::sync::mpsc::channel();
    let log = move |line: &str| tx.send(line.to_string()).unwrap();
    let handle = worker::FibonacciWorker { n: 20 }.start(log).unwrap();
    assert_eq!(handle.join().unwrap(), 6_765);
    // The worker reported from its own thread, named after its job.
    assert_eq!(rx.recv().unwrap(), "[fib-20] fib(20) = 6765");
}

#[test]
fn a_detached_thread_dies_with_main() {
    let exe = Path::new(env!("CARGO_BIN_EXE_threads-basic"));
    let ticks = daemon::ticks_before_exit(exe, 60).unwrap();
    assert!(ticks < 100, "the detached thread printed all its ticks");
}

#[test]
fn scoped_threads_count_every_word() {
    let lines: Vec<String> = (0..101).map(|i| "a b c ".repeat(i % 4)).collect();
    let expected: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
    for threads in [1, 3, 4, 200] {
        assert_eq!(
            scoped::count_words(&lines, threads).iter().sum::<usize>(),
            expected
        );
    }
}

#[test]
fn prime_count_is_the_same_on_any_number_of_threads() {
    // There are 1,229 primes below 10,000.
    for threads in [1, 2, 3, 8] {
        assert_eq!(cpu::count_primes(10_000, threads), 1_229);
    }
}

#[test]
fn join_in_loop_downloads_one_at_a_time() {
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: Faults {
            latency_ms: 20,
            ..Faults::default()
        },
        ..ServerConfig::default()
    })
    .unwrap();
    let urls = flag_urls(&server, 8);
    let sizes = join_all::join_in_loop(&join_all::agent(Duration::from_secs(30)), &urls).unwrap();
    assert_eq!(sizes.len(), 8);
    assert!(sizes.iter().all(|&s| s > 0));
    let stats = server.stats();
    assert_eq!(stats.requests, 8);
    assert_eq!(stats.max_in_flight, 1);
    // The timeline's view: a staircase, each download starting after the previous one ended.
    let spans = server.trace().spans();
    assert_eq!(spans.len(), 8);
    assert!(
        spans.windows(2).all(|w| w[1].start >= w[0].end),
        "{spans:?}"
    );
    assert_eq!(common::timeline::assign_lanes(&spans).names, ["download 1"]);
}

#[test]
fn start_all_has_every_download_in_flight_at_once() {
    // The rendezvous holds every answer until all 8 requests have arrived: this passes only if
    // all 8 threads are downloading at the same time, however slow the machine.
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: Faults {
            rendezvous: Some(Rendezvous {
                count: 8,
                timeout_ms: 60_000,
            }),
            ..Faults::default()
        },
        ..ServerConfig::default()
    })
    .unwrap();
    let urls = flag_urls(&server, 8);
    let sizes =
        join_all::start_all_then_join(&join_all::agent(Duration::from_secs(30)), &urls).unwrap();
    assert_eq!(sizes.len(), 8);
    assert_eq!(server.stats().max_in_flight, 8);
    // The timeline's view: one block, every download in flight while every other one is.
    let spans = server.trace().spans();
    assert_eq!(spans.len(), 8);
    let last_start = spans.iter().map(|s| s.start).max().unwrap();
    let first_end = spans.iter().map(|s| s.end).min().unwrap();
    assert!(last_start < first_end, "{spans:?}");
    assert_eq!(common::timeline::assign_lanes(&spans).names.len(), 8);
}

#[test]
fn a_failed_download_is_an_error_not_a_panic() {
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        ..ServerConfig::default()
    })
    .unwrap();
    let urls = vec![format!("{}/flags/zz/zz.gif", server.url())];
    let err = join_all::start_all_then_join(&join_all::agent(Duration::from_secs(30)), &urls)
        .unwrap_err();
    assert!(format!("{err:#}").contains("404"), "{err:#}");
}

#[test]
fn two_scoped_threads_fill_their_halves_of_one_array() {
    assert_eq!(scoped::fill_halves(), [0, 1, 4, 9, 16, 25, 36, 49]);
}

#[test]
fn a_panicking_thread_is_an_err_on_join_with_its_message() {
    assert_eq!(
        spawn::panicking_thread(),
        Err("this thread failed on purpose".to_string())
    );
}

#[test]
fn join_with_a_timeout_gives_up_then_still_collects_the_answer() {
    // The thread needs 20 times the timeout: it cannot answer in time on any machine.
    let waited =
        daemon::join_with_timeout(Duration::from_secs(1), Duration::from_millis(50)).unwrap();
    assert_eq!(waited.in_time, None);
    assert!(!waited.finished_at_timeout);
    assert_eq!(waited.answer, 42);
    assert!(waited.started <= waited.gave_up && waited.gave_up <= waited.answered);
}

#[test]
fn an_unwritable_trace_file_is_refused_in_one_line_before_any_demo() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_threads-basic"))
        .args(["cpu", "--quick", "--trace", "/nonexistent/dir/trace.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the trace file /nonexistent/dir/trace.json: "),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no demo ran");
}
