//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p multiprocess --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever.

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use multiprocess::under_test::{
    map_in_processes, parse_replies, run_with_timeout, serve_until_sentinel,
};
use workshop::guard::exercise;

mod support;
use support::{EXE, is_our_child};

const PARSE: &str = "is a loop over the lines stuck on a blank or bad line instead of skipping it or returning Err?";
const SENTINEL: &str =
    "does the loop wait for more input after STOP or after the last line, instead of ending?";
const WAIT: &str =
    "is the child waited for with wait() before the deadline, instead of polled with try_wait()?";
const PIPES: &str = "are all the jobs written before any reply is read, so both pipes fill up, or is a worker's stdin never closed?";

#[test]
fn exercise_1_replies_in_any_order_come_back_in_job_order() {
    exercise(1, PARSE, || {
        let output =
            "{\"id\":2,\"prime\":true}\n\n{\"id\":0,\"prime\":false}\n{\"id\":1,\"prime\":true}\n";
        assert_eq!(parse_replies(output, 3), Ok(vec![false, true, true]));
        assert_eq!(parse_replies("", 0), Ok(vec![]));
    });
}

#[test]
fn exercise_1_bad_replies_are_errors() {
    exercise(1, PARSE, || {
        let one = "{\"id\":0,\"prime\":true}\n";
        assert!(parse_replies(one, 2).is_err(), "a missing answer");
        assert!(parse_replies(&one.repeat(2), 1).is_err(), "an answer twice");
        assert!(
            parse_replies("{\"id\":5,\"prime\":true}", 1).is_err(),
            "an unknown id"
        );
        assert!(
            parse_replies("not json", 1).is_err(),
            "a line that is not JSON"
        );
        assert!(
            parse_replies("{\"id\":0}", 1).is_err(),
            "a reply without its answer"
        );
    });
}

#[test]
fn exercise_2_the_worker_loop_stops_at_the_sentinel() {
    exercise(2, SENTINEL, || {
        let mut out = Vec::new();
        let served = serve_until_sentinel(Cursor::new("2\n 3 \n10\nSTOP\n4\n"), &mut out).unwrap();
        assert_eq!(served, 3);
        assert_eq!(String::from_utf8(out).unwrap(), "4\n9\n100\n");
    });
}

#[test]
fn exercise_2_the_worker_loop_stops_at_end_of_input() {
    exercise(2, SENTINEL, || {
        let mut out = Vec::new();
        assert_eq!(
            serve_until_sentinel(Cursor::new("7\n"), &mut out).unwrap(),
            1
        );
        assert_eq!(out, b"49\n");
        let err = serve_until_sentinel(Cursor::new("1\nseven\n"), Vec::new()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    });
}

#[test]
fn exercise_3_a_command_that_finishes_in_time_gives_its_status() {
    exercise(3, WAIT, || {
        // A worker whose stdin is empty exits at once, with status 0.
        let mut command = Command::new(EXE);
        command
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let (_, status) = run_with_timeout(&mut command, Duration::from_secs(30)).unwrap();
        assert!(status.expect("it finished in time").success());
    });
}

#[test]
fn exercise_3_a_command_that_overruns_is_killed_and_reaped() {
    exercise(3, WAIT, || {
        // A worker whose stdin stays open waits for jobs for ever.
        let mut command = Command::new(EXE);
        command
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        let (pid, status) = run_with_timeout(&mut command, Duration::from_millis(100)).unwrap();
        assert_eq!(status, None);
        assert!(
            !is_our_child(pid),
            "worker {pid} is still running or a zombie"
        );
    });
}

#[test]
fn exercise_4_processes_check_primes_in_order() {
    exercise(4, PIPES, || {
        let numbers: Vec<u64> = (0..40).collect();
        let expected: Vec<bool> = numbers
            .iter()
            .map(|&n| multiprocess::lessons::primes::is_prime(n))
            .collect();
        for workers in [1, 3] {
            assert_eq!(
                map_in_processes(Path::new(EXE), &numbers, workers).unwrap(),
                expected
            );
        }
    });
}

#[test]
fn exercise_4_many_jobs_do_not_deadlock_the_pipes() {
    exercise(4, PIPES, || {
        // Enough jobs that the replies overflow a 64 KiB pipe buffer several times over.
        let numbers: Vec<u64> = (0..5_000).map(|i| 1_000 + i).collect();
        let got = map_in_processes(Path::new(EXE), &numbers, 2).unwrap();
        let expected: Vec<bool> = numbers
            .iter()
            .map(|&n| multiprocess::lessons::primes::is_prime(n))
            .collect();
        assert_eq!(got, expected);
    });
}
