//! The semaphore tour: a sweep of caps, the server's peak in flight beside each; with
//! `--python`, the twin's `asyncio.Semaphore` rows (`python/semaphore.py`) for the same caps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::python::PREFIX;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::semaphore::download_capped;
use crate::tour::{server_stats, twin};

#[tokio::main]
pub async fn run(args: &CommonArgs, concurrency: Option<usize>) -> anyhow::Result<()> {
    let count = args.count_or(20, 20);
    let latency = args.latency_or(50, 5);
    let caps: Vec<usize> = match concurrency {
        Some(m) => vec![m],
        None => [1, 2, 5, 10, 20]
            .into_iter()
            .filter(|&m| m <= count)
            .collect(),
    };
    let server = Arc::new(Server::start(args, Faults::from_args(args, 50, 5))?);
    let urls: Vec<String> = common::data::country_codes(count)
        .into_iter()
        .map(|cc| server.flag_url(cc))
        .collect();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(latency + Duration::from_secs(10))
        .build()?;
    say!(
        "{count} flags at {} ms, capped at {caps:?} in flight",
        latency.as_millis()
    );

    let mut table = Table::new("semaphore", args).timeline();
    let mut peaks = Vec::new();
    for &cap in &caps {
        server_stats::reset_stats(&server).await?;
        let watch = Instant::now();
        let lengths = download_capped(&client, &urls, cap).await;
        let wall = watch.elapsed();
        let peak = server_stats::stats(&server).await?.max_in_flight;
        let spans = server_stats::spans(&server).await?; // the server's view: waves of `cap` requests
        let ok = lengths.iter().filter(|len| len.is_some()).count() as u64;
        let outcomes = Outcomes {
            ok,
            errors: Some(count as u64 - ok),
            ..Outcomes::default()
        };
        let row = Row::new(format!("Semaphore::new({cap})"), count, wall).workers(cap);
        let matches = if peak == cap.min(count) as u64 {
            "yes"
        } else {
            "no"
        };
        table.push(
            row.max_in_flight(peak)
                .outcomes(outcomes)
                .spans(spans)
                .extra("peak == cap", matches),
        );
        peaks.push((cap, peak));
    }
    // With --python: the twin's asyncio.Semaphore rows for the same caps, the same server.
    let mut extra = common::python::sizes(args, Some(count), None);
    if let Some(m) = concurrency {
        extra.extend(["--concurrency".to_string(), m.to_string()]);
    }
    let twin = twin::rows_on(args, &server, "semaphore.py", extra).await?;
    let mut py_peak = None;
    if let Some((rows, stats)) = twin {
        // The twin resets the server's stats before each row: what the server saw after it is
        // the peak of its last row, the largest cap.
        py_peak = Some((rows.last().and_then(|r| r.workers), stats.max_in_flight));
        for row in rows {
            table.push(row);
        }
    }
    table.print();
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }

    // What was claimed: the cap is never exceeded. (Reaching it exactly is what the tests prove
    // with the server's rendezvous; here it depends on the latency being long enough.)
    for (cap, peak) in peaks {
        anyhow::ensure!(peak <= cap as u64, "cap {cap} exceeded: {peak} in flight");
    }
    // The same for the twin, by the server's count after it (its rows say the same per cap).
    if let Some((cap, peak)) = py_peak {
        let cap = cap.context("the semaphore twin's last row has no cap")? as u64;
        anyhow::ensure!(
            peak <= cap,
            "the twin's asyncio.Semaphore({cap}) had {peak} in flight"
        );
        let twin_rows = table
            .rows()
            .iter()
            .filter(|r| r.variant.starts_with(PREFIX));
        for row in twin_rows {
            let (cap, peak) = (row.workers.unwrap_or(0) as u64, row.max_in_flight);
            anyhow::ensure!(
                peak.is_some_and(|p| p <= cap),
                "{}: {peak:?} in flight",
                row.variant
            );
        }
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: for each cap, the peak the
/// server saw from each language.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let (python, rust): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.variant.starts_with(PREFIX));
    if python.is_empty() {
        return None;
    }
    let peaks = |rows: &[&Row]| {
        let each: Vec<String> = rows
            .iter()
            .map(|r| r.max_in_flight.map_or("?".into(), |p| p.to_string()))
            .collect();
        each.join(", ")
    };
    let caps: Vec<String> = rust
        .iter()
        .map(|r| r.workers.unwrap_or(0).to_string())
        .collect();
    let mut line = format!(
        "The server's peak in flight for caps {}: Rust {}, CPython {}",
        caps.join(", "),
        peaks(&rust),
        peaks(&python),
    );
    if rust.len() > 1 && python.len() > 1 {
        line += &format!(
            "; at the largest cap, Rust {:.1}x over a cap of one, CPython {:.1}x",
            table.speedup(rust.last()?),
            table.speedup(python.last()?),
        );
    }
    Some(line)
}
