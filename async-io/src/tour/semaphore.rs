//! The semaphore tour: a sweep of caps, the server's peak in flight beside each.

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::semaphore::download_capped;
use crate::tour::server_stats;

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
    table.print();

    // What was claimed: the cap is never exceeded. (Reaching it exactly is what the tests prove
    // with the server's rendezvous; here it depends on the latency being long enough.)
    for (cap, peak) in peaks {
        anyhow::ensure!(peak <= cap as u64, "cap {cap} exceeded: {peak} in flight");
    }
    Ok(())
}
