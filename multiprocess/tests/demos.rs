//! Tests of the pool and the demos: the behaviour each one claims, checked without timing
//! anything. Workers are the crate's own binary, which Cargo builds for integration tests.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use multiprocess::lessons::crash::Crash;
use multiprocess::lessons::primes::{self, is_prime};
use multiprocess::lessons::process_pool::{JobError, Pool};
use multiprocess::lessons::worker::{Answer, Task};
use multiprocess::lessons::{cost, spawn};
use multiprocess::tour::crash;

mod support;
use support::{EXE, exe, is_our_child, json_rows};

#[test]
fn every_job_runs_exactly_once_and_answers_its_own_handle() {
    let log =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("once-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let pool = Pool::new(exe(), 3).unwrap();
    // Even jobs echo their number; odd jobs append it to a file, so each run leaves a mark.
    let handles: Vec<_> = (0..120)
        .map(|i| {
            let task = if i % 2 == 0 {
                Task::Echo(format!("job {i}"))
            } else {
                Task::Append {
                    path: log.display().to_string(),
                    line: format!("job {i}"),
                }
            };
            (i, pool.apply_async(task))
        })
        .collect();
    // Collected in reverse: which handle gets which result must not depend on the order of get().
    let mut pids = HashMap::new();
    for (i, handle) in handles.into_iter().rev() {
        let finished = handle.get().unwrap();
        let expected = if i % 2 == 0 {
            Answer::Echo(format!("job {i}"))
        } else {
            Answer::Done
        };
        assert_eq!(finished.answer, expected, "handle {i}");
        *pids.entry(finished.pid).or_insert(0) += 1;
    }
    let report = pool.join();
    assert!(report.bad_exits().is_empty(), "{:?}", report.exits);
    assert!(pids.keys().all(|pid| report.started.contains(pid)));

    let mut ran: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    ran.sort();
    let mut expected: Vec<String> = (1..120).step_by(2).map(|i| format!("job {i}")).collect();
    expected.sort();
    assert_eq!(ran, expected, "every side-effect job exactly once");
    let _ = std::fs::remove_file(&log);
}

#[test]
fn map_returns_results_in_input_order() {
    let pool = Pool::new(exe(), 2).unwrap();
    // Early jobs sleep, so later ones finish first; map must still keep the input order.
    let tasks = (0..8u64).map(|i| {
        if i < 2 {
            Task::Sleep(50)
        } else {
            Task::IsPrime(i)
        }
    });
    let got: Vec<Answer> = pool
        .map(tasks)
        .into_iter()
        .map(|r| r.unwrap().answer)
        .collect();
    let mut expected = vec![Answer::Done, Answer::Done];
    expected.extend((2..8).map(|i| Answer::Prime(is_prime(i))));
    assert_eq!(got, expected);
}

#[test]
fn a_crashing_job_is_reported_and_the_others_finish() {
    let pool = Pool::new(exe(), 2).unwrap();
    let mut tasks: Vec<Task> = (0..20).map(|i| Task::Echo(i.to_string())).collect();
    tasks[3] = Task::Panic;
    tasks[11] = Task::Abort;
    tasks[15] = Task::Fail("not a crash".into());
    let results = pool.map(tasks);
    for (i, result) in results.iter().enumerate() {
        match i {
            3 => assert!(
                matches!(result, Err(JobError::WorkerDied { status, .. }) if status.contains("101"))
            ),
            11 => assert!(
                matches!(result, Err(JobError::WorkerDied { status, .. }) if status.contains("SIGABRT") || status.contains("signal"))
            ),
            15 => assert_eq!(result, &Err(JobError::Failed("not a crash".into()))),
            _ => assert_eq!(result.as_ref().unwrap().answer, Answer::Echo(i.to_string())),
        }
    }
    let report = pool.join();
    // Two workers died and were replaced; every process was waited for.
    assert_eq!(report.started.len(), 4);
    assert_eq!(report.exits.len(), 4);
    assert_eq!(report.bad_exits().len(), 2);
}

#[test]
fn workers_are_reaped_after_join_and_after_drop() {
    let pool = Pool::new(exe(), 3).unwrap();
    let pids = pool.pids();
    assert_eq!(pids.len(), 3);
    assert!(pids.iter().all(|&pid| is_our_child(pid)) || !cfg!(target_os = "linux"));
    let report = pool.join();
    for pid in &report.started {
        assert!(!is_our_child(*pid), "worker {pid} left behind");
    }
    assert!(
        report
            .exits
            .iter()
            .all(|e| e.clean && e.status.contains('0'))
    );

    let pool = Pool::new(exe(), 2).unwrap();
    let pids = pool.pids();
    drop(pool);
    assert!(
        pids.iter().all(|&pid| !is_our_child(pid)),
        "dropping the pool left workers"
    );
}

/// The pids of this process's children whose command name is `name` (Linux only).
fn our_children_named(name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| is_our_child(pid))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .collect()
}

#[test]
fn the_hand_held_conversation_reaps_a_child_that_is_not_a_worker() {
    // `yes worker` prints "worker" forever and never reads its input: the conversation fails on
    // its first line and must not leave it running (or a zombie) behind.
    let err = multiprocess::lessons::pool::conversation(Path::new("yes")).unwrap_err();
    assert!(format!("{err:#}").contains("not a pool worker"), "{err:#}");
    assert_eq!(our_children_named("yes"), Vec::<u32>::new());
    let (lines, status) = multiprocess::lessons::pool::conversation(exe()).unwrap();
    assert_eq!(lines.len(), 4);
    assert!(status.success());
}

#[test]
fn dropping_a_busy_pool_terminates_it_like_python_with_pool() {
    let pool = Pool::new(exe(), 2).unwrap();
    let handles: Vec<_> = (0..6)
        .map(|_| pool.apply_async(Task::Sleep(600_000)))
        .collect();
    // Let both workers get inside a ten-minute job.
    std::thread::sleep(Duration::from_millis(200));
    let pids = pool.pids();
    // A drop that joined instead would wait for the jobs: give it a minute, not an hour.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(pool);
        tx.send(())
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("dropping the pool waited for its jobs instead of terminating them");
    for pid in &pids {
        assert!(!is_our_child(*pid), "worker {pid} left behind");
    }
    for handle in handles {
        assert_eq!(handle.get(), Err(JobError::Terminated));
    }
}

#[test]
fn a_hanging_worker_is_killed_after_its_timeout() {
    let pool = Pool::with_timeout(exe(), 1, Some(Duration::from_millis(200))).unwrap();
    let hung = pool.apply_async(Task::Sleep(600_000));
    let after = pool.apply_async(Task::Echo("still served".into()));
    match hung.get() {
        Err(JobError::TimedOut { pid, after }) => {
            assert_eq!(after, Duration::from_millis(200));
            // The supervisor kills and reaps the worker before it answers the handle.
            assert!(!is_our_child(pid), "the hung worker {pid} is still there");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(
        after.get().unwrap().answer,
        Answer::Echo("still served".into())
    );
    let report = pool.join();
    assert_eq!(report.started.len(), 2, "one replacement");
    assert!(report.exits[0].status.contains("SIGKILL") || report.exits[0].status.contains('9'));
}

#[test]
fn a_worker_stops_on_the_sentinel_or_when_stdin_closes() {
    for sentinel in [true, false] {
        let mut child = Command::new(EXE)
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.contains("Ready"), "{line}");
        if sentinel {
            // stdin stays open: only the sentinel can end the worker.
            stdin.write_all(b"\"Stop\"\n").unwrap();
            assert!(child.wait().unwrap().success());
            drop(stdin);
        } else {
            drop(stdin);
            assert!(child.wait().unwrap().success());
        }
    }
}

#[test]
fn a_missing_worker_binary_is_an_error_not_a_panic() {
    let err = Pool::new(Path::new("/no/such/worker"), 2).unwrap_err();
    assert!(format!("{err:#}").contains("/no/such/worker"));
    // A program that does not speak the protocol is refused at start-up too.
    assert!(Pool::new(Path::new("true"), 1).is_err());

    let out = Command::new(EXE)
        .args(["pool", "--quick", "--worker-exe", "/no/such/worker"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("/no/such/worker"));
}

#[test]
fn bad_arguments_get_clap_errors_without_a_panic() {
    for args in [
        &["nosuchdemo"][..],
        &["primes", "--workers", "0"],
        &["--count", "x"],
    ] {
        let out = Command::new(EXE).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

#[test]
fn the_child_sums_its_input_and_fails_on_bad_input() {
    let good = spawn::sum_in_child(exe(), (1..=30_000).map(|i| format!("{i} ")).collect()).unwrap();
    assert!(good.status.success());
    assert_eq!(good.stdout, (30_000u64 * 30_001 / 2).to_string());
    let bad = spawn::sum_in_child(exe(), "4 four".into()).unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stderr.starts_with("error: ") && bad.stderr.contains("four"));
}

#[test]
fn every_variant_of_primes_agrees() {
    let numbers = primes::numbers(14);
    let sequential: Vec<bool> = numbers.iter().map(|&n| is_prime(n)).collect();
    // Two cycles of four primes and two products, then one prime and one product.
    assert_eq!(sequential.iter().filter(|p| **p).count(), 9);
    assert_eq!(primes::with_threads(&numbers, 3, is_prime), sequential);
    let pool = Pool::new(exe(), 2).unwrap();
    let found = primes::with_processes(&pool, &numbers).unwrap();
    assert_eq!(
        found.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        sequential
    );
    // Each answer says which worker ran its job, and when the parent sent it and heard back.
    let pids = pool.pids();
    assert!(
        found
            .iter()
            .all(|(_, f)| pids.contains(&f.pid) && f.started <= f.ended)
    );
}

#[test]
fn a_caught_panic_costs_one_job_and_an_abort_costs_the_process() {
    let row = crash::thread_pool_row(exe(), 9, 2, Crash::Panic).unwrap();
    assert_eq!((row.outcomes.ok, row.outcomes.errors), (8, Some(1)));
    // Job 13 of 40 aborts: the other thread cannot finish the 26 jobs after it in the moment
    // between that job's start and its abort, so some are lost with the process.
    let row = crash::thread_pool_row(exe(), 40, 2, Crash::Abort).unwrap();
    assert_eq!(row.outcomes.errors, Some(0));
    assert!(
        row.outcomes.cancelled.unwrap() >= 1,
        "the abort lost nothing"
    );
    let row = crash::process_pool_row(exe(), 9, 2, Crash::Abort, Duration::from_secs(30)).unwrap();
    assert_eq!((row.outcomes.ok, row.outcomes.errors), (8, Some(1)));
}

#[test]
fn cost_measurements_move_every_byte() {
    cost::process_first_reply(exe(), Duration::from_secs(30)).unwrap();
    cost::thread_first_reply().unwrap();
    assert_eq!(cost::through_pipe(exe(), 3).unwrap(), 3 * 1024 * 1024);
    assert_eq!(cost::through_channel(3).unwrap(), 3 * 1024 * 1024);
}

#[test]
fn the_quick_tour_prints_only_json_on_stdout_under_json() {
    let rows = json_rows(&["--quick", "--json"]);
    let demos: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r["demo"].as_str()).collect();
    for demo in [
        "pool",
        "primes",
        "crash",
        "cost-start",
        "cost-job",
        "cost-pipe",
    ] {
        assert!(demos.contains(demo), "no rows from {demo}");
    }
}

#[cfg(unix)]
#[test]
fn a_worker_that_never_answers_ends_as_a_timeout_and_is_reaped() {
    // It starts, says nothing and would sleep for ten minutes.
    let (silent, pids) = support::script("silent", "exec sleep 600");
    let err = support::within(Duration::from_secs(60), move || {
        cost::process_first_reply(&silent, Duration::from_secs(3)).unwrap_err()
    });
    assert!(format!("{err:#}").contains("said nothing"), "{err:#}");
    let pids = support::pids_written(&pids, 1);
    assert_eq!(pids.len(), 1);
    assert!(
        !support::is_alive(pids[0]),
        "the silent worker {} is still there",
        pids[0]
    );
}

#[cfg(unix)]
#[test]
fn a_child_that_stops_reading_is_an_error_and_is_reaped() {
    // It exits at once: writing 4 MiB to its stdin fails with a broken pipe.
    let (quitter, pids) = support::script("quitter", "exit 0");
    let err = cost::through_pipe(&quitter, 4).unwrap_err();
    assert!(format!("{err:#}").contains("pipe"), "{err:#}");
    let pids = support::pids_written(&pids, 1);
    assert_eq!(pids.len(), 1);
    assert!(
        !support::is_alive(pids[0]),
        "child {} left behind (a zombie?)",
        pids[0]
    );
}
