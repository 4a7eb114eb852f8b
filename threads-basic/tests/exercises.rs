//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p threads-basic --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use threads_basic::under_test::{greetings, parallel_sum, run_all, run_with_timeout};
use workshop::guard::exercise;

const CHUNKS: &str =
    "does your chunking loop move on when a chunk is empty (no data, or more threads than items)?";

#[test]
fn exercise_1_parallel_sum_adds_everything_once() {
    exercise(1, CHUNKS, || {
        let data: Vec<u64> = (1..=1_000).collect();
        for threads in [1, 2, 3, 7, 64, 5_000] {
            assert_eq!(parallel_sum(&data, threads), 500_500, "{threads} threads");
        }
        assert_eq!(parallel_sum(&[], 4), 0);
        assert_eq!(parallel_sum(&[9], 4), 9);
    });
}

#[test]
fn exercise_1_parallel_sum_adds_a_large_input() {
    exercise(1, CHUNKS, || {
        let data = vec![3u64; 100_000];
        assert_eq!(parallel_sum(&data, 8), 300_000);
    });
}

#[test]
fn exercise_2_greetings_come_from_threads_with_those_names_in_order() {
    exercise(
        2,
        "does a greeting thread wait for something that only happens after it is joined?",
        || {
            let names = ["alpha", "beta", "gamma", "delta"];
            let got = greetings(&names).unwrap();
            let expected: Vec<String> = names.iter().map(|n| format!("hello from {n}")).collect();
            // A greeting built on the calling thread would name this thread, not "alpha": the
            // equality catches that. The signature cannot show more (a greeting formatted from
            // the captured name instead of `thread::current()` looks the same), so the rest is
            // for the reader of the code.
            assert_eq!(got, expected);
            // Two threads may share a name, and each still answers in its own place.
            let twins = greetings(&["twin", "solo", "twin"]).unwrap();
            assert_eq!(
                twins,
                ["hello from twin", "hello from solo", "hello from twin"]
            );
            assert!(greetings(&[]).unwrap().is_empty());
        },
    );
}

const JOIN_THE_JOB: &str = "does run_with_timeout join the job's thread (which may never end) instead of waiting on a channel with recv_timeout?";

#[test]
fn exercise_3_run_with_timeout_returns_a_fast_result() {
    exercise(3, JOIN_THE_JOB, || {
        assert_eq!(
            run_with_timeout(|| 6 * 7, Duration::from_secs(10)),
            Some(42)
        );
    });
}

#[test]
fn exercise_3_run_with_timeout_gives_up_on_a_slow_job() {
    exercise(3, JOIN_THE_JOB, || {
        // The job waits on a channel that is never sent to before the timeout: it cannot finish
        // in time however fast the machine is, and it ends once we drop the sender.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let got = run_with_timeout(
            move || {
                let _ = rx.recv();
                1
            },
            Duration::from_millis(50),
        );
        assert_eq!(got, None);
        drop(tx);
    });
}

#[test]
fn exercise_3_run_with_timeout_reports_a_panic_as_none() {
    exercise(3, JOIN_THE_JOB, || {
        let got: Option<u32> = run_with_timeout(|| panic!("boom"), Duration::from_secs(10));
        assert_eq!(got, None);
    });
}

const JOIN_IN_LOOP: &str = "are the threads joined inside the spawning loop?";

#[test]
fn exercise_4_run_all_runs_jobs_at_the_same_time_and_keeps_order() {
    exercise(4, JOIN_IN_LOOP, || {
        // Every job waits at a barrier for all the others: this completes only if all run at once.
        let n = 6;
        let barrier = Arc::new(Barrier::new(n));
        let jobs: Vec<Box<dyn FnOnce() -> usize + Send>> = (0..n)
            .map(|i| {
                let barrier = barrier.clone();
                Box::new(move || {
                    barrier.wait();
                    i * 10
                }) as Box<dyn FnOnce() -> usize + Send>
            })
            .collect();
        let got = run_all(jobs);
        assert_eq!(got, (0..n).map(|i| Some(i * 10)).collect::<Vec<_>>());
    });
}

#[test]
fn exercise_4_run_all_survives_a_panicking_job() {
    exercise(4, JOIN_IN_LOOP, || {
        let jobs: Vec<Box<dyn FnOnce() -> u8 + Send>> = vec![
            Box::new(|| 1),
            Box::new(|| panic!("job 2 fails")),
            Box::new(|| 3),
        ];
        assert_eq!(run_all(jobs), vec![Some(1), None, Some(3)]);
    });
}
