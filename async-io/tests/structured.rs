//! Tests of the structured demo: the lesson's groups against a fake server whose rendezvous holds
//! the first answers until every task's first request has arrived (so the server's peak is the
//! task count and the failing task cannot fail before the others are under way), and the tour's
//! rows from bounded runs of the binary, with the Python twin's where an interpreter with
//! aiohttp exists. Nothing here times anything.

use std::sync::Arc;
use std::time::Duration;

use async_io::lessons::structured::{Ends, gather, scoped_threads, task_group, try_join};
use async_io::tour::structured::{FAILING, ROWS, download_blocking, downloads};
use common::python::rows::{count, variants};
use common::python::{TourRun, interpreter_or_skip};
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use serde_json::Value;

const EXE: &str = env!("CARGO_BIN_EXE_async-io");
const LIMIT: Duration = Duration::from_secs(180);
const N: usize = 5;

/// The first `N` answers wait until all `N` requests are in; later batches never fill, so a
/// second request waits `hold_ms` (it is cancelled long before, in the structured groups).
fn server(hold_ms: u64) -> FakeServer {
    let faults = Faults {
        rendezvous: Some(Rendezvous {
            count: N as u64,
            timeout_ms: hold_ms,
        }),
        ..Faults::default()
    };
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    FakeServer::start(config).unwrap()
}

/// Task i's URLs: i + 1 flags, but task 1 asks for an unknown code.
fn task_urls(server: &FakeServer) -> Vec<Vec<String>> {
    let codes = common::data::country_codes(N);
    let url = |cc: &str| format!("{0}/flags/{1}/{1}.gif", server.url(), cc.to_lowercase());
    (0..N)
        .map(|i| match i {
            FAILING => vec![url("xx")],
            _ => codes[..=i].iter().map(|cc| url(cc)).collect(),
        })
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The jobs, each holding a clone of `alive` while its future exists.
fn jobs(
    urls: &[Vec<String>],
    alive: &Arc<()>,
) -> Vec<impl Future<Output = anyhow::Result<()>> + Send + 'static + use<>> {
    urls.iter()
        .map(|urls| {
            let (alive, job) = (Arc::clone(alive), downloads(client(), urls.clone()));
            async move {
                let _alive = alive;
                job.await
            }
        })
        .collect()
}

fn counts(ends: &Ends) -> (usize, usize, usize) {
    (ends.done, ends.errors.len(), ends.cancelled)
}

/// Task 1 failed; tasks 2 and up, held on their second request, were cancelled; task 0 (its one
/// flag came back with task 1's 404) is done or cancelled, whichever the group saw first.
fn check_group(ends: &Ends) {
    let (done, failed, cancelled) = counts(ends);
    assert_eq!(failed, 1, "{:?}", ends.errors);
    assert!(done <= 1 && cancelled >= N - 2, "{ends:?}");
    assert_eq!(done + failed + cancelled, N, "{ends:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_join_set_group_cancels_the_rest_and_leaves_nothing_running() {
    let server = server(30_000);
    let alive = Arc::new(());
    let ends = task_group(jobs(&task_urls(&server), &alive)).await;
    check_group(&ends);
    assert!(
        ends.errors[0].to_string().contains("404"),
        "{:?}",
        ends.errors
    );
    assert_eq!(
        Arc::strong_count(&alive),
        1,
        "a task's future outlived the group"
    );
    assert_eq!(server.stats().max_in_flight, N as u64);
    assert_eq!(server.stats().status(404), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn try_join_all_drops_the_other_futures_at_the_first_error() {
    let server = server(30_000);
    let alive = Arc::new(());
    let ends = try_join(jobs(&task_urls(&server), &alive)).await;
    check_group(&ends);
    assert_eq!(
        Arc::strong_count(&alive),
        1,
        "a future outlived try_join_all"
    );
    assert_eq!(server.stats().max_in_flight, N as u64);
}

#[tokio::test(flavor = "multi_thread")]
async fn gather_returns_at_the_first_error_with_the_other_tasks_still_running() {
    let server = server(30_000);
    let alive = Arc::new(());
    let (ends, rest) = gather(jobs(&task_urls(&server), &alive)).await;
    assert_eq!(counts(&ends), (1, 1, 0));
    assert_eq!(rest.len(), N - 2);
    // Held by the server on their second request: still running, and only abort() stops them.
    assert!(rest.iter().all(|h| !h.is_finished()));
    assert_eq!(Arc::strong_count(&alive), 1 + N - 2);
    for handle in &rest {
        handle.abort();
    }
    for handle in rest {
        assert!(handle.await.unwrap_err().is_cancelled());
    }
    assert_eq!(Arc::strong_count(&alive), 1);
}

#[test]
fn the_threads_scope_waits_for_every_thread_and_the_stop_flag_stops_them() {
    // Threads cannot be cancelled mid-request: a second request started before the flag was
    // set waits out the server's hold (1 s), then its thread sees the flag and stops.
    let server = server(1_000);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .build()
        .into();
    let ends = scoped_threads(&task_urls(&server), |url| download_blocking(&agent, url));
    assert_eq!(counts(&ends), (1, 1, N - 2));
    let stats = server.stats();
    assert_eq!(stats.in_flight, 0, "a request outlived the scope");
    assert_eq!(stats.max_in_flight, N as u64);
}

/// Runs `async-io <args>` with `PYTHON=<python>`, killed (and the test failed) after `LIMIT`.
fn run_with_python(args: &[&str], python: &str) -> TourRun {
    TourRun::new(EXE, args, Some(python), LIMIT)
}

fn rows(run: &TourRun) -> Vec<Value> {
    assert!(run.status.success(), "{}", run.stderr);
    run.json_rows()
}

fn still_running(row: &Value) -> u64 {
    row["extra"]["still running after"].as_u64().unwrap()
}

/// Every task counted once; task 1's error among them; the peak within the task count.
fn check_counts(row: &Value, tasks: u64) {
    assert_eq!(count(row, "items"), tasks, "{row}");
    let outcomes = count(row, "ok") + count(row, "errors") + count(row, "cancelled");
    assert_eq!(outcomes, tasks, "{row}");
    assert!(count(row, "errors") >= 1, "{row}");
    assert!((1..=tasks).contains(&count(row, "max_in_flight")), "{row}");
    assert!(row["extra"]["x latency"].is_number(), "{row}");
}

// The tour's own rows at a latency (100 ms) far above a task's start-up, and no Python.
#[test]
fn the_tour_counts_every_task_and_only_gather_leaves_tasks_running() {
    let args = [
        "structured",
        "--json",
        "--count",
        "6",
        "--latency-ms",
        "100",
        "--python",
    ];
    let run = run_with_python(&args, "/nonexistent");
    run.assert_alone("python: no Python 3.11+");
    let rows = rows(&run);
    assert_eq!(variants(&rows), ROWS);
    for (i, row) in rows.iter().enumerate() {
        check_counts(row, 6);
        if i == 2 {
            assert!(still_running(row) > 0, "{row}");
        } else {
            assert_eq!(still_running(row), 0, "{row}");
            // The slowest task (6 round trips) never finished: the group ended before it.
            assert!(count(row, "cancelled") >= 1, "{row}");
        }
    }
}

#[test]
fn the_taskgroup_twin_joins_the_table() {
    let Some(python) = interpreter_or_skip(&["aiohttp"]) else {
        return;
    };
    let args = [
        "structured",
        "--latency-ms",
        "100",
        "--python",
        "--json",
        "--count",
        "6",
    ];
    let rows = rows(&run_with_python(&args, &python));
    let mut expected = ROWS.to_vec();
    expected.extend([
        "Python: asyncio.TaskGroup",
        "Python: asyncio.gather",
        "Python: gather(return_exceptions=True)",
    ]);
    assert_eq!(variants(&rows), expected);
    for row in &rows[4..] {
        check_counts(row, 6);
        assert_eq!(row["demo"], "structured");
    }
    let (group, gathered) = (&rows[4], &rows[5]);
    assert_eq!(still_running(group), 0, "{group}");
    assert!(count(group, "cancelled") >= 1, "{group}");
    assert!(still_running(gathered) > 0, "{gathered}");
    assert_eq!(
        count(gathered, "cancelled"),
        0,
        "gather cancels nothing: {gathered}"
    );
}
