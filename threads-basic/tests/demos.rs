//! Tests of the demos: the behaviour each one claims, checked without timing anything.

use std::path::Path;
use std::time::Duration;

use threads_basic::{cpu, daemon, join_all, names, scoped, spawn, worker};

#[test]
fn spawn_returns_each_threads_value_in_order() {
    let sums = spawn::sums(&[10, 100, 1_000]).unwrap();
    assert_eq!(sums, vec![55, 5_050, 500_500]);
}

#[test]
fn names_are_seen_from_inside_the_threads() {
    let seen = names::names_seen_inside(&["a", "b"], 64 * 1024).unwrap();
    assert_eq!(seen, vec!["a", "b"]);
}

#[test]
fn worker_object_returns_its_result() {
    let handle = worker::FibonacciWorker { n: 20 }.start().unwrap();
    assert_eq!(handle.join().unwrap(), 6_765);
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
fn join_in_loop_runs_one_at_a_time_and_start_all_runs_all() {
    let latency = Duration::from_millis(30);
    let (looped, peak_looped) = join_all::join_in_loop(6, latency).unwrap();
    let (all, peak_all) = join_all::start_all_then_join(6, latency).unwrap();
    assert_eq!(looped, (0..6).collect::<Vec<_>>());
    assert_eq!(all, looped);
    assert_eq!(peak_looped, 1);
    // Threads may start late on a busy machine, but 30 ms leaves room for all six to overlap.
    assert!(peak_all > 1, "start-all never had two jobs in flight");
}
