//! The structured tour: N tasks, task i downloads i + 1 flags in turn, task 1 asks for an unknown
//! code and fails after one round trip. Four ways to run the group, each a row: how long until
//! it returned (`x latency`), how every task ended, and how many were still running after.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::server::{Faults, Server, Stats};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::structured::{Ends, gather, scoped_threads, task_group, try_join};
use crate::tour::{server_stats, twin};

/// The task that fails: it asks for a code the server does not know (404).
pub const FAILING: usize = 1;

/// The labels of the Rust rows, in table order.
pub const ROWS: [&str; 4] = [
    "JoinSet, abort_all at the first error",
    "try_join_all (futures dropped)",
    "spawn, await handles in order (gather)",
    "thread::scope + a stop flag",
];

/// The URLs task `i` downloads, one after another.
pub fn task_urls(server: &Server, codes: &[&str], i: usize) -> Vec<String> {
    if i == FAILING {
        vec![server.flag_url("XX")]
    } else {
        codes[..=i].iter().map(|cc| server.flag_url(cc)).collect()
    }
}

/// One task: its downloads in turn; an error status is an error.
pub async fn downloads(client: reqwest::Client, urls: Vec<String>) -> anyhow::Result<()> {
    for url in urls {
        let answer = client.get(&url).send().await?.error_for_status()?;
        answer.bytes().await?;
    }
    Ok(())
}

/// One blocking download, for the threads.
pub fn download_blocking(agent: &ureq::Agent, url: &str) -> anyhow::Result<()> {
    agent.get(url).call()?.body_mut().read_to_vec()?;
    Ok(())
}

/// Counts the futures still alive: one more when a job is made, one less when its future is
/// dropped, finished or cancelled. Read right after a group returns, it is what still runs.
#[derive(Clone, Default)]
struct Live(Arc<AtomicUsize>);

struct Alive(Arc<AtomicUsize>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

impl Live {
    fn track<F: Future>(&self, job: F) -> impl Future<Output = F::Output> + use<F> {
        self.0.fetch_add(1, SeqCst);
        let alive = Alive(Arc::clone(&self.0));
        async move {
            let _alive = alive;
            job.await
        }
    }

    fn now(&self) -> usize {
        self.0.load(SeqCst)
    }
}

fn outcomes(ends: &Ends) -> Outcomes {
    Outcomes {
        ok: ends.done as u64,
        errors: Some(ends.errors.len() as u64),
        cancelled: Some(ends.cancelled as u64),
        ..Outcomes::default()
    }
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let n = args.count_or(8, 8);
    anyhow::ensure!(
        n > FAILING,
        "structured needs --count 2 or more: task {FAILING} fails"
    );
    let server = Arc::new(Server::start(args, Faults::from_args(args, 100, 20))?);
    let latency = {
        let server = Arc::clone(&server);
        tokio::task::spawn_blocking(move || server.faults())
            .await??
            .latency_ms
    };
    // Straight to the loopback server: a laptop's HTTP_PROXY would otherwise get the requests.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .proxy(None) // the same for the blocking client
        .build()
        .into();
    let codes = common::data::country_codes(n);
    let jobs_urls: Vec<Vec<String>> = (0..n).map(|i| task_urls(&server, &codes, i)).collect();
    say!(
        "{n} tasks; task i downloads i + 1 flags in turn at {latency} ms each (the slowest {n} \
         round trips); task {FAILING} asks for an unknown code and fails after one"
    );

    let mut table = Table::new("structured", args)
        .different_work()
        .bar_on("x latency");
    let live = Live::default();
    // Before each row after the first: the requests its cancelled tasks left are served out.
    let settle = Duration::from_millis(2 * latency) + Duration::from_secs(1);
    let jobs = || -> Vec<_> {
        jobs_urls
            .iter()
            .map(|urls| live.track(downloads(client.clone(), urls.clone())))
            .collect()
    };
    let mut measured = Vec::new();
    let mut push = |label: &str, ends: &Ends, wall: Duration, running: usize, stats: Stats| {
        let x = wall.as_secs_f64() * 1000.0 / latency.max(1) as f64;
        let row = Row::new(label, n, wall)
            .workers(n)
            .max_in_flight(stats.max_in_flight)
            .outcomes(outcomes(ends))
            .extra("still running after", running as u64)
            .extra("x latency", (x * 100.0).round() / 100.0);
        table.push(row);
        measured.push(running);
    };

    // 1. A JoinSet that aborts the rest at the first error, then drains.
    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = task_group(jobs()).await;
    let (wall, running) = (watch.elapsed(), live.now());
    let stats = server_stats::stats(&server).await?;
    say!(
        "  JoinSet group: the errors together: {:?}",
        messages(&ends)
    );
    push(ROWS[0], &ends, wall, running, stats);

    // 2. try_join_all: no task spawned; the first Err drops the other futures.
    server_stats::reset_when_idle(&server, settle).await?;
    let watch = Instant::now();
    let ends = try_join(jobs()).await;
    let (wall, running) = (watch.elapsed(), live.now());
    push(
        ROWS[1],
        &ends,
        wall,
        running,
        server_stats::stats(&server).await?,
    );

    // 3. The contrast: spawned tasks, handles awaited in order, back at the first error. The
    // rest run on; they are let finish (and counted by how they ended) before the next row.
    server_stats::reset_when_idle(&server, settle).await?;
    let watch = Instant::now();
    let (mut ends, rest) = gather(jobs()).await;
    let (wall, running) = (watch.elapsed(), live.now());
    let unfinished = rest.iter().filter(|h| !h.is_finished()).count();
    say!(
        "  gather: back at the first error with {unfinished} tasks unfinished; they run on \
         (dropping a JoinHandle does not cancel its task: abort() does)"
    );
    for handle in rest {
        ends.count(handle.await);
    }
    push(
        ROWS[2],
        &ends,
        wall,
        running,
        server_stats::stats(&server).await?,
    );

    // 4. Threads: the scope waits for every one; a stop flag is the cooperative cancel. Still
    // running after: the requests the server was still serving when the scope returned.
    server_stats::reset_when_idle(&server, settle).await?;
    let threads = {
        let (urls, agent) = (jobs_urls.clone(), agent.clone());
        tokio::task::spawn_blocking(move || {
            let watch = Instant::now();
            let ends = scoped_threads(&urls, |url| download_blocking(&agent, url));
            (ends, watch.elapsed())
        })
    };
    let (ends, wall) = threads.await.context("the threads' scope panicked")?;
    let stats = server_stats::stats(&server).await?;
    let serving = stats.in_flight as usize;
    say!(
        "  threads: {} stopped at their next look at the stop flag; a download already under \
         way ran to its end first (no thread can be cancelled from outside)",
        ends.cancelled
    );
    push(ROWS[3], &ends, wall, serving, stats);

    // With --python: the twin's TaskGroup and gathers against the same server.
    let extra = common::python::sizes(args, Some(n), None);
    let twin = twin::rows_on(args, &server, "structured.py", extra).await?;
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }

    // What was claimed: every task counted (Table::push checks the counts add up to n), task
    // 1's error among them; the structured rows left nothing running and ended before the
    // slowest task could finish (it was cancelled, not done: no clock is read for this); the
    // gather row returned as early but left tasks running. Only where the latency dwarfs a
    // task's start-up (at 0 ms everything may finish before anything fails).
    let timed = latency >= 10 && n > FAILING + 1;
    for (i, (row, &running)) in table.rows().iter().zip(&measured).enumerate() {
        let (errors, cancelled) = (row.outcomes.errors, row.outcomes.cancelled);
        anyhow::ensure!(
            errors >= Some(1),
            "{}: the error went uncounted",
            row.variant
        );
        if i == 2 {
            anyhow::ensure!(!timed || running > 0, "gather left nothing running");
            continue;
        }
        anyhow::ensure!(
            running == 0,
            "{}: {running} still running after",
            row.variant
        );
        anyhow::ensure!(
            !timed || cancelled >= Some(1),
            "{}: the slowest task finished: the group waited for it",
            row.variant
        );
    }
    Ok(())
}

fn messages(ends: &Ends) -> Vec<String> {
    ends.errors.iter().map(|e| format!("{e:#}")).collect()
}

/// The one sentence under the table when the twin's rows are there: each language's structured
/// group against its gather, by when it returned and what it left running.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let x = |r: &Row| {
        r.extra
            .get("x latency")
            .and_then(|v| v.as_f64())
            .unwrap_or(f64::NAN)
    };
    let left = |r: &Row| {
        r.extra
            .get("still running after")
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    };
    let (group, gathered) = (find(ROWS[0])?, find(ROWS[2])?);
    let (py_group, py_gathered) = (
        find("Python: asyncio.TaskGroup")?,
        find("Python: asyncio.gather")?,
    );
    Some(format!(
        "At the first error: Rust's JoinSet group returned at {:.1}x latency leaving {} running, \
         asyncio.TaskGroup at {:.1}x leaving {}; the gathers returned as early but left {} \
         (Rust) and {} (CPython) tasks running",
        x(group),
        left(group),
        x(py_group),
        left(py_group),
        left(gathered),
        left(py_gathered),
    ))
}
