//! The tour of [`crate::lessons::join_all`]: the same downloads three ways, each measured by the
//! clock and by the fake server's peak in flight, with the server's timeline under the table.

use std::time::Duration;

use common::server::{Faults, Server};
use common::{CommonArgs, Row, Table, say, timed};

use crate::lessons::join_all::{agent, download, join_in_loop, start_all_then_join};

/// The flag sizes of one variant, in URL order.
type Downloads = anyhow::Result<Vec<usize>>;

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 5);
    let server = Server::start(args, Faults::from_args(args, 100, 20))?;
    let latency = server.faults()?.latency_ms;
    say!(
        "{count} flags from {} with {latency} ms latency",
        server.url()
    );

    let agent = agent(Duration::from_secs(30));
    let urls: Vec<String> = common::data::country_codes(count)
        .iter()
        .map(|cc| server.flag_url(cc))
        .collect();

    // The same downloads three ways, each measured by the clock and by the server's peak.
    let mut table = Table::new("join-all", args).timeline();
    let mut measure = |label: &str, threads: Option<usize>, variant: &dyn Fn() -> Downloads| {
        server.reset_stats()?;
        let (sizes, wall) = timed(variant);
        let sizes = sizes?;
        let peak = server.stats()?.max_in_flight;
        let spans = server.spans()?; // the server's view of the downloads
        let mut row = Row::new(label, count, wall)
            .max_in_flight(peak)
            .spans(spans);
        row.workers = threads;
        table.push(row.extra("bytes", sizes.iter().sum::<usize>() as u64));
        anyhow::Ok((sizes, peak))
    };
    let sequential = measure("sequential", None, &|| {
        urls.iter().map(|u| download(&agent, u)).collect()
    })?;
    let looped = measure("join inside the loop", Some(count), &|| {
        join_in_loop(&agent, &urls)
    })?;
    let all = measure("start all, then join", Some(count), &|| {
        start_all_then_join(&agent, &urls)
    })?;

    // With --python: the twin's three ways against the same server, the same flags.
    let extra = common::python::sizes(args, Some(count), None);
    let dir = env!("CARGO_MANIFEST_DIR");
    let twin = common::python::twin_rows_on(args, &server, dir, "join_all.py", &extra);
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }

    // What was claimed: the same flags every way; the loop never had two in flight.
    anyhow::ensure!(
        sequential.0 == looped.0 && looped.0 == all.0,
        "downloads differ"
    );
    anyhow::ensure!(looped.1 == 1, "join-in-loop had {} in flight", looped.1);
    let py_loop = table
        .rows()
        .iter()
        .find(|r| r.variant == "Python: join inside the loop");
    if let Some(peak) = py_loop.and_then(|r| r.max_in_flight) {
        anyhow::ensure!(peak == 1, "the twin's join-in-loop had {peak} in flight");
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: in each language, the
/// speedup of start-all-then-join over its own sequential row, and the peaks in flight.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |label: &str| rows.iter().find(|r| r.variant == label);
    let (rust_loop, rust_all) = (find("join inside the loop")?, find("start all, then join")?);
    let py_loop = find("Python: join inside the loop")?;
    let py_all = find("Python: start all, then join")?;
    let peak = |r: &Row| r.max_in_flight.map_or("n/a".to_string(), |p| p.to_string());
    Some(format!(
        "Start all, then join: Rust {:.1}x over sequential at {} in flight, CPython {:.1}x at {}; \
         joining inside the loop kept Rust at {} in flight and CPython at {}",
        table.speedup(rust_all),
        peak(rust_all),
        table.speedup(py_all),
        peak(py_all),
        peak(rust_loop),
        peak(py_loop),
    ))
}
