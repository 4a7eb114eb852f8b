//! The flags tour: the three download variants against the fake server, with the server's
//! peak in flight and its trace of each request; with `--python`, the twin's rows
//! (`python/flags.py`: `await` in a loop, `asyncio.gather`, a thread pool) in the same table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::flags::{Fetched, client, concurrent, sequential, thread_pool};
use crate::tour::{server_stats, twin};

/// Counts the outcomes of a batch, so every row's counts add up to its items.
pub fn tally(results: &[Fetched]) -> Outcomes {
    let count = |f: fn(&Fetched) -> bool| results.iter().filter(|r| f(r)).count() as u64;
    Outcomes {
        ok: count(|r| matches!(r, Fetched::Ok(_))),
        not_found: Some(count(|r| *r == Fetched::NotFound)),
        errors: Some(count(|r| *r == Fetched::Failed)),
        ..Outcomes::default()
    }
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 20);
    let latency = args.latency_or(100, 10);
    let workers = args.workers_or(count);
    let timeout = latency + Duration::from_secs(10);
    let server = Arc::new(Server::start(args, Faults::from_args(args, 100, 10))?);
    let urls: Vec<String> = common::data::country_codes(count)
        .into_iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let client = client(timeout)?;
    say!(
        "{count} flags, {} ms latency, from {}",
        latency.as_millis(),
        server.url()
    );

    let mut table = Table::new("flags", args).timeline();
    let mut all = Vec::new();
    let variants = [
        "one await after another",
        "concurrent (join_all)",
        "ureq on a thread pool",
    ];
    for (i, variant) in variants.into_iter().enumerate() {
        server_stats::reset_stats(&server).await?;
        let watch = Instant::now();
        let results = match i {
            0 => sequential(&client, &urls).await,
            1 => concurrent(&client, &urls).await,
            _ => {
                let urls = urls.clone();
                tokio::task::spawn_blocking(move || thread_pool(&urls, workers, timeout)).await?
            }
        };
        let wall = watch.elapsed();
        let peak = server_stats::stats(&server).await?.max_in_flight;
        let mut row = Row::new(variant, count, wall).max_in_flight(peak);
        if i == 2 {
            row = row.workers(workers);
        }
        let rtt = wall.as_secs_f64() / latency.as_secs_f64().max(1e-3);
        let row = row
            .outcomes(tally(&results))
            .spans(server_stats::spans(&server).await?);
        table.push(row.extra("x latency", rtt));
        all.push((results, peak, wall));
    }
    // With --python: the twin's await in a loop, asyncio.gather and thread pool, same server.
    let extra = common::python::sizes(args, Some(count), None);
    let twin = twin::rows_on(args, &server, "flags.py", extra).await?;
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();

    let (seq_wall, conc_wall) = (all[0].2.as_secs_f64(), all[1].2.as_secs_f64());
    match against_python(&table) {
        Some(line) => say!("{line}"),
        None => say!(
            "concurrent: {:.2}x one round trip (aim: within 1.2x), {:.1}x faster than one await after another (aim: 15x or more)",
            conc_wall / latency.as_secs_f64().max(1e-3),
            seq_wall / conc_wall.max(1e-9),
        ),
    }

    // What was claimed: the same outcome for every flag in every row; one request at a time
    // in the sequential row; requests overlapping in the concurrent row.
    anyhow::ensure!(
        all.iter().all(|(r, _, _)| *r == all[0].0),
        "the rows disagree"
    );
    anyhow::ensure!(all[0].1 == 1, "sequential awaits overlapped");
    anyhow::ensure!(
        count == 1 || all[1].1 > 1,
        "concurrent requests never overlapped"
    );
    let py_loop = table
        .rows()
        .iter()
        .find(|r| r.variant == "Python: await in a loop");
    if let Some(peak) = py_loop.and_then(|r| r.max_in_flight) {
        anyhow::ensure!(
            peak == 1,
            "the twin's awaits in a loop had {peak} in flight"
        );
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's concurrent
/// row in round trips (the aim: both within 1.3x of one latency), and its speedup over
/// its own one-at-a-time row.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let x = |row: &Row| row.extra.get("x latency").and_then(|v| v.as_f64());
    let rust = find("concurrent (join_all)")?;
    let python = find("Python: asyncio.gather")?;
    Some(format!(
        "Concurrent, in round trips: Rust join_all {:.2}x, CPython asyncio.gather {:.2}x (aim: both \
         within 1.3x); over one at a time: Rust {:.1}x, CPython {:.1}x",
        x(rust)?,
        x(python)?,
        table.speedup(rust),
        table.speedup(python),
    ))
}
