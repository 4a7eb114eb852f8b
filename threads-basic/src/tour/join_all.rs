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
    table.print();

    // What was claimed: the same flags every way; the loop never had two in flight.
    anyhow::ensure!(
        sequential.0 == looped.0 && looped.0 == all.0,
        "downloads differ"
    );
    anyhow::ensure!(looped.1 == 1, "join-in-loop had {} in flight", looped.1);
    Ok(())
}
