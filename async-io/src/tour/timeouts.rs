//! The timeouts tour: five policies on the same flags, a slower mirror for the races; with
//! `--python`, the twin's `asyncio.timeout`, `wait_for`, batch deadline and `task.cancel()`
//! rows (`python/timeouts.py`) in the same table.

use std::sync::Arc;
use std::time::Duration;

use common::server::{FakeServer, Faults, Server, ServerConfig};
use common::{CommonArgs, Outcomes, Row, Table, say};
use tokio::time::Instant;

use crate::lessons::races::{race, race_ok};
use crate::lessons::timeouts::{End, batch_deadline, cancel_group, per_request};
use crate::tour::{server_stats, twin};

/// Counts how a batch ended; every request is in exactly one column.
pub fn tally(ends: &[End]) -> Outcomes {
    let count = |e: End| Some(ends.iter().filter(|&&x| x == e).count() as u64);
    Outcomes {
        ok: count(End::Done).unwrap_or(0),
        errors: count(End::Failed),
        timed_out: count(End::TimedOut),
        cancelled: count(End::Cancelled),
        ..Outcomes::default()
    }
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 20);
    let base = args.latency_or(50, 10).as_millis() as u64;
    let faults = Faults {
        jitter_ms: 4 * base,
        ..Faults::from_args(args, 50, 10)
    };
    let server = Arc::new(Server::start(args, faults)?);
    let mirror_faults = Faults {
        latency_ms: base * 12 / 5,
        ..Faults::default()
    };
    let mirror = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: mirror_faults,
        ..ServerConfig::default()
    })?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let codes = common::data::country_codes(count);
    let urls: Vec<String> = codes.iter().map(|cc| server.flag_url(cc)).collect();
    let mirror_urls: Vec<String> = codes
        .iter()
        .map(|cc| {
            format!(
                "{}/flags/{cc}/{cc}.gif",
                mirror.url(),
                cc = cc.to_lowercase()
            )
        })
        .collect();
    say!(
        "{count} flags; answers take {base} to {} ms; the mirror always takes {} ms",
        5 * base,
        base * 12 / 5
    );

    let mut table = Table::new("timeouts", args).different_work(); // four different policies
    let mut push = |variant: String, ends: &[End], wall, peak| {
        table.push(
            Row::new(variant, ends.len(), wall)
                .max_in_flight(peak)
                .outcomes(tally(ends)),
        );
    };
    // Scaled to the latency: 150, 200 and 120 ms at the default 50 ms.
    let ms = |n: u64| Duration::from_millis(n);
    let (limit, deadline, cancel_at) = (ms(3 * base), ms(4 * base), ms(base * 12 / 5));

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = per_request(&client, &urls, limit).await;
    push(
        format!("timeout({} ms) per request", limit.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = batch_deadline(&client, &urls, deadline).await?;
    push(
        format!("batch deadline {} ms", deadline.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let (ends, mirror_wins) = race(&client, &urls, &mirror_urls).await;
    push(
        "select! first to finish".into(),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );
    say!(
        "  select!: races won: primary {}, mirror {mirror_wins}",
        count - mirror_wins
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let (ends, mirror_wins) = race_ok(&client, &urls, &mirror_urls).await;
    let failed = ends.iter().filter(|&&e| e == End::Failed).count();
    push(
        "select_ok first to succeed".into(),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );
    say!(
        "  select_ok: races won: primary {}, mirror {mirror_wins}; {failed} failures dropped out",
        count - mirror_wins
    );
    if args.error_rate.unwrap_or(0.0) == 0.0 {
        say!(
            "  (try --error-rate 0.3: select! then returns the primary's fast 503s, select_ok never)"
        );
    }

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = cancel_group(&client, &urls, cancel_at).await?;
    push(
        format!("CancellationToken at {} ms", cancel_at.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );

    // With --python: the twin's asyncio.timeout, wait_for, batch deadline and task.cancel()
    // against the same server (its races need the mirror, so they have no twin).
    let extra = common::python::sizes(args, Some(count), None);
    let twin = twin::rows_on(args, &server, "timeouts.py", extra).await?;
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table) {
        say!("{line}");
    }

    // What was claimed: every started request is accounted for (Table::push checks that the
    // counts add up), each select! race has exactly one cancelled loser, and select_ok wins
    // every race with a success (the mirror never fails).
    let rows = table.rows();
    anyhow::ensure!(
        rows[2].outcomes.cancelled == Some(count as u64),
        "a race lost count"
    );
    anyhow::ensure!(
        rows[3].outcomes.ok == count as u64,
        "select_ok returned {} successes for {count} races",
        rows[3].outcomes.ok
    );
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: what each policy timed out
/// or cancelled in each language, the rows found by the start of their labels.
fn against_python(table: &Table) -> Option<String> {
    let rows = table.rows();
    let find = |start: &str| rows.iter().find(|r| r.variant.starts_with(start));
    let timed_out = |start: &str| Some(find(start)?.outcomes.timed_out.unwrap_or(0));
    let cancelled = |start: &str| Some(find(start)?.outcomes.cancelled.unwrap_or(0));
    let n = find("timeout(")?.items;
    Some(format!(
        "Of {n} requests, timed out one by one: Rust timeout() {}, asyncio.timeout {}, wait_for {}; \
         cut by the batch deadline: Rust {}, asyncio.wait {}; cancelled as a group: Rust \
         CancellationToken {}, task.cancel() {}",
        timed_out("timeout(")?,
        timed_out("Python: asyncio.timeout(")?,
        timed_out("Python: wait_for(")?,
        timed_out("batch deadline")?,
        timed_out("Python: batch deadline")?,
        cancelled("CancellationToken")?,
        cancelled("Python: task.cancel()")?,
    ))
}
