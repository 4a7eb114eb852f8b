//! Tests of the `executors` demo: one `Executor` trait, the same answers from a thread pool and
//! a process pool, and what each survives. Nothing is timed.

use multiprocess::lessons::abort;
use multiprocess::lessons::executors::{self, Kind};
use multiprocess::lessons::worker::{Answer, Task, execute};

mod support;
use support::{exe, json_rows};

#[test]
fn both_executors_give_every_answer_in_input_order() {
    // The first jobs sleep, so later ones finish first; a failing job keeps its own slot.
    let tasks = || -> Vec<Task> {
        let mut tasks = vec![Task::Sleep(40), Task::Sleep(20)];
        tasks.extend((0..30u64).map(|i| match i % 3 {
            0 => Task::IsPrime(1_000_000_007 + i),
            1 => Task::Echo(format!("job {i}")),
            _ => Task::IsPrime(i),
        }));
        tasks[7] = Task::Fail("job 7 fails".into());
        tasks
    };
    let expected: Vec<_> = tasks().into_iter().map(execute).collect();
    assert_eq!(expected[7], Err("job 7 fails".to_string()));
    for kind in [Kind::Threads, Kind::Processes] {
        let executor = executors::start(kind, 3, exe()).unwrap();
        assert_eq!(executor.map(tasks()), expected, "{kind:?}");
        // submit hands back a handle at once; get waits for that job only.
        let handles: Vec<_> = (0..5)
            .map(|i| executor.submit(Task::Echo(i.to_string())))
            .collect();
        for (i, handle) in handles.into_iter().enumerate().rev() {
            assert_eq!(handle.get(), Ok(Answer::Echo(i.to_string())), "{kind:?}");
        }
    }
}

#[test]
fn a_panic_fails_one_job_on_either_executor() {
    for kind in [Kind::Threads, Kind::Processes] {
        let executor = executors::start(kind, 2, exe()).unwrap();
        let mut tasks: Vec<Task> = (0..10).map(|i| Task::Echo(i.to_string())).collect();
        tasks[3] = Task::Panic;
        let outcomes = executor.map(tasks);
        for (i, outcome) in outcomes.iter().enumerate() {
            if i == 3 {
                assert!(outcome.is_err(), "{kind:?}: the panic was not reported");
            } else {
                assert_eq!(
                    outcome,
                    &Ok(Answer::Echo(i.to_string())),
                    "{kind:?} job {i}"
                );
            }
        }
    }
}

#[test]
fn an_abort_fails_one_job_on_the_process_pool_and_the_rest_are_done() {
    let jobs = abort::abort_jobs(9);
    assert_eq!(jobs[3], Task::Abort);
    let executor = executors::start(Kind::Processes, 2, exe()).unwrap();
    let outcomes = executor.map(jobs.clone());
    assert_eq!(outcomes.len(), 9);
    for (i, (outcome, job)) in outcomes.into_iter().zip(jobs).enumerate() {
        if i == 3 {
            let why = outcome.unwrap_err();
            assert!(why.contains("died") && why.contains("signal"), "{why}");
        } else {
            assert_eq!(outcome, execute(job), "job {i}");
        }
    }
    // The pool is still usable: the dead worker was replaced.
    assert_eq!(
        executor.submit(Task::Echo("after".into())).get(),
        Ok(Answer::Echo("after".into()))
    );
}

#[test]
fn an_abort_on_the_thread_pool_ends_its_whole_program() {
    let (done, failed, status) = abort::threads_abort(exe(), 12, 2).unwrap();
    assert!(!status.success(), "the program survived: {status}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(6), "{status}");
    }
    // Outcomes reach the caller in order, so nothing from job 4 on was ever reported.
    assert_eq!(failed, 0);
    assert!(done <= 4, "{done} jobs reported done");
}

#[test]
fn the_demo_accounts_for_every_job() {
    let rows = json_rows(&["executors", "--quick", "--json", "--workers", "2"]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(
        variants,
        [
            "CPU: one after another",
            "CPU: thread pool (2)",
            "CPU: process pool (2)",
            "tiny: one after another",
            "tiny: thread pool (2)",
            "tiny: process pool (2)",
            "abort: thread pool (2)",
            "abort: process pool (2)",
        ]
    );
    for row in &rows {
        let count = |key: &str| row[key].as_u64().unwrap_or(0);
        assert_eq!(count("ok") + count("errors"), count("items"), "{row}");
    }
    let (threads, processes) = (&rows[6], &rows[7]);
    assert_eq!(processes["errors"], 1);
    assert_eq!(processes["extra"]["the program"], "carried on");
    assert!(threads["errors"].as_u64().unwrap() >= 4, "{threads}");
    assert!(
        threads["extra"]["the program"]
            .as_str()
            .unwrap()
            .contains("signal"),
        "{threads}"
    );
}
