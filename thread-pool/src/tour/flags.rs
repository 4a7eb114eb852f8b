//! The tour of [`crate::lessons::flags`]: sequential, map style and as completed against the same
//! fake server, with the server's peak in flight and timeline, and the orders compared.

use std::collections::HashMap;
use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::flags::{
    Download, agent, download_as_completed, download_map, download_sequential,
};

/// A table row for one variant: ok and error counts, and wall time in round trips.
pub fn row(label: String, downloads: &[Download], wall: Duration, latency: Duration) -> Row {
    let errors = downloads.iter().filter(|d| d.result.is_err()).count() as u64;
    let outcomes = Outcomes {
        ok: downloads.len() as u64 - errors,
        errors: Some(errors),
        ..Outcomes::default()
    };
    let row = Row::new(label, downloads.len(), wall).outcomes(outcomes);
    if latency.is_zero() {
        row
    } else {
        row.extra("round trips", wall.as_secs_f64() / latency.as_secs_f64())
    }
}

/// The flag URL of each code on `server`, in the codes' order.
pub fn flag_urls(server: &Server, codes: &[&str]) -> Vec<String> {
    codes.iter().map(|cc| server.flag_url(cc)).collect()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let workers = args.workers_or(count);
    let latency = args.latency_or(100, 10);
    let server = Server::start(args, Faults::from_args(args, 100, 10))?;
    let agent = agent(latency * 2 + Duration::from_secs(5), workers);
    let codes = country_codes(count);
    let urls = flag_urls(&server, &codes);
    let code_of: HashMap<&str, &str> = urls.iter().map(String::as_str).zip(codes.clone()).collect();
    let codes_of = |downloads: &[Download]| -> Vec<&str> {
        downloads.iter().map(|d| code_of[d.url.as_str()]).collect()
    };
    say!(
        "{count} flags from {}, {} ms per request; pools of {workers} threads",
        server.url(),
        latency.as_millis()
    );

    // Step 0, untimed: open the pool's keep-alive connections once, as a long-running client
    // would have them, so the rows measure downloads rather than TCP handshakes.
    download_as_completed(&agent, &urls, workers)?;

    // Step 1: every variant against the same server, its stats reset before each.
    let mut table = Table::new("flags", args).timeline();
    server.reset_stats()?;
    let (sequential, wall) = timed(|| download_sequential(&agent, &urls));
    let seq_peak = server.stats()?.max_in_flight;
    let seq_row = row("sequential".into(), &sequential, wall, latency).spans(server.spans()?);
    table.push(seq_row.max_in_flight(seq_peak));

    server.reset_stats()?;
    let (mapped, wall) = timed(|| download_map(&agent, &urls, workers));
    let (mapped, map_peak) = (mapped?, server.stats()?.max_in_flight);
    let label = format!("map style ({workers})");
    let map_row = row(label, &mapped, wall, latency).workers(workers);
    let map_row = map_row.spans(server.spans()?);
    table.push(map_row.max_in_flight(map_peak));

    server.reset_stats()?;
    let (arrived, wall) = timed(|| download_as_completed(&agent, &urls, workers));
    let (arrived, done_peak) = (arrived?, server.stats()?.max_in_flight);
    let label = format!("as completed ({workers})");
    let done_row = row(label, &arrived, wall, latency).workers(workers);
    let done_row = done_row.spans(server.spans()?);
    table.push(done_row.max_in_flight(done_peak));

    // Step 2: the same codes, in two different orders.
    let moved = codes_of(&arrived)
        .iter()
        .zip(&codes)
        .filter(|(a, b)| a != b)
        .count();
    say!("input order:               {}", codes.join(" "));
    say!("map style gives back:      {}", codes_of(&mapped).join(" "));
    say!(
        "as completed gives back:   {}",
        codes_of(&arrived).join(" ")
    );
    say!("({moved} of {count} arrived in a different place than their input order)");

    // With --python: sequential, executor.map and submit + as_completed against the same server.
    let extra = common::python::sizes(args, Some(count), Some(workers));
    let dir = env!("CARGO_MANIFEST_DIR");
    let twin = common::python::twin_rows_on(args, &server, dir, "flags.py", &extra);
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table, workers) {
        say!("{line}");
    }

    // What was claimed: map keeps input order, as-completed loses none, the pool never
    // has more than its workers in flight, sequential never more than one.
    anyhow::ensure!(codes_of(&mapped) == codes, "map style changed the order");
    let (mut sorted, mut expected) = (codes_of(&arrived), codes.clone());
    sorted.sort_unstable();
    expected.sort_unstable();
    anyhow::ensure!(sorted == expected, "as-completed lost or repeated a flag");
    anyhow::ensure!(
        seq_peak <= 1,
        "sequential had {seq_peak} requests in flight"
    );
    let cap = workers.min(count) as u64;
    anyhow::ensure!(
        map_peak <= cap && done_peak <= cap,
        "a pool of {cap} had {map_peak} / {done_peak} in flight"
    );
    for row in table
        .rows()
        .iter()
        .filter(|r| r.variant.starts_with("Python: "))
    {
        let peak = row.max_in_flight.unwrap_or(0);
        let limit = row.workers.map_or(1, |w| w.min(count) as u64);
        anyhow::ensure!(peak <= limit, "{} had {peak} in flight", row.variant);
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's pools over
/// its own sequential row, and their peaks in flight.
fn against_python(table: &Table, workers: usize) -> Option<String> {
    let find = |label: String| table.rows().iter().find(|r| r.variant == label);
    let map = find(format!("map style ({workers})"))?;
    let done = find(format!("as completed ({workers})"))?;
    let py_map = find(format!("Python: map style ({workers})"))?;
    let py_done = find(format!("Python: as completed ({workers})"))?;
    let peak = |r: &Row| r.max_in_flight.map_or("n/a".to_string(), |p| p.to_string());
    Some(format!(
        "A pool of {workers} over sequential: Rust map {:.1}x and as completed {:.1}x (peaks {} \
         and {}), CPython executor.map {:.1}x and as_completed {:.1}x (peaks {} and {})",
        table.speedup(map),
        table.speedup(done),
        peak(map),
        peak(done),
        table.speedup(py_map),
        table.speedup(py_done),
        peak(py_map),
        peak(py_done),
    ))
}
